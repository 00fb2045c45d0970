// Batch files: structure, defaults and every error naming file, line and key
// (engine/batch_file.hpp; docs/batches.md).
#include "engine/batch_file.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/error.hpp"

namespace nisim {
namespace {

namespace fs = std::filesystem;

class BatchFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nisim_batch_file_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    write("a.toml", "");
    write("b.toml", "");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }
  /// The error message of loading `text` as batch.toml, or "" if it loads.
  std::string error_of(const std::string& text) {
    try {
      load_batch(write("batch.toml", text));
    } catch (const ScenarioError& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
};

}  // namespace

TEST_F(BatchFileTest, LoadsScenariosDefaultsAndBase) {
  const Batch b = load_batch(write("batch.toml",
                                   "[batch]\nreplications = 7\nseed = 99\nbase = \"second\"\n"
                                   "[[scenario]]\nfile = \"a.toml\"\n"
                                   "[[scenario]]\nfile = \"b.toml\"\nname = \"second\"\n"));
  EXPECT_EQ(b.replications, 7);
  EXPECT_EQ(b.seed, 99u);
  EXPECT_EQ(b.base, "second");
  ASSERT_EQ(b.scenarios.size(), 2u);
  EXPECT_EQ(b.scenarios[0].name, "a");  // the file stem by default
  EXPECT_EQ(b.scenarios[0].file, dir_ / "a.toml");
  EXPECT_EQ(b.scenarios[1].name, "second");
  EXPECT_NE(b.text.find("replications = 7"), std::string::npos);

  const Batch d = load_batch(write("d.toml", "[[scenario]]\nfile = \"b.toml\"\n"));
  EXPECT_EQ(d.replications, 1);
  EXPECT_EQ(d.base, "b");  // the first scenario by default
}

TEST_F(BatchFileTest, ErrorsNameFileLineAndKey) {
  struct Case {
    const char* text;
    const char* line;
    const char* key;
  };
  const Case cases[] = {
      {"[batch]\nreplications = 0\n[[scenario]]\nfile = \"a.toml\"\n", ":2:", "batch.replications"},
      {"[batch]\nreplications = \"ten\"\n", ":2:", "batch.replications"},
      {"[batch]\nseed = -1\n", ":2:", "batch.seed"},
      {"[batch]\nrepetitions = 3\n", ":2:", "batch.repetitions"},
      {"[batch]\nbase = \"nope\"\n[[scenario]]\nfile = \"a.toml\"\n", ":2:", "batch.base"},
      {"[[scenario]]\nfile = \"missing.toml\"\n", ":2:", "scenario.file"},
      {"[[scenario]]\nname = \"x\"\n", ":1:", "scenario.file"},
      {"[[scenario]]\nfile = \"a.toml\"\nname = \"bad/name\"\n", ":3:", "scenario.name"},
      {"[[scenario]]\nfile = \"a.toml\"\n[[scenario]]\nfile = \"a.toml\"\n",
       ":4:", "scenario.name"},
      {"[[scenario]]\nfile = \"a.toml\"\nfiel = 1\n", ":3:", "scenario.fiel"},
      {"title = 3\n", ":1:", "title"},
      {"", ":1:", "scenario"},
      {"[batch\n", ":1:", "syntax error"},
  };
  for (const Case& c : cases) {
    const std::string e = error_of(c.text);
    SCOPED_TRACE(c.text);
    EXPECT_NE(e.find("batch.toml" + std::string(c.line)), std::string::npos) << e;
    EXPECT_NE(e.find(c.key), std::string::npos) << e;
  }
}

TEST_F(BatchFileTest, RecordTablesNameSeriesInFileOrder) {
  const Batch b = load_batch(write("batch.toml",
                                   "[[scenario]]\nfile = \"a.toml\"\n[[record]]\nseries = "
                                   "\"wage\"\n[[record]]\nseries = \"talent_pool\"\n"));
  ASSERT_EQ(b.records.size(), 2u);
  EXPECT_EQ(b.records[0].name, "wage");
  EXPECT_EQ(b.records[1].name, "talent_pool");
  EXPECT_EQ(b.records[1].pos.line, 6);  // errors about the name (unknown series) point here
  struct Case {
    const char* text;
    const char* line;
    const char* key;
  };
  const Case cases[] = {
      {"record = \"wage\"\n[[scenario]]\nfile = \"a.toml\"\n", ":1:", "key 'record': expected"},
      {"[[scenario]]\nfile = \"a.toml\"\n[[record]]\nname = \"wage\"\n",
       ":4:", "key 'record.name'"},
      {"[[scenario]]\nfile = \"a.toml\"\n[[record]]\nseries = 3\n", ":4:", "key 'record.series'"},
      {"[[scenario]]\nfile = \"a.toml\"\n[[record]]\nseries = \"\"\n",
       ":4:", "key 'record.series'"},
      {"[[scenario]]\nfile = \"a.toml\"\n[[record]]\n", ":3:", "key 'record.series'"},
      {"[[scenario]]\nfile = \"a.toml\"\n[[record]]\nseries = \"wage\"\n[[record]]\n"
       "series = \"wage\"\n",
       ":6:", "'wage' is named twice (first at line 4)"},
      {"[target]\nscenario = \"a.toml\"\n[[target.lever]]\nkey = \"k\"\nmin = 1\nmax = 2\n"
       "[[record]]\nseries = \"wage\"\n",
       ":8:", "a target keeps no runs"},
  };
  for (const Case& c : cases) {
    const std::string e = error_of(c.text);
    SCOPED_TRACE(c.text);
    EXPECT_NE(e.find("batch.toml" + std::string(c.line)), std::string::npos) << e;
    EXPECT_NE(e.find(c.key), std::string::npos) << e;
  }
}

TEST_F(BatchFileTest, LoadsASweep) {
  const Batch b = load_batch(write("batch.toml",
                                   "[batch]\nreplications = 2\n[sweep]\nscenario = \"a.toml\"\n"
                                   "design = \"morris\"\npoints = 5\nlevels = 4\nyear = 2030\n"
                                   "[[sweep.param]]\nkey = \"x.y\"\nmin = 1\nmax = 2.5\n"));
  ASSERT_TRUE(b.has_sweep);
  EXPECT_TRUE(b.scenarios.empty());
  EXPECT_EQ(b.sweep.design, "morris");
  EXPECT_EQ(b.sweep.points, 5);
  EXPECT_EQ(b.sweep.year, 2030);
  EXPECT_EQ(b.sweep.output, "mfg_share");  // default
  ASSERT_EQ(b.sweep.params.size(), 1u);
  EXPECT_EQ(b.sweep.params[0].key, "x.y");
  EXPECT_EQ(b.sweep.params[0].min, 1.0);  // an integer is accepted as a number
  EXPECT_EQ(b.sweep.params[0].max, 2.5);
  EXPECT_EQ(b.sweep.params[0].pos.line, 10);  // the line of its key
}

TEST_F(BatchFileTest, SweepErrorsNameFileLineAndKey) {
  const std::string head = "[sweep]\nscenario = \"a.toml\"\n";
  const std::string param = "[[sweep.param]]\nkey = \"k\"\nmin = 0\nmax = 1\n";
  struct Case {
    std::string text;
    const char* line;
    const char* key;
  };
  const Case cases[] = {
      {head + "design = \"random\"\n" + param, ":3:", "sweep.design"},
      {head + "points = 0\n" + param, ":3:", "sweep.points"},
      {head + "colour = 1\n" + param, ":3:", "sweep.colour"},
      {"[sweep]\nscenario = \"nope.toml\"\n" + param, ":2:", "sweep.scenario"},
      {head, ":1:", "sweep.param"},
      {head + "[[sweep.param]]\nkey = \"k\"\nmin = 2\nmax = 1\n", ":4:", "sweep.param.min"},
      {head + "[[sweep.param]]\nkey = \"k\"\nmin = nan\nmax = 1\n", ":5:", "sweep.param.min"},
      {head + "[[sweep.param]]\nkey = \"k\"\nmax = 1\n", ":4:", "sweep.param"},
      {head + param + "[[scenario]]\nfile = \"a.toml\"\n", ":8:", "scenario"},
  };
  for (const Case& c : cases) {
    const std::string e = error_of(c.text);
    SCOPED_TRACE(c.text);
    EXPECT_NE(e.find("batch.toml" + std::string(c.line)), std::string::npos) << e;
    EXPECT_NE(e.find(c.key), std::string::npos) << e;
  }
}

// README "Exit codes": an input that cannot be read is a file error (4), as for scenarios.
TEST_F(BatchFileTest, MissingBatchFileIsAnIoError) {
  EXPECT_THROW(load_batch(dir_ / "nope.toml"), IoError);
}

TEST_F(BatchFileTest, ParametersTableNamesAFitRelativeToTheBatchFile) {
  fs::create_directories(dir_ / "out");
  write("out/fit.h5", "");  // only its existence is checked here (analysis/parameter_draws.cpp)
  const std::string head = "[[scenario]]\nfile = \"a.toml\"\n[parameters]\n";
  const Batch b =
      load_batch(write("batch.toml", head + "fit = \"out/../out/fit.h5\"\ndraws = 3\n"));
  EXPECT_EQ(b.parameters.fit, dir_ / "out" / "fit.h5");  // relative to the batch file, normalised
  EXPECT_EQ(b.parameters.draws, 3);
  EXPECT_EQ(b.parameters.fit_pos.line, 4);
  EXPECT_EQ(b.parameters.draws_pos.line, 5);
  // Without draws the count is left to the runner (one replication per draw), at the fit's line.
  const Batch c = load_batch(write("batch.toml", head + "fit = \"out/fit.h5\"\n"));
  EXPECT_EQ(c.parameters.draws, 0);
  EXPECT_EQ(c.parameters.draws_pos.line, 4);
  const std::string file = (dir_ / "batch.toml").string();
  EXPECT_EQ(error_of(head + "fit = \"out/fit.h5\"\ndraws = 0\n"),
            file + ":5:9: key 'parameters.draws': expected an integer in [1, 10000000]");
  EXPECT_EQ(error_of(head + "draws = 2\n"),
            file +
                ":3:1: key 'parameters.fit': [parameters] needs the fit to draw from, a "
                "FIT.h5 of `nisim calibrate`");
  EXPECT_EQ(error_of(head + "fit = \"out/fit.h5\"\nseed = 2\n"),
            file + ":5:8: key 'parameters.seed': unknown key (parameters keys: fit, draws)");
  EXPECT_NE(error_of(head + "fit = \"out/none.h5\"\n")
                .find(file + ":4:7: key 'parameters.fit': no such file: "),
            std::string::npos);
}

TEST_F(BatchFileTest, CommandLineFitAndDraws) {
  write("fit.h5", "");
  Batch b = load_batch(write("batch.toml",
                             "[batch]\nreplications = 4\n[[scenario]]\nfile = "
                             "\"a.toml\"\n"));
  try {
    set_parameter_fit(b, {}, 2);  // --draws without a fit
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
  }
  EXPECT_THROW(set_parameter_fit(b, dir_ / "none.h5", -1), ScenarioError);
  set_parameter_fit(b, dir_ / "fit.h5", -1);
  EXPECT_EQ(b.parameters.fit, dir_ / "fit.h5");
  EXPECT_EQ(b.parameters.draws_pos.file, "--fit");
  set_parameter_fit(b, {}, 2);
  EXPECT_EQ(b.parameters.draws, 2);
  EXPECT_EQ(b.parameters.draws_pos.file, "--draws");
  try {
    set_parameter_fit(b, {}, 0);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_EQ(std::string(e.what()), "--draws 0: expected an integer in [1, 10000000]");
  }
}

TEST_F(BatchFileTest, AutoReplicationsKeysAndDefaults) {
  const std::string pair = "[[scenario]]\nfile = \"a.toml\"\n[[scenario]]\nfile = \"b.toml\"\n";
  Batch b = load_batch(write("batch.toml",
                             "[batch]\nreplications = \"auto\"\nci_width = 0.02\n"
                             "min_replications = 4\nmax_replications = 64\nauto_year = 2030\n" +
                                 pair));
  EXPECT_TRUE(b.auto_reps.on);
  EXPECT_EQ(b.auto_reps.ci_width, 0.02);
  EXPECT_EQ(b.auto_reps.min, 4);
  EXPECT_EQ(b.auto_reps.max, 64);
  EXPECT_EQ(b.auto_reps.year, 2030);
  EXPECT_EQ(b.auto_reps.year_pos.line, 6);
  EXPECT_EQ(b.replications, 4);  // the first round
  b = load_batch(write("batch.toml", "[batch]\nreplications = \"auto\"\nci_width = 1\n" + pair));
  EXPECT_EQ(b.auto_reps.min, 10);
  EXPECT_EQ(b.auto_reps.max, 1000);
  EXPECT_EQ(b.auto_reps.year, 2032);
  EXPECT_EQ(b.auto_reps.year_pos.line, 2);  // errors about the default year point at "auto"
  EXPECT_EQ(b.replications, 10);
  // --replications N replaces "auto".
  set_replications(b, 3);
  EXPECT_FALSE(b.auto_reps.on);
  EXPECT_EQ(b.replications, 3);
  // Without "auto" nothing changes.
  EXPECT_FALSE(load_batch(write("batch.toml", "[batch]\nreplications = 5\n" + pair)).auto_reps.on);
}

TEST_F(BatchFileTest, AutoReplicationsErrorsNameFileLineAndKey) {
  const std::string pair = "[[scenario]]\nfile = \"a.toml\"\n[[scenario]]\nfile = \"b.toml\"\n";
  const std::string head = "[batch]\nreplications = \"auto\"\n";
  struct Case {
    std::string text;
    std::string message;
  };
  const Case cases[] = {
      {"[batch]\nreplications = \"foo\"\n" + pair,
       "batch.toml:2:16: key 'batch.replications': expected an integer in [1, 10000000] or "
       "\"auto\", got \"foo\""},
      {head + "ci_width = 0\n" + pair,
       "batch.toml:3:12: key 'batch.ci_width': expected a number above 0 (percentage points, "
       "the full width of the 95% interval)"},
      {head + "ci_width = -0.5\n" + pair, "batch.toml:3:12: key 'batch.ci_width': expected"},
      {head + "ci_width = \"narrow\"\n" + pair, "batch.toml:3:12: key 'batch.ci_width': expected"},
      {head + "ci_width = nan\n" + pair, "batch.toml:3:12: key 'batch.ci_width': expected"},
      {head + pair,
       "batch.toml:2:16: key 'batch.ci_width': replications = \"auto\" needs ci_width"},
      {head + "ci_width = 0.1\nmin_replications = 50\nmax_replications = 20\n" + pair,
       "batch.toml:4:20: key 'batch.min_replications': 50 is above max_replications 20"},
      {head + "ci_width = 0.1\nmin_replications = 1\n" + pair,
       "batch.toml:4:20: key 'batch.min_replications': expected an integer in [2, 100000]"},
      {head + "ci_width = 0.1\nmax_replications = 200000\n" + pair,
       "batch.toml:4:20: key 'batch.max_replications': expected an integer in [2, 100000]"},
      {"[batch]\nreplications = 5\nci_width = 0.1\n" + pair,
       "batch.toml:3:12: key 'batch.ci_width': only for replications = \"auto\""},
      {"[batch]\nauto_year = 2030\n" + pair,
       "batch.toml:2:13: key 'batch.auto_year': only for replications = \"auto\""},
      {head + "ci_width = 0.1\n[[scenario]]\nfile = \"a.toml\"\n",
       "batch.toml:2:16: key 'batch.replications': \"auto\" needs at least two [[scenario]]s"},
      {head + "ci_width = 0.1\n[sweep]\nscenario = \"a.toml\"\n[[sweep.param]]\nkey = \"x.y\"\n"
              "min = 1\nmax = 2\n",
       "batch.toml:2:16: key 'batch.replications': \"auto\" is for a list of [[scenario]]s"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const std::string e = error_of(c.text);
    EXPECT_NE(e.find(c.message), std::string::npos) << e;
  }
}

// docs/batches.md section 11: [cross] has the keys of [sweep] but `scenario`, and crosses the
// [[scenario]]s (with their base) with the design.
TEST_F(BatchFileTest, CrossKeysAndDefaults) {
  const Batch b =
      load_batch(write("batch.toml",
                       "[batch]\nreplications = 3\nbase = \"b\"\n"
                       "[[scenario]]\nfile = \"a.toml\"\n[[scenario]]\nfile = \"b.toml\"\n"
                       "[cross]\ndesign = \"grid\"\nlevels = 3\nyear = 2030\n"
                       "[[cross.param]]\nkey = \"x.y\"\nmin = 1\nmax = 2\n"));
  ASSERT_TRUE(b.has_cross);
  EXPECT_FALSE(b.has_sweep);
  EXPECT_EQ(b.scenarios.size(), 2u);
  EXPECT_EQ(b.base, "b");
  EXPECT_EQ(b.cross.design, "grid");
  EXPECT_EQ(b.cross.levels, 3);
  EXPECT_EQ(b.cross.year, 2030);
  EXPECT_EQ(b.cross.output, "mfg_share");  // default
  EXPECT_TRUE(b.cross.scenario.empty());
  ASSERT_EQ(b.cross.params.size(), 1u);
  EXPECT_EQ(b.cross.params[0].key, "x.y");
  EXPECT_EQ(b.cross.params[0].pos.line, 13);
  // The base defaults to the first scenario, as in any scenario batch.
  const Batch c = load_batch(write("batch.toml",
                                   "[[scenario]]\nfile = \"a.toml\"\n[cross]\n"
                                   "[[cross.param]]\nkey = \"x.y\"\nmin = 1\nmax = 2\n"));
  EXPECT_EQ(c.base, "a");
}

TEST_F(BatchFileTest, CrossErrorsNameFileLineAndKey) {
  const std::string scen = "[[scenario]]\nfile = \"a.toml\"\n";  // lines 1-2
  const std::string param = "[[cross.param]]\nkey = \"k\"\nmin = 0\nmax = 1\n";
  const std::string file = (dir_ / "batch.toml").string();
  struct Case {
    std::string text, message;
  };
  const Case cases[] = {
      {scen + "[cross]\nscenario = \"a.toml\"\n" + param,
       ":4:12: key 'cross.scenario': unknown key (cross keys: design, points, levels, output, "
       "year, param; the [[scenario]]s are crossed with the design)"},
      {scen + "[cross]\ndesign = \"random\"\n" + param,
       ":4:10: key 'cross.design': 'random' is not a design (grid, lhs, sobol, morris, saltelli)"},
      {scen + "[cross]\n", ":3:1: key 'cross.param': a cross needs at least one parameter"},
      {scen + "[cross]\n[[cross.param]]\nkey = \"k\"\nmin = 1\nmax = 1\n",
       ":5:7: key 'cross.param.min': min must be below max for k"},
      {"[cross]\n" + param,
       ":1:1: key 'cross': a [cross] needs [[scenario]] tables to run at every point (for one "
       "scenario over a design, use a [sweep])"},
      {scen + "[cross]\n" + param +
           "[sweep]\nscenario = \"a.toml\"\n[[sweep.param]]\nkey = "
           "\"k\"\nmin = 0\nmax = 1\n",
       ":3:1: key 'cross': a [cross] runs the [[scenario]]s at every point of its own design; it "
       "cannot be combined with a [sweep]"},
      {scen + "[cross]\n" + param +
           "[target]\nscenario = \"a.toml\"\n[[target.lever]]\nkey = "
           "\"k\"\nmin = 0\nmax = 1\n",
       ":3:1: key 'cross': a [cross] runs the [[scenario]]s at every point of its own design; it "
       "cannot be combined with a [target]"},
      {"[batch]\nreplications = \"auto\"\nci_width = 0.01\n" + scen +
           "[[scenario]]\nfile = "
           "\"b.toml\"\n[cross]\n" +
           param,
       ":2:16: key 'batch.replications': \"auto\" is not supported with a [cross]; give a "
       "number of replications"},
      {scen + "[batch]\nbase = \"zz\"\n[cross]\n" + param,
       ":4:8: key 'batch.base': no scenario is named 'zz'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(error_of(c.text), file + c.message);
  }
  // A fit from the file or the command line: exit 3 and exit 2.
  write("fit.h5", "");
  EXPECT_EQ(error_of(scen + "[parameters]\nfit = \"fit.h5\"\n[cross]\n" + param),
            file +
                ":4:7: key 'parameters.fit': parameter draws are not supported with a [cross], "
                "which sets its assumed parameters itself");
  Batch b = load_batch(write("batch.toml", scen + "[cross]\n" + param));
  try {
    set_parameter_fit(b, dir_ / "fit.h5", -1);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_EQ(std::string(e.what()),
              "--fit: parameter draws are not supported with a [cross], which sets its assumed "
              "parameters itself");
  }
}

}  // namespace nisim
