#pragma once
// Command-line overrides (`--set key=value`, docs/batches.md "Overrides"): a scenario parameter
// set after the scenario file is read, through the same validation as a value in the file.
//
// The value is TOML (`--set firms.count=9000`, `--set macro.real_growth=[[2016,0.02]]`,
// `--set schemes.mode="auto"`); a value that is not TOML is taken as text, so
// `--set schemes.mode=auto` also works. Errors about an override name it as a position
// `--set:N:COLUMN`, N the Nth `--set` on the command line and COLUMN the column in its argument.
#include <string>
#include <vector>

#include "engine/scenario.hpp"

namespace nisim {

/// One `--set key=value`: the key, its value read as TOML, and where it was given.
struct Override {
  std::string key;
  ParamValue value;
  SourcePos pos;     ///< file "--set", line N (the Nth --set), column in the argument
  std::string text;  ///< the argument as given, "key=value"
};

/// Parse the arguments of every `--set`, in command-line order. A malformed argument (no '=',
/// an empty or invalid key, a value that sets more than one key, the same key twice) is a
/// usage error (exit 2). The key is checked against a model's parameters only when the
/// override is applied (apply_scenario): an unknown key or bad value is a ScenarioError (exit 3).
std::vector<Override> parse_overrides(const std::vector<std::string>& args);

/// `scenario` with every override set (replacing the file's value) and recorded at the end of
/// its text (a section "# ---- --set ----"), so the output's `scenario_text` and a batch
/// journal's fingerprint cover the overrides. Shocks of the scenario are kept: a shock on an
/// overridden key still takes effect from its year.
void apply_overrides(Scenario& scenario, const std::vector<Override>& overrides);

/// The overrides as text, one "key=value" per line ("" when there are none).
std::string overrides_text(const std::vector<Override>& overrides);

}  // namespace nisim
