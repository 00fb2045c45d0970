#pragma once
// Observed-data files (data/*.csv, data/README.md) as a calibration reads them: every row with
// a numeric value and a named source, else a ScenarioError naming the file, line and column
// (docs/calibration.md, "Bad input").
#include <filesystem>
#include <string>
#include <vector>

namespace nisim::hk {

/// One row of a data file.
struct Observation {
  std::string series, unit, period, sector, flag, source;
  int year = 0;
  double value = 0.0;
  int line = 0;  ///< 1-based line in the file
};

/// A data file: its rows and its SHA-256 (provenance).
struct ObservedData {
  std::filesystem::path path;
  std::string sha256;
  std::vector<Observation> rows;
};

/// Read and check a data file: the header data/README.md names (series, unit, year, period,
/// sector, value, flag, source, ...), a numeric finite value, an integer year and a non-empty
/// source on every row. A file that cannot be read is an IoError.
ObservedData load_observed_data(const std::filesystem::path& path);

/// Parse data-file text (for tests); `path` names the file in error messages.
ObservedData parse_observed_data(const std::string& text, const std::filesystem::path& path);

}  // namespace nisim::hk
