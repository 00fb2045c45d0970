#pragma once
// Land and floor space (docs/model.md section 3.6): supply by site from the scenario, rents that
// respond to vacancy, the rationing that keeps occupied floor space within supply, and the
// claims of new projects (smart lines, NIAS facilities, graduating start-ups) on vacant space.
#include <array>
#include <cstdint>
#include <string_view>

#include "engine/params.hpp"

namespace nisim::hk {

/// Sites where firms occupy floor space (section 3.6).
inline constexpr int k_sites = 6;
inline constexpr std::array<std::string_view, k_sites> k_site_names = {
    "industrial_buildings", "innopark_estates", "innopark_centres",
    "loop_hsitp",           "san_tin",          "sha_ling"};
namespace site {
inline constexpr int industrial_buildings = 0;  ///< private flatted factories ("upstairs")
inline constexpr int innopark_estates = 1;      ///< InnoPark land leases (own plants)
inline constexpr int innopark_centres = 2;      ///< HKSTP multi-storey manufacturing centres
inline constexpr int loop_hsitp = 3;            ///< Hong Kong-Shenzhen I&T Park, Lok Ma Chau Loop
inline constexpr int san_tin = 4;               ///< San Tin Technopole I&T land
inline constexpr int sha_ling = 5;              ///< Sha Ling data park
}  // namespace site

/// One site's terms (section 3.6, Table 3.6).
struct SiteParams {
  Series supply;           ///< floor space available to manufacturing and I&T production, m2
  double rent_base = 0.0;  ///< rent at the natural vacancy rate, HK$ M per m2 per year
};

struct LandParams {
  std::array<SiteParams, k_sites> sites = default_sites();
  double natural_vacancy = 0.065;  ///< v*: vacancy at which rent equals its base, fraction
  double rent_response = 2.0;      ///< 1/epsilon: elasticity of rent to occupancy / (1 - v*)
  double floor_elasticity = 0.3;   ///< eta: elasticity of floor per worker to rent
  double rent_factor_min = 0.5;    ///< rent never below this multiple of its base
  double rent_factor_max = 3.0;    ///< rent never above this multiple of its base
  static std::array<SiteParams, k_sites> default_sites();
};

void bind_land_params(LandParams& p, ParamBinder& b);

/// Floor space of the economy this year, by site (section 3.6). Occupied = firms + reserved,
/// and after allocate() occupied <= supply at every site.
struct Land {
  std::array<double, k_sites> supply{};    ///< S: m2
  std::array<double, k_sites> firms{};     ///< floor space of operating firms after rationing, m2
  std::array<double, k_sites> reserved{};  ///< R: held by projects under construction, m2
  std::array<double, k_sites> claimed{};   ///< claimed this year by new projects and entrants, m2
  std::array<double, k_sites> rent{};      ///< r: HK$ M per m2 per year
  std::array<double, k_sites> rent_factor{};   ///< r / r_base
  std::array<double, k_sites> floor_factor{};  ///< (r / r_base)^-eta: floor per worker multiplier
  std::array<double, k_sites> rationed{};      ///< kappa: share of firms' demand granted (1 = none)
  std::array<double, k_sites> refused{};       ///< m2 of claims refused this year for want of space
  std::array<double, k_sites> demand{};  ///< D: firms' floor-space demand before rationing, m2

  double occupied(int s) const { return firms[s] + reserved[s] + claimed[s]; }
  double vacant(int s) const { return supply[s] - occupied(s); }
  /// Take `m2` of vacant space at site `s` for a new project or firm; false (and counted as
  /// refused) when the site has less vacant space than that.
  bool claim(int s, double m2);
  /// Hold `m2` for a project under construction (eq. 3.6e); false if not vacant.
  bool reserve(int s, double m2);
  /// Give back `m2` of reserved space (the project completed or lapsed).
  void unreserve(int s, double m2);
  /// Give back `m2` claimed this year by a project that did not go ahead after all.
  void unclaim(int s, double m2);
};

/// Supply and rents for `year` from last year's occupancy (eqs. 3.6c-d). Call at the start of
/// the year, before firms decide. Clears this year's claims and refusals.
void set_land_year(Land& land, int year, const LandParams& p);

/// Ration firms' floor-space demand `demand[s]` (m2, after the firm update) to what supply less
/// reservations allows (eq. 3.6f). Sets land.firms and land.rationed; returns kappa by site.
std::array<double, k_sites> ration_floor(Land& land, const std::array<double, k_sites>& demand);

}  // namespace nisim::hk
