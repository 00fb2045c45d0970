// The European whole-fund waterfall (docs/model.md section 6.1).
#include "models/funds/waterfall.hpp"

#include <algorithm>

namespace nisim::hk {

WaterfallSplit waterfall(const WaterfallState& s, double distributable, double carry,
                         double catch_up) {
  WaterfallSplit out;
  double x = std::max(0.0, distributable);
  double lp = s.paid_lp;
  double gp = s.paid_gp;
  // Tier 1 (eq. 6.1b): contributed capital back to LPs.
  const double t1 = std::min(x, std::max(0.0, s.contributed - lp));
  lp += t1;
  x -= t1;
  // Tier 2 (eq. 6.1c): the preferred return.
  const double t2 = std::min(x, std::max(0.0, s.contributed + s.preferred - lp));
  lp += t2;
  x -= t2;
  // Tier 3 (eq. 6.1d): catch-up until gp = carry * (lp + gp - C). Each HK$ y in the tier
  // raises gp by catch_up * y and the profit by y, so y = (carry * profit - gp) / (c - carry).
  double t3 = 0.0;
  if (x > 0.0 && catch_up > carry) {
    const double shortfall = carry * (lp + gp - s.contributed) - gp;
    if (shortfall > 0.0) {
      t3 = std::min(x, shortfall / (catch_up - carry));
      x -= t3;
    }
  }
  // Tier 4 (eq. 6.1e): the split.
  const double t4 = x;
  out.gp = catch_up * t3 + carry * t4;
  out.lp = t1 + t2 + (t3 - catch_up * t3) + (t4 - carry * t4);
  out.tier = {t1, t2, t3, t4};
  return out;
}

double accrue_preferred(const WaterfallState& s, double hurdle) {
  return s.preferred + hurdle * std::max(0.0, s.contributed + s.preferred - s.paid_lp);
}

}  // namespace nisim::hk
