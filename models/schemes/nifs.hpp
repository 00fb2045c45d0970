#pragma once
// New Industrialisation Funding Scheme (docs/model.md section 4.1): applications from firms
// that plan a smart production line, decisions after an approval lag with a success rate, the
// programme budget, the limit on concurrent projects, floor space and technical staff for the
// line, the grant paid on completion, and the lapse of projects whose firm exits.
#include <cstdint>
#include <utility>
#include <vector>

#include "engine/params.hpp"
#include "engine/rng.hpp"
#include "models/land/land.hpp"
#include "models/schemes/budget.hpp"

namespace nisim::hk {

struct Talent;
struct FirmTable;
struct Params;

struct NifsParams {
  SchemeTerms terms{true, 2020, 2040, 2000.0};  ///< launched July 2020 with HK$ 2 bn
  double share = 1.0 / 3.0;                     ///< theta: government share of project cost (1 : 2)
  double cap = 15.0;                            ///< grant cap per project, HK$ M
  // Estimated with uptake_start (docs/calibration.md 8.4: nisim calibrate
  // calibration/baseline.toml; NIFS lines 2022-2024 and approvals 2024); weakly identified.
  // Was 0.70 by hand (~30 lines by 2022, >50 by mid 2023).
  double success_rate = 0.47;           ///< share of applications approved (estimated)
  std::int64_t approval_lag = 1;        ///< years from application to decision
  std::int64_t build_years = 2;         ///< years from approval to completion (~24 months)
  std::int64_t concurrent_before = 1;   ///< projects a firm may hold at once before the change
  std::int64_t concurrent_max = 3;      ///< projects at once from concurrent_from (Jan 2024)
  std::int64_t concurrent_from = 2024;  ///< year the limit rose to concurrent_max
  double jobs_per_line = 8.7;     ///< technical jobs per funded line (260 jobs / 30 lines, 2022)
  double line_floor = 300.0;      ///< floor space one line needs, m2 (assumed)
  double lines_mean = 1.5;        ///< mean lines per project (shifted geometric, eq. 4.1f; assumed)
  double cost_sigma = 0.5;        ///< s.d. of log project cost per line (eq. 4.1f; assumed)
  double uptake_start = 0.5842;   ///< share of planning firms applying at launch (estimated)
  std::int64_t uptake_years = 3;  ///< years from launch until every planning firm applies
  bool refused_build_own = true;  ///< a refused applicant builds its self-paying lines (eq. 4.1i)
};

void bind_nifs_params(NifsParams& p, ParamBinder& b);

/// Line projects (section 4.1): applications awaiting a decision and approved projects being
/// built, one row each, in the order they arose (year, then firm id). Rows refer to firms by id.
/// A project funds one or more smart production lines (eq. 4.1f).
struct LineProjects {
  std::vector<std::uint64_t> firm_id;  ///< the firm (FirmTable::id)
  std::vector<std::int32_t> applied;   ///< year of application
  std::vector<std::int32_t> done;      ///< year of completion, or 0 while awaiting a decision
  std::vector<double> grant;           ///< grant committed, HK$ M (0 for an unfunded project)
  std::vector<std::uint8_t> site;      ///< site of the firm (its floor space)
  std::vector<std::uint8_t> lines;     ///< smart production lines in the project
  std::vector<std::uint8_t> own;       ///< of them, lines that pay without a grant (eq. 3.4e)
  std::vector<double> cost;            ///< project cost, HK$ M

  template <class F>
  void for_each_column(F&& f) {
    f(firm_id), f(applied), f(done), f(grant), f(site), f(lines), f(own), f(cost);
  }
  template <class F>
  void for_each_column(F&& f) const {
    f(firm_id), f(applied), f(done), f(grant), f(site), f(lines), f(own), f(cost);
  }
};

/// The scheme's state: ledger, projects and cumulative indicators (section 4.1).
struct Nifs {
  Scheme scheme;          ///< budget, applications and approvals (projects), paid, outcomes = lines
  LineProjects projects;  ///< pending applications and projects being built
  double funded_projects = 0.0;      ///< cumulative projects approved with a grant
  double funded_lines = 0.0;         ///< cumulative lines in them (KPI: 130 by 2027)
  double nonadditional_lines = 0.0;  ///< of funded_lines, lines that paid without the grant
  double tech_jobs = 0.0;  ///< cumulative technical jobs of funded lines (KPI: 1,050 by 2027)
  double private_investment = 0.0;  ///< cumulative firm share of funded projects, HK$ M (KPI)
  double unfunded_lines = 0.0;      ///< lines started at the firm's own cost (this year)
  double refused_built_own = 0.0;   ///< of which by refused applicants (eq. 4.1i), this year
  double not_applied = 0.0;         ///< plans of firms not (yet) applying this year (uptake)
  double refused_budget = 0.0;      ///< applications refused this year: budget exhausted
  double refused_land = 0.0;        ///< applications refused this year: no floor space at the site
  double refused_talent = 0.0;      ///< applications refused this year: no technical staff
  double lapsed = 0.0;              ///< projects lapsed this year (firm exited), grants released
  std::vector<std::uint8_t> keep;   ///< scratch row mask reused every year
  std::vector<std::pair<std::uint64_t, int>> open_lines;  ///< scratch: (firm id, lines open)
  void new_year() {
    scheme.new_year();
    unfunded_lines = refused_built_own = not_applied = refused_budget = refused_land =
        refused_talent = lapsed = 0.0;
  }
};

/// Grant for a project of cost `cost` in `year` (eq. 4.1a): min(theta cost, cap) while open.
double nifs_grant(const NifsParams& p, int year, double cost);
/// Most projects a firm may hold at once in `year` (eq. 4.1b).
int nifs_project_limit(const NifsParams& p, int year);
/// Share of planning firms that apply in `year` (eq. 4.1g): rises linearly from uptake_start in
/// the launch year to 1 after uptake_years.
double nifs_uptake(const NifsParams& p, int year);
/// Lines of a project (eq. 4.1f) from a uniform `u` in (0, 1): 1 + a geometric number with
/// mean lines_mean - 1, at most `room` (room >= 1).
int nifs_project_lines(const NifsParams& p, double u, int room);

/// Purposes of the scheme's draws (docs/model.md section 2.3).
namespace purpose {
inline constexpr Purpose nifs_approval = 200;  ///< (t, firm, age): uniform, approval
inline constexpr Purpose nifs_project = 201;   ///< (t, firm): word 0 lines, word 1 uptake
inline constexpr Purpose nifs_cost = 202;      ///< (t, firm): normal, project cost
}  // namespace purpose

/// The year's applications, decisions and completions (eqs. 4.1b-g), in this order:
///  1. firms with a plan (line_plan >= 1, row = id order) start a project of lines (eq. 4.1f,
///     at most up to the line cap) costing its lines times c times a lognormal factor. While the
///     scheme is open a firm applies with probability nifs_uptake (eq. 4.1g); while it is closed,
///     or if it does not apply, it builds at once at its own cost the project's lines that pay
///     without a grant (line_plan - 1 of them), if housed and staffed;
///  2. applications made approval_lag years ago (or earlier) are decided, in order: approved
///     with probability success_rate if the project's grant fits the budget, the firm's site has
///     line_floor m2 per line vacant and the talent pool has jobs_per_line staff per line; the
///     firm then pays the whole cost; otherwise refused (the firm may apply again);
///  3. projects due this year complete: each line raises the firm's TFP (eq. 3.4d), the grant is
///     paid.
/// In: firms (line_plan, smart_lines, projects). Out: firms (projects, cash, smart_lines,
/// new_lines, subsidy, log_tfp), nifs, land claims, talent hires.
void nifs_year(Nifs& nifs, FirmTable& firms, Land& land, Talent& talent, int year,
               const NifsParams& np, const Params& p, const Rng& rng);

/// Projects of firms that exit this year lapse: commitments return to the budget (section
/// 4.1). Call before exiting firms are removed.
void nifs_lapse(Nifs& nifs, const FirmTable& firms);

/// Row of the firm with `id` in a table whose ids increase with the row, or rows(firms).
std::size_t find_firm(const FirmTable& firms, std::uint64_t id);

}  // namespace nisim::hk
