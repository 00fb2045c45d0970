// Phase functions of the yearly step (docs/model.md sections 2.2, 3, 4.1).
#include "models/phases.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include "engine/table.hpp"

namespace nisim::hk {

FirmTotals& FirmTotals::operator+=(const FirmTotals& o) {
  for (int s = 0; s < k_sectors; ++s) {
    value_added[s] += o.value_added[s];
    employment[s] += o.employment[s];
    firms[s] += o.firms[s];
    exits[s] += o.exits[s];
  }
  for (int s = 0; s < k_sites; ++s) floor_space[s] += o.floor_space[s];
  capital += o.capital;
  cash += o.cash;
  smart_lines += o.smart_lines;
  new_lines += o.new_lines;
  grants += o.grants;
  return *this;
}

double FirmTotals::total_value_added() const {
  double sum = 0.0;
  for (double v : value_added) sum += v;
  return sum;
}

static_assert(k_history_sectors == k_sectors && k_history_sites == k_sites);

void History::reserve(std::size_t n) {
  for (auto* v : {&gdp, &nonmfg_va, &mfg_va, &mfg_share_pct, &wage, &firms, &employment, &entries,
                  &exits, &capital, &cash, &smart_lines, &new_lines, &line_grants}) {
    v->reserve(n);
  }
  year.reserve(n);
  va_by_sector.reserve(n * k_sectors);
  employment_by_sector.reserve(n * k_sectors);
  firms_by_sector.reserve(n * k_sectors);
  floor_space_by_site.reserve(n * k_sites);
}

void set_environment(State& st, const Params& p) {
  const int t = st.year;
  st.macro.wage *= 1.0 + p.wage_growth.at(t);  // eq. 3.3d
  // eq. 3.5a: nominal non-manufacturing value added grows at real growth plus inflation.
  st.macro.nonmfg_va *= (1.0 + p.real_growth.at(t)) * (1.0 + p.inflation.at(t));
  st.env.year = t;
  st.env.wage = st.macro.wage;
  // eq. 4.1a: NIFS grant per line = min(share * cost, cap) while the scheme runs.
  const bool nifs_open = p.nifs_enabled && t >= p.nifs_start && t <= p.nifs_end;
  st.env.line_grant = nifs_open ? std::min(p.nifs_share * p.line_cost, p.nifs_cap) : 0.0;
}

void update_firms(State& st, const Params& p) {
  FirmTable& firms = st.firms;
  const FirmEnvironment env = st.env;
  const Rng rng = st.rng;
  st.parallel->for_blocks(rows(firms), [&](std::size_t, std::size_t begin, std::size_t end) {
    update_firm_rows(firms, begin, end, env, p, rng);
  });
}

void account_firms(State& st, const Params&) {
  const FirmTable& f = st.firms;
  auto block_sum = [&f](std::size_t begin, std::size_t end) {
    FirmTotals t;
    for (std::size_t i = begin; i < end; ++i) {
      const int s = f.sector[i];
      t.value_added[s] += f.value_added[i];
      t.employment[s] += f.employment[i];
      t.firms[s] += 1.0;
      t.exits[s] += f.exiting[i];
      t.floor_space[f.site[i]] += f.floor_space[i];
      t.capital += f.capital[i];
      t.cash += f.cash[i];
      t.smart_lines += f.smart_lines[i];
      t.new_lines += f.new_lines[i];
      t.grants += f.subsidy[i];
    }
    return t;
  };
  st.totals = st.parallel->reduce(rows(f), FirmTotals{}, st.partials, block_sum,
                                  [](FirmTotals& acc, const FirmTotals& b) { acc += b; });
}

void remove_exits(State& st, const Params&) {
  FirmTable& f = st.firms;
  st.keep.resize(rows(f));
  for (std::size_t i = 0; i < rows(f); ++i) st.keep[i] = f.exiting[i] == 0;
  st.exits = static_cast<std::int64_t>(
      compact_rows(f, std::span<const std::uint8_t>(st.keep), *st.parallel));
}

void enter_firms(State& st, const Params& p) {
  const int t = st.year;
  // eq. 3.3e: entrants ~ round(lambda + sqrt(lambda) z), lambda = entry rate x incumbents
  // (normal approximation of a Poisson count; the draw is keyed to agent 0).
  const double lambda = p.entry_rate * static_cast<double>(rows(st.firms) + st.exits);
  const double draw = lambda + std::sqrt(lambda) * st.rng.normal(t, 0, purpose::entry_count);
  const auto n_new = static_cast<std::size_t>(std::max(0.0, std::round(draw)));
  std::array<double, k_sectors> cumulative{};
  double acc = 0.0;
  for (int s = 0; s < k_sectors; ++s) cumulative[s] = acc += p.sector[s].entry_share;
  const std::size_t n0 = rows(st.firms);
  resize_rows(st.firms, n0 + n_new);
  // Entrant j gets id next_id + j; its draws are keyed by that id, so rows fill in parallel.
  const std::uint64_t first_id = st.next_id;
  const Rng rng = st.rng;
  const double wage = st.macro.wage;
  FirmTable& firms = st.firms;
  st.parallel->for_blocks(n_new, [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t j = begin; j < end; ++j) {
      const std::uint64_t id = first_id + j;
      const int s = sector_for(cumulative, rng.uniform(t, id, purpose::entry_sector));
      const double size = std::exp(std::log(p.entrant_size_median) +
                                   p.entrant_size_sigma * rng.normal(t, id, purpose::entry_size));
      const int site = site_for(s, rng.uniform(t, id, purpose::entry_site), p.innopark_share);
      init_firm_row(firms, n0 + j, id, s, site, size, 0, wage, p);
    }
  });
  st.next_id += n_new;
  st.entries = static_cast<std::int64_t>(n_new);
}

void account_macro(State& st, const Params&) {
  st.macro.mfg_va = st.totals.total_value_added();
  st.macro.gdp = st.macro.nonmfg_va + st.macro.mfg_va;  // eq. 3.5b
  st.macro.share = st.macro.mfg_va / st.macro.gdp;      // eq. 3.5c
}

void record_year(State& st, const Params&) {
  History& h = st.history;
  const FirmTotals& t = st.totals;
  h.year.push_back(st.year);
  h.gdp.push_back(st.macro.gdp);
  h.nonmfg_va.push_back(st.macro.nonmfg_va);
  h.mfg_va.push_back(st.macro.mfg_va);
  h.mfg_share_pct.push_back(100.0 * st.macro.share);
  h.wage.push_back(st.macro.wage);
  h.firms.push_back(static_cast<double>(rows(st.firms)));
  double employment = 0.0;
  for (double e : t.employment) employment += e;
  h.employment.push_back(employment);
  h.entries.push_back(static_cast<double>(st.entries));
  h.exits.push_back(static_cast<double>(st.exits));
  h.capital.push_back(t.capital);
  h.cash.push_back(t.cash);
  h.smart_lines.push_back(t.smart_lines);
  h.new_lines.push_back(t.new_lines);
  h.line_grants.push_back(t.grants);
  h.va_by_sector.insert(h.va_by_sector.end(), t.value_added.begin(), t.value_added.end());
  h.employment_by_sector.insert(h.employment_by_sector.end(), t.employment.begin(),
                                t.employment.end());
  h.firms_by_sector.insert(h.firms_by_sector.end(), t.firms.begin(), t.firms.end());
  h.floor_space_by_site.insert(h.floor_space_by_site.end(), t.floor_space.begin(),
                               t.floor_space.end());
}

void initialise(State& st, const Params& p) {
  st.year = static_cast<int>(p.base_year);
  const std::size_t years = static_cast<std::size_t>(p.horizon - p.base_year + 1);
  // Room for growth without reallocating inside the year loop in ordinary scenarios.
  reserve_rows(st.firms, static_cast<std::size_t>(static_cast<double>(p.firm_count) * 1.25) + 64);
  st.macro.wage = synthesise_firms(st.firms, p, st.rng, *st.parallel);
  st.next_id = static_cast<std::uint64_t>(p.firm_count) + 1;
  st.macro.nonmfg_va = p.gdp_base * (1.0 - p.mfg_share_base);  // section 3.5
  st.env = {st.year, st.macro.wage, 0.0};
  account_firms(st, p);
  account_macro(st, p);
  st.history.reserve(years);
  record_year(st, p);
}

}  // namespace nisim::hk
