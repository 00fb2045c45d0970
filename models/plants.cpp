// Plants that enter through their investment (docs/model.md section 3.8).
#include "models/plants.hpp"

#include <algorithm>
#include <cmath>

#include "models/firms.hpp"
#include "models/params.hpp"

namespace nisim::hk {

void bind_plant_params(PlantParams& p, ParamBinder& b) {
  b.real("plants.capital_share", p.capital_share,
         {"fraction", 0.01, 1.0,
          "share of a plant's investment booked as capital (machinery, buildings); assumed "
          "0.6-1.0 (3.8)"});
  b.integer("plants.ramp_years", p.ramp_years,
            {"years", 1, 20, "years from first production to full output; assumed 1-5 (3.8)"});
}

PlantSize plant_from_investment(double investment, int sector, double wage, const Params& p) {
  const SectorTech t = sector_tech(p, sector);
  const double w = wage * t.wage_relative;
  PlantSize s;
  s.capital = p.plants.capital_share * investment;    // eq. 3.8a: K = c I
  s.value_added = p.user_cost * s.capital / t.alpha;  // eq. 3.8b: Y = u K / alpha_s (K = K*)
  s.employment = t.beta * s.value_added / w;          // eq. 3.8c: L = beta_s Y / w_s (L = L*)
  // eq. 3.8d: ln A = ln Y - alpha_s ln K - beta_s ln L, so Y = A K^alpha L^beta (eq. 3.2e).
  s.log_tfp =
      std::log(s.value_added) - t.alpha * std::log(s.capital) - t.beta * std::log(s.employment);
  return s;
}

double plant_jobs_per_investment(int sector, double wage, const Params& p) {
  const SectorTech t = sector_tech(p, sector);
  // eqs. 3.8a-c: L / I = c u beta_s / (alpha_s w_s).
  return p.plants.capital_share * p.user_cost * t.beta / (t.alpha * wage * t.wage_relative);
}

double ramp_factor(int age, int ramp_years) {
  if (ramp_years <= 1) return 1.0;
  return std::min(1.0, static_cast<double>(age + 1) / static_cast<double>(ramp_years));  // 3.8e
}

void init_plant_row(FirmTable& f, std::size_t row, std::uint64_t id, int sector, int site,
                    double investment, double wage, const Params& p, double log_price) {
  const PlantSize size = plant_from_investment(investment, sector, wage, p);
  init_firm_row(f, row, id, sector, site, size.employment, 0, wage, p, log_price);
  const int ramp = static_cast<int>(p.plants.ramp_years);
  f.capital[row] = size.capital;  // eq. 3.8a
  // eq. 3.8d at the sector's price (eq. 3.9d): value added at current prices u K / alpha_s is
  // optimal whatever the price, so the price moves only ln A (equal to init_firm_row's up to
  // rounding).
  f.log_tfp[row] = size.log_tfp - log_price;
  f.value_added[row] = ramp_factor(0, ramp) * size.value_added;  // eq. 3.8e, first year
  f.cash[row] = p.cash_init * size.value_added;                  // section 3.3, on full output
  f.ramp_years[row] = static_cast<std::uint8_t>(ramp);
  f.official[row] = plant_is_official(sector) ? 1 : 0;
}

bool plant_is_official(int sector) {
  return sector != k_ai_data_sector;
}  // section 7.1

}  // namespace nisim::hk
