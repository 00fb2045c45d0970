// Plants that enter through their investment (docs/model.md section 3.8) and plants outside
// official manufacturing (section 7.1).
#include "models/plants.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/table.hpp"
#include "models/firms.hpp"
#include "models/params.hpp"
#include "models/phases.hpp"
#include "models/state.hpp"

namespace nisim::hk {
namespace {

constexpr double k_wage = 0.2;  // HK$ M per person-year
constexpr int k_life = 7;       // life_health_tech

Params quiet_params() {
  Params p;
  p.tfp_sigma = 0.0;
  p.tfp_drift = 0.0;
  p.exit_hazard_young = p.exit_hazard_mature = 0.0;
  p.line_max = 0;
  return p;
}

FirmTable one_plant(double investment, int sector, const Params& p) {
  FirmTable f;
  resize_rows(f, 1);
  init_plant_row(f, 0, 1, sector, 0, investment, k_wage, p, 0.0);
  return f;
}

}  // namespace

TEST(Plants, CapitalIsTheCapitalShareOfTheInvestment) {
  Params p;
  for (const double share : {0.6, 0.8, 1.0}) {
    p.plants.capital_share = share;
    for (const double inv : {200.0, 600.0, 1500.0}) {
      const PlantSize s = plant_from_investment(inv, k_life, k_wage, p);
      EXPECT_DOUBLE_EQ(s.capital, share * inv);  // eq. 3.8a
      EXPECT_DOUBLE_EQ(one_plant(inv, k_life, p).capital[0], share * inv);
    }
  }
  // A HK$ 600 M facility books 80% of it at the default share, not a headcount-driven amount.
  EXPECT_DOUBLE_EQ(plant_from_investment(600.0, k_life, k_wage, Params{}).capital, 480.0);
}

TEST(Plants, OutputIsTheSectorsProductionFunctionAtItsOptimum) {
  Params p;
  p.sector[k_life].capital_elasticity = 0.35;
  p.sector[k_life].labour_share = 0.45;
  p.sector[k_life].wage_relative = 1.4;
  const PlantSize s = plant_from_investment(600.0, k_life, k_wage, p);
  // eq. 3.2e: Y = A K^alpha_s L^beta_s.
  EXPECT_NEAR(std::log(s.value_added),
              s.log_tfp + 0.35 * std::log(s.capital) + 0.45 * std::log(s.employment), 1e-12);
  // eq. 3.2c: both first-order conditions hold, so the plant is at its optimum for this K.
  EXPECT_NEAR(0.35 * s.value_added / s.capital, p.user_cost, 1e-12);
  EXPECT_NEAR(optimal_log_va(s.log_tfp, k_wage, p, k_life, 0.0), std::log(s.value_added), 1e-9);
}

TEST(Plants, EmploymentFollowsTheSectorsLabourShareAndWage) {
  Params p;
  p.sector[k_life].capital_elasticity = 0.25;
  p.sector[k_life].wage_relative = 1.0;
  const double inv = 600.0;
  for (const double beta : {0.4, 0.5, 0.6}) {
    p.sector[k_life].labour_share = beta;
    const PlantSize s = plant_from_investment(inv, k_life, k_wage, p);
    // eq. 3.8c: wages are the labour share of value added.
    EXPECT_NEAR(k_wage * s.employment / s.value_added, beta, 1e-12);
    EXPECT_NEAR(plant_jobs_per_investment(k_life, k_wage, p) * inv, s.employment, 1e-9);
  }
  // A sector paying twice the average wage employs half as many for the same investment.
  p.sector[k_life].labour_share = 0.0;  // firms.beta
  const double base = plant_from_investment(inv, k_life, k_wage, p).employment;
  p.sector[k_life].wage_relative = 2.0;
  EXPECT_NEAR(plant_from_investment(inv, k_life, k_wage, p).employment, base / 2.0, 1e-9);
  // Employment scales with the investment, not with a fixed investment per job.
  EXPECT_NEAR(plant_from_investment(2 * inv, k_life, k_wage, p).employment, base, 1e-9);
}

TEST(Plants, RampFactorRisesLinearlyToFullOutput) {
  EXPECT_DOUBLE_EQ(ramp_factor(0, 3), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(ramp_factor(1, 3), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(ramp_factor(2, 3), 1.0);
  EXPECT_DOUBLE_EQ(ramp_factor(9, 3), 1.0);
  EXPECT_DOUBLE_EQ(ramp_factor(0, 1), 1.0);  // no ramp-up
  EXPECT_DOUBLE_EQ(ramp_factor(0, 0), 1.0);
}

TEST(Plants, RampUpReachesFullOutputAfterRampYears) {
  for (const int ramp : {1, 3, 5}) {
    SCOPED_TRACE("ramp_years " + std::to_string(ramp));
    Params p = quiet_params();
    p.plants.ramp_years = ramp;
    FirmTable f = one_plant(600.0, k_life, p);
    const double full = plant_from_investment(600.0, k_life, k_wage, p).value_added;
    EXPECT_NEAR(f.value_added[0], full / ramp, 1e-9 * full);  // first year: 1/R
    f.cash[0] = 1e6;  // no insolvency exit while losses last
    for (int year = 1; year < ramp + 3; ++year) {
      update_firm_rows(f, 0, 1, {2025 + year, k_wage, 0.0}, p, Rng(1));
      // At its optimum with no drift the plant keeps its size; output is the ramp share.
      const double expected = full * std::min(1.0, (year + 1.0) / ramp);
      EXPECT_NEAR(f.value_added[0], expected, 1e-9 * full) << "year " << year;
      EXPECT_NEAR(f.employment[0], plant_from_investment(600.0, k_life, k_wage, p).employment,
                  1e-9 * f.employment[0]);
    }
    EXPECT_NEAR(f.value_added[0], full, 1e-9 * full);  // full output from the R-th year on
  }
}

TEST(Plants, OnlyAiDataPlantsAreOutsideOfficialManufacturing) {
  for (int s = 0; s < k_sectors; ++s) {
    EXPECT_EQ(plant_is_official(s), s != k_ai_data_sector) << k_sector_names[s];
  }
  const Params p;
  EXPECT_EQ(one_plant(600.0, k_ai_data_sector, p).official[0], 0);
  EXPECT_EQ(one_plant(600.0, k_life, p).official[0], 1);
  // Ordinary firms are official manufacturing and have no ramp-up.
  FirmTable f;
  resize_rows(f, 1);
  init_firm_row(f, 0, 1, k_ai_data_sector, 0, 10.0, 0, k_wage, p, 0.0);
  EXPECT_EQ(f.official[0], 1);
  EXPECT_EQ(f.ramp_years[0], 0);
}

namespace {
/// The base population with one plant of `investment` in `sector` appended, accounted.
State state_with_plant(Parallel& par, const Params& p, int sector, double investment) {
  State st(par, 5);
  initialise(st, p);
  st.year = 2017;
  set_environment(st, p);
  update_firms(st, p);
  if (investment > 0.0) {
    const std::size_t row = rows(st.firms);
    resize_rows(st.firms, row + 1);
    init_plant_row(st.firms, row, st.next_id++, sector, 0, investment, st.macro.wage, p,
                   st.demand.log_price[sector]);
  }
  account_firms(st, p);
  account_macro(st, p);
  return st;
}
}  // namespace

TEST(Plants, AnAiPlantAddsNothingToTheOfficialShareButToTheWiderOnes) {
  Params p;
  p.firm_count = 2000;
  p.employment = 21000.0;
  p.plants.ramp_years = 1;  // full output at once
  Parallel par(2);
  const State none = state_with_plant(par, p, k_ai_data_sector, 0.0);
  const State ai = state_with_plant(par, p, k_ai_data_sector, 600.0);
  const State life = state_with_plant(par, p, k_life, 600.0);
  const double plant_va =
      plant_from_investment(600.0, k_ai_data_sector, ai.macro.wage, p).value_added;
  // The AI plant: official manufacturing value added unchanged, its value added outside it and
  // in GDP (eq. 3.5b); the official share cannot rise, the wider ones rise (eq. 7.1c).
  EXPECT_DOUBLE_EQ(ai.macro.mfg_va, none.macro.mfg_va);
  EXPECT_NEAR(ai.macro.outside_va, plant_va, 1e-9 * plant_va);
  EXPECT_NEAR(ai.totals.outside_employment,
              plant_from_investment(600.0, k_ai_data_sector, ai.macro.wage, p).employment, 1e-9);
  EXPECT_EQ(ai.totals.outside_firms, 1.0);
  EXPECT_NEAR(ai.macro.gdp, none.macro.gdp + plant_va, 1e-9 * ai.macro.gdp);
  EXPECT_LE(ai.macro.share, none.macro.share);
  EXPECT_GT(ai.macro.share_wide, none.macro.share_wide);
  EXPECT_GT(ai.macro.share_offshore, none.macro.share_offshore);
  EXPECT_DOUBLE_EQ(ai.totals.firms[k_ai_data_sector], none.totals.firms[k_ai_data_sector]);
  // The same plant in a manufacturing sector raises the official share.
  EXPECT_GT(life.macro.share, none.macro.share);
  EXPECT_EQ(life.macro.outside_va, 0.0);
  EXPECT_NEAR(life.macro.mfg_va, none.macro.mfg_va + plant_va, 1e-9 * life.macro.mfg_va);
}

}  // namespace nisim::hk
