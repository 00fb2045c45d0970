// Run-time accounting identities (models/invariants.hpp; docs/model.md section 2.2).
#include "models/invariants.hpp"

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

}  // namespace

void check_identities(const State& st) {
  const auto& m = st.macro;
  if (std::abs(m.gdp - (m.mfg_va + m.nonmfg_va)) > 1e-9 * (1.0 + std::abs(m.gdp))) {
    broken(st, "GDP " + num(m.gdp) + " != manufacturing " + num(m.mfg_va) +
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
