#pragma once
// Sweeps of a batch (docs/batches.md "Sweeps"), internal to analysis/batch*.cpp: the design
// points, and the writer of the `sweep` group, which stores every recorded series as one array
// [point, replication, year] with the swept keys as coordinates along `point` and the
// summaries per point (docs/batches.md, "Output" of a sweep).
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

/// Variables summarised by mean and percentiles.
inline constexpr const char* k_summarised[] = {
    "mfg_share",        "mfg_share_wide", "mfg_share_real",  "smart_lines", "nifs_funded_lines",
    "nias_enterprises", "line_grants",    "public_spending", "employment"};

inline constexpr double k_share_target_pct = 5.0;
inline constexpr int k_share_target_year = 2032;
inline constexpr double k_lines_target = 130.0;
inline constexpr int k_lines_target_year = 2027;

/// Mean [N, T] and percentiles [N, percentile, T] (k_percentiles) over the replications of a
/// row-major [N, R, T] array, NaN values ignored.
struct RowSummaries {
  std::vector<double> mean, pct;
};
RowSummaries summarise_rows(const std::vector<double>& m, std::size_t n, std::size_t reps,
                            std::size_t years);

/// "file:line:column: " of a position.
std::string where(const SourcePos& p);

/// The design points of the design `w` of table `table` ("sweep" or "cross"), scaled to the
/// parameters' ranges (integer keys not yet rounded). ScenarioError naming the table's line for
/// an unknown output, a year not simulated by `base_params` or too many points.
Points design_points(const Sweep& w, const std::string& table, std::uint64_t seed,
                     const Params& base_params);

/// Into `g`: the scales `point` and `parameter`, `design` [point, parameter] and one coordinate
/// per key along `point` named by the key (`what`: "sweep" or "cross", for the long names).
/// Returns the keys, space-separated, for the CF `coordinates` attribute of the arrays.
std::string write_design(const h5::Location& g, const Sweep& w, const Points& design,
                         const std::string& what);

/// The design points of a sweep, scaled to the parameters' ranges, integer keys rounded, with
/// the scenario of each point (`base` with the swept keys set). ScenarioError naming the
/// [sweep] table's line for an unknown output, a year not simulated or too many points.
std::vector<Scenario> sweep_scenarios(const Batch& batch, const Scenario& base,
                                      const Params& base_params, Points& design);

/// The `sweep` group of a sweep's output, written while its runs finish: job (point p,
/// replication r) goes to row [p, r] of every series; finish() adds the summaries.
class SweepWriter {
 public:
  SweepWriter(const h5::Location& root, const Batch& batch, const Points& design,
              const Scenario& base, const std::vector<BatchVariable>& variables,
              const std::vector<std::int32_t>& years);
  /// Store the record of point `point`, replication `r`.
  void write(std::size_t point, std::size_t r, std::span<const double> values);
  /// After every run: summaries per point, output_mean, the sensitivity indices, the resolved
  /// parameters of point 0; P(share >= 5% by 2032) of each point into `summary`.
  void finish(const Params& first, const std::vector<Shock>& shocks, BatchSummary& summary);

 private:
  const Batch& batch_;
  const Points& design_;
  const std::vector<BatchVariable>& variables_;
  const std::vector<std::int32_t>& years_;
  h5::Location group_;
  std::vector<h5::RowWriter> writers_;  ///< one per variable, then kpi_projected
  std::string coordinates_;             ///< the swept keys, space-separated (CF `coordinates`)
};

}  // namespace nisim::hk::batch_detail
