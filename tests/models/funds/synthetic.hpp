#pragma once
// A synthetic start-up population that feeds the fund module with RoundRequest and StartupExit
// streams, for the fund tests. Not the start-up model (models/startups/): just enough variety
// (stages, fields, Hong Kong or not, power-law exits) to exercise every fund rule.
#include <cmath>
#include <cstdint>
#include <vector>

#include "engine/rng.hpp"
#include "models/funds/fund_history.hpp"
#include "models/funds/funds.hpp"

namespace nisim::hk::test {

/// One year's streams as the fund module saw them.
struct MarketYear {
  std::vector<RoundRequest> requests;
  std::vector<RoundOutcome> outcomes;
  std::vector<StartupExit> exits;
};

class SyntheticMarket {
 public:
  explicit SyntheticMarket(std::uint64_t seed, int births = 300) : rng_(seed), births_(births) {}

  /// One simulated year: launch, births, requests, clearing, exits, close, record.
  MarketYear step(FundSystem& s, int year, const FundParams& p, const Rng& fund_rng,
                  FundHistory& h) {
    MarketYear m;
    launch_funds(s, year, p, fund_rng);
    for (int b = 0; b < births_; ++b) {
      const std::uint64_t id = next_id_++;
      const auto field = static_cast<Field>(rng_.bits(year, id, 7).w[0] % k_fields);
      const bool hk = rng_.uniform(year, id, 8) < 0.7;
      alive_.push_back({id, Stage::pre_seed, field, hk, 2.0});
    }
    for (const Startup& a : alive_) {
      if (a.stage == Stage::growth || rng_.uniform(year, a.id, 1) > 0.5) continue;
      const auto next = static_cast<Stage>(static_cast<int>(a.stage) + 1);
      static constexpr double k_amount[k_stages] = {0.0, 5.0, 20.0, 60.0, 150.0};
      const double amount =
          k_amount[static_cast<int>(next)] * std::exp(0.5 * rng_.normal(year, a.id, 2));
      m.requests.push_back({a.id, next, a.field, a.hong_kong, amount, 3.0 * amount});
    }
    clear_rounds(s, m.requests, m.outcomes, year, p, fund_rng);
    // Strategic enterprises arrive from 2022 (section 4.2): chain-leading targets for the IOF.
    invest_chain_leading(s, year, year >= 2022 ? 20.0 * (year - 2021) : 0.0, p);
    std::size_t q = 0;
    std::vector<Startup> kept;
    for (Startup& a : alive_) {
      if (q < m.requests.size() && m.requests[q].startup_id == a.id) {
        if (m.outcomes[q].funded) {
          a.stage = m.requests[q].stage;
          a.value = m.requests[q].pre_money + m.requests[q].amount;
        }
        ++q;
      }
      const double u = rng_.uniform(year, a.id, 3);
      if (u < 0.12) {  // exits: about two in three fail, the rest sell at a power-law multiple
        const bool fail = rng_.uniform(year, a.id, 4) < 0.65;
        const double mult = std::exp(1.5 * rng_.normal(year, a.id, 5));
        m.exits.push_back({a.id,
                           fail ? StartupExit::Kind::failure
                                : (a.stage == Stage::growth ? StartupExit::Kind::listing
                                                            : StartupExit::Kind::acquisition),
                           fail ? 0.0 : a.value * mult});
      } else {
        kept.push_back(a);
      }
    }
    alive_ = std::move(kept);
    realise_exits(s, m.exits, year);
    close_year(s, year, p);
    record_funds(s, year, h);
    return m;
  }

 private:
  struct Startup {
    std::uint64_t id;
    Stage stage;
    Field field;
    bool hong_kong;
    double value;
  };
  Rng rng_;
  int births_;
  std::uint64_t next_id_ = 1;
  std::vector<Startup> alive_;
};

}  // namespace nisim::hk::test
