#pragma once
// Shared fixtures for the model tests.
#include <filesystem>
#include <string>

#include "engine/scenario.hpp"

namespace nisim::hk::test {

/// The small test scenario (2,000 firms, 2016-2022), from tests/data/scenarios.
inline Scenario small_scenario() {
  return load_scenario(std::filesystem::path(NISIM_TEST_DATA) / "scenarios" / "small.toml");
}

/// A scenario from text, resolved relative to tests/data/scenarios (so it may inherit small).
inline Scenario scenario_text(const std::string& text) {
  return load_scenario_text(text,
                            std::filesystem::path(NISIM_TEST_DATA) / "scenarios" / "inline.toml");
}

}  // namespace nisim::hk::test
