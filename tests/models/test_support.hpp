#pragma once
// Shared fixtures for the model tests.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "engine/error.hpp"
#include "engine/hdf5.hpp"
#include "engine/rng.hpp"
#include "engine/scenario.hpp"
#include "models/model.hpp"
#include "models/params.hpp"

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

/// The ScenarioError message that reading the parameters of `text` (which inherits small.toml)
/// gives, or "" if they are valid.
inline std::string params_error(const std::string& text) {
  try {
    params_from(scenario_text("inherit = \"small.toml\"\n" + text));
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

/// A fixture with a fresh temporary directory per test, removed afterwards.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("nisim_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
            std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  /// Write `text` to dir_/name and return the path.
  std::filesystem::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }
  /// The scenario pair the batch tests compare: with.toml (tests/data/scenarios/small.toml) and
  /// without.toml (the same with NIFS off).
  void write_nifs_pair() {
    const std::filesystem::path small =
        std::filesystem::path(NISIM_TEST_DATA) / "scenarios" / "small.toml";
    write("with.toml", "inherit = \"" + small.string() + "\"\n");
    write("without.toml",
          "inherit = \"" + small.string() + "\"\n[schemes.nifs]\nenabled = false\n");
  }
  std::filesystem::path dir_;
};

/// Row r of a batch group's per-run series `name` ([replication, year], `years` columns).
inline std::vector<double> replication_row(const h5::Location& group, const std::string& name,
                                           std::size_t r, std::size_t years) {
  const std::vector<double> rows = h5::read_double(group, name);
  return {rows.begin() + static_cast<long>(r * years),
          rows.begin() + static_cast<long>((r + 1) * years)};
}

/// The single run a batch makes as replication r of `scenario`: seed derive_seed(master, r).
inline History replication_run(const Scenario& scenario, std::uint64_t master, std::size_t r) {
  RunOptions o;
  o.seed = derive_seed(master, r);
  o.threads = 1;
  return run(scenario, o).history;
}

}  // namespace nisim::hk::test
