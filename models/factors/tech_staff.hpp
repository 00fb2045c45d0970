#pragma once
// The market for technical staff (docs/model.md section 4.6): the technical staff incumbents
// employ, their net hiring from the pool of section 4.3, and a technical wage that rises as the
// pool's free share falls (a wage curve), paid by every firm on its technical staff.
#include <array>

#include "models/history.hpp"
#include "models/params.hpp"

namespace nisim::hk {

struct Talent;

/// State of the technical-staff market (section 4.6).
struct TechMarket {
  double wage_factor = 1.0;       ///< omega_t: technical wage over its base level (eq. 4.6d)
  double employed = 0.0;          ///< E_t: technical staff employed by firms at year end, persons
  double employed_prev = 0.0;     ///< E_{t-1}, persons
  double plant_hires = 0.0;       ///< staff hired from the pool this year by new plants, persons
  double plant_hires_prev = 0.0;  ///< the same, last year, persons
  double demand = 0.0;            ///< D_t: incumbents' net technical hiring wanted (eq. 4.6b)
  double incumbent_hired = 0.0;   ///< drawn from the pool by incumbents this year, persons
  double incumbent_short = 0.0;   ///< incumbents' hiring the pool could not fill, persons
  double released = 0.0;          ///< released by shrinking and exiting firms, persons
  double returned = 0.0;          ///< of them, joining the pool (rho_X released), persons
  double free_share = 0.0;        ///< u_t = P_t / (P_t + E_t) at year end (eq. 4.6c)
  double pool_start = 0.0;        ///< P_{t-1}: the pool at the start of the year, persons
  // Staff wanted by claims refused this year for want of staff, by claimant, persons.
  double refused_nifs = 0.0, refused_nias = 0.0, refused_graduates = 0.0, refused_rth = 0.0;
};

/// Start of year: zero this year's flows and refusals, keep last year's plant hires.
void tech_new_year(TechMarket& market);

/// Year end (phase account_firms): E_t from the firm totals, and the free share u_t with the
/// pool after every hire of the year (eqs. 4.6a, 4.6c). `base` sets E_{t-1} = E_t too.
void tech_year_end(TechMarket& market, double employed, double pool, bool base);

/// E = sum over sectors of theta_s L_s, plus theta of AI/data for plants outside official
/// manufacturing (eq. 4.6a). Persons.
double tech_employment(const std::array<double, k_sectors>& employment, double outside_employment,
                       const Params& p);

/// Technical wage factor for this year from last year's free share (eq. 4.6d).
double tech_wage_factor(double free_share, const TechStaffParams& p);

/// Each sector's wage over its base-year relative level when technical staff, the share
/// theta_s of its persons engaged, earn omega times it (eq. 4.6e).
std::array<double, k_sectors> sector_wage_factors(double omega, const Params& p);

/// Incumbents' net hiring of technical staff this year (eq. 4.6b): the change in E over last
/// year less what new plants hired from the pool. Draws on the pool first (before any project),
/// as far as it goes; of the staff released, the share `release_to_pool` joins it. Sets
/// market.demand, incumbent_hired, incumbent_short, released, returned; changes talent.pool.
void incumbents_hire(TechMarket& market, Talent& talent, double release_to_pool);

/// Append the year's technical-market series to the output (docs/output.md).
void record_tech(const TechMarket& market, double wage, History& h);

}  // namespace nisim::hk
