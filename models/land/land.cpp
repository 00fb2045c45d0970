// Land and floor space (docs/model.md section 3.6).
#include "models/land/land.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace nisim::hk {

std::array<SiteParams, k_sites> LandParams::default_sites() {
  // Table 3.6: supply of floor space for manufacturing and I&T production, m2, and base rents,
  // HK$ M per m2 per year. Sources and assumptions are in docs/model.md section 3.6.
  std::array<SiteParams, k_sites> s;
  // Industrial buildings: ~4.1 M m2 usable by manufacturing at 2016 (about 7% vacant against
  // the synthetic firms' 3.8 M m2; flatted-factory vacancy 6.4% in 2020, Planning Department),
  // shrinking as floors convert to other uses (assumed ~0.7% a year). Rent HK$ 14.6 per sq ft
  // per month (Q3 2023, property consultant) = HK$ 1,886 per m2 per year.
  s[site::industrial_buildings] = {
      {{2016, 2020, 2025, 2030, 2035}, {4.10e6, 4.00e6, 3.85e6, 3.70e6, 3.55e6}}, 0.001886};
  // InnoPark land leases: ~90% utilised (HKSTP); sized to the strategic firms sited there.
  s[site::innopark_estates] = {{{2016}, {1.05e5}}, 0.0012};
  // HKSTP manufacturing centres: Precision Manufacturing Centre (Tai Po, 2020), Advanced
  // Manufacturing Centre (TKO, ~100,000 m2 by 2022), Microelectronics Centre (Yuen Long, 2023);
  // >= 200,000 m2 by 2027 (2024 Policy Address target, assumed delivered).
  s[site::innopark_centres] = {
      {{2016, 2020, 2022, 2023, 2025, 2027}, {0.0, 3.0e4, 1.0e5, 1.38e5, 1.6e5, 2.0e5}}, 0.0020};
  // Loop (HSITP) phase 1, production share of its GFA (assumed one third of 1,000,000 m2):
  // first 3 buildings from end 2024, 5 more within 5 years (LegCo papers), the rest by 2035.
  s[site::loop_hsitp] = {{{2016, 2025, 2027, 2030, 2035}, {0.0, 4.5e4, 7.5e4, 1.2e5, 3.3e5}},
                         0.0030};
  // San Tin Technopole: ~20 ha to HKSTP from 2026-27, built out from 2030 (assumed), later
  // batches of the ~210 ha of I&T land to 2040.
  s[site::san_tin] = {{{2016, 2030, 2032, 2035, 2040}, {0.0, 1.0e5, 3.0e5, 7.0e5, 1.4e6}}, 0.0020};
  // Sha Ling data park (10 ha, rezoning from 2024): data facilities from 2030 (assumed).
  s[site::sha_ling] = {{{2016, 2030}, {0.0, 5.0e4}}, 0.0015};
  return s;
}

void bind_land_params(LandParams& p, ParamBinder& b) {
  for (int s = 0; s < k_sites; ++s) {
    const std::string k = "land." + std::string(k_site_names[s]) + ".";
    b.series(k + "supply", p.sites[s].supply,
             {"m2", 0.0, 1e10, "floor space available to production at this site (3.6)"});
    b.real(k + "rent_base", p.sites[s].rent_base,
           {"HK$ M/m2/year", 0.0, 1.0, "rent at the natural vacancy rate (3.6)"});
  }
  b.real("land.natural_vacancy", p.natural_vacancy,
         {"fraction", 0.0, 0.9, "vacancy at which rent is at base; flatted factories 6.4% (3.6)"});
  b.real("land.rent_response", p.rent_response,
         {"", 0.0, 20.0, "elasticity of rent to occupancy over 1 - natural vacancy (3.6)"});
  b.real("land.floor_elasticity", p.floor_elasticity,
         {"", 0.0, 5.0, "elasticity of floor space per worker to rent (3.6)"});
  b.real("land.rent_factor_min", p.rent_factor_min,
         {"", 0.01, 1.0, "lowest rent as a multiple of its base (3.6)"});
  b.real("land.rent_factor_max", p.rent_factor_max,
         {"", 1.0, 100.0, "highest rent as a multiple of its base (3.6)"});
}

bool Land::claim(int s, double m2) {
  if (m2 > vacant(s) + 1e-9) {
    refused[s] += m2;
    return false;
  }
  claimed[s] += m2;
  return true;
}

bool Land::reserve(int s, double m2) {
  if (m2 > vacant(s) + 1e-9) {
    refused[s] += m2;
    return false;
  }
  reserved[s] += m2;
  return true;
}

void Land::unreserve(int s, double m2) {
  reserved[s] = std::max(0.0, reserved[s] - m2);
}

void Land::unclaim(int s, double m2) {
  claimed[s] = std::max(0.0, claimed[s] - m2);
}

void set_land_year(Land& land, int year, const LandParams& p) {
  for (int s = 0; s < k_sites; ++s) {
    const SiteParams& sp = p.sites[s];
    // eq. 3.6c: rent moves with last year's occupancy rate against the natural rate.
    // Occupancy counts firms' demand before rationing (eq. 3.6f), so a site where firms want
    // more than there is has occupancy above 1 and its rent keeps rising to the cap.
    const double wanted = land.demand[s] + land.reserved[s] + land.claimed[s];
    const double occupied = std::max(land.occupied(s), wanted), last_supply = land.supply[s];
    const double occupancy = last_supply > 0.0 ? occupied / last_supply : 0.0;
    const double ratio = occupancy / (1.0 - p.natural_vacancy);
    const double factor =
        std::clamp(std::pow(ratio, p.rent_response), p.rent_factor_min, p.rent_factor_max);
    land.rent_factor[s] = factor;
    land.rent[s] = sp.rent_base * factor;
    land.floor_factor[s] = std::pow(factor, -p.floor_elasticity);  // eq. 3.6d
    land.supply[s] = sp.supply.at(year);
    land.firms[s] += land.claimed[s];  // last year's claims are now firms' floor space
    land.claimed[s] = 0.0;
    land.refused[s] = 0.0;
  }
}

std::array<double, k_sites> ration_floor(Land& land, const std::array<double, k_sites>& demand) {
  std::array<double, k_sites> kappa{};
  for (int s = 0; s < k_sites; ++s) {
    // eq. 3.6f: firms share what supply less reservations and this year's claims leaves.
    const double available = std::max(0.0, land.supply[s] - land.reserved[s] - land.claimed[s]);
    kappa[s] = demand[s] > available ? available / demand[s] : 1.0;
    land.rationed[s] = kappa[s];
    land.demand[s] = demand[s];
    land.firms[s] = demand[s] * kappa[s];
  }
  return kappa;
}

}  // namespace nisim::hk
