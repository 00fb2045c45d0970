// Run-time accounting identities (models/invariants.hpp; docs/model.md section 2.2).
#include "models/invariants.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "engine/error.hpp"
#include "engine/table.hpp"
#include "models/phases.hpp"

namespace nisim::hk {

namespace {

std::string num(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", v);
  return text;
}

[[noreturn]] void broken(const State& st, const std::string& what) {
  throw ModelError("year " + std::to_string(st.year) + ": accounting identity broken: " + what +
                   " (docs/model.md section 2.2); please report this with the scenario");
}

/// Section 4.5: each stock is last year's stock less its depreciation plus this year's flow
/// (perpetual inventory); the two R&D stocks lose the same fraction; nothing is negative.
void check_knowledge_stocks(const State& st) {
  const Knowledge& k = st.knowledge;
  struct Stock {
    const char* name;
    double before, lost, added, now;
  };
  const Stock stocks[] = {
      {"R&D stock K^R", k.rd_stock_before, k.rd_depreciated, k.rd_private + k.rd_public,
       k.rd_stock},
      {"private R&D stock K^0", k.rd_stock_private_before, k.rd_private_depreciated, k.rd_private,
       k.rd_stock_private},
      {"trained stock S", k.trained_stock_before, k.trained_lost, k.trainees_mfg, k.trained_stock}};
  for (const Stock& s : stocks) {
    const double tol = 1e-9 * (1.0 + std::abs(s.before) + std::abs(s.added));
    if (std::abs(s.now - (s.before - s.lost + s.added)) > tol) {
      broken(st, std::string(s.name) + " " + num(s.now) + " != last year's " + num(s.before) +
                     " - depreciation " + num(s.lost) + " + addition " + num(s.added));
    }
    if (s.now < -tol || s.lost < -tol || s.added < -tol || s.lost > s.before + tol) {
      broken(st, std::string(s.name) + ": stock " + num(s.now) + ", depreciation " + num(s.lost) +
                     " or addition " + num(s.added) +
                     " negative, or more depreciated than the stock held " + num(s.before));
    }
  }
  // Both R&D stocks depreciate at delta_R: lost / before is the same for K^R and K^0.
  const double cross =
      k.rd_depreciated * k.rd_stock_private_before - k.rd_private_depreciated * k.rd_stock_before;
  if (std::abs(cross) > 1e-9 * (1.0 + k.rd_stock_before * k.rd_stock_private_before)) {
    broken(st, "the R&D stocks depreciate at different rates: " + num(k.rd_depreciated) + " of " +
                   num(k.rd_stock_before) + " against " + num(k.rd_private_depreciated) + " of " +
                   num(k.rd_stock_private_before));
  }
}

/// Section 3.9: in every sector the firms' value added at current prices equals the cleared
/// price times the real output of the clearing (eqs. 3.9d-e), the real output meets demand
/// where the sector has a demand curve, and the real accounts add up (eq. 3.9f).
void check_prices_and_volumes(const State& st) {
  const Demand& d = st.demand;
  for (int s = 0; s < k_sectors; ++s) {
    const std::string sector = "sector " + std::string(k_sector_names[s]) + ": ";
    const double price = std::exp(d.log_price[s]);
    const double expected = price * d.supply[s];
    if (std::abs(d.cleared_va[s] - expected) > 1e-9 * (1.0 + std::abs(expected))) {
      broken(st, sector + "nominal value added " + num(d.cleared_va[s]) + " != price " +
                     num(price) + " x real value added " + num(d.supply[s]));
    }
    if (d.clears && d.active[s] && d.supply[s] > 0.0) {
      const double log_demand =
          d.log_level[s] - d.elasticity * (d.log_price[s] - d.log_competitor[s]);
      if (std::abs(std::log(d.supply[s]) - log_demand) > 1e-9) {
        broken(st, sector + "real output " + num(d.supply[s]) + " != demand " +
                       num(std::exp(log_demand)) + " at price " + num(price));
      }
    }
  }
  const Macro& m = st.macro;
  double real = 0.0;
  for (double v : m.real_va) real += v;
  if (std::abs(real - m.mfg_va_real) > 1e-9 * (1.0 + real) ||
      std::abs(m.gdp_real - (m.mfg_va_real + m.nonmfg_va_real + m.outside_va_real)) >
          1e-9 * (1.0 + m.gdp_real)) {
    broken(st, "real GDP " + num(m.gdp_real) + " != manufacturing " + num(m.mfg_va_real) +
                   " (sum by sector " + num(real) + ") + non-manufacturing " +
                   num(m.nonmfg_va_real) + " + plants outside manufacturing " +
                   num(m.outside_va_real) + " at base-year prices");
  }
}

/// Sections 3.6 and 4.6: the technical pool is last year's pool plus its flows (eqs. 4.3a,
/// 4.6b) and never negative; incumbents' wanted hiring is split exactly into drawn and short,
/// or released; rationing only cuts firms' floor-space demand.
void check_factor_markets(const State& st) {
  const Talent& tl = st.talent;
  const TechMarket& m = st.tech;
  const double flows =
      m.pool_start - tl.left + tl.inflow - tl.hired - m.incumbent_hired + m.returned;
  const double tol = 1e-9 * (1.0 + std::abs(m.pool_start) + std::abs(tl.inflow) +
                             std::abs(m.released) + std::abs(m.incumbent_hired));
  if (std::abs(tl.pool - flows) > tol || tl.pool < -tol) {
    broken(st, "technical pool " + num(tl.pool) + " != last year's " + num(m.pool_start) +
                   " - left " + num(tl.left) + " + inflow " + num(tl.inflow) + " - hired by " +
                   "projects " + num(tl.hired) + " - hired by incumbents " +
                   num(m.incumbent_hired) + " + returned " + num(m.returned) + ", or negative");
  }
  const double wanted = std::max(0.0, m.demand), freed = std::max(0.0, -m.demand);
  if (m.incumbent_hired < -tol || m.incumbent_short < -tol ||
      std::abs(m.incumbent_hired + m.incumbent_short - wanted) > tol ||
      std::abs(m.released - freed) > tol || m.returned < -tol || m.returned > m.released + tol) {
    broken(st, "incumbents' technical hiring: drawn " + num(m.incumbent_hired) + " + short " +
                   num(m.incumbent_short) + " and released " + num(m.released) +
                   " (returned to the pool " + num(m.returned) +
                   ") do not split their net demand " + num(m.demand));
  }
  const Land& land = st.land;
  for (int s = 0; s < k_sites; ++s) {
    if (land.firms[s] > land.demand[s] * (1.0 + 1e-9) + 1e-6 || land.rationed[s] < 0.0 ||
        land.rationed[s] > 1.0) {
      broken(st, "site " + std::string(k_site_names[s]) + ": firms' floor space " +
                     num(land.firms[s]) + " m2 above their demand " + num(land.demand[s]) +
                     " m2, or rationing factor " + num(land.rationed[s]) + " outside [0, 1]");
    }
  }
}

}  // namespace

void check_identities(const State& st) {
  const auto& m = st.macro;
  // eq. 3.5b: plants outside official manufacturing (section 7.1) are part of GDP.
  if (std::abs(m.gdp - (m.mfg_va + m.outside_va + m.nonmfg_va)) > 1e-9 * (1.0 + std::abs(m.gdp))) {
    broken(st, "GDP " + num(m.gdp) + " != manufacturing " + num(m.mfg_va) +
                   " + plants outside manufacturing " + num(m.outside_va) +
                   " + non-manufacturing value added " + num(m.nonmfg_va));
  }
  for (const auto& [name, scheme] : schemes_of(st)) {
    const Budget& b = scheme->budget;
    const double tol = 1e-9 * (1.0 + std::abs(b.total()));
    const std::string ledger = "scheme " + std::string(name) + ": ";
    if (std::abs(b.total() - (b.spent() + b.committed() + b.remaining())) > tol) {
      broken(st, ledger + "budget " + num(b.total()) + " != spent " + num(b.spent()) +
                     " + committed " + num(b.committed()) + " + remaining " + num(b.remaining()));
    }
    if (b.committed() < -tol || b.spent() + b.committed() > b.total() + tol) {
      broken(st, ledger + "spent " + num(b.spent()) + " + committed " + num(b.committed()) +
                     " outside the budget " + num(b.total()));
    }
    // Section 7.3: the purposes add up, to date and this year, and neither is negative.
    if (std::abs(b.spent_mfg() + b.spent_other() - b.spent()) > tol || b.spent_mfg() < -tol ||
        b.spent_other() < -tol) {
      broken(st, ledger + "spent on manufacturing " + num(b.spent_mfg()) + " + on other purposes " +
                     num(b.spent_other()) + " != spent " + num(b.spent()));
    }
    if (std::abs(scheme->paid_mfg + scheme->paid_other - scheme->paid) > tol ||
        scheme->paid_mfg < -tol || scheme->paid_other < -tol) {
      broken(st, ledger + "paid this year on manufacturing " + num(scheme->paid_mfg) +
                     " + on other purposes " + num(scheme->paid_other) + " != paid " +
                     num(scheme->paid));
    }
  }
  const Land& land = st.land;
  for (int s = 0; s < k_sites; ++s) {
    const std::string site = "site " + std::string(k_site_names[s]) + ": ";
    if (land.occupied(s) > land.supply[s] * (1.0 + 1e-6) + 1e-6) {
      broken(st, site + "occupied floor space " + num(land.occupied(s)) + " m2 > supply " +
                     num(land.supply[s]) + " m2");
    }
    if (land.firms[s] < 0.0 || land.reserved[s] < 0.0 || land.claimed[s] < 0.0) {
      broken(st, site + "negative floor space (firms " + num(land.firms[s]) + ", reserved " +
                     num(land.reserved[s]) + ", claimed " + num(land.claimed[s]) + ")");
    }
  }
  check_knowledge_stocks(st);
  check_prices_and_volumes(st);
  check_factor_markets(st);
  if (!st.history.firms.empty() && st.history.firms.back() != static_cast<double>(rows(st.firms))) {
    broken(st, "firms recorded " + num(st.history.firms.back()) + " != rows of the firm table " +
                   std::to_string(rows(st.firms)));
  }
}

void check_firm_stocks(const State& st) {
  const FirmTable& f = st.firms;
  for (std::size_t i = 0; i < rows(f); ++i) {
    const double stocks[] = {f.employment[i], f.capital[i], f.floor_space[i],
                             static_cast<double>(f.smart_lines[i])};
    const char* names[] = {"employment", "capital", "floor_space", "smart_lines"};
    for (std::size_t c = 0; c < std::size(stocks); ++c) {
      if (stocks[c] < 0.0) {
        broken(st, "firm " + std::to_string(f.id[i]) + ": " + names[c] + " = " + num(stocks[c]) +
                       " < 0");
      }
    }
  }
}

bool costly_checks_enabled() {
#ifdef NISIM_CHECK_INVARIANTS
  return true;
#else
  return false;
#endif
}

}  // namespace nisim::hk
