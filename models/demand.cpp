// Prices, volumes and demand (docs/model.md section 3.9).
#include "models/demand.hpp"

#include <algorithm>
#include <cmath>

#include "engine/table.hpp"
#include "models/phases.hpp"
#include "models/state.hpp"

namespace nisim::hk {

DemandParams::DemandParams() {
  // Section 3.9: no demand shock unless a scenario sets one. The competitor price falls 0.25% a
  // year against Hong Kong's, calibrated so that with no new policy the mean manufacturing price
  // over 2016-2024 stays 1, the constant price the TFP drift was calibrated at
  // (tools/calibrate_competitor_price.sh; docs/calibration.md).
  level = {{2016}, {1.0}};
  competitor_growth = {{2016}, {-0.0025}};
}

void bind_demand_params(DemandParams& p, ParamBinder& b) {
  b.boolean("demand.enabled", p.enabled,
            {"", 0, 1, "sector prices clear against demand; false: prices stay 1 (3.9)"});
  b.real("demand.elasticity", p.elasticity,
         {"", 0.1, 100.0,
          "price elasticity of demand for HK output; assumed 4, range 2-8 (Simonovska and Waugh "
          "2014) (3.9)"});
  b.real(
      "demand.income_elasticity", p.income_elasticity,
      {"", 0.0, 10.0,
       "elasticity of demand to real non-manufacturing value added; assumed 1, range 1-3 (3.9)"});
  b.series("demand.level", p.level,
           {"multiplier", 1e-6, 100.0,
            "demand-level shock by year, 1 = none; a scenario input, no default shock (3.9)"});
  b.series(
      "demand.competitor_growth", p.competitor_growth,
      {"1/year", -0.5, 0.5,
       "growth of the Mainland/GBA competitor price; calibrated -0.25%, range -2% to +1% (3.9)"});
}

std::optional<DemandParamProblem> demand_param_problem(const DemandParams& p) {
  if (!(p.elasticity > 0.0)) {
    return DemandParamProblem{"demand.elasticity", "must be > 0"};
  }
  for (double m : p.level.values) {
    if (!(m > 0.0)) return DemandParamProblem{"demand.level", "every multiplier must be > 0"};
  }
  return std::nullopt;
}

double supply_elasticity(double alpha, double beta, double adjust_speed) {
  return adjust_speed * (alpha + beta) / (1.0 - alpha - beta);  // eq. 3.9c
}

void initialise_demand(Demand& d, const Demand::Sectors& supply) {
  // eq. 3.9a: p_s,t0 = p*_s,t0 = 1 and A_s,t0 = Y_s,t0, so the base year clears at p = 1.
  d = Demand{};
  for (int s = 0; s < k_demand_sectors; ++s) {
    d.active[s] = supply[s] > 0.0;
    d.log_base_level[s] = d.active[s] ? std::log(supply[s]) : 0.0;
    d.log_level[s] = d.log_base_level[s];
    d.supply[s] = d.supply_planned[s] = d.cleared_va[s] = supply[s];
  }
}

void demand_year(Demand& d, const DemandParams& p, int year, double real_growth) {
  // eq. 3.9b: ln A_s,t = ln A_s,t0 + eta sum_{tau <= t} ln(1 + g_tau) + ln m_t;
  // ln p*_s,t = ln p*_s,t-1 + ln(1 + g*_t).
  d.log_real_growth += std::log1p(real_growth);
  const double log_shift = p.income_elasticity * d.log_real_growth + std::log(p.level.at(year));
  const double log_competitor_step = std::log1p(p.competitor_growth.at(year));
  d.demand_index = std::exp(log_shift);
  d.clears = p.enabled;
  d.elasticity = p.elasticity;
  for (int s = 0; s < k_demand_sectors; ++s) {
    d.log_expected[s] = d.log_price[s];
    d.log_level[s] = d.log_base_level[s] + log_shift;
    d.log_competitor[s] += log_competitor_step;
  }
}

void clear_prices(Demand& d, const DemandParams& p, const std::array<double, k_demand_sectors>& phi,
                  const std::array<double, k_demand_sectors>& planned) {
  for (int s = 0; s < k_demand_sectors; ++s) {
    d.supply_planned[s] = planned[s];
    double log_p = d.log_expected[s];
    if (p.enabled && d.active[s] && planned[s] > 0.0) {
      // eq. 3.9d: supply Y(p) = Y(p^e) (p / p^e)^phi meets demand A (p / p*)^(-eps).
      log_p = (d.log_level[s] + p.elasticity * d.log_competitor[s] - std::log(planned[s]) +
               phi[s] * d.log_expected[s]) /
              (p.elasticity + phi[s]);
    }
    d.log_price[s] = log_p;
    d.supply[s] = planned[s] * std::exp(phi[s] * (log_p - d.log_expected[s]));
  }
}

void clear_markets(State& st, const Params& p) {
  using Sectors = Demand::Sectors;
  FirmTable& f = st.firms;
  Demand& d = st.demand;
  const auto sum_by_sector = [&f](std::size_t begin, std::size_t end) {
    Sectors v{};
    for (std::size_t i = begin; i < end; ++i) v[f.sector[i]] += f.value_added[i];
    return v;
  };
  const auto add = [](Sectors& acc, const Sectors& b) {
    for (int s = 0; s < k_sectors; ++s) acc[s] += b[s];
  };
  // Real output at the planned price: value added at that price deflated by it (eq. 3.9d).
  Sectors planned = st.parallel->reduce(rows(f), Sectors{}, st.sector_partials, sum_by_sector, add);
  for (int s = 0; s < k_sectors; ++s) planned[s] *= std::exp(-d.log_expected[s]);
  // eq. 3.9c per sector: the short-run supply elasticity follows the sector's technology
  // (section 3.2), the same for every firm of the sector.
  Sectors phi{}, rts{}, wage_s{};
  for (int s = 0; s < k_sectors; ++s) {
    const SectorTech t = sector_tech(p, s);
    phi[s] = supply_elasticity(t.alpha, t.beta, p.adjust_speed);
    rts[s] = 1.0 - t.alpha - t.beta;
    wage_s[s] = st.env.wage * t.wage_relative * st.env.wage_factor[s];  // eq. 4.6e
  }
  clear_prices(d, p.demand, phi, planned);

  // eq. 3.9e: every firm's inputs move by lambda (ln p - ln p^e) / (1 - alpha - beta) in logs,
  // exactly as if it had planned at the cleared price; value added at current prices by
  // (1 + phi)(ln p - ln p^e). Floor space for workers follows employment; the change in profit
  // goes to cash as in eq. 3.3b. Line plans and exits stay as decided at the planned price.
  Sectors factor_scale{}, va_scale{};
  bool moved = false;
  for (int s = 0; s < k_sectors; ++s) {
    const double gap = d.log_price[s] - d.log_expected[s];
    moved |= gap != 0.0;
    factor_scale[s] = std::exp(p.adjust_speed * gap / rts[s]);
    va_scale[s] = std::exp((1.0 + phi[s]) * gap);
  }
  if (!moved) {
    d.cleared_va = st.parallel->reduce(rows(f), Sectors{}, st.sector_partials, sum_by_sector, add);
    return;
  }
  const FirmEnvironment& env = st.env;
  const double user_cost = p.user_cost, payout = p.payout;
  const auto retained = [payout](double profit) {
    return profit - payout * std::max(profit, 0.0);  // eq. 3.3b
  };
  d.cleared_va = st.parallel->reduce(
      rows(f), Sectors{}, st.sector_partials,
      [&](std::size_t begin, std::size_t end) {
        Sectors v{};
        for (std::size_t i = begin; i < end; ++i) {
          const int s = f.sector[i];
          const double rent_x = env.rent_extra[f.site[i]];
          const double l0 = f.employment[i], k0 = f.capital[i], y0 = f.value_added[i];
          const double fl0 = f.floor_space[i];
          const double lines_floor =
              env.line_floor * static_cast<double>(f.smart_lines[i] + f.projects[i]);
          const double l1 = l0 * factor_scale[s], k1 = k0 * factor_scale[s];
          const double y1 = y0 * va_scale[s];
          const double fl1 = lines_floor + (fl0 - lines_floor) * factor_scale[s];
          const double w = wage_s[s];  // the sector's wage (section 3.2)
          const double profit0 = y0 - w * l0 - user_cost * k0 - rent_x * fl0;
          const double profit1 = y1 - w * l1 - user_cost * k1 - rent_x * fl1;
          f.employment[i] = l1;
          f.capital[i] = k1;
          f.value_added[i] = y1;
          f.floor_space[i] = fl1;
          f.cash[i] += retained(profit1) - retained(profit0);
          v[s] += y1;
        }
        return v;
      },
      add);
}

}  // namespace nisim::hk
