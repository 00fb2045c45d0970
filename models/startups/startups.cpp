// The start-up population: base-year synthesis, rounds, exits, graduation and recording
// (docs/model.md sections 5.1, 5.3-5.5, 5.10). Births and schemes: startup_schemes.cpp.
#include "models/startups/startups.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "models/startups/startup_detail.hpp"

namespace nisim::hk {

using startup_detail::for_drawn_chunks;
using startup_detail::k_employment_years;
using startup_detail::median_post_money;
using startup_detail::release_pending;
using startup_detail::stage_employment;

std::size_t find_startup(const StartupTable& table, std::uint64_t id) {
  const auto it = std::lower_bound(table.id.begin(), table.id.end(), id);
  if (it == table.id.end() || *it != id) return rows(table);
  return static_cast<std::size_t>(it - table.id.begin());
}

std::size_t find_startup_from(const StartupTable& table, std::uint64_t id, std::size_t from) {
  const std::size_t n = table.id.size();
  if (from >= n || table.id[from] > id) return find_startup(table, id);
  while (from < n && table.id[from] < id) ++from;
  return from < n && table.id[from] == id ? from : n;
}

void initialise_startups(StartupSystem& sys, const StartupParams& p, int base_year,
                         const Rng& rng) {
  sys = StartupSystem{};
  sys.year = base_year;
  sys.tsssu.budget = Budget(p.tsssu.budget);
  sys.raise_plus.budget = Budget(p.raise_plus.budget);
  sys.accelerator.budget = Budget(p.accelerator.budget);
  sys.innohk.budget = Budget(p.innohk.budget);
  sys.tsssu_funded_total = p.tsssu_funded_to_base;

  // Eq. 5.1a: stage from the normalised base shares; years in stage uniform on {0, 1, 2}; age
  // 2 years per stage passed plus the years in stage.
  double total = 0.0;
  for (const auto& s : p.stage) total += s.base_share;
  const auto n = static_cast<std::size_t>(std::max<std::int64_t>(0, p.base_count));
  reserve_rows(sys.table, n + n / 2);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t id = sys.next_id;
    const double u = rng.uniform(base_year, id, purpose::startup_init_stage);
    int stage = 0;
    double acc = 0.0;
    for (int s = 0; s < k_stages; ++s) {
      acc += total > 0.0 ? p.stage[s].base_share / total : (s == 0 ? 1.0 : 0.0);
      stage = s;
      if (u < acc) break;
    }
    const auto yis =
        static_cast<int>(std::floor(3.0 * rng.uniform(base_year, id, purpose::startup_init_age)));
    const Field f = startup_detail::field_for(
        p, Origin::other, rng.uniform(base_year, id, purpose::startup_init_field));
    const std::size_t row = startup_detail::add_startup(
        sys, base_year - 2 * stage - yis, Origin::other, f, static_cast<Stage>(stage),
        stage_employment(p, stage, yis), median_post_money(p, stage));
    sys.table.years_in_stage[row] = yis;
    for (int s = 1; s <= stage; ++s) sys.table.cash_raised[row] += p.stage[s].round_median;
  }
  sys.births = {};  // the base population is not a birth
  sys.count_start = static_cast<std::int64_t>(n);
}

void request_rounds(const StartupSystem& sys, int year, const StartupParams& p, const Rng& rng,
                    std::vector<RoundRequest>& requests) {
  requests.clear();
  const StartupTable& t = sys.table;
  const auto seeks = [&](std::size_t i) {  // not yet growth, and not born this year
    return (t.stage[i] + 1 < k_stages) & (t.birth_year[i] < year);
  };
  for_drawn_chunks(t, rng, year, purpose::round_attempt, seeks,
                   [&](const std::size_t* rows, const double* u, std::size_t m) {
                     std::size_t k = requests.size();
                     requests.resize(k + m);
                     for (std::size_t j = 0; j < m; ++j) {
                       const std::size_t i = rows[j];
                       const int next = t.stage[i] + 1;
                       RoundRequest& r = requests[k];
                       r.startup_id = t.id[i];
                       r.stage = static_cast<Stage>(next);
                       r.field = static_cast<Field>(t.field[i]);
                       r.hong_kong = true;
                       k += !(u[j] >= p.stage[next].attempt);  // it tries: the request stays
                     }
                     requests.resize(k);
                   });
  // Eq. 5.3a-b: round size lognormal about the stage median; pre-money from the share sold.
  // The normals are drawn 64 at a time.
  alignas(64) double z[k_uniform_lanes];
  for_request_chunks(requests, [&](const std::uint64_t* ids, std::size_t m, std::size_t c) {
    normal_chunk(rng, year, ids, m, purpose::round_amount, 0, z);
    for (std::size_t j = 0; j < m; ++j) {
      RoundRequest& r = requests[c + j];
      const double amount =
          p.stage[static_cast<int>(r.stage)].round_median * std::exp(p.round_sigma * z[j]);
      r.amount = amount;
      r.pre_money = amount * (1.0 - p.share_sold) / p.share_sold;
    }
  });
}

void apply_rounds(StartupSystem& sys, std::span<const RoundRequest> requests,
                  std::span<const RoundOutcome> outcomes, int /*year*/,
                  const StartupParams& /*p*/) {
  if (requests.size() != outcomes.size()) {
    throw std::invalid_argument("apply_rounds: " + std::to_string(requests.size()) +
                                " requests but " + std::to_string(outcomes.size()) + " outcomes");
  }
  StartupTable& t = sys.table;
  std::size_t i = 0;  // requests come in id order: walk the table once (any order still works)
  for (std::size_t k = 0; k < requests.size(); ++k) {
    const RoundRequest& r = requests[k];
    i = find_startup_from(t, r.startup_id, i);
    if (i == rows(t)) {
      throw std::invalid_argument("apply_rounds: no start-up with id " +
                                  std::to_string(r.startup_id));
    }
    const auto s = static_cast<int>(r.stage);
    ++sys.rounds_attempted[s];
    if (!outcomes[k].funded) {  // eq. 5.4a: a failed raise raises the failure hazard
      ++t.failed_raises[i];
      continue;
    }
    const double money = outcomes[k].from_funds + outcomes[k].from_outside;
    t.stage[i] = static_cast<std::uint8_t>(s);
    t.years_in_stage[i] = 0;
    t.post_money[i] = r.pre_money + money;  // eq. 5.3c
    t.cash_raised[i] += money;
    t.failed_raises[i] = 0;
    ++sys.rounds_closed[s];
    sys.money_raised[s] += money;
    if (t.origin[i] == static_cast<std::uint8_t>(Origin::tsssu)) sys.tsssu.outcomes += 1.0;
  }
}

void startup_outcomes(StartupSystem& sys, int year, const StartupParams& p, const Rng& rng,
                      std::vector<StartupExit>& exits) {
  exits.clear();
  StartupTable& t = sys.table;
  const std::size_t n = rows(t);
  sys.keep.assign(n, 1);
  // Eq. 5.1b for every stage and year in stage (it stops growing after 10 years).
  std::array<std::array<double, k_employment_years>, k_stages> employment{};
  for (int s = 0; s < k_stages; ++s) {
    for (int y = 0; y < k_employment_years; ++y) employment[s][y] = stage_employment(p, s, y);
  }
  const auto all = [](std::size_t) { return true; };
  for_drawn_chunks(
      t, rng, year, purpose::startup_exit, all,
      [&](const std::size_t* rows, const double* u, std::size_t m) {
        // Survivors are updated without a branch; exits are listed, then handled in row order.
        std::size_t gone[k_uniform_lanes];
        double gone_u[k_uniform_lanes], gone_h[k_uniform_lanes];
        std::size_t ng = 0;
        for (std::size_t j = 0; j < m; ++j) {
          const std::size_t i = rows[j];
          const int s = t.stage[i];
          const StartupStageParams& sp = p.stage[s];
          // Eq. 5.4a: the stage hazard, raised by failed raises, lowered while a scheme supports
          // it.
          double h = sp.failure * (1.0 + p.failed_raise_penalty * t.failed_raises[i]);
          if (t.support_until[i] >= year) h *= p.tsssu_hazard_factor;
          if (t.accelerated_until[i] >= year) h *= p.accelerator_hazard_factor;
          h = std::min(1.0, h);
          const bool exits_now =
              (u[j] < h) | (u[j] < h + sp.acquisition) | (u[j] < h + sp.acquisition + sp.listing);
          // Survivor: eq. 5.1b, employment grows within the stage and never falls.
          const int years = t.years_in_stage[i] + (exits_now ? 0 : 1);
          const double grown = years >= 0 ? employment[s][std::min(years, k_employment_years - 1)]
                                          : stage_employment(p, s, years);
          t.years_in_stage[i] = years;
          t.employment[i] = exits_now ? t.employment[i] : std::max(t.employment[i], grown);
          sys.keep[i] = exits_now ? 0 : 1;
          gone[ng] = i;
          gone_u[ng] = u[j];
          gone_h[ng] = h;
          ng += exits_now ? 1 : 0;
        }
        for (std::size_t g = 0; g < ng; ++g) {
          const std::size_t i = gone[g];
          const StartupStageParams& sp = p.stage[t.stage[i]];
          const double h = gone_h[g];
          StartupExit e;
          e.startup_id = t.id[i];
          e.kind = gone_u[g] < h                    ? StartupExit::Kind::failure
                   : gone_u[g] < h + sp.acquisition ? StartupExit::Kind::acquisition
                                                    : StartupExit::Kind::listing;
          if (e.kind != StartupExit::Kind::failure) {  // eq. 5.4b: lognormal multiple on post-money
            const double z = rng.normal(year, t.id[i], purpose::startup_exit_value);
            e.equity_value = t.post_money[i] * std::exp(p.exit_log_mean + p.exit_log_sigma * z);
          }
          const auto kind = static_cast<int>(e.kind);
          ++sys.exits[kind];
          sys.exit_value[kind] += e.equity_value;
          exits.push_back(e);
          release_pending(sys, i);
        }
      });
  compact_rows(t, sys.keep);
}

void propose_graduates(const StartupSystem& sys, int year, const StartupParams& p, const Rng& rng,
                       std::vector<Graduate>& graduates) {
  graduates.clear();
  const StartupTable& t = sys.table;
  // Hard tech at Series B or later, by bit masks over fields and stages (no branch per row).
  constexpr unsigned hard = startup_detail::field_mask(hard_tech);
  constexpr unsigned late = ~0U << static_cast<unsigned>(Stage::series_b);
  const auto ready = [&](std::size_t i) {
    return startup_detail::bit(hard, t.field[i]) & startup_detail::bit(late, t.stage[i]);
  };
  for_drawn_chunks(t, rng, year, purpose::startup_graduation, ready,
                   [&](const std::size_t* rows, const double* u, std::size_t m) {
                     for (std::size_t j = 0; j < m; ++j) {
                       if (u[j] >= p.graduation_rate) continue;
                       // Eq. 5.5a: the plant's employment, investment and floor space.
                       const std::size_t i = rows[j];
                       Graduate g;
                       g.startup_id = t.id[i];
                       g.field = static_cast<Field>(t.field[i]);
                       g.employment = t.employment[i] * p.graduate_scale_up;
                       g.investment = g.employment * p.graduate_capital_per_worker;
                       g.floor_space = g.employment * p.graduate_floor_per_worker;
                       graduates.push_back(g);
                     }
                   });
}

void graduate(StartupSystem& sys, std::span<const std::uint64_t> accepted) {
  StartupTable& t = sys.table;
  sys.keep.assign(rows(t), 1);
  for (const std::uint64_t id : accepted) {
    const std::size_t i = find_startup(t, id);
    if (i == rows(t) || sys.keep[i] == 0) {
      throw std::invalid_argument("graduate: id " + std::to_string(id) +
                                  " is not a current start-up (or is listed twice)");
    }
    sys.keep[i] = 0;
  }
  for (std::size_t i = 0; i < rows(t); ++i) {
    if (sys.keep[i] == 0) release_pending(sys, i);
  }
  const std::size_t removed = compact_rows(t, sys.keep);
  sys.graduates += static_cast<std::int64_t>(removed);
  sys.graduated_total += static_cast<std::int64_t>(removed);
}

namespace {
template <class T, std::size_t N>
void append(std::vector<double>& out, const std::array<T, N>& values) {
  for (const T& v : values) out.push_back(static_cast<double>(v));
}
}  // namespace

void record_startups(const StartupSystem& sys, int year, StartupHistory& h) {
  const StartupTable& t = sys.table;
  // Counts by comparison, one pass per stage and field (vectorised; whole numbers, so the same
  // doubles as adding 1.0 per row).
  const std::size_t n = rows(t);
  std::array<double, k_stages> by_stage{};
  std::array<double, k_fields> by_field{};
  for (int s = 0; s < k_stages; ++s) {
    std::int64_t c = 0;
    for (std::size_t i = 0; i < n; ++i) c += t.stage[i] == s;
    by_stage[s] = static_cast<double>(c);
  }
  for (int f = 0; f < k_fields; ++f) {
    std::int64_t c = 0;
    for (std::size_t i = 0; i < n; ++i) c += t.field[i] == f;
    by_field[f] = static_cast<double>(c);
  }
  double employment = 0.0;
  for (std::size_t i = 0; i < n; ++i) employment += t.employment[i];
  h.year.push_back(year);
  h.count.push_back(static_cast<double>(rows(t)));
  h.employment.push_back(employment);
  append(h.count_by_stage, by_stage);
  append(h.count_by_field, by_field);
  append(h.births_by_origin, sys.births);
  append(h.exits_by_kind, sys.exits);
  append(h.exit_value_by_kind, sys.exit_value);
  h.graduates.push_back(static_cast<double>(sys.graduates));
  append(h.rounds_attempted_by_stage, sys.rounds_attempted);
  append(h.rounds_closed_by_stage, sys.rounds_closed);
  append(h.money_raised_by_stage, sys.money_raised);
  h.tsssu_funded_total.push_back(sys.tsssu_funded_total);
  h.raise_plus_funded.push_back(sys.raise_plus.approvals);
  h.accelerator_admissions.push_back(static_cast<double>(sys.accelerator_admissions));
  h.innohk_researchers.push_back(sys.innohk_researchers);
  for (const Scheme* s : {&sys.tsssu, &sys.raise_plus, &sys.accelerator, &sys.innohk}) {
    h.scheme_applications.push_back(s->applications);
    h.scheme_approvals.push_back(s->approvals);
    h.scheme_paid.push_back(s->paid);
    h.scheme_outcomes.push_back(s->outcomes);
    h.scheme_spent.push_back(s->budget.spent());
    h.scheme_committed.push_back(s->budget.committed());
  }
}

}  // namespace nisim::hk
