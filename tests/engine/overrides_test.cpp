// Command-line overrides (engine/overrides.hpp; docs/batches.md "Overrides"): the value is read
// as TOML (or text), applied over the file's value, validated like a file value, and a bad
// argument or value names the key and the --set it came from.
#include "engine/overrides.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/error.hpp"
#include "test_params.hpp"

namespace nisim {
namespace {

/// The exit code and message of parsing `args`, or {ok, ""}.
std::pair<ExitCode, std::string> parse_error(const std::vector<std::string>& args) {
  try {
    parse_overrides(args);
  } catch (const Error& e) {
    return {e.code(), e.what()};
  }
  return {ExitCode::ok, ""};
}

/// The message of applying `args` over `scenario_text` to TestParams, or "" if it applies.
std::string apply_error(const std::string& scenario_text, const std::vector<std::string>& args) {
  Scenario s = load_scenario_text(scenario_text, "s.toml");
  apply_overrides(s, parse_overrides(args));
  test::TestParams p;
  try {
    apply_scenario(s, p.binder());
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

TEST(Overrides, ValuesAreReadAsToml) {
  const auto o = parse_overrides({"firms.count=42", "econ.rate=0.5", "policy.on=false",
                                  "macro.path=[[2016, 0.1], [2020, 0.2]]", "policy.mode=\"y\""});
  ASSERT_EQ(o.size(), 5U);
  EXPECT_EQ(std::get<std::int64_t>(o[0].value), 42);
  EXPECT_EQ(std::get<double>(o[1].value), 0.5);
  EXPECT_EQ(std::get<bool>(o[2].value), false);
  EXPECT_EQ(std::get<Series>(o[3].value), (Series{{2016, 2020}, {0.1, 0.2}}));
  EXPECT_EQ(std::get<std::string>(o[4].value), "y");
  // Positions: file "--set", line N for the Nth --set, the value's column in the argument.
  EXPECT_EQ(o[1].pos.file, "--set");
  EXPECT_EQ(o[1].pos.line, 2);
  EXPECT_EQ(o[1].pos.column, 11);
  EXPECT_EQ(o[1].text, "econ.rate=0.5");
}

TEST(Overrides, ANonTomlValueIsText) {
  const auto o = parse_overrides({"policy.mode=y", "econ.rate=1.2.3"});
  EXPECT_EQ(std::get<std::string>(o[0].value), "y");
  EXPECT_EQ(std::get<std::string>(o[1].value), "1.2.3");
  EXPECT_EQ(o[0].pos.column, 13);
}

TEST(Overrides, MalformedArgumentsAreUsageErrors) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"firms.count"},
                                               {"=3"},
                                               {"firms..count=3"},
                                               {"firms count=3"},
                                               {"firms.count="},
                                               {"inherit=\"x.toml\""},
                                               {"shock.year=2020"},
                                               {"firms.count=3", "firms.count=4"},
                                               {"econ.rate=1\nfirms.count=3"}}) {
    const auto [code, message] = parse_error(args);
    EXPECT_EQ(code, ExitCode::usage) << args.back();
    EXPECT_NE(message.find("--set"), std::string::npos) << message;
  }
  // The argument and its rank are named.
  EXPECT_NE(parse_error({"econ.rate=0.1", "firms.count"}).second.find("--set number 2"),
            std::string::npos);
}

TEST(Overrides, ReplaceTheFileValueAndAreRecordedInTheText) {
  Scenario s = load_scenario_text("[firms]\ncount = 7\n[econ]\nrate = 0.3\n", "s.toml");
  apply_overrides(s, parse_overrides({"firms.count=99"}));
  test::TestParams p;
  apply_scenario(s, p.binder());
  EXPECT_EQ(p.count, 99);
  EXPECT_EQ(p.rate, 0.3);  // keys not overridden keep the file's value
  EXPECT_NE(s.text.find("# ---- --set ----\nfirms.count=99\n"), std::string::npos) << s.text;
  EXPECT_NE(s.text.find("count = 7"), std::string::npos);  // the file's text is kept
}

TEST(Overrides, AreValidatedLikeFileValues) {
  EXPECT_EQ(apply_error("", {"econ.rate=0.75"}), "");
  const std::string range = apply_error("", {"econ.rate=0.5", "econ.rate2=3"});
  EXPECT_EQ(range.rfind("--set:2:12: unknown key 'econ.rate2' (did you mean 'econ.rate'?)", 0), 0U)
      << range;
  const std::string bad = apply_error("", {"econ.rate=1.5"});
  EXPECT_EQ(bad.rfind("--set:1:11: key 'econ.rate': value 1.5 is out of range", 0), 0U) << bad;
  const std::string type = apply_error("", {"firms.count=abc"});
  EXPECT_EQ(type.rfind("--set:1:13: key 'firms.count': wrong type: got text \"abc\"", 0), 0U)
      << type;
  const std::string choice = apply_error("", {"policy.mode=z"});
  EXPECT_NE(choice.find("key 'policy.mode'"), std::string::npos) << choice;
}

TEST(Overrides, NoneLeaveTheScenarioUnchanged) {
  Scenario s = load_scenario_text("[firms]\ncount = 7\n", "s.toml");
  const Scenario before = s;
  apply_overrides(s, {});
  EXPECT_EQ(s.text, before.text);
  EXPECT_EQ(s.values.size(), before.values.size());
  EXPECT_EQ(overrides_text({}), "");
}

}  // namespace
}  // namespace nisim
