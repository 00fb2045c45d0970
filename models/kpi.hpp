#pragma once
// The government's indicator targets and the model's projection of each (docs/model.md section
// 7.2, docs/output.md "kpi"): the table written into every run file and printed by `nisim kpi`.
#include <string>
#include <vector>

#include "engine/hdf5.hpp"
#include "models/history.hpp"

namespace nisim::hk {

/// One government target (tools/data/targets.csv, 2024 Policy Address and I&T Blueprint).
struct KpiSpec {
  const char* indicator;  ///< name, as in targets.csv
  const char* series;     ///< the History series it is read from (docs/output.md)
  const char* unit;
  int target_year;
  double target;
  const char* source;
};

/// The targets, in the order of the output's `kpi/indicator` dimension.
const std::vector<KpiSpec>& kpi_specs();

/// The indicators' names, in kpi_specs() order (the `indicator` dimension).
std::vector<std::string> kpi_indicators();

/// Projected value of each indicator at its target year (NaN when the run does not reach the
/// year or the series is not recorded), same order as kpi_specs().
std::vector<double> kpi_values(const History& history);

/// Total public money paid by all schemes in each year, HK$ M (sum over scheme_paid).
std::vector<double> public_spending(const History& history);

/// Public money paid or committed by all schemes by the end of the run, HK$ M: what the
/// policy costs the government (sum over schemes of spent + committed in the last year).
double public_commitments(const History& history);

/// The cost of a percentage point (section 7.3) of one run against a base: differences in the
/// 2032 share (pp) and in public money spent by 2032 (HK$ M), all of it and its
/// manufacturing-relevant part, and the two ratios.
struct CostPerPoint {
  double d_share = 0.0;        ///< share gained, percentage points
  double d_all = 0.0;          ///< difference in all public money spent, HK$ M
  double d_mfg = 0.0;          ///< difference in manufacturing-relevant public money spent, HK$ M
  double per_point_all = 0.0;  ///< d_all / d_share, HK$ M per pp; NaN when undefined
  double per_point_mfg = 0.0;  ///< d_mfg / d_share, HK$ M per pp; NaN when undefined
};

/// Eq. 7.3a-b: the ratios are NaN (undefined) when no share is gained (d_share <= 1e-6 pp or
/// NaN).
CostPerPoint cost_per_point(double d_share, double d_all, double d_mfg);

/// Write the group `kpi` (indicator, unit, target_year, target, projected, met) under `root`.
void write_kpis(const h5::Location& root, const History& history);

/// The text of `nisim kpi FILE [--against BASE]`: the KPI table, public money by scheme, and
/// with a base run the cost per percentage point of share gained by 2032, on all public money
/// and on its manufacturing-relevant part (section 7.3). Throws IoError on
/// a file that is not a nisim run.
std::string kpi_report(const std::string& path, const std::string& against);

/// The same without a base, for a run file already open (`name` names it in messages): every
/// dataset's rank, shape, dtype and size is checked before it is used (fuzz/run_file_fuzz.cpp).
std::string kpi_report(const h5::Location& run, const std::string& name);

}  // namespace nisim::hk
