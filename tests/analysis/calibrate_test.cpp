// Calibration (analysis/calibrate.hpp, smm.hpp, calibration_file.hpp, observed_data.hpp): the
// statistics on toys whose answers are known in closed form, and every kind of bad input, which
// must stop with a ScenarioError naming file, line and key before anything runs or is written.
#include "analysis/calibrate.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "analysis/sha256.hpp"
#include "engine/error.hpp"
#include "test_support.hpp"

namespace nisim::hk {
namespace {

namespace fs = std::filesystem;

TEST(Sha256, MatchesFips180Examples) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // Two blocks (the padding spills over): FIPS 180-4 example 2.
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(SmmJacobian, CentralDifferencesRecoverALinearMap) {
  Eigen::MatrixXd a(3, 2);
  a << 1.5, -2.0, 0.25, 4.0, 0.0, 3.0;
  const Eigen::VectorXd b = Eigen::Vector3d(1.0, -1.0, 2.0);
  int calls = 0;
  const Eigen::MatrixXd jac = central_jacobian(
      [&](const std::vector<Eigen::VectorXd>& xs) {
        ++calls;
        EXPECT_EQ(xs.size(), 4U);  // all 2d points in one call, so they run in parallel
        std::vector<Eigen::VectorXd> out;
        for (const Eigen::VectorXd& x : xs) out.emplace_back(a * x + b);
        return out;
      },
      Eigen::Vector2d(0.3, -0.7), Eigen::Vector2d(0.01, 0.2));
  EXPECT_EQ(calls, 1);
  EXPECT_LT((jac - a).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(SmmInference, SandwichOfALinearModelIsTheOlsCovariance) {
  // m = A theta + e with Var(e) = s^2 I and W = I: V = s^2 (A'A)^-1.
  Eigen::MatrixXd a(4, 2);
  a << 1.0, 0.0, 1.0, 1.0, 1.0, 2.0, 1.0, 3.0;
  const double s2 = 0.09;
  const Eigen::MatrixXd omega = s2 * Eigen::MatrixXd::Identity(4, 4);
  const SmmInference r = smm_inference(a, Eigen::VectorXd::Ones(4), omega, Eigen::Vector2d(1, 1));
  const Eigen::MatrixXd expect = s2 * (a.transpose() * a).inverse();
  EXPECT_LT((r.cov - expect).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_NEAR(r.se(1), std::sqrt(expect(1, 1)), 1e-12);
  EXPECT_EQ(r.rank, 2);
  EXPECT_TRUE(std::isfinite(r.condition));
  EXPECT_FALSE(r.weak[0]);
  EXPECT_FALSE(r.weak[1]);
}

TEST(SmmInference, FlagsParametersTheMomentsCannotPinDown) {
  // Parameter 2 duplicates parameter 1 (collinear); parameter 3 moves nothing.
  Eigen::MatrixXd j(3, 3);
  j << 1.0, 1.0, 0.0, 2.0, 2.0, 0.0, -1.0, -1.0, 0.0;
  const SmmInference r = smm_inference(j, Eigen::VectorXd::Ones(3), Eigen::MatrixXd::Identity(3, 3),
                                       Eigen::VectorXd::Ones(3));
  EXPECT_EQ(r.rank, 1);
  EXPECT_TRUE(std::isinf(r.condition));
  EXPECT_TRUE(r.weak[0] && r.weak[1] && r.weak[2]);
  EXPECT_TRUE(std::isnan(r.se(2)));
  // A well-identified parameter next to an inert one keeps its standard error.
  Eigen::MatrixXd k(2, 2);
  k << 1.0, 0.0, 0.5, 0.0;
  const SmmInference q = smm_inference(k, Eigen::VectorXd::Ones(2), Eigen::MatrixXd::Identity(2, 2),
                                       Eigen::VectorXd::Ones(2));
  EXPECT_FALSE(q.weak[0]);
  EXPECT_TRUE(q.weak[1]);
  EXPECT_TRUE(std::isfinite(q.se(0)));
}

constexpr const char* k_header =
    "series,unit,year,period,sector,value,flag,source,url_or_table,"
    "note,formula\n";

class CalibrationFileTest : public test::TempDirTest {
 protected:
  /// A data file with one share row per year 2017-2022 (plus `extra` rows) and a calibration
  /// of firms.tfp_drift against it over the small scenario, with `param` / `moment` replacing
  /// the default tables.
  fs::path calibration(const std::string& param = "", const std::string& moment = "",
                       const std::string& extra_rows = "") {
    std::string rows = k_header;
    for (int y = 2017; y <= 2022; ++y) {
      rows += "share," + std::string("percent,") + std::to_string(y) +
              ",,,1.1,official,\"Year Book, Table 1\",,,\n";
    }
    write("data.csv", rows + extra_rows);
    const fs::path small = fs::path(NISIM_TEST_DATA) / "scenarios" / "small.toml";
    return write("c.toml",
                 "[calibration]\nscenario = \"" + small.string() +
                     "\"\nreplications = 2\nseed = 3\nglobal_evaluations = 0\n"
                     "local_evaluations = 0\n\n" +
                     (param.empty() ? "[[parameter]]\nkey = \"firms.tfp_drift\"\nmin = 0.0\n"
                                      "max = 0.04\n\n"
                                    : param) +
                     (moment.empty() ? "[[moment]]\ndata = \"data.csv\"\nseries = \"share\"\n"
                                       "years = [2017, 2018]\noutput = \"mfg_share\"\n"
                                     : moment));
  }

  /// The ScenarioError message from loading and calibrating `path` (which must fail), after
  /// checking that nothing was written.
  std::string error_of(const fs::path& path) {
    const fs::path out = dir_ / "fit.h5";
    try {
      const Calibration c = load_calibration(path);
      calibrate(c, out, {});
    } catch (const ScenarioError& e) {
      EXPECT_FALSE(fs::exists(out));
      for (const auto& f : fs::directory_iterator(dir_)) {
        EXPECT_EQ(f.path().filename().string().find(".fit.h5"), std::string::npos);
      }
      return e.what();
    }
    ADD_FAILURE() << "no ScenarioError";
    return "";
  }
};

TEST_F(CalibrationFileTest, LoadsMomentsWithFileLineAndHash) {
  const Calibration c = load_calibration(calibration());
  ASSERT_EQ(c.moments.size(), 2U);
  EXPECT_EQ(c.moments[0].name, "share@2017");
  EXPECT_EQ(c.moments[1].data_line, 3);
  EXPECT_DOUBLE_EQ(c.moments[0].observed, 1.1);
  EXPECT_TRUE(std::isnan(c.moments[0].sd));
  ASSERT_EQ(c.data.size(), 1U);
  std::ifstream in(dir_ / "data.csv", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(c.data[0].sha256, sha256_hex(text));
}

TEST_F(CalibrationFileTest, FitWindowMarksLaterMomentsAsHeldOut) {
  const std::string moment =
      "[[moment]]\ndata = \"data.csv\"\nseries = \"share\"\n"
      "years = [2017, 2020, 2021, 2022]\noutput = \"mfg_share\"\n"
      "scale = 10.0\nsd = 0.1\n";
  fs::path p = calibration("", moment);
  std::string text;
  {
    std::ifstream in(p);
    text.assign((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  text.insert(text.find("replications"), "fit_to = 2020\n");
  p = write("c.toml", text);
  const Calibration c = load_calibration(p);
  ASSERT_EQ(c.moments.size(), 4U);
  EXPECT_FALSE(c.moments[1].holdout);
  EXPECT_TRUE(c.moments[2].holdout);
  EXPECT_TRUE(c.moments[3].holdout);
  EXPECT_DOUBLE_EQ(c.moments[0].observed, 11.0);  // data value times scale
  EXPECT_DOUBLE_EQ(c.moments[0].sd, 1.0);
}

TEST_F(CalibrationFileTest, MomentNamingAMissingSeriesNamesTheLine) {
  const std::string msg =
      error_of(calibration("",
                           "[[moment]]\ndata = \"data.csv\"\nseries = \"no_such\"\nyears = [2017]\n"
                           "output = \"mfg_share\"\n"));
  EXPECT_NE(msg.find("c.toml:15:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("key 'moment.series'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("no_such"), std::string::npos) << msg;
}

TEST_F(CalibrationFileTest, MomentYearMissingFromTheDataIsAnError) {
  const std::string msg = error_of(
      calibration("",
                  "[[moment]]\ndata = \"data.csv\"\nseries = \"share\"\nyears = [2017, 2030]\n"
                  "output = \"mfg_share\"\n"));
  EXPECT_NE(msg.find("c.toml:16:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("key 'moment.years'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("2030"), std::string::npos) << msg;
}

TEST_F(CalibrationFileTest, UnknownRunVariableIsAnError) {
  const std::string msg = error_of(
      calibration("",
                  "[[moment]]\ndata = \"data.csv\"\nseries = \"share\"\nyears = [2017, 2018]\n"
                  "output = \"mfg_sharee\"\n"));
  EXPECT_NE(msg.find("c.toml:17:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("key 'moment.output'"), std::string::npos) << msg;
}

TEST_F(CalibrationFileTest, ParameterThatIsNotAKeyIsAnErrorWithASuggestion) {
  const std::string msg =
      error_of(calibration("[[parameter]]\nkey = \"firms.tfp_drfit\"\nmin = 0.0\nmax = 0.04\n\n"));
  EXPECT_NE(msg.find("c.toml:9:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("key 'firms.tfp_drfit'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean 'firms.tfp_drift'"), std::string::npos) << msg;
}

TEST_F(CalibrationFileTest, ParameterThatIsNotRealIsAnError) {
  const std::string msg =
      error_of(calibration("[[parameter]]\nkey = \"firms.young_age\"\nmin = 1.0\nmax = 5.0\n\n"));
  EXPECT_NE(msg.find("c.toml:9:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("key 'firms.young_age'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("integer"), std::string::npos) << msg;
}

TEST_F(CalibrationFileTest, BoundsOutsideTheParametersRangeAreAnError) {
  // firms.exit_hazard_mature is a probability: the scenario rule [0, 1] applies to the box.
  const std::string msg = error_of(
      calibration("[[parameter]]\nkey = \"firms.exit_hazard_mature\"\nmin = 0.01\nmax = 1.5\n\n"));
  EXPECT_NE(msg.find("c.toml:9:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("firms.exit_hazard_mature"), std::string::npos) << msg;
}

TEST_F(CalibrationFileTest, DataRowWithoutSourceNamesTheDataFileLine) {
  const std::string msg = error_of(calibration("", "", "share,percent,2023,,,1.0,official,,,,\n"));
  EXPECT_NE(msg.find("data.csv:8: key 'source'"), std::string::npos) << msg;
}

TEST_F(CalibrationFileTest, NonNumericDataValueNamesTheDataFileLine) {
  const std::string msg =
      error_of(calibration("", "", "share,percent,2023,,,about 1,official,\"YB\",,,\n"));
  EXPECT_NE(msg.find("data.csv:8: key 'value'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'about 1'"), std::string::npos) << msg;
}

TEST_F(CalibrationFileTest, FewerMomentsThanParametersIsAnError) {
  const std::string two =
      "[[parameter]]\nkey = \"firms.tfp_drift\"\nmin = 0.0\nmax = 0.04\n\n"
      "[[parameter]]\nkey = \"firms.entry_rate\"\nmin = 0.0\nmax = 0.1\n\n"
      "[[parameter]]\nkey = \"firms.exit_hazard_mature\"\nmin = 0.0\n"
      "max = 0.1\n\n";
  const std::string msg = error_of(calibration(two));
  EXPECT_NE(msg.find("key 'moment'"), std::string::npos) << msg;
}

TEST_F(CalibrationFileTest, UnknownKeyInTheCalibrationTableIsAnError) {
  fs::path p = calibration();
  std::ifstream in(p);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  text.insert(text.find("seed"), "replicatons = 4\n");
  const std::string msg = error_of(write("c.toml", text));
  EXPECT_NE(msg.find("c.toml:4:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("key 'calibration.replicatons'"), std::string::npos) << msg;
}

TEST(ShippedCalibrations, EveryFileOfCalibrationDirPassesTheChecks) {
  // Real keys, bounds inside their ranges, series and years present in data/, outputs recorded.
  const fs::path dir = fs::path(NISIM_SCENARIO_DIR) / ".." / "calibration";
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".toml") continue;
    SCOPED_TRACE(entry.path().string());
    const Calibration c = load_calibration(entry.path());
    EXPECT_NO_THROW(check_calibration(c));
    EXPECT_GE(c.moments.size(), c.params.size());
    ++files;
  }
  EXPECT_GE(files, 3);
}

}  // namespace
}  // namespace nisim::hk
