// Phase functions of the yearly step (docs/model.md sections 2.2, 3, 4.1).
#include "models/phases.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include "engine/table.hpp"
#include "models/factors/floor_market.hpp"
#include "models/factors/tech_staff.hpp"
#include "models/ledgers.hpp"
#include "models/plants.hpp"

namespace nisim::hk {

FirmTotals& FirmTotals::operator+=(const FirmTotals& o) {
  for (int s = 0; s < k_sectors; ++s) {
    value_added[s] += o.value_added[s];
    employment[s] += o.employment[s];
    firms[s] += o.firms[s];
    exits[s] += o.exits[s];
  }
  for (int s = 0; s < k_sites; ++s) floor_space[s] += o.floor_space[s];
  for (std::size_t k = 0; k < floor_sector_site.size(); ++k) {
    floor_sector_site[k] += o.floor_sector_site[k];
  }
  capital += o.capital;
  cash += o.cash;
  smart_lines += o.smart_lines;
  new_lines += o.new_lines;
  grants += o.grants;
  outside_va += o.outside_va;
  outside_employment += o.outside_employment;
  outside_firms += o.outside_firms;
  outside_exits += o.outside_exits;
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
  price_by_sector.reserve(n * k_sectors);
  real_va_by_sector.reserve(n * k_sectors);
  employment_by_sector.reserve(n * k_sectors);
  firms_by_sector.reserve(n * k_sectors);
  floor_space_by_site.reserve(n * k_sites);
  for (auto* v : {&supply_by_site, &occupied_by_site, &rent_by_site, &refused_by_site}) {
    v->reserve(n * k_sites);
  }
  for (auto* v : {&scheme_budget, &scheme_committed, &scheme_spent, &scheme_remaining,
                  &scheme_applications, &scheme_approvals, &scheme_paid, &scheme_outcomes,
                  &scheme_paid_mfg, &scheme_paid_other, &scheme_spent_mfg, &scheme_spent_other}) {
    v->reserve(n * 32);
  }
  series.reserve(256);
  capacity = n;
}

void History::put(std::string_view name, const char* units, const char* long_name, double v) {
  for (auto& s : series) {
    if (s.name == name) {
      s.values.push_back(v);
      return;
    }
  }
  series.push_back({std::string(name), units, long_name, {}});
  series.back().values.reserve(capacity);
  series.back().values.push_back(v);
}

const std::vector<double>* History::find(std::string_view name) const {
  for (const auto& s : series) {
    if (s.name == name) return &s.values;
  }
  return nullptr;
}

SchemeList schemes_of(const State& st) {
  return {{{"nifs", &st.nifs.scheme},
           {"nias", &st.enterprises.nias},
           {"rth", &st.talent.rth},
           {"nittp", &st.talent.nittp},
           {"ess", &st.talent.ess},
           {"tsssu", &st.startups.tsssu},
           {"raise_plus", &st.startups.raise_plus},
           {"accelerator", &st.startups.accelerator},
           {"innohk", &st.startups.innohk},
           {"itvf", &st.funds.itvf},
           {"iof", &st.funds.iof}}};
}

void set_environment(State& st, const Params& p) {
  const int t = st.year;
  renew_budgets(st, p);  // eq. 4.0a, before the schemes reset last year's payments
  st.macro.wage *= 1.0 + p.wage_growth.at(t);  // eq. 3.3d
  // eq. 3.5a: nominal non-manufacturing value added grows at real growth plus inflation.
  st.macro.nonmfg_va *= (1.0 + p.real_growth.at(t)) * (1.0 + p.inflation.at(t));
  st.env.year = t;
  st.env.wage = st.macro.wage;
  st.env.line_grant = nifs_grant(p.nifs, t, p.line_cost);  // eq. 4.1a
  st.env.project_limit = nifs_project_limit(p.nifs, t);    // eq. 4.1b
  st.env.line_floor = p.nifs.line_floor;
  st.env.tfp_bonus = st.knowledge.tfp_bonus;                 // eq. 4.5f, from last year's stocks
  demand_year(st.demand, p.demand, t, p.real_growth.at(t));  // eq. 3.9b
  st.env.log_price = st.demand.log_price;                    // eq. 3.9d: plan at last price
  set_land_year(st.land, t, p.land);                         // eqs. 3.6c-d
  for (int s = 0; s < k_sites; ++s) {
    st.env.floor_factor[s] = st.land.floor_factor[s];
    st.env.rent_extra[s] = st.land.rent[s] - p.land.sites[s].rent_base;
  }
  // eq. 3.6h: the scarcity rent each sector weighs when it hires, from last year's floor space
  // by sector and site; eqs. 4.6d-e: the technical wage from last year's free share.
  st.env.floor_cost = floor_scarcity_cost(st.totals.floor_sector_site, st.land, p.land, p);
  tech_new_year(st.tech);
  st.tech.wage_factor = tech_wage_factor(st.tech.free_share, p.tech);
  st.env.wage_factor = sector_wage_factors(st.tech.wage_factor, p);
  st.nifs.new_year();
  st.enterprises.new_year();
  st.talent.new_year();
  st.plants_started = 0;
}

void update_firms(State& st, const Params& p) {
  FirmTable& firms = st.firms;
  const FirmEnvironment env = st.env;
  const Rng rng = st.rng;
  st.parallel->for_blocks(rows(firms), [&](std::size_t, std::size_t begin, std::size_t end) {
    update_firm_rows(firms, begin, end, env, p, rng);
  });
}

void allocate_floor(State& st, const Params&) {
  FirmTable& f = st.firms;
  using Sums = std::array<double, k_sites>;
  const Sums demand = st.parallel->reduce(
      rows(f), Sums{}, st.site_partials,
      [&f](std::size_t begin, std::size_t end) {
        Sums d{};
        for (std::size_t i = begin; i < end; ++i) d[f.site[i]] += f.floor_space[i];
        return d;
      },
      [](Sums& acc, const Sums& b) {
        for (int s = 0; s < k_sites; ++s) acc[s] += b[s];
      });
  const Sums kappa = ration_floor(st.land, demand);  // eq. 3.6f
  bool any = false;
  for (double k : kappa) any |= k < 1.0;
  if (!any) return;
  st.parallel->for_blocks(rows(f), [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) f.floor_space[i] *= kappa[f.site[i]];
  });
}

void staff_and_knowledge(State& st, const Params& p) {
  // eqs. 4.3a-b, 4.4a-e; InnoHK researchers of last year feed the knowledge channel (4.5).
  st.talent.mfg_firms = static_cast<double>(rows(st.firms));  // the RTH cap (eq. 4.4d)
  st.tech.pool_start = st.talent.pool;
  talent_inflow(st.talent, st.year, p.talent);
  incumbents_hire(st.tech, st.talent,
                  p.tech.release_to_pool);  // eq. 4.6b: incumbents draw first, before any project
  const double refused = st.talent.refused;
  talent_schemes(st.talent, st.year, p.talent, st.startups.innohk_researchers);
  st.tech.refused_rth += st.talent.refused - refused;  // RTH posts in manufacturing (eq. 4.4e)
}

void fund_lines(State& st, const Params& p) {
  const double refused = st.talent.refused;
  nifs_year(st.nifs, st.firms, st.land, st.talent, st.year, p.nifs, p, st.rng);  // eqs. 4.1b-e
  st.tech.refused_nifs += st.talent.refused - refused;
}

namespace {
/// Ids of firms born after the base year (section 2.3). Base-year firms are 1..N. A firm born in
/// year t gets (t << 40) + k: NIAS plants and graduating start-ups take k = 0, 1, ... in the
/// order they start; entrants take k = 2^39 + j. Ids still rise with the row (plants join
/// before the year's entrants), and entrant j of year t has the same id, hence the same random
/// draws, in every scenario, whatever plants the policy creates (common random numbers).
constexpr std::uint64_t k_entrant_offset = std::uint64_t{1} << 39;
constexpr std::uint64_t born_id(int year, std::uint64_t k) {
  return (static_cast<std::uint64_t>(year) << 40) + k;
}

/// A firm created during the year by a completed NIAS facility or a graduating start-up.
struct PlantSpec {
  int sector = 0;
  int site = 0;
  double investment = 0.0;  ///< I, HK$ M: sets capital, output and employment (eqs. 3.8a-d)
  double grant = 0.0;       ///< grant received on completion, HK$ M
  int lines = 0;            ///< smart lines it starts with
  double floor = -1.0;      ///< floor space, m2 (< 0: the sector's floor per worker, eq. 3.6a)
  bool claim = true;        ///< claim the floor space now (false: handed over, eq. 4.2e)
};

/// Append one plant sized by its investment (section 3.8) as `spec` describes: at its optimum
/// for capital c I, producing 1/R of full output in its first year (eq. 3.8e); outside official
/// manufacturing if it is an AI/data plant (section 7.1).
void add_plant_firm(State& st, const Params& p, const PlantSpec& spec) {
  const std::size_t row = rows(st.firms);
  resize_rows(st.firms, row + 1);
  const std::uint64_t id = born_id(st.year, st.plants_started++);
  // At this year's cleared price (3.9) and the sector's wage with its technical wage (4.6e).
  init_plant_row(st.firms, row, id, spec.sector, spec.site, spec.investment,
                 st.macro.wage * st.env.wage_factor[spec.sector], p,
                 st.demand.log_price[spec.sector]);
  st.next_id = id + 1;
  FirmTable& f = st.firms;
  if (spec.floor >= 0.0) f.floor_space[row] = spec.floor;
  f.smart_lines[row] = static_cast<std::uint8_t>(spec.lines);
  f.new_lines[row] = static_cast<std::uint8_t>(spec.lines);  // a smart facility's line
  f.subsidy[row] = spec.grant;
  f.cash[row] += spec.grant;
  if (spec.claim) st.land.claim(spec.site, f.floor_space[row]);
}
}  // namespace

void attract_enterprises(State& st, const Params& p) {
  std::array<double, 10> floor{}, jobs{}, ib_ok{};
  for (int s = 0; s < k_sectors; ++s) {
    floor[s] = p.sector[s].floor_per_worker;
    // eqs. 3.8a-c at the sector's wage with its technical wage (eq. 4.6e).
    jobs[s] = plant_jobs_per_investment(s, st.macro.wage * st.env.wage_factor[s], p);
    ib_ok[s] = industrial_buildings_suit(s, p) ? 1.0 : 0.0;  // eq. 3.6i
  }
  const double refused = st.talent.refused;
  enterprises_year(st.enterprises, st.land, st.talent, st.year, p.nias, p.enterprises, floor, jobs,
                   st.rng, ib_ok);  // eqs. 4.2a-e
  st.tech.refused_nias += st.talent.refused - refused;
  for (const NewPlant& plant : st.enterprises.plants) {
    // The facility's technical staff, hired when it committed, join firms' employment now.
    st.tech.plant_hires += p.enterprises.tech_share * plant.employment;
    // The facility's space passes from its reservation to the new firm (eq. 4.2e).
    add_plant_firm(st, p,
                   {.sector = plant.sector,
                    .site = plant.site,
                    .investment = plant.investment,
                    .grant = plant.grant,
                    .lines = 1,
                    .claim = false});
    if (plant.grant > 0.0) st.talent.nias_posts_pending += p.talent.rth_nias_posts;
  }
}

void start_ventures(State& st, const Params& p) {
  startup_births(st.startups, st.year, p.startups, st.rng);  // sections 5.2, 5.6-5.9
  launch_funds(st.funds, st.year, p.funds, st.rng);          // sections 6.2, 6.5, 6.6
}

void venture_rounds(State& st, const Params& p) {
  request_rounds(st.startups, st.year, p.startups, st.rng, st.requests);        // 5.3
  clear_rounds(st.funds, st.requests, st.outcomes, st.year, p.funds, st.rng);   // 6.3-6.4
  invest_chain_leading(st.funds, st.year, st.enterprises.landed_cum, p.funds);  // 6.6
  apply_rounds(st.startups, st.requests, st.outcomes, st.year, p.startups);     // 5.3
}

void venture_outcomes(State& st, const Params& p) {
  startup_outcomes(st.startups, st.year, p.startups, st.rng, st.startup_exits);  // 5.4
  realise_exits(st.funds, st.startup_exits, st.year);                            // 6.7
  close_year(st.funds, st.year, p.funds);                                        // 6.1, 6.7
}

namespace {
/// Manufacturing sector of a graduating start-up's field (section 5.5).
int sector_of(Field f) {
  switch (f) {
    case Field::life_health_tech:
      return 7;
    case Field::ai_data:
      return 8;
    case Field::advanced_mfg_new_energy:
      return 9;
    default:
      return 4;  // hardware: electronics
  }
}
}  // namespace

void graduate_startups(State& st, const Params& p) {
  propose_graduates(st.startups, st.year, p.startups, st.rng, st.graduates);
  st.accepted.clear();
  for (const Graduate& g : st.graduates) {
    // eq. 5.5c: the first site of its sector's list (eq. 4.2d), else industrial buildings,
    // with room for the plant's floor space; and technical staff from the pool. The plant is
    // sized by the start-up's investment (eqs. 3.8a-d): its staff L and floor space
    // (startups.graduation.floor_per_worker per person) follow.
    const int sector = sector_of(g.field);
    const double staff =
        g.investment * plant_jobs_per_investment(sector, st.macro.wage * st.env.wage_factor[sector],
                                                 p);  // eq. 4.6e
    const double floor = g.floor_space / g.employment * staff;
    int chosen = -1;
    for (int s : preferred_sites(sector)) {
      if (st.land.vacant(s) >= floor) {
        chosen = s;
        break;
      }
    }
    // eq. 3.6i: industrial buildings only for a sector they suit.
    if (chosen < 0 && industrial_buildings_suit(sector, p) &&
        st.land.vacant(site::industrial_buildings) >= floor) {
      chosen = site::industrial_buildings;
    }
    if (chosen < 0) continue;
    if (!st.talent.hire(p.graduate_tech_share * staff)) {
      st.tech.refused_graduates += p.graduate_tech_share * staff;
      continue;
    }
    st.tech.plant_hires += p.graduate_tech_share * staff;
    // The plant starts at its optimum for the capital its investment buys (section 3.8) with
    // the floor space it claims; both then adjust like any firm's (eqs. 3.2d, 3.6a).
    add_plant_firm(st, p,
                   {.sector = sector, .site = chosen, .investment = g.investment, .floor = floor});
    st.accepted.push_back(g.startup_id);
  }
  graduate(st.startups, st.accepted);
}

void account_firms(State& st, const Params& p) {
  const FirmTable& f = st.firms;
  auto block_sum = [&f](std::size_t begin, std::size_t end) {
    FirmTotals t;
    // The scalar sums run in locals (registers), not in t's members: one memory round trip per
    // row and sum otherwise. Same order of additions, so the same bits.
    double outside_va = 0.0, outside_employment = 0.0, outside_firms = 0.0, outside_exits = 0.0;
    double capital = 0.0, cash = 0.0, smart_lines = 0.0, new_lines = 0.0, grants = 0.0;
    for (std::size_t i = begin; i < end; ++i) {
      // Sections 3.7, 7.1: official manufacturing by sector; plants outside it apart.
      const int s = f.sector[i];
      const double in = f.official[i], out = 1.0 - in;
      t.value_added[s] += in * f.value_added[i];
      t.employment[s] += in * f.employment[i];
      t.firms[s] += in;
      t.exits[s] += in * f.exiting[i];
      outside_va += out * f.value_added[i];
      outside_employment += out * f.employment[i];
      outside_firms += out;
      outside_exits += out * f.exiting[i];
      t.floor_space[f.site[i]] += f.floor_space[i];
      t.floor_sector_site[static_cast<std::size_t>(s) * k_sites + f.site[i]] += f.floor_space[i];
      capital += f.capital[i];
      cash += f.cash[i];
      smart_lines += f.smart_lines[i];
      new_lines += f.new_lines[i];
      grants += f.subsidy[i];
    }
    t.outside_va = outside_va;
    t.outside_employment = outside_employment;
    t.outside_firms = outside_firms;
    t.outside_exits = outside_exits;
    t.capital = capital;
    t.cash = cash;
    t.smart_lines = smart_lines;
    t.new_lines = new_lines;
    t.grants = grants;
    return t;
  };
  st.totals = st.parallel->reduce(rows(f), FirmTotals{}, st.partials, block_sum,
                                  [](FirmTotals& acc, const FirmTotals& b) { acc += b; });
  // eqs. 4.6a, 4.6c: technical staff employed and the free share at year end.
  tech_year_end(st.tech, tech_employment(st.totals.employment, st.totals.outside_employment, p),
                st.talent.pool, st.year == static_cast<int>(p.base_year));
}

void remove_exits(State& st, const Params&) {
  FirmTable& f = st.firms;
  nifs_lapse(st.nifs, f);  // projects of exiting firms lapse (section 4.1)
  st.keep.resize(rows(f));
  for (std::size_t i = 0; i < rows(f); ++i) st.keep[i] = f.exiting[i] == 0;
  // Survivors keep their rows in order; the year's flows (grants, lines completed) and the exit
  // flag restart at zero for every survivor, written once rather than moved (section 4.1).
  st.exits = static_cast<std::int64_t>(
      compact_rows_clearing(f, std::span<const std::uint8_t>(st.keep), *st.parallel));
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
  // Entrant j gets id born_id(t, 2^39 + j); its draws are keyed by that id, so rows fill in
  // parallel and entrant j draws the same numbers in every scenario.
  const std::uint64_t first_id = born_id(t, k_entrant_offset);
  const Rng rng = st.rng;
  const double wage = st.macro.wage;
  const std::array<double, k_sectors> wage_factor = st.env.wage_factor;  // eq. 4.6e
  const Demand::Sectors log_price = st.demand.log_price;  // this year's cleared prices (3.9)
  FirmTable& firms = st.firms;
  st.parallel->for_blocks(n_new, [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t j = begin; j < end; ++j) {
      const std::uint64_t id = first_id + j;
      const int s = sector_for(cumulative, rng.uniform(t, id, purpose::entry_sector));
      const double size = std::exp(std::log(p.entrant_size_median) +
                                   p.entrant_size_sigma * rng.normal(t, id, purpose::entry_size));
      // eq. 3.6b; eq. 3.6i: a sector that industrial buildings do not suit goes to the estates.
      const int site = entrant_site(
          s, site_for(s, rng.uniform(t, id, purpose::entry_site), p.innopark_share), p);
      init_firm_row(firms, n0 + j, id, s, site, size, 0, wage * wage_factor[s], p, log_price[s]);
    }
  });
  // eq. 3.6g: each entrant claims its floor space, at its site or else in industrial
  // buildings; one that finds none does not enter.
  std::size_t kept = 0;
  st.keep.assign(rows(firms), 1);
  for (std::size_t j = 0; j < n_new; ++j) {
    const std::size_t i = n0 + j;
    if (!st.land.claim(firms.site[i], firms.floor_space[i])) {
      if (!industrial_buildings_suit(firms.sector[i], p)) {
        st.keep[i] = 0;  // eq. 3.6i: no fallback for a sector industrial buildings do not suit
        continue;
      }
      firms.site[i] = site::industrial_buildings;
      if (!st.land.claim(site::industrial_buildings, firms.floor_space[i])) {
        st.keep[i] = 0;
        continue;
      }
    }
    ++kept;
  }
  if (kept < n_new) compact_rows(firms, std::span<const std::uint8_t>(st.keep));
  if (n_new > 0) st.next_id = first_id + n_new;
  st.entries = static_cast<std::int64_t>(kept);
}

void account_macro(State& st, const Params& p) {
  Macro& m = st.macro;
  m.mfg_va = st.totals.total_value_added();
  m.outside_va = st.totals.outside_va;
  m.gdp = m.nonmfg_va + m.mfg_va + m.outside_va;  // eq. 3.5b
  m.share = m.mfg_va / m.gdp;                     // eq. 3.5c
  // eqs. 7.1a-c: the wider definitions. Offshore production keeps its 2023 share of GDP
  // (growing at offshore_growth); support services keep their base share of GDP and add
  // support_multiplier per HK$ of manufacturing value added above its base-year level.
  const double years = static_cast<double>(st.year - 2023);
  m.offshore_va = p.wider.offshore_share * std::pow(1.0 + p.wider.offshore_growth, years) * m.gdp;
  m.support_va = p.wider.support_share * m.gdp +
                 p.wider.support_multiplier * std::max(0.0, m.mfg_va - st.mfg_va_base);
  // eq. 7.1c: plants outside official manufacturing (AI/data) count in the wider measures.
  m.share_offshore = (m.mfg_va + m.outside_va + m.offshore_va) / m.gdp;
  m.share_wide = (m.mfg_va + m.outside_va + m.offshore_va + m.support_va) / m.gdp;
  // eq. 3.9f: volumes at base-year prices. Each sector's value added deflated by its own price
  // (plants outside official manufacturing by the AI/data price); non-manufacturing value added
  // by its real growth alone.
  m.mfg_va_real = 0.0;
  for (int s = 0; s < k_sectors; ++s) {
    m.real_va[s] = st.totals.value_added[s] * std::exp(-st.demand.log_price[s]);
    m.mfg_va_real += m.real_va[s];
  }
  m.outside_va_real = m.outside_va * std::exp(-st.demand.log_price[k_ai_data_sector]);
  m.nonmfg_va_real = p.gdp_base * (1.0 - p.mfg_share_base) * std::exp(st.demand.log_real_growth);
  m.gdp_real = m.nonmfg_va_real + m.mfg_va_real + m.outside_va_real;
  m.share_real = m.mfg_va_real / m.gdp_real;
}

void update_knowledge(State& st, const Params& p) {
  // eqs. 4.5a-f: the stocks at the end of t and the TFP bonus for t + 1.
  double employment = 0.0;
  for (double e : st.totals.employment) employment += e;
  knowledge_year(st.knowledge, p.knowledge, st.year - static_cast<int>(p.base_year), st.mfg_va_base,
                 st.talent.rd_spending, st.talent.nittp.outcomes, employment, st.macro.mfg_va);
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
  h.line_grants.push_back(st.nifs.scheme.paid);  // NIFS only (NIAS grants: scheme_paid)
  h.va_by_sector.insert(h.va_by_sector.end(), t.value_added.begin(), t.value_added.end());
  h.employment_by_sector.insert(h.employment_by_sector.end(), t.employment.begin(),
                                t.employment.end());
  h.firms_by_sector.insert(h.firms_by_sector.end(), t.firms.begin(), t.firms.end());
  for (int s = 0; s < k_sectors; ++s) {
    h.price_by_sector.push_back(std::exp(st.demand.log_price[s]));
    h.real_va_by_sector.push_back(st.macro.real_va[s]);
  }
  h.floor_space_by_site.insert(h.floor_space_by_site.end(), t.floor_space.begin(),
                               t.floor_space.end());
  const Land& land = st.land;
  for (int s = 0; s < k_sites; ++s) {
    h.supply_by_site.push_back(land.supply[s]);
    h.occupied_by_site.push_back(land.occupied(s));
    h.rent_by_site.push_back(land.rent[s]);
    h.refused_by_site.push_back(land.refused[s]);
  }
  h.put("innopark_centres_floor", "m2",
        "advanced-manufacturing floor area of the HKSTP centres (supply)",
        land.supply[site::innopark_centres]);
  const auto schemes = schemes_of(st);
  if (h.scheme_names.empty()) {
    for (const auto& [name, scheme] : schemes) h.scheme_names.emplace_back(name);
  }
  for (const auto& [name, sc] : schemes) {
    h.scheme_budget.push_back(sc->budget.total());
    h.scheme_committed.push_back(sc->budget.committed());
    h.scheme_spent.push_back(sc->budget.spent());
    h.scheme_remaining.push_back(sc->budget.remaining());
    h.scheme_applications.push_back(sc->applications);
    h.scheme_approvals.push_back(sc->approvals);
    h.scheme_paid.push_back(sc->paid);
    h.scheme_outcomes.push_back(sc->outcomes);
    h.scheme_paid_mfg.push_back(sc->paid_mfg);  // section 7.3
    h.scheme_paid_other.push_back(sc->paid_other);
    h.scheme_spent_mfg.push_back(sc->budget.spent_mfg());
    h.scheme_spent_other.push_back(sc->budget.spent_other());
  }
  const Macro& m = st.macro;
  h.put("mfg_share_offshore", "percent",
        "manufacturing, plants outside it (AI/data) and offshore production, share of GDP",
        100.0 * m.share_offshore);
  h.put("mfg_share_wide", "percent",
        "manufacturing, plants outside it, offshore production and industrial support services, "
        "share of GDP",
        100.0 * m.share_wide);
  h.put("outside_va", "HK$ M",
        "value added of plants outside official manufacturing (AI/data, section 7.1)",
        m.outside_va);
  h.put("outside_employment", "persons",
        "persons engaged in plants outside official manufacturing (section 7.1)",
        t.outside_employment);
  h.put("outside_firms", "plants", "plants outside official manufacturing (section 7.1)",
        t.outside_firms);
  h.put("offshore_va", "HK$ M", "offshore production by Hong Kong firms", m.offshore_va);
  h.put("mfg_share_real", "percent",
        "manufacturing share of GDP in volumes, at base-year prices (section 3.9)",
        100.0 * m.share_real);
  h.put("mfg_va_real", "HK$ M", "manufacturing value added at base-year prices (section 3.9)",
        m.mfg_va_real);
  h.put("gdp_real", "HK$ M", "GDP at basic prices, at base-year prices (section 3.9)", m.gdp_real);
  h.put("demand_index", "index, base year = 1",
        "demand level for Hong Kong manufacturing relative to the base year (eq. 3.9b)",
        st.demand.demand_index);
  h.put("support_va", "HK$ M", "industrial support services", m.support_va);
  const Nifs& n = st.nifs;
  h.put("nifs_funded_projects", "projects", "NIFS projects approved with a grant, cumulative",
        n.funded_projects);
  h.put("nifs_funded_lines", "lines", "lines in NIFS projects approved with a grant, cumulative",
        n.funded_lines);
  h.put("nifs_nonadditional_lines", "lines",
        "NIFS-funded lines that paid without the grant (eq. 4.1h), cumulative",
        n.nonadditional_lines);
  h.put("nifs_not_applied", "projects", "line projects of firms not applying to NIFS (uptake)",
        n.not_applied);
  h.put("nifs_tech_jobs", "jobs", "technical jobs of NIFS-funded lines, cumulative", n.tech_jobs);
  h.put("nifs_private_investment", "HK$ M", "firms' matching investment in NIFS lines, cumulative",
        n.private_investment);
  h.put("nifs_unfunded_lines", "lines", "lines started this year at the firm's own cost",
        n.unfunded_lines);
  h.put("nifs_refused_built_own", "lines",
        "of nifs_unfunded_lines, lines refused applicants started at their own cost (4.1i)",
        n.refused_built_own);
  h.put("nifs_refused_budget", "applications", "NIFS applications refused: budget",
        n.refused_budget);
  h.put("nifs_refused_land", "applications", "NIFS applications refused: no floor space",
        n.refused_land);
  h.put("nifs_refused_talent", "applications", "NIFS applications refused: no technical staff",
        n.refused_talent);
  h.put("nifs_lapsed", "projects", "NIFS projects lapsed because the firm exited", n.lapsed);
  h.put("nifs_projects_open", "projects", "NIFS applications pending and projects being built",
        static_cast<double>(n.projects.firm_id.size()));
  const Enterprises& e = st.enterprises;
  h.put("oases_talks_cum", "enterprises", "enterprises that entered OASES talks, cumulative",
        e.talks_cum);
  h.put("oases_in_talks", "enterprises", "enterprises in OASES talks, not landed, at year end",
        static_cast<double>(e.talks.id.size()));
  h.put("oases_dropped", "enterprises",
        "enterprises that left OASES talks without landing, "
        "cumulative",
        e.talks_dropped);
  h.put("enterprises_landed", "enterprises", "strategic enterprises landed, cumulative",
        e.landed_cum);
  h.put("enterprises_in_talks", "enterprises",
        "strategic enterprises planning a facility: in talks or building",
        static_cast<double>(e.prospects.id.size()));
  h.put("enterprises_committed", "enterprises", "facilities committed this year", e.committed);
  h.put("enterprises_withdrawn", "enterprises", "enterprises that gave up this year", e.withdrawn);
  h.put("enterprises_waiting_land", "enterprises", "decisions put off for want of floor space",
        e.waiting_land);
  h.put("enterprises_waiting_talent", "enterprises",
        "decisions put off for want of technical staff", e.waiting_talent);
  h.put("nias_enterprises", "enterprises", "NIAS-funded enterprises, cumulative",
        e.nias_enterprises);
  h.put("nias_investment", "HK$ M", "investment of NIAS-funded enterprises, cumulative",
        e.nias_investment);
  h.put("new_plants", "firms", "firms created this year by strategic-enterprise facilities",
        st.new_plants());
  h.put("graduate_firms", "firms", "firms created this year by graduating start-ups",
        st.graduate_firms());
  h.put("graduates_waiting", "start-ups", "graduates refused for want of floor space or staff",
        st.graduates_waiting());
  h.put("startup_count", "start-ups", "start-ups at year end",
        static_cast<double>(rows(st.startups.table)));
  h.put("tsssu_funded", "start-ups", "TSSSU start-ups funded, cumulative",
        st.startups.tsssu_funded_total);
  h.put("itvf_private_investment", "HK$ M", "private investment attracted by the ITVF, cumulative",
        st.funds.itvf_private_attracted);
  record_startups(st.startups, st.year, h.startups);
  record_funds(st.funds, st.year, h.funds);
  const Talent& tl = st.talent;
  h.put("talent_pool", "persons", "technical staff free to hire at year end", tl.pool);
  h.put("talent_inflow", "persons", "technical staff joining the pool this year", tl.inflow);
  h.put("talent_hired", "persons", "technical staff hired by new projects this year", tl.hired);
  h.put("talent_left", "persons", "technical staff leaving the pool this year", tl.left);
  h.put("talent_refused", "persons", "staff wanted by projects refused for want of staff",
        tl.refused);
  record_tech(st.tech, st.macro.wage, h);  // section 4.6
  record_floor(st.land, h);                // eqs. 3.6f, 3.6h
  h.put("rth_posts_cum", "posts", "Research Talent Hub posts approved, cumulative",
        tl.rth_posts_cum);
  h.put("rth_active_mfg", "posts", "RTH posts active in manufacturing firms", tl.rth_active_mfg);
  h.put("rth_eligible_firms", "firms", "firms eligible for RTH general posts (eq. 4.4d)",
        tl.rth_eligible);
  h.put("rth_capped", "posts", "RTH general posts refused at the 4-per-firm cap this year",
        tl.rth_capped);
  h.put("rth_refused_talent", "posts",
        "RTH posts refused this year because the pool could not staff them (eq. 4.4e)",
        tl.rth_refused_talent);
  const Knowledge& k = st.knowledge;
  h.put("rd_spending", "HK$ M", "the schemes' R&D in manufacturing (RTH, ESS, InnoHK; no NITTP)",
        tl.rd_spending);
  h.put("rd_private", "HK$ M", "private manufacturing R&D", k.rd_private);
  h.put("rd_public", "HK$ M", "scheme R&D added to the manufacturing R&D stock", k.rd_public);
  h.put("rd_stock", "HK$ M", "manufacturing R&D stock (perpetual inventory)", k.rd_stock);
  h.put("rd_stock_private", "HK$ M", "R&D stock private R&D alone would have built",
        k.rd_stock_private);
  h.put("rd_return_fixed", "1/year",
        "gross return on a marginal HK$ of R&D at fixed inputs, gamma_R V / K", k.return_fixed);
  h.put("trained_stock", "persons", "manufacturing workers trained by NITTP (depreciated)",
        k.trained_stock);
  h.put("trained_share", "fraction", "trained stock / persons engaged in manufacturing",
        k.trained_share);
  h.put("tfp_gain_rd", "log points", "TFP level gained from scheme R&D, gamma_R ln(K / K0)",
        k.rd_gain);
  h.put("tfp_gain_training", "log points", "TFP level gained from training, theta_S tau",
        k.training_gain);
  h.put("tfp_bonus_rd", "1/year", "next year's TFP drift added by the R&D stock", k.bonus_rd);
  h.put("tfp_bonus_training", "1/year", "next year's TFP drift added by training",
        k.bonus_training);
  h.put("tfp_bonus", "1/year", "knowledge-channel addition to next year's TFP drift", k.tfp_bonus);
}

void initialise(State& st, const Params& p) {
  st.year = static_cast<int>(p.base_year);
  const std::size_t years = static_cast<std::size_t>(p.horizon - p.base_year + 1);
  // Room for growth without reallocating inside the year loop in ordinary scenarios.
  reserve_rows(st.firms, static_cast<std::size_t>(static_cast<double>(p.firm_count) * 1.25) + 64);
  st.macro.wage = synthesise_firms(st.firms, p, st.rng, *st.parallel);
  st.next_id = static_cast<std::uint64_t>(p.firm_count) + 1;
  st.macro.nonmfg_va = p.gdp_base * (1.0 - p.mfg_share_base);  // section 3.5
  st.env = FirmEnvironment{};
  st.env.year = st.year;
  st.env.wage = st.macro.wage;
  // Section 3.6: base-year supply; rents at base; firms' floor space as synthesised.
  st.land = Land{};
  for (int s = 0; s < k_sites; ++s) {
    st.land.supply[s] = p.land.sites[s].supply.at(st.year);
    st.land.rent[s] = p.land.sites[s].rent_base;
    st.land.rent_factor[s] = st.land.floor_factor[s] = st.land.rationed[s] = 1.0;
  }
  // Scheme ledgers start with their budgets (section 4.0); the talent pool with its stock.
  st.nifs.scheme.budget = Budget(p.nifs.terms.budget);
  st.enterprises.nias.budget = Budget(p.nias.terms.budget);
  st.talent.rth.budget = Budget(p.talent.rth.budget);
  st.talent.nittp.budget = Budget(p.talent.nittp.budget);
  st.talent.ess.budget = Budget(p.talent.ess.budget);
  st.talent.pool = p.talent.initial_pool;
  st.tech = TechMarket{};
  st.tech.pool_start = st.talent.pool;  // the pool identity at the base year (section 4.6)
  initialise_startups(st.startups, p.startups, st.year, st.rng);  // section 5.1
  st.funds = make_fund_system(p.funds);                           // section 6.1
  set_scheme_purposes(st, p);                                     // section 7.3
  account_firms(st, p);
  initialise_demand(st.demand, st.totals.value_added);  // eq. 3.9a: prices 1 at the base
  std::array<double, k_sites> demand = st.totals.floor_space;
  ration_floor(st.land, demand);
  account_macro(st, p);
  st.mfg_va_base = st.macro.mfg_va;
  initialise_knowledge(st.knowledge, p.knowledge, st.mfg_va_base);  // eq. 4.5b
  account_macro(st, p);
  st.history.reserve(years);
  record_year(st, p);
}

}  // namespace nisim::hk
