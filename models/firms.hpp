#pragma once
// Manufacturing establishments: the firm table (struct of arrays) and the phases that act on it
// (docs/model.md section 3).
#include <cstdint>
#include <vector>

#include "engine/column.hpp"
#include "engine/parallel.hpp"
#include "engine/rng.hpp"
#include "engine/simd_target.hpp"
#include "models/land/land.hpp"
#include "models/params.hpp"

namespace nisim::hk {

/// Hong Kong manufacturing establishments; row i is firm i, ids stable and increasing.
struct FirmTable {
  Column<std::uint64_t> id;          ///< stable agent id (never reused)
  Column<std::uint8_t> sector;       ///< index into k_sector_names
  Column<std::uint8_t> site;         ///< index into k_site_names
  Column<double> employment;         ///< L: persons engaged
  Column<double> capital;            ///< K: capital stock, HK$ M
  Column<double> log_tfp;            ///< ln A: log TFP at base-year output prices (3.9)
  Column<double> value_added;        ///< p Y: value added this year at current prices, HK$ M
  Column<double> cash;               ///< liquid funds (negative = borrowing), HK$ M
  Column<double> floor_space;        ///< floor space occupied, m2
  Column<double> subsidy;            ///< grants received this year, HK$ M (0 until 4.1d)
  Column<std::uint8_t> smart_lines;  ///< smart lines installed (count; at most 64, 3.4d)
  Column<std::uint16_t> age;         ///< years since entry (saturates at 65,535)
  Column<std::uint8_t> new_lines;    ///< lines completed this year (count; 0 until 4.1d)
  Column<std::uint8_t> projects;     ///< line projects applied for or being built (count)
  Column<std::uint8_t> line_plan;    ///< 0: no plan; else 1 + lines paying without grant
  Column<std::uint8_t> exiting;      ///< 1 if the firm exits at the end of this year
  Column<std::uint8_t> official;     ///< 1 if in official manufacturing, 0 outside (7.1)
  Column<std::uint8_t> ramp_years;   ///< a plant's ramp-up years (eq. 3.8e); 0: none

  template <class F>
  void for_each_column(F&& f) {
    f(id), f(sector), f(site), f(employment), f(capital), f(log_tfp), f(value_added), f(cash);
    f(floor_space), f(subsidy), f(smart_lines), f(age), f(new_lines), f(projects), f(line_plan);
    f(exiting), f(official), f(ramp_years);
  }
  template <class F>
  void for_each_column(F&& f) const {
    f(id), f(sector), f(site), f(employment), f(capital), f(log_tfp), f(value_added), f(cash);
    f(floor_space), f(subsidy), f(smart_lines), f(age), f(new_lines), f(projects), f(line_plan);
    f(exiting), f(official), f(ramp_years);
  }
  /// The columns by what the year's end does to them (remove_exits, compact_rows_clearing):
  /// every column keeps its surviving rows, but the year's flows, grants received and lines
  /// completed, start the next year at zero, as does the exit flag, which every surviving row has
  /// at zero. Each column of for_each_column exactly once (tests/models/firms_test.cpp).
  template <class Kept, class Cleared>
  void for_each_column_at_period_end(Kept&& kept, Cleared&& cleared) {
    kept(id), kept(sector), kept(site), kept(employment), kept(capital), kept(log_tfp);
    kept(value_added), kept(cash), kept(floor_space), kept(smart_lines), kept(age);
    kept(projects), kept(line_plan), kept(official), kept(ramp_years);
    cleared(subsidy), cleared(new_lines), cleared(exiting);
  }
};

/// Bytes of one firm row across all columns (memory estimates).
inline constexpr std::size_t k_firm_row_bytes = 8 + 1 + 1 + 7 * 8 + 1 + 2 + 1 + 1 + 1 + 1 + 1 + 1;

/// Estimated peak bytes of a run with `firms` base-year establishments: the table with 25%
/// headroom, doubled for compaction and growth, plus 64 MB for everything else.
constexpr double estimate_run_bytes(double firms) {
  return firms * 1.25 * 2.0 * static_cast<double>(k_firm_row_bytes) + 64e6;
}

/// Bytes the yearly firm update moves per firm, counted like the STREAM triad (each column
/// read or written once; no write-allocate traffic). Read: id, sector, site, log_tfp,
/// employment, capital, cash, smart_lines, age, projects, ramp_years. Written: log_tfp, employment,
/// capital, value_added, cash, floor_space, age, line_plan, exiting (grants received and lines
/// completed are already zero: the year's end clears them). docs/performance.md.
inline constexpr std::size_t k_update_bytes_read = 8 + 1 + 1 + 8 + 8 + 8 + 8 + 1 + 2 + 1 + 1;
inline constexpr std::size_t k_update_bytes_written = 6 * 8 + 2 + 1 + 1;
inline constexpr std::size_t k_update_bytes = k_update_bytes_read + k_update_bytes_written;

/// Draw purposes: one per random decision (docs/model.md section 2.3).
namespace purpose {
inline constexpr Purpose init_sector = 1;
inline constexpr Purpose init_size = 2;
inline constexpr Purpose init_age = 3;
inline constexpr Purpose init_site = 4;
/// The yearly firm update: one block per firm-year gives the TFP shock, the line-gain noise
/// and the exit draw (models/firms.cpp, update_firm_rows).
inline constexpr Purpose firm_update = 10;
inline constexpr Purpose entry_count = 20;
inline constexpr Purpose entry_sector = 21;
inline constexpr Purpose entry_size = 22;
inline constexpr Purpose entry_site = 23;
}  // namespace purpose

/// Economy-wide prices and terms that every firm faces in a year (sections 3.2-3.6, 4.1, 4.5).
struct FirmEnvironment {
  int year = 0;
  double wage = 0.0;        ///< w: average wage per person engaged, HK$ M per year
  double line_grant = 0.0;  ///< G: NIFS grant a line would get if approved this year, HK$ M
  int project_limit = 1;    ///< most line projects a firm may have at once (eq. 4.1b)
  double tfp_bonus = 0.0;   ///< knowledge-channel addition to every firm's TFP drift (eq. 4.5a)
  double line_floor = 0.0;  ///< floor space of one smart line, m2 (eq. 3.6a)
  std::array<double, k_sites> floor_factor{1, 1, 1, 1, 1, 1};  ///< per-worker floor multiplier
  std::array<double, k_sites> rent_extra{};   ///< rent above base by site, HK$ M/m2/year
  std::array<double, k_sectors> log_price{};  ///< ln p_s firms plan with: last year's (eq. 3.9d)
  /// Factor markets (sections 3.6, 4.6): each sector's wage over v_s w_t, from the technical
  /// wage (eq. 4.6e), and the scarcity rent per person its firms weigh when they hire, HK$ M
  /// per person-year (eq. 3.6h).
  std::array<double, k_sectors> wage_factor{1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  std::array<double, k_sectors> floor_cost{};
};

/// Log-TFP gain of a firm's (k+1)-th smart line in `sector` (eq. 3.4d): (1 - alpha_s - beta_s)
/// ln(1 + g_k), g_k = output_gain * gain_decay^k; 0 at or beyond smart_lines.max_per_firm.
double line_tfp_gain(int k, const Params& p, int sector = 0);

/// Optimal log value added at current prices of a firm of `sector` with log TFP ln A when the
/// average wage is w and its output price is ln p (section 3.2, eq. 3.2b, with the sector's
/// elasticities and wage; eq. 3.9d).
double optimal_log_va(double log_tfp, double wage, const Params& p, int sector, double log_price);

/// Log TFP at which a firm of `sector` with `employment` persons is at its optimum at output price
/// ln p (inverse of eq. 3.2c).
double log_tfp_for_size(double employment, double wage, const Params& p, int sector,
                        double log_price);

/// Create firm `row` of `firms` at its optimum given employment, the average wage and its
/// sector's output price ln p (sections 3.1, 3.3, 3.9): sets capital, log TFP, value added at
/// current prices, cash, floor space; official, no ramp-up; zeroes the rest.
void init_firm_row(FirmTable& firms, std::size_t row, std::uint64_t id, int sector, int site,
                   double employment, int age, double wage, const Params& p, double log_price);

/// Site a new firm of `sector` settles at (section 3.6, eq. 3.6b): traditional sectors in
/// industrial buildings; a strategic one on an InnoPark estate with probability
/// `innopark_share`, else in industrial buildings. `u` in (0, 1).
int site_for(int sector, double u, double innopark_share);

/// Sector drawn from cumulative shares by `u` in (0, 1).
int sector_for(const std::array<double, k_sectors>& cumulative_share, double u);

/// Synthesise the base-year population (section 3.1), in parallel and independent of the
/// thread count. Returns the calibrated wage w0 (HK$ M per person per year) that makes total
/// value added equal mfg_share_base * gdp_base.
double synthesise_firms(FirmTable& firms, const Params& p, const Rng& rng, Parallel& parallel);

/// The yearly firm update for rows [begin, end): TFP shock, targets, adjustment of L and K,
/// value added, profit and cash, the smart-line decision, ageing and the exit flag
/// (sections 3.2-3.4). Pure per row: rows are independent, so blocks can run in parallel.
/// Runs the kernel of simd_target() (the CPU's best, or NISIM_DISPATCH's).
void update_firm_rows(FirmTable& firms, std::size_t begin, std::size_t end,
                      const FirmEnvironment& env, const Params& p, const Rng& rng);

/// The same with the kernel built for `target` (docs/performance.md, "Runtime dispatch"): every
/// target gives bitwise the same result. Throws Error (ExitCode::usage) if this binary has no
/// kernel for `target` or the CPU cannot run it (simd_target_runs).
void update_firm_rows(FirmTable& firms, std::size_t begin, std::size_t end,
                      const FirmEnvironment& env, const Params& p, const Rng& rng,
                      SimdTarget target);

}  // namespace nisim::hk
