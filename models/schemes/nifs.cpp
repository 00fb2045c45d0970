// New Industrialisation Funding Scheme (docs/model.md section 4.1).
#include "models/schemes/nifs.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include "engine/table.hpp"
#include "models/firms.hpp"
#include "models/params.hpp"
#include "models/schemes/talent.hpp"

namespace nisim::hk {

void bind_nifs_params(NifsParams& p, ParamBinder& b) {
  bind_scheme_terms(p.terms, "schemes.nifs",
                    "New Industrialisation Funding Scheme (HK$ 2 bn at launch, July 2020)", b);
  b.real("schemes.nifs.share", p.share,
         {"fraction", 0.0, 1.0, "government share of project cost; 1:2 = 1/3 (4.1)"});
  b.real("schemes.nifs.cap", p.cap, {"HK$ M", 0.0, 1e5, "grant cap per project; HK$ 15 M (4.1)"});
  b.real("schemes.nifs.success_rate", p.success_rate,
         {"fraction", 0.0, 1.0, "share of applications approved; estimated (4.1)"});
  b.integer("schemes.nifs.approval_lag", p.approval_lag,
            {"years", 0, 10, "years from application to decision; assumed (4.1)"});
  b.integer("schemes.nifs.build_years", p.build_years,
            {"years", 0, 10, "years from approval to completion; ~24 months (4.1)"});
  b.integer("schemes.nifs.concurrent_before", p.concurrent_before,
            {"projects", 1, 64, "projects a firm may hold at once before the 2024 change (4.1)"});
  b.integer("schemes.nifs.concurrent_max", p.concurrent_max,
            {"projects", 1, 64, "projects at once from concurrent_from; 3 since Jan 2024 (4.1)"});
  b.integer("schemes.nifs.concurrent_from", p.concurrent_from,
            {"year", 1990, 2200, "year the concurrent-project limit rose (4.1)"});
  b.real("schemes.nifs.jobs_per_line", p.jobs_per_line,
         {"jobs/line", 0.0, 1e4, "technical jobs per funded line; 260 / 30 in 2022 (4.1)"});
  b.real("schemes.nifs.line_floor", p.line_floor,
         {"m2", 0.0, 1e6, "floor space one line needs; assumed (3.6, 4.1)"});
  b.real("schemes.nifs.lines_mean", p.lines_mean,
         {"lines/project", 1.0, 64.0, "mean lines per project; assumed, range 1-3 (4.1)"});
  b.real("schemes.nifs.cost_sigma", p.cost_sigma,
         {"", 0.0, 3.0, "s.d. of log project cost per line; assumed, range 0-1 (4.1)"});
  b.real("schemes.nifs.uptake_start", p.uptake_start,
         {"fraction", 0.0, 1.0, "share of planning firms applying at launch; estimated (4.1)"});
  b.integer("schemes.nifs.uptake_years", p.uptake_years,
            {"years", 0, 50, "years from launch to full uptake; calibrated (4.1)"});
  b.boolean("schemes.nifs.refused_build_own", p.refused_build_own,
            {"", 0, 1,
             "a refused applicant builds at its own cost the lines that pay without the grant "
             "(4.1i); false: it builds nothing and may plan again"});
}

double nifs_grant(const NifsParams& p, int year, double cost) {
  return p.terms.open(year) ? std::min(p.share * cost, p.cap) : 0.0;  // eq. 4.1a
}

int nifs_project_limit(const NifsParams& p, int year) {
  return static_cast<int>(year >= p.concurrent_from ? p.concurrent_max : p.concurrent_before);
}

double nifs_uptake(const NifsParams& p, int year) {
  // eq. 4.1g: linear from uptake_start at launch to 1 after uptake_years.
  if (p.uptake_years <= 0) return 1.0;
  const double since = std::max(0, year - static_cast<int>(p.terms.start));
  return std::min(
      1.0, p.uptake_start + (1.0 - p.uptake_start) * since / static_cast<double>(p.uptake_years));
}

int nifs_project_lines(const NifsParams& p, double u, int room) {
  // eq. 4.1f: n = 1 + floor(ln u / ln q), q = 1 - 1 / lines_mean, so E[n] = lines_mean before
  // the truncation at room.
  const double q = 1.0 - 1.0 / p.lines_mean;
  const double more = q > 0.0 ? std::floor(std::log(u) / std::log(q)) : 0.0;
  return static_cast<int>(std::min(static_cast<double>(std::max(room, 1)), 1.0 + more));
}

std::size_t find_firm(const FirmTable& firms, std::uint64_t id) {
  const auto it = std::lower_bound(firms.id.begin(), firms.id.end(), id);
  return it != firms.id.end() && *it == id ? static_cast<std::size_t>(it - firms.id.begin())
                                           : rows(firms);
}

namespace {

void add_project(LineProjects& q, std::uint64_t id, int applied, int done, double grant, int site,
                 int lines, int own, double cost) {
  q.firm_id.push_back(id);
  q.applied.push_back(applied);
  q.done.push_back(done);
  q.grant.push_back(grant);
  q.site.push_back(static_cast<std::uint8_t>(site));
  q.lines.push_back(static_cast<std::uint8_t>(lines));
  q.own.push_back(static_cast<std::uint8_t>(own));
  q.cost.push_back(cost);
}

/// Lines that pay without a grant, built at the firm's own cost with no wait (eqs. 4.1g, 4.1i):
/// `own` lines of firm row i at `per_line` each, started this year if the firm finds the floor
/// space and the staff; otherwise nothing is built and any floor space claimed is given back.
/// Returns whether they were started.
bool build_own_lines(Nifs& nifs, FirmTable& f, std::size_t i, Land& land, Talent& talent, int year,
                     int own, double per_line, const NifsParams& np) {
  if (own == 0 || !land.claim(f.site[i], own * np.line_floor)) return false;
  if (!talent.hire(own * np.jobs_per_line)) {
    land.unclaim(f.site[i], own * np.line_floor);
    return false;
  }
  ++f.projects[i];
  f.cash[i] -= own * per_line;
  nifs.unfunded_lines += own;
  add_project(nifs.projects, f.id[i], year, year + static_cast<int>(np.build_years), 0.0, f.site[i],
              own, own, own * per_line);
  return true;
}

/// Lines in the open projects of each firm, sorted by firm id (scratch reused every year).
void count_open_lines(const LineProjects& q, std::vector<std::pair<std::uint64_t, int>>& out) {
  out.clear();
  for (std::size_t k = 0; k < q.firm_id.size(); ++k) out.emplace_back(q.firm_id[k], q.lines[k]);
  std::sort(out.begin(), out.end());
  std::size_t w = 0;  // merge the rows of one firm
  for (std::size_t r = 0; r < out.size(); ++r) {
    if (w > 0 && out[w - 1].first == out[r].first) {
      out[w - 1].second += out[r].second;
    } else {
      out[w++] = out[r];
    }
  }
  out.resize(w);
}

int open_lines_of(const std::vector<std::pair<std::uint64_t, int>>& open, std::uint64_t id) {
  const auto it = std::lower_bound(open.begin(), open.end(), std::pair<std::uint64_t, int>{id, 0});
  return it != open.end() && it->first == id ? it->second : 0;
}

}  // namespace

void nifs_year(Nifs& nifs, FirmTable& f, Land& land, Talent& talent, int year, const NifsParams& np,
               const Params& p, const Rng& rng) {
  LineProjects& q = nifs.projects;
  const bool open = np.terms.open(year);
  const int build = static_cast<int>(np.build_years);
  const double uptake = nifs_uptake(np, year);
  // 1. Applications (eq. 4.1b): the kernel set line_plan only below the project limit.
  count_open_lines(q, nifs.open_lines);
  for (std::size_t i = 0; i < rows(f); ++i) {
    if (f.line_plan[i] == 0) continue;
    // eq. 4.1f: lines and cost of the project. The kernel valued the next line counting open
    // projects as one line each, so the room left under the cap is checked here.
    const int room =
        static_cast<int>(p.line_max) - f.smart_lines[i] - open_lines_of(nifs.open_lines, f.id[i]);
    if (room <= 0) continue;
    const RandomBits b = rng.bits(year, f.id[i], purpose::nifs_project);
    const int lines = nifs_project_lines(np, Rng::to_open_unit(b.w[0]), room);
    const int own = std::min(lines, f.line_plan[i] - 1);
    const double z = rng.normal(year, f.id[i], purpose::nifs_cost);
    const double per_line =
        p.line_cost * std::exp(np.cost_sigma * z - 0.5 * np.cost_sigma * np.cost_sigma);
    if (open && Rng::to_open_unit(b.w[1]) < uptake) {  // eq. 4.1g
      ++f.projects[i];
      nifs.scheme.applications += 1.0;
      add_project(q, f.id[i], year, 0, 0.0, f.site[i], lines, own, lines * per_line);
      continue;
    }
    if (open) nifs.not_applied += 1.0;
    build_own_lines(nifs, f, i, land, talent, year, own, per_line, np);  // no grant: eq. 4.1g
  }
  // 2. Decisions on applications made approval_lag years ago or earlier (eq. 4.1c).
  std::vector<std::uint8_t>& keep = nifs.keep;  // scratch: no allocation once warmed up
  keep.assign(q.firm_id.size(), 1);
  for (std::size_t k = 0; k < q.firm_id.size(); ++k) {
    if (q.done[k] != 0 || q.applied[k] + np.approval_lag > year) continue;
    const std::size_t i = find_firm(f, q.firm_id[k]);
    const double grant = nifs_grant(np, year, q.cost[k]);  // eq. 4.1a, per project
    const double floor = q.lines[k] * np.line_floor, staff = q.lines[k] * np.jobs_per_line;
    // One draw per application, keyed by the firm, the decision year and the application's
    // age (a firm applies at most once a year, so no two of its applications share a draw).
    const auto age = static_cast<std::uint16_t>(std::min(year - q.applied[k], 0xffff));
    bool approved = grant > 0.0 &&
                    rng.uniform(year, q.firm_id[k], purpose::nifs_approval, age) < np.success_rate;
    if (approved && !nifs.scheme.budget.can_commit(grant)) {
      nifs.refused_budget += 1.0;
      approved = false;
    }
    if (approved && !land.claim(q.site[k], floor)) {
      nifs.refused_land += 1.0;
      approved = false;
    }
    if (approved && !talent.hire(staff)) {
      land.unclaim(q.site[k], floor);  // a refused project holds no floor space
      nifs.refused_talent += 1.0;
      approved = false;
    }
    if (!approved) {
      keep[k] = 0;
      if (i >= rows(f)) continue;
      --f.projects[i];
      // eq. 4.1i: a refused applicant goes ahead at its own cost with the project's lines that
      // pay without the grant (q.own, eq. 3.4e at the plan), as a firm that did not apply does.
      if (np.refused_build_own && q.own[k] > 0 &&
          build_own_lines(nifs, f, i, land, talent, year, q.own[k], q.cost[k] / q.lines[k], np)) {
        keep.push_back(1);  // the new own-cost project row
        nifs.refused_built_own += q.own[k];
      }
      continue;
    }
    nifs.scheme.budget.commit(grant);
    nifs.scheme.approvals += 1.0;
    nifs.funded_projects += 1.0;
    nifs.funded_lines += q.lines[k];
    nifs.nonadditional_lines += q.own[k];  // eq. 4.1h
    nifs.tech_jobs += staff;
    nifs.private_investment += q.cost[k] - grant;
    f.cash[i] -= q.cost[k];  // the firm pays the whole cost; the grant comes on completion
    q.done[k] = year + build;
    q.grant[k] = grant;
  }
  // 3. Completions (eq. 4.1d): each line adds to TFP from next year; the grant is paid.
  for (std::size_t k = 0; k < q.firm_id.size(); ++k) {
    if (!keep[k] || q.done[k] == 0 || q.done[k] > year) continue;
    keep[k] = 0;
    const std::size_t i = find_firm(f, q.firm_id[k]);
    for (int l = 0; l < q.lines[k]; ++l) {
      f.log_tfp[i] += line_tfp_gain(f.smart_lines[i], p, f.sector[i]);  // eq. 3.4d, per line
      ++f.smart_lines[i];
    }
    f.new_lines[i] = static_cast<std::uint8_t>(f.new_lines[i] + q.lines[k]);
    --f.projects[i];
    f.cash[i] += q.grant[k];
    f.subsidy[i] += q.grant[k];
    if (q.grant[k] > 0.0) nifs.scheme.pay(q.grant[k]);
    nifs.scheme.outcomes += q.lines[k];
  }
  compact_rows(q, std::span<const std::uint8_t>(keep));
}

void nifs_lapse(Nifs& nifs, const FirmTable& f) {
  LineProjects& q = nifs.projects;
  std::vector<std::uint8_t>& keep = nifs.keep;  // scratch: no allocation once warmed up
  keep.assign(q.firm_id.size(), 1);
  for (std::size_t k = 0; k < q.firm_id.size(); ++k) {
    const std::size_t i = find_firm(f, q.firm_id[k]);
    if (i < rows(f) && f.exiting[i] == 0) continue;
    keep[k] = 0;
    if (q.grant[k] > 0.0) nifs.scheme.budget.release(q.grant[k]);
    nifs.lapsed += 1.0;
  }
  compact_rows(q, std::span<const std::uint8_t>(keep));
}

}  // namespace nisim::hk
