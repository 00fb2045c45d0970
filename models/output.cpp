// Writing a run to HDF5 (schema: docs/output.md).
#include <span>
#include <string>

#include "engine/hdf5.hpp"
#include "engine/provenance.hpp"
#include "models/funds/fund_output.hpp"
#include "models/kpi.hpp"
#include "models/model.hpp"
#include "models/startups/startup_output.hpp"

namespace nisim::hk {

void write_policy_history(const h5::Location& root, const History& h) {
  const hsize_t t = h.years(), nsite = k_sites, nsch = h.scheme_names.size();
  auto by_site = [&](const char* name, const std::vector<double>& v, const char* units,
                     const char* long_name) {
    h5::write_double(root, name, v, {t, nsite}, {"year", "site"}, {units, long_name});
  };
  by_site("supply_by_site", h.supply_by_site, "m2", "floor space available to production");
  by_site("occupied_by_site", h.occupied_by_site, "m2",
          "floor space occupied by firms and projects under construction");
  by_site("rent_by_site", h.rent_by_site, "HK$ M per m2 per year", "rent");
  by_site("refused_by_site", h.refused_by_site, "m2",
          "claims on floor space refused this year (every attempt counted)");
  h5::write_dim_str(root, "scheme", h.scheme_names, {"1", "government scheme"});
  auto by_scheme = [&](const char* name, const std::vector<double>& v, const char* units,
                       const char* long_name) {
    h5::write_double(root, name, v, {t, nsch}, {"year", "scheme"}, {units, long_name});
  };
  by_scheme("scheme_budget", h.scheme_budget, "HK$ M", "programme budget");
  by_scheme("scheme_committed", h.scheme_committed, "HK$ M", "committed, not yet paid");
  by_scheme("scheme_spent", h.scheme_spent, "HK$ M", "paid out, cumulative");
  by_scheme("scheme_remaining", h.scheme_remaining, "HK$ M", "budget neither spent nor committed");
  by_scheme("scheme_applications", h.scheme_applications, "1", "applications this year");
  by_scheme("scheme_approvals", h.scheme_approvals, "1", "approvals this year");
  by_scheme("scheme_paid", h.scheme_paid, "HK$ M", "paid out this year");
  by_scheme("scheme_outcomes", h.scheme_outcomes, "1",
            "scheme output this year (docs/output.md lists it per scheme)");
  by_scheme("scheme_paid_mfg", h.scheme_paid_mfg, "HK$ M",
            "paid out this year, manufacturing-relevant (docs/model.md section 7.3)");
  by_scheme("scheme_paid_other", h.scheme_paid_other, "HK$ M",
            "paid out this year, other purposes (docs/model.md section 7.3)");
  by_scheme("scheme_spent_mfg", h.scheme_spent_mfg, "HK$ M",
            "paid out, cumulative, manufacturing-relevant (docs/model.md section 7.3)");
  by_scheme("scheme_spent_other", h.scheme_spent_other, "HK$ M",
            "paid out, cumulative, other purposes (docs/model.md section 7.3)");
  for (const NamedSeries& s : h.series) {
    h5::write_double(root, s.name, s.values, {t}, {"year"}, {s.units, s.long_name});
  }
  h5::write_double(root, "public_spending", public_spending(h), {t}, {"year"},
                   {"HK$ M", "public money paid by all schemes this year"});
}

void write_run(const RunResult& r, const Scenario& scenario, const std::filesystem::path& out,
               bool force) {
  h5::AtomicFile file(out, force);
  const h5::Location& root = file.root();
  const History& h = r.history;
  const hsize_t t = h.years();

  root.set_attr("title", "nisim run: " + scenario.name);
  write_provenance(root);
  root.set_attr("scenario_name", scenario.name);
  root.set_attr("scenario_path", scenario.path.string());
  root.set_attr("scenario_text", scenario.text);
  root.set_attr("seed", r.seed);
  root.set_attr("threads", static_cast<std::int64_t>(r.threads));
  root.set_attr("base_year", static_cast<std::int64_t>(r.params.base_year));
  root.set_attr("horizon", static_cast<std::int64_t>(r.params.horizon));
  root.set_attr("mfg_share_target_pct", 5.0);
  root.set_attr("mfg_share_target_year", static_cast<std::int64_t>(2032));

  h5::write_dim_int(root, "year", h.year, {"year", "calendar year"});
  h5::write_dim_str(root, "sector", k_sector_names, {"1", "manufacturing sector"});
  h5::write_dim_str(root, "site", k_site_names, {"1", "site of floor space"});

  auto series = [&](const char* name, const std::vector<double>& v, const char* units,
                    const char* long_name) {
    h5::write_double(root, name, v, {t}, {"year"}, {units, long_name});
  };
  series("gdp", h.gdp, "HK$ M", "GDP at basic prices");
  series("nonmfg_va", h.nonmfg_va, "HK$ M", "non-manufacturing value added");
  series("mfg_va", h.mfg_va, "HK$ M", "manufacturing value added");
  series("mfg_share", h.mfg_share_pct, "percent", "manufacturing share of GDP at basic prices");
  series("wage", h.wage, "HK$ M per person-year", "manufacturing wage per person engaged");
  series("firms", h.firms, "establishments", "establishments at year end");
  series("employment", h.employment, "persons", "persons engaged");
  series("entries", h.entries, "establishments", "establishments born at year end");
  series("exits", h.exits, "establishments", "establishments exited at year end");
  series("capital", h.capital, "HK$ M", "capital stock of manufacturing firms");
  series("cash", h.cash, "HK$ M", "cash of manufacturing firms");
  series("smart_lines", h.smart_lines, "lines",
         "smart production lines held by the firms active during the year");
  series("new_lines", h.new_lines, "lines", "smart production lines installed this year");
  series("line_grants", h.line_grants, "HK$ M", "NIFS grants paid for lines this year");

  const hsize_t ns = k_sectors, nsite = k_sites;
  h5::write_double(root, "va_by_sector", h.va_by_sector, {t, ns}, {"year", "sector"},
                   {"HK$ M", "manufacturing value added by sector"});
  h5::write_double(root, "price_by_sector", h.price_by_sector, {t, ns}, {"year", "sector"},
                   {"base year = 1", "sector output price, cleared against demand (3.8)"});
  h5::write_double(root, "real_va_by_sector", h.real_va_by_sector, {t, ns}, {"year", "sector"},
                   {"HK$ M at base-year prices", "manufacturing value added by sector, volumes"});
  h5::write_double(root, "employment_by_sector", h.employment_by_sector, {t, ns},
                   {"year", "sector"}, {"persons", "persons engaged by sector"});
  h5::write_double(root, "firms_by_sector", h.firms_by_sector, {t, ns}, {"year", "sector"},
                   {"establishments", "establishments active during the year by sector"});
  h5::write_double(root, "floor_space_by_site", h.floor_space_by_site, {t, nsite}, {"year", "site"},
                   {"m2", "floor space occupied by manufacturing firms"});
  write_policy_history(root, h);
  write_kpis(root, h);
  write_startup_history(root, h.startups);
  write_fund_history(root, h.funds);
  file.commit();
}

}  // namespace nisim::hk
