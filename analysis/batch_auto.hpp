#pragma once
// replications = "auto" (docs/batches.md, "Replications until the effect is precise"): a batch
// of [[scenario]]s runs its replications in rounds and stops once the 95% interval of every
// non-base scenario's paired difference of mfg_share in the auto year is at most ci_width wide
// (or max_replications is reached). Job k is replication k / S of scenario k % S, as in a fixed
// batch, and replication r keeps its seed derive_seed(master, r) whatever the final count, so
// an auto batch that stops at R writes bitwise the file of a fixed batch of R replications
// (apart from the attributes describing the stop). The rounds' runs are kept in memory and
// written once, by run_batch (analysis/batch.cpp), like runs replayed from a journal.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/batch_record.hpp"
#include "engine/batch_file.hpp"
#include "engine/hdf5.hpp"
#include "engine/jobs.hpp"

namespace nisim::hk {

/// How an auto batch stopped.
struct AutoOutcome {
  std::int64_t replications = 0;     ///< final R (0: not an auto batch)
  std::vector<std::int64_t> rounds;  ///< R after each round
  /// Per non-base scenario, in batch order: the full 95% interval width at the final R (pp).
  std::vector<std::pair<std::string, double>> widths;
  bool max_hit = false;  ///< stopped at max_replications with an interval still wider
};

/// Full width (high - low) of the 95% Student-t interval of the mean of `d` (the interval
/// run_batch writes as mfg_share_diff_ci_low/high); NaN for fewer than 2 values.
double paired_ci_width(const std::vector<double>& d);

/// The R of the next round after a round of `r` replications whose widest interval is `width`:
/// the R that width ~ 1 / sqrt(R) says is needed, ceil(r (width / ci_width)^2), but at least
/// r + 1 and at most 2 r (a variance estimated from few runs may be far off), and at most max.
std::int64_t next_replications(std::int64_t r, double width, const AutoReplications& a);

/// Where mfg_share in the auto year sits in a run's record (variables, T values each). A
/// ScenarioError at auto_year's line if the year is not simulated (base_year, horizon].
std::size_t auto_share_index(const Batch& batch, const std::vector<BatchVariable>& variables,
                             std::int64_t base_year, std::int64_t horizon);

/// Run the rounds: jobs [S R_prev, S R) of each round through run_jobs on `arena`, every record
/// passed to `check` and kept in `kept` (indexed by job), until the stopping rule holds.
/// `names` are the scenarios in batch order, `base` the base's index. A usage error (exit 2)
/// under MPI with more than one rank (the rounds' stopping decision is made on rank 0 alone).
/// `note` (may be empty) is told each round's result; `progress` (may be empty) gets
/// (runs done, runs of the rounds so far).
AutoOutcome run_auto_rounds(const Batch& batch, const std::vector<std::string>& names,
                            std::size_t base, std::size_t share_index, std::size_t per_run,
                            oneapi::tbb::task_arena& arena, const JobFn& compute,
                            const RecordFn& check,
                            const std::function<void(const std::string&)>& note,
                            const std::function<void(std::size_t, std::size_t)>& progress,
                            std::vector<std::vector<double>>& kept);

/// Root attributes of an auto batch: the stopping rule, the rounds, the achieved widths and
/// whether max_replications was hit (docs/batches.md).
void write_auto_attrs(const h5::Location& root, const Batch& batch, const AutoOutcome& o);

}  // namespace nisim::hk
