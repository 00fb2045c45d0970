// Land: supply, rents, rationing, claims and reservations (docs/model.md section 3.6).
#include "models/land/land.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace nisim::hk {
namespace {

/// Every site with a constant supply of `m2` and a base rent of 0.002 HK$ M per m2.
LandParams flat_sites(double m2) {
  LandParams p;
  for (auto& s : p.sites) s = {{{2016}, {m2}}, 0.002};
  return p;
}

/// Land of last year with `supply` m2 at every site and nothing occupied.
Land land_with(double supply) {
  Land land;
  land.supply.fill(supply);
  return land;
}

}  // namespace

TEST(Land, RentRisesAboveNaturalOccupancyAndFallsBelowIt) {
  const LandParams p = flat_sites(1000.0);
  const double natural = 1.0 - p.natural_vacancy;  // 0.935 occupied
  Land land = land_with(1000.0);
  land.firms[0] = 990.0;             // tighter than natural
  land.firms[1] = 900.0;             // looser than natural
  land.firms[2] = 1000.0 * natural;  // exactly natural
  land.firms[3] = 900.0;             // looser, part of it held by projects and claims
  land.reserved[3] = 50.0;
  land.claimed[3] = 40.0;  // 990 occupied in all
  set_land_year(land, 2020, p);
  EXPECT_GT(land.rent_factor[0], 1.0);
  EXPECT_GT(land.rent[0], p.sites[0].rent_base);
  EXPECT_LT(land.rent_factor[1], 1.0);
  EXPECT_LT(land.rent[1], p.sites[1].rent_base);
  EXPECT_NEAR(land.rent_factor[2], 1.0, 1e-12);
  EXPECT_NEAR(land.rent[2], p.sites[2].rent_base, 1e-15);
  // Reservations and claims count as occupied: site 3 prices like site 0.
  EXPECT_DOUBLE_EQ(land.rent_factor[3], land.rent_factor[0]);
  // eq. 3.6c: factor = (occupancy / (1 - v*))^(1/epsilon), within its bounds here.
  EXPECT_NEAR(land.rent_factor[0], std::pow(0.99 / natural, p.rent_response), 1e-12);
  EXPECT_NEAR(land.rent_factor[1], std::pow(0.90 / natural, p.rent_response), 1e-12);
  for (int s = 0; s < k_sites; ++s) {
    EXPECT_NEAR(land.rent[s], p.sites[s].rent_base * land.rent_factor[s], 1e-15) << "site " << s;
  }
  // A stronger response moves the rent further from its base for the same occupancy.
  LandParams steep = p;
  steep.rent_response = 4.0;
  Land again = land_with(1000.0);
  again.firms[0] = 990.0;
  again.firms[1] = 900.0;
  set_land_year(again, 2020, steep);
  EXPECT_GT(again.rent_factor[0], land.rent_factor[0]);
  EXPECT_LT(again.rent_factor[1], land.rent_factor[1]);
}

TEST(Land, RentFactorIsClampedToItsBounds) {
  LandParams p = flat_sites(1000.0);
  p.rent_factor_min = 0.7;
  p.rent_factor_max = 1.5;
  Land land = land_with(1000.0);
  land.firms[0] = 0.0;     // empty: (0)^2 = 0 -> floor
  land.firms[1] = 2000.0;  // twice over supply: (2 / 0.935)^2 = 4.6 -> ceiling
  land.firms[2] = 500.0;   // (0.5 / 0.935)^2 = 0.29 -> floor
  land.firms[3] = 1000.0;  // (1 / 0.935)^2 = 1.14, inside the bounds
  set_land_year(land, 2020, p);
  EXPECT_DOUBLE_EQ(land.rent_factor[0], 0.7);
  EXPECT_DOUBLE_EQ(land.rent_factor[1], 1.5);
  EXPECT_DOUBLE_EQ(land.rent_factor[2], 0.7);
  EXPECT_GT(land.rent_factor[3], 1.0);
  EXPECT_LT(land.rent_factor[3], 1.5);
  EXPECT_DOUBLE_EQ(land.rent[1], 1.5 * p.sites[1].rent_base);
  EXPECT_DOUBLE_EQ(land.rent[0], 0.7 * p.sites[0].rent_base);
  // A site with no supply last year (not yet built) has occupancy 0 and the lowest rent.
  Land unbuilt = land_with(0.0);
  set_land_year(unbuilt, 2020, p);
  for (int s = 0; s < k_sites; ++s) {
    EXPECT_DOUBLE_EQ(unbuilt.rent_factor[s], 0.7) << "site " << s;
    EXPECT_TRUE(std::isfinite(unbuilt.floor_factor[s]));
  }
}

TEST(Land, FloorFactorIsRentFactorToTheMinusEta) {
  for (double eta : {0.0, 0.3, 1.2}) {
    LandParams p = flat_sites(1000.0);
    p.floor_elasticity = eta;
    Land land = land_with(1000.0);
    const double occupied[k_sites] = {0.0, 500.0, 900.0, 935.0, 990.0, 2000.0};
    for (int s = 0; s < k_sites; ++s) land.firms[s] = occupied[s];
    set_land_year(land, 2020, p);
    for (int s = 0; s < k_sites; ++s) {
      EXPECT_NEAR(land.floor_factor[s], std::pow(land.rent_factor[s], -eta), 1e-12)
          << "eta " << eta << " site " << s;  // eq. 3.6d
      if (eta > 0.0 && land.rent_factor[s] > 1.0) {
        EXPECT_LT(land.floor_factor[s], 1.0);
      }
      if (eta > 0.0 && land.rent_factor[s] < 1.0) {
        EXPECT_GT(land.floor_factor[s], 1.0);
      }
    }
  }
}

TEST(Land, NewYearTakesSupplyFromItsSeriesAndTurnsClaimsIntoFirms) {
  LandParams p = flat_sites(1000.0);
  p.sites[site::san_tin].supply = {{2016, 2030}, {0.0, 5000.0}};
  Land land = land_with(1000.0);
  land.supply[site::san_tin] = 0.0;
  land.firms[0] = 600.0;
  land.claimed[0] = 100.0;
  land.refused[0] = 77.0;
  land.reserved[0] = 50.0;
  set_land_year(land, 2029, p);
  EXPECT_DOUBLE_EQ(land.supply[site::san_tin], 0.0);
  // Last year's claims become firms' floor space; refusals are this year's only.
  EXPECT_DOUBLE_EQ(land.firms[0], 700.0);
  EXPECT_DOUBLE_EQ(land.claimed[0], 0.0);
  EXPECT_DOUBLE_EQ(land.refused[0], 0.0);
  EXPECT_DOUBLE_EQ(land.reserved[0], 50.0);  // projects under construction keep their space
  EXPECT_DOUBLE_EQ(land.occupied(0), 750.0);
  set_land_year(land, 2030, p);
  EXPECT_DOUBLE_EQ(land.supply[site::san_tin], 5000.0);
  EXPECT_DOUBLE_EQ(land.vacant(site::san_tin), 5000.0);
}

TEST(Land, ClaimRefusesWhenNotVacantAndCountsRefusedSpace) {
  Land land = land_with(1000.0);
  land.firms[0] = 800.0;
  land.reserved[0] = 100.0;  // 100 m2 vacant
  EXPECT_FALSE(land.claim(0, 150.0));
  EXPECT_DOUBLE_EQ(land.refused[0], 150.0);
  EXPECT_DOUBLE_EQ(land.claimed[0], 0.0);
  EXPECT_TRUE(land.claim(0, 60.0));
  EXPECT_DOUBLE_EQ(land.claimed[0], 60.0);
  EXPECT_DOUBLE_EQ(land.vacant(0), 40.0);
  EXPECT_FALSE(land.claim(0, 41.0));
  EXPECT_DOUBLE_EQ(land.refused[0], 191.0);
  EXPECT_TRUE(land.claim(0, 40.0));  // exactly what is vacant
  EXPECT_NEAR(land.vacant(0), 0.0, 1e-12);
  EXPECT_LE(land.occupied(0), land.supply[0]);
  // Other sites are untouched.
  for (int s = 1; s < k_sites; ++s) {
    EXPECT_EQ(land.claimed[s], 0.0);
    EXPECT_EQ(land.refused[s], 0.0);
  }
  // A site with no supply refuses everything.
  EXPECT_FALSE(land_with(0.0).claim(site::san_tin, 1.0));
}

TEST(Land, ReserveRefusesWhenNotVacantAndUnreserveGivesSpaceBack) {
  Land land = land_with(1000.0);
  land.firms[2] = 700.0;
  land.claimed[2] = 100.0;  // 200 m2 vacant
  EXPECT_FALSE(land.reserve(2, 250.0));
  EXPECT_DOUBLE_EQ(land.refused[2], 250.0);
  EXPECT_DOUBLE_EQ(land.reserved[2], 0.0);
  EXPECT_TRUE(land.reserve(2, 200.0));
  EXPECT_DOUBLE_EQ(land.reserved[2], 200.0);
  EXPECT_NEAR(land.vacant(2), 0.0, 1e-12);
  EXPECT_FALSE(land.claim(2, 1.0));  // reservations take space from claims too
  land.unreserve(2, 120.0);
  EXPECT_DOUBLE_EQ(land.reserved[2], 80.0);
  EXPECT_DOUBLE_EQ(land.vacant(2), 120.0);
  land.unreserve(2, 500.0);  // never below zero
  EXPECT_DOUBLE_EQ(land.reserved[2], 0.0);
}

TEST(Land, RationFloorKeepsOccupiedWithinSupply) {
  Land land = land_with(1000.0);
  land.reserved[0] = 200.0;
  land.claimed[0] = 100.0;
  land.reserved[1] = 1000.0;  // everything held by projects
  std::array<double, k_sites> demand{};
  demand[0] = 1400.0;  // 700 m2 left for firms: kappa = 0.5
  demand[1] = 50.0;
  demand[2] = 5000.0;
  const auto kappa = ration_floor(land, demand);
  EXPECT_DOUBLE_EQ(kappa[0], 0.5);
  EXPECT_DOUBLE_EQ(land.firms[0], 700.0);
  EXPECT_DOUBLE_EQ(kappa[1], 0.0);
  EXPECT_DOUBLE_EQ(land.firms[1], 0.0);
  EXPECT_DOUBLE_EQ(kappa[2], 0.2);
  for (int s = 0; s < k_sites; ++s) {
    EXPECT_LE(land.occupied(s), land.supply[s] * (1.0 + 1e-12)) << "site " << s;
    EXPECT_DOUBLE_EQ(land.rationed[s], kappa[s]);
    EXPECT_NEAR(land.firms[s], demand[s] * kappa[s], 1e-9);
  }
}

TEST(Land, RationFloorGrantsEverythingWhenThereIsRoom) {
  Land land = land_with(1000.0);
  land.reserved[0] = 200.0;
  land.firms.fill(999.0);  // last year's figure is replaced by this year's demand
  std::array<double, k_sites> demand = {800.0, 10.0, 0.0, 999.0, 1000.0, 500.0};
  const auto kappa = ration_floor(land, demand);
  for (int s = 0; s < k_sites; ++s) {
    EXPECT_EQ(kappa[s], 1.0) << "site " << s;
    EXPECT_EQ(land.rationed[s], 1.0);
    EXPECT_DOUBLE_EQ(land.firms[s], demand[s]);
    EXPECT_LE(land.occupied(s), land.supply[s]);
  }
}

}  // namespace nisim::hk
