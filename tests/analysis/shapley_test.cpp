// Shapley values against games whose values are known, and the interval statistics
// (analysis/shapley.hpp).
#include "analysis/shapley.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <set>

#include "engine/rng.hpp"

namespace nisim::hk {
namespace {

/// v(S) of the game `f` for every coalition of k players.
std::vector<double> game(std::size_t k, const std::function<double(Coalition)>& f) {
  std::vector<double> v(std::size_t{1} << k);
  for (Coalition s = 0; s < v.size(); ++s) v[s] = f(s);
  return v;
}

}  // namespace

TEST(Shapley, AdditiveGameGivesEachPlayerItsOwnEffect) {
  const std::vector<double> a = {0.3, -1.2, 4.0, 0.0, 2.5};
  const auto additive = [&](Coalition s) {
    double sum = 7.0;  // v(none) is not attributed
    for (std::size_t i = 0; i < a.size(); ++i) sum += (s >> i & 1U) != 0 ? a[i] : 0.0;
    return sum;
  };
  const std::vector<double> phi = shapley_exact(a.size(), game(a.size(), additive));
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(phi[i], a[i], 1e-12) << i;
  // Any permutation gives the same: each player's contribution never depends on the others.
  const std::vector<double> sampled =
      shapley_permutations(a.size(), sample_permutations(a.size(), 3, 11, 0), additive);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(sampled[i], a[i], 1e-12) << i;
}

TEST(Shapley, PureInteractionIsSplitEqually) {
  for (std::size_t k = 1; k <= k_max_exact_players; ++k) {
    const Coalition all = (Coalition{1} << k) - 1;
    const std::vector<double> phi =
        shapley_exact(k, game(k, [&](Coalition s) { return s == all ? 6.0 : 0.0; }));
    for (std::size_t i = 0; i < k; ++i) EXPECT_NEAR(phi[i], 6.0 / static_cast<double>(k), 1e-12);
  }
}

TEST(Shapley, TwoPlayerGameByHand) {
  // v(1) = 1, v(2) = 2, v(12) = 5: phi_1 = (1 + 3) / 2 = 2, phi_2 = (2 + 4) / 2 = 3.
  const std::vector<double> phi = shapley_exact(2, std::vector<double>{0.0, 1.0, 2.0, 5.0});
  EXPECT_DOUBLE_EQ(phi[0], 2.0);
  EXPECT_DOUBLE_EQ(phi[1], 3.0);
}

TEST(Shapley, EfficiencyHoldsForArbitraryGames) {
  const Rng rng(99);
  for (std::size_t k = 1; k <= k_max_exact_players; ++k) {
    const auto v =
        game(k, [&](Coalition s) { return rng.normal(0, s, 1, static_cast<std::uint16_t>(k)); });
    const Coalition all = (Coalition{1} << k) - 1;
    const auto phi = shapley_exact(k, v);
    double sum = 0.0;
    for (const double x : phi) sum += x;
    EXPECT_NEAR(sum, v[all] - v[0], 1e-12) << k;
    const auto est =
        shapley_permutations(k, sample_permutations(k, 5, 3, k), [&](Coalition s) { return v[s]; });
    sum = 0.0;
    for (const double x : est) sum += x;
    EXPECT_NEAR(sum, v[all] - v[0], 1e-12) << k;
  }
}

TEST(Shapley, SampledPermutationsConvergeToTheExactValues) {
  // A game with interactions: v(S) = |S|^2 + 3 [0 and 2 in S] - [1 in S].
  const std::size_t k = 4;
  const auto f = [](Coalition s) {
    const double n = std::popcount(s);
    return n * n + ((s & 5U) == 5U ? 3.0 : 0.0) - ((s & 2U) != 0 ? 1.0 : 0.0);
  };
  const auto exact = shapley_exact(k, game(k, f));
  const auto est = shapley_permutations(k, sample_permutations(k, 20000, 5, 0), f);
  // Marginal contributions lie within [-1, 11]: a standard error below 0.05 at 20000 draws.
  for (std::size_t i = 0; i < k; ++i) EXPECT_NEAR(est[i], exact[i], 0.15) << i;
}

TEST(Shapley, PermutationsAreDeterministicPermutations) {
  const auto a = sample_permutations(6, 50, 42, 3);
  EXPECT_EQ(a, sample_permutations(6, 50, 42, 3));
  EXPECT_NE(a, sample_permutations(6, 50, 42, 4));  // another replication, other draws
  std::set<std::vector<std::size_t>> distinct;
  for (const auto& p : a) {
    std::vector<std::size_t> sorted = p;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5}));
    distinct.insert(p);
  }
  EXPECT_GT(distinct.size(), 40u);  // 720 orders: 50 draws rarely repeat
  const auto pre = prefixes({2, 0, 1});
  EXPECT_EQ(pre, (std::vector<Coalition>{0, 4, 5, 7}));
}

TEST(Shapley, MeanCiUsesStudentT) {
  const std::vector<double> x = {1.0, 2.0, 3.0, 4.0};
  const MeanCi c = mean_ci(x);
  const double se = std::sqrt(5.0 / 3.0 / 4.0);  // sample variance 5/3, n = 4
  EXPECT_DOUBLE_EQ(c.mean, 2.5);
  EXPECT_NEAR(c.se, se, 1e-15);
  EXPECT_NEAR(c.high - c.mean, 3.182446305284263 * se, 1e-9);  // t_{0.975, 3}
  EXPECT_NEAR(c.mean - c.low, 3.182446305284263 * se, 1e-9);
  EXPECT_TRUE(std::isnan(mean_ci(std::vector<double>{1.0}).low));
}

TEST(Shapley, RatioCiIsExactForProportionalDataAndUndefinedWithoutShare) {
  const std::vector<double> share = {0.1, 0.2, 0.15}, money = {100.0, 200.0, 150.0};
  const MeanCi c = ratio_ci(money, share, 1e-6);
  EXPECT_NEAR(c.mean, 1000.0, 1e-9);
  EXPECT_NEAR(c.low, 1000.0, 1e-9);
  EXPECT_NEAR(c.high, 1000.0, 1e-9);
  const MeanCi noisy = ratio_ci(std::vector<double>{90.0, 220.0, 150.0}, share, 1e-6);
  EXPECT_NEAR(noisy.mean, 460.0 / 0.45, 1e-9);
  EXPECT_LT(noisy.low, noisy.mean);
  EXPECT_GT(noisy.high, noisy.mean);
  EXPECT_TRUE(std::isnan(ratio_ci(money, std::vector<double>{0.0, 0.0, 0.0}, 1e-6).mean));
  EXPECT_TRUE(std::isnan(ratio_ci(money, std::vector<double>{-0.1, 0.0, 0.0}, 1e-6).mean));
}

}  // namespace nisim::hk
