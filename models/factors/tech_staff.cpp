// The market for technical staff (docs/model.md section 4.6).
#include "models/factors/tech_staff.hpp"

#include <algorithm>
#include <cmath>

#include "models/schemes/talent.hpp"

namespace nisim::hk {

void bind_tech_staff_params(TechStaffParams& p, ParamBinder& b) {
  b.real("talent.wage_elasticity", p.wage_elasticity,
         {"", 0.0, 2.0,
          "minus the elasticity of technical pay to the free share of technical staff; "
          "wage-curve literature 0.07-0.1 (4.6)"});
  b.real("talent.natural_free_share", p.natural_free_share,
         {"fraction", 1e-6, 1.0,
          "free share of technical staff at which the technical wage is at base; assumed (4.6)"});
  b.real("talent.wage_factor_min", p.wage_factor_min,
         {"", 0.01, 1.0, "lowest technical wage as a multiple of base; assumed (4.6)"});
  b.real("talent.wage_factor_max", p.wage_factor_max,
         {"", 1.0, 100.0, "highest technical wage as a multiple of base; assumed (4.6)"});
  b.real("talent.release_to_pool", p.release_to_pool,
         {"fraction", 0.0, 1.0,
          "share of technical staff released by firms who join the pool; assumed (4.6)"});
}

double tech_employment(const std::array<double, k_sectors>& employment, double outside_employment,
                       const Params& p) {
  // eq. 4.6a: technical staff are the share theta_s of each sector's persons engaged.
  double e = p.sector[k_ai_data_sector].tech_share * outside_employment;
  for (int s = 0; s < k_sectors; ++s) e += p.sector[s].tech_share * employment[s];
  return e;
}

double tech_wage_factor(double free_share, const TechStaffParams& p) {
  // eq. 4.6d: wage curve, omega = (u / u*)^-e_w, clamped; no free staff at all gives the cap.
  if (free_share <= 0.0) return p.wage_factor_max;
  const double omega = std::pow(free_share / p.natural_free_share, -p.wage_elasticity);
  return std::clamp(omega, p.wage_factor_min, p.wage_factor_max);
}

std::array<double, k_sectors> sector_wage_factors(double omega, const Params& p) {
  // eq. 4.6e: (1 - theta_s) + theta_s omega.
  std::array<double, k_sectors> f{};
  for (int s = 0; s < k_sectors; ++s) f[s] = 1.0 + p.sector[s].tech_share * (omega - 1.0);
  return f;
}

void tech_new_year(TechMarket& m) {
  m.plant_hires_prev = m.plant_hires;
  m.plant_hires = m.demand = m.incumbent_hired = m.incumbent_short = m.released = 0.0;
  m.returned = 0.0;
  m.refused_nifs = m.refused_nias = m.refused_graduates = m.refused_rth = 0.0;
}

void tech_year_end(TechMarket& m, double employed, double pool, bool base) {
  m.employed_prev = base ? employed : m.employed;
  m.employed = employed;
  // eq. 4.6c: the free share of technical staff.
  m.free_share = pool + employed > 0.0 ? std::max(0.0, pool) / (pool + employed) : 0.0;
}

void incumbents_hire(TechMarket& m, Talent& talent, double release_to_pool) {
  // eq. 4.6b: D_t = E_{t-1} - E_{t-2} - H^plants_{t-1}; firms' technical staff last year, less
  // what they had the year before, less what new plants already took from the pool.
  m.demand = m.employed - m.employed_prev - m.plant_hires_prev;
  m.incumbent_hired = m.incumbent_short = m.released = 0.0;
  if (m.demand >= 0.0) {
    m.incumbent_hired = std::min(m.demand, std::max(0.0, talent.pool));
    m.incumbent_short = m.demand - m.incumbent_hired;
    talent.pool -= m.incumbent_hired;
  } else {
    m.released = -m.demand;
    m.returned = release_to_pool * m.released;  // the rest leave manufacturing's labour market
    talent.pool += m.returned;
  }
}

void record_tech(const TechMarket& m, double wage, History& h) {
  h.put("tech_wage_factor", "ratio", "technical wage over its base level, omega (eq. 4.6d)",
        m.wage_factor);
  h.put("tech_wage", "HK$ M per person-year",
        "technical staff wage at the average manufacturing wage, omega w (eq. 4.6e)",
        m.wage_factor * wage);
  h.put("tech_employed", "persons", "technical staff employed by firms at year end (eq. 4.6a)",
        m.employed);
  h.put("tech_free_share", "fraction",
        "free share of technical staff at year end, P / (P + E) (eq. 4.6c)", m.free_share);
  h.put("tech_incumbent_hired", "persons",
        "technical staff incumbents drew from the pool this year (eq. 4.6b)", m.incumbent_hired);
  h.put("tech_incumbent_short", "persons",
        "incumbents' technical hiring the pool could not fill this year (eq. 4.6b)",
        m.incumbent_short);
  h.put("tech_released", "persons",
        "technical staff released by shrinking and exiting firms (eq. 4.6b)", m.released);
  h.put("tech_returned", "persons",
        "technical staff released by firms who join the pool (eq. 4.6b)", m.returned);
  h.put("talent_refused_nifs", "persons", "staff wanted by NIFS lines refused for want of staff",
        m.refused_nifs);
  h.put("talent_refused_nias", "persons",
        "staff wanted by NIAS facilities refused (delayed) for want of staff", m.refused_nias);
  h.put("talent_refused_graduates", "persons",
        "staff wanted by graduating start-ups refused for want of staff", m.refused_graduates);
  h.put("talent_refused_rth", "persons",
        "staff wanted by RTH posts in manufacturing firms refused for want of staff (eq. 4.4e)",
        m.refused_rth);
}

}  // namespace nisim::hk
