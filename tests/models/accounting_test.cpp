// Identities of the policy model checked every year over whole runs (docs/model.md sections
// 3.5-3.7 and 4; docs/output.md): scheme ledgers, floor space within supply, the count of
// firms, GDP and manufacturing value added, the talent pool, and the NIFS project book.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/table.hpp"
#include "models/model.hpp"
#include "models/phases.hpp"
#include "models/state.hpp"
#include "test_support.hpp"

namespace nisim::hk {
namespace {

/// The small scenario run on to 2030, so that NIAS (from 2024) and its plants take part.
Scenario small_to_2030(const std::string& extra = "") {
  return test::scenario_text("inherit = \"small.toml\"\n" + extra + "[run]\nhorizon = 2030\n");
}

double sum(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x;
  return s;
}

const std::vector<double>& series(const History& h, const std::string& name) {
  const std::vector<double>* v = h.find(name);
  if (v == nullptr) throw std::runtime_error("no series " + name);
  return *v;
}

/// What the checks found over a run, to show the identities were exercised.
struct RunTotals {
  double new_plants = 0.0, funded_lines = 0.0, completions = 0.0, lapsed = 0.0, hired = 0.0;
  double exits = 0.0, entries = 0.0;
};

/// Step `sc` year by year and check every identity after each year; `seen` sums what happened.
void check_identities(const Scenario& sc, int threads, RunTotals& seen) {
  Simulation sim(sc, RunOptions{{}, threads});
  std::map<std::string, double> paid_cum;
  const Params& p = sim.params();
  while (!sim.done()) {
    const State& st = sim.state();
    const std::size_t firms_before = rows(st.firms);
    const std::uint64_t next_id_before = st.next_id;
    const double pool_before = st.talent.pool;
    sim.step();
    const History& h = st.history;
    const std::size_t k = h.years() - 1;
    SCOPED_TRACE("year " + std::to_string(st.year));

    // Every scheme: budget = spent + committed + remaining; never more spent than budgeted;
    // what it paid year by year adds up to what it spent; the output rows agree.
    const auto schemes = schemes_of(st);
    const std::size_t n_schemes = schemes.size();
    EXPECT_EQ(h.scheme_names.size(), n_schemes);
    for (std::size_t j = 0; j < n_schemes; ++j) {
      const auto& [name, sc_] = schemes[j];
      const Budget& b = sc_->budget;
      const double tol = 1e-9 * (1.0 + b.total());
      SCOPED_TRACE(name);
      EXPECT_NEAR(b.total(), b.spent() + b.committed() + b.remaining(), tol);
      EXPECT_LE(b.spent(), b.total() + tol);
      EXPECT_LE(b.spent() + b.committed(), b.total() + tol);
      EXPECT_GE(b.committed(), -tol);
      EXPECT_GE(sc_->paid, 0.0);
      paid_cum[std::string(name)] += sc_->paid;
      EXPECT_NEAR(paid_cum[std::string(name)], b.spent(), tol);
      EXPECT_EQ(h.scheme_names[j], name);
      EXPECT_EQ(h.scheme_spent[k * n_schemes + j], b.spent());
      EXPECT_EQ(h.scheme_committed[k * n_schemes + j], b.committed());
      EXPECT_EQ(h.scheme_remaining[k * n_schemes + j], b.remaining());
      EXPECT_EQ(h.scheme_paid[k * n_schemes + j], sc_->paid);
      // Section 7.3: payments by purpose add up, this year and to date, and are recorded.
      EXPECT_NEAR(sc_->paid_mfg + sc_->paid_other, sc_->paid, tol);
      EXPECT_GE(sc_->paid_mfg, -tol);
      EXPECT_GE(sc_->paid_other, -tol);
      EXPECT_NEAR(b.spent_mfg() + b.spent_other(), b.spent(), tol);
      EXPECT_EQ(h.scheme_paid_mfg[k * n_schemes + j], sc_->paid_mfg);
      EXPECT_EQ(h.scheme_paid_other[k * n_schemes + j], sc_->paid_other);
      EXPECT_EQ(h.scheme_spent_mfg[k * n_schemes + j], b.spent_mfg());
      EXPECT_EQ(h.scheme_spent_other[k * n_schemes + j], b.spent_other());
    }
    // Each scheme's purpose (section 7.3): NIFS and NIAS pay manufacturers only, InnoHK pays
    // research only; RTH posts are manufacturing in proportion to the posts in manufacturing.
    EXPECT_EQ(st.nifs.scheme.paid_other, 0.0);
    EXPECT_EQ(st.enterprises.nias.paid_other, 0.0);
    EXPECT_EQ(st.startups.innohk.paid_mfg, 0.0);
    if (st.talent.rth.paid > 0.0) {
      EXPECT_GE(st.talent.rth.paid_mfg, p.talent.rth_mfg_share * st.talent.rth.paid * (1 - 1e-12));
      EXPECT_LT(st.talent.rth.paid_mfg, st.talent.rth.paid);
    }

    // Floor space: occupied (firms + reserved + claimed) within supply at every site, and the
    // firms' own floor space is all inside what the land accounts hold.
    for (int s = 0; s < k_sites; ++s) {
      SCOPED_TRACE(std::string(k_site_names[s]));
      const double supply = st.land.supply[s];
      EXPECT_LE(st.land.occupied(s), supply * (1.0 + 1e-6) + 1e-6);
      EXPECT_GE(st.land.firms[s], 0.0);
      EXPECT_GE(st.land.reserved[s], 0.0);
      EXPECT_LE(st.totals.floor_space[s],
                (st.land.firms[s] + st.land.claimed[s]) * (1.0 + 1e-9) + 1e-6);
      EXPECT_EQ(h.supply_by_site[k * k_sites + s], supply);
      EXPECT_EQ(h.occupied_by_site[k * k_sites + s], st.land.occupied(s));
    }

    // Firms: year end = start - exits + entries + new plants (NIAS facilities and graduating
    // start-ups). Plants join before the totals are taken (they count this year), entrants
    // after (they count from next year).
    const auto new_plants = static_cast<std::size_t>(st.new_plants() + st.graduate_firms());
    EXPECT_EQ(static_cast<double>(new_plants), st.new_plants() + st.graduate_firms());
    EXPECT_EQ(rows(st.firms), firms_before - static_cast<std::size_t>(st.exits) +
                                  static_cast<std::size_t>(st.entries) + new_plants);
    EXPECT_EQ(st.new_plants(), static_cast<double>(st.enterprises.plants.size()));
    EXPECT_EQ(h.firms[k], static_cast<double>(rows(st.firms)));
    EXPECT_EQ(h.exits[k], static_cast<double>(st.exits));
    EXPECT_EQ(h.entries[k], static_cast<double>(st.entries));
    EXPECT_EQ(series(h, "new_plants")[k], st.new_plants());
    EXPECT_EQ(series(h, "graduate_firms")[k], st.graduate_firms());
    // Official manufacturing by sector plus the plants outside it (section 7.1).
    double active = st.totals.outside_firms, exiting = st.totals.outside_exits;
    for (int s = 0; s < k_sectors; ++s) {
      active += st.totals.firms[s];
      exiting += st.totals.exits[s];
    }
    EXPECT_EQ(active, static_cast<double>(firms_before + new_plants));
    EXPECT_EQ(exiting, static_cast<double>(st.exits));
    // Ids are fresh: every firm born this year has an id above all earlier ones.
    EXPECT_GE(st.next_id, next_id_before);
    for (std::size_t i = 1; i < rows(st.firms); ++i) {
      ASSERT_LT(st.firms.id[i - 1], st.firms.id[i]);
    }

    // Money: GDP = non-manufacturing + manufacturing value added (eq. 3.5b); manufacturing
    // value added is the sum over sectors; grants received by firms are what NIFS and NIAS
    // paid; lines completed are the NIFS completions (funded or not) and new NIAS facilities.
    // Plants outside official manufacturing (AI/data, section 7.1) are in GDP, not in mfg_va.
    const double tol = 1e-9 * st.macro.gdp;
    EXPECT_NEAR(st.macro.gdp, st.macro.nonmfg_va + st.macro.mfg_va + st.macro.outside_va, tol);
    EXPECT_NEAR(h.gdp[k], h.nonmfg_va[k] + h.mfg_va[k] + series(h, "outside_va")[k], tol);
    EXPECT_EQ(series(h, "outside_va")[k], st.totals.outside_va);
    EXPECT_NEAR(
        sum(std::vector<double>(st.totals.value_added.begin(), st.totals.value_added.end())),
        st.macro.mfg_va, 1e-9 * st.macro.mfg_va);
    EXPECT_NEAR(st.totals.grants, st.nifs.scheme.paid + st.enterprises.nias.paid,
                1e-9 * (1.0 + st.totals.grants));
    // Lines completed: NIFS completions plus one smart line per new NIAS facility.
    EXPECT_EQ(st.totals.new_lines, st.nifs.scheme.outcomes + st.new_plants());
    EXPECT_EQ(h.line_grants[k], st.nifs.scheme.paid);
    // NIFS (section 4.1): projects funded are the approvals; their lines are at least as many,
    // and those that paid without the grant are among them (eq. 4.1h).
    EXPECT_GE(st.nifs.funded_lines, st.nifs.funded_projects);
    EXPECT_LE(st.nifs.nonadditional_lines, st.nifs.funded_lines);
    // OASES (eq. 4.2f): every enterprise that entered talks landed, is in talks or gave up.
    const Enterprises& ent = st.enterprises;
    EXPECT_EQ(ent.talks_cum,
              ent.landed_cum + static_cast<double>(ent.talks.id.size()) + ent.talks_dropped);

    // Talent (eqs. 4.3a, 4.6b): P_t = (1 - a) P_{t-1} + inflow - project hires - incumbents'
    // draw + released staff who return.
    const Talent& t = st.talent;
    const TechMarket& m = st.tech;
    EXPECT_NEAR(t.left, p.talent.attrition * pool_before, 1e-9 * (1.0 + pool_before));
    EXPECT_NEAR(t.pool,
                (1.0 - p.talent.attrition) * pool_before + t.inflow - t.hired - m.incumbent_hired +
                    m.returned,
                1e-9 * (1.0 + pool_before + t.inflow + m.returned));
    EXPECT_GE(t.pool, -1e-9);
    EXPECT_EQ(series(h, "talent_pool")[k], t.pool);

    // The NIFS book: every open project belongs to a firm in the table, and each firm's
    // project count is the number of its open projects, within the limit.
    std::map<std::uint64_t, int> open;
    for (std::uint64_t id : st.nifs.projects.firm_id) ++open[id];
    double projects = 0.0;
    for (std::size_t i = 0; i < rows(st.firms); ++i) {
      projects += st.firms.projects[i];
      const auto it = open.find(st.firms.id[i]);
      ASSERT_EQ(st.firms.projects[i], it == open.end() ? 0 : it->second)
          << "firm " << st.firms.id[i];
      ASSERT_LE(st.firms.projects[i], st.env.project_limit) << "firm " << st.firms.id[i];
    }
    EXPECT_EQ(projects, static_cast<double>(st.nifs.projects.firm_id.size()));

    seen.new_plants += st.new_plants();
    seen.funded_lines = st.nifs.funded_lines;
    seen.completions += st.nifs.scheme.outcomes;
    seen.lapsed += st.nifs.lapsed;
    seen.hired += t.hired;
    seen.exits += static_cast<double>(st.exits);
    seen.entries += static_cast<double>(st.entries);
  }
}

}  // namespace

TEST(Accounting, PolicyIdentitiesHoldEveryYearOfTheSmallScenario) {
  RunTotals seen;
  check_identities(test::small_scenario(), 2, seen);
  EXPECT_GT(seen.exits, 0.0);
  EXPECT_GT(seen.entries, 0.0);
  EXPECT_GT(seen.funded_lines, 0.0);  // NIFS opens in 2020
  EXPECT_GT(seen.hired, 0.0);
}

TEST(Accounting, PolicyIdentitiesHoldEveryYearWithNiasPlantsTo2030) {
  RunTotals seen;
  check_identities(small_to_2030(), 2, seen);
  EXPECT_GT(seen.new_plants, 0.0);  // the firm-count identity includes plants
  EXPECT_GT(seen.funded_lines, 0.0);
  EXPECT_GT(seen.completions, 0.0);
  EXPECT_GT(seen.lapsed, 0.0);
}

TEST(Accounting, ManufacturingValueAddedIsTheSumOverFirmsEveryYear) {
  // The phases of the schedule driven one by one, so that the firm table can be read at the
  // moment the year's totals are taken (exits leave right after).
  const Scenario sc = small_to_2030();
  ASSERT_TRUE(sc.shocks.empty());
  const Params p = params_from(sc);
  using Fn = void (*)(State&, const Params&);
  const std::vector<std::pair<std::string, Fn>> phases = {
      {"set_environment", set_environment},
      {"update_firms", update_firms},
      {"clear_markets", clear_markets},
      {"allocate_floor", allocate_floor},
      {"staff_and_knowledge", staff_and_knowledge},
      {"fund_lines", fund_lines},
      {"attract_enterprises", attract_enterprises},
      {"start_ventures", start_ventures},
      {"venture_rounds", venture_rounds},
      {"venture_outcomes", venture_outcomes},
      {"graduate_startups", graduate_startups},
      {"account_firms", account_firms},
      {"remove_exits", remove_exits},
      {"enter_firms", enter_firms},
      {"account_macro", account_macro},
      {"update_knowledge", update_knowledge},
      {"record_year", record_year}};
  std::vector<std::string> names = {"apply_shocks"};
  for (const auto& ph : phases) names.push_back(ph.first);
  ASSERT_EQ(names, phase_names()) << "the schedule changed: update this test";

  Parallel par(2);
  State st(par, static_cast<std::uint64_t>(p.seed));
  initialise(st, p);
  // Official manufacturing: firms outside it (AI/data plants, section 7.1) are summed apart.
  auto firm_va = [&st] {
    double v = 0.0;
    for (std::size_t i = 0; i < rows(st.firms); ++i) {
      v += st.firms.official[i] != 0 ? st.firms.value_added[i] : 0.0;
    }
    return v;
  };
  auto outside_va = [&st] {
    double v = 0.0;
    for (std::size_t i = 0; i < rows(st.firms); ++i) {
      v += st.firms.official[i] == 0 ? st.firms.value_added[i] : 0.0;
    }
    return v;
  };
  EXPECT_NEAR(st.macro.mfg_va, firm_va(), 1e-9 * st.macro.mfg_va);
  int years_with_exits = 0;
  for (int year = static_cast<int>(p.base_year) + 1; year <= p.horizon; ++year) {
    SCOPED_TRACE("year " + std::to_string(year));
    st.year = year;
    double va_at_account = 0.0, outside_at_account = 0.0;
    for (const auto& [name, fn] : phases) {
      fn(st, p);
      if (name == "account_firms") {
        va_at_account = firm_va();
        outside_at_account = outside_va();
      }
    }
    EXPECT_NEAR(st.macro.mfg_va, va_at_account, 1e-9 * st.macro.mfg_va);
    EXPECT_NEAR(st.macro.outside_va, outside_at_account, 1e-9 * st.macro.mfg_va);
    EXPECT_NEAR(st.macro.gdp, st.macro.nonmfg_va + va_at_account + outside_at_account,
                1e-9 * st.macro.gdp);
    EXPECT_EQ(st.history.mfg_va.back(), st.macro.mfg_va);
    years_with_exits += st.exits > 0;
  }
  EXPECT_GT(years_with_exits, 0);  // so the sum had to be taken before exits left
  // The driven run is the run: the same history as Simulation gives.
  EXPECT_EQ(st.history, run(sc, RunOptions{{}, 2}).history);
}

TEST(Accounting, NifsSwitchedOffFundsNoLinesAndSpendsNothing) {
  const RunResult off = run(small_to_2030("[schemes.nifs]\nenabled = false\n"), RunOptions{{}, 2});
  const RunResult on = run(small_to_2030(), RunOptions{{}, 2});
  const History& h = off.history;
  const std::size_t n = h.scheme_names.size();
  std::size_t nifs = n;
  for (std::size_t j = 0; j < n; ++j) {
    if (h.scheme_names[j] == "nifs") nifs = j;
  }
  ASSERT_LT(nifs, n);
  for (std::size_t k = 0; k < h.years(); ++k) {
    SCOPED_TRACE("year " + std::to_string(h.year[k]));
    EXPECT_EQ(series(h, "nifs_funded_lines")[k], 0.0);
    EXPECT_EQ(h.scheme_spent[k * n + nifs], 0.0);
    EXPECT_EQ(h.scheme_committed[k * n + nifs], 0.0);
    EXPECT_EQ(h.scheme_paid[k * n + nifs], 0.0);
    EXPECT_EQ(h.scheme_applications[k * n + nifs], 0.0);
    EXPECT_EQ(h.scheme_approvals[k * n + nifs], 0.0);
    EXPECT_EQ(series(h, "nifs_tech_jobs")[k], 0.0);
  }
  // The same scenario with the scheme on does fund lines (so the test can tell).
  EXPECT_GT(series(on.history, "nifs_funded_lines").back(), 0.0);
  EXPECT_GT(sum(series(off.history, "nifs_unfunded_lines")), 0.0);  // firms still build lines
}

TEST(Accounting, NiasSwitchedOffHasNoNiasEnterprises) {
  const RunResult off = run(small_to_2030("[schemes.nias]\nenabled = false\n"), RunOptions{{}, 2});
  const RunResult on = run(small_to_2030(), RunOptions{{}, 2});
  const History& h = off.history;
  const std::size_t n = h.scheme_names.size();
  std::size_t nias = n;
  for (std::size_t j = 0; j < n; ++j) {
    if (h.scheme_names[j] == "nias") nias = j;
  }
  ASSERT_LT(nias, n);
  for (std::size_t k = 0; k < h.years(); ++k) {
    SCOPED_TRACE("year " + std::to_string(h.year[k]));
    EXPECT_EQ(series(h, "nias_enterprises")[k], 0.0);
    EXPECT_EQ(series(h, "nias_investment")[k], 0.0);
    EXPECT_EQ(h.scheme_spent[k * n + nias], 0.0);
    EXPECT_EQ(h.scheme_committed[k * n + nias], 0.0);
    EXPECT_EQ(h.scheme_approvals[k * n + nias], 0.0);
  }
  EXPECT_GT(series(on.history, "nias_enterprises").back(), 0.0);
  EXPECT_GT(sum(series(on.history, "new_plants")), sum(series(off.history, "new_plants")));
}

TEST(Accounting, HistoryIsIdenticalWithOneAndTwoThreads) {
  for (const Scenario& sc :
       {test::small_scenario(), small_to_2030("[firms]\ncount = 20000\nemployment = 213000.0\n")}) {
    SCOPED_TRACE(sc.name);
    const RunResult one = run(sc, RunOptions{{}, 1});
    const RunResult two = run(sc, RunOptions{{}, 2});
    EXPECT_EQ(one.threads, 1);
    EXPECT_EQ(two.threads, 2);
    EXPECT_TRUE(one.history == two.history);
    EXPECT_GT(one.history.years(), 1u);
  }
}

TEST(Accounting, StartUpCountsAndFundCashBalanceEveryYear) {
  // Agents: start-ups at year end = at the start + births - exits - graduates (section 5.10).
  // Money: every fund's cash = calls - investments - fees + proceeds - distributions - carry
  // (section 6.1), with investments <= calls <= commitments; the government's receipts from
  // funds never exceed what the funds distributed to it.
  Simulation sim(small_to_2030(), RunOptions{{}, 1});
  double funds_seen = 0.0, rounds = 0.0;
  while (!sim.done()) {
    sim.step();
    const State& st = sim.state();
    SCOPED_TRACE("year " + std::to_string(st.year));
    const StartupSystem& su = st.startups;
    std::int64_t births = 0, exits = 0;
    for (auto b : su.births) births += b;
    for (auto x : su.exits) exits += x;
    EXPECT_EQ(static_cast<std::int64_t>(rows(su.table)),
              su.count_start + births - exits - su.graduates);
    EXPECT_EQ(static_cast<double>(su.graduates), st.graduate_firms());
    const FundTable& f = st.funds.funds;
    double dist_gov = 0.0;
    for (std::size_t i = 0; i < rows(f); ++i) {
      const double cash = f.called[i] - f.invested[i] - f.fees_paid[i] + f.proceeds[i] -
                          f.distributed(i) - f.carry_paid[i];
      EXPECT_NEAR(f.cash[i], cash, 1e-7 * (1.0 + f.committed(i))) << "fund " << f.id[i];
      EXPECT_LE(f.invested[i], f.called[i] + 1e-7) << "fund " << f.id[i];
      EXPECT_LE(f.called[i], f.committed(i) + 1e-7) << "fund " << f.id[i];
      EXPECT_GE(f.cash[i], -1e-7) << "fund " << f.id[i];
      dist_gov += f.dist_gov[i];
    }
    EXPECT_NEAR(st.funds.itvf_receipts + st.funds.iof_receipts, dist_gov, 1e-7 * (1.0 + dist_gov));
    funds_seen = static_cast<double>(rows(f));
    rounds += st.funds.year.rounds_funded;
  }
  EXPECT_GT(funds_seen, 3.0);  // the identities were checked on real funds and rounds
  EXPECT_GT(rounds, 100.0);
}

}  // namespace nisim::hk
