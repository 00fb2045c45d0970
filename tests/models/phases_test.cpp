// Accounting identities of the yearly step, checked every year against the firm table itself
// (docs/model.md sections 3.5, 3.7; docs/output.md).
#include "models/phases.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/table.hpp"
#include "models/model.hpp"
#include "models/state.hpp"
#include "test_support.hpp"

namespace nisim::hk {

namespace {
/// beta_s Y / L / v_s: the average wage at the optimum (eq. 3.2c with the sector's technology).
double p_beta_y_over_l(const State& st, std::size_t i) {
  const SectorTech t = sector_tech(Params{}, st.firms.sector[i]);
  return t.beta * st.firms.value_added[i] / st.firms.employment[i] / t.wage_relative;
}
}  // namespace

TEST(Accounting, IdentitiesHoldEveryYear) {
  // The Hong Kong-sized population, so land supply (sized for it) leaves room for entrants.
  const Scenario sc = test::scenario_text(
      "inherit = \"small.toml\"\n[run]\nhorizon = 2030\n[firms]\ncount = 8600\n"
      "employment = 91600.0\n");
  Simulation sim(sc, RunOptions{{}, 2});
  const double rel = 1e-9;
  double entrants = 0.0;
  while (!sim.done()) {
    const std::size_t firms_before = rows(sim.state().firms);
    const std::uint64_t next_id_before = sim.state().next_id;
    sim.step();
    const State& st = sim.state();
    const History& h = st.history;
    const std::size_t k = h.years() - 1;
    SCOPED_TRACE("year " + std::to_string(st.year));

    // Agents: firms at the end = firms at the start - exits + entrants + NIAS plants +
    // graduating start-ups; ids are fresh and increasing (an entrant refused floor space
    // uses up its id).
    const double added = st.new_plants() + st.graduate_firms();
    EXPECT_EQ(static_cast<double>(rows(st.firms)),
              static_cast<double>(firms_before) - st.exits + st.entries + added);
    EXPECT_EQ(h.firms[k], static_cast<double>(rows(st.firms)));
    EXPECT_GE(st.next_id, next_id_before);
    for (std::size_t i = 1; i < rows(st.firms); ++i) ASSERT_LT(st.firms.id[i - 1], st.firms.id[i]);
    // Active firms: official manufacturing by sector plus the plants outside it (7.1).
    const double outside_firms = h.find("outside_firms")->at(k);
    const double outside_va = h.find("outside_va")->at(k);
    double active = outside_firms;
    for (int s = 0; s < k_sectors; ++s) active += h.firms_by_sector[k * k_sectors + s];
    EXPECT_EQ(active, static_cast<double>(firms_before) + added);
    for (std::size_t i = 0; i < rows(st.firms); ++i) {
      // Only AI/data plants are outside official manufacturing (section 7.1).
      if (st.firms.official[i] == 0) {
        ASSERT_EQ(st.firms.sector[i], k_ai_data_sector);
      }
    }

    // Money: GDP = non-manufacturing + manufacturing value added + plants outside
    // manufacturing; sectors add to the manufacturing total.
    EXPECT_NEAR(h.gdp[k], h.nonmfg_va[k] + h.mfg_va[k] + outside_va, rel * h.gdp[k]);
    double va_sectors = 0.0;
    for (int s = 0; s < k_sectors; ++s) va_sectors += h.va_by_sector[k * k_sectors + s];
    EXPECT_NEAR(va_sectors, h.mfg_va[k], rel * h.mfg_va[k]);
    EXPECT_NEAR(h.mfg_share_pct[k], 100.0 * h.mfg_va[k] / h.gdp[k], 1e-12);

    // Entrants are born at their optimum, age 0, at the row end of the table.
    entrants += static_cast<double>(st.entries);
    for (std::size_t i = rows(st.firms) - static_cast<std::size_t>(st.entries); i < rows(st.firms);
         ++i) {
      ASSERT_EQ(st.firms.age[i], 0);
      // At the sector's wage with its technical wage factor (eq. 4.6e).
      const double w = st.macro.wage * st.env.wage_factor[st.firms.sector[i]];
      ASSERT_NEAR(p_beta_y_over_l(st, i), w, 1e-9 * w);
    }
  }
  EXPECT_GT(entrants, 1000.0);  // the entrant checks above did run
}

TEST(Accounting, ReportedTotalsEqualSerialSumsOverTheTableEveryYear) {
  // Run the phases by hand so the firm table can be summed serially between the accounting
  // phase and the removal of exits, every year, and compared with the parallel, blocked
  // reduction that the model reports (to 1e-9 relative).
  Params p;
  p.firm_count = 30000;
  p.employment = 320000.0;
  Parallel par(2);
  State st(par, 11);
  initialise(st, p);
  for (int year = 2017; year <= 2030; ++year) {
    SCOPED_TRACE("year " + std::to_string(year));
    st.year = year;
    set_environment(st, p);
    update_firms(st, p);
    account_firms(st, p);
    double va = 0.0, emp = 0.0, exits = 0.0, grants = 0.0, lines = 0.0, capital = 0.0;
    std::array<double, k_sites> floor{};
    for (std::size_t i = 0; i < rows(st.firms); ++i) {
      // Official manufacturing only (section 7.1); this run builds no plants outside it.
      ASSERT_EQ(st.firms.official[i], 1);
      va += st.firms.value_added[i];
      emp += st.firms.employment[i];
      exits += st.firms.exiting[i];
      grants += st.firms.subsidy[i];
      lines += st.firms.smart_lines[i];
      capital += st.firms.capital[i];
      floor[st.firms.site[i]] += st.firms.floor_space[i];
    }
    double emp_total = 0.0, exit_total = 0.0;
    for (int s = 0; s < k_sectors; ++s) {
      emp_total += st.totals.employment[s];
      exit_total += st.totals.exits[s];
    }
    EXPECT_NEAR(st.totals.total_value_added(), va, 1e-9 * va);
    EXPECT_NEAR(emp_total, emp, 1e-9 * emp);
    EXPECT_NEAR(st.totals.capital, capital, 1e-9 * capital);
    EXPECT_EQ(exit_total, exits);
    EXPECT_NEAR(st.totals.grants, grants, 1e-9);
    EXPECT_EQ(st.totals.smart_lines, lines);
    for (int s = 0; s < k_sites; ++s) {
      EXPECT_NEAR(st.totals.floor_space[s], floor[s], 1e-9 * floor[s] + 1e-9);
    }
    EXPECT_GT(exits, 0.0);

    // remove_exits takes exactly the flagged rows out.
    const std::size_t before = rows(st.firms);
    remove_exits(st, p);
    EXPECT_EQ(static_cast<double>(before - rows(st.firms)), exits);
    for (std::uint8_t x : st.firms.exiting) ASSERT_EQ(x, 0);
    // The year's flows start the next year at zero for every survivor.
    for (double g : st.firms.subsidy) ASSERT_EQ(g, 0.0);
    for (std::uint8_t l : st.firms.new_lines) ASSERT_EQ(l, 0);
    enter_firms(st, p);
    account_macro(st, p);
    record_year(st, p);
    // The reported manufacturing value added is the serial sum over the firms of the year.
    EXPECT_NEAR(st.history.mfg_va.back(), va, 1e-9 * va);
  }
}

TEST(Environment, NifsGrantFollowsSchemeTermsAndYears) {
  Params p;
  Parallel par(1);
  State st(par, 1);
  st.macro.wage = 0.2;
  st.macro.nonmfg_va = 1000.0;
  st.year = 2019;
  set_environment(st, p);
  EXPECT_EQ(st.env.line_grant, 0.0);  // before the scheme opened
  st.year = 2020;
  set_environment(st, p);
  EXPECT_DOUBLE_EQ(st.env.line_grant, std::min(p.line_cost / 3.0, 15.0));  // eq. 4.1a
  p.line_cost = 90.0;
  set_environment(st, p);
  EXPECT_DOUBLE_EQ(st.env.line_grant, 15.0);  // the cap binds
  p.nifs.terms.enabled = false;
  set_environment(st, p);
  EXPECT_EQ(st.env.line_grant, 0.0);
  // Wage and non-manufacturing value added grow by their paths (eq. 3.3d, 3.5a).
  EXPECT_NEAR(st.macro.wage, 0.2 * std::pow(1.0 + p.wage_growth.at(2020), 4), 1e-15);
}

}  // namespace nisim::hk
