// Floor space for incumbents and suitability of industrial buildings by industry
// (docs/model.md section 3.6, eqs. 3.6f, 3.6h-i).
#include "models/factors/floor_market.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/table.hpp"
#include "models/firms.hpp"
#include "models/schemes/nias.hpp"
#include "models/schemes/talent.hpp"

namespace nisim::hk {

TEST(FloorMarket, UnsuitableSectorCannotTakeIndustrialBuildings) {
  const Params p;
  // Defaults (eq. 3.6i): advanced manufacturing and new energy is not housed in flatted
  // factories; the traditional sectors are.
  EXPECT_FALSE(industrial_buildings_suit(9, p));
  EXPECT_TRUE(industrial_buildings_suit(0, p));
  EXPECT_EQ(entrant_site(9, site::industrial_buildings, p), site::innopark_estates);
  EXPECT_EQ(entrant_site(0, site::industrial_buildings, p), site::industrial_buildings);
  EXPECT_EQ(entrant_site(9, site::innopark_estates, p), site::innopark_estates);

  // A NIAS facility finds room only in industrial buildings: a suitable sector takes it, an
  // unsuitable one waits for land.
  NiasParams np;
  np.terms = {true, 2024, 2040, 1e5};
  EnterpriseParams ep;
  ep.talks = {{2016}, {0.0}};
  ep.decide_rate = 1.0;
  ep.max_talks = 5;
  std::array<double, 10> floor{}, jobs{}, ib_ok{};
  for (int s = 0; s < k_sectors; ++s) {
    floor[s] = p.sector[s].floor_per_worker;
    jobs[s] = plant_jobs_per_investment(s, 0.2, p);
    ib_ok[s] = industrial_buildings_suit(s, p) ? 1.0 : 0.0;
  }
  const auto run = [&](int sector, bool open_ib) {
    Enterprises ent;
    ent.nias.budget = Budget(np.terms.budget);
    Prospects& q = ent.prospects;
    const double employment = 500.0 * jobs[sector];
    q.id.push_back(1);
    q.sector.push_back(static_cast<std::uint8_t>(sector));
    q.investment.push_back(500.0);
    q.margin.push_back(0.1);
    q.arrived.push_back(2025);
    q.done.push_back(0);
    q.grant.push_back(0.0);
    q.site.push_back(0);
    q.employment.push_back(employment);
    q.floor.push_back(floor[sector] * employment);
    Land land;
    land.supply[site::industrial_buildings] = 1e7;  // no room anywhere else
    Talent talent;
    talent.pool = 1e6;
    enterprises_year(ent, land, talent, 2025, np, ep, floor, jobs, Rng(1),
                     open_ib ? ib_ok : std::array<double, 10>{});
    return std::make_pair(ent.committed, land.reserved[site::industrial_buildings]);
  };
  const auto [suited, suited_m2] = run(7, true);
  EXPECT_EQ(suited, 1.0);
  EXPECT_GT(suited_m2, 0.0);
  const auto [unsuited, unsuited_m2] = run(9, true);
  EXPECT_EQ(unsuited, 0.0);
  EXPECT_EQ(unsuited_m2, 0.0);
  // Without the suitability list (the default argument) no facility uses industrial buildings.
  EXPECT_EQ(run(7, false).first, 0.0);
}

TEST(FloorMarket, ScarcityRentOnlyWhereRentIsAboveBase) {
  const Params p;
  Land land;
  for (int k = 0; k < k_sites; ++k) {
    land.rent[k] = p.land.sites[k].rent_base;
    land.floor_factor[k] = 1.0;
  }
  FloorBySectorSite floor{};
  floor[0 * k_sites + site::industrial_buildings] = 3000.0;
  floor[7 * k_sites + site::industrial_buildings] = 1000.0;
  floor[7 * k_sites + site::innopark_estates] = 3000.0;
  // At base rents there is no scarcity cost.
  for (double c : floor_scarcity_cost(floor, land, p.land, p)) EXPECT_EQ(c, 0.0);
  // The estates' rent doubles (factor 2, floor factor 2^-eta) and industrial buildings fall
  // below base: sector 7 weighs 3/4 of the estates' premium, sector 0 nothing.
  const double xi = std::pow(2.0, -p.land.floor_elasticity);
  land.rent[site::innopark_estates] = 2.0 * p.land.sites[site::innopark_estates].rent_base;
  land.floor_factor[site::innopark_estates] = xi;
  land.rent[site::industrial_buildings] = 0.5 * p.land.sites[site::industrial_buildings].rent_base;
  const auto cost = floor_scarcity_cost(floor, land, p.land, p);
  EXPECT_NEAR(
      cost[7],
      p.sector[7].floor_per_worker * 0.75 * p.land.sites[site::innopark_estates].rent_base * xi,
      1e-15);
  EXPECT_EQ(cost[0], 0.0);
  EXPECT_EQ(cost[3], 0.0);  // a sector with no floor space: 0, not a division by zero
}

TEST(FloorMarket, FullSiteRaisesRentBeyondFullOccupancy) {
  LandParams lp;
  for (auto& s : lp.sites) s = {{{2016}, {1000.0}}, 0.002};
  Land land;
  land.supply.fill(1000.0);
  // Site 0: firms want 1,500 m2 of 1,000 and are rationed to 1,000 (eq. 3.6f).
  std::array<double, k_sites> demand{};
  demand[0] = 1500.0;
  demand[1] = 1000.0;  // exactly full, not rationed
  ration_floor(land, demand);
  EXPECT_NEAR(land.rationed[0], 2.0 / 3.0, 1e-12);
  EXPECT_DOUBLE_EQ(land.firms[0], 1000.0);
  set_land_year(land, 2017, lp);
  // eq. 3.6c on wanted space: 1.5 / 0.935 squared, not the 1 / 0.935 of space occupied.
  const double full = std::pow(1.0 / (1.0 - lp.natural_vacancy), lp.rent_response);
  EXPECT_NEAR(land.rent_factor[1], full, 1e-12);
  EXPECT_NEAR(land.rent_factor[0],
              std::min(lp.rent_factor_max, std::pow(1.5 / (1.0 - lp.natural_vacancy), 2.0)), 1e-12);
  EXPECT_GT(land.rent_factor[0], land.rent_factor[1]);
}

TEST(FloorMarket, FullSiteLimitsAnIncumbentsGrowth) {
  // A growing firm (positive drift) at a site with a scarcity rent grows less in employment,
  // hence floor space, than the same firm with none (eq. 3.6h in eqs. 3.2b-d).
  Params p;
  p.tfp_sigma = 0.0;
  p.exit_hazard_young = p.exit_hazard_mature = 0.0;
  p.line_max = 0;
  p.tfp_drift = 0.05;
  const auto make = [&p] {
    FirmTable f;
    resize_rows(f, 1);
    init_firm_row(f, 0, 1, 0, site::industrial_buildings, 30.0, 10, 0.2, p, 0.0);
    return f;
  };
  FirmTable free = make(), full = make();
  FirmEnvironment env{2017, 0.2, 0.0};
  update_firm_rows(free, 0, 1, env, p, Rng(1));
  EXPECT_GT(free.employment[0], 30.0);
  // The rent at the site is at its cap: 2 x base above base, per worker's floor space.
  const double premium = 2.0 * p.land.sites[site::industrial_buildings].rent_base;
  env.rent_extra[site::industrial_buildings] = premium;
  env.floor_cost[0] = p.sector[0].floor_per_worker * premium;
  update_firm_rows(full, 0, 1, env, p, Rng(1));
  EXPECT_LT(full.employment[0], free.employment[0]);
  EXPECT_LT(full.floor_space[0], free.floor_space[0]);
  // The hiring condition uses the wage plus the floor cost: L* = beta Y* / (w + c) (eq. 3.6h).
  const double w = 0.2, c = env.floor_cost[0];
  const double log_l_star =
      std::log(p.beta) + optimal_log_va(full.log_tfp[0], w + c, p, 0, 0.0) - std::log(w + c);
  EXPECT_NEAR(std::log(full.employment[0]),
              std::log(30.0) + p.adjust_speed * (log_l_star - std::log(30.0)), 1e-9);
}

}  // namespace nisim::hk
