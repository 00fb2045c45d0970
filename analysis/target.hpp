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
  /// Mean over replications of the public money paid or committed by every scheme, HK$ M.
  double public_cost = 0.0;
  double probability = 0.0;  ///< share of replications reaching the target
  double smoothed = 0.0;     ///< smoothed probability the optimiser sees (docs/batches.md)
  double share_mean = 0.0;   ///< mean share in the target year, percent
};

/// What a search that did not reach the target explored (docs/batches.md "The frontier"):
/// each lever profiled from its min to its max with the other levers at their max (the most
/// generous corner), and the highest mean share seen in any evaluation.
struct TargetFrontier {
  /// [lever][point]: k_frontier_points evaluations, lever values from min to max.
  std::vector<std::vector<TargetEvaluation>> profiles;
  TargetEvaluation highest;  ///< the evaluation (search or profile) with the highest mean share
};

struct TargetResult {
  std::vector<TargetEvaluation> evaluations;  ///< in evaluation order
  bool feasible = false;                      ///< some evaluation reached the required probability
  std::size_t best = 0;       ///< cheapest feasible evaluation, else the most probable one
  bool has_frontier = false;  ///< not feasible: the frontier below was explored
  TargetFrontier frontier;
};

/// Points of each lever's profile when the target is not reached (min to max, evenly spaced).
inline constexpr std::size_t k_frontier_points = 5;

/// What the public cost counts, stored in the output and printed with the answer.
inline constexpr const char* k_target_cost_scope =
    "public money of every scheme (spent + committed by the horizon), not only the levers' "
    "schemes";

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
