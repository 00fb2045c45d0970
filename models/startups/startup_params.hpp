#pragma once
// Parameters of the start-up population and its schemes (docs/model.md section 5): one struct,
// defaults in the member initialisers, every key bound with unit, range and source in
// startup_params.cpp. Keys live under `startups.` and `schemes.tsssu.`, `schemes.raise_plus.`,
// `schemes.accelerator.`, `schemes.innohk.`.
#include <array>
#include <cstdint>
#include <string_view>

#include "engine/params.hpp"
#include "models/schemes/budget.hpp"
#include "models/venture.hpp"

namespace nisim::hk {

/// Where a start-up came from (section 5.2).
enum class Origin : std::uint8_t { other = 0, tsssu = 1, raise_plus = 2, innohk = 3 };
inline constexpr int k_origins = 4;
inline constexpr std::array<std::string_view, k_origins> k_origin_names = {"other", "tsssu",
                                                                           "raise_plus", "innohk"};

/// Per-stage parameters (sections 5.1, 5.3, 5.4). Index = Stage.
struct StartupStageParams {
  double base_share = 0.2;     ///< share of base-year start-ups at this stage, fraction
  double employment = 2.0;     ///< persons engaged on entering the stage
  double failure = 0.1;        ///< yearly failure hazard h_s, 1/year
  double acquisition = 0.0;    ///< yearly acquisition probability a_s, 1/year
  double listing = 0.0;        ///< yearly listing probability l_s, 1/year
  double attempt = 0.0;        ///< yearly probability that a start-up one stage below seeks
                               ///< this stage's round (unused for pre_seed)
  double round_median = 10.0;  ///< median round size of this stage, HK$ M (unused for pre_seed)
};

struct StartupParams {
  // Population and births (sections 5.1, 5.2)
  std::int64_t base_count = 1926;  ///< start-ups at the base year (InvestHK 2016)
  Series births_other;             ///< births per year from other founders; calibrated
  std::array<StartupStageParams, k_stages> stage = default_stages();
  /// Share of each field among births of each origin, [origin][field]; normalised on use.
  std::array<std::array<double, k_fields>, k_origins> field_share = default_field_shares();
  double employment_growth = 0.03;  ///< growth of employment per year within a stage

  // Rounds and valuation (section 5.3)
  double share_sold = 0.22;           ///< f: equity share sold in a priced round
  double round_sigma = 0.5;           ///< s.d. of log round size about the stage median
  double pre_seed_valuation = 8.0;    ///< valuation of a start-up before its first round, HK$ M
  double failed_raise_penalty = 0.3;  ///< phi: hazard rises by phi per failed raise in a row

  // Exits (section 5.4)
  double exit_log_mean = -0.70;  ///< mu of the log exit multiple on post-money
  double exit_log_sigma = 1.81;  ///< sigma of the log exit multiple

  // Graduation into manufacturing (section 5.5)
  double graduation_rate = 0.10;             ///< yearly probability an eligible start-up proposes
  double graduate_scale_up = 2.0;            ///< plant employment / start-up employment
  double graduate_capital_per_worker = 1.0;  ///< investment per plant worker, HK$ M/person
  double graduate_floor_per_worker = 60.0;   ///< floor space per plant worker, m2/person

  // TSSSU (section 5.6)
  SchemeTerms tsssu{true, 2014, 2040, 6000.0};
  Series tsssu_applications;            ///< applications per year
  double tsssu_approval_rate = 0.6;     ///< share of applications funded
  Series tsssu_grant;                   ///< grant per start-up per year, HK$ M
  std::int64_t tsssu_years = 3;         ///< years a funded start-up is paid
  double tsssu_hazard_factor = 0.5;     ///< failure hazard multiplier while funded
  double tsssu_funded_to_base = 111.0;  ///< start-ups funded up to the base year (KPI)

  // RAISe+ (section 5.7)
  SchemeTerms raise_plus{true, 2023, 2040, 10000.0};
  std::int64_t raise_plus_lag = 1;        ///< years from application to approval
  double raise_plus_applications = 40.0;  ///< applications per year
  double raise_plus_success = 0.3;        ///< share of applications funded
  double raise_plus_grant_median = 30.0;  ///< median grant per project, HK$ M
  double raise_plus_grant_sigma = 0.6;    ///< s.d. of the log grant
  double raise_plus_grant_min = 10.0;     ///< smallest grant, HK$ M
  double raise_plus_grant_max = 100.0;    ///< largest grant, HK$ M
  double raise_plus_team = 12.0;          ///< persons on a funded project
  double raise_plus_hk_share = 0.5;       ///< share of the project's work done in Hong Kong

  // I&T Accelerator Pilot Scheme (section 5.8)
  SchemeTerms accelerator{true, 2025, 2040, 180.0};
  double accelerator_applications = 10.0;     ///< accelerators applying per open year
  double accelerator_share = 1.0 / 3.0;       ///< government share of programme cost (1 : 2)
  double accelerator_programme_cost = 90.0;   ///< an accelerator's programme cost, HK$ M
  double accelerator_cap = 30.0;              ///< grant cap per accelerator, HK$ M
  std::int64_t accelerator_funded_years = 3;  ///< years over which an accelerator is paid
  std::int64_t accelerator_cohort = 10;       ///< start-ups admitted per accelerator per year
  std::int64_t accelerator_years = 1;         ///< years a start-up stays accelerated
  double accelerator_hazard_factor = 0.6;     ///< failure hazard multiplier while accelerated

  // InnoHK (section 5.9)
  SchemeTerms innohk{true, 2020, 2040, 10000.0};
  Series innohk_researchers;                ///< researchers the clusters aim to employ
  double innohk_cost_per_researcher = 0.6;  ///< HK$ M per researcher-year
  double innohk_spinoffs_per_1000 = 4.0;    ///< spin-offs per 1,000 researchers per year

  static std::array<StartupStageParams, k_stages> default_stages();
  static std::array<std::array<double, k_fields>, k_origins> default_field_shares();
  StartupParams();
};

/// Bind every start-up and start-up-scheme parameter of `p` (section 5).
void bind_startup_params(StartupParams& p, ParamBinder& b);

}  // namespace nisim::hk
