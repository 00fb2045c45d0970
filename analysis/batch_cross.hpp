#pragma once
// Every scenario of a batch at every point of a design (docs/batches.md section 11, "Every
// scenario at every point"), internal to analysis/batch*.cpp: the writer of the `cross` group,
// which stores every recorded series as one array [scenario, point, replication, year] with the
// design's keys as coordinates along `point`, and the paired differences against the base
// scenario per point.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "analysis/batch.hpp"
#include "analysis/batch_record.hpp"
#include "engine/design.hpp"
#include "engine/hdf5.hpp"
#include "engine/scenario.hpp"
#include "models/params.hpp"

namespace nisim::hk::batch_detail {

/// One crossed scenario as loaded: its name, and the scenario (with --set applied) and
/// resolved parameters of its first design point (the design's keys take each point's values).
struct CrossScenario {
  std::string name;
  const Scenario* scenario = nullptr;
  const Params* params = nullptr;
};

/// Mean paired difference per (scenario, point, year) of a [S, P, R, T] array against scenario
/// `base`, and the bounds of its 95% Student t interval (NaN bounds for one replication; the
/// base's own rows are 0 with bounds 0).
struct PairedDiff {
  std::vector<double> mean, low, high;  ///< [S, P, T]
};
PairedDiff paired_diff(const std::vector<double>& runs, std::size_t scenarios, std::size_t points,
                       std::size_t reps, std::size_t years, std::size_t base);

/// The `cross` group of a cross batch's output, written while its runs finish: job (scenario s,
/// point p, replication r) goes to row [s, p, r] of every series; finish() adds the paired
/// differences and the effect.
class CrossWriter {
 public:
  CrossWriter(const h5::Location& root, const Batch& batch, const Points& design,
              const std::vector<CrossScenario>& scenarios,
              const std::vector<BatchVariable>& variables, const std::vector<std::int32_t>& years);
  /// Store the record of scenario `s` at point `point`, replication `r`.
  void write(std::size_t s, std::size_t point, std::size_t r, std::span<const double> values);
  /// After every run: diff_<v>_mean/_low/_high [scenario, point, year] for every recorded
  /// series, and `effect` (with _low, _high) [scenario, point]; each into `summary`.
  void finish(std::int64_t base_year, BatchSummary& summary);

 private:
  const Batch& batch_;
  const Points& design_;
  std::vector<std::string> names_;
  std::size_t base_ = 0;  ///< index of the base scenario
  const std::vector<BatchVariable>& variables_;
  const std::vector<std::int32_t>& years_;
  h5::Location group_;
  std::vector<h5::RowWriter> writers_;  ///< one per variable, then kpi_projected
  std::string coordinates_;             ///< the design's keys, space-separated (CF `coordinates`)
};

}  // namespace nisim::hk::batch_detail
