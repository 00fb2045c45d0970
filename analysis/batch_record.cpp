// The record of one batch run (analysis/batch_record.hpp).
#include "analysis/batch_record.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "engine/error.hpp"
#include "engine/params.hpp"
#include "engine/scenario.hpp"
#include "models/kpi.hpp"

namespace nisim::hk {

namespace {

/// A named series of History::series (NaN if the run did not record it).
std::vector<double> named(const History& h, const std::string& name) {
  const std::vector<double>* v = h.find(name);
  return v != nullptr ? *v : std::vector<double>(h.years(), std::nan(""));
}

const std::vector<BatchVariable>& defaults() {
  static const std::vector<BatchVariable> variables = {
      {"mfg_share", "percent", "manufacturing share of GDP at basic prices",
       [](const History& h) { return h.mfg_share_pct; }},
      {"mfg_share_wide", "percent",
       "manufacturing, plants outside it, offshore production and industrial support services, "
       "share of GDP",
       [](const History& h) { return named(h, "mfg_share_wide"); }, false},
      {"mfg_share_real", "percent",
       "manufacturing share of GDP in volumes, at base-year prices (docs/model.md section 3.9)",
       [](const History& h) { return named(h, "mfg_share_real"); }, false},
      {"gdp", "HK$ M", "GDP at basic prices", [](const History& h) { return h.gdp; }},
      {"mfg_va", "HK$ M", "manufacturing value added", [](const History& h) { return h.mfg_va; }},
      {"employment", "persons", "persons engaged in manufacturing",
       [](const History& h) { return h.employment; }},
      {"firms", "establishments", "establishments at year end",
       [](const History& h) { return h.firms; }},
      {"smart_lines", "lines", "smart production lines held by active firms",
       [](const History& h) { return h.smart_lines; }},
      {"new_lines", "lines", "smart production lines completed this year",
       [](const History& h) { return h.new_lines; }},
      {"nifs_funded_lines", "lines", "NIFS lines approved with a grant, cumulative",
       [](const History& h) { return named(h, "nifs_funded_lines"); }, false},
      {"nias_enterprises", "enterprises", "NIAS-funded enterprises, cumulative",
       [](const History& h) { return named(h, "nias_enterprises"); }, false},
      {"line_grants", "HK$ M", "NIFS grants paid this year",
       [](const History& h) { return h.line_grants; }},
      {"public_spending", "HK$ M", "public money paid by all schemes this year",
       [](const History& h) { return public_spending(h); }},
  };
  return variables;
}

/// The per-year series of a run file held in History's own members and not recorded by every
/// batch (models/output.cpp writes them with these names, units and long names).
const std::vector<BatchVariable>& member_series() {
  static const std::vector<BatchVariable> variables = {
      {"nonmfg_va", "HK$ M", "non-manufacturing value added",
       [](const History& h) { return h.nonmfg_va; }},
      {"wage", "HK$ M per person-year", "manufacturing wage per person engaged",
       [](const History& h) { return h.wage; }},
      {"entries", "establishments", "establishments born at year end",
       [](const History& h) { return h.entries; }},
      {"exits", "establishments", "establishments exited at year end",
       [](const History& h) { return h.exits; }},
      {"capital", "HK$ M", "capital stock of manufacturing firms",
       [](const History& h) { return h.capital; }},
      {"cash", "HK$ M", "cash of manufacturing firms", [](const History& h) { return h.cash; }},
  };
  return variables;
}

const BatchVariable* find_in(const std::vector<BatchVariable>& list, const std::string& name) {
  const auto it = std::find_if(list.begin(), list.end(),
                               [&](const BatchVariable& v) { return v.name == name; });
  return it == list.end() ? nullptr : &*it;
}

std::string where(const SourcePos& p) {
  return p.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": ";
}

/// "NaN" or "inf" for a value that is not finite.
std::string non_finite(double v) {
  return std::isnan(v) ? "NaN" : (v > 0 ? "+inf" : "-inf");
}

}  // namespace

std::span<const BatchVariable> batch_variables() {
  return defaults();
}

std::vector<BatchVariable> record_variables(const std::vector<RecordSeries>& extra,
                                            const std::vector<const History*>& runs) {
  std::vector<BatchVariable> out = defaults();
  for (const RecordSeries& r : extra) {
    const std::string key = where(r.pos) + "key 'record.series': '" + r.name + "' ";
    if (find_in(defaults(), r.name) != nullptr) {
      throw ScenarioError(key + "is recorded by every batch already; name another series");
    }
    if (const BatchVariable* member = find_in(member_series(), r.name)) {
      out.push_back(*member);
      continue;
    }
    const NamedSeries* found = nullptr;
    for (const History* h : runs) {
      const auto it = std::find_if(h->series.begin(), h->series.end(),
                                   [&](const NamedSeries& s) { return s.name == r.name; });
      if (it != h->series.end()) {
        found = &*it;
        break;
      }
    }
    if (found == nullptr) {
      // The nearest per-year series by edit distance (the scenario loader's suggestion).
      std::vector<ParamSpec> names;
      const auto add = [&names](const std::string& name) {
        names.push_back(ParamSpec{name, ParamType::real, "", 0.0, 0.0, "", 0.0, {}});
      };
      for (const BatchVariable& v : member_series()) add(v.name);
      for (const History* h : runs) {
        for (const NamedSeries& s : h->series) add(s.name);
      }
      const std::string near = nearest_key(names, r.name);
      throw ScenarioError(key + "is not a per-year series of a run" +
                          (near.empty() ? "" : " (did you mean '" + near + "'?)") +
                          "; [[record]] takes the name of a run file's dataset with dims (year), "
                          "docs/output.md");
    }
    const std::string name = r.name;
    out.push_back({name, found->units, found->long_name,
                   [name](const History& h) { return named(h, name); }, false});
  }
  return out;
}

std::size_t record_size(std::size_t years, std::span<const BatchVariable> variables) {
  return variables.size() * years + kpi_specs().size();
}

std::vector<double> run_record(const History& h, std::span<const BatchVariable> variables) {
  std::vector<double> values;
  for (const BatchVariable& v : variables) {
    const std::vector<double> series = v.get(h);
    values.insert(values.end(), series.begin(), series.end());
  }
  const std::vector<double> kpi = kpi_values(h);
  values.insert(values.end(), kpi.begin(), kpi.end());
  return values;
}

void check_run_record(std::span<const double> values, const std::vector<std::int32_t>& years,
                      const std::string& what, std::span<const BatchVariable> variables) {
  const std::size_t T = years.size();
  if (values.size() != record_size(T, variables)) {
    throw ModelError(what + ": " + std::to_string(values.size()) + " values, expected " +
                     std::to_string(record_size(T, variables)));
  }
  const auto fail = [&](const std::string& why) { throw ModelError(what + ": " + why); };
  for (std::size_t v = 0; v < variables.size(); ++v) {
    const std::span<const double> series = values.subspan(v * T, T);
    const auto nan = static_cast<std::size_t>(
        std::count_if(series.begin(), series.end(), [](double x) { return std::isnan(x); }));
    const bool all_nan = !variables[v].always && nan == T;
    for (std::size_t t = 0; t < T && !all_nan; ++t) {
      if (!std::isfinite(series[t])) {
        fail(variables[v].name + " in " + std::to_string(years[t]) + " is " +
             non_finite(series[t]));
      }
    }
  }
  const std::vector<KpiSpec>& specs = kpi_specs();
  const std::span<const double> kpi = values.subspan(variables.size() * T);
  for (std::size_t k = 0; k < specs.size(); ++k) {
    if (std::isinf(kpi[k]))
      fail(std::string("indicator ") + specs[k].indicator + " is " + non_finite(kpi[k]));
    const auto var = std::find_if(variables.begin(), variables.end(), [&](const BatchVariable& v) {
      return v.name == specs[k].series;
    });
    const long t = static_cast<long>(specs[k].target_year) - (T > 0 ? years.front() : 0);
    if (var == variables.end() || t < 0 || t >= static_cast<long>(T)) continue;
    const double expected =
        values[static_cast<std::size_t>(var - variables.begin()) * T + static_cast<std::size_t>(t)];
    if (std::bit_cast<std::uint64_t>(expected) != std::bit_cast<std::uint64_t>(kpi[k]) &&
        !(std::isnan(expected) && std::isnan(kpi[k]))) {
      fail(std::string("indicator ") + specs[k].indicator + " is not " + specs[k].series + " in " +
           std::to_string(specs[k].target_year));
    }
  }
}

}  // namespace nisim::hk
