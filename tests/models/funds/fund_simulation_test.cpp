// The fund module over many years of synthetic rounds and exits: accounting identities,
// programme ledgers, mandates, determinism and the recorded history (docs/model.md section 6).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/table.hpp"
#include "models/funds/fund_history.hpp"
#include "models/funds/funds.hpp"
#include "synthetic.hpp"

namespace nisim::hk {
namespace {

constexpr int k_first = 2014, k_last = 2045;

/// Everything a run leaves behind, year by year.
struct SimRun {
  FundSystem s;
  FundHistory h;
  std::vector<test::MarketYear> years;
  std::vector<FundTable> tables;  ///< the fund table at each year end
};

SimRun simulate(const FundParams& p, std::uint64_t fund_seed, std::uint64_t market_seed = 7) {
  SimRun run{make_fund_system(p), {}, {}, {}};
  test::SyntheticMarket market(market_seed);
  const Rng rng(fund_seed);
  for (int year = k_first; year <= k_last; ++year) {
    run.years.push_back(market.step(run.s, year, p, rng, run.h));
    run.tables.push_back(run.s.funds);
  }
  return run;
}

/// Default terms with the ITVF selections and IOF made busier, so each rule is exercised often.
FundParams busy() {
  FundParams p;
  p.itvf_coinvest_prob = 0.1;
  p.itvf_selections = 3;
  return p;
}

const SimRun& shared_run() {
  static const SimRun run = simulate(busy(), 11);
  return run;
}

double tol(double x) {
  return 1e-9 * (1.0 + std::abs(x));
}

}  // namespace

TEST(FundSimulation, ExercisesEveryKindOfFund) {
  const SimRun& r = shared_run();
  int kinds[k_fund_kinds] = {};
  for (std::uint8_t k : r.s.funds.kind) ++kinds[k];
  for (int k = 0; k < k_fund_kinds; ++k) EXPECT_GT(kinds[k], 0) << k_fund_kind_names[k];
  double carry = 0.0, closed = 0.0;
  for (std::size_t i = 0; i < rows(r.s.funds); ++i) {
    carry += r.s.funds.carry_paid[i];
    closed += static_cast<FundStatus>(r.s.funds.status[i]) == FundStatus::closed ? 1.0 : 0.0;
  }
  EXPECT_GT(carry, 0.0);   // some fund got past its hurdle
  EXPECT_GT(closed, 0.0);  // and some were wound up
}

TEST(FundSimulation, CashIdentityEveryYear) {
  const SimRun& r = shared_run();
  for (std::size_t t = 0; t < r.tables.size(); ++t) {
    const FundTable& f = r.tables[t];
    for (std::size_t i = 0; i < rows(f); ++i) {
      const double before = t > 0 && i < rows(r.tables[t - 1]) ? r.tables[t - 1].cash[i] : 0.0;
      const double expect = before + f.calls_year[i] - f.invested_year[i] - f.fees_year[i] +
                            f.proceeds_year[i] - f.distributed_year[i];
      EXPECT_NEAR(f.cash[i], expect, tol(f.called[i])) << "year " << k_first + t << " fund " << i;
      // The same identity on cumulative amounts.
      const double cum = f.called[i] - f.invested[i] - f.fees_paid[i] + f.proceeds[i] -
                         f.distributed(i) - f.carry_paid[i];
      EXPECT_NEAR(f.cash[i], cum, tol(f.called[i] + f.proceeds[i]));
      EXPECT_LE(f.invested[i], f.called[i] + tol(f.called[i]));
      EXPECT_LE(f.called[i], f.committed(i) + tol(f.committed(i)));
      EXPECT_GE(f.cash[i], -tol(f.called[i]));
    }
  }
}

TEST(FundSimulation, ProgrammeLedgersEveryYear) {
  const FundParams p = busy();
  const SimRun& r = shared_run();
  for (std::size_t t = 0; t < r.tables.size(); ++t) {
    const FundTable& f = r.tables[t];
    double spent[2] = {}, committed[2] = {};
    for (std::size_t i = 0; i < rows(f); ++i) {
      const auto kind = static_cast<FundKind>(f.kind[i]);
      if (kind == FundKind::private_vc) continue;
      const int l = kind == FundKind::iof_subfund ? 1 : 0;
      const double paid = f.called[i] * f.committed_gov[i] / f.committed(i);
      spent[l] += paid;
      if (static_cast<FundStatus>(f.status[i]) != FundStatus::closed) {
        committed[l] += f.committed_gov[i] - paid;
      }
    }
    EXPECT_NEAR(r.h.itvf_spent[t], spent[0], 1e-6);
    EXPECT_NEAR(r.h.itvf_committed[t], committed[0], 1e-6);
    EXPECT_NEAR(r.h.iof_spent[t], spent[1], 1e-6);
    EXPECT_NEAR(r.h.iof_committed[t], committed[1], 1e-6);
    // budget = spent + committed + remaining, and nothing beyond the budget.
    EXPECT_LE(spent[0] + committed[0], p.itvf.budget + 1e-6);
    EXPECT_LE(spent[1] + committed[1], p.iof.budget + 1e-6);
  }
  EXPECT_NEAR(r.s.itvf.budget.total(),
              r.s.itvf.budget.spent() + r.s.itvf.budget.committed() + r.s.itvf.budget.remaining(),
              1e-9);
  double enhanced = 0.0;
  for (std::size_t i = 0; i < rows(r.s.funds); ++i) {
    if (static_cast<FundKind>(r.s.funds.kind[i]) == FundKind::itvf_fund) {
      enhanced += r.s.funds.committed_gov[i];
    }
  }
  EXPECT_LE(enhanced, p.itvf_funds.budget + 1e-9);
  // Receipts are recorded, not re-credited: spent never falls.
  for (std::size_t t = 1; t < r.h.years(); ++t) EXPECT_GE(r.h.itvf_spent[t], r.h.itvf_spent[t - 1]);
  EXPECT_GT(r.s.itvf_receipts + r.s.iof_receipts, 0.0);
}

TEST(FundSimulation, MandatesHoldForEveryDeal) {
  const SimRun& r = shared_run();
  for (std::size_t t = 0; t < r.years.size(); ++t) {
    const test::MarketYear& m = r.years[t];
    const FundTable& f = r.tables[t];
    for (std::size_t q = 0; q < m.requests.size(); ++q) {
      const RoundOutcome& o = m.outcomes[q];
      const RoundRequest& rq = m.requests[q];
      EXPECT_NEAR(o.from_funds + o.from_outside, o.funded ? rq.amount : 0.0, tol(rq.amount));
      if (o.lead_fund < 0) continue;
      const auto kind = static_cast<FundKind>(f.kind[static_cast<std::size_t>(o.lead_fund)]);
      const bool early = rq.stage != Stage::growth;
      if (kind == FundKind::itvf_fund || kind == FundKind::itvf_coinvest) {
        EXPECT_TRUE(early);
      }
      if (kind == FundKind::itvf_fund) {  // strategic industries only (6.5)
        EXPECT_TRUE(strategic(rq.field));
      }
      if (kind == FundKind::itvf_coinvest) {
        EXPECT_TRUE(rq.hong_kong);
      }
      if (kind == FundKind::iof_subfund) {
        EXPECT_TRUE(hard_tech(rq.field));
      }
    }
    for (std::size_t i = 0; i < rows(f); ++i) {
      const auto kind = static_cast<FundKind>(f.kind[i]);
      if (kind == FundKind::itvf_fund) {
        EXPECT_GE(f.invested_hk[i], 0.5 * f.invested[i] - tol(f.invested[i]));
      }
      if (kind == FundKind::iof_subfund) {  // chain leaders within their share (eq. 6.6b)
        const double investable = f.committed(i) * (1.0 - f.fee_rate[i] * f.life[i]);
        EXPECT_LE(f.chain_invested[i], f.chain_share[i] * investable + tol(investable));
      } else {
        EXPECT_EQ(f.chain_invested[i], 0.0);
      }
      if (kind == FundKind::itvf_coinvest) {  // old terms: Hong Kong start-ups only
        EXPECT_NEAR(f.invested_hk[i], f.invested[i], tol(f.invested[i]));
      }
    }
  }
}

TEST(FundSimulation, CarryOnlyOnceCapitalIsBackAndClosedFundsAreEmpty) {
  const SimRun& r = shared_run();
  for (std::size_t t = 1; t < r.tables.size(); ++t) {
    const FundTable& f = r.tables[t];
    const FundTable& g = r.tables[t - 1];
    for (std::size_t i = 0; i < rows(g); ++i) {
      if (f.carry_paid[i] > g.carry_paid[i]) {
        EXPECT_GE(f.distributed(i), f.called[i] - tol(f.called[i]));
      }
      const int year = k_first + static_cast<int>(t);
      const bool limited = static_cast<FundKind>(f.kind[i]) != FundKind::itvf_coinvest;
      if (static_cast<FundStatus>(f.status[i]) == FundStatus::closed) {
        EXPECT_EQ(f.nav[i], 0.0);
        EXPECT_EQ(f.cash[i], 0.0);
        // A partnership closes exactly at the end of its life (eq. 6.7b).
        if (limited) {
          EXPECT_GE(year, f.vintage[i] + f.life[i] - 1);
        }
      } else if (limited) {
        EXPECT_LT(year, f.vintage[i] + f.life[i] - 1);
      }
    }
  }
  for (std::size_t k = 0; k < rows(r.s.holdings); ++k) {
    const auto i = static_cast<std::size_t>(r.s.holdings.fund[k]);
    EXPECT_NE(static_cast<FundStatus>(r.s.funds.status[i]), FundStatus::closed);
  }
}

TEST(FundSimulation, SameSeedSameTablesOtherSeedOtherTables) {
  const SimRun& a = shared_run();
  const SimRun b = simulate(busy(), 11);
  EXPECT_TRUE(a.s == b.s);
  EXPECT_TRUE(a.h == b.h);
  for (std::size_t t = 0; t < a.years.size(); ++t) {
    for (std::size_t q = 0; q < a.years[t].outcomes.size(); ++q) {
      const RoundOutcome& x = a.years[t].outcomes[q];
      const RoundOutcome& y = b.years[t].outcomes[q];
      ASSERT_EQ(x.funded, y.funded);
      ASSERT_EQ(x.lead_fund, y.lead_fund);
      ASSERT_EQ(x.from_funds, y.from_funds);
    }
  }
  const SimRun c = simulate(busy(), 12);
  EXPECT_FALSE(a.s.holdings == c.s.holdings);
}

TEST(FundSimulation, HistoryRecordsDpiTvpiAndTotals) {
  const SimRun& r = shared_run();
  const FundHistory& h = r.h;
  ASSERT_EQ(h.years(), static_cast<std::size_t>(k_last - k_first + 1));
  const std::size_t last = h.years() - 1;
  const FundTable& f = r.s.funds;
  double called[k_fund_kinds] = {}, dist[k_fund_kinds] = {}, value[k_fund_kinds] = {};
  for (std::size_t i = 0; i < rows(f); ++i) {
    called[f.kind[i]] += f.called[i];
    dist[f.kind[i]] += f.dist_gov[i] + f.dist_lp[i] + f.dist_gp[i];
    value[f.kind[i]] += f.nav[i] + f.cash[i];
  }
  for (int k = 0; k < k_fund_kinds; ++k) {
    const std::size_t at = last * k_fund_kinds + static_cast<std::size_t>(k);
    EXPECT_NEAR(h.called_by_kind[at], called[k], tol(called[k]));
    EXPECT_NEAR(h.dpi_by_kind[at], dist[k] / called[k], 1e-12);
    EXPECT_NEAR(h.tvpi_by_kind[at], (dist[k] + value[k]) / called[k], 1e-12);
  }
  // The long table: one row per launched fund per year, with the definitions of eqs. 6.8a-b.
  std::size_t expected = 0;
  for (std::size_t t = 0; t < r.tables.size(); ++t) expected += rows(r.tables[t]);
  ASSERT_EQ(h.fund_id.size(), expected);
  const std::size_t n = rows(f);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t row = h.fund_id.size() - n + i;
    EXPECT_EQ(h.fund_id[row], f.id[i]);
    EXPECT_EQ(h.fund_year[row], k_last);
    const double d = f.dist_gov[i] + f.dist_lp[i] + f.dist_gp[i];
    EXPECT_DOUBLE_EQ(h.fund_dpi[row], f.called[i] > 0 ? d / f.called[i] : 0.0);
    EXPECT_DOUBLE_EQ(h.fund_tvpi[row],
                     f.called[i] > 0 ? (d + f.nav[i] + f.cash[i]) / f.called[i] : 0.0);
  }
  // The ITVF KPI is cumulative: never falls, and grows by each year's amount.
  for (std::size_t t = 1; t < h.years(); ++t) {
    EXPECT_GE(h.itvf_private_attracted[t], h.itvf_private_attracted[t - 1]);
  }
  EXPECT_GT(h.itvf_private_attracted[last], 0.0);
}

}  // namespace nisim::hk
