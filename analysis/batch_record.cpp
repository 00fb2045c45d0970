// The record of one batch run (analysis/batch_record.hpp).
#include "analysis/batch_record.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "engine/error.hpp"
#include "models/kpi.hpp"

namespace nisim::hk {

namespace {

/// A named series of History::series (NaN if the run did not record it).
std::vector<double> named(const History& h, const char* name) {
  const std::vector<double>* v = h.find(name);
  return v != nullptr ? *v : std::vector<double>(h.years(), std::nan(""));
}
const BatchVariable k_variables[] = {
    {"mfg_share", "percent", "manufacturing share of GDP at basic prices",
     [](const History& h) { return h.mfg_share_pct; }},
    {"mfg_share_wide", "percent",
     "manufacturing plus offshore production and industrial support services, share of GDP",
     [](const History& h) { return named(h, "mfg_share_wide"); }, false},
    {"mfg_share_real", "percent",
     "manufacturing share of GDP in volumes, at base-year prices (docs/model.md section 3.8)",
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

/// "NaN" or "inf" for a value that is not finite.
std::string non_finite(double v) {
  return std::isnan(v) ? "NaN" : (v > 0 ? "+inf" : "-inf");
}

}  // namespace

std::span<const BatchVariable> batch_variables() {
  return k_variables;
}

std::size_t record_size(std::size_t years) {
  return std::size(k_variables) * years + kpi_specs().size();
}

std::vector<double> run_record(const History& h) {
  std::vector<double> values;
  for (const BatchVariable& v : k_variables) {
    const std::vector<double> series = v.get(h);
    values.insert(values.end(), series.begin(), series.end());
  }
  const std::vector<double> kpi = kpi_values(h);
  values.insert(values.end(), kpi.begin(), kpi.end());
  return values;
}

void check_run_record(std::span<const double> values, const std::vector<std::int32_t>& years,
                      const std::string& what) {
  const std::size_t T = years.size();
  if (values.size() != record_size(T)) {
    throw ModelError(what + ": " + std::to_string(values.size()) + " values, expected " +
                     std::to_string(record_size(T)));
  }
  const auto fail = [&](const std::string& why) { throw ModelError(what + ": " + why); };
  for (std::size_t v = 0; v < std::size(k_variables); ++v) {
    const std::span<const double> series = values.subspan(v * T, T);
    const auto nan = static_cast<std::size_t>(
        std::count_if(series.begin(), series.end(), [](double x) { return std::isnan(x); }));
    const bool all_nan = !k_variables[v].always && nan == T;
    for (std::size_t t = 0; t < T && !all_nan; ++t) {
      if (!std::isfinite(series[t])) {
        fail(std::string(k_variables[v].name) + " in " + std::to_string(years[t]) + " is " +
             non_finite(series[t]));
      }
    }
  }
  const std::vector<KpiSpec>& specs = kpi_specs();
  const std::span<const double> kpi = values.subspan(std::size(k_variables) * T);
  for (std::size_t k = 0; k < specs.size(); ++k) {
    if (std::isinf(kpi[k]))
      fail(std::string("indicator ") + specs[k].indicator + " is " + non_finite(kpi[k]));
    const auto* var = std::find_if(
        std::begin(k_variables), std::end(k_variables),
        [&](const BatchVariable& v) { return std::strcmp(specs[k].series, v.name) == 0; });
    const long t = static_cast<long>(specs[k].target_year) - (T > 0 ? years.front() : 0);
    if (var == std::end(k_variables) || t < 0 || t >= static_cast<long>(T)) continue;
    const double expected = values[static_cast<std::size_t>(var - std::begin(k_variables)) * T +
                                   static_cast<std::size_t>(t)];
    if (std::bit_cast<std::uint64_t>(expected) != std::bit_cast<std::uint64_t>(kpi[k]) &&
        !(std::isnan(expected) && std::isnan(kpi[k]))) {
      fail(std::string("indicator ") + specs[k].indicator + " is not " + specs[k].series + " in " +
           std::to_string(specs[k].target_year));
    }
  }
}

}  // namespace nisim::hk
