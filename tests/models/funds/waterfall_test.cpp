// The European whole-fund waterfall (docs/model.md section 6.1, eqs. 6.1a-6.1e).
#include "models/funds/waterfall.hpp"

#include <gtest/gtest.h>

namespace nisim::hk {
namespace {

constexpr double k_carry = 0.2;

/// A fund that called 100 and accrued 20 of preferred return, nothing distributed yet.
WaterfallState fresh() {
  return {100.0, 20.0, 0.0, 0.0};
}

}  // namespace

TEST(Waterfall, CapitalComesBackFirst) {
  const WaterfallSplit w = waterfall(fresh(), 60.0, k_carry);
  EXPECT_DOUBLE_EQ(w.lp, 60.0);
  EXPECT_DOUBLE_EQ(w.gp, 0.0);
  EXPECT_DOUBLE_EQ(w.tier[0], 60.0);
  // Exactly the contributed capital: still all to LPs.
  EXPECT_DOUBLE_EQ(waterfall(fresh(), 100.0, k_carry).gp, 0.0);
}

TEST(Waterfall, PreferredReturnBeforeAnyCarry) {
  // 100 back + 20 preferred: the GP still gets nothing.
  const WaterfallSplit w = waterfall(fresh(), 120.0, k_carry);
  EXPECT_DOUBLE_EQ(w.lp, 120.0);
  EXPECT_DOUBLE_EQ(w.gp, 0.0);
  EXPECT_DOUBLE_EQ(w.tier[1], 20.0);
}

TEST(Waterfall, FullCatchUpGivesGpItsShareOfProfits) {
  // After 120 to LPs, a full catch-up pays the GP until it holds 20% of profits:
  // gp = 0.2 (20 + gp) -> gp = 5.
  const WaterfallSplit w = waterfall(fresh(), 125.0, k_carry);
  EXPECT_NEAR(w.gp, 5.0, 1e-12);
  EXPECT_NEAR(w.tier[2], 5.0, 1e-12);
  EXPECT_NEAR(w.gp, k_carry * (w.lp + w.gp - 100.0), 1e-12);
  // Part-way through the catch-up, everything above 120 goes to the GP.
  const WaterfallSplit half = waterfall(fresh(), 122.0, k_carry);
  EXPECT_NEAR(half.gp, 2.0, 1e-12);
  EXPECT_NEAR(half.lp, 120.0, 1e-12);
}

TEST(Waterfall, SplitEightyTwentyAfterCatchUp) {
  const WaterfallSplit w = waterfall(fresh(), 300.0, k_carry);
  EXPECT_NEAR(w.tier[3], 175.0, 1e-12);
  // Whole fund: the GP holds exactly 20% of all profits.
  EXPECT_NEAR(w.gp, k_carry * (300.0 - 100.0), 1e-12);
  // Each extra HK$ is split 80/20.
  const WaterfallSplit more = waterfall(fresh(), 310.0, k_carry);
  EXPECT_NEAR(more.lp - w.lp, 8.0, 1e-12);
  EXPECT_NEAR(more.gp - w.gp, 2.0, 1e-12);
}

TEST(Waterfall, NoCatchUpSplitsAfterPreferredReturn) {
  const WaterfallSplit w = waterfall(fresh(), 220.0, k_carry, 0.0);
  EXPECT_DOUBLE_EQ(w.tier[2], 0.0);
  EXPECT_NEAR(w.gp, 0.2 * 100.0, 1e-12);
}

TEST(Waterfall, LpPlusGpEqualsDistributable) {
  for (double x : {0.0, 1.0, 50.0, 100.0, 119.0, 121.0, 124.0, 126.0, 500.0, 1e5}) {
    for (double c : {0.0, 0.5, 1.0}) {
      const WaterfallSplit w = waterfall(fresh(), x, k_carry, c);
      EXPECT_NEAR(w.lp + w.gp, x, 1e-9 * (1.0 + x)) << x << " " << c;
      EXPECT_GE(w.lp, 0.0);
      EXPECT_GE(w.gp, 0.0);
    }
  }
}

TEST(Waterfall, MonotoneInDistributable) {
  double lp = 0.0, gp = 0.0;
  for (double x = 0.0; x <= 400.0; x += 0.5) {
    const WaterfallSplit w = waterfall(fresh(), x, k_carry);
    EXPECT_GE(w.lp, lp - 1e-12) << x;
    EXPECT_GE(w.gp, gp - 1e-12) << x;
    lp = w.lp;
    gp = w.gp;
  }
}

TEST(Waterfall, TwoInstalmentsEqualOneDistribution) {
  // Tiers are positioned by cumulative amounts: distributing 90 then 160 splits like 250 at once.
  const WaterfallSplit a = waterfall(fresh(), 90.0, k_carry);
  WaterfallState after = fresh();
  after.paid_lp += a.lp;
  after.paid_gp += a.gp;
  const WaterfallSplit b = waterfall(after, 160.0, k_carry);
  const WaterfallSplit once = waterfall(fresh(), 250.0, k_carry);
  EXPECT_NEAR(a.lp + b.lp, once.lp, 1e-12);
  EXPECT_NEAR(a.gp + b.gp, once.gp, 1e-12);
}

TEST(Waterfall, PreferredCompoundsOnOutstandingBalance) {
  WaterfallState s{100.0, 0.0, 0.0, 0.0};
  s.preferred = accrue_preferred(s, 0.08);
  EXPECT_NEAR(s.preferred, 8.0, 1e-12);
  s.preferred = accrue_preferred(s, 0.08);
  EXPECT_NEAR(s.preferred, 100.0 * (1.08 * 1.08 - 1.0), 1e-12);  // compounded
  // Repaid capital stops accruing: after 50 back, the base is 100 + P - 50.
  s.paid_lp = 50.0;
  const double before = s.preferred;
  EXPECT_NEAR(accrue_preferred(s, 0.08), before + 0.08 * (50.0 + before), 1e-12);
  // Fully paid back, nothing accrues.
  s.paid_lp = 200.0;
  EXPECT_DOUBLE_EQ(accrue_preferred(s, 0.08), s.preferred);
}

}  // namespace nisim::hk
