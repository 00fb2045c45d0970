// Goal seeking: the answer is the cheapest evaluated lever setting that meets the probability,
// or a clear "not reached" with the most probable one (analysis/target.hpp).
#include "analysis/target.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "engine/error.hpp"
#include "engine/hdf5.hpp"
#include "test_support.hpp"

namespace nisim::hk {
namespace {

namespace fs = std::filesystem;

class TargetTest : public test::TempDirTest {
 protected:
  /// A target file over the small scenario, for share `share` in 2022, plus `extra` text.
  fs::path target_file(const std::string& share, const std::string& extra = "") {
    const fs::path small = fs::path(NISIM_TEST_DATA) / "scenarios" / "small.toml";
    return write("t.toml", "[batch]\nreplications = 3\nseed = 5\n[target]\nscenario = \"" +
                               small.string() + "\"\nprobability = 0.6\nshare = " + share +
                               "\nyear = 2022\nmax_evaluations = 8\n[[target.lever]]\n"
                               "key = \"schemes.nifs.share\"\nmin = 0.05\nmax = 0.33\n" +
                               extra);
  }
};

}  // namespace

TEST_F(TargetTest, FeasibleTargetReturnsTheCheapestFeasibleEvaluation) {
  // A share every run reaches: the constraint never binds, so cheaper grants are better.
  const TargetResult r =
      seek_target(load_batch(target_file("0.1")), dir_ / "t.h5", TargetOptions{});
  ASSERT_TRUE(r.feasible);
  ASSERT_GE(r.evaluations.size(), 2u);
  const TargetEvaluation& best = r.evaluations[r.best];
  EXPECT_GE(best.probability, 0.6);
  for (const TargetEvaluation& e : r.evaluations) {
    if (e.probability >= 0.6) {
      EXPECT_LE(best.public_cost, e.public_cost);
    }
    EXPECT_GE(e.levers[0], 0.05);
    EXPECT_LE(e.levers[0], 0.33);
  }
  // The optimiser moved away from the generous start towards cheaper grants.
  EXPECT_LT(best.public_cost, r.evaluations.front().public_cost);

  const auto f = h5::open_file_read(dir_ / "t.h5");
  EXPECT_EQ(f.attr_int("feasible"), 1);
  EXPECT_EQ(f.attr_int("best_evaluation"), static_cast<std::int64_t>(r.best));
  const std::vector<double> cost = h5::read_double(f, "public_cost");
  ASSERT_EQ(cost.size(), r.evaluations.size());
  EXPECT_EQ(cost[r.best], best.public_cost);
  EXPECT_EQ(h5::dim_names(f, "levers"), (std::vector<std::string>{"evaluation", "lever"}));
  EXPECT_FALSE(r.has_frontier);  // reached: no frontier to report
  EXPECT_FALSE(f.exists("frontier"));
  EXPECT_NE(f.attr_string("public_cost_counts").find("every scheme"), std::string::npos);
}

TEST_F(TargetTest, FarFromTheTargetTheFrontierExploredIsReported) {
  TargetOptions options;
  std::size_t ensembles = 0;
  options.progress = [&](const TargetEvaluation&, std::size_t) { ++ensembles; };
  const TargetResult r = seek_target(load_batch(target_file("50.0")), dir_ / "far.h5", options);
  ASSERT_FALSE(r.feasible);
  ASSERT_TRUE(r.has_frontier);
  const TargetFrontier& fr = r.frontier;
  ASSERT_EQ(fr.profiles.size(), 1u);
  ASSERT_EQ(fr.profiles[0].size(), k_frontier_points);
  EXPECT_DOUBLE_EQ(fr.profiles[0].front().levers[0], 0.05);
  EXPECT_DOUBLE_EQ(fr.profiles[0].back().levers[0], 0.33);
  for (std::size_t q = 1; q < k_frontier_points; ++q) {
    EXPECT_GT(fr.profiles[0][q].levers[0], fr.profiles[0][q - 1].levers[0]);
  }
  // The highest share explored is below the target and no evaluation beats it.
  EXPECT_LT(fr.highest.share_mean, 50.0);
  for (const auto& e : fr.profiles[0]) EXPECT_LE(e.share_mean, fr.highest.share_mean);
  for (const auto& e : r.evaluations) EXPECT_LE(e.share_mean, fr.highest.share_mean);
  // The profile's last point is the search's starting corner: reused, not run again.
  EXPECT_EQ(fr.profiles[0].back().levers, r.evaluations.front().levers);
  EXPECT_EQ(fr.profiles[0].back().public_cost, r.evaluations.front().public_cost);
  EXPECT_LE(ensembles, r.evaluations.size() + k_frontier_points - 1);
  // Exactly the profile points the search had not evaluated are run (whether the search already
  // visited every grid point depends on its path, which the model's numbers set).
  std::size_t unseen = 0;
  for (const auto& point : fr.profiles[0]) {
    unseen += std::none_of(r.evaluations.begin(), r.evaluations.end(),
                           [&](const TargetEvaluation& e) { return e.levers == point.levers; });
  }
  EXPECT_EQ(ensembles, r.evaluations.size() + unseen);
  // More generous grants cost more public money along the profile.
  EXPECT_GT(fr.profiles[0].back().public_cost, fr.profiles[0].front().public_cost);

  const auto f = h5::open_file_read(dir_ / "far.h5");
  const auto g = f.open_group("frontier");
  EXPECT_EQ(g.attr_double("highest_share_mean"), fr.highest.share_mean);
  const std::vector<double> share = h5::read_double(g, "share_mean");
  const std::vector<double> cost = h5::read_double(g, "public_cost");
  const std::vector<double> value = h5::read_double(g, "lever_value");
  ASSERT_EQ(share.size(), k_frontier_points);
  for (std::size_t q = 0; q < k_frontier_points; ++q) {
    EXPECT_EQ(share[q], fr.profiles[0][q].share_mean);
    EXPECT_EQ(cost[q], fr.profiles[0][q].public_cost);
    EXPECT_EQ(value[q], fr.profiles[0][q].levers[0]);
  }
  EXPECT_EQ(h5::dim_names(g, "share_mean"), (std::vector<std::string>{"lever", "point"}));
}

TEST_F(TargetTest, UnreachableTargetIsReportedWithTheMostProbableEvaluation) {
  const TargetResult r =
      seek_target(load_batch(target_file("50.0")), dir_ / "u.h5", TargetOptions{});
  EXPECT_FALSE(r.feasible);
  for (const TargetEvaluation& e : r.evaluations) {
    EXPECT_EQ(e.probability, 0.0);
    EXPECT_LE(e.share_mean, r.evaluations[r.best].share_mean);
  }
  EXPECT_EQ(h5::open_file_read(dir_ / "u.h5").attr_int("feasible"), 0);
}

TEST_F(TargetTest, SameFileSameEvaluations) {
  const TargetResult a =
      seek_target(load_batch(target_file("0.1")), dir_ / "a.h5", TargetOptions{});
  const TargetResult b =
      seek_target(load_batch(target_file("0.1")), dir_ / "b.h5", TargetOptions{});
  ASSERT_EQ(a.evaluations.size(), b.evaluations.size());
  for (std::size_t k = 0; k < a.evaluations.size(); ++k) {
    EXPECT_EQ(a.evaluations[k].levers, b.evaluations[k].levers);
    EXPECT_EQ(a.evaluations[k].public_cost, b.evaluations[k].public_cost);
  }
}

TEST_F(TargetTest, BadLeverIsAnErrorBeforeAnyOutput) {
  const fs::path t =
      target_file("5.0", "[[target.lever]]\nkey = \"schemes.nifs.cpa\"\nmin = 0\nmax = 1\n");
  try {
    seek_target(load_batch(t), dir_ / "never.h5", TargetOptions{});
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("t.toml:15:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("schemes.nifs.cap"), std::string::npos)  // suggestion
        << e.what();
  }
  EXPECT_FALSE(fs::exists(dir_ / "never.h5"));
  // A lever range outside the parameter's valid range names the lever's line too.
  const fs::path r = target_file("5.0",
                                 "[[target.lever]]\nkey = \"schemes.nifs.cap\"\nmin = -5\n"
                                 "max = 2\n");
  EXPECT_THROW(seek_target(load_batch(r), dir_ / "never.h5", TargetOptions{}), ScenarioError);
  EXPECT_FALSE(fs::exists(dir_ / "never.h5"));
}

}  // namespace nisim::hk
