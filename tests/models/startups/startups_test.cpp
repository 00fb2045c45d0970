// Start-up population: synthesis, rounds, exits, graduation, identities, determinism and the
// parameter schema (docs/model.md sections 5.1-5.5, 5.10).
#include "models/startups/startups.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/params.hpp"
#include "engine/table.hpp"
#include "tests/models/startups/startup_test_support.hpp"

namespace nisim::hk {
namespace {

TEST(StartupInit, BaseCountIdsAndStageMix) {
  StartupParams p;
  StartupSystem sys;
  initialise_startups(sys, p, 2016, Rng(3));
  ASSERT_EQ(rows(sys.table), 1926u);
  ASSERT_TRUE(columns_consistent(sys.table));
  EXPECT_TRUE(std::is_sorted(sys.table.id.begin(), sys.table.id.end()));
  EXPECT_EQ(sys.table.id.front(), 1u);
  EXPECT_EQ(sys.next_id, 1927u);
  std::array<double, k_stages> n{};
  for (auto s : sys.table.stage) n[s] += 1.0;
  double total = 0.0;
  for (const auto& s : p.stage) total += s.base_share;
  for (int s = 0; s < k_stages; ++s)
    EXPECT_NEAR(n[s] / 1926.0, p.stage[s].base_share / total, 0.03);
  for (auto b : sys.births) EXPECT_EQ(b, 0);
  for (std::size_t i = 0; i < rows(sys.table); ++i) {
    EXPECT_LE(sys.table.birth_year[i], 2016);
    EXPECT_GT(sys.table.post_money[i], 0.0);
  }
}

TEST(StartupRounds, UnfundedRoundsDoNotAdvanceStage) {
  StartupParams p;
  for (auto& s : p.stage) s.attempt = 1.0;  // every eligible start-up asks
  StartupSystem sys;
  const Rng rng(11);
  initialise_startups(sys, p, 2016, rng);
  startup_births(sys, 2017, p, rng);
  std::vector<RoundRequest> rq;
  request_rounds(sys, 2017, p, rng, rq);
  ASSERT_FALSE(rq.empty());
  for (std::size_t k = 1; k < rq.size(); ++k) EXPECT_LT(rq[k - 1].startup_id, rq[k].startup_id);
  // Funded: odd positions; unfunded: even positions.
  std::vector<RoundOutcome> out(rq.size());
  for (std::size_t k = 0; k < rq.size(); k += 2) out[k].funded = false;
  for (std::size_t k = 1; k < rq.size(); k += 2) {
    out[k].funded = true;
    out[k].from_funds = 0.25 * rq[k].amount;
    out[k].from_outside = 0.75 * rq[k].amount;
  }
  const StartupTable before = sys.table;
  apply_rounds(sys, rq, out, 2017, p);
  std::int64_t closed = 0;
  for (std::size_t k = 0; k < rq.size(); ++k) {
    const std::size_t i = find_startup(sys.table, rq[k].startup_id);
    ASSERT_LT(i, rows(sys.table));
    EXPECT_EQ(static_cast<int>(rq[k].stage), before.stage[i] + 1);
    if (out[k].funded) {
      ++closed;
      EXPECT_EQ(sys.table.stage[i], static_cast<std::uint8_t>(rq[k].stage));
      EXPECT_EQ(sys.table.years_in_stage[i], 0);
      EXPECT_DOUBLE_EQ(sys.table.post_money[i], rq[k].pre_money + rq[k].amount);
      EXPECT_NEAR(rq[k].amount / sys.table.post_money[i], p.share_sold, 1e-12);
      EXPECT_EQ(sys.table.failed_raises[i], 0);
    } else {
      EXPECT_EQ(sys.table.stage[i], before.stage[i]);
      EXPECT_EQ(sys.table.post_money[i], before.post_money[i]);
      EXPECT_EQ(sys.table.cash_raised[i], before.cash_raised[i]);
      EXPECT_EQ(sys.table.failed_raises[i], before.failed_raises[i] + 1);
    }
  }
  std::int64_t attempted = 0, counted = 0;
  for (int s = 0; s < k_stages; ++s) attempted += sys.rounds_attempted[s];
  for (int s = 0; s < k_stages; ++s) counted += sys.rounds_closed[s];
  EXPECT_EQ(attempted, static_cast<std::int64_t>(rq.size()));
  EXPECT_EQ(counted, closed);
  // A short outcome list or an unknown id is refused.
  EXPECT_THROW(apply_rounds(sys, rq, std::span(out).first(out.size() - 1), 2017, p),
               std::invalid_argument);
  RoundRequest ghost = rq.front();
  ghost.startup_id = 999999;
  EXPECT_THROW(apply_rounds(sys, std::span(&ghost, 1), std::span(out).first(1), 2017, p),
               std::invalid_argument);
}

TEST(StartupRounds, FailedRaisesRaiseTheFailureHazard) {
  StartupParams p;
  p.failed_raise_penalty = 1.0;
  for (auto& s : p.stage) s.acquisition = s.listing = 0.0;
  StartupSystem sys;
  initialise_startups(sys, p, 2016, Rng(5));
  for (std::size_t i = 0; i < rows(sys.table); ++i) {
    sys.table.stage[i] = 0;
    sys.table.failed_raises[i] = i % 2 == 0 ? 0 : 2;  // hazard x1 or x3
  }
  std::vector<StartupExit> ex;
  double failed[2] = {0, 0}, n[2] = {0, 0};
  const std::vector<std::int32_t> fr = sys.table.failed_raises;
  const std::vector<std::uint64_t> ids = sys.table.id;
  startup_outcomes(sys, 2017, p, Rng(5), ex);
  std::set<std::uint64_t> gone;
  for (const auto& e : ex) gone.insert(e.startup_id);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    n[fr[i] > 0] += 1;
    failed[fr[i] > 0] += gone.count(ids[i]);
  }
  EXPECT_NEAR(failed[0] / n[0], p.stage[0].failure, 0.03);
  EXPECT_NEAR(failed[1] / n[1], 3.0 * p.stage[0].failure, 0.05);
}

TEST(StartupExits, EquityValuesAreZeroOnFailureAndPositiveOtherwise) {
  StartupParams p;
  for (auto& s : p.stage) {  // many exits of every kind
    s.failure = 0.3;
    s.acquisition = 0.3;
    s.listing = 0.3;
  }
  StartupSystem sys;
  const Rng rng(21);
  initialise_startups(sys, p, 2016, rng);
  const std::size_t n0 = rows(sys.table);
  std::vector<StartupExit> ex;
  startup_outcomes(sys, 2017, p, rng, ex);
  std::array<int, 3> kinds{};
  for (std::size_t k = 0; k < ex.size(); ++k) {
    if (k > 0) {
      EXPECT_LT(ex[k - 1].startup_id, ex[k].startup_id);
    }
    ++kinds[static_cast<int>(ex[k].kind)];
    if (ex[k].kind == StartupExit::Kind::failure) {
      EXPECT_EQ(ex[k].equity_value, 0.0);
    } else {
      EXPECT_GT(ex[k].equity_value, 0.0);
    }
    EXPECT_EQ(find_startup(sys.table, ex[k].startup_id), rows(sys.table));  // removed
  }
  for (int k : kinds) EXPECT_GT(k, 100);
  EXPECT_EQ(rows(sys.table) + ex.size(), n0);
  EXPECT_TRUE(std::is_sorted(sys.table.id.begin(), sys.table.id.end()));
  EXPECT_TRUE(columns_consistent(sys.table));
}

TEST(StartupGraduation, RemovedOnlyWhenAccepted) {
  StartupParams p;
  p.graduation_rate = 1.0;
  StartupSystem sys;
  const Rng rng(8);
  initialise_startups(sys, p, 2016, rng);
  std::vector<Graduate> g;
  propose_graduates(sys, 2017, p, rng, g);
  ASSERT_GE(g.size(), 4u);
  for (const Graduate& x : g) {
    const std::size_t i = find_startup(sys.table, x.startup_id);
    ASSERT_LT(i, rows(sys.table));
    EXPECT_TRUE(hard_tech(x.field));
    EXPECT_GE(sys.table.stage[i], static_cast<std::uint8_t>(Stage::series_b));
    EXPECT_DOUBLE_EQ(x.employment, p.graduate_scale_up * sys.table.employment[i]);
    EXPECT_DOUBLE_EQ(x.floor_space, x.employment * p.graduate_floor_per_worker);
    EXPECT_DOUBLE_EQ(x.investment, x.employment * p.graduate_capital_per_worker);
  }
  // Accept every other proposal (in reverse order: any order is allowed).
  std::vector<std::uint64_t> accepted, rejected;
  for (std::size_t k = 0; k < g.size(); ++k)
    (k % 2 ? rejected : accepted).push_back(g[k].startup_id);
  std::reverse(accepted.begin(), accepted.end());
  const std::size_t n0 = rows(sys.table);
  graduate(sys, accepted);
  EXPECT_EQ(rows(sys.table), n0 - accepted.size());
  EXPECT_EQ(sys.graduates, static_cast<std::int64_t>(accepted.size()));
  for (auto id : accepted) EXPECT_EQ(find_startup(sys.table, id), rows(sys.table));
  for (auto id : rejected) EXPECT_LT(find_startup(sys.table, id), rows(sys.table));
  // The rejected propose again next year; ids not in the table are refused.
  std::vector<Graduate> again;
  propose_graduates(sys, 2018, p, rng, again);
  for (auto id : rejected) {
    EXPECT_TRUE(std::any_of(again.begin(), again.end(),
                            [id](const Graduate& x) { return x.startup_id == id; }));
  }
  EXPECT_THROW(graduate(sys, std::span(accepted).first(1)), std::invalid_argument);
  const std::uint64_t twice[] = {rejected[0], rejected[0]};
  EXPECT_THROW(graduate(sys, twice), std::invalid_argument);
}

TEST(StartupIdentity, CountBalancesEveryYear) {
  StartupParams p;
  StartupSystem sys;
  // The driver checks count = start + births - exits - graduates every year (EXPECT inside).
  const StartupHistory h = test::simulate(sys, p, 99, 2016, 2035);
  ASSERT_EQ(h.years(), 20u);
  for (std::size_t t = 1; t < h.years(); ++t) {
    double births = 0.0, exits = 0.0;
    for (int o = 0; o < k_origins; ++o) births += h.births_by_origin[t * k_origins + o];
    for (int k = 0; k < 3; ++k) exits += h.exits_by_kind[t * 3 + k];
    EXPECT_EQ(h.count[t], h.count[t - 1] + births - exits - h.graduates[t]) << h.year[t];
    double by_stage = 0.0;
    for (int s = 0; s < k_stages; ++s) by_stage += h.count_by_stage[t * k_stages + s];
    EXPECT_EQ(by_stage, h.count[t]);
  }
  EXPECT_GT(sys.graduated_total, 0);
}

/// Every column's bytes, in column order (bitwise comparison of two tables).
std::vector<std::vector<unsigned char>> bytes_of(const StartupTable& t) {
  std::vector<std::vector<unsigned char>> out;
  t.for_each_column([&](const auto& column) {
    const auto* b = reinterpret_cast<const unsigned char*>(column.data());
    out.emplace_back(b, b + column.size() * sizeof(column[0]));
  });
  return out;
}

TEST(StartupDeterminism, SameSeedSameTablesOtherSeedDiffers) {
  StartupParams p;
  StartupSystem a, b, c;
  const StartupHistory ha = test::simulate(a, p, 42, 2016, 2030);
  const StartupHistory hb = test::simulate(b, p, 42, 2016, 2030);
  const StartupHistory hc = test::simulate(c, p, 43, 2016, 2030);
  EXPECT_TRUE(ha == hb);
  EXPECT_EQ(bytes_of(a.table), bytes_of(b.table));
  EXPECT_EQ(a.next_id, b.next_id);
  EXPECT_EQ(a.tsssu.budget.spent(), b.tsssu.budget.spent());
  EXPECT_NE(bytes_of(a.table), bytes_of(c.table));
  EXPECT_FALSE(ha.count == hc.count && ha.employment == hc.employment);
}

/// Every key: under the module's prefixes, unique, with a unit or an empty unit for ratios, a
/// doc string naming a docs section "(5.x)", and a default inside its range.
TEST(StartupParamsSchema, KeysDocumentedAndDefaultsInRange) {
  StartupParams p;
  const auto specs = collect_schema([&](ParamBinder& b) { bind_startup_params(p, b); });
  ASSERT_GT(specs.size(), 60u);
  std::set<std::string> keys;
  for (const ParamSpec& s : specs) {
    EXPECT_TRUE(keys.insert(s.key).second) << s.key;
    const bool prefix = s.key.rfind("startups.", 0) == 0 || s.key.rfind("schemes.tsssu.", 0) == 0 ||
                        s.key.rfind("schemes.raise_plus.", 0) == 0 ||
                        s.key.rfind("schemes.accelerator.", 0) == 0 ||
                        s.key.rfind("schemes.innohk.", 0) == 0;
    EXPECT_TRUE(prefix) << s.key;
    const auto dot = s.key.rfind('.');
    const std::string last = s.key.substr(dot + 1);
    if (s.key.rfind("schemes.", 0) == 0 &&
        (last == "enabled" || last == "start" || last == "end" || last == "budget")) {
      continue;  // SchemeTerms, documented by bind_scheme_terms (section 4.0)
    }
    EXPECT_NE(s.doc.find("(5."), std::string::npos) << s.key << ": " << s.doc;
    if (const double* v = std::get_if<double>(&s.default_value)) {
      EXPECT_GE(*v, s.min) << s.key;
      EXPECT_LE(*v, s.max) << s.key;
    }
    if (const auto* v = std::get_if<std::int64_t>(&s.default_value)) {
      EXPECT_GE(static_cast<double>(*v), s.min) << s.key;
      EXPECT_LE(static_cast<double>(*v), s.max) << s.key;
    }
  }
}

}  // namespace
}  // namespace nisim::hk
