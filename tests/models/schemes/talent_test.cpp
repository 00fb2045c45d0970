// Technical staff, talent schemes and their R&D (docs/model.md sections 4.3-4.5).
#include "models/schemes/talent.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace nisim::hk {
namespace {

/// Talent terms with only the pool's flows: every scheme closed.
TalentParams pool_only() {
  TalentParams p;
  p.graduates = {{2016}, {1000.0}};
  p.graduate_share = 0.1;  // 100 local staff a year (eq. 4.3b)
  p.nonlocal_inflow = {{2016, 2020}, {20.0, 50.0}};
  p.rth_posts = {{2016}, {0.0}};
  p.nittp_trainees = {{2016}, {0.0}};
  p.ess_projects = {{2016}, {0.0}};
  p.rth.enabled = p.nittp.enabled = p.ess.enabled = false;
  return p;
}

Talent talent_for(const TalentParams& p) {
  Talent t;
  t.pool = p.initial_pool;
  t.rth.budget = Budget(p.rth.budget);
  t.nittp.budget = Budget(p.nittp.budget);
  t.ess.budget = Budget(p.ess.budget);
  t.mfg_firms = 1e6;  // the per-firm cap far away (eq. 4.4d)
  return t;
}

void expect_identity(const Budget& b) {
  EXPECT_NEAR(b.total(), b.spent() + b.committed() + b.remaining(), 1e-9 * (1.0 + b.total()));
  EXPECT_LE(b.spent() + b.committed(), b.total() + 1e-9);
}

}  // namespace

TEST(Talent, HireRefusesBeyondThePool) {
  Talent t;
  t.pool = 10.0;
  EXPECT_FALSE(t.hire(10.5));
  EXPECT_DOUBLE_EQ(t.pool, 10.0);
  EXPECT_DOUBLE_EQ(t.refused, 10.5);
  EXPECT_EQ(t.hired, 0.0);
  EXPECT_TRUE(t.hire(4.0));
  EXPECT_TRUE(t.hire(6.0));  // exactly what is left
  EXPECT_NEAR(t.pool, 0.0, 1e-12);
  EXPECT_DOUBLE_EQ(t.hired, 10.0);
  EXPECT_FALSE(t.hire(0.5));
  EXPECT_DOUBLE_EQ(t.refused, 11.0);
  t.new_year();
  EXPECT_EQ(t.hired, 0.0);
  EXPECT_EQ(t.refused, 0.0);
  EXPECT_NEAR(t.pool, 0.0, 1e-12);  // the pool carries over
}

TEST(Talent, PoolFollowsAttritionInflowAndHires) {
  TalentParams p = pool_only();
  p.initial_pool = 1000.0;
  p.attrition = 0.2;
  Talent t = talent_for(p);
  double expected = 1000.0;
  for (int year = 2017; year <= 2022; ++year) {
    t.new_year();
    const double before = t.pool;
    talent_year(t, year, p, 0.0);
    const double hires = 30.0 + year % 3;
    ASSERT_TRUE(t.hire(hires));
    // eq. 4.3a: P_t = (1 - a) P_{t-1} + local + non-local - hires.
    const double inflow = 100.0 + (year < 2020 ? 20.0 : 50.0);
    expected = (1.0 - 0.2) * expected + inflow - hires;
    SCOPED_TRACE(year);
    EXPECT_NEAR(t.pool, expected, 1e-9);
    EXPECT_DOUBLE_EQ(t.inflow, inflow);
    EXPECT_NEAR(t.left, 0.2 * before, 1e-12);
    EXPECT_NEAR(t.pool, before - t.left + t.inflow - t.hired, 1e-9);
  }
  // With no inflow and no hires the pool decays geometrically.
  TalentParams dry = pool_only();
  dry.graduates = dry.nonlocal_inflow = {{2016}, {0.0}};
  dry.initial_pool = 500.0;
  dry.attrition = 0.5;
  Talent d = talent_for(dry);
  talent_year(d, 2017, dry, 0.0);
  talent_year(d, 2018, dry, 0.0);
  EXPECT_DOUBLE_EQ(d.pool, 125.0);
}

TEST(Talent, EndingResearchPostsJoinThePoolAfterRthYears) {
  TalentParams p = pool_only();
  p.graduates = p.nonlocal_inflow = {{2016}, {0.0}};
  p.initial_pool = 1e6;  // staff for the posts' manufacturing share (eq. 4.4e)
  p.rth = {true, 2016, 2040, 1e6};
  p.rth_posts = {{2016, 2017}, {100.0, 0.0}};  // one cohort, approved in 2016
  p.rth_years = 3;
  p.rth_retention = 0.3;
  p.rth_mfg_share = 0.5;
  Talent t = talent_for(p);
  for (int year = 2016; year <= 2020; ++year) {
    t.new_year();
    talent_year(t, year, p, 0.0);
    SCOPED_TRACE(year);
    // The posts are active 2016-2018 and end into the pool in 2019.
    EXPECT_DOUBLE_EQ(t.rth_active_mfg, year <= 2018 ? 50.0 : 0.0);
    EXPECT_DOUBLE_EQ(t.inflow, year == 2019 ? 30.0 : 0.0);
  }
  EXPECT_DOUBLE_EQ(t.rth_posts_cum, 100.0);
}

TEST(Talent, RthApprovalsAreLimitedByTheBudget) {
  TalentParams p = pool_only();
  p.rth = {true, 2016, 2040, 90.0};  // 100 posts at 0.3 x 3 = 0.9 each
  p.rth_posts = {{2016}, {1500.0}};
  p.rth_cost = 0.3;
  p.rth_years = 3;
  Talent t = talent_for(p);
  t.new_year();
  talent_year(t, 2017, p, 0.0);
  EXPECT_EQ(t.rth.applications, 1500.0);
  EXPECT_EQ(t.rth.approvals, 100.0);
  EXPECT_NEAR(t.rth.budget.spent(), 90.0, 1e-9);
  EXPECT_NEAR(t.rth.paid, 90.0, 1e-9);
  EXPECT_NEAR(t.rth.budget.remaining(), 0.0, 1e-9);
  expect_identity(t.rth.budget);
  for (int year = 2018; year <= 2025; ++year) {
    t.new_year();
    talent_year(t, year, p, 0.0);
    SCOPED_TRACE(year);
    EXPECT_EQ(t.rth.approvals, 0.0);
    EXPECT_EQ(t.rth.paid, 0.0);
    expect_identity(t.rth.budget);
  }
  EXPECT_EQ(t.rth_posts_cum, 100.0);
  // With room in the budget every post is approved, NIAS posts on top.
  TalentParams rich = p;
  rich.rth.budget = 1e6;
  Talent r = talent_for(rich);
  r.nias_posts_pending = 72.0;
  talent_year(r, 2025, rich, 0.0);
  EXPECT_EQ(r.rth.approvals, 1572.0);
  EXPECT_EQ(r.nias_posts_pending, 0.0);
  // While closed, nothing is approved.
  TalentParams closed = p;
  closed.rth.end = 2020;
  Talent c = talent_for(closed);
  talent_year(c, 2021, closed, 0.0);
  EXPECT_EQ(c.rth.approvals, 0.0);
  EXPECT_EQ(c.rth.budget.spent(), 0.0);
}

TEST(Talent, TrainingAndEnterpriseSchemesStayWithinTheirBudgets) {
  // Budgets that run out part of the way through a year and then stay exhausted.
  for (double budget : {100.0, 99.99, 33.0, 0.05, 7.0, 1000.0 / 3.0}) {
    TalentParams p = pool_only();
    p.nittp = {true, 2016, 2040, budget};
    p.nittp_trainees = {{2016}, {2500.0}};
    p.nittp_cost = 0.02;
    p.ess = {true, 2016, 2040, budget};
    p.ess_projects = {{2016}, {7.0}};
    p.ess_project_cost = 7.3;
    Talent t = talent_for(p);
    for (int year = 2016; year <= 2040; ++year) {
      t.new_year();
      ASSERT_NO_THROW(talent_year(t, year, p, 0.0)) << "budget " << budget << " year " << year;
      SCOPED_TRACE("budget " + std::to_string(budget) + " year " + std::to_string(year));
      EXPECT_GE(t.nittp.approvals, 0.0);
      EXPECT_GE(t.ess.approvals, 0.0);
      EXPECT_LE(t.nittp.approvals, 2500.0);
      EXPECT_LE(t.ess.approvals, 7.0);
      EXPECT_GE(t.rd_spending, 0.0);
      expect_identity(t.nittp.budget);
      expect_identity(t.ess.budget);
    }
    // Each has spent all it could: less than one more approval is left.
    EXPECT_LT(t.nittp.budget.remaining(), 0.02 * 2.0 / 3.0 + 1e-9);
    EXPECT_LT(t.ess.budget.remaining(), 7.3 / 2.0 + 1e-9);
  }
}

TEST(Talent, ResearchSpendingCountsManufacturingShares) {
  TalentParams p = pool_only();
  p.ess = {true, 2016, 2040, 1e4};
  p.ess_projects = {{2016}, {10.0}};
  p.ess_project_cost = 8.0;
  p.ess_cap = 10.0;
  p.ess_mfg_share = 0.3;
  p.innohk_spillover = 0.05;
  p.innohk_cost = 1.0;
  Talent t = talent_for(p);
  talent_year(t, 2020, p, 100.0);
  // eq. 4.4c: ESS pays min(cost / 2, cap) per project; manufacturing's share of the whole
  // project cost is R&D, plus the InnoHK spillover.
  EXPECT_DOUBLE_EQ(t.ess.paid, 10.0 * 4.0);
  EXPECT_NEAR(t.rd_spending, 0.3 * 10.0 * 8.0 + 0.05 * 100.0 * 1.0, 1e-12);
  p.ess_cap = 3.0;
  Talent capped = talent_for(p);
  talent_year(capped, 2020, p, 0.0);
  EXPECT_DOUBLE_EQ(capped.ess.paid, 10.0 * 3.0);
}

TEST(Talent, NittpTrainingIsNotCountedAsResearch) {
  // Section 4.5: training works through the trained stock (eq. 4.5d), so NITTP spends from its
  // ledger and counts trainees, but adds nothing to the schemes' R&D.
  TalentParams p = pool_only();
  p.nittp = {true, 2016, 2040, 1e4};
  p.nittp_trainees = {{2016}, {2500.0}};
  p.nittp_cost = 0.02;
  Talent t = talent_for(p);
  talent_year(t, 2020, p, 0.0);
  EXPECT_DOUBLE_EQ(t.nittp.outcomes, 2500.0);
  EXPECT_NEAR(t.nittp.budget.spent(), 2500.0 * 0.02 * 2.0 / 3.0, 1e-9);
  EXPECT_EQ(t.rd_spending, 0.0);
}

}  // namespace nisim::hk

namespace nisim::hk {

TEST(Talent, RthGeneralPostsStayWithinFourPerEligibleFirm) {
  TalentParams p = pool_only();
  p.rth = {true, 2016, 2040, 1e6};
  p.rth_posts = {{2016}, {500.0}};
  p.rth_years = 3;
  p.rth_mfg_share = 0.25;
  p.rth_max_per_firm = 4.0;
  Talent t = talent_for(p);
  t.mfg_firms = 25.0;  // E = 25 / 0.25 = 100 eligible firms: at most 400 posts at once
  std::vector<double> approved;
  for (int year = 2017; year <= 2022; ++year) {
    t.new_year();
    t.mfg_firms = 25.0;
    talent_year(t, year, p, 0.0);
    approved.push_back(t.rth.approvals);
    EXPECT_DOUBLE_EQ(t.rth_eligible, 100.0);
    EXPECT_EQ(t.rth_capped, 500.0 - t.rth.approvals);
  }
  // 400 in the first year fill the cap; none while they run (3 years); then 400 again.
  EXPECT_EQ(approved, (std::vector<double>{400.0, 0.0, 0.0, 400.0, 0.0, 0.0}));
  // The cap never binds on NIAS posts: 72 pending are approved with the cap full.
  Talent full = talent_for(p);
  full.mfg_firms = 25.0;
  talent_year(full, 2017, p, 0.0);
  full.new_year();
  full.nias_posts_pending = 72.0;
  talent_year(full, 2018, p, 0.0);
  EXPECT_EQ(full.rth.approvals, 72.0);
  EXPECT_EQ(full.rth_capped, 500.0);
  // Below the cap every post sought is approved.
  Talent many = talent_for(p);
  many.mfg_firms = 1000.0;
  talent_year(many, 2017, p, 0.0);
  EXPECT_EQ(many.rth.approvals, 500.0);
  EXPECT_EQ(many.rth_capped, 0.0);
}

TEST(Talent, NiasRthPostsCostTheGovernmentHalfAPost) {
  TalentParams p = pool_only();
  p.rth = {true, 2016, 2040, 1e6};
  p.rth_posts = {{2016}, {10.0}};
  p.rth_cost = 0.3;
  p.rth_years = 3;
  p.rth_nias_match = 0.5;
  Talent t = talent_for(p);
  t.nias_posts_pending = 36.0;
  talent_year(t, 2017, p, 0.0);
  EXPECT_EQ(t.rth.approvals, 46.0);
  // 10 general posts at 0.9 and 36 NIAS posts at 0.45 (1 : 1).
  EXPECT_NEAR(t.rth.paid, 10.0 * 0.9 + 36.0 * 0.45, 1e-9);
  expect_identity(t.rth.budget);
  // A budget of 9 buys 20 NIAS posts, not 10, and no general post after them.
  TalentParams tight = p;
  tight.rth.budget = 9.0;
  Talent s = talent_for(tight);
  s.nias_posts_pending = 20.0;
  talent_year(s, 2017, tight, 0.0);
  EXPECT_EQ(s.rth.approvals, 20.0);
  EXPECT_NEAR(s.rth.budget.remaining(), 0.0, 1e-9);
  expect_identity(s.rth.budget);
}

}  // namespace nisim::hk

namespace nisim::hk {

TEST(Talent, LocalInflowIsGraduatesTimesTheShareJoiningThePool) {
  // eq. 4.3b: N^loc_t = s_G G_t, with G a step series.
  TalentParams p = pool_only();
  p.graduates = {{2016, 2022, 2024}, {36000.0, 31000.0, 28000.0}};
  p.graduate_share = 0.03;
  p.nonlocal_inflow = {{2016}, {0.0}};
  EXPECT_NEAR(local_inflow(p, 2017), 1080.0, 1e-9);
  EXPECT_NEAR(local_inflow(p, 2023), 930.0, 1e-9);
  EXPECT_NEAR(local_inflow(p, 2030), 840.0, 1e-9);
  Talent t = talent_for(p);
  t.new_year();
  talent_inflow(t, 2023, p);
  EXPECT_NEAR(t.inflow, 930.0, 1e-9);  // no non-local staff, no post ending
  // Doubling the share doubles the local inflow; a zero share gives none.
  p.graduate_share = 0.06;
  EXPECT_NEAR(local_inflow(p, 2023), 1860.0, 1e-9);
  p.graduate_share = 0.0;
  Talent none = talent_for(p);
  talent_inflow(none, 2023, p);
  EXPECT_EQ(none.inflow, 0.0);
}

TEST(Talent, RthPostsAreRefusedWhenThePoolIsShort) {
  // eq. 4.4e: NIAS posts take one person each, general posts s_R each; what the pool cannot
  // staff is refused, counted in posts and (by claimant) in staff, and not paid for.
  TalentParams p = pool_only();
  p.graduates = p.nonlocal_inflow = {{2016}, {0.0}};
  p.attrition = 0.0;
  p.rth = {true, 2016, 2040, 1e6};
  p.rth_posts = {{2016}, {200.0}};
  p.rth_cost = 0.3;
  p.rth_years = 3;
  p.rth_mfg_share = 0.25;
  p.initial_pool = 30.0;  // staffs 120 general posts (30 / 0.25), not 200
  Talent t = talent_for(p);
  t.new_year();
  talent_year(t, 2017, p, 0.0);
  EXPECT_EQ(t.rth.approvals, 120.0);
  EXPECT_EQ(t.rth_refused_talent, 80.0);
  EXPECT_NEAR(t.refused, 80.0 * 0.25, 1e-9);
  EXPECT_NEAR(t.hired, 30.0, 1e-9);
  EXPECT_NEAR(t.rth_hired, 30.0, 1e-9);
  EXPECT_NEAR(t.pool, 0.0, 1e-9);
  EXPECT_NEAR(t.rth.paid, 120.0 * 0.9, 1e-9);
  EXPECT_DOUBLE_EQ(t.rth_active_mfg, 0.25 * 120.0);
  // An empty pool staffs no NIAS post and no general post; nothing goes negative.
  t.new_year();
  t.nias_posts_pending = 36.0;
  talent_year(t, 2018, p, 0.0);
  EXPECT_EQ(t.rth.approvals, 0.0);
  EXPECT_EQ(t.rth_refused_talent, 236.0);
  EXPECT_NEAR(t.refused, 36.0 + 0.25 * 200.0, 1e-9);
  EXPECT_GE(t.pool, -1e-9);
  EXPECT_EQ(t.rth.paid, 0.0);
  EXPECT_EQ(t.nias_posts_pending, 0.0);  // refused NIAS posts are dropped
  // NIAS posts come first: a pool of 10 staffs 10 of 36 and leaves no general post.
  TalentParams ten = p;
  ten.initial_pool = 10.0;
  Talent n = talent_for(ten);
  n.nias_posts_pending = 36.0;
  talent_year(n, 2017, ten, 0.0);
  EXPECT_EQ(n.rth.approvals, 10.0);
  EXPECT_EQ(n.rth_refused_talent, 26.0 + 200.0);
  EXPECT_NEAR(n.rth.paid, 10.0 * 0.5 * 0.9, 1e-9);
  // A pool large enough refuses nothing and is drawn down by exactly the posts' staff.
  TalentParams ample = p;
  ample.initial_pool = 1000.0;
  Talent a = talent_for(ample);
  a.nias_posts_pending = 36.0;
  talent_year(a, 2017, ample, 0.0);
  EXPECT_EQ(a.rth.approvals, 236.0);
  EXPECT_EQ(a.rth_refused_talent, 0.0);
  EXPECT_EQ(a.refused, 0.0);
  EXPECT_NEAR(a.pool, 1000.0 - 36.0 - 0.25 * 200.0, 1e-9);
  // Posts outside manufacturing (s_R = 0) draw nothing: all are approved from an empty pool.
  TalentParams outside = p;
  outside.rth_mfg_share = 0.0;
  outside.initial_pool = 0.0;
  Talent o = talent_for(outside);
  talent_year(o, 2017, outside, 0.0);
  EXPECT_EQ(o.rth.approvals, 200.0);
  EXPECT_EQ(o.rth_refused_talent, 0.0);
  EXPECT_EQ(o.hired, 0.0);
}

TEST(Talent, PerFirmCapBindsBeforeThePool) {
  // eq. 4.4d then 4.4e: posts above 4 per eligible firm are capped; of those allowed, the ones
  // the pool cannot staff are refused for want of staff. The two counts do not overlap.
  TalentParams p = pool_only();
  p.graduates = p.nonlocal_inflow = {{2016}, {0.0}};
  p.attrition = 0.0;
  p.rth = {true, 2016, 2040, 1e6};
  p.rth_posts = {{2016}, {500.0}};
  p.rth_years = 3;
  p.rth_mfg_share = 0.25;
  p.rth_max_per_firm = 4.0;
  p.initial_pool = 40.0;  // staffs 160 general posts
  Talent t = talent_for(p);
  t.mfg_firms = 25.0;  // E = 100 eligible firms: 400 posts at once
  talent_year(t, 2017, p, 0.0);
  EXPECT_EQ(t.rth_capped, 100.0);
  EXPECT_EQ(t.rth_refused_talent, 240.0);
  EXPECT_EQ(t.rth.approvals, 160.0);
  EXPECT_EQ(t.rth.applications, 500.0);
  // With 5 posts per firm the cap no longer binds at 500 (E = 100): only the pool refuses.
  TalentParams five = p;
  five.rth_max_per_firm = 5.0;
  Talent f = talent_for(five);
  f.mfg_firms = 25.0;
  talent_year(f, 2017, five, 0.0);
  EXPECT_EQ(f.rth_capped, 0.0);
  EXPECT_EQ(f.rth_refused_talent, 340.0);
}

}  // namespace nisim::hk
