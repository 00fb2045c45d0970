// Scheme ledgers: budget = spent + committed + remaining (docs/model.md section 4.0).
#include "models/schemes/budget.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace nisim::hk {
namespace {

void expect_identity(const Budget& b) {
  EXPECT_NEAR(b.total(), b.spent() + b.committed() + b.remaining(), 1e-12 * (1.0 + b.total()));
}

}  // namespace

TEST(Budget, CommitPayReleaseKeepTheIdentity) {
  Budget b(100.0);
  expect_identity(b);
  EXPECT_DOUBLE_EQ(b.remaining(), 100.0);
  b.commit(30.0);
  expect_identity(b);
  EXPECT_DOUBLE_EQ(b.committed(), 30.0);
  EXPECT_DOUBLE_EQ(b.remaining(), 70.0);
  b.pay(10.0);
  expect_identity(b);
  EXPECT_DOUBLE_EQ(b.committed(), 20.0);
  EXPECT_DOUBLE_EQ(b.spent(), 10.0);
  EXPECT_DOUBLE_EQ(b.remaining(), 70.0);
  b.release(5.0);
  expect_identity(b);
  EXPECT_DOUBLE_EQ(b.committed(), 15.0);
  EXPECT_DOUBLE_EQ(b.spent(), 10.0);
  EXPECT_DOUBLE_EQ(b.remaining(), 75.0);
  b.spend(25.0);
  expect_identity(b);
  EXPECT_DOUBLE_EQ(b.committed(), 15.0);
  EXPECT_DOUBLE_EQ(b.spent(), 35.0);
  EXPECT_DOUBLE_EQ(b.remaining(), 50.0);
  EXPECT_DOUBLE_EQ(b.total(), 100.0);
}

TEST(Budget, CommitBeyondRemainingThrowsAndChangesNothing) {
  Budget b(10.0);
  b.commit(8.0);
  EXPECT_FALSE(b.can_commit(2.5));
  EXPECT_THROW(b.commit(2.5), std::logic_error);
  EXPECT_DOUBLE_EQ(b.committed(), 8.0);
  EXPECT_DOUBLE_EQ(b.remaining(), 2.0);
  // Exactly the remainder fits; after that nothing does, and spend() refuses too.
  EXPECT_TRUE(b.can_commit(2.0));
  b.commit(2.0);
  EXPECT_DOUBLE_EQ(b.remaining(), 0.0);
  EXPECT_THROW(b.commit(0.01), std::logic_error);
  EXPECT_THROW(b.spend(0.01), std::logic_error);
  EXPECT_DOUBLE_EQ(b.spent(), 0.0);
  expect_identity(b);
  // A budget of zero (the default) commits nothing.
  Budget none;
  EXPECT_THROW(none.commit(1.0), std::logic_error);
}

TEST(Budget, PayOrReleaseBeyondCommitmentsThrows) {
  Budget b(50.0);
  b.commit(10.0);
  EXPECT_THROW(b.pay(10.5), std::logic_error);
  EXPECT_THROW(b.release(10.5), std::logic_error);
  EXPECT_DOUBLE_EQ(b.committed(), 10.0);
  EXPECT_DOUBLE_EQ(b.spent(), 0.0);
  b.pay(4.0);
  EXPECT_THROW(b.release(6.5), std::logic_error);
  b.release(6.0);
  EXPECT_DOUBLE_EQ(b.committed(), 0.0);
  EXPECT_DOUBLE_EQ(b.spent(), 4.0);
  EXPECT_DOUBLE_EQ(b.remaining(), 46.0);
  expect_identity(b);
}

TEST(Budget, NegativeAmountsThrow) {
  Budget b(50.0);
  b.commit(10.0);
  EXPECT_THROW(b.commit(-1.0), std::logic_error);
  EXPECT_THROW(b.pay(-1.0), std::logic_error);
  EXPECT_THROW(b.release(-1.0), std::logic_error);
  EXPECT_DOUBLE_EQ(b.committed(), 10.0);
  EXPECT_DOUBLE_EQ(b.remaining(), 40.0);
}

TEST(Budget, SchemeSpendAndPayCountPaidAndNewYearKeepsTheLedger) {
  Scheme s;
  s.budget = Budget(50.0);
  s.spend(5.0);
  EXPECT_DOUBLE_EQ(s.paid, 5.0);
  EXPECT_DOUBLE_EQ(s.budget.spent(), 5.0);
  EXPECT_DOUBLE_EQ(s.budget.committed(), 0.0);
  s.budget.commit(10.0);  // a commitment alone is not a payment
  EXPECT_DOUBLE_EQ(s.paid, 5.0);
  s.pay(4.0);
  EXPECT_DOUBLE_EQ(s.paid, 9.0);
  EXPECT_DOUBLE_EQ(s.budget.spent(), 9.0);
  EXPECT_DOUBLE_EQ(s.budget.committed(), 6.0);
  expect_identity(s.budget);
  // A failed spend pays nothing.
  EXPECT_THROW(s.spend(100.0), std::logic_error);
  EXPECT_DOUBLE_EQ(s.paid, 9.0);
  s.applications = 3.0, s.approvals = 2.0, s.outcomes = 1.0;
  s.new_year();
  EXPECT_EQ(s.applications, 0.0);
  EXPECT_EQ(s.approvals, 0.0);
  EXPECT_EQ(s.paid, 0.0);
  EXPECT_EQ(s.outcomes, 0.0);
  EXPECT_DOUBLE_EQ(s.budget.spent(), 9.0);
  EXPECT_DOUBLE_EQ(s.budget.committed(), 6.0);
  EXPECT_DOUBLE_EQ(s.budget.remaining(), 35.0);
}

TEST(Budget, TermsOpenOnlyWhenEnabledAndWithinTheirYears) {
  SchemeTerms t{true, 2020, 2025, 100.0};
  EXPECT_FALSE(t.open(2019));
  EXPECT_TRUE(t.open(2020));
  EXPECT_TRUE(t.open(2025));
  EXPECT_FALSE(t.open(2026));
  t.enabled = false;
  EXPECT_FALSE(t.open(2022));
}

TEST(Budget, PaymentsAreSplitByPurposeAndAddUpToSpent) {
  // Section 7.3: each payment's manufacturing-relevant part and the rest, kept separately.
  Budget b(100.0);
  b.spend(10.0, 1.0);
  b.commit(20.0);
  b.pay(8.0, 0.25);
  b.spend(4.0);  // unclassified at the ledger level: other purposes
  EXPECT_DOUBLE_EQ(b.spent(), 22.0);
  EXPECT_DOUBLE_EQ(b.spent_mfg(), 10.0 + 2.0);
  EXPECT_DOUBLE_EQ(b.spent_other(), 6.0 + 4.0);
  EXPECT_DOUBLE_EQ(b.spent_mfg() + b.spent_other(), b.spent());
  // A share outside [0, 1] (or NaN) is refused and changes nothing.
  EXPECT_THROW(b.pay(1.0, 1.5), std::logic_error);
  EXPECT_THROW(b.pay(1.0, -0.1), std::logic_error);
  EXPECT_THROW(b.pay(1.0, std::nan("")), std::logic_error);
  EXPECT_DOUBLE_EQ(b.spent(), 22.0);
  EXPECT_DOUBLE_EQ(b.committed(), 12.0);
  EXPECT_DOUBLE_EQ(b.spent_mfg(), 12.0);
}

TEST(Budget, SchemeCountsPaidByPurposeWithItsDefaultShare) {
  Scheme s;
  s.budget = Budget(100.0);
  s.mfg_share = 0.4;  // the scheme's default purpose
  s.spend(10.0);      // classified by the default
  s.spend(5.0, 0.0);  // classified one by one
  s.budget.commit(10.0);
  s.pay(10.0, 1.0);
  EXPECT_DOUBLE_EQ(s.paid, 25.0);
  EXPECT_DOUBLE_EQ(s.paid_mfg, 4.0 + 10.0);
  EXPECT_DOUBLE_EQ(s.paid_other, 6.0 + 5.0);
  EXPECT_DOUBLE_EQ(s.budget.spent_mfg(), 14.0);
  s.new_year();
  EXPECT_EQ(s.paid_mfg, 0.0);
  EXPECT_EQ(s.paid_other, 0.0);
  EXPECT_DOUBLE_EQ(s.budget.spent_mfg(), 14.0);  // the ledger carries over
}

TEST(Budget, RenewalRaisesTheTotalAndNothingElse) {
  Budget b(10.0);
  b.spend(10.0);
  EXPECT_FALSE(b.can_commit(1.0));
  b.renew(6.0);
  EXPECT_DOUBLE_EQ(b.total(), 16.0);
  EXPECT_DOUBLE_EQ(b.spent(), 10.0);
  EXPECT_DOUBLE_EQ(b.remaining(), 6.0);
  expect_identity(b);
  EXPECT_THROW(b.renew(-1.0), std::logic_error);
  EXPECT_DOUBLE_EQ(b.total(), 16.0);
}

}  // namespace nisim::hk
