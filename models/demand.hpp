#pragma once
// Prices, volumes and demand (docs/model.md section 3.8): per manufacturing sector a
// constant-elasticity demand for Hong Kong output against a competitor (Mainland / Greater Bay
// Area) price, and the price that clears it against the sector's real output each year. Firms
// see the price through FirmEnvironment::log_price (eq. 3.2b); this file holds the demand side,
// the clearing (eq. 3.8d) and the correction of the firms' inputs to the cleared price (3.8e).
#include <array>
#include <optional>
#include <string>

#include "engine/params.hpp"

namespace nisim::hk {

/// Sectors of the demand side; equal to k_sectors (models/params.hpp, checked there).
inline constexpr int k_demand_sectors = 10;

struct DemandParams {
  bool enabled = true;             ///< false: every price stays 1 (the model before section 3.8)
  double elasticity = 4.0;         ///< eps: price elasticity of demand for HK output
  double income_elasticity = 1.0;  ///< eta: d ln A_s / d ln(real non-manufacturing VA)
  Series level;                    ///< m_t: demand-level multiplier by year (scenario shock)
  Series competitor_growth;        ///< g*_t: growth of the competitor price p*, 1/year
  DemandParams();
};

void bind_demand_params(DemandParams& p, ParamBinder& b);

/// A key and what is wrong with it (see knowledge_param_problem).
struct DemandParamProblem {
  std::string key;
  std::string detail;
};

/// The first relation the demand parameters break, if any: eps > 0 (the clearing divides by
/// eps + phi), multipliers > 0 (their logs enter eq. 3.8b).
std::optional<DemandParamProblem> demand_param_problem(const DemandParams& p);

/// The demand side's state, by sector. Prices are relative to the base year (1 at t0).
struct Demand {
  using Sectors = std::array<double, k_demand_sectors>;
  Sectors log_price{};       ///< ln p_s,t: this year's cleared price (last year's until cleared)
  Sectors log_expected{};    ///< ln p_s,t-1: the price firms planned with this year
  Sectors log_competitor{};  ///< ln p*_s,t: competitor price, relative to the base year
  Sectors log_level{};       ///< ln A_s,t: demand level, real output at base prices
  Sectors log_base_level{};  ///< ln A_s,t0 = ln Y_s,t0
  std::array<bool, k_demand_sectors> active{};  ///< false: no base-year output, price stays 1
  Sectors supply_planned{};  ///< Y_s(p^e): real output at the expected price, HK$ M at t0 prices
  Sectors supply{};          ///< Y_s(p): real output at the cleared price, HK$ M at t0 prices
  Sectors cleared_va{};      ///< nominal value added of the cleared firms, after eq. 3.8e, HK$ M
  bool clears = false;       ///< demand.enabled of this year (the invariants read it)
  double elasticity = 0.0;   ///< eps of this year (the invariants read it)
  double log_real_growth = 0.0;  ///< ln of real non-manufacturing VA relative to t0
  double demand_index = 1.0;     ///< exp(eta ln(real non-mfg VA index)) m_t: A_s,t / A_s,t0
};

/// Short-run supply elasticity of a sector's real output to its price (eq. 3.8c):
/// phi = lambda (alpha + beta) / (1 - alpha - beta).
double supply_elasticity(double alpha, double beta, double adjust_speed);

/// Base year (eq. 3.8a): prices 1, competitor prices 1 and demand levels equal to each sector's
/// real output `supply`, so the base year clears at p = 1. A sector with no base-year output
/// has no demand curve: its price stays 1.
void initialise_demand(Demand& d, const Demand::Sectors& supply);

/// The year's demand side before firms plan (eq. 3.8b): last year's price becomes the expected
/// one; the demand level grows with real non-manufacturing value added (`real_growth`, g_t) at
/// elasticity eta times the multiplier m_t; the competitor price grows at g*_t.
void demand_year(Demand& d, const DemandParams& p, int year, double real_growth);

/// Clear each sector (eq. 3.8d) given its real output at the expected price, `planned`:
/// ln p = [ln A + eps ln p* - ln Y(p^e) + phi ln p^e] / (eps + phi). A sector with no output
/// keeps its expected price. With demand disabled every price stays 1. Sets log_price,
/// supply_planned and supply.
void clear_prices(Demand& d, const DemandParams& p, double phi,
                  const std::array<double, k_demand_sectors>& planned);

}  // namespace nisim::hk
