#pragma once
// Scenario batches: every scenario of a batch file run for R replications in parallel, with
// common random numbers (replication r of every scenario uses seed derive_seed(master, r)),
// streamed row by row into one HDF5 file, then summarised: ensemble mean and percentiles per
// year, the probability of reaching the targets, and paired differences against the base
// scenario. Layout: docs/output.md ("Batch files"); usage: docs/batches.md.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "analysis/batch_auto.hpp"
#include "engine/batch_file.hpp"

namespace nisim::hk {

struct BatchOptions {
  int threads = 0;     ///< worker threads for the whole batch (0 = all cores); one run per thread
  bool force = false;  ///< overwrite an existing output file (and discard a journal)
  /// Finish an interrupted batch: replay the runs its journal (OUT.h5.journal) holds and run
  /// only the missing ones. Without it, an existing journal is an IoError.
  bool resume = false;
  /// Told, before any run starts, what a resumed batch still has to run (one line).
  std::function<void(const std::string&)> note;
  /// Called (under a lock, in completion order) after each finished run: (done, total).
  std::function<void(std::size_t, std::size_t)> progress;
};

struct BatchSummary {
  std::size_t runs = 0;     ///< runs computed by this process now
  std::size_t resumed = 0;  ///< runs replayed from the journal of an interrupted batch
  std::vector<std::size_t> runs_by_rank;  ///< runs computed by each MPI rank (rank 0 only)
  double seconds = 0.0;                   ///< wall time of the runs (not of the summaries)
  /// Per scenario, in batch order: probability that the share reaches 5% by 2032.
  std::vector<std::pair<std::string, double>> p_share_target;
  /// With parameter draws ([parameters]): what was drawn, and the variance split of the 2032
  /// share per scenario and of the paired effect per non-base scenario (empty without draws).
  struct Variance {
    std::string what;  ///< "baseline" or "no_new_policy - baseline"
    double parameters = 0.0, draws = 0.0, total = 0.0;
  };
  std::string draws_note;  ///< "K parameter draws from FIT (m replications each); not drawn: ..."
  std::vector<Variance> variance_2032;
  AutoOutcome auto_reps;  ///< replications = "auto": how it stopped (replications 0 otherwise)
  /// A [cross]: the mean paired difference of its output in its year per non-base scenario and
  /// design point, with its 95% interval (empty for other batches).
  struct CrossEffect {
    std::string scenario;  ///< "no_new_policy"
    std::string point;     ///< "knowledge.elasticity=0.05 schemes.nifs.cap=15"
    double mean = 0.0, low = 0.0, high = 0.0;
  };
  std::vector<CrossEffect> cross_effects;
};

/// Percentiles stored for every summarised variable.
inline constexpr int k_percentiles[] = {5, 25, 50, 75, 95};

/// Run a batch file and write `out` atomically. Every scenario is loaded and validated first:
/// an invalid one stops the batch before anything runs or any file is created. Each finished
/// run is recorded in the journal OUT.h5.journal (engine/journal.hpp), removed once `out` is
/// committed. Under MPI (engine/jobs.hpp) every rank calls this; rank 0 writes, the others
/// compute and return their own run count.
BatchSummary run_batch(const Batch& batch, const std::filesystem::path& out,
                       const BatchOptions& options);

/// Types of the varied keys (sweeps, goal seeking); ScenarioError naming the key's line if a key
/// is unknown (with a suggestion) or not real/integer.
std::vector<ParamType> swept_types(const std::vector<SweepParam>& params);

/// `base` with params[j].key set to values[j] (integer keys rounded, in `values` too), each
/// value positioned at its parameter's line so range errors point there.
Scenario with_values(const Scenario& base, const std::vector<SweepParam>& params,
                     const std::vector<ParamType>& types, std::vector<double>& values);

/// The scenario `file` with the command-line overrides applied: the base of a sweep or target.
/// ScenarioError naming the override if it sets a key the design varies.
Scenario overridden_base(const std::filesystem::path& file, const std::vector<Override>& overrides,
                         const std::vector<SweepParam>& varied);

/// Quantile q in [0, 1] of `values` by linear interpolation between order statistics (numpy's
/// default, Hyndman-Fan type 7), ignoring NaN. NaN if no finite value. Reorders `values`.
double quantile(std::vector<double>& values, double q);

}  // namespace nisim::hk
