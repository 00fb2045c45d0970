// Prices, volumes and demand (models/demand.hpp; docs/model.md section 3.8): the clearing
// price against supply and demand, demand shocks through to value added and the share, the
// real accounts beside the nominal ones, and determinism.
#include "models/demand.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "models/model.hpp"
#include "models/state.hpp"
#include "test_support.hpp"

namespace nisim::hk {
namespace {

Demand::Sectors all(double v) {
  Demand::Sectors s{};
  s.fill(v);
  return s;
}

/// Demand parameters with a constant competitor price, so that only the case's inputs move p.
DemandParams flat() {
  DemandParams p;
  p.competitor_growth = {{2016}, {0.0}};
  return p;
}

/// A demand side at its base (every sector supplying 100) stepped one year with growth g.
Demand stepped(const DemandParams& p, double g) {
  Demand d;
  initialise_demand(d, all(100.0));
  demand_year(d, p, 2017, g);
  return d;
}

/// The small scenario (2,000 firms, 2016-2022) with `extra` TOML appended.
Scenario small(const std::string& extra) {
  return test::scenario_text("inherit = \"small.toml\"\n" + extra);
}

const std::vector<double>& named(const History& h, const std::string& name) {
  const std::vector<double>* v = h.find(name);
  if (v == nullptr) throw std::runtime_error("no series " + name);
  return *v;
}

std::size_t row_of(const History& h, int year) {
  for (std::size_t k = 0; k < h.years(); ++k) {
    if (h.year[k] == year) return k;
  }
  throw std::runtime_error("no year " + std::to_string(year));
}

const std::string k_no_demand = "[demand]\nenabled = false\n";
/// A 2020-only fall of 15% in the demand level (a test value, not a calibrated one).
const std::string k_shock_2020 = "[demand]\nlevel = [[2016, 1.0], [2020, 0.85], [2021, 1.0]]\n";

}  // namespace

TEST(Demand, BaseYearClearsAtPriceOne) {
  const DemandParams p = flat();
  Demand d = stepped(p, 0.0);
  clear_prices(d, p, 1.7, all(100.0));
  for (int s = 0; s < k_demand_sectors; ++s) {
    EXPECT_NEAR(d.log_price[s], 0.0, 1e-15);
    EXPECT_NEAR(d.supply[s], 100.0, 1e-12);
  }
}

TEST(Demand, MoreSupplyLowersThePriceByTheElasticity) {
  // eq. 3.8d with no supply response (phi = 0): doubling supply lowers ln p by ln 2 / eps.
  for (double eps : {2.0, 4.0, 8.0}) {
    DemandParams p = flat();
    p.elasticity = eps;
    Demand d = stepped(p, 0.0);
    clear_prices(d, p, 0.0, all(200.0));
    EXPECT_NEAR(d.log_price[0], -std::log(2.0) / eps, 1e-12) << eps;
    // And the quantity sold at that price is what the demand curve gives.
    EXPECT_NEAR(d.supply[0], 100.0 * std::exp(-eps * d.log_price[0]), 1e-9) << eps;
  }
  // With firms responding (phi > 0) the price moves by ln 2 / (eps + phi) and real output
  // settles between what was planned and the base.
  DemandParams p = flat();
  Demand d = stepped(p, 0.0);
  const double phi = supply_elasticity(0.25, 0.6, 0.3);
  EXPECT_NEAR(phi, 0.3 * 0.85 / 0.15, 1e-12);
  clear_prices(d, p, phi, all(200.0));
  EXPECT_NEAR(d.log_price[3], -std::log(2.0) / (4.0 + phi), 1e-12);
  EXPECT_LT(d.supply[3], 200.0);
  EXPECT_GT(d.supply[3], 100.0);
}

TEST(Demand, DemandFollowsTheRestOfTheEconomyAndItsShock) {
  DemandParams p = flat();
  p.income_elasticity = 2.0;
  p.level = {{2016, 2017}, {1.0, 0.9}};
  Demand d = stepped(p, -0.05);
  // eq. 3.8b: ln A = ln A0 + eta ln(1 + g) + ln m.
  EXPECT_NEAR(d.log_level[0], std::log(100.0) + 2.0 * std::log(0.95) + std::log(0.9), 1e-12);
  EXPECT_NEAR(d.demand_index, 0.95 * 0.95 * 0.9, 1e-12);
  clear_prices(d, p, 0.0, all(100.0));
  EXPECT_LT(d.log_price[0], 0.0);  // less demand, same supply: a lower price
}

TEST(Demand, ACheaperCompetitorLowersThePrice) {
  // eq. 3.8b and 3.8d: with supply fixed (phi = 0), p moves one for one with p*.
  DemandParams p = flat();
  p.competitor_growth = {{2016}, {-0.02}};
  Demand d = stepped(p, 0.0);
  clear_prices(d, p, 0.0, all(100.0));
  EXPECT_NEAR(d.log_price[5], std::log(0.98), 1e-12);
}

TEST(Demand, DisabledKeepsEveryPriceAtOne) {
  DemandParams p;
  p.enabled = false;
  Demand d = stepped(p, 0.05);
  clear_prices(d, p, 1.7, all(300.0));
  for (int s = 0; s < k_demand_sectors; ++s) EXPECT_EQ(d.log_price[s], 0.0);
}

TEST(Demand, BadParametersNameTheKey) {
  EXPECT_NE(test::params_error("[demand]\nelasticity = 0.0\n").find("demand.elasticity"),
            std::string::npos);
  EXPECT_NE(test::params_error("[demand]\nlevel = [[2016, 0.0]]\n").find("demand.level"),
            std::string::npos);
  EXPECT_EQ(test::params_error("[demand]\nelasticity = 8.0\n"), "");
}

TEST(Demand, NominalEqualsPriceTimesRealEverySectorAndYear) {
  const RunResult r = run(small(""), RunOptions{{}, 2});
  const History& h = r.history;
  ASSERT_EQ(h.price_by_sector.size(), h.years() * k_sectors);
  bool moved = false;
  for (std::size_t k = 0; k < h.years(); ++k) {
    double real = 0.0;
    for (int s = 0; s < k_sectors; ++s) {
      const std::size_t j = k * k_sectors + static_cast<std::size_t>(s);
      EXPECT_NEAR(h.va_by_sector[j], h.price_by_sector[j] * h.real_va_by_sector[j],
                  1e-9 * (1.0 + h.va_by_sector[j]));
      if (k == 0) {
        EXPECT_EQ(h.price_by_sector[j], 1.0);
      }
      moved |= h.price_by_sector[j] != 1.0;
      real += h.real_va_by_sector[j];
    }
    EXPECT_NEAR(named(h, "mfg_va_real")[k], real, 1e-9 * real);
    EXPECT_NEAR(named(h, "mfg_share_real")[k],
                100.0 * named(h, "mfg_va_real")[k] / named(h, "gdp_real")[k], 1e-12);
  }
  EXPECT_TRUE(moved);  // prices do clear away from 1
  // At the base year volumes and current prices agree.
  EXPECT_NEAR(named(h, "mfg_share_real")[0], h.mfg_share_pct[0], 1e-12);
  EXPECT_NEAR(named(h, "gdp_real")[0], h.gdp[0], 1e-6);
}

TEST(Demand, ADemandShockLowersManufacturingValueAdded) {
  const RunResult base = run(small(""), RunOptions{{}, 2});
  const RunResult shocked = run(small(k_shock_2020), RunOptions{{}, 2});
  const std::size_t k19 = row_of(base.history, 2019), k20 = row_of(base.history, 2020);
  // Identical to 2019 (common random numbers), lower in 2020 in value, price and volume.
  EXPECT_EQ(shocked.history.mfg_va[k19], base.history.mfg_va[k19]);
  EXPECT_LT(shocked.history.mfg_va[k20], base.history.mfg_va[k20]);
  EXPECT_LT(named(shocked.history, "mfg_va_real")[k20], named(base.history, "mfg_va_real")[k20]);
  EXPECT_LT(shocked.history.price_by_sector[k20 * k_sectors],
            base.history.price_by_sector[k20 * k_sectors]);
  EXPECT_LT(shocked.history.mfg_share_pct[k20], base.history.mfg_share_pct[k20]);
}

TEST(Demand, TheRecessionNoLongerRaisesTheShareByTheDenominatorAlone) {
  // 2020: real growth -6.5% (the default path). Without a demand side the share jumps because
  // only the rest of GDP falls; with it, manufacturing's demand falls too and the jump is smaller.
  const RunResult off = run(small(k_no_demand), RunOptions{{}, 2});
  const RunResult on = run(small(""), RunOptions{{}, 2});
  const std::size_t k19 = row_of(on.history, 2019), k20 = row_of(on.history, 2020);
  const auto jump = [&](const History& h) {
    return std::log(h.mfg_share_pct[k20] / h.mfg_share_pct[k19]);
  };
  const auto va_change = [&](const History& h) { return std::log(h.mfg_va[k20] / h.mfg_va[k19]); };
  EXPECT_GT(jump(off.history), 0.0);
  EXPECT_LT(jump(on.history), jump(off.history));
  EXPECT_LT(va_change(on.history), va_change(off.history));
  // With a demand shock specific to manufacturing on top, the share does not rise at all.
  const RunResult shocked = run(small(k_shock_2020), RunOptions{{}, 2});
  EXPECT_LT(jump(shocked.history), 0.0);
}

TEST(Demand, DisabledReproducesConstantPrices) {
  const RunResult r = run(small(k_no_demand), RunOptions{{}, 2});
  for (double price : r.history.price_by_sector) EXPECT_EQ(price, 1.0);
  for (std::size_t k = 0; k < r.history.years(); ++k) {
    EXPECT_NEAR(named(r.history, "mfg_va_real")[k], r.history.mfg_va[k],
                1e-9 * r.history.mfg_va[k]);
  }
}

TEST(Demand, PricesAndVolumesDoNotDependOnTheThreadCount) {
  const RunResult one = run(small(k_shock_2020), RunOptions{{}, 1});
  const RunResult three = run(small(k_shock_2020), RunOptions{{}, 3});
  EXPECT_EQ(one.history.price_by_sector, three.history.price_by_sector);
  EXPECT_EQ(one.history.real_va_by_sector, three.history.real_va_by_sector);
  EXPECT_EQ(one.history, three.history);
}

}  // namespace nisim::hk
