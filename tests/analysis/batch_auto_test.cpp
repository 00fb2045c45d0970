// replications = "auto": the stopping rule, its record in the file, and that an auto batch
// stopping at R is bitwise the fixed batch of R replications, for any thread count
// (analysis/batch_auto.hpp; docs/batches.md, "Replications until the effect is precise").
#include "analysis/batch_auto.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/batch.hpp"
#include "engine/error.hpp"
#include "engine/hdf5.hpp"
#include "test_support.hpp"

namespace nisim::hk {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_years = 7;  // small.toml: 2016-2022
constexpr std::size_t k_t2022 = 6;

class BatchAutoTest : public test::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    write_nifs_pair();
  }
  /// A batch of the NIFS pair (base "without") with the given [batch] lines.
  fs::path batch_file(const std::string& name, const std::string& batch_lines) {
    return write(name, "[batch]\nseed = 4242\nbase = \"without\"\n" + batch_lines +
                           "[[scenario]]\nfile = \"with.toml\"\n[[scenario]]\nfile = "
                           "\"without.toml\"\n");
  }
  fs::path run_to(const fs::path& batch, const std::string& out, int threads,
                  BatchSummary* summary = nullptr) {
    BatchOptions o;
    o.threads = threads;
    const BatchSummary s = run_batch(load_batch(batch), dir_ / out, o);
    if (summary != nullptr) *summary = s;
    return dir_ / out;
  }
  static std::string auto_lines(double ci_width, int min, int max) {
    std::ostringstream text;
    text.precision(17);
    text << "replications = \"auto\"\nauto_year = 2022\nci_width = " << ci_width
         << "\nmin_replications = " << min << "\nmax_replications = " << max << "\n";
    return text.str();
  }
};

/// The bits of `v` (so NaN equals NaN: "bitwise the same").
std::vector<std::uint64_t> bits(const std::vector<double>& v) {
  std::vector<std::uint64_t> out;
  out.reserve(v.size());
  for (const double x : v) out.push_back(std::bit_cast<std::uint64_t>(x));
  return out;
}

/// Every dataset a batch writes for a scenario, and its comparison with the base.
void expect_same_datasets(const h5::Location& a, const h5::Location& b) {
  for (const char* group : {"with", "without"}) {
    for (const char* name : {"mfg_share", "smart_lines", "employment", "kpi_projected",
                             "mfg_share_mean", "mfg_share_percentiles", "kpi_p_met"}) {
      EXPECT_EQ(bits(h5::read_double(a.open_group(group), name)),
                bits(h5::read_double(b.open_group(group), name)))
          << group << "/" << name;
    }
  }
  const auto ca = a.open_group("with").open_group("vs_base");
  const auto cb = b.open_group("with").open_group("vs_base");
  for (const char* name : {"mfg_share_diff_mean", "mfg_share_diff_se", "mfg_share_diff_ci_low",
                           "mfg_share_diff_ci_high"}) {
    EXPECT_EQ(bits(h5::read_double(ca, name)), bits(h5::read_double(cb, name))) << name;
  }
  EXPECT_EQ(a.attr_int("replications"), b.attr_int("replications"));
  EXPECT_EQ(h5::read_int(a, "replication"), h5::read_int(b, "replication"));
}

/// Paired differences with, minus without, in 2022, of the first `reps` replications.
std::vector<double> paired_2022(const h5::Location& f, std::size_t reps) {
  const std::vector<double> a = h5::read_double(f.open_group("with"), "mfg_share");
  const std::vector<double> b = h5::read_double(f.open_group("without"), "mfg_share");
  std::vector<double> d(reps);
  for (std::size_t r = 0; r < reps; ++r) {
    d[r] = a[r * k_years + k_t2022] - b[r * k_years + k_t2022];
  }
  return d;
}

std::vector<std::int64_t> rounds_of(const h5::Location& f) {
  std::vector<std::int64_t> out;
  std::stringstream text(f.attr_string("auto_rounds"));
  for (std::string item; std::getline(text, item, ',');) out.push_back(std::stoll(item));
  return out;
}

}  // namespace

TEST(NextReplications, FollowsTheVarianceEstimateWithinOnePlusAndDoubling) {
  AutoReplications a;
  a.ci_width = 0.01;
  a.max = 1000;
  // Width 1.2 times too wide: 1.44 R needed.
  EXPECT_EQ(next_replications(100, 0.012, a), 144);
  // Far too wide: at most doubling per round.
  EXPECT_EQ(next_replications(10, 0.1, a), 20);
  // Barely too wide: at least one more replication.
  EXPECT_EQ(next_replications(10, 0.0100001, a), 11);
  // Never beyond max.
  a.max = 150;
  EXPECT_EQ(next_replications(100, 0.02, a), 150);
}

TEST(PairedCiWidth, IsTwiceTheTMultipleOfTheStandardError) {
  const std::vector<double> d = {1.0, 2.0, 4.0};  // mean 7/3, sd sqrt(7/3)
  EXPECT_NEAR(paired_ci_width(d), 2.0 * 4.302652729749464 * std::sqrt(7.0 / 3.0 / 3.0), 1e-9);
  EXPECT_TRUE(std::isnan(paired_ci_width({1.0})));
}

TEST_F(BatchAutoTest, StopsAtMaxAndIsTheFixedBatchOfThatManyReplications) {
  // A width no run can reach: rounds 3, 6, 7 (doubling, then max) and the max is reported.
  BatchSummary s;
  const auto a1 = h5::open_file_read(
      run_to(batch_file("auto.toml", auto_lines(1e-12, 3, 7)), "auto1.h5", 1, &s));
  EXPECT_EQ(s.auto_reps.replications, 7);
  EXPECT_TRUE(s.auto_reps.max_hit);
  EXPECT_EQ(s.runs, 14u);
  EXPECT_EQ(rounds_of(a1), (std::vector<std::int64_t>{3, 6, 7}));
  EXPECT_EQ(a1.attr_int("auto_max_hit"), 1);
  EXPECT_EQ(a1.attr_int("replications"), 7);
  const auto a2 =
      h5::open_file_read(run_to(batch_file("auto.toml", auto_lines(1e-12, 3, 7)), "auto2.h5", 2));
  const auto fixed =
      h5::open_file_read(run_to(batch_file("fixed.toml", "replications = 7\n"), "fixed.h5", 2));
  expect_same_datasets(a1, a2);     // thread count changes nothing
  expect_same_datasets(a1, fixed);  // replication r is the same run whatever the final count
}

TEST_F(BatchAutoTest, WideEnoughAfterTheFirstRoundStopsAtMin) {
  BatchSummary s;
  const auto f =
      h5::open_file_read(run_to(batch_file("auto.toml", auto_lines(1e9, 4, 50)), "auto.h5", 2, &s));
  EXPECT_EQ(s.auto_reps.replications, 4);
  EXPECT_FALSE(s.auto_reps.max_hit);
  EXPECT_EQ(f.attr_string("auto_rounds"), "4");
  EXPECT_EQ(f.attr_int("auto_max_hit"), 0);
  EXPECT_EQ(f.attr_int("auto_min_replications"), 4);
  EXPECT_EQ(f.attr_int("auto_max_replications"), 50);
  EXPECT_EQ(f.attr_int("auto_year"), 2022);
  EXPECT_EQ(f.attr_double("auto_ci_width"), 1e9);
  EXPECT_FALSE(f.attr_string("auto_rule").empty());
}

TEST_F(BatchAutoTest, StopsAtTheFirstRoundWhoseIntervalIsNarrowEnough) {
  // The target: the 2022 interval width of a fixed batch of 4 replications, so the auto batch
  // (from 2) has to add rounds and stops within a few.
  const auto fixed =
      h5::open_file_read(run_to(batch_file("fixed.toml", "replications = 4\n"), "fixed.h5", 2));
  const double target = paired_ci_width(paired_2022(fixed, 4));
  ASSERT_GT(target, 0.0);
  BatchSummary s;
  const auto f = h5::open_file_read(
      run_to(batch_file("auto.toml", auto_lines(target, 2, 40)), "auto.h5", 2, &s));
  const std::vector<std::int64_t> rounds = rounds_of(f);
  ASSERT_FALSE(s.auto_reps.max_hit) << f.attr_string("auto_rounds");
  ASSERT_GE(rounds.size(), 2u);  // two replications (t = 12.7) are far wider than four
  EXPECT_EQ(rounds.back(), s.auto_reps.replications);
  // Every earlier round was too wide, the last one is narrow enough, and each round follows the
  // documented step rule.
  AutoReplications rule;
  rule.ci_width = target;
  rule.max = 40;
  for (std::size_t i = 0; i < rounds.size(); ++i) {
    const double w = paired_ci_width(paired_2022(f, static_cast<std::size_t>(rounds[i])));
    if (i + 1 < rounds.size()) {
      EXPECT_GT(w, target) << "round " << i;
      EXPECT_EQ(rounds[i + 1], next_replications(rounds[i], w, rule)) << "round " << i;
    } else {
      EXPECT_LE(w, target);
    }
  }
  // The achieved width recorded is the file's own interval in 2022.
  const auto cmp = f.open_group("with").open_group("vs_base");
  const double hi = h5::read_double(cmp, "mfg_share_diff_ci_high")[k_t2022];
  const double lo = h5::read_double(cmp, "mfg_share_diff_ci_low")[k_t2022];
  EXPECT_EQ(cmp.attr_double("auto_ci_width_achieved"), hi - lo);
  ASSERT_EQ(s.auto_reps.widths.size(), 1u);
  EXPECT_EQ(s.auto_reps.widths[0].first, "with");
  EXPECT_EQ(s.auto_reps.widths[0].second, hi - lo);
}

TEST_F(BatchAutoTest, AutoYearOutsideTheSimulatedYearsStopsBeforeAnyOutput) {
  const fs::path b = batch_file("auto.toml", "replications = \"auto\"\nci_width = 0.1\n");
  try {
    run_batch(load_batch(b), dir_ / "o.h5", {});
    FAIL() << "expected a ScenarioError";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("auto.toml:4:16: key 'batch.auto_year': 2032 is outside "
                                         "the simulated years 2017-2022"),
              std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(fs::exists(dir_ / "o.h5"));
}

TEST_F(BatchAutoTest, ReplicationsOnTheCommandLineTurnAutoOff) {
  Batch b = load_batch(batch_file("auto.toml", auto_lines(1e-12, 3, 7)));
  set_replications(b, 2);
  const BatchSummary s = run_batch(b, dir_ / "o.h5", {});
  EXPECT_EQ(s.auto_reps.replications, 0);
  const auto f = h5::open_file_read(dir_ / "o.h5");
  EXPECT_EQ(f.attr_int("replications"), 2);
  EXPECT_THROW(f.attr_string("auto_rounds"), Error);
}

}  // namespace nisim::hk
