// Start-up births and schemes: TSSSU, RAISe+, the accelerator scheme and InnoHK
// (docs/model.md sections 5.2, 5.6-5.9).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "engine/table.hpp"
#include "models/startups/startups.hpp"
#include "tests/models/startups/startup_test_support.hpp"

namespace nisim::hk {
namespace {

constexpr int k_base = 2016;
constexpr int k_last = 2032;

std::size_t at(int year) {
  return static_cast<std::size_t>(year - k_base);
}
double births(const StartupHistory& h, int year, Origin o) {
  return h.births_by_origin[at(year) * k_origins + static_cast<int>(o)];
}
double scheme(const std::vector<double>& v, int year, int s) {
  return v[at(year) * k_startup_schemes + s];
}

TEST(StartupBirths, EachOriginRespondsToItsSchemeSwitch) {
  const StartupParams on;
  StartupSystem a;
  const StartupHistory ha = test::simulate(a, on, 5, k_base, k_last);
  for (const auto& [origin, terms] : {std::pair{Origin::tsssu, &StartupParams::tsssu},
                                      std::pair{Origin::raise_plus, &StartupParams::raise_plus},
                                      std::pair{Origin::innohk, &StartupParams::innohk}}) {
    StartupParams off = on;
    (off.*terms).enabled = false;
    StartupSystem b;
    const StartupHistory hb = test::simulate(b, off, 5, k_base, k_last);
    double with = 0.0;
    for (int y = k_base + 1; y <= k_last; ++y) {
      with += births(ha, y, origin);
      EXPECT_EQ(births(hb, y, origin), 0.0) << k_origin_names[static_cast<int>(origin)] << y;
      // Births of other founders are keyed by origin and birth number: unchanged.
      EXPECT_EQ(births(hb, y, Origin::other), births(ha, y, Origin::other));
    }
    EXPECT_GT(with, 20.0) << k_origin_names[static_cast<int>(origin)];
    // Scheme columns: tsssu 0, raise_plus 1, accelerator 2, innohk 3.
    const int col = origin == Origin::tsssu ? 0 : origin == Origin::raise_plus ? 1 : 3;
    EXPECT_EQ(scheme(hb.scheme_spent, k_last, col), 0.0);
    EXPECT_GT(scheme(ha.scheme_spent, k_last, col), 0.0);
  }
  // InnoHK spin-offs start with the first researchers (2020).
  for (int y = k_base + 1; y < 2020; ++y) EXPECT_EQ(births(ha, y, Origin::innohk), 0.0);
  EXPECT_GT(ha.innohk_researchers[at(2023)], 0.0);
}

TEST(StartupSchemes, SpendNeverExceedsBudgetAndLedgerBalances) {
  StartupParams p;
  p.tsssu.budget = 60.0;  // about 16 approvals at HK$ 3.6 M committed each
  p.raise_plus.budget = 120.0;
  p.accelerator.budget = 70.0;  // two accelerators at HK$ 30 M
  p.innohk.budget = 2000.0;
  StartupSystem sys;
  const Rng rng(17);
  initialise_startups(sys, p, k_base, rng);
  StartupHistory h;
  record_startups(sys, k_base, h);
  std::vector<double> paid(k_startup_schemes, 0.0);
  for (int year = k_base + 1; year <= k_last; ++year) {
    test::run_startups(sys, p, rng, year, year, h);
    const Scheme* schemes[] = {&sys.tsssu, &sys.raise_plus, &sys.accelerator, &sys.innohk};
    for (int s = 0; s < k_startup_schemes; ++s) {
      const Budget& b = schemes[s]->budget;
      paid[s] += schemes[s]->paid;
      EXPECT_LE(b.spent() + b.committed(), b.total() + 1e-9) << k_startup_scheme_names[s] << year;
      EXPECT_GE(b.remaining(), -1e-9);
      EXPECT_NEAR(b.spent() + b.committed() + b.remaining(), b.total(), 1e-9);
      EXPECT_NEAR(paid[s], b.spent(), 1e-9) << k_startup_scheme_names[s] << year;
    }
    // The TSSSU ledger's commitments are exactly the unpaid grants of living start-ups.
    double pending = 0.0;
    for (double g : sys.table.grant_pending) pending += g;
    EXPECT_NEAR(sys.tsssu.budget.committed(), pending, 1e-9) << year;
  }
  // The budget binds: unconstrained, about 45 a year would be funded (some 700 by 2032). A few
  // more than 60 / 3.6 are funded because start-ups that exit return their unpaid grants.
  EXPECT_LT(sys.tsssu_funded_total - p.tsssu_funded_to_base, 40.0);
  EXPECT_GT(sys.tsssu_funded_total - p.tsssu_funded_to_base, 60.0 / (3 * 1.5) - 1.0);
  EXPECT_GT(sys.tsssu.budget.spent(), 0.5 * 60.0);
  EXPECT_LE(sys.raise_plus_funded_total, 12.0);
  EXPECT_EQ(sys.accelerators.size(), 2u);
  EXPECT_NEAR(sys.accelerator.budget.spent(), 60.0, 1e-9);  // both fully paid by 2032
  EXPECT_NEAR(sys.innohk.budget.spent(), 2000.0, 1e-6);     // exhausted
  EXPECT_EQ(sys.innohk_researchers, 0.0);                   // so no researchers are paid
}

TEST(StartupRaisePlus, FundsNothingBeforeItsApprovalLag) {
  for (const std::int64_t lag : {1, 2}) {
    StartupParams p;
    p.raise_plus_lag = lag;
    StartupSystem sys;
    const StartupHistory h = test::simulate(sys, p, 3, k_base, k_last);
    const int first = static_cast<int>(p.raise_plus.start + lag);
    for (int y = k_base + 1; y < first; ++y) {
      EXPECT_EQ(births(h, y, Origin::raise_plus), 0.0) << y;
      EXPECT_EQ(scheme(h.scheme_approvals, y, 1), 0.0) << y;
      EXPECT_EQ(scheme(h.scheme_paid, y, 1), 0.0) << y;
    }
    EXPECT_GT(scheme(h.scheme_applications, static_cast<int>(p.raise_plus.start), 1), 0.0);
    EXPECT_GT(births(h, first, Origin::raise_plus), 0.0) << "lag " << lag;
    EXPECT_EQ(births(h, first, Origin::raise_plus), scheme(h.scheme_approvals, first, 1));
    // About 30% of applications are funded.
    double apps = 0.0, approved = 0.0;
    for (int y = static_cast<int>(p.raise_plus.start); y + lag <= k_last; ++y) {
      apps += scheme(h.scheme_applications, y, 1);
      approved += scheme(h.scheme_approvals, static_cast<int>(y + lag), 1);
    }
    EXPECT_NEAR(approved / apps, p.raise_plus_success, 0.06);
  }
}

TEST(StartupRaisePlus, ProjectsStartAtSeedHoldingTheirGrant) {
  StartupParams p;
  StartupSystem sys;
  const Rng rng(4);
  initialise_startups(sys, p, k_base, rng);
  for (int y = k_base + 1; y <= 2024; ++y) startup_births(sys, y, p, rng);
  double grants = 0.0;
  int n = 0;
  for (std::size_t i = 0; i < rows(sys.table); ++i) {
    if (sys.table.origin[i] != static_cast<std::uint8_t>(Origin::raise_plus)) continue;
    ++n;
    EXPECT_EQ(sys.table.stage[i], static_cast<std::uint8_t>(Stage::seed));
    EXPECT_GE(sys.table.grant_received[i], p.raise_plus_grant_min);
    EXPECT_LE(sys.table.grant_received[i], p.raise_plus_grant_max);
    grants += sys.table.grant_received[i];
  }
  EXPECT_GT(n, 0);
  EXPECT_NEAR(grants, sys.raise_plus.budget.spent(), 1e-9);
}

TEST(StartupAccelerator, LowersFailureOfAcceleratedStartups) {
  StartupParams p;
  for (auto& s : p.stage) s.acquisition = s.listing = 0.0;
  StartupSystem sys;
  p.base_count = 40000;
  initialise_startups(sys, p, k_base, Rng(1));
  for (std::size_t i = 0; i < rows(sys.table); ++i) {
    sys.table.stage[i] = 0;
    sys.table.accelerated_until[i] = i % 2 == 0 ? 2017 : 0;
  }
  const std::vector<std::int32_t> acc = sys.table.accelerated_until;
  const std::vector<std::uint64_t> ids = sys.table.id;
  std::vector<StartupExit> ex;
  startup_outcomes(sys, 2017, p, Rng(1), ex);
  std::vector<char> gone(ids.size() + 1, 0);
  for (const auto& e : ex) gone[e.startup_id - 1] = 1;  // ids are 1..n here
  double fail[2] = {0, 0}, n[2] = {0, 0};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const int a = acc[i] >= 2017;
    n[a] += 1;
    fail[a] += gone[i];
  }
  const double h = p.stage[0].failure;
  EXPECT_NEAR(fail[0] / n[0], h, 0.01);
  EXPECT_NEAR(fail[1] / n[1], p.accelerator_hazard_factor * h, 0.01);
  EXPECT_LT(fail[1] / n[1], fail[0] / n[0] - 0.02);
}

TEST(StartupAccelerator, FundsSixAcceleratorsWhoAdmitCohorts) {
  StartupParams p;
  StartupSystem sys;
  const StartupHistory h = test::simulate(sys, p, 12, k_base, k_last);
  const int launch = static_cast<int>(p.accelerator.start);
  for (int y = k_base + 1; y < launch; ++y) EXPECT_EQ(h.accelerator_admissions[at(y)], 0.0);
  EXPECT_EQ(scheme(h.scheme_approvals, launch, 2), 6.0);  // HK$ 180 M / HK$ 30 M
  const double cohort = 6.0 * static_cast<double>(p.accelerator_cohort);
  for (int y = launch; y < launch + p.accelerator_funded_years; ++y) {
    EXPECT_EQ(h.accelerator_admissions[at(y)], cohort) << y;
  }
  EXPECT_EQ(h.accelerator_admissions[at(launch + static_cast<int>(p.accelerator_funded_years))],
            0.0);
  EXPECT_NEAR(sys.accelerator.budget.spent(), 180.0, 1e-9);
}

TEST(StartupTsssu, KpiAndLowerHazardWhileFunded) {
  StartupParams p;
  StartupSystem sys;
  const StartupHistory h = test::simulate(sys, p, 2, k_base, k_last);
  for (std::size_t t = 1; t < h.years(); ++t) {
    EXPECT_EQ(h.tsssu_funded_total[t] - h.tsssu_funded_total[t - 1],
              h.births_by_origin[t * k_origins + static_cast<int>(Origin::tsssu)]);
  }
  // Switching the factor to 1 raises TSSSU exits in the funded years.
  StartupParams q = p;
  q.tsssu_hazard_factor = 1.0;
  StartupSystem sys_q;
  test::simulate(sys_q, q, 2, k_base, k_last);
  double alive_p = 0.0, alive_q = 0.0;
  for (auto o : sys.table.origin) alive_p += o == static_cast<std::uint8_t>(Origin::tsssu);
  for (auto o : sys_q.table.origin) alive_q += o == static_cast<std::uint8_t>(Origin::tsssu);
  EXPECT_GT(alive_p, alive_q);
}

}  // namespace
}  // namespace nisim::hk
