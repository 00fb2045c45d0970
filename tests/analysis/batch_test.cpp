// Scenario batches: layout, common random numbers, thread independence, summaries and the
// variance reduction of paired differences (analysis/batch.hpp; docs/batches.md).
#include "analysis/batch.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "engine/error.hpp"
#include "engine/hdf5.hpp"
#include "engine/rng.hpp"
#include "models/model.hpp"
#include "test_support.hpp"

namespace nisim::hk {
namespace {

namespace fs = std::filesystem;

class BatchTest : public test::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    write_nifs_pair();
    batch_ = write("batch.toml",
                   "[batch]\nreplications = 6\nseed = 4242\nbase = \"without\"\n"
                   "[[scenario]]\nfile = \"with.toml\"\n[[scenario]]\nfile = \"without.toml\"\n");
  }
  fs::path run_to(const std::string& name, int threads) {
    BatchOptions o;
    o.threads = threads;
    run_batch(load_batch(batch_), dir_ / name, o);
    return dir_ / name;
  }

  fs::path batch_;
};

}  // namespace

TEST_F(BatchTest, RowsAreSingleRunsWithCommonRandomNumbers) {
  const auto f = h5::open_file_read(run_to("b.h5", 2));
  EXPECT_EQ(f.attr_int("replications"), 6);
  EXPECT_EQ(f.attr_string("scenarios"), "with,without");
  const auto g = f.open_group("with");
  std::vector<hsize_t> shape;
  const std::vector<double> share = h5::read_double(g, "mfg_share", &shape);
  ASSERT_EQ(shape, (std::vector<hsize_t>{6, 7}));
  EXPECT_EQ(h5::dim_names(g, "mfg_share"), (std::vector<std::string>{"replication", "year"}));
  // Row r is exactly the single run with seed derive_seed(master, r): for both scenarios, so
  // replication r of every scenario shares its random streams.
  for (std::size_t r : {0u, 5u}) {
    for (const char* name : {"with", "without"}) {
      const Scenario sc = load_scenario(dir_ / (std::string(name) + ".toml"));
      EXPECT_EQ(test::replication_row(f.open_group(name), "mfg_share", r, 7),
                test::replication_run(sc, 4242, r).mfg_share_pct)
          << name << " replication " << r;
    }
  }
}

TEST_F(BatchTest, RecordedSeriesAreTheRunsSeries) {
  const fs::path batch =
      write("record.toml",
            "[batch]\nreplications = 3\nseed = 4242\n[[scenario]]\nfile = \"with.toml\"\n"
            "[[record]]\nseries = \"wage\"\n[[record]]\nseries = \"talent_pool\"\n");
  run_batch(load_batch(batch), dir_ / "record.h5", {});
  const auto g = h5::open_file_read(dir_ / "record.h5").open_group("with");
  const Scenario sc = load_scenario(dir_ / "with.toml");
  for (std::size_t r : {0u, 2u}) {
    RunOptions o;
    o.seed = derive_seed(4242, r);
    o.threads = 1;
    const History h = run(sc, o).history;
    const auto row = [&](const char* name) {
      std::vector<hsize_t> shape;
      const std::vector<double> rows = h5::read_double(g, name, &shape);
      EXPECT_EQ(shape, (std::vector<hsize_t>{3, 7}));
      return std::vector<double>(rows.begin() + static_cast<long>(r * 7),
                                 rows.begin() + static_cast<long>((r + 1) * 7));
    };
    EXPECT_EQ(row("wage"), h.wage) << r;
    EXPECT_EQ(row("talent_pool"), *h.find("talent_pool")) << r;
    EXPECT_EQ(row("mfg_share"), h.mfg_share_pct) << r;  // the defaults are unchanged
  }
  EXPECT_EQ(h5::dim_names(g, "wage"), (std::vector<std::string>{"replication", "year"}));
  // An unknown series stops the batch before any file is created.
  const fs::path bad =
      write("bad.toml", "[[scenario]]\nfile = \"with.toml\"\n[[record]]\nseries = \"wgae\"\n");
  EXPECT_THROW(run_batch(load_batch(bad), dir_ / "bad.h5", {}), ScenarioError);
  EXPECT_FALSE(fs::exists(dir_ / "bad.h5"));
}

TEST_F(BatchTest, IdenticalForOneAndTwoThreads) {
  const auto a = h5::open_file_read(run_to("t1.h5", 1)), b = h5::open_file_read(run_to("t2.h5", 2));
  for (const char* group : {"with", "without"}) {
    for (const char* name :
         {"mfg_share", "smart_lines", "mfg_share_mean", "mfg_share_percentiles"}) {
      EXPECT_EQ(h5::read_double(a.open_group(group), name),
                h5::read_double(b.open_group(group), name))
          << group << "/" << name;
    }
  }
  EXPECT_EQ(h5::read_double(a.open_group("with").open_group("vs_base"), "mfg_share_diff_mean"),
            h5::read_double(b.open_group("with").open_group("vs_base"), "mfg_share_diff_mean"));
}

TEST_F(BatchTest, SummariesAndPairedDifferences) {
  const auto f = h5::open_file_read(run_to("s.h5", 2));
  const auto with = f.open_group("with"), without = f.open_group("without");
  const std::vector<double> a = h5::read_double(with, "mfg_share");
  const std::vector<double> b = h5::read_double(without, "mfg_share");
  const std::vector<double> mean = h5::read_double(with, "mfg_share_mean");
  const std::vector<double> pct = h5::read_double(with, "mfg_share_percentiles");
  const std::size_t R = 6, T = 7;
  for (std::size_t t = 0; t < T; ++t) {
    std::vector<double> col;
    for (std::size_t r = 0; r < R; ++r) col.push_back(a[r * T + t]);
    EXPECT_NEAR(mean[t], std::accumulate(col.begin(), col.end(), 0.0) / R, 1e-12);
    std::vector<double> copy = col;
    EXPECT_DOUBLE_EQ(pct[2 * T + t], quantile(copy, 0.5));  // the median row
  }
  // The paired standard error is below the unpaired one after the scheme opens (2020), which
  // is the point of common random numbers; before it, both scenarios are the same runs.
  const auto cmp = with.open_group("vs_base");
  const std::vector<double> diff = h5::read_double(cmp, "mfg_share_diff_mean");
  const std::vector<double> se = h5::read_double(cmp, "mfg_share_diff_se");
  const std::vector<double> se_unpaired = h5::read_double(cmp, "mfg_share_diff_se_unpaired");
  for (std::size_t t = 0; t < 4; ++t) {  // 2016-2019: identical runs, zero difference
    EXPECT_EQ(diff[t], 0.0);
    EXPECT_EQ(se[t], 0.0);
  }
  for (std::size_t t = 4; t < T; ++t) {
    EXPECT_LT(se[t], se_unpaired[t]) << "year " << 2016 + t;
    double d = 0.0;
    for (std::size_t r = 0; r < R; ++r) d += a[r * T + t] - b[r * T + t];
    EXPECT_NEAR(diff[t], d / R, 1e-12);
  }
  EXPECT_LT(se[T - 1] * 3.0, se_unpaired[T - 1]);  // at least a ninefold variance reduction
  // Target probabilities: the share cannot reach 5% by 2032 here (horizon 2022: NaN), and the
  // lines KPI year 2027 is beyond the horizon too.
  EXPECT_TRUE(std::isnan(with.attr_double("p_share_5pct_by_2032")));
  EXPECT_TRUE(std::isnan(with.attr_double("p_lines_130_by_2027")));
}

TEST_F(BatchTest, InvalidScenarioStopsTheBatchBeforeAnyOutput) {
  write("without.toml", "[firms]\ncuont = 3\n");
  EXPECT_THROW(run_to("never.h5", 2), ScenarioError);
  EXPECT_FALSE(fs::exists(dir_ / "never.h5"));
  for (const auto& e : fs::directory_iterator(dir_)) {
    EXPECT_EQ(e.path().extension(), ".toml") << "left behind: " << e.path();
  }
}

TEST_F(BatchTest, ScenariosMustShareTheirYears) {
  write("without.toml", "inherit = \"with.toml\"\n[run]\nhorizon = 2021\n");
  try {
    run_to("never.h5", 1);
    FAIL() << "expected a ScenarioError";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("batch.toml:8:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("share their years"), std::string::npos) << e.what();
  }
}

namespace {
/// A Morris sweep of the line cost and the (integer) lines per firm: 3 x (2 + 1) points of 2
/// replications over 2016-2022.
const char* const k_morris_sweep =
    "[batch]\nreplications = 2\nseed = 7\n[sweep]\n"
    "scenario = \"with.toml\"\ndesign = \"morris\"\npoints = 3\n"
    "levels = 4\nyear = 2022\n"
    "[[sweep.param]]\nkey = \"smart_lines.cost\"\nmin = 10\nmax = 40\n"
    "[[sweep.param]]\nkey = \"smart_lines.max_per_firm\"\nmin = 0\n"
    "max = 6\n";
}  // namespace

TEST_F(BatchTest, MorrisSweepWritesDesignOutputsAndIndices) {
  const fs::path b = write("sweep.toml", k_morris_sweep);
  run_batch(load_batch(b), dir_ / "sweep.h5", BatchOptions{});
  const auto f = h5::open_file_read(dir_ / "sweep.h5");
  const auto g = f.open_group("sweep");
  std::vector<hsize_t> shape;
  const std::vector<double> design = h5::read_double(g, "design", &shape);
  ASSERT_EQ(shape, (std::vector<hsize_t>{9, 2}));  // 3 trajectories x (2 + 1) points
  for (std::size_t k = 0; k < 9; ++k) {
    EXPECT_GE(design[2 * k], 10.0);
    EXPECT_LE(design[2 * k], 40.0);
    EXPECT_EQ(design[2 * k + 1], std::round(design[2 * k + 1]));  // an integer parameter
  }
  // Each swept key is a coordinate along point: the design's column.
  const std::vector<double> cost = h5::read_double(g, "smart_lines.cost", &shape);
  ASSERT_EQ(shape, (std::vector<hsize_t>{9}));
  EXPECT_EQ(h5::dim_names(g, "smart_lines.cost"), (std::vector<std::string>{"point"}));
  for (std::size_t k = 0; k < 9; ++k) EXPECT_EQ(cost[k], design[2 * k]);
  // The runs: one array [point, replication, year], no group per point.
  const std::vector<double> runs = h5::read_double(g, "mfg_share", &shape);
  ASSERT_EQ(shape, (std::vector<hsize_t>{9, 2, 7}));
  EXPECT_EQ(h5::dim_names(g, "mfg_share"),
            (std::vector<std::string>{"point", "replication", "year"}));
  EXPECT_EQ(g.open_dataset("mfg_share").attr_string("coordinates"),
            "smart_lines.cost smart_lines.max_per_firm");
  EXPECT_FALSE(f.exists("point_00000"));
  EXPECT_EQ(f.attr_string("scenarios"), "");
  // output_mean[k] is the mean over replications of point k's share in 2022.
  const std::vector<double> out = h5::read_double(g, "output_mean");
  EXPECT_NEAR(out[4], (runs[(4 * 2) * 7 + 6] + runs[(4 * 2 + 1) * 7 + 6]) / 2.0, 1e-12);
  // The summaries per point: the mean over replications of each year.
  const std::vector<double> mean = h5::read_double(g, "mfg_share_mean", &shape);
  ASSERT_EQ(shape, (std::vector<hsize_t>{9, 7}));
  EXPECT_NEAR(mean[4 * 7 + 3], (runs[(4 * 2) * 7 + 3] + runs[(4 * 2 + 1) * 7 + 3]) / 2.0, 1e-12);
  h5::read_double(g, "mfg_share_percentiles", &shape);
  EXPECT_EQ(shape, (std::vector<hsize_t>{9, 5, 7}));
  h5::read_double(g, "kpi_projected", &shape);
  EXPECT_EQ(shape[0], 9u);
  EXPECT_EQ(shape[1], 2u);
  const std::vector<double> mu_star = h5::read_double(g, "morris_mu_star");
  ASSERT_EQ(mu_star.size(), 2u);
  EXPECT_GT(mu_star[0], 0.0);  // the cost of a line changes the share
  EXPECT_EQ(h5::read_strings(g, "parameter").front(), "smart_lines.cost");
}

TEST_F(BatchTest, SweepPointRowsAreSingleRunsOfThatPoint) {
  run_batch(load_batch(write("sweep.toml", k_morris_sweep)), dir_ / "sweep.h5", BatchOptions{});
  const auto g = h5::open_file_read(dir_ / "sweep.h5").open_group("sweep");
  const std::vector<double> design = h5::read_double(g, "design");
  const std::vector<double> runs = h5::read_double(g, "mfg_share");
  const std::vector<double> lines = h5::read_double(g, "smart_lines");
  const Scenario base = load_scenario(dir_ / "with.toml");
  for (const std::size_t k : {0u, 5u, 8u}) {
    Scenario sc = base;
    sc.values["smart_lines.cost"] = {design[2 * k], {}};
    sc.values["smart_lines.max_per_firm"] = {static_cast<std::int64_t>(design[2 * k + 1]), {}};
    for (const std::size_t r : {0u, 1u}) {
      const History h = test::replication_run(sc, 7, r);
      const auto row = [&](const std::vector<double>& m) {
        const auto from = m.begin() + static_cast<long>((k * 2 + r) * 7);
        return std::vector<double>(from, from + 7);
      };
      EXPECT_EQ(row(runs), h.mfg_share_pct) << "point " << k << " replication " << r;
      EXPECT_EQ(row(lines), h.smart_lines) << "point " << k << " replication " << r;
    }
  }
}

TEST_F(BatchTest, SweepIdenticalForOneAndTwoThreads) {
  const fs::path b = write("sweep.toml", k_morris_sweep);
  for (const int threads : {1, 2}) {
    BatchOptions o;
    o.threads = threads;
    run_batch(load_batch(b), dir_ / ("s" + std::to_string(threads) + ".h5"), o);
  }
  const auto a = h5::open_file_read(dir_ / "s1.h5").open_group("sweep");
  const auto c = h5::open_file_read(dir_ / "s2.h5").open_group("sweep");
  for (const char* name : {"mfg_share", "smart_lines", "kpi_projected", "mfg_share_mean",
                           "mfg_share_percentiles", "output_mean", "morris_mu_star"}) {
    const std::vector<double> x = h5::read_double(a, name), y = h5::read_double(c, name);
    ASSERT_EQ(x.size(), y.size()) << name;
    for (std::size_t i = 0; i < x.size(); ++i) {
      EXPECT_EQ(std::bit_cast<std::uint64_t>(x[i]), std::bit_cast<std::uint64_t>(y[i]))
          << name << "[" << i << "]";
    }
  }
}

namespace {
/// A Saltelli sweep of `d` parameters (the line cost, repeated) with `points` base samples.
std::string saltelli_sweep(std::size_t d, int points) {
  std::string text =
      "[batch]\nreplications = 1\nseed = 5\n[sweep]\nscenario = \"with.toml\"\n"
      "design = \"saltelli\"\nyear = 2022\npoints = " +
      std::to_string(points) + "\n";
  for (std::size_t i = 0; i < d; ++i) {
    text += "[[sweep.param]]\nkey = \"smart_lines.cost\"\nmin = 10\nmax = 40\n";
  }
  return text;
}
}  // namespace

TEST_F(BatchTest, SaltelliSweepTakesFortyParametersAndRefusesMoreThanTheSequenceHolds) {
  // 40 parameters need 80 dimensions of the Sobol' sequence (the former table had 21).
  run_batch(load_batch(write("forty.toml", saltelli_sweep(40, 2))), dir_ / "forty.h5",
            BatchOptions{});
  const auto g = h5::open_file_read(dir_ / "forty.h5").open_group("sweep");
  std::vector<hsize_t> shape;
  h5::read_double(g, "design", &shape);  // 2 x (40 + 2) points
  EXPECT_EQ(shape, (std::vector<hsize_t>{84, 40}));
  EXPECT_EQ(h5::read_double(g, "sobol_first").size(), 40u);
  // 1834 parameters would need 3668 dimensions, one more than the Joe-Kuo table holds.
  try {
    run_batch(load_batch(write("big.toml", saltelli_sweep(1834, 2))), dir_ / "never.h5",
              BatchOptions{});
    FAIL() << "expected a ScenarioError";
  } catch (const ScenarioError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("big.toml:4:1: key 'sweep.design'"), std::string::npos) << what;
    EXPECT_NE(what.find("parameter count 1834 is outside the supported range 1..1833"),
              std::string::npos)
        << what;
  }
  EXPECT_FALSE(fs::exists(dir_ / "never.h5"));
}

TEST_F(BatchTest, SweepOfAnUnknownOrNonNumericKeyIsAnError) {
  for (const char* key : {"smart_lines.cots", "schemes.nifs.enabled"}) {
    const fs::path b = write("bad.toml", std::string("[sweep]\nscenario = \"with.toml\"\n"
                                                     "[[sweep.param]]\nkey = \"") +
                                             key + "\"\nmin = 0\nmax = 1\n");
    try {
      run_batch(load_batch(b), dir_ / "never.h5", BatchOptions{});
      FAIL() << key;
    } catch (const ScenarioError& e) {
      EXPECT_NE(std::string(e.what()).find("bad.toml:4:"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(dir_ / "never.h5"));
  }
}

TEST_F(BatchTest, PairingShrinksTheVarianceOnTheShippedScenarioPair) {
  // batches/compare.toml as shipped (baseline against no new policy, full HK scale), with fewer
  // replications to keep the test short.
  Batch b = load_batch(fs::path(NISIM_BATCH_DIR) / "compare.toml");
  b.replications = 16;
  run_batch(b, dir_ / "real.h5", BatchOptions{});
  const auto cmp =
      h5::open_file_read(dir_ / "real.h5").open_group("baseline").open_group("vs_base");
  const std::vector<double> se = h5::read_double(cmp, "mfg_share_diff_se");
  const std::vector<double> se_unpaired = h5::read_double(cmp, "mfg_share_diff_se_unpaired");
  const std::size_t t2032 = 2032 - 2016;
  // Variance ratio (unpaired / paired) in 2032: pairing is worth several times the runs.
  // Recomputed when OASES talks began to convert into arrivals over several years (section 4.2):
  // more enterprises now land while NIAS is open, and their facilities, which exist only in the
  // baseline, make the policy effect itself vary more across seeds. The ratio is 5.0 with these 8
  // replications and 8.3 with 32 (it was 14 with every firm in talks landing at once).
  // Recomputed again when plants were sized by their investment (section 3.8) and sector prices
  // cleared against demand (section 3.9): a facility's output follows its drawn investment and
  // lowers its sector's price, which moves every firm of the sector, so the effect varies more
  // across seeds. With both, the ratio is 2.2 with these 16 replications (0.00277 unpaired
  // against 0.00185 paired), so the test asks for 1.5: pairing still saves more than half the
  // runs, and a batch without common random numbers gives a ratio near 1.
  EXPECT_GT(se_unpaired[t2032] * se_unpaired[t2032], 1.5 * se[t2032] * se[t2032])
      << "paired " << se[t2032] << " unpaired " << se_unpaired[t2032];
}

TEST_F(BatchTest, TargetFileIsRefusedByTheBatchRunner) {
  const fs::path t = write("t.toml",
                           "[target]\nscenario = \"with.toml\"\n[[target.lever]]\n"
                           "key = \"schemes.nifs.cap\"\nmin = 1\nmax = 2\n");
  try {
    run_batch(load_batch(t), dir_ / "never.h5", BatchOptions{});
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("nisim target"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("t.toml:1:"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir_ / "never.h5"));
}

TEST(Batches, EveryShippedBatchFileLoadsAndItsScenariosValidate) {
  int count = 0;
  std::vector<fs::path> files;
  for (const fs::path& dir :
       {fs::path(NISIM_BATCH_DIR), fs::path(NISIM_BATCH_DIR) / ".." / "targets"}) {
    for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
  }
  for (const fs::path& file : files) {
    if (file.extension() != ".toml") continue;
    const auto& e = fs::directory_entry(file);
    SCOPED_TRACE(e.path().string());
    Batch b;
    try {
      b = load_batch(e.path());
    } catch (const ScenarioError& err) {
      // A batch drawing parameters from a fit the user makes first (batches/compare_uncertain.toml:
      // `nisim calibrate calibration/ci.toml -o out/fit_ci.h5`) cannot load in a fresh checkout;
      // tests/tools/test_compare_uncertain.py makes the fit and runs it.
      const std::string what = err.what();
      if (what.find("key 'parameters.fit': no such file: ") != std::string::npos &&
          what.find("/out/") != std::string::npos) {
        ++count;
        continue;
      }
      throw;
    }
    for (const BatchScenario& s : b.scenarios) params_from(load_scenario(s.file));
    if (b.has_sweep) params_from(load_scenario(b.sweep.scenario));
    if (b.has_target) params_from(load_scenario(b.target.scenario));
    ++count;
  }
  EXPECT_GE(count, 3);
}

TEST(Quantile, MatchesLinearInterpolationAndIgnoresNaN) {
  std::vector<double> v = {4.0, 1.0, std::nan(""), 3.0, 2.0};
  EXPECT_DOUBLE_EQ(quantile(v, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(quantile(v, 1.0), 4.0);
  EXPECT_DOUBLE_EQ(quantile(v, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(quantile(v, 0.05), 1.15);
  std::vector<double> empty = {std::nan("")};
  EXPECT_TRUE(std::isnan(quantile(empty, 0.5)));
}

}  // namespace nisim::hk
