// The nesting limit of TOML input (engine/toml_nesting.cpp; docs/scenarios.md, "Limits"):
// scenario and batch text nested deeper than k_max_nesting_depth is a ScenarioError naming file,
// line and key, raised before toml++ parses it (15,000 levels used to overflow the stack).
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/batch_file.hpp"
#include "engine/error.hpp"
#include "engine/scenario.hpp"

namespace nisim {
namespace {

namespace fs = std::filesystem;

constexpr int k_deep = 15'000;  // the depth that crashed: about 30-40 KB of text

std::string repeat(const std::string& part, int n, const std::string& separator) {
  std::string out;
  for (int k = 0; k < n; ++k) out += (k > 0 ? separator : "") + part;
  return out;
}

std::string dotted(int parts) {
  return repeat("a", parts, ".");
}

/// The ScenarioError message of loading `text` as scenario file `name`, or "" if it loads.
std::string error_of(const std::string& text, const std::string& name = "deep.toml") {
  try {
    (void)load_scenario_text(text, name);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

void expect_too_deep(const std::string& message, const std::string& where, const std::string& key) {
  EXPECT_NE(message.find(where), std::string::npos) << message;
  EXPECT_NE(message.find("key '" + key), std::string::npos) << message;
  EXPECT_NE(message.find("nested deeper than 64 levels"), std::string::npos) << message;
}

TEST(TomlNestingTest, DeepDottedKeyIsRefusedNamingFileLineAndKey) {
  expect_too_deep(error_of("# deep\n" + dotted(k_deep) + " = 1\n"), "deep.toml:2:1: ", "a.a.a");
}

TEST(TomlNestingTest, DeepTableHeaderIsRefused) {
  expect_too_deep(error_of("[" + dotted(k_deep) + "]\nx = 1\n"), "deep.toml:1:2: ", "a.a.a");
  expect_too_deep(error_of("x = 1\n[[" + dotted(k_deep) + "]]\n"), "deep.toml:2:3: ", "a.a.a");
}

TEST(TomlNestingTest, DeepKeysInsideInlineTablesAndShocksAreRefused) {
  expect_too_deep(error_of("a = {" + dotted(k_deep) + " = 1}\n"), "deep.toml:1:6: ", "a.a.a");
  expect_too_deep(
      error_of("a = " + repeat("{b = ", k_deep, "") + "1" + std::string(k_deep, '}') + "\n"),
      "deep.toml:1:", "b");
  expect_too_deep(error_of("[[shock]]\nyear = 2030\nset = {" + dotted(k_deep) + " = 1}\n"),
                  "deep.toml:3:8: ", "a.a.a");
}

TEST(TomlNestingTest, DeepArrayIsRefused) {
  expect_too_deep(
      error_of("arr = " + std::string(k_deep, '[') + "1" + std::string(k_deep, ']') + "\n"),
      "deep.toml:1:1: ", "arr");
}

TEST(TomlNestingTest, LimitIsExactlySixtyFourLevels) {
  // load_scenario_text does not check keys against a model, so a 64-level key loads.
  EXPECT_EQ(error_of(dotted(64) + " = 1\n"), "");
  expect_too_deep(error_of(dotted(65) + " = 1\n"), "deep.toml:1:1: ", "a.a");
  // [header] parts + key parts + arrays: 61 + 1 + 2 = 64 levels, then 65.
  const std::string header = "[" + dotted(61) + "]\n";
  EXPECT_EQ(error_of(header + "k = [[2016, 2]]\n"), "");
  expect_too_deep(error_of(header + "k = [[[1, 2]]]\n"), "deep.toml:2:1: ", "k");
  // An array of tables is one level more than its key.
  EXPECT_EQ(error_of("[[" + dotted(63) + "]]\n").find("nested deeper"), std::string::npos);
  expect_too_deep(error_of("[[" + dotted(64) + "]]\n"), "deep.toml:1:3: ", "a.a");
}

TEST(TomlNestingTest, BracketsDotsAndBracesInStringsAndCommentsDoNotCount) {
  const std::string brackets(200, '[');
  const std::vector<std::string> texts = {
      "s = \"" + brackets + "\"\n",
      "s = '" + brackets + "'\n",
      "s = \"\"\"\n" + brackets + "\n\\\"\"\" {{{\"\"\"\n",
      "s = '''\n" + brackets + "\n'''\n",
      "s = \"\"\"x\"\"\"\"\n",  // x" then the closing quotes
      "# " + brackets + "\ns = 1\n",
      "\"" + dotted(200) + "\" = 1\n",  // one quoted key part
      "s = \"a\\\"" + brackets + "\"\n",
  };
  for (const std::string& text : texts) {
    EXPECT_EQ(error_of(text).find("nested deeper"), std::string::npos) << text;
  }
}

TEST(TomlNestingTest, UnterminatedStringDoesNotHideDeepKeysOnLaterLines) {
  expect_too_deep(error_of("s = \"open\n" + dotted(k_deep) + " = 1\n"), "deep.toml:2:1: ", "a.a.a");
  expect_too_deep(error_of("s = 'open\n[" + dotted(k_deep) + "]\n"), "deep.toml:2:2: ", "a.a.a");
}

TEST(TomlNestingTest, DeepBatchFileIsRefused) {
  const fs::path dir =
      fs::temp_directory_path() / ("nisim_toml_nesting_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "deep_batch.toml";
  for (const std::string& text : {"[" + repeat("batch", k_deep, ".") + "]\n",
                                  "[batch]\nreplications = 2\n" + dotted(k_deep) + " = 1\n"}) {
    std::ofstream(file, std::ios::binary) << text;
    try {
      (void)load_batch(file);
      ADD_FAILURE() << "a deep batch file loaded";
    } catch (const ScenarioError& e) {
      EXPECT_NE(std::string(e.what()).find(file.string() + ":"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("nested deeper than 64 levels"), std::string::npos)
          << e.what();
    }
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace nisim
