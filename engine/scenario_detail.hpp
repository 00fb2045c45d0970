#pragma once
// Internal to the scenario sources (scenario_load.cpp, scenario_check.cpp): the value-and-position
// pair they pass around and the pieces of their error messages. Not part of the engine's API.
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "engine/error.hpp"
#include "engine/scenario.hpp"

namespace nisim::detail {

using Entry = std::pair<ParamValue, SourcePos>;

/// "FILE:LINE:COLUMN: ", the start of every scenario error message.
inline std::string where(const SourcePos& pos) {
  return (pos.file.empty() ? std::string("<input>") : pos.file) + ":" + std::to_string(pos.line) +
         ":" + std::to_string(pos.column) + ": ";
}

[[noreturn]] inline void fail(const SourcePos& pos, const std::string& what) {
  throw ScenarioError(where(pos) + what);
}

inline std::string quoted_key(std::string_view key) {
  return "key '" + std::string(key) + "'";
}

/// A number in messages: its TOML form without a trailing ".0" ("0.25", "1", "100000", "inf").
inline std::string format_number(double value) {
  std::string text = to_toml(value);
  if (text.ends_with(".0")) text.resize(text.size() - 2);
  return text;
}

/// Throws a ScenarioError naming file, line and key if `text` nests deeper than
/// k_max_nesting_depth (engine/toml_nesting.cpp); runs on any text, valid TOML or not.
void check_nesting(std::string_view text, const std::string& file);

inline bool earlier(const SourcePos& a, const SourcePos& b) {
  return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
}

}  // namespace nisim::detail
