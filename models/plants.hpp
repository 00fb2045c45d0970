#pragma once
// Plants that enter through their investment (docs/model.md section 3.8): a NIAS facility, a
// strategic plant or a graduating start-up of investment I books capital K = c I, produces what
// its sector's production function gives at that capital, employs what the sector's labour share
// and wage imply, and reaches full output over its ramp-up years. Plants in the AI/data sector
// are data centres and AI services: outside official manufacturing (section 7.1).
#include <cstddef>
#include <cstdint>

#include "engine/params.hpp"

namespace nisim::hk {

struct Params;
struct FirmTable;

struct PlantParams {
  double capital_share = 0.8;   ///< c: share of a plant's investment booked as capital
  std::int64_t ramp_years = 3;  ///< R: years from first production to full output
};

void bind_plant_params(PlantParams& p, ParamBinder& b);

/// A plant at full output (eqs. 3.8a-d).
struct PlantSize {
  double capital = 0.0;      ///< K = c I, HK$ M
  double value_added = 0.0;  ///< Y at full output, HK$ M per year
  double employment = 0.0;   ///< L, persons
  double log_tfp = 0.0;      ///< ln A such that (K, L) is the optimum at output Y
};

/// Size of a plant of investment `investment` (HK$ M) in `sector` when the average wage is
/// `wage` (HK$ M per person-year): eqs. 3.8a-d.
PlantSize plant_from_investment(double investment, int sector, double wage, const Params& p);

/// Persons engaged per HK$ M invested in a plant of `sector` at wage `wage` (eqs. 3.8a-c).
double plant_jobs_per_investment(int sector, double wage, const Params& p);

/// Share of full output a plant produces in its year of age `age` (0 in its first year) with
/// `ramp_years` years of ramp-up (eq. 3.8e): min(1, (age + 1) / R); 1 when R <= 1.
double ramp_factor(int age, int ramp_years);

/// Create firm `row` of `firms` as a plant of `investment` (HK$ M) in `sector` at `site`, age 0,
/// when the average wage is `wage` and the sector's output price ln p is `log_price` (section
/// 3.9; only ln A depends on it): capital, log TFP and employment from eqs. 3.8a-d, value added
/// the first-year share of full output (eq. 3.8e), its ramp-up years, official or not (7.1), and
/// the rest as init_firm_row sets it (floor space from the sector's floor per worker).
void init_plant_row(FirmTable& firms, std::size_t row, std::uint64_t id, int sector, int site,
                    double investment, double wage, const Params& p, double log_price);

/// Whether a plant of `sector` counts in official manufacturing (section 7.1): AI/data plants
/// (data centres, AI services) do not.
bool plant_is_official(int sector);

}  // namespace nisim::hk
