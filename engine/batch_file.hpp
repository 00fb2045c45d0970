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

#include "engine/overrides.hpp"
#include "engine/scenario.hpp"

namespace nisim {

/// One scenario of a batch.
struct BatchScenario {
  std::string name;            ///< group name in the output (letters, digits, '_' and '-')
  std::filesystem::path file;  ///< resolved path of the scenario file
  SourcePos pos;               ///< where the batch file names it
};

/// A series a batch records beyond its defaults (docs/batches.md "Recording more series"):
///   [[record]]
///   series = "wage"        # a per-year dataset of a run file, by name (docs/output.md)
struct RecordSeries {
  std::string name;
  SourcePos pos;  ///< where the batch file names it
};

/// One swept parameter: a scenario key and its range.
struct SweepParam {
  std::string key;
  double min = 0.0;
  double max = 0.0;
  SourcePos pos;  ///< where the batch file names it (errors about its values point here)
};

/// A design over parameters of one base scenario (docs/batches.md, "Sweeps").
///   [sweep]
///   scenario = "../scenarios/baseline.toml"
///   design = "lhs"        # grid | lhs | sobol | morris | saltelli
///   points = 32           # lhs, sobol: points; morris: trajectories; saltelli: base samples
///   levels = 4            # grid: levels per parameter; morris: grid levels (even)
///   output = "mfg_share"  # what the sensitivity indices explain: its mean in `year`
///   year = 2032
///   [[sweep.param]]
///   key = "schemes.nifs.cap"
///   min = 5.0
///   max = 30.0
struct Sweep {
  std::filesystem::path scenario;
  std::string design = "lhs";
  std::int64_t points = 16;
  std::int64_t levels = 4;
  std::string output = "mfg_share";
  std::int64_t year = 2032;
  std::vector<SweepParam> params;
  SourcePos pos;  ///< the [sweep] table
};

/// Every scenario at every point (docs/batches.md, "Every scenario at every point"): the
/// [[scenario]]s of the batch each run at every point of a design over assumed parameters, with
/// the keys of a [sweep] except `scenario` (the design's values are set in every scenario).
///   [cross]
///   design = "grid"
///   levels = 3
///   output = "mfg_share"  # `effect`: the mean paired difference of this in `year`
///   year = 2032
///   [[cross.param]]
///   key = "knowledge.elasticity"
///   min = 0.0
///   max = 0.1
/// Stored as a Sweep whose `scenario` is empty (Batch::cross).

/// Designs a sweep may use.
inline const std::vector<std::string> k_sweep_designs = {"grid", "lhs", "sobol", "morris",
                                                         "saltelli"};

/// Goal seeking (docs/batches.md, "What would it take"): the cheapest lever values that reach
/// the share target with at least the required probability.
///   [target]
///   scenario = "../scenarios/baseline.toml"
///   probability = 0.5     # required P(share >= share in year)
///   share = 5.0           # percent of GDP
///   year = 2032
///   max_evaluations = 40  # ensemble evaluations the optimiser may use
///   [[target.lever]]
///   key = "schemes.nifs.cap"
///   min = 15.0
///   max = 200.0
struct Target {
  std::filesystem::path scenario;
  double probability = 0.5;
  double share = 5.0;
  std::int64_t year = 2032;
  std::int64_t max_evaluations = 40;
  std::vector<SweepParam> levers;
  SourcePos pos;
};

/// Parameter uncertainty (docs/batches.md, "Parameter uncertainty"): each replication's
/// parameter vector drawn from the fit of `nisim calibrate`.
///   [parameters]
///   fit = "../out/fit_ci.h5"  # FIT.h5, relative to this batch file
///   draws = 10                # parameter vectors K; K divides replications (R / K runs each)
struct ParameterFit {
  std::filesystem::path fit;  ///< empty: no parameter uncertainty
  std::int64_t draws = 0;     ///< K; 0 until set (then it defaults to the replications)
  SourcePos fit_pos;          ///< where the fit is named (the batch file, or --fit)
  SourcePos draws_pos;        ///< where draws is set (or fit_pos)
};

/// `replications = "auto"` (docs/batches.md, "Replications until the effect is precise"):
/// paired replications are added in rounds until the full width of the 95% t interval of every
/// non-base scenario's paired difference of mfg_share in `year` is at most `ci_width`.
///   [batch]
///   replications = "auto"
///   ci_width = 0.01          # percentage points (full width, high - low)
///   min_replications = 10    # the first round
///   max_replications = 1000  # stop here even if still wider (reported, exit 0)
///   auto_year = 2032
struct AutoReplications {
  bool on = false;        ///< replications = "auto" (and no --replications on the command line)
  double ci_width = 0.0;  ///< percentage points; required with "auto"
  std::int64_t min = 10;
  std::int64_t max = 1000;
  std::int64_t year = 2032;
  SourcePos pos;       ///< where replications = "auto" is
  SourcePos year_pos;  ///< where auto_year is (or pos)
};

/// Most replications an auto batch may reach (its runs are kept in memory until it stops).
inline constexpr std::int64_t k_max_auto_replications = 100'000;

/// A loaded batch file.
struct Batch {
  std::filesystem::path path;            ///< the batch file
  std::string text;                      ///< its text (stored in the output for provenance)
  std::int64_t replications = 1;         ///< runs per scenario (auto: the first round's)
  AutoReplications auto_reps;            ///< replications = "auto"
  std::uint64_t seed = 1;                ///< master seed
  std::string base;                      ///< base scenario of paired differences
  std::vector<BatchScenario> scenarios;  ///< empty when the batch is a sweep
  bool has_sweep = false;
  Sweep sweep;
  bool has_cross = false;  ///< [cross]: every scenario at every point of `cross`
  Sweep cross;             ///< its design (no `scenario`: the [[scenario]]s are crossed)
  bool has_target = false;
  Target target;
  std::vector<RecordSeries> records;  ///< [[record]] tables, in file order
  ParameterFit parameters;            ///< [parameters]: draws from a fit (empty fit: none)
  /// `--set key=value` from the command line (engine/overrides.hpp), applied to every scenario
  /// after it is read (for a sweep or target, to its base scenario; for a cross, before each
  /// point's values).
  std::vector<Override> overrides;
};

/// Most replications a batch may ask for.
inline constexpr std::int64_t k_max_replications = 10'000'000;

/// Read and check a batch file (structure, types, ranges, unique names, base, files exist).
/// The scenarios themselves are loaded and validated by the caller.
Batch load_batch(const std::filesystem::path& path);

/// `--replications N` from the command line: replaces [batch] replications (and turns
/// replications = "auto" off). A usage error (exit 2) outside [1, k_max_replications].
void set_replications(Batch& batch, std::int64_t replications);

/// `--fit FIT.h5` and `--draws K` from the command line: replace [parameters] fit and draws
/// (`fit` relative to the working directory; empty or `draws` < 0 leaves the file's value).
/// ScenarioError (exit 3) if the fit file does not exist, a usage error (exit 2) for `draws`
/// outside [1, k_max_replications], `--draws` without a fit, or a fit for an auto batch.
void set_parameter_fit(Batch& batch, const std::filesystem::path& fit, std::int64_t draws);

}  // namespace nisim
