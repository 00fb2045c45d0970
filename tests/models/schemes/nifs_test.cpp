// New Industrialisation Funding Scheme: grants, project limit, approval lag, success rate,
// budget, floor space, staff, completion and lapse (docs/model.md section 4.1).
#include "models/schemes/nifs.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/parallel.hpp"
#include "engine/table.hpp"
#include "models/firms.hpp"
#include "models/phases.hpp"
#include "models/schemes/talent.hpp"
#include "models/state.hpp"

namespace nisim::hk {
namespace {

constexpr double k_wage = 0.2;

/// `n` firms with ids 1..n in industrial buildings, each planning a line this year; `plan` is
/// the kernel's line_plan: 1 + the lines that pay without a grant (eq. 3.4e).
FirmTable planning_firms(std::size_t n, const Params& p, std::uint8_t plan = 1) {
  FirmTable f;
  resize_rows(f, n);
  for (std::size_t i = 0; i < n; ++i) {
    init_firm_row(f, i, i + 1, 0, site::industrial_buildings, 200.0, 10, k_wage, p, 0.0);
    f.line_plan[i] = plan;
  }
  return f;
}

/// What the firm kernel does at the start of a year for the columns the scheme touches.
void next_year(FirmTable& f) {
  for (std::size_t i = 0; i < rows(f); ++i) {
    f.line_plan[i] = 0;
    f.new_lines[i] = 0;
    f.subsidy[i] = 0.0;
  }
}

/// Land with `vacant` m2 free at every site.
Land land_with(double vacant) {
  Land land;
  land.supply.fill(vacant);
  return land;
}

Talent talent_with(double pool) {
  Talent t;
  t.pool = pool;
  return t;
}

/// Terms that make outcomes deterministic: decide at once, approve all, build in 2 years.
Params certain_params(double budget = 2000.0) {
  Params p;
  p.nifs.terms = {true, 2020, 2040, budget};
  p.nifs.success_rate = 1.0;
  p.nifs.approval_lag = 0;
  p.nifs.build_years = 2;
  p.nifs.lines_mean = 1.0;  // one line per project, at cost c exactly
  p.nifs.cost_sigma = 0.0;
  p.nifs.uptake_start = 1.0;  // every planning firm applies
  return p;
}

/// certain_params with every application refused and every project filling the room under a
/// cap of 3 lines at cost c each (eq. 4.1i's tests).
Params refusing_params() {
  Params p = certain_params();
  p.nifs.success_rate = 0.0;
  p.nifs.lines_mean = 1e9;
  p.line_max = 3;
  return p;
}

Nifs nifs_with(const Params& p) {
  Nifs n;
  n.scheme.budget = Budget(p.nifs.terms.budget);
  return n;
}

double projects_of(const FirmTable& f) {
  double sum = 0.0;
  for (std::size_t i = 0; i < rows(f); ++i) sum += f.projects[i];
  return sum;
}

void expect_identity(const Budget& b) {
  EXPECT_NEAR(b.total(), b.spent() + b.committed() + b.remaining(), 1e-9 * (1.0 + b.total()));
  EXPECT_LE(b.spent() + b.committed(), b.total() + 1e-9);
}

}  // namespace

TEST(Nifs, GrantIsShareOfCostCappedOnlyWhileOpen) {
  NifsParams np;
  np.terms = {true, 2020, 2030, 2000.0};
  np.share = 1.0 / 3.0;
  np.cap = 15.0;
  EXPECT_DOUBLE_EQ(nifs_grant(np, 2020, 15.0), 5.0);  // eq. 4.1a: theta c below the cap
  EXPECT_DOUBLE_EQ(nifs_grant(np, 2030, 30.0), 10.0);
  EXPECT_DOUBLE_EQ(nifs_grant(np, 2025, 45.0), 15.0);  // the cap starts to bind at 45
  EXPECT_DOUBLE_EQ(nifs_grant(np, 2025, 90.0), 15.0);
  EXPECT_EQ(nifs_grant(np, 2019, 15.0), 0.0);  // before the start
  EXPECT_EQ(nifs_grant(np, 2031, 15.0), 0.0);  // after the end
  np.share = 0.5;
  EXPECT_DOUBLE_EQ(nifs_grant(np, 2025, 20.0), 10.0);
  np.terms.enabled = false;
  EXPECT_EQ(nifs_grant(np, 2025, 15.0), 0.0);
}

TEST(Nifs, ProjectLimitRisesFromConcurrentBeforeToMaxInConcurrentFrom) {
  NifsParams np;
  np.concurrent_before = 1;
  np.concurrent_max = 3;
  np.concurrent_from = 2024;
  EXPECT_EQ(nifs_project_limit(np, 2020), 1);
  EXPECT_EQ(nifs_project_limit(np, 2023), 1);
  EXPECT_EQ(nifs_project_limit(np, 2024), 3);
  EXPECT_EQ(nifs_project_limit(np, 2035), 3);
  np.concurrent_before = 2;
  np.concurrent_max = 5;
  np.concurrent_from = 2030;
  EXPECT_EQ(nifs_project_limit(np, 2029), 2);
  EXPECT_EQ(nifs_project_limit(np, 2030), 5);
  // The yearly environment hands the limit to the firms' line decision (eq. 4.1b).
  Params p;
  Parallel par(1);
  State st(par, 1);
  st.macro.wage = k_wage;
  st.year = 2023;
  set_environment(st, p);
  EXPECT_EQ(st.env.project_limit, static_cast<int>(p.nifs.concurrent_before));
  st.year = static_cast<int>(p.nifs.concurrent_from);
  set_environment(st, p);
  EXPECT_EQ(st.env.project_limit, static_cast<int>(p.nifs.concurrent_max));
}

TEST(Nifs, ApplicationIsDecidedOnlyAfterTheApprovalLag) {
  Params p = certain_params();
  p.nifs.approval_lag = 2;
  p.nifs.build_years = 5;
  FirmTable f = planning_firms(1, p);
  const double cash0 = f.cash[0];
  Nifs nifs = nifs_with(p);
  Land land = land_with(1e6);
  Talent talent = talent_with(1e4);
  const Rng rng(7);

  nifs_year(nifs, f, land, talent, 2020, p.nifs, p, rng);
  EXPECT_EQ(nifs.scheme.applications, 1.0);
  EXPECT_EQ(nifs.scheme.approvals, 0.0);
  ASSERT_EQ(nifs.projects.firm_id.size(), 1u);
  EXPECT_EQ(nifs.projects.firm_id[0], 1u);
  EXPECT_EQ(nifs.projects.applied[0], 2020);
  EXPECT_EQ(nifs.projects.done[0], 0);  // awaiting a decision
  EXPECT_EQ(f.projects[0], 1);
  EXPECT_EQ(f.cash[0], cash0);
  EXPECT_EQ(nifs.scheme.budget.committed(), 0.0);
  EXPECT_EQ(land.claimed[0], 0.0);
  EXPECT_EQ(talent.hired, 0.0);

  next_year(f);
  nifs.new_year();
  nifs_year(nifs, f, land, talent, 2021, p.nifs, p, rng);
  EXPECT_EQ(nifs.scheme.applications, 0.0);
  EXPECT_EQ(nifs.scheme.approvals, 0.0);
  EXPECT_EQ(nifs.projects.done[0], 0);
  EXPECT_EQ(nifs.funded_lines, 0.0);

  next_year(f);
  nifs.new_year();
  nifs_year(nifs, f, land, talent, 2022, p.nifs, p, rng);
  const double grant = nifs_grant(p.nifs, 2022, p.line_cost);
  EXPECT_EQ(nifs.scheme.approvals, 1.0);
  EXPECT_EQ(nifs.funded_lines, 1.0);
  EXPECT_EQ(nifs.projects.done[0], 2022 + 5);
  EXPECT_DOUBLE_EQ(nifs.projects.grant[0], grant);
  EXPECT_DOUBLE_EQ(nifs.scheme.budget.committed(), grant);
  EXPECT_DOUBLE_EQ(f.cash[0], cash0 - p.line_cost);  // the firm pays the whole cost now
  EXPECT_EQ(f.projects[0], 1);
  EXPECT_DOUBLE_EQ(land.claimed[0], p.nifs.line_floor);
  EXPECT_DOUBLE_EQ(talent.hired, p.nifs.jobs_per_line);
  EXPECT_DOUBLE_EQ(nifs.tech_jobs, p.nifs.jobs_per_line);
  EXPECT_DOUBLE_EQ(nifs.private_investment, p.line_cost - grant);
}

TEST(Nifs, SuccessRateZeroApprovesNothing) {
  Params p = certain_params();
  p.nifs.success_rate = 0.0;
  FirmTable f = planning_firms(200, p);
  Nifs nifs = nifs_with(p);
  Land land = land_with(1e7);
  Talent talent = talent_with(1e5);
  nifs_year(nifs, f, land, talent, 2021, p.nifs, p, Rng(3));
  EXPECT_EQ(nifs.scheme.applications, 200.0);
  EXPECT_EQ(nifs.scheme.approvals, 0.0);
  EXPECT_EQ(nifs.funded_lines, 0.0);
  EXPECT_TRUE(nifs.projects.firm_id.empty());  // refused applications leave the queue
  EXPECT_EQ(projects_of(f), 0.0);              // and free the firm's project slot
  EXPECT_EQ(nifs.scheme.budget.committed(), 0.0);
  EXPECT_EQ(land.claimed[0], 0.0);
  EXPECT_EQ(talent.hired, 0.0);
  // Refusals by chance are none of the counted reasons.
  EXPECT_EQ(nifs.refused_budget + nifs.refused_land + nifs.refused_talent, 0.0);
}

TEST(Nifs, SuccessRateOneApprovesAllThatFit) {
  Params p = certain_params();
  FirmTable f = planning_firms(200, p);
  Nifs nifs = nifs_with(p);
  Land land = land_with(1e7);
  Talent talent = talent_with(1e5);
  nifs_year(nifs, f, land, talent, 2021, p.nifs, p, Rng(3));
  const double grant = nifs_grant(p.nifs, 2021, p.line_cost);
  EXPECT_EQ(nifs.scheme.approvals, 200.0);
  EXPECT_EQ(nifs.funded_lines, 200.0);
  EXPECT_EQ(nifs.projects.firm_id.size(), 200u);
  EXPECT_EQ(projects_of(f), 200.0);
  EXPECT_NEAR(nifs.scheme.budget.committed(), 200.0 * grant, 1e-9);
  EXPECT_NEAR(nifs.tech_jobs, 200.0 * p.nifs.jobs_per_line, 1e-9);
  EXPECT_NEAR(nifs.private_investment, 200.0 * (p.line_cost - grant), 1e-9);
  EXPECT_NEAR(land.claimed[0], 200.0 * p.nifs.line_floor, 1e-9);
  EXPECT_NEAR(talent.hired, 200.0 * p.nifs.jobs_per_line, 1e-9);
  expect_identity(nifs.scheme.budget);
}

TEST(Nifs, IntermediateSuccessRateApprovesAboutThatShare) {
  Params p = certain_params(1e6);
  p.nifs.success_rate = 0.3;
  FirmTable f = planning_firms(4000, p);
  Nifs nifs = nifs_with(p);
  Land land = land_with(1e8);
  Talent talent = talent_with(1e6);
  nifs_year(nifs, f, land, talent, 2021, p.nifs, p, Rng(11));
  // Binomial(4000, 0.3): mean 1200, s.d. 29; five s.d. either side.
  EXPECT_NEAR(nifs.scheme.approvals, 1200.0, 145.0);
  EXPECT_EQ(static_cast<double>(nifs.projects.firm_id.size()), nifs.scheme.approvals);
  EXPECT_EQ(projects_of(f), nifs.scheme.approvals);
}

TEST(Nifs, TinyBudgetFundsOnlyWhatFitsAndRefusesTheRest) {
  Params p = certain_params(12.0);  // room for two grants of HK$ 5 M
  FirmTable f = planning_firms(10, p);
  Nifs nifs = nifs_with(p);
  Land land = land_with(1e7);
  Talent talent = talent_with(1e5);
  const double grant = nifs_grant(p.nifs, 2021, p.line_cost);
  ASSERT_DOUBLE_EQ(grant, 5.0);
  nifs_year(nifs, f, land, talent, 2021, p.nifs, p, Rng(3));
  EXPECT_EQ(nifs.scheme.approvals, 2.0);
  EXPECT_EQ(nifs.refused_budget, 8.0);
  EXPECT_DOUBLE_EQ(nifs.scheme.budget.committed(), 10.0);
  EXPECT_DOUBLE_EQ(nifs.scheme.budget.remaining(), 2.0);
  expect_identity(nifs.scheme.budget);
  // Applications are decided in the order they arose: the first two firms are funded.
  ASSERT_EQ(nifs.projects.firm_id.size(), 2u);
  EXPECT_EQ(nifs.projects.firm_id[0], 1u);
  EXPECT_EQ(nifs.projects.firm_id[1], 2u);
  EXPECT_EQ(projects_of(f), 2.0);
  // Refused applications take neither floor space nor staff.
  EXPECT_DOUBLE_EQ(land.claimed[0], 2.0 * p.nifs.line_floor);
  EXPECT_DOUBLE_EQ(talent.hired, 2.0 * p.nifs.jobs_per_line);
  // Later years: the budget never goes over, even with the committed grants paid.
  for (int year = 2022; year <= 2026; ++year) {
    next_year(f);
    for (std::size_t i = 0; i < rows(f); ++i) f.line_plan[i] = f.projects[i] == 0;
    nifs.new_year();
    nifs_year(nifs, f, land, talent, year, p.nifs, p, Rng(3));
    SCOPED_TRACE(year);
    expect_identity(nifs.scheme.budget);
    EXPECT_EQ(nifs.scheme.approvals, 0.0);
  }
  EXPECT_DOUBLE_EQ(nifs.scheme.budget.spent(), 10.0);
  EXPECT_EQ(nifs.funded_lines, 2.0);
}

TEST(Nifs, NoFloorSpaceRefusesForLand) {
  Params p = certain_params();
  FirmTable f = planning_firms(5, p);
  Nifs nifs = nifs_with(p);
  Land land = land_with(0.0);
  land.supply[0] = 1000.0;
  land.firms[0] = 1000.0 - 2.5 * p.nifs.line_floor;  // room for two lines
  Talent talent = talent_with(1e5);
  nifs_year(nifs, f, land, talent, 2021, p.nifs, p, Rng(3));
  EXPECT_EQ(nifs.scheme.approvals, 2.0);
  EXPECT_EQ(nifs.refused_land, 3.0);
  EXPECT_EQ(nifs.refused_budget + nifs.refused_talent, 0.0);
  EXPECT_DOUBLE_EQ(land.refused[0], 3.0 * p.nifs.line_floor);
  EXPECT_LE(land.occupied(0), land.supply[0]);
  EXPECT_DOUBLE_EQ(nifs.scheme.budget.committed(), 2.0 * nifs_grant(p.nifs, 2021, p.line_cost));
  EXPECT_DOUBLE_EQ(talent.hired, 2.0 * p.nifs.jobs_per_line);  // refused lines hire nobody
  EXPECT_EQ(projects_of(f), 2.0);
}

TEST(Nifs, NoStaffRefusesForTalentAndTakesNoFloorSpace) {
  Params p = certain_params();
  FirmTable f = planning_firms(5, p);
  const double cash0 = f.cash[0];
  Nifs nifs = nifs_with(p);
  Land land = land_with(1e6);
  Talent talent = talent_with(2.5 * p.nifs.jobs_per_line);  // staff for two lines
  nifs_year(nifs, f, land, talent, 2021, p.nifs, p, Rng(3));
  EXPECT_EQ(nifs.scheme.approvals, 2.0);
  EXPECT_EQ(nifs.refused_talent, 3.0);
  EXPECT_EQ(nifs.refused_budget + nifs.refused_land, 0.0);
  EXPECT_DOUBLE_EQ(talent.refused, 3.0 * p.nifs.jobs_per_line);
  EXPECT_NEAR(talent.pool, 0.5 * p.nifs.jobs_per_line, 1e-9);
  // A refused application neither holds floor space nor costs the firm anything.
  EXPECT_DOUBLE_EQ(land.claimed[0], 2.0 * p.nifs.line_floor);
  EXPECT_DOUBLE_EQ(f.cash[4], cash0);
  EXPECT_EQ(f.projects[4], 0);
  EXPECT_DOUBLE_EQ(nifs.scheme.budget.committed(), 2.0 * nifs_grant(p.nifs, 2021, p.line_cost));
}

TEST(Nifs, LineCompletesBuildYearsAfterApprovalAndPaysTheGrant) {
  Params p = certain_params();
  p.nifs.build_years = 2;
  FirmTable f = planning_firms(1, p);
  f.smart_lines[0] = 1;  // its second line
  const double cash0 = f.cash[0], log_tfp0 = f.log_tfp[0];
  Nifs nifs = nifs_with(p);
  Land land = land_with(1e6);
  Talent talent = talent_with(1e4);
  const double grant = nifs_grant(p.nifs, 2021, p.line_cost);

  nifs_year(nifs, f, land, talent, 2021, p.nifs, p, Rng(3));
  EXPECT_EQ(nifs.scheme.approvals, 1.0);
  EXPECT_EQ(f.smart_lines[0], 1);
  EXPECT_EQ(nifs.scheme.outcomes, 0.0);
  EXPECT_DOUBLE_EQ(f.cash[0], cash0 - p.line_cost);

  next_year(f);
  nifs.new_year();
  nifs_year(nifs, f, land, talent, 2022, p.nifs, p, Rng(3));
  EXPECT_EQ(f.smart_lines[0], 1);  // still being built
  EXPECT_EQ(f.new_lines[0], 0);
  EXPECT_EQ(f.log_tfp[0], log_tfp0);
  EXPECT_EQ(nifs.scheme.paid, 0.0);
  EXPECT_EQ(nifs.projects.firm_id.size(), 1u);

  next_year(f);
  nifs.new_year();
  nifs_year(nifs, f, land, talent, 2023, p.nifs, p, Rng(3));
  EXPECT_EQ(f.smart_lines[0], 2);
  EXPECT_EQ(f.new_lines[0], 1);
  EXPECT_EQ(f.projects[0], 0);
  EXPECT_DOUBLE_EQ(f.log_tfp[0], log_tfp0 + line_tfp_gain(1, p));  // eq. 3.4d, second line
  EXPECT_GT(line_tfp_gain(1, p), 0.0);
  EXPECT_DOUBLE_EQ(f.cash[0], cash0 - p.line_cost + grant);
  EXPECT_DOUBLE_EQ(f.subsidy[0], grant);
  EXPECT_DOUBLE_EQ(nifs.scheme.paid, grant);
  EXPECT_DOUBLE_EQ(nifs.scheme.budget.spent(), grant);
  EXPECT_DOUBLE_EQ(nifs.scheme.budget.committed(), 0.0);
  EXPECT_EQ(nifs.scheme.outcomes, 1.0);
  EXPECT_TRUE(nifs.projects.firm_id.empty());
  expect_identity(nifs.scheme.budget);
}

TEST(Nifs, ZeroBuildYearsCompletesInTheYearOfApproval) {
  Params p = certain_params();
  p.nifs.build_years = 0;
  FirmTable f = planning_firms(1, p);
  Nifs nifs = nifs_with(p);
  Land land = land_with(1e6);
  Talent talent = talent_with(1e4);
  nifs_year(nifs, f, land, talent, 2021, p.nifs, p, Rng(3));
  EXPECT_EQ(f.smart_lines[0], 1);
  EXPECT_EQ(nifs.scheme.outcomes, 1.0);
  EXPECT_DOUBLE_EQ(nifs.scheme.paid, nifs_grant(p.nifs, 2021, p.line_cost));
}

TEST(Nifs, ProjectOfAnExitingFirmLapsesAndItsCommitmentReturns) {
  Params p = certain_params(100.0);
  p.nifs.build_years = 3;
  FirmTable f = planning_firms(3, p);
  Nifs nifs = nifs_with(p);
  Land land = land_with(1e6);
  Talent talent = talent_with(1e4);
  nifs_year(nifs, f, land, talent, 2021, p.nifs, p, Rng(3));
  const double grant = nifs_grant(p.nifs, 2021, p.line_cost);
  ASSERT_EQ(nifs.scheme.approvals, 3.0);
  ASSERT_DOUBLE_EQ(nifs.scheme.budget.remaining(), 100.0 - 3.0 * grant);
  // A pending application of firm 3 next year, under a longer lag.
  next_year(f);
  nifs.new_year();
  p.nifs.approval_lag = 2;
  f.line_plan[2] = 1;
  nifs_year(nifs, f, land, talent, 2022, p.nifs, p, Rng(3));
  ASSERT_EQ(nifs.projects.firm_id.size(), 4u);

  f.exiting[1] = 1;  // firm 2: one line being built
  f.exiting[2] = 1;  // firm 3: one line being built and one application
  nifs_lapse(nifs, f);
  EXPECT_EQ(nifs.lapsed, 3.0);
  ASSERT_EQ(nifs.projects.firm_id.size(), 1u);
  EXPECT_EQ(nifs.projects.firm_id[0], 1u);
  EXPECT_DOUBLE_EQ(nifs.scheme.budget.committed(), grant);
  EXPECT_DOUBLE_EQ(nifs.scheme.budget.remaining(), 100.0 - grant);
  EXPECT_EQ(nifs.scheme.budget.spent(), 0.0);
  expect_identity(nifs.scheme.budget);
  EXPECT_EQ(nifs.funded_lines, 3.0);  // cumulative approvals are history

  // A firm already gone from the table (ids not found) lapses too.
  FirmTable survivors = planning_firms(0, p);
  nifs_lapse(nifs, survivors);
  EXPECT_TRUE(nifs.projects.firm_id.empty());
  EXPECT_EQ(nifs.lapsed, 4.0);
  EXPECT_DOUBLE_EQ(nifs.scheme.budget.remaining(), 100.0);
}

TEST(Nifs, ClosedSchemeTurnsAPlanIntoAnUnfundedLine) {
  Params p = certain_params();
  p.nifs.terms.start = 2020;
  p.nifs.build_years = 1;
  FirmTable f = planning_firms(2, p, 2);
  const double cash0 = f.cash[0];
  Nifs nifs = nifs_with(p);
  Land land = land_with(1e6);
  Talent talent = talent_with(1e4);
  nifs_year(nifs, f, land, talent, 2018, p.nifs, p, Rng(3));  // before the launch
  EXPECT_EQ(nifs.unfunded_lines, 2.0);
  EXPECT_EQ(nifs.scheme.applications, 0.0);
  EXPECT_EQ(nifs.scheme.approvals, 0.0);
  EXPECT_EQ(nifs.funded_lines, 0.0);
  EXPECT_DOUBLE_EQ(f.cash[0], cash0 - p.line_cost);  // at its own cost, at once
  EXPECT_EQ(f.projects[0], 1);
  ASSERT_EQ(nifs.projects.firm_id.size(), 2u);
  EXPECT_EQ(nifs.projects.done[0], 2019);
  EXPECT_EQ(nifs.projects.grant[0], 0.0);
  EXPECT_DOUBLE_EQ(land.claimed[0], 2.0 * p.nifs.line_floor);
  EXPECT_DOUBLE_EQ(talent.hired, 2.0 * p.nifs.jobs_per_line);

  next_year(f);
  nifs.new_year();
  nifs_year(nifs, f, land, talent, 2019, p.nifs, p, Rng(3));
  EXPECT_EQ(f.smart_lines[0], 1);
  EXPECT_EQ(f.new_lines[0], 1);
  EXPECT_DOUBLE_EQ(f.cash[0], cash0 - p.line_cost);  // no grant on completion
  EXPECT_EQ(f.subsidy[0], 0.0);
  EXPECT_EQ(nifs.scheme.paid, 0.0);
  EXPECT_EQ(nifs.scheme.budget.spent(), 0.0);
  EXPECT_EQ(nifs.scheme.budget.committed(), 0.0);
  EXPECT_TRUE(nifs.projects.firm_id.empty());

  // Disabled scheme: the same, in any year.
  p.nifs.terms.enabled = false;
  FirmTable g = planning_firms(1, p, 2);
  Nifs off = nifs_with(p);
  nifs_year(off, g, land, talent, 2025, p.nifs, p, Rng(3));
  EXPECT_EQ(off.unfunded_lines, 1.0);
  EXPECT_EQ(off.scheme.applications, 0.0);
  EXPECT_EQ(off.projects.grant[0], 0.0);
}

TEST(Nifs, ClosedSchemeLineNeedsSpaceAndStaffAndRefusedOnesTakeNeither) {
  Params p = certain_params();
  FirmTable f = planning_firms(1, p, 2);
  const double cash0 = f.cash[0];
  Nifs nifs = nifs_with(p);
  Land land = land_with(1e6);
  Talent nobody = talent_with(0.0);
  nifs_year(nifs, f, land, nobody, 2018, p.nifs, p, Rng(3));
  EXPECT_EQ(nifs.unfunded_lines, 0.0);
  EXPECT_EQ(f.projects[0], 0);
  EXPECT_DOUBLE_EQ(f.cash[0], cash0);
  EXPECT_EQ(land.claimed[0], 0.0);  // the line that was not built holds no floor space
  Land full = land_with(0.0);
  Talent staff = talent_with(1e4);
  nifs_year(nifs, f, full, staff, 2018, p.nifs, p, Rng(3));
  EXPECT_EQ(nifs.unfunded_lines, 0.0);
  EXPECT_EQ(staff.hired, 0.0);
  EXPECT_TRUE(nifs.projects.firm_id.empty());
}

}  // namespace nisim::hk

namespace nisim::hk {

TEST(Nifs, ProjectLinesAreOnePlusAGeometricNumberWithTheMeanTruncatedAtTheRoom) {
  NifsParams np;
  np.lines_mean = 1.0;  // always one line
  EXPECT_EQ(nifs_project_lines(np, 1e-9, 6), 1);
  EXPECT_EQ(nifs_project_lines(np, 0.5, 6), 1);
  np.lines_mean = 3.0;  // q = 2/3: n = 1 + floor(ln u / ln q)
  EXPECT_EQ(nifs_project_lines(np, 0.9, 6), 1);
  EXPECT_EQ(nifs_project_lines(np, 0.5, 6), 2);   // ln 0.5 / ln(2/3) = 1.71
  EXPECT_EQ(nifs_project_lines(np, 0.2, 6), 4);   // 3.97
  EXPECT_EQ(nifs_project_lines(np, 0.01, 6), 6);  // 11.4, truncated at the room
  EXPECT_EQ(nifs_project_lines(np, 0.01, 2), 2);
  // Mean over a fine grid of u: lines_mean before truncation (E[1 + Geometric] = 1 / (1 - q)).
  double sum = 0.0;
  const int n = 200000;
  for (int k = 0; k < n; ++k) sum += nifs_project_lines(np, (k + 0.5) / n, 64);
  EXPECT_NEAR(sum / n, 3.0, 0.01);
}

TEST(Nifs, AProjectFundsSeveralLinesAndEachRaisesTfpOnCompletion) {
  Params p = certain_params();
  p.nifs.lines_mean = 1e9;  // draws far above the room: every project fills the room
  p.line_max = 3;
  p.nifs.build_years = 1;
  FirmTable f = planning_firms(1, p);
  const double cash0 = f.cash[0], log_tfp0 = f.log_tfp[0];
  Nifs nifs = nifs_with(p);
  Land land = land_with(1e6);
  Talent talent = talent_with(1e4);
  nifs_year(nifs, f, land, talent, 2021, p.nifs, p, Rng(3));
  ASSERT_EQ(nifs.projects.lines.size(), 1u);
  EXPECT_EQ(nifs.projects.lines[0], 3);  // one project, three lines
  EXPECT_DOUBLE_EQ(nifs.projects.cost[0], 3.0 * p.line_cost);
  EXPECT_EQ(nifs.scheme.applications, 1.0);
  EXPECT_EQ(nifs.scheme.approvals, 1.0);
  EXPECT_EQ(nifs.funded_projects, 1.0);
  EXPECT_EQ(nifs.funded_lines, 3.0);  // counted separately from projects
  EXPECT_DOUBLE_EQ(nifs.tech_jobs, 3.0 * p.nifs.jobs_per_line);
  EXPECT_DOUBLE_EQ(land.claimed[site::industrial_buildings], 3.0 * p.nifs.line_floor);
  EXPECT_DOUBLE_EQ(talent.hired, 3.0 * p.nifs.jobs_per_line);
  EXPECT_EQ(f.projects[0], 1);
  EXPECT_DOUBLE_EQ(f.cash[0], cash0 - 3.0 * p.line_cost);

  next_year(f);
  nifs.new_year();
  nifs_year(nifs, f, land, talent, 2022, p.nifs, p, Rng(3));
  EXPECT_EQ(f.smart_lines[0], 3);
  EXPECT_EQ(f.new_lines[0], 3);
  EXPECT_EQ(f.projects[0], 0);
  EXPECT_EQ(nifs.scheme.outcomes, 3.0);
  // eq. 3.4d line by line: the first, second and third lines' gains.
  EXPECT_NEAR(f.log_tfp[0],
              log_tfp0 + line_tfp_gain(0, p) + line_tfp_gain(1, p) + line_tfp_gain(2, p), 1e-15);
  // A firm at the line cap with lines in open projects does not apply (the cap counts them).
  FirmTable g = planning_firms(1, p);
  g.smart_lines[0] = 3;
  Nifs none = nifs_with(p);
  nifs_year(none, g, land, talent, 2023, p.nifs, p, Rng(3));
  EXPECT_EQ(none.scheme.applications, 0.0);
  EXPECT_TRUE(none.projects.firm_id.empty());
}

TEST(Nifs, TheFifteenMillionOrOneThirdCapBindsPerProjectNotPerLine) {
  Params p = certain_params();
  p.line_cost = 20.0;  // one third is 6.67 a line
  p.line_max = 6;
  p.nifs.lines_mean = 1e9;  // every project fills the room
  FirmTable f = planning_firms(2, p);
  f.smart_lines[0] = 3;  // room for 3 lines: a project of 60, grant min(20, 15) = 15
  f.smart_lines[1] = 5;  // room for 1 line: a project of 20, grant min(6.67, 15) = 6.67
  Nifs nifs = nifs_with(p);
  Land land = land_with(1e6);
  Talent talent = talent_with(1e4);
  nifs_year(nifs, f, land, talent, 2021, p.nifs, p, Rng(3));
  ASSERT_EQ(nifs.projects.grant.size(), 2u);
  EXPECT_EQ(nifs.projects.lines[0], 3);
  EXPECT_DOUBLE_EQ(nifs.projects.grant[0], 15.0);  // not 3 x 6.67 = 20
  EXPECT_EQ(nifs.projects.lines[1], 1);
  EXPECT_DOUBLE_EQ(nifs.projects.grant[1], 20.0 / 3.0);
  EXPECT_DOUBLE_EQ(nifs.scheme.budget.committed(), 15.0 + 20.0 / 3.0);
  EXPECT_DOUBLE_EQ(nifs.private_investment, (60.0 - 15.0) + (20.0 - 20.0 / 3.0));
  EXPECT_EQ(nifs.funded_lines, 4.0);
  EXPECT_EQ(nifs.funded_projects, 2.0);
}

TEST(Nifs, ProjectCostIsLognormalWithMeanLinesTimesLineCost) {
  Params p = certain_params(1e9);
  p.nifs.cost_sigma = 0.5;
  p.nifs.approval_lag = 5;  // keep the applications in the queue
  FirmTable f = planning_firms(20000, p);
  Nifs nifs = nifs_with(p);
  Land land = land_with(1e9);
  Talent talent = talent_with(1e9);
  nifs_year(nifs, f, land, talent, 2021, p.nifs, p, Rng(3));
  const std::size_t n = nifs.projects.cost.size();
  ASSERT_EQ(n, 20000u);
  double sum = 0.0, big = 0.0;
  for (double c : nifs.projects.cost) {
    sum += c;
    big += c > 3.0 * p.line_cost;
  }
  EXPECT_NEAR(sum / n, p.line_cost, 0.02 * p.line_cost);  // mean 1 factor (eq. 4.1f)
  // P(factor > 3) = P(z > (ln 3 + 0.125) / 0.5 = 2.447) = 0.0072
  EXPECT_NEAR(big / n, 0.0072, 0.0018);  // 3 standard errors
}

TEST(Nifs, AFirmHoldsAtMostThreeProjectsFromJanuary2024AndOneBefore) {
  Params p = certain_params(1e6);
  p.tfp_sigma = 0.0;
  p.line_noise_sigma = 0.0;
  p.exit_hazard_young = p.exit_hazard_mature = 0.0;
  p.line_max = 20;
  p.nifs.approval_lag = 10;  // applications stay open: the limit alone stops new ones
  FirmTable f;
  resize_rows(f, 1);
  init_firm_row(f, 0, 1, 0, site::industrial_buildings, 5000.0, 10, k_wage, p,
                0.0);  // every line pays
  f.cash[0] = 1e6;
  Nifs nifs = nifs_with(p);
  Land land = land_with(1e6);
  Talent talent = talent_with(1e4);
  std::vector<int> open;
  for (int year = 2021; year <= 2027; ++year) {
    FirmEnvironment env{year, k_wage, nifs_grant(p.nifs, year, p.line_cost)};
    env.project_limit = nifs_project_limit(p.nifs, year);
    update_firm_rows(f, 0, 1, env, p, Rng(3));
    nifs.new_year();
    nifs_year(nifs, f, land, talent, year, p.nifs, p, Rng(3));
    open.push_back(f.projects[0]);
  }
  // 2021-2023: one project at a time; from 2024 one more a year up to 3 (eq. 4.1b).
  EXPECT_EQ(open, (std::vector<int>{1, 1, 1, 2, 3, 3, 3}));
  EXPECT_EQ(nifs.projects.firm_id.size(), 3u);
}

TEST(Nifs, UptakeRisesLinearlyAndFirmsNotApplyingBuildOnlyLinesThatPayAlone) {
  NifsParams np;
  np.terms = {true, 2020, 2040, 2000.0};
  np.uptake_start = 0.25;
  np.uptake_years = 3;
  EXPECT_DOUBLE_EQ(nifs_uptake(np, 2019), 0.25);  // before launch: the launch value
  EXPECT_DOUBLE_EQ(nifs_uptake(np, 2020), 0.25);
  EXPECT_DOUBLE_EQ(nifs_uptake(np, 2021), 0.5);
  EXPECT_DOUBLE_EQ(nifs_uptake(np, 2022), 0.75);
  EXPECT_DOUBLE_EQ(nifs_uptake(np, 2023), 1.0);
  EXPECT_DOUBLE_EQ(nifs_uptake(np, 2030), 1.0);
  np.uptake_years = 0;
  EXPECT_DOUBLE_EQ(nifs_uptake(np, 2020), 1.0);

  Params p = certain_params();
  p.nifs.uptake_start = 0.0;
  p.nifs.uptake_years = 2;
  p.nifs.approval_lag = 3;
  // 2020: nobody applies. Firms 1-2000 need the grant; firms 2001-4000 have a line that pays
  // alone: they build it at their own cost.
  FirmTable f = planning_firms(4000, p);
  for (std::size_t i = 2000; i < 4000; ++i) f.line_plan[i] = 2;
  Nifs nifs = nifs_with(p);
  Land land = land_with(1e9);
  Talent talent = talent_with(1e9);
  nifs_year(nifs, f, land, talent, 2020, p.nifs, p, Rng(3));
  EXPECT_EQ(nifs.scheme.applications, 0.0);
  EXPECT_EQ(nifs.not_applied, 4000.0);
  EXPECT_EQ(nifs.unfunded_lines, 2000.0);
  EXPECT_EQ(f.projects[0], 0);
  EXPECT_EQ(f.projects[2000], 1);
  // 2021: uptake one half: about half of the planning firms apply.
  FirmTable g = planning_firms(4000, p);
  Nifs half = nifs_with(p);
  nifs_year(half, g, land, talent, 2021, p.nifs, p, Rng(3));
  EXPECT_NEAR(half.scheme.applications / 4000.0, 0.5, 0.03);
  EXPECT_EQ(half.scheme.applications + half.not_applied, 4000.0);
}

TEST(Nifs, AdditionalityCountsFundedLinesThatWouldHavePaidWithoutTheGrant) {
  Params p = certain_params();
  p.nifs.lines_mean = 1e9;  // every project fills the room
  p.line_max = 3;
  FirmTable f = planning_firms(3, p);
  f.line_plan[0] = 1;  // needs the grant for every line: all 3 lines additional
  f.line_plan[1] = 2;  // its first line pays alone: 1 of 3 non-additional
  f.line_plan[2] = 4;  // all 3 pay alone
  Nifs nifs = nifs_with(p);
  Land land = land_with(1e6);
  Talent talent = talent_with(1e4);
  nifs_year(nifs, f, land, talent, 2021, p.nifs, p, Rng(3));
  EXPECT_EQ(nifs.funded_lines, 9.0);
  EXPECT_EQ(nifs.nonadditional_lines, 0.0 + 1.0 + 3.0);
  // Refused projects count in neither.
  p.nifs.success_rate = 0.0;
  FirmTable g = planning_firms(1, p, 4);
  Nifs refused = nifs_with(p);
  nifs_year(refused, g, land, talent, 2021, p.nifs, p, Rng(3));
  EXPECT_EQ(refused.funded_lines, 0.0);
  EXPECT_EQ(refused.nonadditional_lines, 0.0);
}

TEST(Nifs, ARefusedApplicantBuildsTheLinesThatPayAloneAtItsOwnCost) {
  // eq. 4.1i: the project's lines that pay without the grant (line_plan - 1 of them) are built
  // at the firm's own cost in the year of the refusal; lines that need the grant are not.
  const Params p = refusing_params();
  FirmTable f = planning_firms(2, p);
  f.line_plan[0] = 1;  // no line pays alone: nothing to build after the refusal
  f.line_plan[1] = 3;  // two lines pay alone
  const double cash0 = f.cash[0], cash1 = f.cash[1];
  Nifs nifs = nifs_with(p);
  Land land = land_with(1e6);
  Talent talent = talent_with(1e4);
  nifs_year(nifs, f, land, talent, 2021, p.nifs, p, Rng(3));
  EXPECT_EQ(nifs.scheme.approvals, 0.0);
  EXPECT_EQ(nifs.funded_lines, 0.0);
  EXPECT_EQ(nifs.unfunded_lines, 2.0);
  EXPECT_EQ(nifs.refused_built_own, 2.0);
  EXPECT_EQ(f.projects[0], 0);
  EXPECT_EQ(f.projects[1], 1);  // the own-cost project replaces the refused application
  EXPECT_DOUBLE_EQ(f.cash[0], cash0);
  EXPECT_DOUBLE_EQ(f.cash[1], cash1 - 2.0 * p.line_cost);
  EXPECT_DOUBLE_EQ(land.claimed[site::industrial_buildings], 2.0 * p.nifs.line_floor);
  EXPECT_DOUBLE_EQ(talent.hired, 2.0 * p.nifs.jobs_per_line);
  ASSERT_EQ(nifs.projects.firm_id.size(), 1U);
  EXPECT_EQ(nifs.projects.grant[0], 0.0);
  for (int year = 2022; year <= 2023; ++year) {  // build_years = 2: complete in 2023, no grant
    next_year(f);
    nifs_year(nifs, f, land, talent, year, p.nifs, p, Rng(3));
  }
  EXPECT_EQ(f.smart_lines[0], 0);
  EXPECT_EQ(f.smart_lines[1], 2);
  EXPECT_EQ(f.subsidy[1], 0.0);
  EXPECT_TRUE(nifs.projects.firm_id.empty());
}

TEST(Nifs, WithoutTheRuleOrTheFloorSpaceARefusedApplicantBuildsNothing) {
  Params p = refusing_params();
  for (const bool rule : {false, true}) {
    p.nifs.refused_build_own = rule;
    FirmTable f = planning_firms(1, p, 3);
    const double cash = f.cash[0];
    Nifs nifs = nifs_with(p);
    Land land = land_with(rule ? 0.0 : 1e6);  // with the rule on: no floor space for the lines
    Talent talent = talent_with(1e4);
    nifs_year(nifs, f, land, talent, 2021, p.nifs, p, Rng(3));
    EXPECT_EQ(nifs.unfunded_lines, 0.0) << rule;
    EXPECT_EQ(nifs.refused_built_own, 0.0) << rule;
    EXPECT_EQ(f.projects[0], 0) << rule;
    EXPECT_DOUBLE_EQ(f.cash[0], cash) << rule;
    EXPECT_EQ(land.claimed[site::industrial_buildings], 0.0) << rule;
    EXPECT_EQ(talent.hired, 0.0) << rule;
    EXPECT_TRUE(nifs.projects.firm_id.empty()) << rule;
  }
}

}  // namespace nisim::hk
