// Attribution over scheme groups on the small scenario: the Shapley values are those of the
// coalitions run, efficiency holds per replication, common random numbers narrow the
// intervals, and bad files stop before anything runs (analysis/attribution.hpp).
#include "analysis/attribution.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "engine/error.hpp"
#include "engine/hdf5.hpp"
#include "test_support.hpp"

namespace nisim::hk {
namespace {

namespace fs = std::filesystem;

constexpr const char* k_talent_off =
    "off = { \"schemes.rth.end\" = 2019, \"schemes.nittp.end\" = 2019, "
    "\"schemes.ess.end\" = 2019 }\n";

class AttributionTest : public test::TempDirTest {
 protected:
  /// Counterfactual of the small scenario: NIFS off and the talent schemes stopped in 2019.
  void SetUp() override {
    TempDirTest::SetUp();
    const fs::path small = fs::path(NISIM_TEST_DATA) / "scenarios" / "small.toml";
    write("base.toml", "inherit = \"" + small.string() + "\"\n");
    write("none.toml", "inherit = \"" + small.string() +
                           "\"\n[schemes.nifs]\nenabled = false\n[schemes.rth]\nend = 2019\n"
                           "[schemes.nittp]\nend = 2019\n[schemes.ess]\nend = 2019\n");
  }
  /// An attribution file over two groups (lines, talent), with `extra` [attribution] keys and
  /// `groups` appended.
  fs::path file(const std::string& extra = "", const std::string& groups = "",
                const std::string& name = "a.toml") {
    return write(name,
                 "[attribution]\nbase = \"base.toml\"\ncounterfactual = \"none.toml\"\n"
                 "replications = 4\nseed = 7\nyear = 2022\n" +
                     extra +
                     "[[group]]\nname = \"lines\"\noff = { \"schemes.nifs.enabled\" = false }\n"
                     "[[group]]\nname = \"talent\"\n" +
                     k_talent_off + groups);
  }
  /// run_attribution must throw a ScenarioError (exit 3) whose message holds every `parts`,
  /// and write nothing.
  void expect_rejected(const fs::path& f, const std::vector<std::string>& parts) {
    const fs::path out = dir_ / "bad.h5";
    try {
      run_attribution(load_attribution(f), out, AttributionOptions{});
      ADD_FAILURE() << "accepted " << f;
    } catch (const ScenarioError& e) {
      EXPECT_EQ(e.code(), ExitCode::scenario);
      for (const std::string& p : parts)
        EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(out));
  }
};

}  // namespace

TEST_F(AttributionTest, ShapleyValuesAreThoseOfTheCoalitionsAndSumToTheEffect) {
  const fs::path out = dir_ / "a.h5";
  const AttributionResult r = run_attribution(load_attribution(file()), out, {});
  ASSERT_EQ(r.groups, (std::vector<std::string>{"lines", "talent"}));
  EXPECT_EQ(r.coalitions, 4u);
  EXPECT_EQ(r.runs, 4u * 5u);  // 4 coalitions and the counterfactual, 4 replications
  const auto f = h5::open_file_read(out);
  EXPECT_EQ(f.attr_string("method"), "exact");
  const std::vector<std::int64_t> members = h5::read_int(f, "coalition_members");
  const std::vector<double> v = h5::read_double(f, "coalition_values");
  const std::vector<double> cf = h5::read_double(f, "counterfactual_values");
  const std::vector<double> phi = h5::read_double(f, "shapley");
  const std::vector<double> add = h5::read_double(f, "additionality");
  const std::vector<double> total = h5::read_double(f, "total_effect");
  const std::size_t R = 4, O = o_count;
  ASSERT_EQ(members, (std::vector<std::int64_t>{0, 0, 1, 0, 0, 1, 1, 1}));
  ASSERT_EQ(v.size(), 4 * R * O);
  ASSERT_EQ(phi.size(), 2 * O * R);
  const auto val = [&](std::size_t c, std::size_t rep, std::size_t o) {
    return v[(c * R + rep) * O + o];
  };
  bool schemes_spend = false;
  for (std::size_t rep = 0; rep < R; ++rep) {
    for (std::size_t o = 0; o < O; ++o) {
      const double v0 = val(0, rep, o), v1 = val(1, rep, o), v2 = val(2, rep, o),
                   v12 = val(3, rep, o);
      // The empty coalition is the counterfactual, bit for bit (same parameters, same seed).
      EXPECT_EQ(v0, cf[rep * O + o]);
      const double phi1 = 0.5 * (v1 - v0) + 0.5 * (v12 - v2);
      const double phi2 = 0.5 * (v2 - v0) + 0.5 * (v12 - v1);
      EXPECT_NEAR(phi[(0 * O + o) * R + rep], phi1, 1e-9 * (1 + std::abs(v12)));
      EXPECT_NEAR(phi[(1 * O + o) * R + rep], phi2, 1e-9 * (1 + std::abs(v12)));
      EXPECT_EQ(add[(0 * O + o) * R + rep], v12 - v2);
      EXPECT_EQ(add[(1 * O + o) * R + rep], v12 - v1);
      EXPECT_EQ(total[o * R + rep], v12 - cf[rep * O + o]);
      EXPECT_NEAR(phi1 + phi2, total[o * R + rep], 1e-9 * (1 + std::abs(v12)));
      if (o == o_money && v12 != v0) schemes_spend = true;
    }
  }
  EXPECT_TRUE(schemes_spend);  // the schemes spend money: the test has something to split
  // Means and intervals of the file are those of the replications.
  const std::vector<double> mean = h5::read_double(f, "shapley_mean");
  const std::vector<double> lo = h5::read_double(f, "shapley_ci_low");
  for (std::size_t i = 0; i < 2; ++i) {
    for (std::size_t o = 0; o < O; ++o) {
      double m = 0.0;
      for (std::size_t rep = 0; rep < R; ++rep) m += phi[(i * O + o) * R + rep] / R;
      EXPECT_NEAR(mean[i * O + o], m, 1e-9 * (1 + std::abs(m)));
      EXPECT_NEAR(r.shapley[i][o].mean, m, 1e-9 * (1 + std::abs(m)));
      EXPECT_LE(lo[i * O + o], mean[i * O + o]);
    }
  }
}

TEST_F(AttributionTest, SameFileSameNumbersForAnyThreadCount) {
  AttributionOptions one, two;
  one.threads = 1;
  two.threads = 2;
  run_attribution(load_attribution(file()), dir_ / "1.h5", one);
  run_attribution(load_attribution(file()), dir_ / "2.h5", two);
  for (const char* name : {"coalition_values", "shapley", "additionality", "total_effect"}) {
    EXPECT_EQ(h5::read_double(h5::open_file_read(dir_ / "1.h5"), name),
              h5::read_double(h5::open_file_read(dir_ / "2.h5"), name))
        << name;
  }
}

TEST_F(AttributionTest, CommonRandomNumbersNarrowTheIntervals) {
  const AttributionResult crn = run_attribution(load_attribution(file()), dir_ / "c.h5", {});
  const AttributionResult ind = run_attribution(
      load_attribution(file("common_random_numbers = false\n", "", "i.toml")), dir_ / "i.h5", {});
  // The share and employment effects of a few years of schemes are small against the spread
  // of the runs: paired over coalitions they are estimated far more tightly.
  for (const std::size_t o : {std::size_t{o_share}, std::size_t{o_employment}}) {
    EXPECT_LT(crn.total[o].se, ind.total[o].se) << o;
    for (std::size_t i = 0; i < 2; ++i) EXPECT_LT(crn.shapley[i][o].se, ind.shapley[i][o].se);
  }
  EXPECT_EQ(h5::open_file_read(dir_ / "i.h5").attr_int("common_random_numbers"), 0);
}

TEST_F(AttributionTest, SampledPermutationsKeepEfficiency) {
  const fs::path out = dir_ / "p.h5";
  const AttributionResult r =
      run_attribution(load_attribution(file("permutations = 3\n")), out, {});
  const auto f = h5::open_file_read(out);
  EXPECT_EQ(f.attr_string("method"), "permutations");
  const std::vector<double> phi = h5::read_double(f, "shapley");
  const std::vector<double> total = h5::read_double(f, "total_effect");
  const std::size_t R = 4, O = o_count;
  for (std::size_t rep = 0; rep < R; ++rep) {
    for (std::size_t o = 0; o < O; ++o) {
      EXPECT_NEAR(phi[o * R + rep] + phi[(O + o) * R + rep], total[o * R + rep],
                  1e-9 * (1 + std::abs(total[o * R + rep])));
    }
  }
  EXPECT_LE(r.coalitions, 4u);
}

TEST(AttributionFiles, EveryShippedFileIsValid) {
  const fs::path dir = fs::path(NISIM_SCENARIO_DIR).parent_path() / "attributions";
  std::size_t n = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".toml") continue;
    const Attribution a = load_attribution(entry.path());
    EXPECT_NO_THROW(validate_attribution(a)) << entry.path();
    EXPECT_GE(a.groups.size(), 2u);
    ++n;
  }
  EXPECT_GE(n, 2u);
}

TEST_F(AttributionTest, UnknownGroupKeyNamesFileLineAndKey) {
  expect_rejected(
      file("", "[[group]]\nname = \"typo\"\noff = { \"schemes.nifs.enabeld\" = false }\n"),
      {"a.toml:15:", "schemes.nifs.enabeld", "schemes.nifs.enabled"});
}

TEST_F(AttributionTest, EmptyGroupIsRejected) {
  expect_rejected(file("", "[[group]]\nname = \"empty\"\noff = {}\n"),
                  {"a.toml:15:", "group.off", "empty"});
  expect_rejected(file("", "[[group]]\nname = \"none\"\n"), {"a.toml:13:", "group.off"});
}

TEST_F(AttributionTest, TooManyGroupsForExactShapleyAskForSampling) {
  std::string groups;
  for (int g = 0; g < 5; ++g) {
    groups +=
        "[[group]]\nname = \"g" + std::to_string(g) + "\"\noff = { \"schemes.nifs.cap\" = 10.0 }\n";
  }
  // The 7th group (the 5th added: [[group]] at line 13 + 4 * 3) is one too many.
  expect_rejected(file("", groups), {"a.toml:25:", "group", "permutations"});
}

TEST_F(AttributionTest, CounterfactualMustBeTheBaseWithEveryGroupOff) {
  write("none.toml", "inherit = \"base.toml\"\n[schemes.nifs]\nenabled = false\n");
  expect_rejected(file(), {"a.toml:3:", "attribution.counterfactual", "schemes."});
}

TEST_F(AttributionTest, BadYearAndConflictsAreRejected) {
  expect_rejected(write("y.toml",
                        "[attribution]\nbase = \"base.toml\"\ncounterfactual = "
                        "\"none.toml\"\nyear = 2030\n[[group]]\nname = \"lines\"\n"
                        "off = { \"schemes.nifs.enabled\" = false }\n"),
                  {"y.toml:1:", "attribution.year", "2030"});
  expect_rejected(file("[attribution.set]\n\"schemes.nifs.enabled\" = true\n"),
                  {"a.toml:8:", "schemes.nifs.enabled", "lines"});
}

}  // namespace nisim::hk
