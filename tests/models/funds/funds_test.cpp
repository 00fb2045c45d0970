// Launching funds, clearing rounds, exits and the year's accounts (docs/model.md section 6).
#include "models/funds/funds.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "engine/table.hpp"

namespace nisim::hk {
namespace {

/// No programme, no private vintage: tests switch on what they need.
FundParams quiet() {
  FundParams p;
  p.private_commitments = {};
  p.itvf.enabled = p.itvf_funds.enabled = p.iof.enabled = false;
  return p;
}

/// One private fund of `size` launched in `year` (eq. 6.2a with C_t = S).
FundParams one_private(int year, double size) {
  FundParams p = quiet();
  p.private_commitments = {{year, year + 1}, {size, 0.0}};  // that year only
  p.private_fund_size = size;
  return p;
}

RoundRequest request(std::uint64_t id, Stage st, double amount, double pre, bool hk = true,
                     Field field = Field::hardware) {
  return {id, st, field, hk, amount, pre};
}

const Rng k_rng(42);

}  // namespace

TEST(FundLaunch, PrivateVintagesAddUpToCommitments) {
  FundParams p = quiet();
  p.private_commitments = {{2020}, {1000.0}};
  p.private_fund_size = 300.0;
  FundSystem s = make_fund_system(p);
  launch_funds(s, 2020, p, k_rng);
  ASSERT_EQ(rows(s.funds), 3u);  // round(1000 / 300) = 3 funds
  double total = 0.0;
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(s.funds.kind[i], static_cast<std::uint8_t>(FundKind::private_vc));
    EXPECT_DOUBLE_EQ(s.funds.committed_gov[i], 0.0);
    EXPECT_NEAR(s.funds.committed_gp[i], 0.01 * s.funds.committed(i), 1e-12);
    total += s.funds.committed(i);
  }
  EXPECT_NEAR(total, 1000.0, 1e-9);
}

TEST(FundLaunch, ItvfGovernmentIsPrivateOverThreeClampedAndWithinBudget) {
  FundParams p = quiet();
  p.itvf_funds.enabled = true;
  p.itvf_selections = 6;  // more demand than the HK$ 1,500 M allocation can meet
  p.itvf_raise_prob = 1.0;
  p.itvf_private_sigma = 0.8;  // wide spread: some funds hit each bound
  FundSystem s = make_fund_system(p);
  bool low = false, high = false, inside = false;
  for (int year = p.itvf_funds.start; year <= p.itvf_funds.end; ++year) {
    launch_funds(s, year, p, k_rng);
    EXPECT_LE(s.itvf_funds_committed, p.itvf_funds.budget + 1e-9);
    EXPECT_LE(s.itvf.budget.committed() + s.itvf.budget.spent(), s.itvf.budget.total() + 1e-9);
  }
  double sum = 0.0;
  const FundTable& f = s.funds;
  for (std::size_t i = 0; i < rows(f); ++i) {
    ASSERT_EQ(f.kind[i], static_cast<std::uint8_t>(FundKind::itvf_fund));
    const double priv = f.committed_lp[i] + f.committed_gp[i];
    EXPECT_GE(priv, p.itvf_private_min);
    const double want = std::clamp(priv / 3.0, 150.0, 250.0);
    const double room = p.itvf_funds.budget - sum;
    EXPECT_NEAR(f.committed_gov[i], std::min(want, room), 1e-9);
    EXPECT_GE(f.committed(i), 600.0 - 1e-9);                     // fund size at least 600
    EXPECT_GE(f.committed_gp[i], 0.02 * f.committed(i) - 1e-9);  // GP at least 2%
    low = low || want == 150.0;
    high = high || want == 250.0;
    inside = inside || (want > 150.0 && want < 250.0);
    sum += f.committed_gov[i];
  }
  EXPECT_TRUE(low && high && inside);
  EXPECT_NEAR(sum, s.itvf_funds_committed, 1e-9);
  EXPECT_GT(sum, p.itvf_funds.budget - p.itvf_gov_min);  // the allocation was used up
}

TEST(FundLaunch, NoGovernmentMoneyWhenPrivateRaisingFails) {
  FundParams p = quiet();
  p.itvf_funds.enabled = true;
  p.itvf_raise_prob = 0.0;
  FundSystem s = make_fund_system(p);
  launch_funds(s, 2025, p, k_rng);
  EXPECT_EQ(rows(s.funds), 0u);
  EXPECT_DOUBLE_EQ(s.itvf.budget.committed(), 0.0);
  EXPECT_DOUBLE_EQ(s.itvf.budget.spent(), 0.0);
  EXPECT_DOUBLE_EQ(s.itvf.applications, static_cast<double>(p.itvf_selections));
  EXPECT_DOUBLE_EQ(s.itvf.approvals, 0.0);
}

TEST(FundLaunch, IofSubfundsLeverageGovernmentMoneyAndStopAtTheBudget) {
  FundParams p = quiet();
  p.iof.enabled = true;
  FundSystem s = make_fund_system(p);
  for (int year = p.iof.start; year <= p.iof.end + 3; ++year) launch_funds(s, year, p, k_rng);
  double gov = 0.0;
  for (std::size_t i = 0; i < rows(s.funds); ++i) {
    EXPECT_NEAR(s.funds.committed_gov[i] / s.funds.committed(i), p.iof_gov_share, 1e-12);
    gov += s.funds.committed_gov[i];
  }
  EXPECT_NEAR(gov, p.iof.budget, 1e-6);  // 20 sub-funds of 500 use the HK$ 10 bn exactly
  EXPECT_EQ(rows(s.funds), 20u);
  EXPECT_NEAR(s.iof.budget.committed(), p.iof.budget, 1e-6);
}

TEST(FundRounds, LeadTakesItsShareAndOutsideInvestorsTheRest) {
  const FundParams p = one_private(2020, 400.0);
  FundSystem s = make_fund_system(p);
  launch_funds(s, 2020, p, k_rng);
  const RoundRequest r[] = {request(7, Stage::series_a, 20.0, 60.0)};
  std::vector<RoundOutcome> out;
  clear_rounds(s, r, out, 2020, p, k_rng);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].funded);
  EXPECT_EQ(out[0].lead_fund, 0);
  EXPECT_DOUBLE_EQ(out[0].from_funds, 10.0);
  EXPECT_DOUBLE_EQ(out[0].from_outside, 10.0);
  ASSERT_EQ(rows(s.holdings), 1u);
  EXPECT_DOUBLE_EQ(s.holdings.ownership[0], 10.0 / 80.0);
  EXPECT_DOUBLE_EQ(s.funds.called[0], 10.0);
  EXPECT_DOUBLE_EQ(s.funds.invested[0], 10.0);
  EXPECT_DOUBLE_EQ(s.funds.cash[0], 0.0);
  // Calls are pro rata to commitments: the GP's 1% pays 1% of it.
  EXPECT_NEAR(s.funds.committed_gp[0] / s.funds.committed(0), 0.01, 1e-12);
}

TEST(FundRounds, LaterRoundMarksUpAndDilutesExistingHolders) {
  FundParams p = one_private(2020, 400.0);
  p.lead_share = 0.25;
  FundSystem s = make_fund_system(p);
  launch_funds(s, 2020, p, k_rng);
  std::vector<RoundOutcome> out;
  const RoundRequest a[] = {request(7, Stage::seed, 4.0, 12.0)};
  clear_rounds(s, a, out, 2020, p, k_rng);
  const double own = 1.0 / 16.0;  // 1 of a post-money of 16
  ASSERT_DOUBLE_EQ(s.holdings.ownership[0], own);
  // Series A at pre-money 48 (a 3x step-up), 16 raised; the same fund leads again (4 more).
  const RoundRequest b[] = {request(7, Stage::series_a, 16.0, 48.0)};
  clear_rounds(s, b, out, 2020, p, k_rng);
  ASSERT_EQ(rows(s.holdings), 1u);
  EXPECT_NEAR(s.holdings.ownership[0], own * 48.0 / 64.0 + 4.0 / 64.0, 1e-15);
  EXPECT_NEAR(s.holdings.nav[0], own * 48.0 + 4.0, 1e-12);  // marked to the new price
  EXPECT_NEAR(s.funds.nav[0], s.holdings.nav[0], 1e-12);
  EXPECT_DOUBLE_EQ(s.funds.cost_held[0], 5.0);
}

TEST(FundRounds, OutsideInvestorsFundAtTheStageProbabilityWhenNoFundCan) {
  FundParams p = quiet();
  p.outside_prob = {0.0, 0.0, 0.4, 1.0, 0.0};
  FundSystem s = make_fund_system(p);
  launch_funds(s, 2020, p, k_rng);
  std::vector<RoundRequest> r;
  for (std::uint64_t id = 1; id <= 6000; ++id) {
    r.push_back(request(id, static_cast<Stage>(1 + id % 3), 10.0, 30.0));
  }
  std::vector<RoundOutcome> out;
  clear_rounds(s, r, out, 2020, p, k_rng);
  double funded[k_stages] = {}, asked[k_stages] = {};
  for (std::size_t q = 0; q < r.size(); ++q) {
    asked[static_cast<int>(r[q].stage)] += 1.0;
    funded[static_cast<int>(r[q].stage)] += out[q].funded ? 1.0 : 0.0;
    if (out[q].funded) {
      EXPECT_DOUBLE_EQ(out[q].from_outside, 10.0);
      EXPECT_EQ(out[q].lead_fund, -1);
    }
  }
  EXPECT_EQ(funded[1], 0.0);
  EXPECT_EQ(funded[3], asked[3]);
  EXPECT_NEAR(funded[2] / asked[2], 0.4, 0.04);  // 2,000 draws: 4.5 standard errors
}

TEST(FundRounds, LeadIsDrawnInProportionToDryPowder) {
  FundParams p = quiet();
  p.private_commitments = {{2020}, {400.0}};
  p.private_fund_size = 100.0;  // four funds of 100
  FundSystem s = make_fund_system(p);
  launch_funds(s, 2020, p, k_rng);
  p.private_commitments = {{2021}, {300.0}};
  p.private_fund_size = 300.0;  // one fund of 300
  launch_funds(s, 2021, p, k_rng);
  std::vector<RoundRequest> r;
  for (std::uint64_t id = 1; id <= 4000; ++id) r.push_back(request(id, Stage::seed, 0.01, 0.03));
  std::vector<RoundOutcome> out;
  clear_rounds(s, r, out, 2021, p, k_rng);
  double big = 0.0;
  for (const RoundOutcome& o : out) big += o.lead_fund == 4 ? 1.0 : 0.0;
  // Dry powder (eq. 6.3a): investable 80% of size (10 years of 2% fees reserved), paced over
  // the 5-year period: the new fund has 1/5 of 240 = 48, each 2020 fund 2/5 of 80 = 32.
  EXPECT_NEAR(big / 4000.0, 48.0 / (48.0 + 4 * 32.0), 0.035);
}

TEST(FundRounds, ItvfFundsInvestSeedToSeriesBAndAtLeastHalfInHongKong) {
  FundParams p = quiet();
  p.itvf_funds.enabled = true;
  p.itvf_raise_prob = 1.0;
  p.itvf_selections = 1;
  FundSystem s = make_fund_system(p);
  launch_funds(s, 2024, p, k_rng);
  ASSERT_EQ(rows(s.funds), 1u);
  std::vector<RoundRequest> r;
  for (std::uint64_t id = 1; id <= 400; ++id) {
    // Every other non-HK, first ones non-HK; all four stages.
    r.push_back(request(id, static_cast<Stage>(1 + id % 4), 2.0, 6.0, id % 2 == 0 && id > 1));
  }
  std::vector<RoundOutcome> out;
  clear_rounds(s, r, out, 2024, p, k_rng);
  double non_hk = 0.0, hk = 0.0;
  for (std::size_t q = 0; q < r.size(); ++q) {
    if (out[q].lead_fund != 0) continue;
    EXPECT_NE(r[q].stage, Stage::growth);
    (r[q].hong_kong ? hk : non_hk) += out[q].from_funds;
  }
  EXPECT_GT(non_hk, 0.0);  // the rule limits non-HK deals; it does not forbid them
  EXPECT_GE(hk, 0.5 * (hk + non_hk));
  EXPECT_NEAR(s.funds.invested_hk[0], hk, 1e-9);
  EXPECT_EQ(out[0].lead_fund, -1);  // the first request was non-HK with nothing invested yet
}

TEST(FundRounds, IofSubfundsInvestOnlyInHardTech) {
  FundParams p = quiet();
  p.iof.enabled = true;
  p.iof_funds_per_year = 1;
  FundSystem s = make_fund_system(p);
  launch_funds(s, 2026, p, k_rng);
  std::vector<RoundRequest> r;
  for (std::uint64_t id = 1; id <= 200; ++id) {
    r.push_back(request(id, static_cast<Stage>(1 + id % 4), 1.0, 3.0, true,
                        static_cast<Field>(id % k_fields)));
  }
  std::vector<RoundOutcome> out;
  clear_rounds(s, r, out, 2026, p, k_rng);
  int led = 0;
  for (std::size_t q = 0; q < r.size(); ++q) {
    EXPECT_EQ(out[q].lead_fund == 0, hard_tech(r[q].field)) << q;
    led += out[q].lead_fund == 0;
  }
  EXPECT_EQ(led, 160);  // every hard-tech round, all stages
}

TEST(FundRounds, OldTermsItvfCoinvestsOneForTwoUntilTheBudgetIsSpent) {
  FundParams p = quiet();
  p.itvf.enabled = true;
  p.itvf.budget = 50.0;
  p.itvf_coinvest_prob = 1.0;
  p.outside_prob = {0.0, 1.0, 1.0, 1.0, 1.0};
  FundSystem s = make_fund_system(p);
  launch_funds(s, 2018, p, k_rng);
  std::vector<RoundRequest> r;
  for (std::uint64_t id = 1; id <= 80; ++id) {  // about 48 eligible: 96 wanted, 50 to give
    r.push_back(request(id, static_cast<Stage>(1 + id % 4), 20.0, 60.0, id % 5 != 0));
  }
  std::vector<RoundOutcome> out;
  clear_rounds(s, r, out, 2018, p, k_rng);
  double gov = 0.0, attracted = 0.0;
  for (std::size_t q = 0; q < r.size(); ++q) {
    if (out[q].from_funds == 0.0) continue;
    EXPECT_TRUE(r[q].hong_kong);
    EXPECT_NE(r[q].stage, Stage::growth);
    EXPECT_LE(out[q].from_funds, 0.5 * 0.2 * 20.0 + 1e-12);  // 1 : 2 with a 20% partner
    gov += out[q].from_funds;
    attracted += r[q].amount - out[q].from_funds;
  }
  EXPECT_NEAR(gov, 50.0, 1e-9);  // the whole budget, and not a cent more
  EXPECT_NEAR(s.itvf.budget.spent(), 50.0, 1e-9);
  EXPECT_NEAR(s.itvf_private_attracted, attracted, 1e-9);
  EXPECT_NEAR(s.funds.invested[static_cast<std::size_t>(s.coinvest_row)], 50.0, 1e-9);
}

TEST(FundExits, ProceedsAreOwnershipTimesEquityAndFailuresAreWrittenOff) {
  const FundParams p = one_private(2020, 400.0);
  FundSystem s = make_fund_system(p);
  launch_funds(s, 2020, p, k_rng);
  const RoundRequest r[] = {request(1, Stage::seed, 4.0, 12.0), request(2, Stage::seed, 4.0, 12.0)};
  std::vector<RoundOutcome> out;
  clear_rounds(s, r, out, 2020, p, k_rng);
  const StartupExit x[] = {{1, StartupExit::Kind::acquisition, 400.0},
                           {2, StartupExit::Kind::failure, 0.0}};
  realise_exits(s, x, 2020);
  EXPECT_EQ(rows(s.holdings), 0u);
  EXPECT_DOUBLE_EQ(s.funds.proceeds[0], 400.0 * 2.0 / 16.0);
  EXPECT_DOUBLE_EQ(s.funds.cash[0], 50.0);
  EXPECT_DOUBLE_EQ(s.funds.written_off[0], 2.0);
  EXPECT_DOUBLE_EQ(s.funds.nav[0], 0.0);
}

TEST(FundClose, FeesOnCommitmentsThenNetInvestedAndWindUpAtDiscount) {
  FundParams p = one_private(2020, 400.0);
  FundSystem s = make_fund_system(p);
  launch_funds(s, 2020, p, k_rng);
  const RoundRequest r[] = {request(1, Stage::seed, 40.0, 120.0)};
  std::vector<RoundOutcome> out;
  clear_rounds(s, r, out, 2020, p, k_rng);
  close_year(s, 2020, p);
  EXPECT_NEAR(s.funds.fees_paid[0], 0.02 * 400.0, 1e-12);  // on committed capital
  EXPECT_EQ(s.funds.status[0], static_cast<std::uint8_t>(FundStatus::investing));
  for (int y = 2021; y <= 2028; ++y) {
    launch_funds(s, y, p, k_rng);
    close_year(s, y, p);
  }
  // 5 years on committed, 4 after on the net invested capital (20 still held).
  EXPECT_NEAR(s.funds.fees_paid[0], 5 * 8.0 + 4 * 0.02 * 20.0, 1e-9);
  EXPECT_EQ(s.funds.status[0], static_cast<std::uint8_t>(FundStatus::harvesting));
  launch_funds(s, 2029, p, k_rng);
  close_year(s, 2029, p);  // the tenth year: wound up
  EXPECT_EQ(s.funds.status[0], static_cast<std::uint8_t>(FundStatus::closed));
  EXPECT_EQ(rows(s.holdings), 0u);
  EXPECT_NEAR(s.funds.proceeds[0], 20.0 * (1.0 - p.windup_discount), 1e-12);
  EXPECT_NEAR(s.funds.distributed_year[0], 14.0, 1e-12);
  EXPECT_DOUBLE_EQ(s.funds.carry_paid[0], 0.0);  // a loss: no carry
  EXPECT_DOUBLE_EQ(s.funds.cash[0], 0.0);
}

TEST(FundClose, UncalledGovernmentCommitmentLapsesAtWindUp) {
  FundParams p = quiet();
  p.iof.enabled = true;
  p.iof_funds_per_year = 1;
  FundSystem s = make_fund_system(p);
  launch_funds(s, 2026, p, k_rng);
  p.iof.enabled = false;  // only the one sub-fund
  for (int y = 2026; y <= 2035; ++y) {
    if (y > 2026) launch_funds(s, y, p, k_rng);
    close_year(s, y, p);
    const double gov_called = s.funds.called[0] * p.iof_gov_share;
    EXPECT_NEAR(s.iof.budget.spent(), gov_called, 1e-9);
    if (y < 2035) {
      EXPECT_NEAR(s.iof.budget.committed(), 500.0 - gov_called, 1e-9);
    }
  }
  EXPECT_EQ(s.funds.status[0], static_cast<std::uint8_t>(FundStatus::closed));
  EXPECT_NEAR(s.iof.budget.committed(), 0.0, 1e-9);  // the uncalled rest went back
  EXPECT_NEAR(s.iof.budget.remaining(), 10000.0 - s.iof.budget.spent(), 1e-9);
}

}  // namespace nisim::hk
