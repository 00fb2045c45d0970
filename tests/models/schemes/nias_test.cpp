// Strategic enterprises and NIAS: grants, decisions, land and staff, completion and the
// programme budget (docs/model.md section 4.2).
#include "models/schemes/nias.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "models/params.hpp"
#include "models/schemes/talent.hpp"

namespace nisim::hk {
namespace {

std::array<double, 10> floor_per_worker() {
  std::array<double, 10> f{};
  const Params p;
  for (int s = 0; s < k_sectors; ++s) f[s] = p.sector[s].floor_per_worker;
  return f;
}

/// Persons per HK$ M invested by sector at a wage of HK$ 0.2 M (eqs. 3.8a-c, default params).
std::array<double, 10> jobs_per_investment() {
  std::array<double, 10> j{};
  const Params p;
  for (int s = 0; s < k_sectors; ++s) j[s] = plant_jobs_per_investment(s, 0.2, p);
  return j;
}

/// No random arrivals, every enterprise in OASES talks lands at once, and every landed
/// enterprise decides every year.
EnterpriseParams decisive() {
  EnterpriseParams e;
  e.talks = {{2016}, {0.0}};
  e.conversion_rate = 1.0;
  e.decide_rate = 1.0;
  e.max_talks = 3;
  return e;
}

NiasParams nias_terms(double budget = 10000.0) {
  NiasParams n;
  n.terms = {true, 2024, 2040, budget};
  n.build_years = 2;
  return n;
}

Enterprises enterprises_with(const NiasParams& np) {
  Enterprises e;
  e.nias.budget = Budget(np.terms.budget);
  return e;
}

/// Put an enterprise in talks by hand.
void add_prospect(Enterprises& ent, int sector, double investment, double margin, int arrived,
                  const EnterpriseParams&) {
  Prospects& q = ent.prospects;
  const double employment = investment * jobs_per_investment()[sector];
  q.id.push_back(ent.next_id++);
  q.sector.push_back(static_cast<std::uint8_t>(sector));
  q.investment.push_back(investment);
  q.margin.push_back(margin);
  q.arrived.push_back(arrived);
  q.done.push_back(0);
  q.grant.push_back(0.0);
  q.site.push_back(0);
  q.employment.push_back(employment);
  q.floor.push_back(floor_per_worker()[sector] * employment);
}

Land land_with(double m2) {
  Land land;
  land.supply.fill(m2);
  return land;
}

Talent talent_with(double pool) {
  Talent t;
  t.pool = pool;
  return t;
}

void expect_identity(const Budget& b) {
  EXPECT_NEAR(b.total(), b.spent() + b.committed() + b.remaining(), 1e-9 * (1.0 + b.total()));
  EXPECT_LE(b.spent() + b.committed(), b.total() + 1e-9);
}

}  // namespace

TEST(Nias, GrantIsShareOfInvestmentCappedAboveTheMinimumWhileOpen) {
  NiasParams np = nias_terms();
  np.share = 1.0 / 3.0;
  np.cap = 200.0;
  np.min_investment = 200.0;
  EXPECT_DOUBLE_EQ(nias_grant(np, 2025, 300.0), 100.0);  // eq. 4.2a
  EXPECT_DOUBLE_EQ(nias_grant(np, 2025, 200.0), 200.0 / 3.0);
  EXPECT_DOUBLE_EQ(nias_grant(np, 2025, 600.0), 200.0);  // the cap binds from 600
  EXPECT_DOUBLE_EQ(nias_grant(np, 2040, 5000.0), 200.0);
  EXPECT_EQ(nias_grant(np, 2025, 199.0), 0.0);  // below the minimum investment
  EXPECT_EQ(nias_grant(np, 2023, 300.0), 0.0);  // before it opens
  EXPECT_EQ(nias_grant(np, 2041, 300.0), 0.0);  // after it closes
  np.terms.enabled = false;
  EXPECT_EQ(nias_grant(np, 2025, 300.0), 0.0);
}

TEST(Enterprise, WithdrawsWhenMarginPlusGrantShareIsNotPositive) {
  const NiasParams np = nias_terms();
  const EnterpriseParams ep = decisive();
  Enterprises ent = enterprises_with(np);
  // I = 300: grant 100, grant / I = 1/3.
  add_prospect(ent, 7, 300.0, -0.40, 2025, ep);  // -0.067: withdraws
  add_prospect(ent, 7, 300.0, -0.30, 2025, ep);  // +0.033: commits with the grant
  add_prospect(ent, 7, 150.0, -0.01, 2025, ep);  // below the minimum: no grant, withdraws
  add_prospect(ent, 7, 150.0, 0.05, 2025, ep);   // pays without a grant: commits
  Land land = land_with(1e7);
  Talent talent = talent_with(1e5);
  enterprises_year(ent, land, talent, 2025, np, ep, floor_per_worker(), jobs_per_investment(),
                   Rng(1));
  EXPECT_EQ(ent.withdrawn, 2.0);
  EXPECT_EQ(ent.committed, 2.0);
  ASSERT_EQ(ent.prospects.id.size(), 2u);
  EXPECT_EQ(ent.prospects.id[0], 2u);
  EXPECT_EQ(ent.prospects.id[1], 4u);
  EXPECT_DOUBLE_EQ(ent.prospects.grant[0], 100.0);
  EXPECT_EQ(ent.prospects.grant[1], 0.0);
  EXPECT_EQ(ent.nias.approvals, 1.0);  // only the funded one is a NIAS approval
  EXPECT_EQ(ent.nias.applications, 2.0);
  EXPECT_EQ(ent.nias_enterprises, 1.0);
  EXPECT_DOUBLE_EQ(ent.nias_investment, 300.0);
  EXPECT_DOUBLE_EQ(ent.nias.budget.committed(), 100.0);

  // Before the scheme opens the same enterprise as the second above has no grant and leaves.
  Enterprises early = enterprises_with(np);
  add_prospect(early, 7, 300.0, -0.30, 2022, ep);
  enterprises_year(early, land, talent, 2022, np, ep, floor_per_worker(), jobs_per_investment(),
                   Rng(1));
  EXPECT_EQ(early.withdrawn, 1.0);
  EXPECT_TRUE(early.prospects.id.empty());
  EXPECT_EQ(early.nias.budget.committed(), 0.0);
}

TEST(Enterprise, UndecidedEnterpriseWaitsAndGivesUpAfterMaxTalks) {
  const NiasParams np = nias_terms();
  EnterpriseParams ep = decisive();
  ep.decide_rate = 0.0;  // never decides
  ep.max_talks = 2;
  Enterprises ent = enterprises_with(np);
  add_prospect(ent, 7, 300.0, 0.5, 2025, ep);
  Land land = land_with(1e7);
  Talent talent = talent_with(1e5);
  for (int year = 2025; year <= 2026; ++year) {
    ent.new_year();
    enterprises_year(ent, land, talent, year, np, ep, floor_per_worker(), jobs_per_investment(),
                     Rng(1));
    EXPECT_EQ(ent.withdrawn, 0.0) << year;
    EXPECT_EQ(ent.prospects.id.size(), 1u) << year;
  }
  ent.new_year();
  enterprises_year(ent, land, talent, 2027, np, ep, floor_per_worker(), jobs_per_investment(),
                   Rng(1));
  EXPECT_EQ(ent.withdrawn, 1.0);
  EXPECT_TRUE(ent.prospects.id.empty());
  EXPECT_EQ(ent.committed, 0.0);
}

TEST(Enterprise, WithNoVacantSiteItWaitsThenGivesUpAfterMaxTalks) {
  const NiasParams np = nias_terms();
  EnterpriseParams ep = decisive();
  ep.max_talks = 2;
  Enterprises ent = enterprises_with(np);
  add_prospect(ent, 9, 900.0, 0.0, 2025, ep);
  Land land = land_with(0.0);
  land.supply[site::industrial_buildings] = 1e9;  // not a site NIAS facilities go to
  Talent talent = talent_with(1e5);
  for (int year = 2025; year <= 2026; ++year) {
    ent.new_year();
    enterprises_year(ent, land, talent, year, np, ep, floor_per_worker(), jobs_per_investment(),
                     Rng(1));
    SCOPED_TRACE(year);
    EXPECT_EQ(ent.waiting_land, 1.0);
    EXPECT_EQ(ent.withdrawn, 0.0);
    EXPECT_EQ(ent.committed, 0.0);
    ASSERT_EQ(ent.prospects.id.size(), 1u);
    EXPECT_EQ(ent.prospects.done[0], 0);
    EXPECT_EQ(ent.nias.budget.committed(), 0.0);  // nothing committed while it waits
    EXPECT_EQ(talent.hired, 0.0);
    for (int s : preferred_sites(9)) EXPECT_GT(land.refused[s], 0.0) << "site " << s;
    for (int s = 0; s < k_sites; ++s) EXPECT_EQ(land.reserved[s], 0.0);
    land.refused.fill(0.0);
  }
  ent.new_year();
  enterprises_year(ent, land, talent, 2027, np, ep, floor_per_worker(), jobs_per_investment(),
                   Rng(1));
  EXPECT_EQ(ent.waiting_land, 1.0);
  EXPECT_EQ(ent.withdrawn, 1.0);
  EXPECT_TRUE(ent.prospects.id.empty());
}

TEST(Enterprise, WithNoStaffItWaitsAndReturnsTheSpaceItTried) {
  const NiasParams np = nias_terms();
  const EnterpriseParams ep = decisive();
  Enterprises ent = enterprises_with(np);
  add_prospect(ent, 7, 500.0, 0.0, 2025, ep);
  Land land = land_with(1e7);
  Talent talent = talent_with(1.0);
  enterprises_year(ent, land, talent, 2025, np, ep, floor_per_worker(), jobs_per_investment(),
                   Rng(1));
  EXPECT_EQ(ent.waiting_talent, 1.0);
  EXPECT_EQ(ent.committed, 0.0);
  EXPECT_EQ(ent.prospects.done[0], 0);
  for (int s = 0; s < k_sites; ++s) EXPECT_EQ(land.reserved[s], 0.0) << "site " << s;
  EXPECT_DOUBLE_EQ(talent.pool, 1.0);
  EXPECT_EQ(ent.nias.budget.committed(), 0.0);
}

TEST(Enterprise, SitesAreTriedInOrderOfPreference) {
  const NiasParams np = nias_terms();
  const EnterpriseParams ep = decisive();
  Enterprises ent = enterprises_with(np);
  add_prospect(ent, 7, 500.0, 0.1, 2025, ep);  // life and health: HKSTP centres first
  add_prospect(ent, 8, 500.0, 0.1, 2025, ep);  // AI and data: Sha Ling first
  Land land = land_with(1e7);
  land.supply[site::innopark_centres] = 0.0;  // full: the first goes to its second choice
  Talent talent = talent_with(1e5);
  enterprises_year(ent, land, talent, 2025, np, ep, floor_per_worker(), jobs_per_investment(),
                   Rng(1));
  ASSERT_EQ(ent.committed, 2.0);
  EXPECT_EQ(preferred_sites(7)[0], site::innopark_centres);
  EXPECT_EQ(preferred_sites(8)[0], site::sha_ling);
  EXPECT_EQ(ent.prospects.site[0], preferred_sites(7)[1]);
  EXPECT_EQ(ent.prospects.site[1], site::sha_ling);
  EXPECT_DOUBLE_EQ(land.reserved[site::sha_ling], ent.prospects.floor[1]);
}

TEST(Enterprise, CommittedFacilityCompletesAfterBuildYearsPaysAndBecomesAPlant) {
  const NiasParams np = nias_terms();
  const EnterpriseParams ep = decisive();
  Enterprises ent = enterprises_with(np);
  add_prospect(ent, 9, 450.0, -0.1, 2025, ep);
  const double floor = ent.prospects.floor[0], employment = ent.prospects.employment[0];
  Land land = land_with(1e7);
  Talent talent = talent_with(1e5);
  const double grant = nias_grant(np, 2025, 450.0);
  ASSERT_DOUBLE_EQ(grant, 150.0);

  enterprises_year(ent, land, talent, 2025, np, ep, floor_per_worker(), jobs_per_investment(),
                   Rng(1));
  ASSERT_EQ(ent.committed, 1.0);
  const int site_used = ent.prospects.site[0];
  EXPECT_EQ(ent.prospects.done[0], 2027);
  EXPECT_DOUBLE_EQ(land.reserved[site_used], floor);
  EXPECT_DOUBLE_EQ(talent.hired, ep.tech_share * employment);
  EXPECT_DOUBLE_EQ(ent.nias.budget.committed(), grant);
  EXPECT_EQ(ent.nias.paid, 0.0);
  EXPECT_TRUE(ent.plants.empty());

  ent.new_year();
  enterprises_year(ent, land, talent, 2026, np, ep, floor_per_worker(), jobs_per_investment(),
                   Rng(1));
  EXPECT_TRUE(ent.plants.empty());
  EXPECT_DOUBLE_EQ(land.reserved[site_used], floor);

  ent.new_year();
  enterprises_year(ent, land, talent, 2027, np, ep, floor_per_worker(), jobs_per_investment(),
                   Rng(1));
  ASSERT_EQ(ent.plants.size(), 1u);
  EXPECT_EQ(ent.plants[0].sector, 9);
  EXPECT_EQ(ent.plants[0].site, site_used);
  EXPECT_DOUBLE_EQ(ent.plants[0].employment, employment);
  EXPECT_DOUBLE_EQ(ent.plants[0].grant, grant);
  EXPECT_DOUBLE_EQ(ent.nias.paid, grant);
  EXPECT_DOUBLE_EQ(ent.nias.budget.spent(), grant);
  EXPECT_DOUBLE_EQ(ent.nias.budget.committed(), 0.0);
  EXPECT_EQ(ent.nias.outcomes, 1.0);
  // The reservation is handed over to the new firm as its floor space.
  EXPECT_NEAR(land.reserved[site_used], 0.0, 1e-9);
  EXPECT_DOUBLE_EQ(land.claimed[site_used], floor);
  EXPECT_TRUE(ent.prospects.id.empty());
  expect_identity(ent.nias.budget);
}

TEST(Enterprise, CompletedFacilityKeepsItsSpaceFromLaterDecisionsThatYear) {
  const NiasParams np = nias_terms();
  const EnterpriseParams ep = decisive();
  Enterprises ent = enterprises_with(np);
  add_prospect(ent, 7, 500.0, 0.1, 2025, ep);
  const double floor = ent.prospects.floor[0];
  Land land = land_with(0.0);
  land.supply[site::innopark_centres] = floor;  // room for exactly one facility
  Talent talent = talent_with(1e5);
  enterprises_year(ent, land, talent, 2025, np, ep, floor_per_worker(), jobs_per_investment(),
                   Rng(1));
  ASSERT_EQ(ent.committed, 1.0);
  ASSERT_EQ(ent.prospects.site[0], site::innopark_centres);
  // In 2027 the facility completes; an enterprise arriving that year wants the same site.
  land.claimed.fill(0.0);
  add_prospect(ent, 7, 500.0, 0.1, 2027, ep);
  ent.new_year();
  enterprises_year(ent, land, talent, 2027, np, ep, floor_per_worker(), jobs_per_investment(),
                   Rng(1));
  ASSERT_EQ(ent.plants.size(), 1u);
  EXPECT_EQ(ent.committed, 0.0);
  EXPECT_EQ(ent.waiting_land, 1.0);
  EXPECT_NEAR(land.reserved[site::innopark_centres], 0.0, 1e-9);
  EXPECT_DOUBLE_EQ(land.claimed[site::innopark_centres], floor);
  EXPECT_LE(land.occupied(site::innopark_centres), land.supply[site::innopark_centres] + 1e-9);
}

TEST(Enterprise, NiasBudgetIsNeverExceeded) {
  const NiasParams np = nias_terms(450.0);  // two grants of 200 fit, not three
  const EnterpriseParams ep = decisive();
  Enterprises ent = enterprises_with(np);
  for (int k = 0; k < 6; ++k) add_prospect(ent, 7, 900.0, -0.1, 2025, ep);  // need the grant
  Land land = land_with(1e8);
  Talent talent = talent_with(1e6);
  enterprises_year(ent, land, talent, 2025, np, ep, floor_per_worker(), jobs_per_investment(),
                   Rng(1));
  EXPECT_EQ(ent.nias.approvals, 2.0);
  EXPECT_EQ(ent.nias_enterprises, 2.0);
  EXPECT_EQ(ent.committed, 2.0);
  EXPECT_EQ(ent.withdrawn, 4.0);  // without a grant they do not come
  EXPECT_DOUBLE_EQ(ent.nias.budget.committed(), 400.0);
  EXPECT_DOUBLE_EQ(ent.nias.budget.remaining(), 50.0);
  expect_identity(ent.nias.budget);
  // Over years of arrivals with a small budget, the ledger never goes over.
  EnterpriseParams flow = ep;
  flow.talks = {{2016}, {40.0}};
  flow.margin_mean = 0.0;
  flow.decide_rate = 0.5;
  Enterprises many = enterprises_with(np);
  for (int year = 2024; year <= 2040; ++year) {
    many.new_year();
    enterprises_year(many, land, talent, year, np, flow, floor_per_worker(), jobs_per_investment(),
                     Rng(9));
    SCOPED_TRACE(year);
    expect_identity(many.nias.budget);
    EXPECT_GE(many.nias.budget.remaining(), -1e-9);
  }
  EXPECT_GT(many.nias_enterprises, 0.0);
}

TEST(Enterprise, ArrivalsPlanningAFacilityJoinTheTalksInStrategicSectors) {
  const NiasParams np = nias_terms();
  EnterpriseParams ep = decisive();
  ep.talks = {{2016}, {400.0}};
  ep.decide_rate = 0.0;
  ep.production_share = 1.0;
  Enterprises ent = enterprises_with(np);
  Land land = land_with(1e8);
  Talent talent = talent_with(1e6);
  enterprises_year(ent, land, talent, 2025, np, ep, floor_per_worker(), jobs_per_investment(),
                   Rng(4));
  EXPECT_NEAR(ent.landed_cum, 400.0, 5.0 * 20.0);  // normal approximation, s.d. 20
  EXPECT_EQ(static_cast<double>(ent.prospects.id.size()), ent.landed_cum);
  for (std::size_t k = 0; k < ent.prospects.id.size(); ++k) {
    EXPECT_GE(ent.prospects.sector[k], k_first_strategic_sector);
    EXPECT_LT(ent.prospects.sector[k], k_sectors);
    EXPECT_GT(ent.prospects.investment[k], 0.0);
    // eqs. 3.8a-c: staff follow from the investment through the sector's technology.
    EXPECT_DOUBLE_EQ(ent.prospects.employment[k],
                     ent.prospects.investment[k] * jobs_per_investment()[ent.prospects.sector[k]]);
    EXPECT_EQ(ent.prospects.arrived[k], 2025);
    if (k > 0) {
      EXPECT_LT(ent.prospects.id[k - 1], ent.prospects.id[k]);
    }
  }
  // None plans a facility: they count as landed but join no talks.
  ep.production_share = 0.0;
  Enterprises none = enterprises_with(np);
  enterprises_year(none, land, talent, 2025, np, ep, floor_per_worker(), jobs_per_investment(),
                   Rng(4));
  EXPECT_GT(none.landed_cum, 0.0);
  EXPECT_TRUE(none.prospects.id.empty());
}

}  // namespace nisim::hk

namespace nisim::hk {

TEST(Oases, FirmsInTalksLandAtTheConversionRateAndGiveUpAfterTalksYears) {
  EnterpriseParams ep;
  ep.talks = {{2016, 2023}, {1000.0, 0.0}};  // one cohort, entering talks in 2022
  ep.conversion_rate = 0.4;
  ep.talks_years = 3;
  Enterprises ent;
  std::vector<double> landed, in_talks;
  for (int year = 2022; year <= 2026; ++year) {
    oases_year(ent, year, ep, Rng(5));
    landed.push_back(static_cast<double>(ent.landing.size()));
    in_talks.push_back(static_cast<double>(ent.talks.id.size()));
    for (std::size_t k = 1; k < ent.landing.size(); ++k) {
      EXPECT_LT(ent.landing[k - 1], ent.landing[k]);  // in id order
    }
  }
  const double n = ent.talks_cum;
  EXPECT_NEAR(n, 1000.0, 5.0 * std::sqrt(1000.0));
  // Landings fall geometrically: n kappa, n (1 - kappa) kappa, n (1 - kappa)^2 kappa; those
  // still in talks after the third year give up; nothing happens afterwards.
  const double sd = std::sqrt(n * 0.25);
  EXPECT_NEAR(landed[0], n * 0.4, 4.0 * sd);
  EXPECT_NEAR(landed[1], n * 0.6 * 0.4, 4.0 * sd);
  EXPECT_NEAR(landed[2], n * 0.36 * 0.4, 4.0 * sd);
  EXPECT_EQ(landed[3], 0.0);
  EXPECT_EQ(in_talks[2], 0.0);
  EXPECT_NEAR(ent.talks_dropped, n * 0.216, 4.0 * sd);
  // Every firm that entered talks either landed or gave up.
  EXPECT_EQ(ent.landed_cum + ent.talks_dropped, n);
  EXPECT_EQ(ent.landed_cum, landed[0] + landed[1] + landed[2]);
  EXPECT_EQ(in_talks[0], n - landed[0]);

  // kappa = 1: every firm lands in the year it enters talks (talks are arrivals).
  ep.conversion_rate = 1.0;
  Enterprises all;
  oases_year(all, 2022, ep, Rng(5));
  EXPECT_EQ(static_cast<double>(all.landing.size()), all.talks_cum);
  EXPECT_TRUE(all.talks.id.empty());
  // kappa = 0: nobody lands; all give up after talks_years.
  ep.conversion_rate = 0.0;
  Enterprises none;
  for (int year = 2022; year <= 2024; ++year) oases_year(none, year, ep, Rng(5));
  EXPECT_EQ(none.landed_cum, 0.0);
  EXPECT_EQ(none.talks_dropped, none.talks_cum);
}

}  // namespace nisim::hk
