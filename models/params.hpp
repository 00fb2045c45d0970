#pragma once
// Parameters of the Hong Kong manufacturing model: one struct, defaults in the member
// initialisers, every key bound with unit, range and source in params.cpp. Each parameter's
// meaning, default and source are in docs/model.md (the section is named in its comment) and
// the full key list in docs/scenarios.md (`nisim params` prints it).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/params.hpp"
#include "engine/scenario.hpp"
#include "models/demand.hpp"
#include "models/factors/tech_staff_params.hpp"
#include "models/funds/fund_params.hpp"
#include "models/knowledge.hpp"
#include "models/land/land.hpp"
#include "models/plants.hpp"
#include "models/schemes/nias.hpp"
#include "models/schemes/nifs.hpp"
#include "models/schemes/renewal.hpp"
#include "models/schemes/talent.hpp"
#include "models/startups/startup_params.hpp"

namespace nisim::hk {

/// Manufacturing sectors (docs/model.md section 3.1). The last three are the strategic
/// industries of the I&T Blueprint.
inline constexpr int k_sectors = 10;
inline constexpr std::array<std::string_view, k_sectors> k_sector_names = {
    "food",
    "textiles_clothing",
    "printing_publishing",
    "metals_machinery",
    "electronics",
    "chemicals_plastics",
    "other",
    "life_health_tech",
    "ai_data",
    "advanced_mfg_new_energy"};
inline constexpr int k_first_strategic_sector = 7;
static_assert(k_demand_sectors == k_sectors, "the demand side has one market per sector");
/// AI and data: its plants (data centres, AI services) are outside official manufacturing (7.1).
inline constexpr int k_ai_data_sector = 8;

/// The wider definitions of manufacturing legislators asked for (section 7.1).
struct WiderParams {
  double offshore_share = 0.018;    ///< offshore production by HK firms, share of GDP in 2023
  double offshore_growth = 0.0;     ///< its yearly growth relative to GDP, 1/year
  double support_share = 0.010;     ///< industrial support services, share of GDP at base
  double support_multiplier = 0.3;  ///< support services per HK$ of manufacturing VA growth
};

/// Per-sector parameters (section 3.1).
struct SectorParams {
  double firm_share = 0.1;         ///< share of base-year establishments, fraction
  double size_median = 4.5;        ///< median persons engaged per establishment at the base year
  double entry_share = 0.1;        ///< share of entrants, fraction
  double tfp_drift_extra = 0.0;    ///< sector TFP drift on top of firms.tfp_drift, 1/year
  double floor_per_worker = 40.0;  ///< floor space per person engaged, m2/person
  /// Technology of the sector (section 3.2): 0 takes firms.alpha / firms.beta.
  double capital_elasticity = 0.0;  ///< alpha_s: output elasticity of capital (0: firms.alpha)
  double labour_share = 0.0;        ///< beta_s: output elasticity of labour (0: firms.beta)
  double wage_relative = 1.0;       ///< w_s / w: the sector's wage relative to the average
  /// Factor markets (sections 3.6, 4.6).
  double tech_share = 0.1;   ///< theta_s: technical staff per person engaged, fraction (4.6)
  double ib_suitable = 1.0;  ///< 1 if converted industrial-building space suits it, else 0 (3.6)
};

/// The technology in effect in one sector (section 3.2).
struct SectorTech {
  double alpha = 0.25;         ///< output elasticity of capital
  double beta = 0.60;          ///< output elasticity of labour (labour share at the optimum)
  double wage_relative = 1.0;  ///< the sector's wage over w_t
};

struct Params {
  // Run (section 2.1)
  std::int64_t seed = 20240916;   ///< random seed (any 64-bit value)
  std::int64_t base_year = 2016;  ///< year the synthetic firm population is calibrated to
  std::int64_t horizon = 2040;    ///< last simulated year

  // Macro (section 3.5)
  double gdp_base = 2'418'000.0;  ///< GDP at basic prices at the base year, HK$ M
  double mfg_share_base = 0.011;  ///< manufacturing share of GDP at the base year, fraction
  Series real_growth;             ///< real growth of non-manufacturing value added, 1/year
  Series inflation;               ///< deflator growth of non-manufacturing value added, 1/year

  // Labour (section 3.3)
  Series wage_growth;  ///< nominal growth of the manufacturing wage, 1/year

  // Firms (sections 3.1-3.4)
  std::int64_t firm_count = 8600;   ///< establishments at the base year
  double employment = 91'600.0;     ///< persons engaged at the base year
  double size_sigma = 1.3;          ///< s.d. of log establishment size at the base year
  double alpha = 0.25;              ///< output elasticity of capital
  double beta = 0.60;               ///< output elasticity of labour (= labour share at optimum)
  double user_cost = 0.15;          ///< user cost of capital r + delta, 1/year
  double tfp_drift = 0.0359;        ///< drift of log TFP, nominal, 1/year (estimated)
  double tfp_sigma = 0.02;          ///< s.d. of the yearly log-TFP shock
  double adjust_speed = 0.3;        ///< share of the log gap to target L, K closed per year
  double cash_init = 0.15;          ///< initial cash, years of value added
  double payout = 0.6;              ///< share of positive profit paid out
  double credit_limit = 0.5;        ///< borrowing limit, fraction of capital
  double exit_hazard_young = 0.18;  ///< exit probability per year below firms.young_age
  // tfp_drift, exit_hazard_mature, entry_rate: estimated (docs/calibration.md 8.4: nisim calibrate
  // calibration/baseline.toml); the hazard was 0.055, set by hand (docs/calibration.md 2).
  double exit_hazard_mature = 0.07481;  ///< exit probability per year from firms.young_age on
  std::int64_t young_age = 4;           ///< age (years) from which a firm is mature
  double entry_rate = 0.05987;          ///< expected entrants per year per incumbent
  double entrant_size_median = 3.0;     ///< median persons engaged of an entrant
  double entrant_size_sigma = 1.0;      ///< s.d. of log entrant size

  // Sites (section 3.6)
  double innopark_share = 0.25;  ///< probability a strategic-sector firm sits in an InnoPark

  // Smart production lines (section 3.4)
  double line_cost = 15.0;         ///< cost of one smart production line, HK$ M
  double line_output_gain = 0.22;  ///< long-run output gain of a firm's first line, fraction
  double line_gain_decay = 0.5;    ///< gain of line k+1 = gain of line k times this
  std::int64_t line_max = 6;       ///< most lines one firm installs
  double line_horizon = 10.0;      ///< years over which a line's gain is valued
  double discount_rate = 0.08;     ///< firms' discount rate for line decisions, 1/year
  double line_noise_sigma = 0.5;   ///< s.d. of the log idiosyncratic gain of a line

  // Policy and land (sections 3.6, 4)
  LandParams land;                   ///< sites, supply, rents (3.6)
  NifsParams nifs;                   ///< New Industrialisation Funding Scheme (4.1)
  NiasParams nias;                   ///< New Industrialisation Acceleration Scheme (4.2)
  EnterpriseParams enterprises;      ///< strategic enterprises (4.2)
  TalentParams talent;               ///< technical staff, RTH, NITTP, ESS (4.3-4.4)
  TechStaffParams tech;              ///< the technical-staff market (4.6)
  KnowledgeParams knowledge;         ///< the knowledge channel: R&D stock and training (4.5)
  DemandParams demand;               ///< prices, volumes and demand by sector (3.9)
  StartupParams startups;            ///< start-ups, TSSSU, RAISe+, accelerators, InnoHK (5)
  FundParams funds;                  ///< private VC, ITVF, I&T Industry-Oriented Fund (6)
  RenewalParams renewal;             ///< how each scheme's budget is renewed (4.0)
  double graduate_tech_share = 0.2;  ///< technical staff share of a graduating start-up (5.5)
  WiderParams wider;                 ///< the wider share definitions (7.1)
  PlantParams plants;                ///< plants sized by their investment (3.8)

  std::array<SectorParams, k_sectors> sector = default_sectors();

  static std::array<SectorParams, k_sectors> default_sectors();
  Params();
};

/// The technology in effect in sector `s` (section 3.2): its own elasticities where set, else
/// firms.alpha and firms.beta; its wage is w_t times wage_relative.
inline SectorTech sector_tech(const Params& p, int s) {
  const SectorParams& q = p.sector[static_cast<std::size_t>(s)];
  return {q.capital_elasticity > 0.0 ? q.capital_elasticity : p.alpha,
          q.labour_share > 0.0 ? q.labour_share : p.beta, q.wage_relative};
}

/// Bind every parameter of `p` (the single list of keys; docs/scenarios.md mirrors it).
void bind_params(Params& p, ParamBinder& b);

/// Every key's spec, with `p`'s values as the defaults (the model's defaults unless given).
std::vector<ParamSpec> param_schema(Params p = Params{});

/// Parameters of a scenario: defaults, then the scenario's values, then cross-parameter checks
/// (shares sum to 1, base year before horizon, ...). Throws ScenarioError naming file and key.
Params params_from(const Scenario& scenario);

}  // namespace nisim::hk
