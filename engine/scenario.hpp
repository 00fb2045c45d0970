#pragma once
// Scenario files (TOML): loading, inheritance, validation against a model's parameters, and
// shocks. Reference for users: docs/scenarios.md.
//
// File format:
//   inherit = "baseline.toml"        # optional: path relative to this file; this file overrides
//   [firms]                          # tables nest keys: this is key "firms.count"
//   count = 9000
//   [macro]
//   real_growth = [[2016, 0.022], [2020, -0.065]]   # a Series: [year, value] pairs
//   [[shock]]                        # optional, repeated: from `year` on, set keys to values
//   year = 2025
//   set = { "firms.exit_hazard_mature" = 0.08 }
//
// Every error is a ScenarioError whose message starts "FILE:LINE:COLUMN: " and names the key;
// an unknown key suggests the nearest valid one. Nothing runs on an invalid scenario.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/params.hpp"

namespace nisim {

/// Where a value was written: file and 1-based line and column.
struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;
};

/// From `year` on, parameter `key` takes `value` (applied at the step's shock point).
struct Shock {
  int year = 0;
  std::string key;
  ParamValue value;
  SourcePos pos;
};

/// A loaded, merged scenario: the raw values it sets (after inheritance), before they are bound.
struct Scenario {
  std::filesystem::path path;  ///< the file given by the user
  std::string name;            ///< its file stem ("baseline")
  /// Text of every file in the inheritance chain, base first, each preceded by a line
  /// "# ---- FILE ----": stored in output files for provenance.
  std::string text;
  /// Key -> value set by the chain (child overrides parent), with where it was set.
  std::map<std::string, std::pair<ParamValue, SourcePos>> values;
  std::vector<Shock> shocks;  ///< sorted by year, then by position in the files
  /// Every file read: the scenario first, then each inherited file (an output must not be
  /// one of them: engine/file_guard.hpp check_not_input).
  std::vector<std::filesystem::path> files;
};

/// Limits on what a scenario file may be (hostile input guard).
inline constexpr std::uintmax_t k_max_scenario_bytes = 1 << 20;  ///< 1 MiB per file
inline constexpr int k_max_inherit_depth = 16;
/// Levels of nesting: each table header part, dotted key part, array and inline table is one
/// (`[a.b]` then `c.d = [[1]]` is 6). Checked on the text before TOML parsing (docs/scenarios.md).
inline constexpr int k_max_nesting_depth = 64;

/// Read and merge a scenario file and its inheritance chain. Checks syntax, UTF-8, size,
/// inheritance (missing file, cycle, depth) and shock structure, not parameter keys.
/// A scenario file that cannot be read (missing, not a regular file) is an IoError (exit 4);
/// an inherited one a ScenarioError naming the `inherit` line (exit 3).
Scenario load_scenario(const std::filesystem::path& path);

/// Parse scenario text held in memory (for tests and fuzzing); `inherit` resolves relative to
/// `path`'s directory.
Scenario load_scenario_text(const std::string& text, const std::filesystem::path& path);

/// Read a TOML input file (scenario or batch) with the same guards as scenarios: size limit,
/// NUL bytes, invalid UTF-8 and nesting deeper than k_max_nesting_depth are ScenarioErrors
/// naming the file (and line); a file that cannot be read (missing, not a regular file) is an
/// IoError.
std::string read_input_text(const std::filesystem::path& path);

/// Write the scenario's values (and defaults for the rest) into the fields `bind` describes.
/// Throws ScenarioError on an unknown key (with a suggestion), a wrong type, a value out of range
/// or not finite, a non-increasing series, and the same for every shock's key and value.
void apply_scenario(const Scenario& scenario, const BindFn& bind);

/// Set one parameter by key (used for shocks at run time and sweeps). Throws ScenarioError
/// naming `pos` on an unknown key, wrong type or bad value.
void set_param(const BindFn& bind, const std::string& key, const ParamValue& value,
               const SourcePos& pos);

/// The valid key nearest to `key` by edit distance, or "" if none is close.
std::string nearest_key(const std::vector<ParamSpec>& schema, const std::string& key);

/// " (did you mean 'K'?)" with K = nearest_key(schema, key), or "" if no key is close: the tail
/// of every unknown-key message.
std::string did_you_mean(const std::vector<ParamSpec>& schema, const std::string& key);

/// The spec of `key` in `schema`, or nullptr if there is none.
const ParamSpec* find_spec(const std::vector<ParamSpec>& schema, const std::string& key);

}  // namespace nisim
