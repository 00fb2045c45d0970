#pragma once
// What a run records: one row per simulated year (docs/output.md). The model fills it; the
// writer turns it into HDF5 datasets. Nothing here formats or prints.
#include <cstdint>
#include <string>
#include <vector>

namespace nisim::hk {

inline constexpr std::size_t k_history_sectors = 10;  // = k_sectors (models/params.hpp)
inline constexpr std::size_t k_history_sites = 4;     // = k_sites

/// Per-year series; *_by_sector are row-major [year][sector], *_by_site [year][site].
struct History {
  std::vector<std::int32_t> year;
  std::vector<double> gdp, nonmfg_va, mfg_va, mfg_share_pct, wage;
  std::vector<double> firms, employment, entries, exits, capital, cash;
  std::vector<double> smart_lines, new_lines, line_grants;
  std::vector<double> va_by_sector, employment_by_sector, firms_by_sector;
  std::vector<double> floor_space_by_site;

  std::size_t years() const { return year.size(); }
  /// Reserve room for `n` years so recording never allocates inside the year loop.
  void reserve(std::size_t n);
  bool operator==(const History&) const = default;
};

}  // namespace nisim::hk
