#pragma once
// The European (whole-fund) distribution waterfall of a limited partnership (docs/model.md
// section 6.1, eqs. 6.1a-6.1e). Pure functions: no state, no draws.
#include <array>

namespace nisim::hk {

/// Cumulative position of a fund's partners before a distribution, HK$ M.
struct WaterfallState {
  double contributed = 0.0;  ///< C: capital called from all LPs (GP commitment included)
  double preferred = 0.0;    ///< P: preferred return accrued to date (accrue_preferred)
  double paid_lp = 0.0;      ///< distributions so far to the LP interests (GP commitment included)
  double paid_gp = 0.0;      ///< carried interest paid so far to the GP
};

/// How one distribution is split, HK$ M. lp + gp = the amount distributed.
struct WaterfallSplit {
  double lp = 0.0;               ///< to the LP interests
  double gp = 0.0;               ///< to the GP as carried interest
  std::array<double, 4> tier{};  ///< amount passing through tiers 1-4 (eqs. 6.1b-6.1e)
};

/// Split `distributable` >= 0 among LPs and GP, given the cumulative position `s`, the carry
/// share `carry` in [0, 1) and the GP's share `catch_up` of the catch-up tier (1 = full):
///   1. return of contributed capital to LPs until paid_lp = C;
///   2. preferred return to LPs until paid_lp = C + P;
///   3. catch-up: catch_up to the GP, 1 - catch_up to LPs, until the GP holds `carry` of the
///      profit distributed so far, paid_gp = carry (paid_lp + paid_gp - C) (skipped when
///      catch_up <= carry);
///   4. the rest split 1 - carry to LPs, carry to the GP.
/// Tiers are positioned by the cumulative amounts, so a fund distributing in several years
/// passes through them once in total. There is no clawback.
WaterfallSplit waterfall(const WaterfallState& s, double distributable, double carry,
                         double catch_up = 1.0);

/// Preferred return after one more year at rate `hurdle` (eq. 6.1a):
///   P' = P + hurdle * max(0, C + P - paid_lp),
/// i.e. compounded yearly on contributions and accrued preference not yet paid back. The
/// caller passes C as the capital contributed before this year (calls accrue from the next).
double accrue_preferred(const WaterfallState& s, double hurdle);

}  // namespace nisim::hk
