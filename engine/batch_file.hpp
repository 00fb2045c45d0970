#pragma once
// Batch files (TOML): which scenarios to run, how many replications, the master seed. Format
// and examples: docs/batches.md. Errors are ScenarioErrors naming file, line and key.
//
//   [batch]
//   replications = 200        # runs per scenario (common random numbers across scenarios)
//   seed = 12345              # master seed: replication r uses derive_seed(seed, r)
//   base = "baseline"         # scenario that paired differences are taken against
//
//   [[scenario]]
//   file = "../scenarios/baseline.toml"   # relative to this batch file
//   name = "baseline"                     # optional: defaults to the file's stem
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/scenario.hpp"

namespace nisim {

/// One scenario of a batch.
struct BatchScenario {
  std::string name;            ///< group name in the output (letters, digits, '_' and '-')
  std::filesystem::path file;  ///< resolved path of the scenario file
  SourcePos pos;               ///< where the batch file names it
};

/// A loaded batch file.
struct Batch {
  std::filesystem::path path;     ///< the batch file
  std::string text;               ///< its text (stored in the output for provenance)
  std::int64_t replications = 1;  ///< runs per scenario
  std::uint64_t seed = 1;         ///< master seed
  std::string base;               ///< base scenario of paired differences
  std::vector<BatchScenario> scenarios;
};

/// Most replications a batch may ask for.
inline constexpr std::int64_t k_max_replications = 10'000'000;

/// Read and check a batch file (structure, types, ranges, unique names, base, files exist).
/// The scenarios themselves are loaded and validated by the caller.
Batch load_batch(const std::filesystem::path& path);

}  // namespace nisim
