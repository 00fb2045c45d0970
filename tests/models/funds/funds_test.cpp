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

/// The enhanced ITVF selecting one fund a year, which always raises its money (6.5).
FundParams one_itvf_fund() {
  FundParams p = quiet();
  p.itvf_funds.enabled = true;
  p.itvf_raise_prob = 1.0;
  p.itvf_selections = 1;
  return p;
}

/// The IOF launching one sub-fund a year (6.6).
FundParams one_iof_subfund() {
  FundParams p = quiet();
  p.iof.enabled = true;
  p.iof_funds_per_year = 1;
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
  FundParams p = one_itvf_fund();
  FundSystem s = make_fund_system(p);
  launch_funds(s, 2024, p, k_rng);
  ASSERT_EQ(rows(s.funds), 1u);
  std::vector<RoundRequest> r;
  for (std::uint64_t id = 1; id <= 400; ++id) {
    // Every other non-HK, first ones non-HK; all four stages; a strategic industry (6.5).
    r.push_back(request(id, static_cast<Stage>(1 + id % 4), 2.0, 6.0, id % 2 == 0 && id > 1,
                        Field::ai_data));
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

TEST(FundRounds, ItvfFundsNeverFundStartupsOutsideTheStrategicIndustries) {
  FundParams p = one_itvf_fund();
  p.outside_prob = {0.0, 0.0, 0.0, 0.0, 0.0};  // a round no fund leads stays unfunded
  FundSystem s = make_fund_system(p);
  launch_funds(s, 2024, p, k_rng);
  ASSERT_EQ(rows(s.funds), 1u);
  std::vector<RoundRequest> r;
  for (std::uint64_t id = 1; id <= 300; ++id) {  // every field, seed to Series B
    r.push_back(request(id, static_cast<Stage>(1 + id % 3), 1.0, 3.0, true,
                        static_cast<Field>(id % k_fields)));
  }
  std::vector<RoundOutcome> out;
  clear_rounds(s, r, out, 2024, p, k_rng);
  int strategic_led = 0;
  for (std::size_t q = 0; q < r.size(); ++q) {
    // Software and hardware start-ups are never funded by the ITVF fund; every strategic one
    // is (the fund has powder for all 180 of them).
    EXPECT_EQ(out[q].lead_fund == 0, strategic(r[q].field)) << q;
    EXPECT_EQ(out[q].funded, strategic(r[q].field)) << q;
    strategic_led += out[q].lead_fund == 0;
  }
  EXPECT_EQ(strategic_led, 180);
  EXPECT_FALSE(strategic(Field::software_services));
  EXPECT_FALSE(strategic(Field::hardware));
}

TEST(FundRounds, IofSubfundsInvestOnlyInHardTech) {
  FundParams p = one_iof_subfund();
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

TEST(FundRounds, GovernmentMoneyIsManufacturingRelevantByTheStartupsField) {
  // Section 7.3: old-terms co-investments in software start-ups are "other"; in hardware and
  // the strategic industries they are manufacturing-relevant. Capital calls of an IOF sub-fund
  // (hard tech only) and their fees are manufacturing-relevant.
  FundParams p = quiet();
  p.itvf.enabled = true;
  p.itvf.end = 2030;  // old terms still open in 2026
  p.itvf_coinvest_prob = 1.0;
  p.outside_prob = {0.0, 1.0, 1.0, 1.0, 1.0};
  p.iof.enabled = true;
  p.iof_funds_per_year = 1;
  FundSystem s = make_fund_system(p);
  launch_funds(s, 2026, p, k_rng);  // one sub-fund and the co-investment vehicle
  std::vector<RoundRequest> r;
  for (std::uint64_t id = 1; id <= 50; ++id) {
    r.push_back(request(id, Stage::seed, 2.0, 6.0, true, static_cast<Field>(id % k_fields)));
  }
  std::vector<RoundOutcome> out;
  clear_rounds(s, r, out, 2026, p, k_rng);
  double co_mfg = 0.0, co_other = 0.0;
  const auto v = static_cast<std::size_t>(s.coinvest_row);
  const double gov_share = p.iof_gov_share;
  double iof_called = 0.0;
  for (std::size_t i = 0; i < rows(s.funds); ++i) {
    if (static_cast<FundKind>(s.funds.kind[i]) == FundKind::iof_subfund) {
      iof_called += s.funds.called[i];
    }
  }
  ASSERT_GT(iof_called, 0.0);
  for (std::size_t q = 0; q < r.size(); ++q) {
    // from_funds = the lead fund's take (if a modelled fund led) + the co-investment.
    const bool fund_led = out[q].lead_fund >= 0 && out[q].lead_fund != s.coinvest_row;
    const double gov = out[q].from_funds - (fund_led ? p.lead_share * r[q].amount : 0.0);
    (hard_tech(r[q].field) ? co_mfg : co_other) += gov;
  }
  ASSERT_GT(co_other, 0.0);
  ASSERT_GT(co_mfg, 0.0);
  EXPECT_NEAR(s.itvf.paid_other, co_other, 1e-9);
  EXPECT_NEAR(s.itvf.paid_mfg, co_mfg, 1e-9);
  EXPECT_NEAR(s.funds.invested_mfg[v], co_mfg, 1e-9);
  EXPECT_NEAR(s.iof.paid_mfg, gov_share * iof_called, 1e-9);
  EXPECT_DOUBLE_EQ(s.iof.paid_other, 0.0);
  close_year(s, 2026, p);  // fees: the sub-funds hold hard tech only
  EXPECT_GT(s.year.fees, 0.0);
  EXPECT_DOUBLE_EQ(s.iof.budget.spent_other(), 0.0);
  EXPECT_NEAR(s.iof.budget.spent_mfg(), s.iof.budget.spent(), 1e-9);
}

TEST(FundRounds, IofSubfundsPutTheirChainShareIntoChainLeadingEnterprises) {
  // Eq. 6.6b: a sub-fund of HK$ 2,000 M (investable 80% after the fee reserve, paced over 5
  // years) keeps 20% of it for chain-leading enterprises, once there are any.
  FundParams p = one_iof_subfund();
  FundSystem s = make_fund_system(p);
  launch_funds(s, 2026, p, k_rng);
  p.iof.enabled = false;
  ASSERT_EQ(rows(s.funds), 1u);
  const double paced = 2000.0 * 0.8 / 5.0;  // 320 a year
  invest_chain_leading(s, 2026, 0.0, p);    // no strategic enterprise in Hong Kong yet
  EXPECT_DOUBLE_EQ(s.funds.chain_invested[0], 0.0);
  // Start-ups get the other 80% of the paced capital: rounds beyond it find no fund.
  std::vector<RoundRequest> r;
  for (std::uint64_t id = 1; id <= 200; ++id) r.push_back(request(id, Stage::seed, 4.0, 12.0));
  std::vector<RoundOutcome> out;
  clear_rounds(s, r, out, 2026, p, k_rng);
  EXPECT_NEAR(s.funds.invested[0], 0.8 * paced, 2.0 + 1e-9);  // within one take of the bound
  EXPECT_LE(s.funds.invested[0], 0.8 * paced + 1e-9);
  invest_chain_leading(s, 2026, 3.0, p);
  EXPECT_NEAR(s.funds.chain_invested[0], 0.2 * paced, 1e-9);
  EXPECT_NEAR(s.year.iof_chain_invested, 0.2 * paced, 1e-9);
  invest_chain_leading(s, 2026, 3.0, p);  // nothing more this year
  EXPECT_NEAR(s.funds.chain_invested[0], 0.2 * paced, 1e-9);
  // The stake is held at cost and counted in NAV and net invested capital; its government
  // money is manufacturing-relevant (section 7.3).
  EXPECT_NEAR(s.funds.chain_cost[0], 0.2 * paced, 1e-9);
  close_year(s, 2026, p);
  EXPECT_GE(s.funds.nav[0], s.funds.chain_cost[0]);
  EXPECT_DOUBLE_EQ(s.iof.budget.spent_other(), 0.0);
  // The concentration limit: one enterprise takes at most 15% of the fund in all.
  launch_funds(s, 2027, p, k_rng);
  invest_chain_leading(s, 2027, 1.0, p);
  EXPECT_NEAR(s.funds.chain_cost[0], std::min(0.2 * 2 * paced, 0.15 * 2000.0), 1e-9);
  // Wound up at the end of its life: the stake is sold at NAV less the discount.
  double before = 0.0;
  for (int y = 2027; y <= 2035; ++y) {
    if (y > 2027) launch_funds(s, y, p, k_rng);
    if (y == 2035) {  // the stake and the start-up holdings, all at NAV
      before = s.funds.chain_cost[0];
      for (double v : s.holdings.nav) before += v;
    }
    close_year(s, y, p);
  }
  EXPECT_EQ(s.funds.status[0], static_cast<std::uint8_t>(FundStatus::closed));
  EXPECT_DOUBLE_EQ(s.funds.chain_cost[0], 0.0);
  EXPECT_NEAR(s.year.windup_sales, before * (1.0 - p.windup_discount), 1e-9);
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

TEST(FundClose, ItvfFeeIsOnInvestedCapitalThenOnNetInvested) {
  FundParams p = one_itvf_fund();
  FundSystem s = make_fund_system(p);
  launch_funds(s, 2024, p, k_rng);
  p.itvf_funds.enabled = false;  // only the one fund
  ASSERT_EQ(rows(s.funds), 1u);
  ASSERT_GT(s.funds.committed(0), 600.0);
  // A year with no investment: no fee at all, though hundreds of millions are committed.
  close_year(s, 2024, p);
  EXPECT_DOUBLE_EQ(s.funds.fees_paid[0], 0.0);
  EXPECT_DOUBLE_EQ(s.funds.called[0], 0.0);
  EXPECT_DOUBLE_EQ(s.itvf.budget.spent(), 0.0);  // no government money called for fees
  // Invest 30 in 2025 and 20 more in 2026: the fee is 2% of what has been invested.
  const RoundRequest a[] = {request(1, Stage::seed, 60.0, 100.0, true, Field::ai_data)};
  std::vector<RoundOutcome> out;
  launch_funds(s, 2025, p, k_rng);
  clear_rounds(s, a, out, 2025, p, k_rng);
  ASSERT_EQ(out[0].lead_fund, 0);
  close_year(s, 2025, p);
  EXPECT_NEAR(s.funds.fees_year[0], 0.02 * 30.0, 1e-12);
  const RoundRequest b[] = {request(2, Stage::series_a, 40.0, 100.0, true, Field::ai_data)};
  launch_funds(s, 2026, p, k_rng);
  clear_rounds(s, b, out, 2026, p, k_rng);
  ASSERT_EQ(out[0].lead_fund, 0);
  close_year(s, 2026, p);
  EXPECT_NEAR(s.funds.fees_year[0], 0.02 * 50.0, 1e-12);
  // Start-up 1 fails in 2027: invested capital is cumulative, so the fee does not fall in the
  // investment period (2024-2028).
  const StartupExit x[] = {{1, StartupExit::Kind::failure, 0.0}};
  launch_funds(s, 2027, p, k_rng);
  realise_exits(s, x, 2027);
  close_year(s, 2027, p);
  EXPECT_NEAR(s.funds.fees_year[0], 0.02 * 50.0, 1e-12);
  launch_funds(s, 2028, p, k_rng);
  close_year(s, 2028, p);
  EXPECT_NEAR(s.funds.fees_year[0], 0.02 * 50.0, 1e-12);
  // After the investment period: on net invested capital, the cost of the 20 still held.
  launch_funds(s, 2029, p, k_rng);
  close_year(s, 2029, p);
  EXPECT_NEAR(s.funds.fees_year[0], 0.02 * 20.0, 1e-12);
  EXPECT_NEAR(s.funds.fees_paid[0], 0.02 * (30.0 + 50.0 * 3 + 20.0), 1e-9);
  // The government pays its share of each fee call, and no more.
  const double gov_share = s.funds.committed_gov[0] / s.funds.committed(0);
  EXPECT_NEAR(s.itvf.budget.spent(), gov_share * s.funds.called[0], 1e-9);
}

TEST(FundClose, UncalledGovernmentCommitmentLapsesAtWindUp) {
  FundParams p = one_iof_subfund();
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
