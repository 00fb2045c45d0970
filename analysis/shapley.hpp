#pragma once
// Shapley values of a cooperative game over k players (here: scheme groups), exact over all
// 2^k coalitions or estimated from sampled permutations, and the small-sample statistics of
// per-replication estimates (mean, Student-t interval, delta-method interval of a ratio).
// Method: docs/batches.md "Attribution".
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace nisim::hk {

/// A coalition: bit i set when player i is in it.
using Coalition = std::uint32_t;

/// Most players whose Shapley values are computed exactly (2^k coalitions).
inline constexpr std::size_t k_max_exact_players = 6;
/// Most players at all (permutation sampling).
inline constexpr std::size_t k_max_players = 24;

/// Exact Shapley values (Shapley 1953): phi_i = sum over S not holding i of
/// |S|! (k - |S| - 1)! / k! [v(S + i) - v(S)]. `v` holds v(S) at index S (size 2^k).
/// Efficiency: sum_i phi_i = v(all) - v(none) up to rounding.
std::vector<double> shapley_exact(std::size_t k, std::span<const double> v);

/// Permutation estimate (Castro, Gomez and Tejada 2009): phi_i = mean over the permutations
/// of v(players before i, and i) - v(players before i). Each permutation's contributions sum
/// to v(all) - v(none), so the estimate is efficient exactly, whatever the permutations.
std::vector<double> shapley_permutations(std::size_t k,
                                         const std::vector<std::vector<std::size_t>>& perms,
                                         const std::function<double(Coalition)>& v);

/// `m` permutations of k players for replication r, drawn from `seed` by counter-based
/// random numbers (Fisher-Yates): the same arguments give the same permutations.
std::vector<std::vector<std::size_t>> sample_permutations(std::size_t k, std::size_t m,
                                                          std::uint64_t seed, std::uint64_t r);

/// The coalitions a permutation visits: its prefixes, from none to all.
std::vector<Coalition> prefixes(const std::vector<std::size_t>& perm);

/// Mean of per-replication values with a two-sided Student-t interval.
struct MeanCi {
  double mean = 0.0;
  double se = 0.0;    ///< standard error of the mean (sd / sqrt(n))
  double low = 0.0;   ///< mean - t_{(1+c)/2, n-1} se (NaN for n < 2)
  double high = 0.0;  ///< mean + t_{(1+c)/2, n-1} se
};

/// Mean and interval of `x` at `confidence` (engine/statistics.hpp mean_ci_multiplier).
MeanCi mean_ci(std::span<const double> x, double confidence = 0.95);

/// The ratio of means sum(num) / sum(den) with a delta-method interval: the standard error is
/// that of the mean of z_r = (num_r - R den_r) / mean(den), with Student-t quantiles. All NaN
/// when mean(den) <= `min_den` (the ratio is undefined: docs/model.md eq. 7.3a).
MeanCi ratio_ci(std::span<const double> num, std::span<const double> den, double min_den,
                double confidence = 0.95);

}  // namespace nisim::hk
