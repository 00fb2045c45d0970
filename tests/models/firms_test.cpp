// Firm synthesis and the yearly firm update (docs/model.md sections 3.1-3.4).
#include "models/firms.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <vector>

#include "engine/table.hpp"
#include "models/plants.hpp"

namespace nisim::hk {
namespace {

FirmTable one_firm(double employment, double wage, const Params& p, int sector = 0) {
  FirmTable f;
  resize_rows(f, 1);
  init_firm_row(f, 0, 1, sector, 0, employment, 10, wage, p, 0.0);
  return f;
}

Params quiet_params() {
  Params p;
  p.tfp_sigma = 0.0;
  p.exit_hazard_young = p.exit_hazard_mature = 0.0;
  p.line_noise_sigma = 0.0;
  return p;
}

}  // namespace

TEST(Firms, InitialRowIsAtItsOptimum) {
  const Params p;
  const double w = 0.2;
  const FirmTable f = one_firm(37.0, w, p);
  const double y = f.value_added[0];
  // First-order conditions of eq. 3.2b-c: beta Y / L = w and alpha Y / K = u.
  EXPECT_NEAR(p.beta * y / f.employment[0], w, 1e-12);
  EXPECT_NEAR(p.alpha * y / f.capital[0], p.user_cost, 1e-12);
  // Value added is the production function of eq. 3.2e.
  EXPECT_NEAR(std::log(y),
              f.log_tfp[0] + p.alpha * std::log(f.capital[0]) + p.beta * std::log(37.0), 1e-12);
  EXPECT_NEAR(optimal_log_va(f.log_tfp[0], w, p, 0, 0.0), std::log(y), 1e-12);
  EXPECT_DOUBLE_EQ(f.floor_space[0], p.sector[0].floor_per_worker * 37.0);
  EXPECT_DOUBLE_EQ(f.cash[0], p.cash_init * y);
}

TEST(Firms, SynthesisHitsCountsAndBaseShareExactly) {
  Params p;
  p.firm_count = 5000;
  p.employment = 52000.0;
  for (SectorParams& s : p.sector) {  // one technology everywhere: eq. 3.1a's closed form
    s.capital_elasticity = s.labour_share = 0.0;
    s.wage_relative = 1.0;
  }
  Parallel par(2);
  FirmTable f;
  const double w = synthesise_firms(f, p, Rng(3), par);
  ASSERT_EQ(rows(f), 5000u);
  const double emp = std::accumulate(f.employment.begin(), f.employment.end(), 0.0);
  const double va = std::accumulate(f.value_added.begin(), f.value_added.end(), 0.0);
  EXPECT_NEAR(emp, 52000.0, 1e-6);
  EXPECT_NEAR(va / (p.mfg_share_base * p.gdp_base), 1.0, 1e-9);  // eq. 3.1a
  EXPECT_NEAR(w, p.beta * p.mfg_share_base * p.gdp_base / p.employment, 1e-15);
  // Ids are 1..n in row order; the size distribution is heavy-tailed (mean well above median).
  EXPECT_EQ(f.id.front(), 1u);
  EXPECT_EQ(f.id.back(), 5000u);
  std::vector<double> sizes(f.employment.begin(), f.employment.end());
  std::nth_element(sizes.begin(), sizes.begin() + 2500, sizes.end());
  EXPECT_GT(emp / 5000.0, 1.5 * sizes[2500]);
  // Only strategic sectors sit in innovation parks, about innopark_share of them.
  double strategic = 0.0, in_parks = 0.0;
  for (std::size_t i = 0; i < rows(f); ++i) {
    if (f.sector[i] < k_first_strategic_sector) {
      EXPECT_EQ(f.site[i], 0) << "row " << i;
    } else {
      strategic += 1.0;
      in_parks += f.site[i] != 0;
    }
  }
  EXPECT_NEAR(in_parks / strategic, p.innopark_share, 0.08);
}

TEST(Firms, SectorsDifferInValueAddedPerWorker) {
  // Section 3.2: at the optimum value added per person is w_s / beta_s = w v_s / beta_s.
  Params p;
  p.sector[0].labour_share = 0.5;
  p.sector[1].labour_share = 0.7;
  p.sector[1].capital_elasticity = 0.2;
  p.sector[2].wage_relative = 1.5;
  const double w = 0.2;
  const FirmTable a = one_firm(20.0, w, p, 0), b = one_firm(20.0, w, p, 1),
                  c = one_firm(20.0, w, p, 2), d = one_firm(20.0, w, p, 3);
  EXPECT_NEAR(a.value_added[0] / 20.0, w / 0.5, 1e-12);
  EXPECT_NEAR(b.value_added[0] / 20.0, w / 0.7, 1e-12);
  EXPECT_NEAR(c.value_added[0] / 20.0, 1.5 * w / p.beta, 1e-12);
  EXPECT_NEAR(d.value_added[0] / 20.0, w / p.beta, 1e-12);  // firms.beta where unset
  // Capital intensity K / Y = alpha_s / u.
  EXPECT_NEAR(b.capital[0] / b.value_added[0], 0.2 / p.user_cost, 1e-12);
  EXPECT_NEAR(a.capital[0] / a.value_added[0], p.alpha / p.user_cost, 1e-12);
  // The yearly update keeps each sector at its own optimum (eqs. 3.2b-e).
  Params q = quiet_params();
  q.tfp_drift = 0.0;
  q.line_max = 0;
  q.sector = p.sector;
  FirmTable f;
  resize_rows(f, 4);
  for (int s = 0; s < 4; ++s) init_firm_row(f, s, s + 1, s, 0, 20.0, 10, w, q, 0.0);
  update_firm_rows(f, 0, 4, {2017, w, 0.0}, q, Rng(1));
  const double expected[] = {w / 0.5, w / 0.7, 1.5 * w / q.beta, w / q.beta};
  for (int s = 0; s < 4; ++s) {
    EXPECT_NEAR(f.employment[s], 20.0, 1e-9) << "sector " << s;
    EXPECT_NEAR(f.value_added[s] / f.employment[s], expected[s], 1e-9) << "sector " << s;
  }
}

TEST(Firms, SynthesisHitsTheBaseShareWithSectorTechnologies) {
  // eq. 3.1a with sectors of their own labour share and wage: value added still sums to s0 GDP0.
  Params p;
  p.firm_count = 4000;
  p.employment = 40000.0;
  p.sector[0].labour_share = 0.45;
  p.sector[2].wage_relative = 0.8;
  p.sector[7].labour_share = 0.4;
  p.sector[7].capital_elasticity = 0.4;
  Parallel par(3);
  FirmTable f;
  const double w = synthesise_firms(f, p, Rng(3), par);
  const double va = std::accumulate(f.value_added.begin(), f.value_added.end(), 0.0);
  EXPECT_NEAR(va / (p.mfg_share_base * p.gdp_base), 1.0, 1e-9);
  EXPECT_NE(w, p.beta * p.mfg_share_base * p.gdp_base / p.employment);
  // Same result on one thread (block-ordered sums, section 2.4).
  Parallel one(1);
  FirmTable g;
  EXPECT_EQ(synthesise_firms(g, p, Rng(3), one), w);
}

TEST(Firms, NoShockFirmAtOptimumStaysThereWhenDriftMatchesWages) {
  Params p = quiet_params();
  p.tfp_drift = 0.0;
  p.line_max = 0;
  const double w = 0.2;
  FirmTable f = one_firm(25.0, w, p);
  const double y0 = f.value_added[0];
  update_firm_rows(f, 0, 1, {2017, w, 0.0}, p, Rng(1));
  EXPECT_NEAR(f.employment[0], 25.0, 1e-9);
  EXPECT_NEAR(f.value_added[0], y0, 1e-9 * y0);
  EXPECT_EQ(f.age[0], 11);
  EXPECT_EQ(f.exiting[0], 0);
  // Profit at the optimum is the decreasing-returns rent (1 - alpha - beta) Y (eq. 3.3a), of
  // which (1 - payout) is retained (eq. 3.3b).
  EXPECT_NEAR(f.cash[0] - p.cash_init * y0, (1 - p.payout) * (1 - p.alpha - p.beta) * y0, 1e-9);
}

TEST(Firms, HigherWageShrinksEmploymentGradually) {
  Params p = quiet_params();
  p.tfp_drift = 0.0;
  p.line_max = 0;
  FirmTable f = one_firm(25.0, 0.2, p);
  const double target =
      std::exp(std::log(p.beta) + optimal_log_va(f.log_tfp[0], 0.22, p, 0, 0.0) - std::log(0.22));
  update_firm_rows(f, 0, 1, {2017, 0.22, 0.0}, p, Rng(1));
  // eq. 3.2d: log L moves a share lambda of the way to the new optimum.
  EXPECT_NEAR(std::log(f.employment[0]),
              std::log(25.0) + p.adjust_speed * (std::log(target) - std::log(25.0)), 1e-12);
  EXPECT_LT(f.employment[0], 25.0);
  EXPECT_GT(f.employment[0], target);
}

TEST(Firms, GrantTipsTheSmartLineDecision) {
  Params p = quiet_params();
  p.tfp_drift = 0.0;
  const double w = 0.2;
  const double rts = 1.0 - p.alpha - p.beta;
  const double annuity = (1.0 - std::pow(1.0 + p.discount_rate, -p.line_horizon)) / p.discount_rate;
  // Size the firm so the valued gain is exactly the midpoint of cost with and without a grant.
  const double grant = 5.0;
  const double value = p.line_cost - grant / 2.0;
  const double y = value / (annuity * rts * p.line_output_gain);
  const double l = p.beta * y / w;

  FirmTable without = one_firm(l, w, p), with = one_firm(l, w, p);
  without.cash[0] = with.cash[0] = 1e6;
  update_firm_rows(without, 0, 1, {2021, w, 0.0}, p, Rng(1));
  update_firm_rows(with, 0, 1, {2021, w, grant}, p, Rng(1));
  EXPECT_EQ(without.line_plan[0], 0);
  EXPECT_EQ(with.line_plan[0], 1);
  // A plan is not yet a line: lines, grants and TFP change only when a project completes
  // (section 4.1), so both firms end the update with the same TFP and cash.
  EXPECT_EQ(with.smart_lines[0], 0);
  EXPECT_EQ(with.new_lines[0], 0);
  EXPECT_DOUBLE_EQ(with.subsidy[0], 0.0);
  EXPECT_DOUBLE_EQ(with.cash[0], without.cash[0]);
  EXPECT_DOUBLE_EQ(with.log_tfp[0], without.log_tfp[0]);
}

TEST(Firms, PlanCountsTheLinesThatPayWithoutAGrant) {
  Params p = quiet_params();
  p.tfp_drift = 0.0;
  p.line_gain_decay = 0.5;
  p.line_max = 6;
  const double w = 0.2;
  const double rts = 1.0 - p.alpha - p.beta;
  const double annuity = (1.0 - std::pow(1.0 + p.discount_rate, -p.line_horizon)) / p.discount_rate;
  // eq. 3.4e: the next line is worth c / delta^1.5, so it and the one after it (c / delta^0.5)
  // pay without a grant and the third (c delta^0.5) does not.
  const double value = p.line_cost / std::pow(p.line_gain_decay, 1.5);
  const double y = value / (annuity * rts * p.line_output_gain);
  FirmTable f = one_firm(p.beta * y / w, w, p);
  f.cash[0] = 1e6;
  update_firm_rows(f, 0, 1, {2021, w, 0.0}, p, Rng(1));
  EXPECT_EQ(f.line_plan[0], 1 + 2);
  // The same firm with a grant plans as well; the count of lines paying without it is the same.
  FirmTable g = one_firm(p.beta * y / w, w, p);
  g.cash[0] = 1e6;
  update_firm_rows(g, 0, 1, {2021, w, 5.0}, p, Rng(1));
  EXPECT_EQ(g.line_plan[0], 1 + 2);
  // Value just below c: a plan only with the grant, no line pays without it.
  FirmTable h =
      one_firm(0.9 * p.beta * (p.line_cost / (annuity * rts * p.line_output_gain)) / w, w, p);
  h.cash[0] = 1e6;
  update_firm_rows(h, 0, 1, {2021, w, 5.0}, p, Rng(1));
  EXPECT_EQ(h.line_plan[0], 1);
  // Without decay every line to the cap pays alike: all 6 count.
  p.line_gain_decay = 1.0;
  FirmTable e = one_firm(p.beta * y / w, w, p);
  e.cash[0] = 1e6;
  update_firm_rows(e, 0, 1, {2021, w, 0.0}, p, Rng(1));
  EXPECT_EQ(e.line_plan[0], 1 + 6);
}

TEST(Firms, SmartLinesStopAtTheCapTheProjectLimitAndNeedFinance) {
  Params p = quiet_params();
  p.line_max = 2;
  FirmTable f = one_firm(5000.0, 0.2, p);  // large: every line pays
  f.cash[0] = 1e6;
  update_firm_rows(f, 0, 1, {2017, 0.2, 0.0}, p, Rng(1));
  EXPECT_EQ(f.line_plan[0], 3);  // a plan (1) whose 2 lines to the cap pay without a grant
  f.smart_lines[0] = 1;
  f.projects[0] = 1;  // lines held + in progress reach line_max: no further plan
  FirmEnvironment env{2018, 0.2, 0.0};
  env.project_limit = 3;
  update_firm_rows(f, 0, 1, env, p, Rng(1));
  EXPECT_EQ(f.line_plan[0], 0);
  f.smart_lines[0] = 0;  // below the line cap, but at the project limit (eq. 4.1b)
  env.project_limit = 1;
  update_firm_rows(f, 0, 1, env, p, Rng(1));
  EXPECT_EQ(f.line_plan[0], 0);
  env.project_limit = 2;
  update_firm_rows(f, 0, 1, env, p, Rng(1));
  EXPECT_EQ(f.line_plan[0], 2);  // one line left to the cap, and it pays without a grant

  FirmTable poor = one_firm(5000.0, 0.2, p);
  p.credit_limit = 0.0;
  poor.cash[0] = -1e9;  // cannot pay: no plan, and insolvent, so it exits (eq. 3.3c)
  update_firm_rows(poor, 0, 1, {2017, 0.2, 0.0}, p, Rng(1));
  EXPECT_EQ(poor.line_plan[0], 0);
  EXPECT_EQ(poor.exiting[0], 1);
}

/// The age column is 16 bits (models/firms.hpp): ageing stops at its largest value instead of
/// wrapping to a newborn firm's age, which would move the firm back onto the young hazard.
TEST(Firms, AgeSaturatesAtTheColumnsLargestValue) {
  Params p = quiet_params();
  p.young_age = 5;
  p.exit_hazard_young = 1.0;  // every young firm exits: a wrapped age would show
  FirmTable f;
  resize_rows(f, 3);
  for (std::size_t i = 0; i < 3; ++i) init_firm_row(f, i, i + 1, 0, 0, 25.0, 0, 0.2, p, 0.0);
  f.age = {65533, 65534, 65535};
  for (int year = 2017; year < 2020; ++year) {
    update_firm_rows(f, 0, 3, {year, 0.2, 0.0}, p, Rng(1));
    EXPECT_EQ(f.exiting, Column<std::uint8_t>(3, 0)) << year;
  }
  EXPECT_EQ(f.age, Column<std::uint16_t>(3, 65535));
}

TEST(Firms, ExitHazardMatchesItsProbability) {
  Params p;
  p.firm_count = 20000;
  p.employment = 200000.0;
  p.exit_hazard_mature = 0.25;
  p.exit_hazard_young = 0.25;
  p.credit_limit = 10.0;  // no insolvency exits
  Parallel par(2);
  FirmTable f;
  const double w = synthesise_firms(f, p, Rng(5), par);
  update_firm_rows(f, 0, rows(f), {2017, w, 0.0}, p, Rng(5));
  const double share = std::accumulate(f.exiting.begin(), f.exiting.end(), 0.0) / 20000.0;
  EXPECT_NEAR(share, 0.25, 0.015);
}

TEST(Firms, SectorAndSiteDraws) {
  std::array<double, k_sectors> cum{};
  for (int s = 0; s < k_sectors; ++s) cum[s] = (s + 1) / static_cast<double>(k_sectors);
  EXPECT_EQ(sector_for(cum, 0.01), 0);
  EXPECT_EQ(sector_for(cum, 0.15), 1);
  EXPECT_EQ(sector_for(cum, 0.999), k_sectors - 1);
  // Traditional sectors: always industrial buildings (eq. 3.6b).
  EXPECT_EQ(site_for(0, 0.01, 1.0), site::industrial_buildings);
  EXPECT_EQ(site_for(k_first_strategic_sector - 1, 0.01, 1.0), site::industrial_buildings);
  // Strategic sectors: an InnoPark estate with probability innopark_share.
  EXPECT_EQ(site_for(k_first_strategic_sector, 0.1, 1.0), site::innopark_estates);
  EXPECT_EQ(site_for(k_first_strategic_sector, 0.999999, 1.0), site::innopark_estates);
  EXPECT_EQ(site_for(k_first_strategic_sector, 0.3, 0.25), site::industrial_buildings);
  EXPECT_EQ(site_for(k_first_strategic_sector, 0.2, 0.25), site::innopark_estates);
}

namespace {

/// A population with every sector and site, line counts on both sides of the cap, projects,
/// young and mature firms, and some firms short of cash, for the kernel tests below.
FirmTable varied_firms(const Params& p, std::size_t n, double wage) {
  FirmTable f;
  resize_rows(f, n);
  const Rng rng(99);
  for (std::size_t i = 0; i < n; ++i) {
    const auto id = static_cast<std::uint64_t>(3 * i + 7);
    const int sector = static_cast<int>(i % k_sectors);
    const int site = static_cast<int>((i / 3) % k_sites);
    const double size = 1.0 + 400.0 * rng.uniform(1, id, 1);
    init_firm_row(f, i, id, sector, site, size, static_cast<int>(i % 9), wage, p, 0.0);
    f.log_tfp[i] += 0.3 * rng.normal(1, id, 2);  // off the optimum, so L and K adjust
    f.smart_lines[i] = static_cast<std::uint8_t>(i % 8);
    f.projects[i] = static_cast<std::uint8_t>((i / 8) % 3);
    if (i % 5 == 0) f.cash[i] = -0.45 * f.capital[i] * rng.uniform(1, id, 3);
    if (i % 7 == 0) f.cash[i] = 1e3;                                          // can pay for a line
    if (i % 11 == 0) f.ramp_years[i] = static_cast<std::uint8_t>(2 + i % 4);  // plants (3.8)
    if (i % 13 == 0) f.subsidy[i] = 0.5 * static_cast<double>(i % 4);  // the update keeps them
    if (i % 17 == 0) f.new_lines[i] = static_cast<std::uint8_t>(1 + i % 3);
  }
  return f;
}

/// The firm update of one row written plainly from docs/model.md sections 3.2-3.4 with libm and
/// the scalar generator: the reference the vectorised kernel must match.
struct ReferenceRow {
  double log_tfp, employment, capital, value_added, cash, floor_space;
  int age;
  bool plan, exits;
  double plan_margin;  ///< log value minus log net cost of a line: the plan's distance to a tie
  int own;             ///< lines from the next on that pay without a grant (eq. 3.4e)
  double own_margin;   ///< smallest |log value - log cost| over those lines: distance to a tie
};

ReferenceRow reference_update(const FirmTable& f, std::size_t i, const FirmEnvironment& env,
                              const Params& p, const Rng& rng) {
  const RandomBits b = rng.bits(env.year, f.id[i], purpose::firm_update, 0);
  const double u_r = Rng::to_open_unit(b.w[0]), u_t = Rng::to_open_unit(b.w[1]);
  const double u_exit = Rng::to_open_unit(b.w[2]);
  const double radius = std::sqrt(-2.0 * std::log(u_r));
  const double z_tfp = radius * std::cos(2.0 * std::numbers::pi * u_t);
  const double z_line = radius * std::sin(2.0 * std::numbers::pi * u_t);
  const int s = f.sector[i], site = f.site[i];
  // Section 3.2: the sector's technology and wage.
  const SectorTech tech = sector_tech(p, s);
  const double a = tech.alpha, bt = tech.beta, w = env.wage * tech.wage_relative, u = p.user_cost;
  ReferenceRow r{};
  // eq. 3.2a, 4.5a
  r.log_tfp = f.log_tfp[i] + p.tfp_drift + p.sector[s].tfp_drift_extra + env.tfp_bonus +
              p.tfp_sigma * z_tfp;
  // eq. 3.2b-d
  const double log_y_star = optimal_log_va(r.log_tfp, env.wage, p, s, env.log_price[s]);
  const double log_l_star = std::log(bt / w) + log_y_star,
               log_k_star = std::log(a / u) + log_y_star;
  const double log_l =
      std::log(f.employment[i]) + p.adjust_speed * (log_l_star - std::log(f.employment[i]));
  const double log_k =
      std::log(f.capital[i]) + p.adjust_speed * (log_k_star - std::log(f.capital[i]));
  r.employment = std::exp(log_l);
  r.capital = std::exp(log_k);
  const double full = std::exp(env.log_price[s] + r.log_tfp + a * log_k + bt * log_l);  // 3.2e
  r.value_added = ramp_factor(f.age[i] + 1, f.ramp_years[i]) * full;                    // eq. 3.8e
  const double lines = f.smart_lines[i], projects = f.projects[i];
  // eq. 3.6a, 3.6d
  r.floor_space = p.sector[s].floor_per_worker * env.floor_factor[site] * r.employment +
                  env.line_floor * (lines + projects);
  // eq. 3.3a-b
  const double profit =
      r.value_added - w * r.employment - u * r.capital - env.rent_extra[site] * r.floor_space;
  r.cash = f.cash[i] + profit - p.payout * std::max(profit, 0.0);
  // eq. 3.4b-d
  const int next = static_cast<int>(lines + projects);
  const double g = next < p.line_max ? p.line_output_gain * std::pow(p.line_gain_decay, next) : 0.0;
  const double annuity = (1.0 - std::pow(1.0 + p.discount_rate, -p.line_horizon)) / p.discount_rate;
  const double sn = p.line_noise_sigma;
  const double value = annuity * (1.0 - a - bt) * g * full * std::exp(sn * z_line - 0.5 * sn * sn);
  const double net_cost = p.line_cost - env.line_grant;
  r.plan_margin = std::log(value) - std::log(net_cost);
  r.plan = value > net_cost && r.cash + p.credit_limit * r.capital >= p.line_cost &&
           projects < env.project_limit;
  // eq. 3.4e: the k-th line from the next one is worth value * delta^k; count those above c.
  r.own_margin = std::numeric_limits<double>::infinity();
  for (int k = 0; next + k < p.line_max; ++k) {
    const double v_k = value * std::pow(p.line_gain_decay, k);
    r.own_margin = std::min(r.own_margin, std::abs(std::log(v_k) - std::log(p.line_cost)));
    if (v_k <= p.line_cost) break;
    ++r.own;
  }
  // eq. 3.3c
  r.age = f.age[i] + 1;
  const double hazard = r.age < p.young_age ? p.exit_hazard_young : p.exit_hazard_mature;
  r.exits = u_exit < hazard || r.cash < -p.credit_limit * r.capital;
  return r;
}

FirmEnvironment varied_environment() {
  FirmEnvironment env{2024, 0.21, 4.0};
  env.project_limit = 2;
  env.tfp_bonus = 0.004;
  env.line_floor = 250.0;
  env.floor_factor = {1.0, 0.8, 0.9, 1.1, 0.7, 1.2};
  env.rent_extra = {0.0, 1e-4, 2e-4, 0.0, 3e-4, 5e-5};
  return env;
}

void expect_matches_reference(const Params& p, std::size_t n) {
  const FirmEnvironment env = varied_environment();
  const Rng rng(2024);
  const FirmTable before = varied_firms(p, n, env.wage);
  FirmTable f = before;
  update_firm_rows(f, 0, n, env, p, rng);
  int plans = 0, exits = 0, ties = 0, own_plans = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const ReferenceRow r = reference_update(before, i, env, p, rng);
    auto near = [](double got, double want) {
      return std::abs(got - want) <= 1e-12 * std::max(1.0, std::abs(want));
    };
    EXPECT_PRED2(near, f.log_tfp[i], r.log_tfp) << "row " << i;
    EXPECT_PRED2(near, f.employment[i], r.employment) << "row " << i;
    EXPECT_PRED2(near, f.capital[i], r.capital) << "row " << i;
    EXPECT_PRED2(near, f.value_added[i], r.value_added) << "row " << i;
    EXPECT_PRED2(near, f.cash[i], r.cash) << "row " << i;
    EXPECT_PRED2(near, f.floor_space[i], r.floor_space) << "row " << i;
    EXPECT_EQ(f.age[i], r.age) << "row " << i;
    EXPECT_EQ(f.exiting[i], r.exits ? 1 : 0) << "row " << i;
    if (std::abs(r.plan_margin) > 1e-9 && r.own_margin > 1e-9) {
      EXPECT_EQ(f.line_plan[i], r.plan ? 1 + r.own : 0) << "row " << i;
      own_plans += r.plan && r.own > 0;
    } else {
      ++ties;
    }
    // Grants received and lines completed are the year's flows: the update leaves them as the
    // year's end left them (zero in a run; varied_firms sets some, to show they are not touched).
    EXPECT_EQ(f.subsidy[i], before.subsidy[i]) << "row " << i;
    EXPECT_EQ(f.new_lines[i], before.new_lines[i]) << "row " << i;
    plans += r.plan;
    exits += r.exits;
  }
  // The population exercises both outcomes of each decision.
  EXPECT_GT(plans, 0);
  EXPECT_LT(plans, static_cast<int>(n));
  EXPECT_GT(own_plans, 0);      // some plans pay without the grant, and
  EXPECT_LT(own_plans, plans);  // some only with it
  EXPECT_GT(exits, 0);
  EXPECT_LT(exits, static_cast<int>(n));
  EXPECT_LT(ties, 2);
}

}  // namespace

TEST(FirmKernel, MatchesAPlainLibmReferenceOfEveryEquation) {
  // 1000 rows: 15 full chunks of 64 and a padded last chunk of 40.
  expect_matches_reference(Params{}, 1000);
}

TEST(FirmKernel, MatchesTheReferenceWithEverySectorOnItsOwnTechnology) {
  // Section 3.2: every sector with its own elasticities and wage (table lookups in the kernel).
  Params p;
  for (int s = 0; s < k_sectors; ++s) {
    p.sector[s].capital_elasticity = 0.15 + 0.03 * s;
    p.sector[s].labour_share = 0.65 - 0.025 * s;
    p.sector[s].wage_relative = 0.7 + 0.1 * s;
  }
  expect_matches_reference(p, 700);
}

TEST(FirmKernel, ZeroGainDecayLeavesOnlyTheFirstLineWorthBuilding) {
  Params p;
  p.line_gain_decay = 0.0;
  expect_matches_reference(p, 300);
}

TEST(FirmKernel, ResultsDoNotDependOnHowRowsAreSplitIntoCalls) {
  // Threads and blocks split the table anywhere; a row's update must not depend on where its
  // chunk starts or whether it is padded.
  const Params p;
  const FirmEnvironment env = varied_environment();
  const FirmTable before = varied_firms(p, 777, env.wage);
  FirmTable whole = before, pieces = before;
  update_firm_rows(whole, 0, 777, env, p, Rng(5));
  for (const auto& [b, e] : std::vector<std::pair<std::size_t, std::size_t>>{
           {0, 1}, {1, 37}, {37, 101}, {101, 165}, {165, 700}, {700, 777}}) {
    update_firm_rows(pieces, b, e, env, p, Rng(5));
  }
  auto bytes = [](const FirmTable& t) {
    std::vector<char> out;
    t.for_each_column([&](const auto& column) {
      const auto* data = reinterpret_cast<const char*>(column.data());
      out.insert(out.end(), data, data + column.size() * sizeof(column[0]));
    });
    return out;
  };
  EXPECT_TRUE(bytes(whole) == bytes(pieces));
  EXPECT_FALSE(bytes(whole) == bytes(before));
}

TEST(Firms, EveryColumnIsKeptOrClearedAtTheYearsEndOnce) {
  FirmTable f;
  std::vector<const void*> all, at_end;
  f.for_each_column([&](auto& column) { all.push_back(&column); });
  const auto note = [&](auto& column) { at_end.push_back(&column); };
  std::vector<const void*> cleared;
  f.for_each_column_at_period_end(note, [&](auto& column) {
    at_end.push_back(&column);
    cleared.push_back(&column);
  });
  std::sort(all.begin(), all.end());
  std::sort(at_end.begin(), at_end.end());
  EXPECT_EQ(at_end, all);  // the same columns, each once
  const std::vector<const void*> flows = {&f.subsidy, &f.new_lines, &f.exiting};
  std::sort(cleared.begin(), cleared.end());
  std::vector<const void*> want = flows;
  std::sort(want.begin(), want.end());
  EXPECT_EQ(cleared, want);
}

}  // namespace nisim::hk
