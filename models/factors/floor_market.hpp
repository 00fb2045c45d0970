#pragma once
// Floor space as a factor that incumbents pay for and industries can or cannot use
// (docs/model.md section 3.6, eqs. 3.6h-i): the scarcity rent each sector's firms weigh when
// they hire, from the rent premium at the sites they occupy, and which sectors converted
// industrial-building space suits.
#include <array>

#include "models/history.hpp"
#include "models/land/land.hpp"
#include "models/params.hpp"

namespace nisim::hk {

/// Floor space of firms by sector and site, m2, row-major [sector * k_sites + site].
using FloorBySectorSite = std::array<double, std::size_t{k_sectors} * k_sites>;

/// Scarcity rent per person engaged that each sector's firms weigh when they hire, HK$ M per
/// person-year (eq. 3.6h): f_s times the floor-weighted mean over the sector's sites of
/// xi_k max(0, r_k - rbar_k). Sites at or below their base rent add nothing. A sector with no
/// floor space yet (no firm) gets 0.
std::array<double, k_sectors> floor_scarcity_cost(const FloorBySectorSite& floor, const Land& land,
                                                  const LandParams& lp, const Params& p);

/// True if converted industrial-building space suits `sector` (eq. 3.6i): its
/// `sectors.<s>.ib_suitable` is positive.
bool industrial_buildings_suit(int sector, const Params& p);

/// Site of a new entrant (eq. 3.6b restricted by eq. 3.6i): `site` as drawn, except that a
/// sector industrial buildings do not suit goes to the InnoPark estates instead.
int entrant_site(int sector, int site, const Params& p);

/// Append the year's rationing series by site to the output (docs/output.md).
void record_floor(const Land& land, History& h);

}  // namespace nisim::hk
