#pragma once
// What a run records: one row per simulated year (docs/output.md). The model fills it; the
// writer turns it into HDF5 datasets. Nothing here formats or prints.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/funds/fund_history.hpp"
#include "models/startups/startups.hpp"

namespace nisim::hk {

inline constexpr std::size_t k_history_sectors = 10;  // = k_sectors (models/params.hpp)
inline constexpr std::size_t k_history_sites = 6;     // = k_sites

/// One per-year scalar series with its name and units in the output file (docs/output.md).
struct NamedSeries {
  std::string name, units, long_name;
  std::vector<double> values;
  bool operator==(const NamedSeries&) const = default;
};

/// Per-year series; *_by_sector are row-major [year][sector], *_by_site [year][site],
/// scheme_* [year][scheme] in the order of scheme_names.
struct History {
  std::vector<std::int32_t> year;
  std::vector<double> gdp, nonmfg_va, mfg_va, mfg_share_pct, wage;
  std::vector<double> firms, employment, entries, exits, capital, cash;
  std::vector<double> smart_lines, new_lines, line_grants;
  std::vector<double> va_by_sector, employment_by_sector, firms_by_sector;
  std::vector<double> price_by_sector, real_va_by_sector;  ///< section 3.8
  std::vector<double> floor_space_by_site;
  std::vector<double> supply_by_site, occupied_by_site, rent_by_site, refused_by_site;
  std::vector<std::string> scheme_names;
  std::vector<double> scheme_budget, scheme_committed, scheme_spent, scheme_remaining;
  std::vector<double> scheme_applications, scheme_approvals, scheme_paid, scheme_outcomes;
  /// Paid this year and spent to date by purpose (section 7.3): manufacturing-relevant, other.
  std::vector<double> scheme_paid_mfg, scheme_paid_other, scheme_spent_mfg, scheme_spent_other;
  std::vector<NamedSeries> series;  ///< every other scalar series, in the order first recorded
  StartupHistory startups;          ///< start-ups (group `startups`, section 5)
  FundHistory funds;                ///< venture funds (group `funds`, section 6)

  /// Append `v` to the series `name`, creating it (with units and description) on first use.
  /// Allocates only when a series is first created (reserved for reserve()'s years).
  void put(std::string_view name, const char* units, const char* long_name, double v);
  /// The series `name`, or nullptr.
  const std::vector<double>* find(std::string_view name) const;
  std::size_t capacity = 0;  ///< years reserved by reserve()

  std::size_t years() const { return year.size(); }
  /// Reserve room for `n` years so recording never allocates inside the year loop.
  void reserve(std::size_t n);
  bool operator==(const History&) const = default;
};

}  // namespace nisim::hk
