// Calibration of the start-up module alone against the InvestHK and ITC series
// (docs/model.md section 5.10), with the test-only stand-in funds side: every
// round request funded with probability 0.6. Prints the table quoted in the docs.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <numeric>
#include <vector>

#include "models/startups/startups.hpp"
#include "tests/models/startups/startup_test_support.hpp"

namespace nisim::hk {
namespace {

constexpr int k_base = 2016;
constexpr int k_last = 2030;
constexpr std::uint64_t k_seeds[] = {1, 2, 3, 4, 5};

struct Mean {
  std::vector<double> count, employment, tsssu, raise_plus, births, exits, graduates;
};

Mean mean_over_seeds() {
  const StartupParams p;
  const std::size_t T = k_last - k_base + 1;
  Mean m{std::vector<double>(T), std::vector<double>(T), std::vector<double>(T),
         std::vector<double>(T), std::vector<double>(T), std::vector<double>(T),
         std::vector<double>(T)};
  for (const std::uint64_t seed : k_seeds) {
    StartupSystem sys;
    const StartupHistory h = test::simulate(sys, p, seed, k_base, k_last);
    double raise_total = 0.0;
    for (std::size_t t = 0; t < T; ++t) {
      const double n = std::size(k_seeds);
      raise_total += h.raise_plus_funded[t];
      m.count[t] += h.count[t] / n;
      m.employment[t] += h.employment[t] / n;
      m.tsssu[t] += h.tsssu_funded_total[t] / n;
      m.raise_plus[t] += raise_total / n;
      double b = 0.0, e = 0.0;
      for (int o = 0; o < k_origins; ++o) b += h.births_by_origin[t * k_origins + o];
      for (int k = 0; k < 3; ++k) e += h.exits_by_kind[t * 3 + k];
      m.births[t] += b / n;
      m.exits[t] += e / n;
      m.graduates[t] += h.graduates[t] / n;
    }
  }
  return m;
}

TEST(StartupCalibration, TracksInvestHkCountsAndEmployment) {
  const Mean m = mean_over_seeds();
  std::printf(
      "| year | start-ups | target | employment | target | TSSSU funded (cum.) | target |"
      " RAISe+ projects (cum.) | births | exits | graduates |\n");
  const auto target = [](int year, std::initializer_list<std::pair<int, const char*>> v) {
    for (const auto& [y, s] : v) {
      if (y == year) return s;
    }
    return "";
  };
  for (int year = k_base; year <= k_last; ++year) {
    const auto t = static_cast<std::size_t>(year - k_base);
    std::printf("| %d | %.0f | %s | %.0f | %s | %.0f | %s | %.0f | %.0f | %.0f | %.1f |\n", year,
                m.count[t],
                target(year, {{2016, "1,926"}, {2020, "3,360"}, {2021, "3,755"}, {2024, "4,694"}}),
                m.employment[t],
                target(year, {{2016, "5,229"}, {2020, "10,688"}, {2024, "~18,000"}}), m.tsssu[t],
                target(year, {{2022, "330"}, {2027, "600"}}), m.raise_plus[t], m.births[t],
                m.exits[t], m.graduates[t]);
  }
  const auto at = [&](const std::vector<double>& v, int year) {
    return v[static_cast<std::size_t>(year - k_base)];
  };
  EXPECT_NEAR(at(m.count, 2016), 1926.0, 0.5);
  EXPECT_NEAR(at(m.count, 2020), 3360.0, 0.10 * 3360.0);
  EXPECT_NEAR(at(m.count, 2021), 3755.0, 0.10 * 3755.0);
  EXPECT_NEAR(at(m.count, 2024), 4694.0, 0.10 * 4694.0);
  EXPECT_NEAR(at(m.employment, 2016), 5229.0, 0.10 * 5229.0);
  EXPECT_NEAR(at(m.employment, 2020), 10688.0, 0.15 * 10688.0);
  EXPECT_NEAR(at(m.employment, 2024), 18000.0, 0.15 * 18000.0);
  EXPECT_NEAR(at(m.tsssu, 2022), 330.0, 30.0);
  EXPECT_NEAR(at(m.tsssu, 2027), 600.0, 50.0);
}

/// Section 5.3-5.4: the fate by January 2025 of the start-ups born in 2018, against the Carta
/// US 2018 cohort (a loose check: different population, same orders of magnitude).
TEST(StartupCalibration, CohortFatesResembleCarta) {
  const StartupParams p;
  std::array<double, k_stages> reached{};
  std::array<double, 3> fate{};
  double cohort = 0.0, seed_to_a_2y = 0.0, seeded = 0.0;
  for (const std::uint64_t seed : k_seeds) {
    const Rng rng(seed);
    StartupSystem sys;
    initialise_startups(sys, p, k_base, rng);
    std::map<std::uint64_t, int> stage;  // id -> highest stage reached, born in 2018
    std::map<std::uint64_t, int> seed_year;
    std::vector<RoundRequest> rq;
    std::vector<RoundOutcome> out;
    std::vector<StartupExit> ex;
    std::vector<Graduate> gr;
    for (int year = k_base + 1; year <= 2024; ++year) {
      startup_births(sys, year, p, rng);
      if (year == 2018) {
        for (std::size_t i = 0; i < rows(sys.table); ++i) {
          if (sys.table.birth_year[i] == 2018 && sys.table.origin[i] == 0)
            stage[sys.table.id[i]] = 0;
        }
      }
      request_rounds(sys, year, p, rng, rq);
      test::clear_rounds(rq, year, rng, 0.6, out);
      apply_rounds(sys, rq, out, year, p);
      for (std::size_t k = 0; k < rq.size(); ++k) {
        auto it = stage.find(rq[k].startup_id);
        if (it == stage.end() || !out[k].funded) continue;
        it->second = static_cast<int>(rq[k].stage);
        if (rq[k].stage == Stage::seed) seed_year[it->first] = year;
        if (rq[k].stage == Stage::series_a && year - seed_year[it->first] <= 2) seed_to_a_2y += 1;
      }
      startup_outcomes(sys, year, p, rng, ex);
      for (const StartupExit& e : ex) {
        if (stage.count(e.startup_id) != 0) fate[static_cast<int>(e.kind)] += 1.0;
      }
      propose_graduates(sys, year, p, rng, gr);
      graduate(sys, {});
    }
    for (const auto& [id, s] : stage) {
      for (int k = 1; k <= s; ++k) reached[k] += 1.0;
    }
    cohort += static_cast<double>(stage.size());
    seeded += static_cast<double>(seed_year.size());
  }
  std::printf("| 2018 cohort, status end 2024 | model | Carta (US 2018 cohort) |\n");
  const char* carta[] = {"", "56.4%", "36.4%", "14.8%", "4.4%"};
  for (int s = 1; s < k_stages; ++s) {
    std::printf("| reached %s | %.1f%% | %s |\n", k_stage_names[s].data(),
                100 * reached[s] / cohort, carta[s]);
  }
  std::printf(
      "| closed | %.1f%% | 61.9%% |\n| acquired | %.1f%% | 5.5%% |\n| listed | %.2f%% | 0.34%% |\n",
      100 * fate[0] / cohort, 100 * fate[1] / cohort, 100 * fate[2] / cohort);
  std::printf("| seed to A within 2 years | %.1f%% | 30.6%% |\n", 100 * seed_to_a_2y / seeded);
  EXPECT_NEAR(reached[1] / cohort, 0.564, 0.15);
  EXPECT_NEAR(fate[0] / cohort, 0.619, 0.15);
  EXPECT_GT(reached[2], reached[3]);
  EXPECT_GT(reached[3], reached[4]);
}

/// Section 5.4: with the default exit multiple, about 65% of exits return less than the
/// post-money and the top 6% of exits carry about 60% of the value.
TEST(StartupCalibration, ExitMultipleIsPowerLawSkewed) {
  const StartupParams p;
  const Rng rng(7);
  std::vector<double> m(200000);
  for (std::size_t i = 0; i < m.size(); ++i) {
    m[i] = std::exp(p.exit_log_mean + p.exit_log_sigma * rng.normal(2020, i, 131));
  }
  const double losing =
      static_cast<double>(std::count_if(m.begin(), m.end(), [](double x) { return x < 1.0; })) /
      static_cast<double>(m.size());
  std::sort(m.begin(), m.end(), std::greater<>());
  const double total = std::accumulate(m.begin(), m.end(), 0.0);
  const auto top = static_cast<std::ptrdiff_t>(0.06 * static_cast<double>(m.size()));
  const double top_share = std::accumulate(m.begin(), m.begin() + top, 0.0) / total;
  EXPECT_NEAR(losing, 0.65, 0.02);
  EXPECT_NEAR(top_share, 0.60, 0.04);
}

}  // namespace
}  // namespace nisim::hk
