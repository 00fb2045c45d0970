#pragma once
// `nisim report BATCH.h5 -o report.html` (docs/report.md): one self-contained HTML page for a
// policy reader, built from a file `nisim batch` wrote. read_batch_report() reads the file and
// computes the scorecard; render_html() writes the page; write_report() does both and writes
// the page atomically (a temporary file renamed onto the target, as every nisim output).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nisim::hk::report {

/// A mean over replications with its 95% Student t interval (t_{0.975, R-1}, as `vs_base`).
struct Estimate {
  double mean = 0.0, low = 0.0, high = 0.0;
};

/// One scenario of the batch, as the report shows it.
struct ScenarioCard {
  std::string name;
  std::string path;                  ///< scenario_path attribute
  std::vector<std::string> added;    ///< setting lines of its text not in the base's text
  std::vector<std::string> removed;  ///< setting lines of the base's text not in its text
  double share = 0.0;                ///< mean share in the score year, percent
  Estimate share_diff;               ///< paired (scenario - base) share in the score year, pp
  double money = 0.0;                ///< mean public money paid up to the score year, HK$ M
  Estimate money_diff;               ///< paired difference of that, HK$ M
  double cost_per_pp = 0.0;  ///< money_diff.mean / share_diff.mean; NaN unless share_diff.low > 0
  double p_share_target = 0.0;    ///< P(share >= 5% in 2032), the file's attribute
  std::vector<double> kpi_p_met;  ///< per indicator, the file's kpi_p_met (NaN: not simulated)
  std::vector<double> share_p5, share_p50, share_p95;  ///< mfg_share percentiles per year
  std::vector<double> money_p5, money_p50, money_p95;  ///< public_spending percentiles per year
};

/// Sensitivity indices of a sweep, per swept parameter.
struct SweepPanel {
  std::string design, output;
  std::int64_t year = 0;
  std::vector<std::string> parameters;
  std::string index_name;                ///< morris_mu_star or sobol_total (or sobol_first)
  std::vector<double> index, low, high;  ///< NaN bounds where the file has none
};

/// The attribution panel, read from a file `nisim attribute` wrote (`nisim report --attribution`):
/// per scheme group, its Shapley value with 95% t interval, its additionality and its cost per
/// percentage point, for the share and public money outcomes of the attribution's year.
struct AttributionPanel {
  std::string file;  ///< the path given
  std::string attribution_path, method, version, commit;
  std::int64_t year = 0, replications = 0;
  std::vector<std::string> groups;
  Estimate total_share;                   ///< base - counterfactual, pp
  Estimate total_money;                   ///< public money of the package, HK$ M
  std::vector<Estimate> shapley_share;    ///< per group, pp
  std::vector<Estimate> shapley_money;    ///< per group, HK$ M (all schemes' money)
  std::vector<Estimate> additionality;    ///< per group: package - package without it, pp
  std::vector<Estimate> cost_per_pp;      ///< per group, all money, HK$ M per pp (delta method)
  std::vector<Estimate> cost_per_pp_mfg;  ///< per group, manufacturing-relevant money
};

/// Everything the page shows, read from one batch file.
struct BatchReport {
  std::string file;  ///< the path given
  std::string title, version, commit, created, batch_path, batch_text, seed;
  std::int64_t replications = 0;
  std::string overrides;  ///< the batch's --set overrides (attribute `overrides`), "" if none
  std::string base;
  std::vector<int> years;
  int score_year = 0;  ///< 2032 if simulated, else the last year
  std::vector<std::string> indicators;
  std::vector<double> kpi_target, kpi_target_year;
  std::vector<ScenarioCard> scenarios;  ///< batch order
  bool has_sweep = false;
  SweepPanel sweep;
  bool has_attribution = false;  ///< an attribution file was given (--attribution)
  AttributionPanel attribution;
};

/// Read `path` and compute the scorecard. IoError (exit 4) naming the file if it is not an
/// HDF5 file `nisim batch` wrote (root attributes title "nisim batch: ...", scenarios, base,
/// replications; per-scenario datasets of the documented shapes).
BatchReport read_batch_report(const std::filesystem::path& path);

/// Read a file `nisim attribute` wrote. IoError (exit 4) naming the file if it is not one (root
/// title "nisim attribute: ...", the `group` and `outcome` scales, the *_mean/_ci_low/_ci_high
/// datasets of docs/batches.md section 8) or has no mfg_share or public_money outcome.
AttributionPanel read_attribution_panel(const std::filesystem::path& path);

/// The whole page: provenance, scorecard, charts, sensitivity panel. Every string from the file
/// is escaped.
std::string render_html(const BatchReport& r);

/// Write `text` to `out` atomically: check_output_target, a temporary file beside it (removed
/// on failure or signal), fsync, rename. IoError on any failure; `out` is then untouched.
void write_text_atomic(const std::filesystem::path& out, const std::string& text, bool force);

}  // namespace nisim::hk::report
