// Parameter uncertainty in batches (analysis/parameter_draws.hpp; docs/batches.md, "Parameter
// uncertainty"): draws shared by the scenarios of a replication, reproducible, with the fit's
// mean and covariance; the variance split; and bad input stopping before anything is written.
#include "analysis/parameter_draws.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "analysis/batch.hpp"
#include "engine/error.hpp"
#include "engine/hdf5.hpp"
#include "engine/rng.hpp"
#include "models/model.hpp"
#include "test_support.hpp"

namespace nisim::hk {
namespace {

namespace fs = std::filesystem;

/// A fit as `nisim calibrate` writes it (the datasets a batch reads; docs/output.md).
struct FitSpec {
  std::vector<std::string> keys;
  std::vector<double> estimate, se, lo, hi, cov;  // cov row-major
  std::vector<std::int64_t> identified;
};

void write_fit(const fs::path& path, const FitSpec& s) {
  const h5::Location root = h5::create_file(path);
  root.set_attr("title", std::string("nisim calibrate: test.toml"));
  const hsize_t d = s.keys.size();
  h5::write_dim_str(root, "parameter", s.keys, {"1", "estimated parameter"});
  h5::write_dim_str(root, "parameter_2", s.keys, {"1", "second axis"});
  h5::write_double(root, "estimate", s.estimate, {d}, {"parameter"}, {"u", "estimate"});
  h5::write_double(root, "se", s.se, {d}, {"parameter"}, {"u", "se"});
  h5::write_double(root, "bound_min", s.lo, {d}, {"parameter"}, {"u", "lower bound"});
  h5::write_double(root, "bound_max", s.hi, {d}, {"parameter"}, {"u", "upper bound"});
  h5::write_double(root, "covariance", s.cov, {d, d}, {"parameter", "parameter_2"},
                   {"u2", "covariance"});
  h5::write_int(root, "identified", s.identified, {d}, {"parameter"}, {"1", "identified"});
}

/// Two identified parameters of the small scenario, correlated, and one not identified.
FitSpec small_fit() {
  const double s0 = 0.004, s1 = 0.01, rho = 0.5;
  return {{"firms.tfp_drift", "firms.exit_hazard_mature", "enterprises.margin_mean"},
          {0.025, 0.07, -0.1},
          {s0, s1, std::nan("")},
          {0.0, 0.02, -0.4},
          {0.05, 0.12, 0.2},
          {s0 * s0, rho * s0 * s1, 0.0, rho * s0 * s1, s1 * s1, 0.0, 0.0, 0.0, 1.0},
          {1, 1, 0}};
}

/// The bit patterns of `v` (NaN compares equal to itself): bitwise identity.
std::vector<std::uint64_t> bits(const std::vector<double>& v) {
  std::vector<std::uint64_t> out;
  for (const double x : v) out.push_back(std::bit_cast<std::uint64_t>(x));
  return out;
}

class ParameterDrawsTest : public test::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    write_nifs_pair();
    write_fit(dir_ / "fit.h5", small_fit());
  }
  /// A batch of the with/without pair drawing from fit.h5.
  fs::path batch(const std::string& name, const std::string& parameters, int reps = 6,
                 int seed = 4242) {
    return write(name, "[batch]\nreplications = " + std::to_string(reps) +
                           "\nseed = " + std::to_string(seed) +
                           "\nbase = \"without\"\n[[scenario]]\nfile = \"with.toml\"\n"
                           "[[scenario]]\nfile = \"without.toml\"\n[parameters]\n" +
                           parameters);
  }
  fs::path run_to(const fs::path& b, const std::string& out, int threads) {
    BatchOptions o;
    o.threads = threads;
    run_batch(load_batch(b), dir_ / out, o);
    return dir_ / out;
  }
  /// The ScenarioError of running batch file `b` (and that nothing was written), or "".
  std::string error_of(const fs::path& b) {
    try {
      run_batch(load_batch(b), dir_ / "bad.h5", {});
    } catch (const ScenarioError& e) {
      EXPECT_EQ(e.code(), ExitCode::scenario);
      EXPECT_FALSE(fs::exists(dir_ / "bad.h5"));
      EXPECT_FALSE(fs::exists(dir_ / "bad.h5.journal"));
      return e.what();
    }
    return "";
  }
};

}  // namespace

TEST_F(ParameterDrawsTest, EveryScenarioOfAReplicationRunsItsDrawnVector) {
  const auto f =
      h5::open_file_read(run_to(batch("b.toml", "fit = \"fit.h5\"\ndraws = 3\n"), "b.h5", 2));
  std::vector<hsize_t> shape;
  const std::vector<double> draws = h5::read_double(f, "parameter_draws", &shape);
  ASSERT_EQ(shape, (std::vector<hsize_t>{6, 3}));
  EXPECT_EQ(h5::dim_names(f, "parameter_draws"),
            (std::vector<std::string>{"replication", "fit_parameter"}));
  EXPECT_EQ(h5::read_strings(f, "fit_parameter"), small_fit().keys);
  EXPECT_EQ(h5::read_int(f, "draw"), (std::vector<std::int64_t>{0, 0, 1, 1, 2, 2}));
  EXPECT_EQ(h5::read_int(f, "parameter_drawn"), (std::vector<std::int64_t>{1, 1, 0}));
  EXPECT_EQ(f.attr_string("parameters_not_drawn"), "enterprises.margin_mean");
  EXPECT_EQ(f.attr_int("replications_per_draw"), 2);
  EXPECT_EQ(f.attr_string("fit_sha256").size(), 64U);
  // Row r of each scenario is exactly the single run of that scenario with replication r's
  // stored vector set by hand and seed derive_seed(master, r): both scenarios of a replication
  // share its parameters and its random streams. The not-drawn key is NaN (the scenario's own).
  for (const std::size_t r : {0U, 3U, 5U}) {
    EXPECT_TRUE(std::isnan(draws[r * 3 + 2]));
    for (const char* name : {"with", "without"}) {
      Scenario sc = load_scenario(dir_ / (std::string(name) + ".toml"));
      sc.values["firms.tfp_drift"] = {draws[r * 3 + 0], SourcePos{}};
      sc.values["firms.exit_hazard_mature"] = {draws[r * 3 + 1], SourcePos{}};
      EXPECT_EQ(test::replication_row(f.open_group(name), "mfg_share", r, 7),
                test::replication_run(sc, 4242, r).mfg_share_pct)
          << name << " replication " << r;
    }
  }
}

TEST_F(ParameterDrawsTest, DrawsDifferBetweenAndNotWithinADraw) {
  const auto f =
      h5::open_file_read(run_to(batch("b.toml", "fit = \"fit.h5\"\ndraws = 3\n"), "b.h5", 2));
  const std::vector<double> v = h5::read_double(f, "parameter_draws");
  const FitSpec s = small_fit();
  for (std::size_t r = 0; r < 6; ++r) {
    for (std::size_t j = 0; j < 2; ++j) {
      EXPECT_GE(v[r * 3 + j], s.lo[j]);
      EXPECT_LE(v[r * 3 + j], s.hi[j]);
      EXPECT_NE(v[r * 3 + j], s.estimate[j]);
      if (r % 2 == 1) {  // nested in one draw
        EXPECT_EQ(v[r * 3 + j], v[(r - 1) * 3 + j]);
      }
      if (r >= 2) {  // the previous draw
        EXPECT_NE(v[r * 3 + j], v[(r - 2) * 3 + j]);
      }
    }
  }
  // The runs of one draw differ (their random streams do), so the draw's mean has noise.
  const std::vector<double> share = h5::read_double(f.open_group("with"), "mfg_share");
  EXPECT_NE(share[0 * 7 + 6], share[1 * 7 + 6]);
}

TEST_F(ParameterDrawsTest, ReproducibleForAnyThreadCountAndKeyedByTheSeed) {
  const fs::path b = batch("b.toml", "fit = \"fit.h5\"\ndraws = 2\n");
  const auto a = h5::open_file_read(run_to(b, "t1.h5", 1));
  const auto c = h5::open_file_read(run_to(b, "t2.h5", 2));
  EXPECT_EQ(bits(h5::read_double(a, "parameter_draws")),
            bits(h5::read_double(c, "parameter_draws")));
  for (const char* group : {"with", "without"}) {
    for (const char* name : {"mfg_share", "employment", "mfg_share_percentiles"}) {
      EXPECT_EQ(bits(h5::read_double(a.open_group(group), name)),
                bits(h5::read_double(c.open_group(group), name)))
          << group << "/" << name;
    }
  }
  const auto other = h5::open_file_read(
      run_to(batch("o.toml", "fit = \"fit.h5\"\ndraws = 2\n", 6, 99), "o.h5", 2));
  EXPECT_NE(bits(h5::read_double(a, "parameter_draws")),
            bits(h5::read_double(other, "parameter_draws")));
}

TEST(ParameterDraws, ManyDrawsHaveTheFitsMeanAndCovariance) {
  // Bounds wide enough (+-12 s.e.) that reflection never acts: the draws are N(estimate, C).
  Fit f;
  f.keys = {"a", "b", "c"};
  f.estimate = Eigen::Vector3d(1.0, -2.0, 0.5);
  Eigen::Matrix3d c;
  c << 0.04, 0.018, -0.01, 0.018, 0.09, 0.0, -0.01, 0.0, 0.0225;
  f.covariance = c;
  f.se = c.diagonal().cwiseSqrt();
  f.lo = f.estimate - 12.0 * f.se;
  f.hi = f.estimate + 12.0 * f.se;
  const std::vector<std::size_t> drawn{0, 1, 2};
  const Eigen::MatrixXd l = covariance_factor(c, "test");
  EXPECT_LT((l * l.transpose() - c).cwiseAbs().maxCoeff(), 1e-15);
  const std::size_t n = 20000;
  Eigen::MatrixXd x(n, 3);
  for (std::size_t k = 0; k < n; ++k) {
    x.row(static_cast<Eigen::Index>(k)) = draw_vector(f, drawn, l, 77, k).transpose();
  }
  const Eigen::RowVectorXd mean = x.colwise().mean();
  const Eigen::MatrixXd centred = x.rowwise() - mean;
  const Eigen::MatrixXd cov = centred.transpose() * centred / static_cast<double>(n - 1);
  for (Eigen::Index j = 0; j < 3; ++j) {
    // The mean within 4 standard errors of the estimate.
    EXPECT_NEAR(mean(j), f.estimate(j), 4.0 * f.se(j) / std::sqrt(static_cast<double>(n)));
    for (Eigen::Index i = 0; i < 3; ++i) {
      // Each covariance within 4 of its sampling standard deviations,
      // sqrt((c_ii c_jj + c_ij^2) / n).
      const double sd = std::sqrt((c(i, i) * c(j, j) + c(i, j) * c(i, j)) / n);
      EXPECT_NEAR(cov(i, j), c(i, j), 4.0 * sd) << i << "," << j;
    }
  }
  // A different seed gives different draws.
  EXPECT_NE(draw_vector(f, drawn, l, 78, 0), draw_vector(f, drawn, l, 77, 0));
  // Only the drawn parameters are set.
  EXPECT_TRUE(std::isnan(draw_vector(
      f, {0, 2}, covariance_factor(Eigen::Matrix2d::Identity() * 0.01, "t"), 77, 0)(1)));
}

TEST(ParameterDraws, ReflectionFoldsIntoTheBox) {
  EXPECT_DOUBLE_EQ(reflect(0.3, 0.0, 1.0), 0.3);
  EXPECT_DOUBLE_EQ(reflect(-0.25, 0.0, 1.0), 0.25);
  EXPECT_DOUBLE_EQ(reflect(1.25, 0.0, 1.0), 0.75);
  EXPECT_DOUBLE_EQ(reflect(2.25, 0.0, 1.0), 0.25);  // folded twice
  EXPECT_DOUBLE_EQ(reflect(-3.5, 1.0, 2.0), 1.5);
}

TEST(ParameterDraws, SemiDefiniteCovarianceAndBadCovariance) {
  Eigen::Matrix2d c;
  c << 1.0, 1.0, 1.0, 1.0;  // rank one: no Cholesky, the square root instead
  const Eigen::MatrixXd l = covariance_factor(c, "t");
  EXPECT_LT((l * l.transpose() - c).cwiseAbs().maxCoeff(), 1e-12);
  c << 1.0, 2.0, 2.0, 1.0;  // eigenvalue -1
  EXPECT_THROW(covariance_factor(c, "t"), ScenarioError);
}

TEST(VarianceSplit, SmallCaseByHand) {
  // Draws {1, 3} and {5, 7}: means 2 and 6, within variances 2 and 2. Between = var(2, 6) = 8;
  // parameters = 8 - 2 / 2 = 7; total 9.
  const VarianceSplit v = variance_split({1.0, 3.0, 5.0, 7.0}, 2);
  EXPECT_DOUBLE_EQ(v.draws, 2.0);
  EXPECT_DOUBLE_EQ(v.between_raw, 8.0);
  EXPECT_DOUBLE_EQ(v.parameters, 7.0);
  EXPECT_DOUBLE_EQ(v.total, 9.0);
  EXPECT_TRUE(std::isnan(variance_split({1.0, 2.0, 3.0}, 3).draws));  // one run per draw
}

TEST(VarianceSplit, RecoversKnownBetweenAndWithinVariances) {
  // y_ki = mu_k + e_ki with Var(mu) = 4 (parameters) and Var(e) = 1 (draws), K = 2000, m = 5.
  // The naive between-draw variance of the means would be 4 + 1/5; the split must remove the
  // 1/5. Standard errors: about 0.13 for the parameter part, 0.016 for the within part.
  const Rng rng(5);
  const std::size_t k = 2000, m = 5;
  std::vector<double> y;
  for (std::size_t g = 0; g < k; ++g) {
    const double mu = 2.0 * rng.normal(0, g, 1);
    for (std::size_t i = 0; i < m; ++i)
      y.push_back(mu + rng.normal(1, g, 2, static_cast<std::uint16_t>(i)));
  }
  const VarianceSplit v = variance_split(y, k);
  EXPECT_NEAR(v.parameters, 4.0, 0.5);
  EXPECT_NEAR(v.draws, 1.0, 0.07);
  EXPECT_NEAR(v.total, 5.0, 0.55);
  EXPECT_NEAR(v.parameter_fraction(), 0.8, 0.04);
}

TEST_F(ParameterDrawsTest, BatchReportsTheSplitOfThe2032ShareAndEffect) {
  const fs::path small = fs::path(NISIM_TEST_DATA) / "scenarios" / "small.toml";
  write("with.toml", "inherit = \"" + small.string() + "\"\n[run]\nhorizon = 2032\n");
  write("without.toml", "inherit = \"with.toml\"\n[schemes.nifs]\nenabled = false\n");
  const auto f =
      h5::open_file_read(run_to(batch("b.toml", "fit = \"fit.h5\"\ndraws = 2\n", 4), "b.h5", 2));
  const std::size_t T = 17, t = 16;  // 2016-2032
  const std::vector<double> a = h5::read_double(f.open_group("with"), "mfg_share");
  const std::vector<double> b = h5::read_double(f.open_group("without"), "mfg_share");
  std::vector<double> ya, dy;
  for (std::size_t r = 0; r < 4; ++r) {
    ya.push_back(a[r * T + t]);
    dy.push_back(a[r * T + t] - b[r * T + t]);
  }
  const VarianceSplit va = variance_split(ya, 2), vd = variance_split(dy, 2);
  EXPECT_EQ(h5::read_double(f.open_group("with"), "share_2032_variance"),
            (std::vector<double>{va.parameters, va.draws, va.total}));
  EXPECT_EQ(h5::dim_names(f.open_group("with"), "share_2032_variance"),
            (std::vector<std::string>{"variance_source"}));
  EXPECT_EQ(h5::read_double(f.open_group("with").open_group("vs_base"), "diff_2032_variance"),
            (std::vector<double>{vd.parameters, vd.draws, vd.total}));
  EXPECT_GT(va.total, 0.0);
}

TEST_F(ParameterDrawsTest, BadInputNamesFileLineAndKeyAndWritesNothing) {
  // The fit file missing: the batch file's line.
  try {
    load_batch(batch("m.toml", "fit = \"nope.h5\"\ndraws = 2\n"));
    ADD_FAILURE() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("m.toml:10:7: key 'parameters.fit': no such file"),
              std::string::npos)
        << e.what();
  }
  // draws = 0.
  try {
    load_batch(batch("z.toml", "fit = \"fit.h5\"\ndraws = 0\n"));
    ADD_FAILURE() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("z.toml:11:9: key 'parameters.draws': expected an "
                                         "integer in [1, 10000000]"),
              std::string::npos)
        << e.what();
  }
  // Not a fit: a text file, and an HDF5 file of another kind.
  std::ofstream(dir_ / "text.h5") << "not hdf5\n";
  std::string e = error_of(batch("t.toml", "fit = \"text.h5\"\n"));
  EXPECT_NE(e.find("t.toml:10:7: key 'parameters.fit': "), std::string::npos) << e;
  EXPECT_NE(e.find("not a fit of `nisim calibrate`"), std::string::npos) << e;
  h5::create_file(dir_ / "other.h5").set_attr("title", std::string("nisim batch: x.toml"));
  e = error_of(batch("o.toml", "fit = \"other.h5\"\n"));
  EXPECT_NE(e.find("o.toml:10:7: key 'parameters.fit': "), std::string::npos) << e;
  EXPECT_NE(e.find("its title is 'nisim batch: x.toml'"), std::string::npos) << e;
  // A key the scenarios do not have.
  FitSpec s = small_fit();
  s.keys[1] = "firms.exit_hazard_matur";
  write_fit(dir_ / "typo.h5", s);
  e = error_of(batch("k.toml", "fit = \"typo.h5\"\n"));
  EXPECT_NE(e.find("k.toml:10:7: key 'parameters.fit': "), std::string::npos) << e;
  EXPECT_NE(e.find("key 'firms.exit_hazard_matur' is not a parameter of the scenarios (did you "
                   "mean 'firms.exit_hazard_mature'?)"),
            std::string::npos)
      << e;
  // Draws that do not divide the replications.
  e = error_of(batch("d.toml", "fit = \"fit.h5\"\ndraws = 4\n"));
  EXPECT_NE(e.find("d.toml:11:9: key 'parameters.draws': 4 draws do not divide the 6 "
                   "replications"),
            std::string::npos)
      << e;
  // Draws with a sweep.
  try {
    load_batch(
        write("s.toml",
              "[sweep]\nscenario = \"with.toml\"\n[[sweep.param]]\nkey = \"firms.tfp_drift\"\n"
              "min = 0.0\nmax = 0.05\n[parameters]\nfit = \"fit.h5\"\n"));
    ADD_FAILURE() << "no error";
  } catch (const ScenarioError& e2) {
    EXPECT_NE(std::string(e2.what()).find("s.toml:8:7: key 'parameters.fit': parameter draws are "
                                          "for a list of [[scenario]]s"),
              std::string::npos)
        << e2.what();
  }
}

TEST_F(ParameterDrawsTest, CommandLineFitAndDraws) {
  Batch b = load_batch(
      write("p.toml", "[batch]\nreplications = 4\n[[scenario]]\nfile = \"with.toml\"\n"));
  set_parameter_fit(b, dir_ / "fit.h5", 2);
  EXPECT_EQ(b.parameters.fit, dir_ / "fit.h5");
  EXPECT_EQ(b.parameters.draws, 2);
  EXPECT_THROW(set_parameter_fit(b, dir_ / "missing.h5", -1), ScenarioError);
  try {
    set_parameter_fit(b, {}, 0);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
  }
  run_batch(b, dir_ / "cli.h5", {});
  EXPECT_EQ(h5::open_file_read(dir_ / "cli.h5").attr_int("draws"), 2);
}

}  // namespace nisim::hk
