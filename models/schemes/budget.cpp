// Scheme ledgers (docs/model.md section 4.0).
#include "models/schemes/budget.hpp"

#include <stdexcept>

namespace nisim::hk {

void bind_scheme_terms(SchemeTerms& t, const std::string& prefix, const std::string& what,
                       ParamBinder& b) {
  b.boolean(prefix + ".enabled", t.enabled, {"", 0, 1, "the " + what + " exists (4.0)"});
  b.integer(prefix + ".start", t.start, {"year", 1990, 2200, "first approval year (4.0)"});
  b.integer(prefix + ".end", t.end, {"year", 1990, 2200, "last approval year (4.0)"});
  b.real(prefix + ".budget", t.budget, {"HK$ M", 0.0, 1e7, "programme budget of the " + what});
}

void Budget::commit(double amount) {
  if (amount < 0.0 || !can_commit(amount)) {
    throw std::logic_error("Budget::commit: amount exceeds the remaining budget");
  }
  committed_ += amount;
}

void Budget::pay(double amount, double mfg_share) {
  if (amount < 0.0 || amount > committed_ + 1e-9) {
    throw std::logic_error("Budget::pay: amount exceeds the commitments");
  }
  if (!(mfg_share >= 0.0 && mfg_share <= 1.0)) {
    throw std::logic_error("Budget::pay: manufacturing share outside [0, 1]");
  }
  committed_ -= amount;
  spent_ += amount;
  spent_mfg_ += amount * mfg_share;
  spent_other_ += amount * (1.0 - mfg_share);
}

void Budget::renew(double amount) {
  if (!(amount >= 0.0)) throw std::logic_error("Budget::renew: negative amount");
  total_ += amount;
}

void Budget::release(double amount) {
  if (amount < 0.0 || amount > committed_ + 1e-9) {
    throw std::logic_error("Budget::release: amount exceeds the commitments");
  }
  committed_ -= amount;
}

}  // namespace nisim::hk
