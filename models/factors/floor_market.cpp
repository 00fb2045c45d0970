// Floor space for incumbents and suitability by industry (docs/model.md section 3.6).
#include "models/factors/floor_market.hpp"

#include <algorithm>
#include <string>

namespace nisim::hk {

std::array<double, k_sectors> floor_scarcity_cost(const FloorBySectorSite& floor, const Land& land,
                                                  const LandParams& lp, const Params& p) {
  std::array<double, k_sectors> cost{};
  for (int s = 0; s < k_sectors; ++s) {
    double total = 0.0, weighted = 0.0;
    for (int k = 0; k < k_sites; ++k) {
      const double m2 = floor[static_cast<std::size_t>(s) * k_sites + static_cast<std::size_t>(k)];
      // eq. 3.6h: only the premium over the base rent, per m2 of a worker's space (xi_k).
      const double premium = std::max(0.0, land.rent[k] - lp.sites[k].rent_base);
      total += m2;
      weighted += m2 * premium * land.floor_factor[k];
    }
    cost[s] = total > 0.0 ? p.sector[s].floor_per_worker * weighted / total : 0.0;
  }
  return cost;
}

bool industrial_buildings_suit(int sector, const Params& p) {
  return p.sector[sector].ib_suitable > 0.0;  // eq. 3.6i
}

int entrant_site(int sector, int site, const Params& p) {
  if (site == site::industrial_buildings && !industrial_buildings_suit(sector, p)) {
    return site::innopark_estates;
  }
  return site;
}

void record_floor(const Land& land, History& h) {
  double unmet = 0.0;
  for (int k = 0; k < k_sites; ++k) {
    const std::string name(k_site_names[k]);
    h.put("floor_rationed_" + name, "fraction",
          "share of incumbents' floor-space demand granted at this site (eq. 3.6f)",
          land.rationed[k]);
    unmet += std::max(0.0, land.demand[k] - land.firms[k]);
  }
  h.put("floor_demand_unmet", "m2",
        "incumbents' floor-space demand cut by rationing this year, all sites (eq. 3.6f)", unmet);
}

}  // namespace nisim::hk
