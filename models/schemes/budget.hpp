#pragma once
// A government scheme's money and activity (docs/model.md section 4.0). Every scheme keeps one
// Scheme: its terms (on/off, years, budget), a ledger whose identity
//   budget = spent + committed + remaining
// holds at every moment, and this year's activity counters, recorded per year in the output.
#include <cstdint>
#include <string>

#include "engine/params.hpp"

namespace nisim::hk {

/// When a scheme runs and how much it may spend (section 4.0).
struct SchemeTerms {
  bool enabled = true;        ///< the scheme exists in this scenario
  std::int64_t start = 2020;  ///< first year it approves applications
  std::int64_t end = 2040;    ///< last year it approves applications
  double budget = 0.0;        ///< programme budget, HK$ M

  /// True when the scheme approves applications in `year`.
  bool open(int year) const { return enabled && year >= start && year <= end; }
};

/// Bind `prefix.enabled`, `prefix.start`, `prefix.end` and `prefix.budget` (HK$ M). `what` is
/// the scheme's name and the source of its budget, for the schema's doc strings.
void bind_scheme_terms(SchemeTerms& terms, const std::string& prefix, const std::string& what,
                       ParamBinder& b);

/// Money of one programme, HK$ M. Commitments move money from remaining to committed; payment
/// moves it from committed to spent; a lapsed commitment returns it to remaining.
class Budget {
 public:
  Budget() = default;
  explicit Budget(double total) : total_(total) {}

  double total() const { return total_; }
  double committed() const { return committed_; }
  double spent() const { return spent_; }
  double remaining() const { return total_ - committed_ - spent_; }
  /// Of spent(), the manufacturing-relevant part and the rest (section 7.3); the two are kept
  /// separately, so mfg + other = spent is a checked identity (models/invariants.cpp).
  double spent_mfg() const { return spent_mfg_; }
  double spent_other() const { return spent_other_; }

  /// True if `amount` can be committed without exceeding the budget.
  bool can_commit(double amount) const { return amount <= remaining() + 1e-9; }
  /// Commit `amount`. Precondition: can_commit(amount) (throws std::logic_error otherwise).
  void commit(double amount);
  /// Pay `amount` out of earlier commitments, `mfg_share` of it manufacturing-relevant
  /// (section 7.3). Preconditions: amount <= committed(), 0 <= mfg_share <= 1.
  void pay(double amount, double mfg_share = 0.0);
  /// Return `amount` of earlier commitments to the remaining budget (the project lapsed).
  void release(double amount);
  /// Commit and pay at once (grants paid on approval).
  void spend(double amount, double mfg_share = 0.0) {
    commit(amount);
    pay(amount, mfg_share);
  }
  /// Add `amount` >= 0 to the budget: a renewal (section 4.0, models/schemes/renewal.hpp).
  void renew(double amount);

 private:
  double total_ = 0.0;
  double committed_ = 0.0;
  double spent_ = 0.0;
  double spent_mfg_ = 0.0;
  double spent_other_ = 0.0;
};

/// One scheme: its ledger and this year's activity (section 4.0). Counters are reset by
/// new_year() at the start of every simulated year; the ledger carries over.
struct Scheme {
  Budget budget;              ///< the programme's money, HK$ M
  double applications = 0.0;  ///< applications received this year
  double approvals = 0.0;     ///< applications approved this year
  double paid = 0.0;          ///< paid out this year, HK$ M
  double outcomes = 0.0;      ///< scheme-specific output this year (docs/output.md lists it)
  double paid_mfg = 0.0;      ///< of `paid`, manufacturing-relevant, HK$ M (section 7.3)
  double paid_other = 0.0;    ///< of `paid`, other purposes, HK$ M (section 7.3)
  /// Manufacturing-relevant share of the payments the scheme does not classify one by one
  /// (section 7.3); set once at initialisation (set_scheme_purposes, models/phases.cpp).
  double mfg_share = 0.0;

  void new_year() { applications = approvals = paid = outcomes = paid_mfg = paid_other = 0.0; }
  /// Pay `amount` of earlier commitments and count it in this year's payments; `mfg` of it is
  /// manufacturing-relevant (section 7.3).
  void pay(double amount, double mfg) {
    budget.pay(amount, mfg);
    count_paid(amount, mfg);
  }
  void pay(double amount) { pay(amount, mfg_share); }
  /// Commit and pay at once, counted in this year's payments.
  void spend(double amount, double mfg) {
    budget.spend(amount, mfg);
    count_paid(amount, mfg);
  }
  void spend(double amount) { spend(amount, mfg_share); }

 private:
  void count_paid(double amount, double mfg) {
    paid += amount;
    paid_mfg += amount * mfg;
    paid_other += amount * (1.0 - mfg);
  }
};

}  // namespace nisim::hk
