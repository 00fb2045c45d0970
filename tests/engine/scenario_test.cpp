// Tests of engine/scenario.hpp: loading, inheritance, shocks, validation and error messages.
#include "engine/scenario.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <unistd.h>
#include <atomic>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "test_params.hpp"

namespace nisim {
namespace {

namespace fs = std::filesystem;

using test::TestParams;

/// A fresh directory under the system temp directory, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = test != nullptr ? test->name() : "x";
    for (char& c : name) {
      if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
    }
    path_ = fs::temp_directory_path() / ("nisim_scenario_test_" + std::to_string(::getpid()) + "_" +
                                         std::to_string(counter++) + "_" + name);
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// Writes `text` (bytes as given) to `name` inside the directory; returns its path.
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path file = path_ / name;
    fs::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out << text;
    return file;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

template <typename Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.code(), ExitCode::scenario);
    return e.what();
  }
  ADD_FAILURE() << "expected a ScenarioError";
  return "";
}

void expect_parts(const std::string& message, const std::vector<std::string>& parts) {
  for (const auto& part : parts) {
    EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' not in: " << message;
  }
}

// ---- Error cases: each is written to case.toml, loaded and applied. ----

struct ErrorCase {
  std::string name;
  std::string text;
  std::vector<std::string> parts;  ///< the message must contain each (file, line, key, what)
};

// Shown by GoogleTest (and CTest) instead of the raw bytes of the struct.
void PrintTo(const ErrorCase& c, std::ostream* os) {
  *os << c.name;
}

std::string null_byte_text() {
  std::string text = "econ.rate = 0.5\n\neco";
  text += '\0';
  return text + "n = 1\n";
}

const std::vector<ErrorCase> k_error_cases = {
    {"syntax_error", "econ.rate = 0.5\nfirms.count = [1,\n", {"case.toml:2:", "syntax error"}},
    {"syntax_duplicate",
     "[firms]\ncount = 1\ncount = 2\n",
     {"case.toml:3:", "syntax error", "count"}},
    {"unknown_key",
     "econ.rate = 0.5\nfirms.cuont = 3\n",
     {"case.toml:2:", "unknown key 'firms.cuont' (did you mean 'firms.count'?)"}},
    {"unknown_key_in_table",
     "[firms]\ncout = 3\n",
     {"case.toml:2:", "'firms.cout'", "'firms.count'"}},
    {"unknown_key_far", "\nzzzzzz.qqqqqqq = 1\n", {"case.toml:2:", "unknown key 'zzzzzz.qqqqqqq'"}},
    {"wrong_type_bool",
     "[policy]\non = \"yes\"\n",
     {"case.toml:2:6: key 'policy.on': wrong type: got text \"yes\" (expected boolean)"}},
    {"integer_for_bool", "policy.on = 1\n", {"case.toml:1:", "'policy.on'", "got integer 1"}},
    {"real_for_integer",
     "firms.count = 2.5\n",
     {"case.toml:1:15: key 'firms.count': wrong type: got real 2.5 (expected integer in [1, "
      "100000] firms)"}},
    {"text_for_real", "econ.rate = \"0.5\"\n", {"case.toml:1:", "'econ.rate'", "got text"}},
    {"series_for_real",
     "econ.rate = [[2016, 0.5]]\n",
     {"case.toml:1:", "'econ.rate'", "got series"}},
    {"real_for_series", "macro.path = 0.5\n", {"case.toml:1:", "'macro.path'", "expected series"}},
    {"not_a_choice",
     "policy.mode = \"z\"\n",
     {"case.toml:1:", "'policy.mode'", "\"z\" is not one of the choices", "one of \"x\", \"y\""}},
    {"above_range",
     "\n\necon.rate = 1.5\n",
     {"case.toml:3:13: key 'econ.rate': value 1.5 is out of range (expected real in [0, 1] "
      "fraction)"}},
    {"below_range", "firms.count = 0\n", {"case.toml:1:", "'firms.count'", "out of range"}},
    {"nan", "econ.rate = nan\n", {"case.toml:1:", "'econ.rate'", "value nan is not finite"}},
    {"inf", "econ.scale = inf\n", {"case.toml:1:", "'econ.scale'", "value inf is not finite"}},
    {"minus_inf", "\necon.scale = -inf\n", {"case.toml:2:", "'econ.scale'", "-inf is not finite"}},
    {"series_nan", "macro.path = [[2016, nan]]\n", {"case.toml:1:", "'macro.path'", "not finite"}},
    {"series_out_of_range",
     "macro.path = [[2016, 0.1], [2020, 1.5]]\n",
     {"case.toml:1:", "'macro.path'", "value 1.5 at year 2020 is out of range", "1/year"}},
    {"series_repeated_year",
     "macro.path = [[2016, 0.1], [2016, 0.2]]\n",
     {"case.toml:1:", "'macro.path'", "not strictly increasing (2016 after 2016)"}},
    {"series_decreasing",
     "\nmacro.path = [[2020, 0.1], [2016, 0.2]]\n",
     {"case.toml:2:", "'macro.path'", "not strictly increasing"}},
    {"series_empty", "macro.path = []\n", {"case.toml:1:", "'macro.path'", "empty series"}},
    {"series_flat_array",
     "macro.path = [1, 2]\n",
     {"case.toml:1:", "'macro.path'", "arrays are only [year, value] pairs"}},
    {"series_triple",
     "macro.path = [[2016, 0.1, 3]]\n",
     {"case.toml:1:", "'macro.path'", "arrays are only [year, value] pairs"}},
    {"series_real_year",
     "macro.path = [[2016.5, 0.1]]\n",
     {"case.toml:1:", "'macro.path'", "year must be an integer"}},
    {"series_huge_year",
     "macro.path = [[99999999999, 0.1]]\n",
     {"case.toml:1:", "'macro.path'", "year must be an integer"}},
    {"series_text_value",
     "macro.path = [[2016, \"a\"]]\n",
     {"case.toml:1:", "'macro.path'", "value must be a number"}},
    {"date_value", "econ.rate = 2020-01-01\n", {"case.toml:1:", "'econ.rate'", "dates"}},
    {"set_twice",
     "\"firms.count\" = 2\n[firms]\ncount = 1\n",
     {"case.toml:3:", "'firms.count'", "set twice (first at line 1)"}},
    {"shock_unknown_key",
     "[[shock]]\nyear = 2025\nset = { \"firms.cuont\" = 3 }\n",
     {"case.toml:3:", "unknown key 'firms.cuont'", "did you mean 'firms.count'"}},
    {"shock_bad_value",
     "[[shock]]\nyear = 2025\nset = { \"econ.rate\" = 2.0 }\n",
     {"case.toml:3:", "'econ.rate'", "out of range"}},
    {"shock_nested_wrong_type",
     "[[shock]]\nyear = 2025\nset = { policy = { on = 1 } }\n",
     {"case.toml:3:", "'policy.on'", "wrong type"}},
    {"shock_missing_year",
     "econ.rate = 0.5\n\n[[shock]]\nset = { \"econ.rate\" = 0.1 }\n",
     {"case.toml:3:", "'shock.year'", "missing"}},
    {"shock_real_year",
     "[[shock]]\nyear = 2025.5\nset = { \"econ.rate\" = 0.1 }\n",
     {"case.toml:2:", "'shock.year'", "integer"}},
    {"shock_unknown_entry_key",
     "[[shock]]\nyear = 2025\nyr = 2026\nset = { \"econ.rate\" = 0.1 }\n",
     {"case.toml:3:", "'shock.yr'", "unknown key in [[shock]]"}},
    {"shock_missing_set", "[[shock]]\nyear = 2025\n", {"case.toml:1:", "'shock.set'", "missing"}},
    {"shock_set_not_table", "[[shock]]\nyear = 2025\nset = 3\n", {"case.toml:3:", "'shock.set'"}},
    {"shock_set_empty",
     "[[shock]]\nyear = 2025\nset = {}\n",
     {"case.toml:3:", "'shock.set'", "sets no keys"}},
    {"shock_not_tables", "shock = 3\n", {"case.toml:1:", "'shock'"}},
    {"inherit_not_text", "\ninherit = 3\n", {"case.toml:2:", "'inherit'"}},
    {"missing_inherited_file",
     "\n\ninherit = \"nope.toml\"\n",
     {"case.toml:3:", "key 'inherit'", "cannot read inherited file", "nope.toml"}},
    {"self_inherit",
     "econ.rate = 0.5\ninherit = \"case.toml\"\n",
     {"case.toml:2:", "key 'inherit'", "inheritance cycle", "case.toml -> ", "case.toml"}},
    {"invalid_utf8", "econ.rate = 0.5\n# caf\xe9\n", {"case.toml:2:6: ", "invalid UTF-8"}},
    {"overlong_utf8", "\n\nk = \"\xc0\xaf\"\n", {"case.toml:3:6: ", "invalid UTF-8"}},
    {"surrogate_utf8", "k = \"\xed\xa0\x80\"\n", {"case.toml:1:6: ", "invalid UTF-8"}},
    {"beyond_unicode", "k = \"\xf4\x90\x80\x80\"\n", {"case.toml:1:6: ", "invalid UTF-8"}},
    {"truncated_utf8", "# end \xe2\x82", {"case.toml:1:7: ", "invalid UTF-8"}},
    {"nul_byte", null_byte_text(), {"case.toml:3:4: ", "NUL byte"}},
};

class ScenarioErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ScenarioErrorTest, MessageNamesFileLineAndKey) {
  const ErrorCase& c = GetParam();
  TempDir dir;
  const fs::path file = dir.write("case.toml", c.text);
  TestParams p;
  const std::string message = error_of([&] { apply_scenario(load_scenario(file), p.binder()); });
  EXPECT_EQ(message.rfind(file.string() + ":", 0), 0u) << "starts with the file: " << message;
  expect_parts(message, c.parts);
  // Nothing is written from an invalid scenario.
  EXPECT_EQ(p.rate, 0.25);
  EXPECT_EQ(p.count, 10);
}

INSTANTIATE_TEST_SUITE_P(Cases, ScenarioErrorTest, ::testing::ValuesIn(k_error_cases),
                         [](const auto& info) { return info.param.name; });

// ---- Loading ----

TEST(LoadScenarioTest, FlattensTablesAndDottedKeys) {
  const Scenario s = load_scenario_text(
      "\"econ.rate\" = 0.5\n[firms]\ncount = 3\n[policy]\nmode = \"y\"\non = false\n"
      "macro = { path = [[2016, 1], [2020, -0.5]] }\n",
      "dir/flat.toml");
  ASSERT_EQ(s.values.size(), 5u);
  EXPECT_EQ(s.values.at("econ.rate").first, ParamValue(0.5));
  EXPECT_EQ(s.values.at("firms.count").first, ParamValue(std::int64_t{3}));
  EXPECT_EQ(s.values.at("policy.mode").first, ParamValue(std::string("y")));
  EXPECT_EQ(s.values.at("policy.on").first, ParamValue(false));
  EXPECT_EQ(s.values.at("policy.macro.path").first, ParamValue(Series{{2016, 2020}, {1.0, -0.5}}));
  const SourcePos& pos = s.values.at("firms.count").second;
  EXPECT_EQ(pos.file, "dir/flat.toml");
  EXPECT_EQ(pos.line, 3);
  EXPECT_EQ(pos.column, 9);
  EXPECT_EQ(s.name, "flat");
  EXPECT_EQ(s.path, fs::path("dir/flat.toml"));
}

TEST(LoadScenarioTest, EmptyFileMeansAllDefaults) {
  TempDir dir;
  const Scenario s = load_scenario(dir.write("empty.toml", ""));
  EXPECT_TRUE(s.values.empty());
  EXPECT_TRUE(s.shocks.empty());
  TestParams p;
  apply_scenario(s, p.binder());
  EXPECT_EQ(p.rate, 0.25);
  EXPECT_EQ(p.count, 10);
  EXPECT_EQ(p.path, (Series{{2016}, {0.5}}));
}

TEST(LoadScenarioTest, AcceptsValidMultibyteUtf8) {
  const Scenario s = load_scenario_text("# café, 香港, 🚀\npolicy.mode = \"é\"\n", "utf8.toml");
  EXPECT_EQ(s.values.at("policy.mode").first, ParamValue(std::string("é")));
}

/// The message of the IoError `fn` throws (a file that cannot be read: exit 4).
template <typename Fn>
std::string io_error_of(Fn&& fn) {
  try {
    fn();
  } catch (const IoError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an IoError";
  return "";
}

// README "Exit codes": an unreadable scenario file is a file error (4), not an invalid one (3).
TEST(LoadScenarioTest, MissingFileIsAnIoErrorNamingIt) {
  TempDir dir;
  const fs::path file = dir.path() / "absent.toml";
  const std::string message = io_error_of([&] { (void)load_scenario(file); });
  expect_parts(message, {file.string(), "cannot read"});
  expect_parts(io_error_of([&] { (void)load_scenario(dir.path()); }), {"cannot read"});
}

// A FIFO must be refused without opening it for a blocking read (which would wait for a
// writer for ever), as the scenario and as an inherited file.
TEST(LoadScenarioTest, FifoIsRefusedWithoutBlocking) {
  TempDir dir;
  const fs::path fifo = dir.path() / "pipe.toml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  expect_parts(io_error_of([&] { (void)load_scenario(fifo); }),
               {fifo.string(), "not a regular file", "FIFO"});
  const fs::path child = dir.write("child.toml", "inherit = \"pipe.toml\"\n");
  expect_parts(error_of([&] { (void)load_scenario(child); }),
               {"child.toml:1:", "key 'inherit'", "not a regular file"});
}

TEST(LoadScenarioTest, RejectsTooLargeFile) {
  TempDir dir;
  std::string text;
  while (text.size() <= k_max_scenario_bytes) text += "# padding padding padding padding\n";
  const fs::path big = dir.write("big.toml", text);
  expect_parts(error_of([&] { (void)load_scenario(big); }), {"big.toml", "too large"});
  expect_parts(error_of([&] { (void)load_scenario_text(text, "mem.toml"); }),
               {"mem.toml", "too large"});
  // Exactly at the limit is fine.
  text.resize(k_max_scenario_bytes);
  text.back() = '\n';
  EXPECT_NO_THROW((void)load_scenario(dir.write("limit.toml", text)));
}

TEST(LoadScenarioTest, TooLargeInheritedFileNamesTheChild) {
  TempDir dir;
  dir.write("big.toml", std::string(k_max_scenario_bytes + 1, '\n'));
  const fs::path child = dir.write("child.toml", "inherit = \"big.toml\"\n");
  expect_parts(error_of([&] { (void)load_scenario(child); }),
               {"child.toml:1:", "'inherit'", "big.toml", "too large"});
}

TEST(LoadScenarioTest, FixtureFilesLoadAndApply) {
  const fs::path child = fs::path(NISIM_TEST_DATA) / "scenarios" / "child.toml";
  const Scenario s = load_scenario(child);
  EXPECT_EQ(s.name, "child");
  TestParams p;
  apply_scenario(s, p.binder());
  EXPECT_EQ(p.count, 250);                                     // child overrides base
  EXPECT_EQ(p.mode, "y");                                      // base only
  EXPECT_EQ(p.path, (Series{{2016, 2020}, {0.022, -0.065}}));  // base only
  EXPECT_EQ(p.rate, 0.3);                                      // child only
  EXPECT_EQ(p.scale, 2.0);                                     // default
  ASSERT_EQ(s.shocks.size(), 2u);
  EXPECT_EQ(s.shocks[0].year, 2022);
  EXPECT_EQ(s.shocks[1].year, 2025);
}

// ---- Applying ----

TEST(ApplyScenarioTest, WritesFieldsAndKeepsDefaultsForUnsetKeys) {
  TestParams p;
  apply_scenario(load_scenario_text("firms.count = 500\n[policy]\non = false\nmode = \"y\"\n"
                                    "[macro]\npath = [[2016, 0.03], [2020, -0.065]]\n",
                                    "apply.toml"),
                 p.binder());
  EXPECT_EQ(p.count, 500);
  EXPECT_FALSE(p.on);
  EXPECT_EQ(p.mode, "y");
  EXPECT_EQ(p.path, (Series{{2016, 2020}, {0.03, -0.065}}));
  EXPECT_EQ(p.rate, 0.25);
  EXPECT_EQ(p.scale, 2.0);
}

TEST(ApplyScenarioTest, IntegerIsAcceptedForReal) {
  TestParams p;
  apply_scenario(load_scenario_text("econ.rate = 1\necon.scale = -7\n", "int.toml"), p.binder());
  EXPECT_EQ(p.rate, 1.0);
  EXPECT_EQ(p.scale, -7.0);
}

TEST(ApplyScenarioTest, RangeBoundsAreInclusive) {
  TestParams p;
  apply_scenario(load_scenario_text("econ.rate = 0.0\nfirms.count = 100000\n"
                                    "macro.path = [[2016, -1.0], [2017, 1.0]]\n",
                                    "bounds.toml"),
                 p.binder());
  EXPECT_EQ(p.rate, 0.0);
  EXPECT_EQ(p.count, 100000);
  EXPECT_EQ(p.path, (Series{{2016, 2017}, {-1.0, 1.0}}));
}

// Integer bounds are compared as integers: in double precision 2^53 + 1 equals 2^53 and would
// pass a maximum of 2^53 (and a seed just above 9.2e18 passed run.seed's old 9.2e18 bound).
TEST(ApplyScenarioTest, IntegerRangeIsComparedExactly) {
  std::int64_t value = 0;
  const auto bind = [&value](double max) {
    return [&value, max](ParamBinder& b) { b.integer("run.seed", value, {"", 0.0, max, "seed"}); };
  };
  const double two53 = 9007199254740992.0;
  apply_scenario(load_scenario_text("run.seed = 9007199254740992\n", "s.toml"), bind(two53));
  EXPECT_EQ(value, 9007199254740992);
  const std::string message = error_of([&] {
    apply_scenario(load_scenario_text("run.seed = 9007199254740993\n", "s.toml"), bind(two53));
  });
  expect_parts(message, {"s.toml:1:", "'run.seed'", "9007199254740993", "out of range"});
  // A bound of 2^63 (the double nearest INT64_MAX) admits every int64, INT64_MAX included.
  apply_scenario(load_scenario_text("run.seed = 9223372036854775807\n", "s.toml"),
                 bind(9223372036854775808.0));
  EXPECT_EQ(value, std::numeric_limits<std::int64_t>::max());
  expect_parts(error_of([&] {
                 apply_scenario(load_scenario_text("run.seed = -1\n", "s.toml"),
                                bind(9223372036854775808.0));
               }),
               {"'run.seed'", "-1", "out of range"});
}

TEST(ApplyScenarioTest, FirstErrorInFileOrderIsReported) {
  // The unknown key sorts first by name but comes later in the file.
  TestParams p;
  const Scenario s =
      load_scenario_text("econ.rate = 0.5\npolicy.on = 3\naaa.bogus = 1\n", "order.toml");
  const std::string message = error_of([&] { apply_scenario(s, p.binder()); });
  expect_parts(message, {"order.toml:2:", "'policy.on'"});
  EXPECT_EQ(p.rate, 0.25);  // the valid key before it was not written either
}

TEST(ApplyScenarioTest, ShocksAreValidatedButNotApplied) {
  TestParams p;
  apply_scenario(
      load_scenario_text("[[shock]]\nyear = 2030\nset = { \"econ.rate\" = 0.9 }\n", "s.toml"),
      p.binder());
  EXPECT_EQ(p.rate, 0.25);
}

// ---- Shocks ----

TEST(ShockTest, SortedByYearThenFileOrder) {
  const Scenario s = load_scenario_text(
      "[[shock]]\nyear = 2030\nset = { \"econ.rate\" = 0.3 }\n"
      "[[shock]]\nyear = 2020\nset = { policy = { on = false, mode = \"y\" } }\n"
      "[[shock]]\nyear = 2025\nset = { \"firms.count\" = 7 }\n"
      "[[shock]]\nyear = 2020\nset = { \"econ.scale\" = 1.5 }\n",
      "shocks.toml");
  ASSERT_EQ(s.shocks.size(), 5u);
  EXPECT_EQ(s.shocks[0].year, 2020);
  EXPECT_EQ(s.shocks[0].key, "policy.on");  // keys of one set in file order (not by name)
  EXPECT_EQ(s.shocks[0].value, ParamValue(false));
  EXPECT_EQ(s.shocks[1].key, "policy.mode");
  EXPECT_EQ(s.shocks[2].year, 2020);
  EXPECT_EQ(s.shocks[2].key, "econ.scale");
  EXPECT_EQ(s.shocks[2].pos.line, 12);
  EXPECT_EQ(s.shocks[3].year, 2025);
  EXPECT_EQ(s.shocks[3].value, ParamValue(std::int64_t{7}));
  EXPECT_EQ(s.shocks[4].year, 2030);
  EXPECT_EQ(s.shocks[4].pos.file, "shocks.toml");
  EXPECT_EQ(s.shocks[4].pos.line, 3);
  EXPECT_TRUE(s.values.empty());
}

TEST(ShockTest, ParentShocksComeFirstWithinAYear) {
  TempDir dir;
  dir.write("base.toml",
            "[[shock]]\nyear = 2025\nset = { \"econ.rate\" = 0.1 }\n"
            "[[shock]]\nyear = 2030\nset = { \"econ.rate\" = 0.2 }\n");
  const fs::path child =
      dir.write("child.toml",
                "inherit = \"base.toml\"\n[[shock]]\nyear = 2025\nset = { \"econ.rate\" = 0.7 }\n"
                "[[shock]]\nyear = 2020\nset = { \"econ.rate\" = 0.6 }\n");
  const Scenario s = load_scenario(child);
  ASSERT_EQ(s.shocks.size(), 4u);
  EXPECT_EQ(s.shocks[0].value, ParamValue(0.6));
  EXPECT_EQ(s.shocks[1].value, ParamValue(0.1));  // parent's 2025 before child's 2025
  EXPECT_NE(s.shocks[1].pos.file.find("base.toml"), std::string::npos);
  EXPECT_EQ(s.shocks[2].value, ParamValue(0.7));
  EXPECT_EQ(s.shocks[3].value, ParamValue(0.2));
}

// ---- Inheritance ----

TEST(InheritTest, ChildOverridesAndParentOnlyKeysAreKept) {
  TempDir dir;
  dir.write("base.toml", "econ.rate = 0.1\n[firms]\ncount = 100\n");
  const fs::path child = dir.write("child.toml", "inherit = \"base.toml\"\n[firms]\ncount = 200\n");
  const Scenario s = load_scenario(child);
  EXPECT_EQ(s.values.at("firms.count").first, ParamValue(std::int64_t{200}));
  EXPECT_EQ(s.values.at("firms.count").second.file, child.string());
  EXPECT_EQ(s.values.at("econ.rate").first, ParamValue(0.1));
  EXPECT_NE(s.values.at("econ.rate").second.file.find("base.toml"), std::string::npos);
  EXPECT_EQ(s.values.count("inherit"), 0u);
  EXPECT_EQ(s.name, "child");
  TestParams p;
  apply_scenario(s, p.binder());
  EXPECT_EQ(p.count, 200);
  EXPECT_EQ(p.rate, 0.1);
}

TEST(InheritTest, GrandparentChainAndProvenanceText) {
  TempDir dir;
  dir.write("grand.toml", "econ.rate = 0.1\necon.scale = 3.0\nfirms.count = 1\n");
  dir.write("lib/parent.toml", "inherit = \"../grand.toml\"\necon.scale = 4.0\nfirms.count = 2\n");
  const fs::path child = dir.write("child.toml", "inherit = \"lib/parent.toml\"\nfirms.count = 3");
  const Scenario s = load_scenario(child);
  EXPECT_EQ(s.values.at("econ.rate").first, ParamValue(0.1));
  EXPECT_EQ(s.values.at("econ.scale").first, ParamValue(4.0));
  EXPECT_EQ(s.values.at("firms.count").first, ParamValue(std::int64_t{3}));
  const auto grand = s.text.find("# ---- " + (dir.path() / "grand.toml").string() + " ----\n");
  const auto parent =
      s.text.find("# ---- " + (dir.path() / "lib" / "parent.toml").string() + " ----\n");
  const auto own = s.text.find("# ---- " + child.string() + " ----\n");
  ASSERT_NE(grand, std::string::npos) << s.text;
  ASSERT_NE(parent, std::string::npos) << s.text;
  ASSERT_NE(own, std::string::npos) << s.text;
  EXPECT_LT(grand, parent);
  EXPECT_LT(parent, own);
  EXPECT_NE(s.text.find("econ.scale = 4.0\n"), std::string::npos);
  EXPECT_EQ(s.text.substr(s.text.size() - 16), "firms.count = 3\n");  // newline added
}

TEST(InheritTest, MemoryTextResolvesRelativeToItsPath) {
  TempDir dir;
  dir.write("base.toml", "econ.rate = 0.4\n");
  const Scenario s = load_scenario_text("inherit = \"base.toml\"\n", dir.path() / "virtual.toml");
  EXPECT_EQ(s.values.at("econ.rate").first, ParamValue(0.4));
  EXPECT_EQ(s.name, "virtual");
}

TEST(InheritTest, CycleListsTheChain) {
  TempDir dir;
  const fs::path a = dir.write("a.toml", "inherit = \"b.toml\"\n");
  dir.write("b.toml", "econ.rate = 0.5\ninherit = \"a.toml\"\n");
  const std::string message = error_of([&] { (void)load_scenario(a); });
  expect_parts(message, {"b.toml:2:", "key 'inherit'", "inheritance cycle"});
  const std::string chain = a.string() + " -> " + (dir.path() / "b.toml").string() + " -> ";
  expect_parts(message, {chain + (dir.path() / "a.toml").string()});
}

TEST(InheritTest, DepthLimit) {
  TempDir dir;
  // file i inherits file i + 1: 17 files are 16 levels of inheritance, the most allowed.
  const auto chain = [&](int files) {
    for (int i = 0; i < files; ++i) {
      const std::string next =
          i + 1 < files ? "inherit = \"f" + std::to_string(i + 1) + ".toml\"\n" : "";
      dir.write("f" + std::to_string(i) + ".toml", next + "econ.rate = 0.5\n");
    }
    return dir.path() / "f0.toml";
  };
  EXPECT_NO_THROW((void)load_scenario(chain(k_max_inherit_depth + 1)));
  const fs::path top = chain(k_max_inherit_depth + 2);
  expect_parts(error_of([&] { (void)load_scenario(top); }),
               {"f16.toml:1:", "key 'inherit'", "deeper than 16"});
}

}  // namespace
}  // namespace nisim
