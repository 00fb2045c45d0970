// Parameter keys, units, ranges and sources (docs/model.md, docs/scenarios.md).
#include "models/params.hpp"

#include "engine/seed.hpp"

#include <unistd.h>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>

#include "engine/error.hpp"
#include "models/firms.hpp"

namespace nisim::hk {

std::array<SectorParams, k_sectors> Params::default_sectors() {
  // firm_share, size_median, entry_share, tfp_drift_extra, floor_per_worker (section 3.1) and
  // capital_elasticity, labour_share, wage_relative (section 3.2): assumptions pending a sourced
  // C&SD breakdown by industry (none found: docs/calibration.md); see docs/model.md table 3.1.
  // Traditional sectors take firms.alpha and firms.beta (0 = inherit). The strategic sectors
  // are assumed capital-intensive (alpha 0.40, beta 0.45, wages 1.5 times the average), so a
  // plant books about HK$ 2 M of capital per person engaged (section 3.8).
  // tech_share and ib_suitable (sections 3.6, 4.6): assumed, see docs/model.md section 4.6
  // and eq. 3.6i; heavy advanced manufacturing and new energy (vibration, ceiling height,
  // hazardous goods) is the one sector that flatted factories do not suit.
  return {{{0.15, 5.0, 0.14, 0.0, 45.0, 0.0, 0.0, 1.0, 0.10, 1.0},
           {0.12, 5.0, 0.08, 0.0, 40.0, 0.0, 0.0, 1.0, 0.10, 1.0},
           {0.25, 4.0, 0.20, 0.0, 35.0, 0.0, 0.0, 1.0, 0.10, 1.0},
           {0.17, 4.5, 0.15, 0.0, 45.0, 0.0, 0.0, 1.0, 0.10, 1.0},
           {0.08, 6.0, 0.08, 0.0, 40.0, 0.0, 0.0, 1.0, 0.10, 1.0},
           {0.06, 5.0, 0.05, 0.0, 50.0, 0.0, 0.0, 1.0, 0.10, 1.0},
           {0.12, 4.0, 0.12, 0.0, 40.0, 0.0, 0.0, 1.0, 0.10, 1.0},
           {0.02, 8.0, 0.07, 0.0, 60.0, 0.40, 0.45, 1.5, 0.30, 1.0},
           {0.01, 8.0, 0.05, 0.0, 60.0, 0.40, 0.45, 1.5, 0.30, 1.0},
           {0.02, 8.0, 0.06, 0.0, 60.0, 0.40, 0.45, 1.5, 0.30, 0.0}}};
}

Params::Params() {
  // Section 3.5: real growth 2017-18 Year Book 2018; 2019 C&SD (-1.7%); 2020-24 press reports
  // of C&SD estimates; 2025 and 2026-30 the 2025-26 Budget's medium range forecast (2-3%,
  // then 2.9%); 2031 on an assumption of 2.5%.
  real_growth = {{2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026, 2031},
                 {0.038, 0.030, -0.017, -0.065, 0.064, -0.035, 0.032, 0.025, 0.025, 0.029, 0.025}};
  // Deflator: 2017 derived from GDP at basic prices (2,418.0 -> 2,552.8 bn) less real 3.8%;
  // 2018 nominal 6.8% less real 3.0% (Year Book 2018); 2019-24 assumed 2.0%; 2025 on the
  // Budget's underlying inflation of 2.5%.
  inflation = {{2017, 2018, 2019, 2025}, {0.017, 0.037, 0.020, 0.025}};
  // Section 3.3: nominal manufacturing wage growth, one level from 2017; estimated
  // (docs/calibration.md 8.4: nisim calibrate calibration/baseline.toml). Was 0.030 by hand.
  wage_growth = {{2017}, {0.04167}};
  // Section 4.2: enterprises entering talks with OASES: ~100 by mid 2024 and >130 by January
  // 2025 from its start in 2022-23; 30 a year afterwards (assumed).
  enterprises.talks = {{2016, 2022, 2023, 2024, 2025}, {0.0, 35.0, 55.0, 45.0, 30.0}};
  // Section 4.3, eq. 4.3b: local post-secondary graduates, UGC first-year-first-degree places
  // (15,000) plus VTC graduates of 2017, 2022 and 2024 (about 21,000, 16,000, 13,000), derived
  // in data/talent.csv; the share joining the pool is talent.graduate_share (assumed).
  // Non-local admissions (assumed, at most the TechTAS ceiling of 1,000 a year).
  talent.graduates = {{2016, 2022, 2024}, {36000.0, 31000.0, 28000.0}};
  talent.nonlocal_inflow = {{2016, 2023}, {200.0, 500.0}};
  // Section 4.4: RTH posts approved per year, calibrated to ~10,500 cumulative by 2022 and the
  // 18,500 target for 2027; NITTP trainees and ESS projects (assumed). The base year is not
  // stepped, so approvals start in 2017: 6 x 1,750 = 10,500 by 2022 (docs/calibration.md; was
  // 1,500, which gave 9,000), then 1,600 a year (+ NIAS posts) to ~18,500 by 2027.
  talent.rth_posts = {{2016, 2023}, {1750.0, 1600.0}};
  talent.nittp_trainees = {{2016, 2018}, {0.0, 2500.0}};
  talent.ess_projects = {{2016}, {30.0}};
}

namespace {

void bind_sector(SectorParams& s, std::string_view name, ParamBinder& b) {
  const std::string k = "sectors." + std::string(name) + ".";
  b.real(k + "firm_share", s.firm_share,
         {"fraction", 0.0, 1.0, "share of base-year establishments (3.1)"});
  b.real(k + "size_median", s.size_median,
         {"persons", 1.0, 1e4, "median persons engaged per establishment at base (3.1)"});
  b.real(k + "entry_share", s.entry_share, {"fraction", 0.0, 1.0, "share of entrants (3.1)"});
  b.real(k + "tfp_drift_extra", s.tfp_drift_extra,
         {"1/year", -0.2, 0.2, "sector log-TFP drift added to firms.tfp_drift (3.2)"});
  b.real(k + "floor_per_worker", s.floor_per_worker,
         {"m2/person", 1.0, 1e4, "floor space per person engaged (3.6)"});
  b.real(k + "capital_elasticity", s.capital_elasticity,
         {"", 0.0, 0.9, "output elasticity of capital; 0 takes firms.alpha; assumed (3.2)"});
  b.real(k + "labour_share", s.labour_share,
         {"", 0.0, 0.9,
          "output elasticity of labour (labour share); 0 takes firms.beta; assumed (3.2)"});
  b.real(k + "wage_relative", s.wage_relative,
         {"", 0.05, 20.0, "sector wage over the average wage; assumed (3.2)"});
  b.real(k + "tech_share", s.tech_share,
         {"fraction", 0.0, 1.0, "technical staff per person engaged; assumed (4.6)"});
  b.real(k + "ib_suitable", s.ib_suitable,
         {"", 0.0, 1.0, "1 if converted industrial buildings suit the sector, else 0 (3.6)"});
}

}  // namespace

std::vector<ParamSpec> param_schema(Params p) {
  return collect_schema([&p](ParamBinder& b) { bind_params(p, b); });
}

void bind_params(Params& p, ParamBinder& b) {
  b.integer("run.seed", p.seed,
            {"", 0.0, static_cast<double>(k_max_seed), "random seed; --seed overrides (2.3)"});
  b.integer("run.base_year", p.base_year, {"year", 1990, 2100, "calibration year (2.1)"});
  b.integer("run.horizon", p.horizon, {"year", 1991, 2200, "last simulated year (2.1)"});

  b.real("macro.gdp_base", p.gdp_base,
         {"HK$ M", 1.0, 1e12, "GDP at basic prices at the base year; Year Book 2018 (3.5)"});
  b.real("macro.mfg_share_base", p.mfg_share_base,
         {"fraction", 1e-6, 0.9, "manufacturing share at base; Year Book 2018: 1.1% (3.5)"});
  b.series("macro.real_growth", p.real_growth,
           {"1/year", -0.5, 0.5, "real growth of non-manufacturing value added (3.5)"});
  b.series("macro.inflation", p.inflation,
           {"1/year", -0.5, 0.5, "deflator growth of non-manufacturing value added (3.5)"});

  b.series("labour.wage_growth", p.wage_growth,
           {"1/year", -0.5, 0.5, "nominal manufacturing wage growth; estimated (3.3)"});

  b.integer("firms.count", p.firm_count,
            {"establishments", 1, 1e9, "establishments at base; C&SD surveys, interpolated (3.1)"});
  b.real("firms.employment", p.employment,
         {"persons", 1.0, 1e10, "persons engaged at base; C&SD, interpolated (3.1)"});
  b.real("firms.size_sigma", p.size_sigma, {"", 0.0, 4.0, "s.d. of log size at base (3.1)"});
  b.real("firms.alpha", p.alpha, {"", 0.01, 0.9, "output elasticity of capital (3.2)"});
  b.real("firms.beta", p.beta, {"", 0.01, 0.9, "output elasticity of labour (3.2)"});
  b.real("firms.user_cost", p.user_cost,
         {"1/year", 0.001, 2.0, "user cost of capital r + delta (3.2)"});
  b.real("firms.tfp_drift", p.tfp_drift,
         {"1/year", -0.2, 0.2, "drift of log TFP, nominal; estimated (3.2)"});
  b.real("firms.tfp_sigma", p.tfp_sigma, {"", 0.0, 1.0, "s.d. of yearly log-TFP shock (3.2)"});
  b.real("firms.adjust_speed", p.adjust_speed,
         {"fraction", 0.0, 1.0, "share of log gap to target L and K closed per year (3.2)"});
  b.real("firms.cash_init", p.cash_init, {"years of VA", 0.0, 10.0, "initial cash holdings (3.3)"});
  b.real("firms.payout", p.payout, {"fraction", 0.0, 1.0, "payout of positive profit (3.3)"});
  b.real("firms.credit_limit", p.credit_limit,
         {"fraction of K", 0.0, 10.0, "borrowing limit; below -limit*K a firm exits (3.3)"});
  b.real("firms.exit_hazard_young", p.exit_hazard_young,
         {"1/year", 0.0, 1.0, "exit probability of young firms; Knaup (2005) (3.3)"});
  b.real("firms.exit_hazard_mature", p.exit_hazard_mature,
         {"1/year", 0.0, 1.0, "exit probability of mature firms; estimated (3.3)"});
  b.integer("firms.young_age", p.young_age, {"years", 0, 100, "age of maturity (3.3)"});
  b.real("firms.entry_rate", p.entry_rate,
         {"1/year", 0.0, 1.0, "expected entrants per incumbent; estimated (3.3)"});
  b.real("firms.entrant_size_median", p.entrant_size_median,
         {"persons", 1.0, 1e4, "median entrant size (3.3)"});
  b.real("firms.entrant_size_sigma", p.entrant_size_sigma,
         {"", 0.0, 4.0, "s.d. of log entrant size (3.3)"});

  b.real("land.innopark_share", p.innopark_share,
         {"fraction", 0.0, 1.0,
          "share of strategic-sector base-year firms and entrants sited on InnoPark estates; "
          "assumed (3.6)"});

  b.real("smart_lines.cost", p.line_cost,
         {"HK$ M", 0.01, 1e5, "cost of one line; NIFS targets 1.3 bn / 130 lines at 1:2 (3.4)"});
  b.real("smart_lines.output_gain", p.line_output_gain,
         {"fraction", 0.0, 5.0, "long-run output gain of a first line; Koch et al. (3.4)"});
  b.real("smart_lines.gain_decay", p.line_gain_decay,
         {"", 0.0, 1.0, "gain of each further line relative to the one before (3.4)"});
  b.integer("smart_lines.max_per_firm", p.line_max, {"lines", 0, 64, "most lines a firm (3.4)"});
  b.real("smart_lines.horizon", p.line_horizon,
         {"years", 1.0, 50.0, "years over which a line's gain is valued (3.4)"});
  b.real("smart_lines.discount_rate", p.discount_rate,
         {"1/year", 0.0, 1.0, "firms' discount rate (3.4)"});
  b.real("smart_lines.noise_sigma", p.line_noise_sigma,
         {"", 0.0, 5.0, "s.d. of log idiosyncratic line gain (3.4)"});

  bind_land_params(p.land, b);
  bind_nifs_params(p.nifs, b);
  bind_nias_params(p.nias, p.enterprises, b);
  bind_talent_params(p.talent, b);
  bind_tech_staff_params(p.tech, b);
  bind_knowledge_params(p.knowledge, b);
  bind_demand_params(p.demand, b);
  bind_startup_params(p.startups, b);
  bind_fund_params(p.funds, b);
  bind_renewal_params(p.renewal, b);
  bind_plant_params(p.plants, b);
  b.real("startups.graduation.tech_share", p.graduate_tech_share,
         {"fraction", 0.0, 1.0, "technical staff share of a graduating start-up; assumed (5.5)"});

  b.real(
      "wider.offshore_share", p.wider.offshore_share,
      {"fraction", 0.0, 1.0, "offshore production by HK firms / GDP, 2023; FHKI/HKU 1.8% (7.1)"});
  b.real("wider.offshore_growth", p.wider.offshore_growth,
         {"1/year", -0.5, 0.5, "growth of that share; assumed 0 (7.1)"});
  b.real("wider.support_share", p.wider.support_share,
         {"fraction", 0.0, 1.0, "industrial support services / GDP at base; assumed (7.1)"});
  b.real("wider.support_multiplier", p.wider.support_multiplier,
         {"", 0.0, 10.0, "support services per HK$ of manufacturing VA growth; assumed (7.1)"});

  for (int s = 0; s < k_sectors; ++s) bind_sector(p.sector[s], k_sector_names[s], b);
}

namespace {

/// Position of the first of `keys` the scenario sets (else the scenario file itself).
SourcePos first_set(const Scenario& sc, const std::vector<std::string>& keys) {
  for (const std::string& k : keys) {
    if (auto it = sc.values.find(k); it != sc.values.end()) return it->second.second;
  }
  return {sc.path.string(), 1, 1};
}

/// The first of `keys` the scenario (or `shock`) sets: an error about a relation between keys
/// names the key the user wrote, where it was written, not one left at its default.
std::string first_set_key(const Scenario& sc, const Shock* shock,
                          const std::vector<std::string>& keys) {
  for (const std::string& k : keys) {
    if (shock != nullptr ? shock->key == k : sc.values.contains(k)) return k;
  }
  return keys.front();
}

[[noreturn]] void fail_at(const SourcePos& pos, const std::string& key, const std::string& what) {
  throw ScenarioError(pos.file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) +
                      ": key '" + key + "': " + what);
}

/// Relations between parameters that single-key ranges cannot express. `pos` is where to point
/// the user (the key set in the file, or the shock that broke the relation).
void check_relations(const Scenario& sc, const Params& p, const Shock* shock) {
  auto at = [&](const std::vector<std::string>& keys) {
    return shock != nullptr ? shock->pos : first_set(sc, keys);
  };
  if (p.horizon <= p.base_year) {
    fail_at(at({"run.horizon", "run.base_year"}),
            first_set_key(sc, shock, {"run.horizon", "run.base_year"}),
            "run.horizon must be after run.base_year (" + std::to_string(p.base_year) + "), got " +
                std::to_string(p.horizon));
  }
  if (p.alpha + p.beta >= 1.0) {
    const bool alpha =
        shock != nullptr ? shock->key == "firms.alpha" : sc.values.contains("firms.alpha");
    const char* key = alpha ? "firms.alpha" : "firms.beta";
    fail_at(at({key}), key,
            "firms.alpha + firms.beta must be below 1 (decreasing returns), got " +
                std::to_string(p.alpha + p.beta));
  }
  for (int s = 0; s < k_sectors; ++s) {
    const SectorTech t = sector_tech(p, s);
    if (t.alpha + t.beta >= 1.0) {
      const std::string pre = "sectors." + std::string(k_sector_names[s]) + ".";
      const std::vector<std::string> keys = {pre + "capital_elasticity", pre + "labour_share",
                                             "firms.alpha", "firms.beta"};
      fail_at(at(keys), first_set_key(sc, shock, keys),
              "the capital elasticity plus the labour share of sector " +
                  std::string(k_sector_names[s]) + " must be below 1 (decreasing returns), got " +
                  std::to_string(t.alpha + t.beta));
    }
  }
  // Every scheme's last year must not be before its first.
  for (auto [terms, prefix] :
       {std::pair{&p.nifs.terms, "schemes.nifs"}, std::pair{&p.nias.terms, "schemes.nias"},
        std::pair{&p.talent.rth, "schemes.rth"}, std::pair{&p.talent.nittp, "schemes.nittp"},
        std::pair{&p.talent.ess, "schemes.ess"}, std::pair{&p.startups.tsssu, "schemes.tsssu"},
        std::pair{&p.startups.raise_plus, "schemes.raise_plus"},
        std::pair{&p.startups.accelerator, "schemes.accelerator"},
        std::pair{&p.startups.innohk, "schemes.innohk"}, std::pair{&p.funds.itvf, "schemes.itvf"},
        std::pair{&p.funds.itvf_funds, "schemes.itvf.funds"},
        std::pair{&p.funds.iof, "schemes.iof"}}) {
    if (terms->end < terms->start) {
      const std::string end = std::string(prefix) + ".end", start = std::string(prefix) + ".start";
      fail_at(at({end, start}), first_set_key(sc, shock, {end, start}),
              end + " must not be before " + start);
    }
  }
  if (const auto problem = knowledge_param_problem(p.knowledge)) {
    fail_at(at({problem->key}), problem->key, problem->detail);
  }
  if (const auto problem = demand_param_problem(p.demand)) {
    fail_at(at({problem->key}), problem->key, problem->detail);
  }
  try {
    check_fund_params(p.funds);
  } catch (const FundParamError& e) {
    fail_at(at(e.keys), first_set_key(sc, shock, e.keys), e.detail);
  }
  for (auto [field, name] : {std::pair{&SectorParams::firm_share, "firm_share"},
                             std::pair{&SectorParams::entry_share, "entry_share"}}) {
    double sum = 0.0;
    for (const auto& s : p.sector) sum += s.*field;
    if (std::abs(sum - 1.0) > 1e-6) {
      std::string key = "sectors." + std::string(k_sector_names[0]) + "." + name;
      SourcePos pos = at({key});
      for (const auto& sn : k_sector_names) {  // name the first sector the file sets
        const std::string k = "sectors." + std::string(sn) + "." + name;
        if (shock != nullptr ? shock->key == k : sc.values.contains(k)) {
          key = k;
          if (shock == nullptr) pos = sc.values.at(k).second;
          break;
        }
      }
      fail_at(pos, key,
              "the " + std::string(name) + " of all sectors must sum to 1 (they sum to " +
                  std::to_string(sum) + ")");
    }
  }
}

/// A run that would not fit in this machine's memory is refused before anything is allocated,
/// with the estimate (firm table with headroom, doubled while it is compacted or grown).
void check_memory(const Scenario& sc, const Params& p) {
  const double need = estimate_run_bytes(static_cast<double>(p.firm_count));
  const double have =
      static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  if (have > 0.0 && need > 0.9 * have) {
    char text[160];
    std::snprintf(text, sizeof text,
                  "a run with %lld firms needs about %.1f GiB; this machine has %.1f GiB",
                  static_cast<long long>(p.firm_count), need / 1073741824.0, have / 1073741824.0);
    fail_at(first_set(sc, {"firms.count"}), "firms.count", text);
  }
}

/// Keys read only when the run starts (the base-year population, the run's frame): a shock
/// to them could not take effect, so it is an error rather than silently ignored.
bool start_only(const std::string& key) {
  if (key.rfind("run.", 0) == 0) return true;
  static const char* const keys[] = {"firms.count",     "firms.employment", "firms.size_sigma",
                                     "firms.cash_init", "macro.gdp_base",   "macro.mfg_share_base"};
  for (const char* k : keys) {
    if (key == k) return true;
  }
  const auto ends_with = [&](const char* suffix) {
    const std::string s(suffix);
    return key.size() > s.size() && key.compare(key.size() - s.size(), s.size(), s) == 0;
  };
  return key.rfind("sectors.", 0) == 0 && (ends_with(".firm_share") || ends_with(".size_median"));
}

}  // namespace

Params params_from(const Scenario& scenario) {
  Params p;
  apply_scenario(scenario, [&p](ParamBinder& b) { bind_params(p, b); });
  check_relations(scenario, p, nullptr);
  check_memory(scenario, p);
  // Shocks: each must fall inside the simulated years and touch a key that can change mid-run;
  // the parameters after all the shocks of a year must still satisfy the relations above (so
  // several keys may move together, e.g. two entry shares that keep their sum).
  Params shocked = p;
  const BindFn bind = [&shocked](ParamBinder& b) { bind_params(shocked, b); };
  const auto& shocks = scenario.shocks;  // sorted by year
  for (std::size_t k = 0; k < shocks.size(); ++k) {
    const Shock& s = shocks[k];
    if (s.year <= p.base_year || s.year > p.horizon) {
      fail_at(s.pos, s.key,
              "shock year " + std::to_string(s.year) + " is outside the simulated years " +
                  std::to_string(p.base_year + 1) + "-" + std::to_string(p.horizon));
    }
    if (start_only(s.key)) {
      fail_at(s.pos, s.key,
              "is read only when the run starts, so a shock cannot change it; set it at the "
              "top level of the scenario instead");
    }
    set_param(bind, s.key, s.value, s.pos);
    if (k + 1 == shocks.size() || shocks[k + 1].year != s.year) {
      check_relations(scenario, shocked, &s);
    }
  }
  return p;
}

}  // namespace nisim::hk
