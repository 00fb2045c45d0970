#pragma once
// Goal seeking, "what would it take": the cheapest values of chosen levers (scheme terms,
// costs, ...) for which the manufacturing share reaches the target in the target year with at
// least the required probability across replications. Each evaluation runs one ensemble with
// common random numbers (the same seeds at every evaluation, so the objective is a
// deterministic function of the levers); NLopt's COBYLA minimises the public money spent
// subject to the probability constraint. Method and caveats: docs/batches.md.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <vector>

#include "engine/batch_file.hpp"

namespace nisim::hk {

/// One ensemble evaluation of the levers.
struct TargetEvaluation {
  std::vector<double> levers;  ///< lever values (integer levers rounded)
  double public_cost = 0.0;    ///< mean over replications of public money paid or committed, HK$ M
  double probability = 0.0;    ///< share of replications reaching the target
  double smoothed = 0.0;       ///< smoothed probability the optimiser sees (docs/batches.md)
  double share_mean = 0.0;     ///< mean share in the target year, percent
};

struct TargetResult {
  std::vector<TargetEvaluation> evaluations;  ///< in evaluation order
  bool feasible = false;                      ///< some evaluation reached the required probability
  std::size_t best = 0;  ///< cheapest feasible evaluation, else the most probable one
};

struct TargetOptions {
  int threads = 0;     ///< threads for the ensemble runs (one run per thread)
  bool force = false;  ///< overwrite an existing output file
  std::function<void(const TargetEvaluation&, std::size_t)> progress;  ///< after each evaluation
};

/// Smoothing bandwidth of the probability, percentage points of share: the optimiser sees
/// mean over replications of Phi((share - target) / h) instead of the 0/1 indicator.
inline constexpr double k_target_bandwidth = 0.05;

/// Seek the cheapest levers reaching batch.target (batch.has_target) and write every
/// evaluation to `out` atomically. Validation errors come before any run.
TargetResult seek_target(const Batch& batch, const std::filesystem::path& out,
                         const TargetOptions& options);

}  // namespace nisim::hk
