// Start-up births and the start-up schemes: other founders, InnoHK, TSSSU, RAISe+ and the I&T
// Accelerator Pilot Scheme (docs/model.md sections 5.2, 5.6-5.9).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "models/startups/startup_detail.hpp"
#include "models/startups/startups.hpp"

namespace nisim::hk {

namespace {

using startup_detail::add_startup;
using startup_detail::field_for;
using startup_detail::poisson;
using startup_detail::stage_employment;

/// Agent key of the k-th birth of `origin` in a year (purpose startup_birth_field).
std::uint64_t birth_key(Origin origin, std::int64_t k) {
  return (static_cast<std::uint64_t>(origin) << 32) | static_cast<std::uint64_t>(k);
}

/// Poisson count for (year, agent, purpose): uniform index 0, normal index 1 (eq. 5.2a).
std::int64_t count_draw(const Rng& rng, int year, std::uint64_t agent, Purpose what, double mean) {
  return poisson(mean, rng.uniform(year, agent, what, 0), rng.normal(year, agent, what, 1));
}

/// A pre-seed start-up of `origin`, field drawn by its k-th birth key (section 5.2).
std::size_t born_pre_seed(StartupSystem& sys, int year, Origin origin, std::int64_t k,
                          const StartupParams& p, const Rng& rng) {
  const Field f =
      field_for(p, origin, rng.uniform(year, birth_key(origin, k), purpose::startup_birth_field));
  return add_startup(sys, year, origin, f, Stage::pre_seed, stage_employment(p, 0, 0),
                     p.pre_seed_valuation);
}

/// Section 5.2: births from other founders (eq. 5.2a).
void other_births(StartupSystem& sys, int year, const StartupParams& p, const Rng& rng) {
  const double mean = p.births_other.years.empty() ? 0.0 : p.births_other.at(year);
  const std::int64_t n = count_draw(rng, year, static_cast<std::uint64_t>(Origin::other),
                                    purpose::startup_birth_count, mean);
  for (std::int64_t k = 0; k < n; ++k) born_pre_seed(sys, year, Origin::other, k, p, rng);
}

/// Section 5.9: InnoHK pays its researchers (eq. 5.9a) and they spin off start-ups (eq. 5.9b).
void innohk_year(StartupSystem& sys, int year, const StartupParams& p, const Rng& rng) {
  sys.innohk_researchers = 0.0;
  if (!p.innohk.open(year) || p.innohk_researchers.years.empty()) return;
  const double c = p.innohk_cost_per_researcher;
  const double target = std::max(0.0, p.innohk_researchers.at(year));
  const double cost = std::min(target * c, std::max(0.0, sys.innohk.budget.remaining()));
  if (cost > 0.0) sys.innohk.spend(cost);
  const double researchers = cost / c;
  sys.innohk_researchers = researchers;
  sys.innohk.applications = target;
  sys.innohk.approvals = researchers;
  const double mean = researchers / 1000.0 * p.innohk_spinoffs_per_1000;
  const std::int64_t n = count_draw(rng, year, static_cast<std::uint64_t>(Origin::innohk),
                                    purpose::startup_birth_count, mean);
  for (std::int64_t k = 0; k < n; ++k) born_pre_seed(sys, year, Origin::innohk, k, p, rng);
  sys.innohk.outcomes = static_cast<double>(n);
}

/// Section 5.6: TSSSU approvals (eq. 5.6a) and the yearly grant payments (eq. 5.6b).
void tsssu_year(StartupSystem& sys, int year, const StartupParams& p, const Rng& rng) {
  if (p.tsssu.open(year) && !p.tsssu_applications.years.empty() && !p.tsssu_grant.years.empty()) {
    const std::int64_t n =
        count_draw(rng, year, 0, purpose::tsssu_applications, p.tsssu_applications.at(year));
    const double grant = p.tsssu_grant.at(year);
    const double total = grant * static_cast<double>(p.tsssu_years);
    sys.tsssu.applications = static_cast<double>(n);
    for (std::int64_t k = 0; k < n; ++k) {
      const auto app = static_cast<std::uint64_t>(k);
      if (rng.uniform(year, app, purpose::tsssu_approval) >= p.tsssu_approval_rate) continue;
      if (!sys.tsssu.budget.can_commit(total)) break;  // the budget is spent: no more approvals
      sys.tsssu.budget.commit(total);
      const std::size_t row = born_pre_seed(sys, year, Origin::tsssu, k, p, rng);
      sys.table.grant_yearly[row] = grant;
      sys.table.grant_pending[row] = total;
      sys.table.support_until[row] = year + static_cast<std::int32_t>(p.tsssu_years) - 1;
      sys.tsssu.approvals += 1.0;
      sys.tsssu_funded_total += 1.0;
    }
  }
  // Payments run even after the scheme closes, until every commitment is paid (eq. 5.6b).
  StartupTable& t = sys.table;
  for (std::size_t i = 0; i < rows(t); ++i) {
    if (t.grant_pending[i] <= 0.0 || t.support_until[i] < year) continue;
    const double amount = year >= t.support_until[i]
                              ? t.grant_pending[i]
                              : std::min(t.grant_yearly[i], t.grant_pending[i]);
    // Section 7.3: a grant is manufacturing-relevant if its start-up's field can manufacture.
    sys.tsssu.pay(amount, hard_tech(static_cast<Field>(t.field[i])) ? 1.0 : 0.0);
    t.grant_pending[i] = year >= t.support_until[i] ? 0.0 : t.grant_pending[i] - amount;
    t.grant_received[i] += amount;
  }
}

/// Section 5.7: RAISe+ decides the applications of `approval_lag` years earlier (eq. 5.7a);
/// each funded project becomes a seed-stage start-up holding its grant (eq. 5.7b).
void raise_plus_year(StartupSystem& sys, int year, const StartupParams& p, const Rng& rng) {
  const double mean = p.raise_plus_applications;
  if (p.raise_plus.open(year)) {
    sys.raise_plus.applications =
        static_cast<double>(count_draw(rng, year, 0, purpose::raise_plus_applications, mean));
  }
  const int applied = year - static_cast<int>(p.raise_plus_lag);
  if (!p.raise_plus.open(applied)) return;
  const std::int64_t n = count_draw(rng, applied, 0, purpose::raise_plus_applications, mean);
  const double team = p.raise_plus_team * p.raise_plus_hk_share;
  for (std::int64_t k = 0; k < n; ++k) {
    const auto app = static_cast<std::uint64_t>(k);
    if (rng.uniform(applied, app, purpose::raise_plus_approval) >= p.raise_plus_success) continue;
    const double z = rng.normal(applied, app, purpose::raise_plus_grant);
    const double grant = std::clamp(
        p.raise_plus_grant_median * std::exp(p.raise_plus_grant_sigma * z), p.raise_plus_grant_min,
        std::max(p.raise_plus_grant_min, p.raise_plus_grant_max));
    if (!sys.raise_plus.budget.can_commit(grant)) continue;  // smaller grants may still fit
    const Field f = field_for(
        p, Origin::raise_plus,
        rng.uniform(year, birth_key(Origin::raise_plus, k), purpose::startup_birth_field));
    sys.raise_plus.spend(grant, hard_tech(f) ? 1.0 : 0.0);  // by the start-up's field (7.3)
    const std::size_t row = add_startup(sys, year, Origin::raise_plus, f, Stage::seed,
                                        std::max(stage_employment(p, 1, 0), team),
                                        startup_detail::median_post_money(p, 1));
    sys.table.grant_received[row] = grant;
    sys.raise_plus.approvals += 1.0;
    sys.raise_plus.outcomes += 1.0;
    sys.raise_plus_funded_total += 1.0;
  }
}

/// Section 5.8: the accelerator scheme funds accelerators (eq. 5.8a), pays them, and each
/// accelerator it pays this year admits a cohort of early start-ups (eq. 5.8b).
void accelerator_year(StartupSystem& sys, int year, const StartupParams& p, const Rng& rng) {
  if (p.accelerator.open(year)) {
    const auto n = static_cast<std::int64_t>(std::floor(p.accelerator_applications));
    const double grant =
        std::min(p.accelerator_cap, p.accelerator_share * p.accelerator_programme_cost);
    const auto years = static_cast<std::int32_t>(p.accelerator_funded_years);
    sys.accelerator.applications = static_cast<double>(n);
    for (std::int64_t k = 0; k < n && grant > 0.0; ++k) {
      if (!sys.accelerator.budget.can_commit(grant)) break;
      sys.accelerator.budget.commit(grant);
      sys.accelerators.push_back({grant, grant / years, year + years - 1});
      sys.accelerator.approvals += 1.0;
    }
  }
  std::int64_t active = 0;
  for (Accelerator& a : sys.accelerators) {
    if (a.until < year || a.pending <= 0.0) continue;
    const double amount = year >= a.until ? a.pending : std::min(a.yearly, a.pending);
    sys.accelerator.pay(amount);
    a.pending = year >= a.until ? 0.0 : a.pending - amount;
    ++active;
  }
  const auto slots = static_cast<std::size_t>(active * p.accelerator_cohort);
  if (slots == 0) return;
  // Eligible: pre-seed and seed start-ups never accelerated; admitted in order of a uniform draw
  // (ties by id), so admission is random and independent of row order.
  StartupTable& t = sys.table;
  auto& eligible = sys.candidates;
  eligible.clear();
  const auto early = [&t](std::size_t i) {  // pre-seed or seed, never accelerated
    return (t.stage[i] <= static_cast<std::uint8_t>(Stage::seed)) &
           ((t.flags[i] & k_flag_accelerated) == 0);
  };
  startup_detail::for_drawn_chunks(t, rng, year, purpose::accelerator_select, early,
                                   [&](const std::size_t* rows, const double* u, std::size_t m) {
                                     for (std::size_t j = 0; j < m; ++j)
                                       eligible.emplace_back(u[j], rows[j]);
                                   });
  const std::size_t k = std::min(slots, eligible.size());
  std::partial_sort(eligible.begin(), eligible.begin() + static_cast<std::ptrdiff_t>(k),
                    eligible.end());
  for (std::size_t j = 0; j < k; ++j) {
    const std::size_t i = eligible[j].second;
    t.accelerated_until[i] = year + static_cast<std::int32_t>(p.accelerator_years) - 1;
    t.flags[i] |= k_flag_accelerated;
  }
  sys.accelerator_admissions = static_cast<std::int64_t>(k);
  sys.accelerator.outcomes = static_cast<double>(k);
}

}  // namespace

void startup_births(StartupSystem& sys, int year, const StartupParams& p, const Rng& rng) {
  sys.year = year;
  for (Scheme* s : {&sys.tsssu, &sys.raise_plus, &sys.accelerator, &sys.innohk}) s->new_year();
  sys.count_start = static_cast<std::int64_t>(rows(sys.table));
  sys.births = {};
  sys.exits = {};
  sys.exit_value = {};
  sys.graduates = 0;
  sys.rounds_attempted = {};
  sys.rounds_closed = {};
  sys.money_raised = {};
  sys.accelerator_admissions = 0;

  other_births(sys, year, p, rng);
  innohk_year(sys, year, p, rng);
  tsssu_year(sys, year, p, rng);
  raise_plus_year(sys, year, p, rng);
  accelerator_year(sys, year, p, rng);
}

}  // namespace nisim::hk
