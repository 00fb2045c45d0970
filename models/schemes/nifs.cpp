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
         {"fraction", 0.0, 1.0, "share of applications approved; calibrated to ~30 lines (2022)"});
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
}

double nifs_grant(const NifsParams& p, int year, double cost) {
  return p.terms.open(year) ? std::min(p.share * cost, p.cap) : 0.0;  // eq. 4.1a
}

int nifs_project_limit(const NifsParams& p, int year) {
  return static_cast<int>(year >= p.concurrent_from ? p.concurrent_max : p.concurrent_before);
}

std::size_t find_firm(const FirmTable& firms, std::uint64_t id) {
  const auto it = std::lower_bound(firms.id.begin(), firms.id.end(), id);
  return it != firms.id.end() && *it == id ? static_cast<std::size_t>(it - firms.id.begin())
                                           : rows(firms);
}

namespace {

void add_project(LineProjects& q, std::uint64_t id, int applied, int done, double grant, int site) {
  q.firm_id.push_back(id);
  q.applied.push_back(applied);
  q.done.push_back(done);
  q.grant.push_back(grant);
  q.site.push_back(static_cast<std::uint8_t>(site));
}

}  // namespace

void nifs_year(Nifs& nifs, FirmTable& f, Land& land, Talent& talent, int year, const NifsParams& np,
               const Params& p, const Rng& rng) {
  LineProjects& q = nifs.projects;
  const double cost = p.line_cost;
  const bool open = np.terms.open(year);
  const int build = static_cast<int>(np.build_years);
  // 1. Applications (eq. 4.1b): the kernel set line_plan only below the project limit.
  for (std::size_t i = 0; i < rows(f); ++i) {
    if (f.line_plan[i] == 0) continue;
    if (open) {
      ++f.projects[i];
      nifs.scheme.applications += 1.0;
      add_project(q, f.id[i], year, 0, 0.0, f.site[i]);
    } else if (land.claim(f.site[i], np.line_floor)) {
      // Closed scheme: the firm builds at its own cost, without a grant or a wait, if it finds
      // the staff; otherwise the line is not built and its floor space is given back.
      if (!talent.hire(np.jobs_per_line)) {
        land.unclaim(f.site[i], np.line_floor);
        continue;
      }
      ++f.projects[i];
      f.cash[i] -= cost;
      nifs.unfunded_lines += 1.0;
      add_project(q, f.id[i], year, year + build, 0.0, f.site[i]);
    }
  }
  // 2. Decisions on applications made approval_lag years ago or earlier (eq. 4.1c).
  std::vector<std::uint8_t>& keep = nifs.keep;  // scratch: no allocation once warmed up
  keep.assign(q.firm_id.size(), 1);
  for (std::size_t k = 0; k < q.firm_id.size(); ++k) {
    if (q.done[k] != 0 || q.applied[k] + np.approval_lag > year) continue;
    const std::size_t i = find_firm(f, q.firm_id[k]);
    const double grant = nifs_grant(np, year, cost);
    // One draw per application, keyed by the firm, the decision year and the application's
    // age (a firm applies at most once a year, so no two of its applications share a draw).
    const auto age = static_cast<std::uint16_t>(std::min(year - q.applied[k], 0xffff));
    bool approved = grant > 0.0 &&
                    rng.uniform(year, q.firm_id[k], purpose::nifs_approval, age) < np.success_rate;
    if (approved && !nifs.scheme.budget.can_commit(grant)) {
      nifs.refused_budget += 1.0;
      approved = false;
    }
    if (approved && !land.claim(q.site[k], np.line_floor)) {
      nifs.refused_land += 1.0;
      approved = false;
    }
    if (approved && !talent.hire(np.jobs_per_line)) {
      land.unclaim(q.site[k], np.line_floor);  // a refused line holds no floor space
      nifs.refused_talent += 1.0;
      approved = false;
    }
    if (!approved) {
      keep[k] = 0;
      if (i < rows(f)) --f.projects[i];
      continue;
    }
    nifs.scheme.budget.commit(grant);
    nifs.scheme.approvals += 1.0;
    nifs.funded_lines += 1.0;
    nifs.tech_jobs += np.jobs_per_line;
    nifs.private_investment += cost - grant;
    f.cash[i] -= cost;  // the firm pays the whole cost; the grant comes on completion
    q.done[k] = year + build;
    q.grant[k] = grant;
  }
  // 3. Completions (eq. 4.1d): the line adds to TFP from next year; the grant is paid.
  for (std::size_t k = 0; k < q.firm_id.size(); ++k) {
    if (!keep[k] || q.done[k] == 0 || q.done[k] > year) continue;
    keep[k] = 0;
    const std::size_t i = find_firm(f, q.firm_id[k]);
    f.log_tfp[i] += line_tfp_gain(f.smart_lines[i], p);
    ++f.smart_lines[i];
    ++f.new_lines[i];
    --f.projects[i];
    f.cash[i] += q.grant[k];
    f.subsidy[i] += q.grant[k];
    if (q.grant[k] > 0.0) nifs.scheme.pay(q.grant[k]);
    nifs.scheme.outcomes += 1.0;
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
