// libFuzzer target: scenario parsing and parameter binding on arbitrary bytes.
// Build and run: tools/ci_checks.sh (preset "fuzz"; seeds: tests/data/bad_scenarios, scenarios).
// nisim::Error (a clear message for the user) is the expected outcome of bad input; any other
// exception, a crash or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "engine/error.hpp"
#include "engine/scenario.hpp"
#include "models/params.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A path in a directory that does not exist: relative `inherit`s fail cleanly.
  static const std::filesystem::path fake_path = "/nonexistent/nisim-fuzz/fuzz.toml";
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const nisim::Scenario scenario = nisim::load_scenario_text(text, fake_path);
    (void)nisim::hk::params_from(scenario);
  } catch (const nisim::Error&) {
    // expected: the input was refused with a message
  }
  return 0;
}
