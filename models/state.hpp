#pragma once
// The model state: every agent table and economy-wide quantity that phases read and write.
#include <array>
#include <cstdint>
#include <vector>

#include "engine/parallel.hpp"
#include "engine/rng.hpp"
#include "models/demand.hpp"
#include "models/factors/tech_staff.hpp"
#include "models/firms.hpp"
#include "models/funds/funds.hpp"
#include "models/history.hpp"
#include "models/knowledge.hpp"
#include "models/land/land.hpp"
#include "models/params.hpp"
#include "models/schemes/nias.hpp"
#include "models/schemes/nifs.hpp"
#include "models/schemes/talent.hpp"
#include "models/startups/startups.hpp"
#include "models/venture.hpp"

namespace nisim::hk {

/// Sums over firms for one year (docs/model.md section 3.7), combined block by block in order.
struct FirmTotals {
  std::array<double, k_sectors> value_added{};  ///< HK$ M
  std::array<double, k_sectors> employment{};   ///< persons
  std::array<double, k_sectors> firms{};        ///< establishments active during the year
  std::array<double, k_sectors> exits{};        ///< establishments exiting at year end
  std::array<double, k_sites> floor_space{};    ///< m2
  double capital = 0.0;                         ///< HK$ M
  double cash = 0.0;                            ///< HK$ M
  double smart_lines = 0.0;                     ///< lines installed, all firms
  double new_lines = 0.0;                       ///< lines installed this year
  double grants = 0.0;                          ///< line grants paid this year, HK$ M
  /// m2 of firms by [sector][site] (eq. 3.6h)
  std::array<double, std::size_t{k_sectors} * k_sites> floor_sector_site{};
  // Plants outside official manufacturing (AI/data, section 7.1); the arrays above count
  // official manufacturing only.
  double outside_va = 0.0;          ///< value added, HK$ M
  double outside_employment = 0.0;  ///< persons engaged
  double outside_firms = 0.0;       ///< plants
  double outside_exits = 0.0;       ///< plants exiting at year end

  FirmTotals& operator+=(const FirmTotals& o);
  double total_value_added() const;
};

/// Economy-wide accounts of one year (section 3.5).
struct Macro {
  double wage = 0.0;            ///< w: HK$ M per person engaged per year
  double nonmfg_va = 0.0;       ///< non-manufacturing value added, HK$ M
  double mfg_va = 0.0;          ///< manufacturing value added (official), HK$ M
  double outside_va = 0.0;      ///< value added of plants outside manufacturing, HK$ M (7.1)
  double gdp = 0.0;             ///< GDP at basic prices, HK$ M
  double share = 0.0;           ///< manufacturing share of GDP, fraction
  double offshore_va = 0.0;     ///< offshore production by HK firms, HK$ M (eq. 7.1a)
  double support_va = 0.0;      ///< industrial support services, HK$ M (eq. 7.1b)
  double share_offshore = 0.0;  ///< (mfg + offshore) / GDP, fraction (eq. 7.1c)
  double share_wide = 0.0;      ///< (mfg + offshore + support) / GDP, fraction (eq. 7.1c)
  std::array<double, k_sectors> real_va{};  ///< real VA by sector, HK$ M at t0 prices (3.9f)
  double mfg_va_real = 0.0;      ///< manufacturing VA at base-year prices, HK$ M (eq. 3.9f)
  double nonmfg_va_real = 0.0;   ///< non-manufacturing VA at base-year prices, HK$ M (eq. 3.9f)
  double outside_va_real = 0.0;  ///< plants outside manufacturing at base-year prices, HK$ M
  double gdp_real = 0.0;         ///< GDP at base-year prices, HK$ M (eq. 3.8f)
  double share_real = 0.0;       ///< manufacturing volume share of GDP, fraction (eq. 3.8f)
};

struct State {
  explicit State(Parallel& par, std::uint64_t seed) : parallel(&par), rng(seed) {}

  Parallel* parallel;                ///< the run's thread pool
  Rng rng;                           ///< keyed by the run's seed
  int year = 0;                      ///< calendar year being simulated
  FirmTable firms;                   ///< manufacturing establishments
  std::uint64_t next_id = 1;         ///< one past the last firm id assigned (ids: phases.cpp)
  std::uint64_t plants_started = 0;  ///< plants and graduates started this year (their ids)
  FirmEnvironment env;               ///< prices and grant terms firms face this year
  Macro macro;                       ///< this year's accounts
  FirmTotals totals;                 ///< this year's sums over firms
  std::int64_t entries = 0;          ///< firms born at the end of this year
  std::int64_t exits = 0;            ///< firms removed at the end of this year
  History history;                   ///< one row per year, written to the output file
  Land land;                         ///< floor space by site (section 3.6)
  Nifs nifs;                         ///< NIFS ledger and line projects (section 4.1)
  Enterprises enterprises;           ///< strategic enterprises and NIAS (section 4.2)
  Talent talent;                     ///< technical staff and talent schemes (sections 4.3-4.4)
  TechMarket tech;                   ///< technical wage and incumbents' staff (section 4.6)
  Knowledge knowledge;               ///< R&D and trained stocks, next year's TFP bonus (4.5)
  Demand demand;                     ///< sector prices, demand levels and supply (3.8)
  double mfg_va_base = 0.0;          ///< manufacturing value added at the base year, HK$ M
  StartupSystem startups;            ///< start-ups and their schemes (section 5)
  FundSystem funds;                  ///< venture funds, ITVF and the fund of funds (section 6)
  // Records exchanged between start-ups and funds each year (models/venture.hpp), reused.
  std::vector<RoundRequest> requests;
  std::vector<RoundOutcome> outcomes;
  std::vector<StartupExit> startup_exits;
  std::vector<Graduate> graduates;
  std::vector<std::uint64_t> accepted;

  /// Firms created this year by completed NIAS facilities (section 4.2).
  double new_plants() const { return static_cast<double>(enterprises.plants.size()); }
  /// Firms created this year by graduating start-ups (section 5.5).
  double graduate_firms() const { return static_cast<double>(startups.graduates); }
  /// Graduates refused this year for want of floor space or staff (section 5.5).
  double graduates_waiting() const {
    return static_cast<double>(graduates.size() - accepted.size());
  }

  // Scratch reused every year so the yearly loop does not allocate once warmed up.
  std::vector<FirmTotals> partials;
  std::vector<std::array<double, k_sites>> site_partials;
  std::vector<std::array<double, k_sectors>> sector_partials;
  std::vector<std::uint8_t> keep;
};

}  // namespace nisim::hk
