// Start-up parameter keys, units, ranges and sources (docs/model.md section 5).
#include "models/startups/startup_params.hpp"

#include <string>

namespace nisim::hk {

std::array<StartupStageParams, k_stages> StartupParams::default_stages() {
  // base_share, employment, failure, acquisition, listing, attempt, round_median (section 5.1,
  // table 5.1): round medians from Carta (US$ 2.8 M seed, 9.3 M A, 21 M B at HK$ 7.8 per US$;
  // growth assumed US$ 50 M); hazards and attempt rates calibrated to the Carta 2018 cohort and
  // the InvestHK count and employment series (section 5.10).
  return {{{0.55, 1.1, 0.12, 0.004, 0.0, 0.0, 0.0},
           {0.28, 2.4, 0.10, 0.010, 0.0, 0.35, 22.0},
           {0.11, 5.5, 0.07, 0.020, 0.0, 0.42, 72.5},
           {0.045, 11.0, 0.05, 0.030, 0.005, 0.45, 164.0},
           {0.015, 22.0, 0.04, 0.050, 0.020, 0.35, 390.0}}};
}

std::array<std::array<double, k_fields>, k_origins> StartupParams::default_field_shares() {
  // software_services, hardware, life_health_tech, ai_data, advanced_mfg_new_energy (section
  // 5.2): assumptions; InnoHK shares follow its clusters (Health@InnoHK, AIR@InnoHK, the third
  // cluster on advanced manufacturing, materials and energy).
  return {{{0.55, 0.10, 0.12, 0.15, 0.08},
           {0.40, 0.15, 0.20, 0.15, 0.10},
           {0.10, 0.15, 0.35, 0.20, 0.20},
           {0.00, 0.05, 0.45, 0.35, 0.15}}};
}

StartupParams::StartupParams() {
  // Section 5.2: calibrated so the count follows 1,926 (2016), 3,360 (2020), 4,694 (2024).
  births_other = {{2017, 2019, 2021, 2023}, {700.0, 780.0, 860.0, 890.0}};
  // Section 5.6: about 37 approvals a year to 2022 (330 funded by 2022), 54 from 2023 (600 by
  // 2027) at the approval rate of 0.6.
  tsssu_applications = {{2014, 2023}, {62.0, 90.0}};
  // Section 5.6: HK$ 1.5 M a year since 2023 (LegCo 2023); 1.2 before is an assumption.
  tsssu_grant = {{2014, 2023}, {1.2, 1.5}};
  // Section 5.9: first labs 2020, about 2,500 researchers by 2023 (LegCo 2024); growth with the
  // third cluster is an assumption.
  innohk_researchers = {{2016, 2020, 2021, 2022, 2023, 2026},
                        {0.0, 800.0, 1700.0, 2300.0, 2500.0, 3000.0}};
}

namespace {

void bind_stage(StartupStageParams& s, int index, ParamBinder& b) {
  const std::string k = "startups.stage." + std::string(k_stage_names[index]) + ".";
  b.real(k + "base_share", s.base_share,
         {"fraction", 0.0, 1.0, "share of base-year start-ups at the stage; calibrated (5.1)"});
  b.real(k + "employment", s.employment,
         {"persons", 0.0, 1e4, "persons engaged on entering the stage; calibrated (5.1)"});
  b.real(k + "failure", s.failure,
         {"1/year", 0.0, 1.0, "yearly failure hazard; Carta 2018 cohort, calibrated (5.4)"});
  b.real(k + "acquisition", s.acquisition,
         {"1/year", 0.0, 1.0, "yearly acquisition probability; Carta: 5.5% by 2025 (5.4)"});
  b.real(k + "listing", s.listing,
         {"1/year", 0.0, 1.0, "yearly listing probability; Carta: 0.34% by 2025 (5.4)"});
  if (index == 0) return;
  b.real(k + "attempt", s.attempt,
         {"1/year", 0.0, 1.0,
          "yearly probability of seeking this stage's round from the stage below; Carta "
          "stage-reach rates, calibrated (5.3)"});
  b.real(k + "round_median", s.round_median,
         {"HK$ M", 0.0, 1e6, "median round size; Carta medians at HK$ 7.8 per US$ (5.3)"});
}

}  // namespace

void bind_startup_params(StartupParams& p, ParamBinder& b) {
  b.integer("startups.base_count", p.base_count,
            {"start-ups", 0, 1e7, "start-ups at the base year; InvestHK 2016: 1,926 (5.1)"});
  b.series("startups.births_other", p.births_other,
           {"start-ups/year", 0.0, 1e6, "births from other founders; calibrated (5.2)"});
  for (int s = 0; s < k_stages; ++s) bind_stage(p.stage[s], s, b);
  for (int o = 0; o < k_origins; ++o) {
    for (int f = 0; f < k_fields; ++f) {
      b.real("startups.field_share." + std::string(k_origin_names[o]) + "." +
                 std::string(k_field_names[f]),
             p.field_share[o][f],
             {"fraction", 0.0, 1.0, "share of the origin's births in the field; assumed (5.2)"});
    }
  }
  b.real("startups.employment_growth", p.employment_growth,
         {"1/year", 0.0, 1.0, "employment growth within a stage; calibrated (5.1)"});
  b.real("startups.share_sold", p.share_sold,
         {"fraction", 0.01, 0.99, "equity share sold per round; Carta dilution ~20-25% (5.3)"});
  b.real("startups.round_sigma", p.round_sigma,
         {"", 0.0, 3.0, "s.d. of log round size about the stage median; assumed (5.3)"});
  b.real("startups.pre_seed_valuation", p.pre_seed_valuation,
         {"HK$ M", 0.0, 1e4, "valuation before the first priced round; assumed (5.3)"});
  b.real("startups.failed_raise_penalty", p.failed_raise_penalty,
         {"", 0.0, 10.0, "rise of the failure hazard per failed raise in a row; assumed (5.4)"});
  b.real("startups.exit_log_mean", p.exit_log_mean,
         {"", -10.0, 10.0, "mean of the log exit multiple on post-money; power law (5.4)"});
  b.real("startups.exit_log_sigma", p.exit_log_sigma,
         {"", 0.0, 5.0, "s.d. of the log exit multiple; 6% of deals make 60% of value (5.4)"});

  b.real("startups.graduation.rate", p.graduation_rate,
         {"1/year", 0.0, 1.0, "yearly probability an eligible start-up seeks to scale up (5.5)"});
  b.real("startups.graduation.scale_up", p.graduate_scale_up,
         {"", 0.1, 100.0, "plant employment per start-up employee; assumed (5.5)"});
  b.real("startups.graduation.capital_per_worker", p.graduate_capital_per_worker,
         {"HK$ M/person", 0.0, 100.0, "plant investment per worker; assumed (5.5)"});
  b.real("startups.graduation.floor_per_worker", p.graduate_floor_per_worker,
         {"m2/person", 1.0, 1e4, "floor space per plant worker; as strategic sectors (5.5)"});

  bind_scheme_terms(p.tsssu, "schemes.tsssu", "TSSSU (budget assumed; 5.6)", b);
  b.series("schemes.tsssu.applications", p.tsssu_applications,
           {"1/year", 0.0, 1e5, "applications per year; calibrated to 330 by 2022 (5.6)"});
  b.real("schemes.tsssu.approval_rate", p.tsssu_approval_rate,
         {"fraction", 0.0, 1.0, "share of applications funded; assumed (5.6)"});
  b.series("schemes.tsssu.grant", p.tsssu_grant,
           {"HK$ M/year", 0.0, 1e3, "grant per start-up per year; LegCo 2023: 1.5 (5.6)"});
  b.integer("schemes.tsssu.years", p.tsssu_years,
            {"years", 1, 20, "years a start-up is funded; LegCo 2023: up to 3 (5.6)"});
  b.real("schemes.tsssu.hazard_factor", p.tsssu_hazard_factor,
         {"", 0.0, 1.0, "failure hazard multiplier while funded; assumed (5.6)"});
  b.real("schemes.tsssu.funded_to_base", p.tsssu_funded_to_base,
         {"start-ups", 0.0, 1e5, "start-ups funded 2014 to the base year; calibrated (5.6)"});

  bind_scheme_terms(p.raise_plus, "schemes.raise_plus", "RAISe+ (HK$ 10 bn; 5.7)", b);
  b.integer("schemes.raise_plus.approval_lag", p.raise_plus_lag,
            {"years", 0, 10, "years from application to approval; none before April 2024 (5.7)"});
  b.real("schemes.raise_plus.applications", p.raise_plus_applications,
         {"1/year", 0.0, 1e5, "applications per year; assumed (5.7)"});
  b.real("schemes.raise_plus.success_rate", p.raise_plus_success,
         {"fraction", 0.0, 1.0, "share of applications funded; LegCo 2025: about 30% (5.7)"});
  b.real("schemes.raise_plus.grant_median", p.raise_plus_grant_median,
         {"HK$ M", 0.0, 1e4, "median grant per project; assumed within 10-100 (5.7)"});
  b.real("schemes.raise_plus.grant_sigma", p.raise_plus_grant_sigma,
         {"", 0.0, 3.0, "s.d. of the log grant; assumed (5.7)"});
  b.real("schemes.raise_plus.grant_min", p.raise_plus_grant_min,
         {"HK$ M", 0.0, 1e4, "smallest grant; HK$ 10 M (5.7)"});
  b.real("schemes.raise_plus.grant_max", p.raise_plus_grant_max,
         {"HK$ M", 0.0, 1e4, "largest grant; HK$ 100 M (5.7)"});
  b.real("schemes.raise_plus.team", p.raise_plus_team,
         {"persons", 0.0, 1e4, "persons on a funded project; assumed (5.7)"});
  b.real("schemes.raise_plus.hk_share", p.raise_plus_hk_share,
         {"fraction", 0.5, 1.0, "share of the work done in Hong Kong; rule: at least half (5.7)"});

  bind_scheme_terms(p.accelerator, "schemes.accelerator",
                    "I&T Accelerator Pilot Scheme (HK$ 180 M; 5.8)", b);
  b.real("schemes.accelerator.applications", p.accelerator_applications,
         {"1/year", 0.0, 1e4, "accelerators applying per open year; assumed (5.8)"});
  b.real("schemes.accelerator.share", p.accelerator_share,
         {"fraction", 0.0, 1.0, "government share of programme cost; 1 : 2 = 1/3 (5.8)"});
  b.real("schemes.accelerator.programme_cost", p.accelerator_programme_cost,
         {"HK$ M", 0.0, 1e5, "an accelerator's programme cost; assumed (5.8)"});
  b.real("schemes.accelerator.cap", p.accelerator_cap,
         {"HK$ M", 0.0, 1e5, "grant cap per accelerator; HK$ 30 M (5.8)"});
  b.integer("schemes.accelerator.funded_years", p.accelerator_funded_years,
            {"years", 1, 20, "years over which an accelerator is paid; assumed (5.8)"});
  b.integer("schemes.accelerator.cohort", p.accelerator_cohort,
            {"start-ups/year", 0, 1e4, "start-ups admitted per accelerator per year (5.8)"});
  b.integer("schemes.accelerator.years", p.accelerator_years,
            {"years", 1, 10, "years a start-up stays accelerated; assumed (5.8)"});
  b.real("schemes.accelerator.hazard_factor", p.accelerator_hazard_factor,
         {"", 0.0, 1.0, "failure hazard multiplier while accelerated; assumed (5.8)"});

  bind_scheme_terms(p.innohk, "schemes.innohk", "InnoHK (HK$ 10 bn; 5.9)", b);
  b.series("schemes.innohk.researchers", p.innohk_researchers,
           {"persons", 0.0, 1e6, "researchers the clusters aim to employ; ~2,500 (5.9)"});
  b.real("schemes.innohk.cost_per_researcher", p.innohk_cost_per_researcher,
         {"HK$ M/year", 0.001, 100.0, "InnoHK spending per researcher-year; assumed (5.9)"});
  b.real("schemes.innohk.spinoffs_per_1000", p.innohk_spinoffs_per_1000,
         {"1/year", 0.0, 1e3, "spin-offs per 1,000 researchers per year; assumed (5.9)"});
}

}  // namespace nisim::hk
