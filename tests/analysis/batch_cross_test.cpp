// Every scenario at every point of a design (analysis/batch_cross.hpp; docs/batches.md
// section 11): each row is the single run of its scenario at its point with its replication's
// seed, the paired differences are those of the rows, the file is the same for 1 and 2 threads,
// and every refusal leaves no output.
#include "analysis/batch_cross.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <filesystem>

#include "engine/error.hpp"
#include "engine/hdf5.hpp"
#include "engine/statistics.hpp"
#include "models/model.hpp"
#include "test_support.hpp"

namespace nisim::hk {
namespace {

namespace fs = std::filesystem;

/// Two scenarios (with and without the NIFS, the base) at a 2 x 2 grid over the line cost (real)
/// and the most lines a firm (integer), 3 replications: 2 x 4 x 3 runs of 7 years.
const char* const k_cross =
    "[batch]\nreplications = 3\nseed = 7\nbase = \"without\"\n"
    "[[scenario]]\nfile = \"with.toml\"\n[[scenario]]\nfile = \"without.toml\"\n"
    "[cross]\ndesign = \"grid\"\nlevels = 2\nyear = 2021\n"
    "[[cross.param]]\nkey = \"smart_lines.cost\"\nmin = 10\nmax = 40\n"
    "[[cross.param]]\nkey = \"smart_lines.max_per_firm\"\nmin = 1\nmax = 3.4\n";
constexpr std::size_t S = 2, P = 4, R = 3, T = 7;

class CrossTest : public test::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    write_nifs_pair();
  }
  fs::path run_to(const std::string& text, const std::string& name, int threads = 0,
                  const std::vector<Override>& overrides = {}) {
    Batch b = load_batch(write("cross.toml", text));
    b.overrides = overrides;
    BatchOptions o;
    o.threads = threads;
    run_batch(b, dir_ / name, o);
    return dir_ / name;
  }
  /// The ScenarioError message of running `text`; no output file may exist after it.
  std::string refusal(const std::string& text, const std::vector<Override>& overrides = {}) {
    std::string what;
    try {
      run_to(text, "never.h5", 1, overrides);
      ADD_FAILURE() << "no error for " << text;
    } catch (const ScenarioError& e) {
      what = e.what();
    }
    EXPECT_FALSE(fs::exists(dir_ / "never.h5"));
    EXPECT_FALSE(fs::exists(dir_ / "never.h5.journal"));
    return what;
  }
  /// Row [s, p, r] of a [S, P, R, T] array.
  static std::vector<double> row(const std::vector<double>& m, std::size_t s, std::size_t p,
                                 std::size_t r) {
    const auto from = m.begin() + static_cast<long>(((s * P + p) * R + r) * T);
    return {from, from + static_cast<long>(T)};
  }
};

}  // namespace

TEST_F(CrossTest, RowsAreSingleRunsOfTheScenarioAtThePoint) {
  const auto f = h5::open_file_read(run_to(k_cross, "c.h5"));
  EXPECT_EQ(f.attr_string("scenarios"), "");  // no scenario groups: arrays in `cross`
  EXPECT_EQ(f.attr_string("base"), "without");
  const auto g = f.open_group("cross");
  EXPECT_EQ(h5::read_strings(g, "scenario"), (std::vector<std::string>{"with", "without"}));
  std::vector<hsize_t> shape;
  const std::vector<double> share = h5::read_double(g, "mfg_share", &shape);
  ASSERT_EQ(shape, (std::vector<hsize_t>{S, P, R, T}));
  EXPECT_EQ(h5::dim_names(g, "mfg_share"),
            (std::vector<std::string>{"scenario", "point", "replication", "year"}));
  EXPECT_EQ(g.open_dataset("mfg_share").attr_string("coordinates"),
            "smart_lines.cost smart_lines.max_per_firm");
  h5::read_double(g, "kpi_projected", &shape);
  EXPECT_EQ(shape[0], S);
  EXPECT_EQ(shape[1], P);
  EXPECT_EQ(shape[2], R);
  // The design, integer keys rounded (1 and 3.4 -> 3), and the keys as coordinates.
  const std::vector<double> design = h5::read_double(g, "design", &shape);
  ASSERT_EQ(shape, (std::vector<hsize_t>{P, 2}));
  const std::vector<double> cost = h5::read_double(g, "smart_lines.cost");
  const std::vector<double> most = h5::read_double(g, "smart_lines.max_per_firm");
  for (std::size_t p = 0; p < P; ++p) {
    EXPECT_EQ(cost[p], design[2 * p]);
    EXPECT_EQ(most[p], design[2 * p + 1]);
    EXPECT_TRUE(most[p] == 1.0 || most[p] == 3.0) << most[p];
  }
  const std::vector<double> lines = h5::read_double(g, "smart_lines");
  for (std::size_t s = 0; s < S; ++s) {
    Scenario sc = load_scenario(dir_ / (s == 0 ? "with.toml" : "without.toml"));
    for (std::size_t p = 0; p < P; ++p) {
      sc.values["smart_lines.cost"] = {design[2 * p], {}};
      sc.values["smart_lines.max_per_firm"] = {static_cast<std::int64_t>(design[2 * p + 1]), {}};
      for (const std::size_t r : {0u, 2u}) {
        const History h = test::replication_run(sc, 7, r);
        EXPECT_EQ(row(share, s, p, r), h.mfg_share_pct) << s << " " << p << " " << r;
        EXPECT_EQ(row(lines, s, p, r), h.smart_lines) << s << " " << p << " " << r;
      }
    }
  }
}

TEST_F(CrossTest, DifferencesAndEffectArePairedDifferencesOfTheRows) {
  const auto g = h5::open_file_read(run_to(k_cross, "c.h5")).open_group("cross");
  const double t95 = mean_ci_multiplier(R);
  for (const char* name : {"mfg_share", "gdp", "employment", "public_spending"}) {
    const std::vector<double> runs = h5::read_double(g, name);
    std::vector<hsize_t> shape;
    const std::vector<double> mean =
        h5::read_double(g, "diff_" + std::string(name) + "_mean", &shape);
    ASSERT_EQ(shape, (std::vector<hsize_t>{S, P, T}));
    const std::vector<double> lo = h5::read_double(g, "diff_" + std::string(name) + "_low");
    const std::vector<double> hi = h5::read_double(g, "diff_" + std::string(name) + "_high");
    for (std::size_t p = 0; p < P; ++p) {
      for (std::size_t t = 0; t < T; ++t) {
        std::vector<double> d(R);
        for (std::size_t r = 0; r < R; ++r) d[r] = row(runs, 0, p, r)[t] - row(runs, 1, p, r)[t];
        const double m = (d[0] + d[1] + d[2]) / 3.0;
        double ss = 0.0;
        for (const double x : d) ss += (x - m) * (x - m);
        const double half = t95 * std::sqrt(ss / 2.0 / 3.0);
        const std::size_t i = p * T + t;  // scenario 0 ("with") against the base
        EXPECT_NEAR(mean[i], m, 1e-12 * (1.0 + std::abs(m))) << name << " " << p << " " << t;
        EXPECT_NEAR(lo[i], m - half, 1e-9 * (1.0 + std::abs(m) + half)) << name;
        EXPECT_NEAR(hi[i], m + half, 1e-9 * (1.0 + std::abs(m) + half)) << name;
        EXPECT_EQ(mean[(P + p) * T + t], 0.0);  // the base against itself
      }
    }
  }
  // `effect` is diff_mfg_share_mean in the cross's year (2021: column 5 of 2016-2022).
  const std::vector<double> diff = h5::read_double(g, "diff_mfg_share_mean");
  const std::vector<double> lo = h5::read_double(g, "diff_mfg_share_low");
  std::vector<hsize_t> shape;
  const std::vector<double> effect = h5::read_double(g, "effect", &shape);
  ASSERT_EQ(shape, (std::vector<hsize_t>{S, P}));
  const std::vector<double> effect_low = h5::read_double(g, "effect_low");
  for (std::size_t i = 0; i < S * P; ++i) {
    EXPECT_EQ(effect[i], diff[i * T + 5]);
    EXPECT_EQ(effect_low[i], lo[i * T + 5]);
  }
}

TEST_F(CrossTest, IdenticalForOneAndTwoThreads) {
  const auto a = h5::open_file_read(run_to(k_cross, "c1.h5", 1)).open_group("cross");
  const auto c = h5::open_file_read(run_to(k_cross, "c2.h5", 2)).open_group("cross");
  for (const char* name : {"mfg_share", "smart_lines", "employment", "kpi_projected", "design",
                           "diff_mfg_share_mean", "diff_gdp_high", "effect", "effect_low"}) {
    const std::vector<double> x = h5::read_double(a, name), y = h5::read_double(c, name);
    ASSERT_EQ(x.size(), y.size()) << name;
    for (std::size_t i = 0; i < x.size(); ++i) {
      EXPECT_EQ(std::bit_cast<std::uint64_t>(x[i]), std::bit_cast<std::uint64_t>(y[i]))
          << name << "[" << i << "]";
    }
  }
}

TEST_F(CrossTest, SetAppliesToEveryScenarioAndRecordAddsASeries) {
  std::string text = k_cross;
  text += "[[record]]\nseries = \"entries\"\n";
  const std::vector<Override> set = parse_overrides({"firms.entry_rate=0.02"});
  const auto g = h5::open_file_read(run_to(text, "c.h5", 0, set)).open_group("cross");
  std::vector<hsize_t> shape;
  const std::vector<double> entries = h5::read_double(g, "entries", &shape);
  ASSERT_EQ(shape, (std::vector<hsize_t>{S, P, R, T}));
  const std::vector<double> design = h5::read_double(g, "design");
  const std::size_t p = 3;  // the last point, replication 1
  for (std::size_t s = 0; s < S; ++s) {
    Scenario sc = load_scenario(dir_ / (s == 0 ? "with.toml" : "without.toml"));
    apply_overrides(sc, set);
    sc.values["smart_lines.cost"] = {design[2 * p], {}};
    sc.values["smart_lines.max_per_firm"] = {static_cast<std::int64_t>(design[2 * p + 1]), {}};
    const History h = test::replication_run(sc, 7, 1);
    EXPECT_EQ(row(entries, s, p, 1), h.entries) << s;
    EXPECT_EQ(row(h5::read_double(g, "mfg_share"), s, p, 1), h.mfg_share_pct) << s;
  }
}

TEST_F(CrossTest, RefusalsNameFileLineAndKeyAndWriteNothing) {
  const std::string head =
      "[batch]\nreplications = 2\n[[scenario]]\nfile = \"with.toml\"\n[cross]\n";  // lines 1-5
  const std::string year = "year = 2021\n";                                        // line 6
  const std::string file = (dir_ / "cross.toml").string();
  const auto param = [](const char* key, const char* min, const char* max) {
    return std::string("[[cross.param]]\nkey = \"") + key + "\"\nmin = " + min + "\nmax = " + max +
           "\n";
  };
  std::string e = refusal(head + year + param("smart_lines.cots", "10", "40"));
  EXPECT_NE(e.find(file + ":8:7: key 'smart_lines.cots': unknown parameter (did you mean "
                          "'smart_lines.cost'?)"),
            std::string::npos)
      << e;
  e = refusal(head + year + param("schemes.nifs.enabled", "0", "1"));
  EXPECT_NE(e.find(file + ":8:7: key 'schemes.nifs.enabled': is a bool"), std::string::npos) << e;
  e = refusal(head + year + param("smart_lines.max_per_firm", "1", "100"));
  EXPECT_NE(e.find(file + ":8:7:"), std::string::npos) << e;
  EXPECT_NE(e.find("smart_lines.max_per_firm"), std::string::npos) << e;
  EXPECT_NE(e.find("(scenario with at design point"), std::string::npos) << e;
  e = refusal(head + year + "output = \"colour\"\n" + param("smart_lines.cost", "10", "40"));
  EXPECT_NE(e.find(file + ":5:1: key 'cross.output': 'colour' is not a recorded variable"),
            std::string::npos)
      << e;
  e = refusal(head + "year = 2030\n" + param("smart_lines.cost", "10", "40"));
  EXPECT_NE(e.find(file + ":5:1: key 'cross.year': 2030 is outside the simulated years 2017-2022"),
            std::string::npos)
      << e;
  // --set may not fix a key the design varies.
  e = refusal(head + year + param("smart_lines.cost", "10", "40"),
              parse_overrides({"smart_lines.cost=20"}));
  EXPECT_NE(
      e.find("key 'smart_lines.cost': varied by " + file + ":8; --set cannot fix a varied key"),
      std::string::npos)
      << e;
}

}  // namespace nisim::hk
