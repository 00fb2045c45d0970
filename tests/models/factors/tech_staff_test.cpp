// The technical-staff market: wage curve, incumbents' draw on the pool, refusals
// (docs/model.md section 4.6).
#include "models/factors/tech_staff.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/table.hpp"
#include "models/firms.hpp"
#include "models/schemes/talent.hpp"

namespace nisim::hk {

TEST(TechStaff, ScarcePoolRaisesTheWageAndAnAmplePoolLowersIt) {
  TechStaffParams p;
  p.natural_free_share = 0.2;
  p.wage_elasticity = 0.1;
  // eq. 4.6d: at the natural free share the technical wage is at base.
  EXPECT_DOUBLE_EQ(tech_wage_factor(0.2, p), 1.0);
  // A scarcer pool (lower free share) raises it, along the wage curve (u / u*)^-e.
  EXPECT_NEAR(tech_wage_factor(0.1, p), std::pow(0.5, -0.1), 1e-12);
  EXPECT_GT(tech_wage_factor(0.05, p), tech_wage_factor(0.1, p));
  EXPECT_LT(tech_wage_factor(0.3, p), 1.0);
  // Bounds: an empty pool gives the cap, a huge free share the floor.
  EXPECT_EQ(tech_wage_factor(0.0, p), p.wage_factor_max);
  EXPECT_EQ(tech_wage_factor(1e-30, p), p.wage_factor_max);
  EXPECT_EQ(tech_wage_factor(1.0, p), std::max(p.wage_factor_min, std::pow(5.0, -0.1)));
  p.wage_elasticity = 0.0;  // no wage response at all
  EXPECT_EQ(tech_wage_factor(0.01, p), 1.0);
}

TEST(TechStaff, EmploymentAndSectorWageFactorsFollowTheTechnicalShares) {
  Params p;
  std::array<double, k_sectors> l{};
  l[0] = 1000.0;
  l[7] = 200.0;
  // eq. 4.6a: theta_s L_s, plus AI/data's share of plants outside official manufacturing.
  EXPECT_NEAR(tech_employment(l, 50.0, p),
              p.sector[0].tech_share * 1000.0 + p.sector[7].tech_share * 200.0 +
                  p.sector[k_ai_data_sector].tech_share * 50.0,
              1e-9);
  // eq. 4.6e: a sector pays omega on its technical share only.
  const auto f = sector_wage_factors(1.2, p);
  for (int s = 0; s < k_sectors; ++s) {
    EXPECT_NEAR(f[s], 1.0 + 0.2 * p.sector[s].tech_share, 1e-12);
  }
  EXPECT_GT(f[7], f[0]);  // strategic sectors employ more technical staff (assumed)
  for (double v : sector_wage_factors(1.0, p)) EXPECT_EQ(v, 1.0);
}

TEST(TechStaff, IncumbentsPayTheTechnicalWage) {
  // The same firm, the same draws: a technical wage above base raises its labour cost, so it
  // hires less and keeps less profit (eqs. 3.2b-d, 3.3a with eq. 4.6e).
  Params p;
  p.tfp_sigma = 0.0;
  p.exit_hazard_young = p.exit_hazard_mature = 0.0;
  p.line_max = 0;
  const auto make = [&p] {
    FirmTable f;
    resize_rows(f, 1);
    init_firm_row(f, 0, 1, 7, 0, 40.0, 10, 0.2, p, 0.0);
    return f;
  };
  FirmTable base = make(), scarce = make();
  FirmEnvironment env{2017, 0.2, 0.0};
  update_firm_rows(base, 0, 1, env, p, Rng(1));
  env.wage_factor = sector_wage_factors(1.5, p);
  update_firm_rows(scarce, 0, 1, env, p, Rng(1));
  EXPECT_LT(scarce.employment[0], base.employment[0]);
  EXPECT_LT(scarce.cash[0], base.cash[0]);
  EXPECT_LT(scarce.value_added[0], base.value_added[0]);
}

TEST(TechStaff, IncumbentsDrawFirstSoALaterClaimBeyondThePoolIsRefused) {
  TechMarket m;
  Talent t;
  t.pool = 100.0;
  m.employed_prev = 1000.0;
  m.employed = 1090.0;        // firms employ 90 more technical staff than a year earlier,
  m.plant_hires_prev = 10.0;  // 10 of whom new plants already took from the pool
  incumbents_hire(m, t, 0.3);
  EXPECT_DOUBLE_EQ(m.demand, 80.0);  // eq. 4.6b
  EXPECT_DOUBLE_EQ(m.incumbent_hired, 80.0);
  EXPECT_DOUBLE_EQ(m.incumbent_short, 0.0);
  EXPECT_DOUBLE_EQ(t.pool, 20.0);
  // A project wanting 50 now finds only 20 and is refused; one wanting 20 is not.
  EXPECT_FALSE(t.hire(50.0));
  EXPECT_DOUBLE_EQ(t.refused, 50.0);
  EXPECT_DOUBLE_EQ(t.pool, 20.0);
  EXPECT_TRUE(t.hire(20.0));
  EXPECT_DOUBLE_EQ(t.pool, 0.0);
}

TEST(TechStaff, IncumbentsCannotOverdrawThePoolAndReleasesPartlyReturn) {
  TechMarket m;
  Talent t;
  t.pool = 30.0;
  m.employed_prev = 1000.0;
  m.employed = 1100.0;
  incumbents_hire(m, t, 0.3);
  // They want 100 and there are 30: the pool is emptied, never negative; 70 are short.
  EXPECT_DOUBLE_EQ(m.incumbent_hired, 30.0);
  EXPECT_DOUBLE_EQ(m.incumbent_short, 70.0);
  EXPECT_DOUBLE_EQ(t.pool, 0.0);
  // A shrinking industry releases staff; the share rho_X of them joins the pool.
  m.employed_prev = 1100.0;
  m.employed = 1000.0;
  m.plant_hires_prev = 0.0;
  incumbents_hire(m, t, 0.3);
  EXPECT_DOUBLE_EQ(m.released, 100.0);
  EXPECT_DOUBLE_EQ(m.returned, 30.0);
  EXPECT_DOUBLE_EQ(m.incumbent_hired, 0.0);
  EXPECT_DOUBLE_EQ(t.pool, 30.0);
}

TEST(TechStaff, YearEndSetsTheFreeShareAndTheBaseYearHasNoDemand) {
  TechMarket m;
  tech_year_end(m, 900.0, 100.0, true);
  EXPECT_DOUBLE_EQ(m.free_share, 0.1);  // eq. 4.6c
  EXPECT_DOUBLE_EQ(m.employed_prev, 900.0);
  tech_year_end(m, 950.0, 50.0, false);
  EXPECT_DOUBLE_EQ(m.employed_prev, 900.0);
  EXPECT_DOUBLE_EQ(m.employed, 950.0);
  EXPECT_DOUBLE_EQ(m.free_share, 0.05);
  tech_year_end(m, 0.0, 0.0, false);  // nobody at all: no division by zero
  EXPECT_EQ(m.free_share, 0.0);
}

}  // namespace nisim::hk
