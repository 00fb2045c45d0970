// Shapley values and per-replication statistics (analysis/shapley.hpp).
#include "analysis/shapley.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <utility>

#include "engine/rng.hpp"
#include "engine/statistics.hpp"

namespace nisim::hk {
namespace {

/// Random-number purpose of the permutation draws (engine/rng.hpp: keyed by what draws them).
constexpr Purpose k_permutation_draw = 0xA771;

}  // namespace

std::vector<double> shapley_exact(std::size_t k, std::span<const double> v) {
  if (k > k_max_players || v.size() != (std::size_t{1} << k)) {
    throw std::invalid_argument("shapley_exact: v must hold 2^k coalition values");
  }
  // weight[s] = s! (k - s - 1)! / k!, built as a product to stay exact in doubles for k <= 24.
  std::vector<double> weight(k, 0.0);
  for (std::size_t s = 0; s < k; ++s) {
    double w = 1.0 / static_cast<double>(k);
    // 1 / (k * C(k - 1, s)) = s! (k - 1 - s)! / k!
    for (std::size_t j = 1; j <= s; ++j) {
      w *= static_cast<double>(j) / static_cast<double>(k - 1 - s + j);
    }
    weight[s] = w;
  }
  std::vector<double> phi(k, 0.0);
  for (std::size_t i = 0; i < k; ++i) {
    const Coalition bit = Coalition{1} << i;
    for (Coalition s = 0; s < v.size(); ++s) {
      if ((s & bit) != 0) continue;
      phi[i] += weight[static_cast<std::size_t>(std::popcount(s))] * (v[s | bit] - v[s]);
    }
  }
  return phi;
}

std::vector<double> shapley_permutations(std::size_t k,
                                         const std::vector<std::vector<std::size_t>>& perms,
                                         const std::function<double(Coalition)>& v) {
  if (perms.empty()) throw std::invalid_argument("shapley_permutations: no permutation");
  std::vector<double> phi(k, 0.0);
  for (const std::vector<std::size_t>& p : perms) {
    Coalition s = 0;
    double before = v(s);
    for (const std::size_t i : p) {
      s |= Coalition{1} << i;
      const double after = v(s);
      phi[i] += after - before;
      before = after;
    }
  }
  for (double& x : phi) x /= static_cast<double>(perms.size());
  return phi;
}

std::vector<std::vector<std::size_t>> sample_permutations(std::size_t k, std::size_t m,
                                                          std::uint64_t seed, std::uint64_t r) {
  const Rng rng(derive_seed(seed, r));
  std::vector<std::vector<std::size_t>> out(m, std::vector<std::size_t>(k));
  for (std::size_t q = 0; q < m; ++q) {
    std::vector<std::size_t>& p = out[q];
    std::iota(p.begin(), p.end(), std::size_t{0});
    for (std::size_t j = k; j > 1; --j) {  // Fisher-Yates: swap j - 1 with a uniform in [0, j)
      const double u = rng.uniform(static_cast<std::int32_t>(j), q, k_permutation_draw);
      const auto pick = std::min(j - 1, static_cast<std::size_t>(u * static_cast<double>(j)));
      std::swap(p[j - 1], p[pick]);
    }
  }
  return out;
}

std::vector<Coalition> prefixes(const std::vector<std::size_t>& perm) {
  std::vector<Coalition> out{0};
  Coalition s = 0;
  for (const std::size_t i : perm) out.push_back(s |= Coalition{1} << i);
  return out;
}

MeanCi mean_ci(std::span<const double> x, double confidence) {
  MeanCi c;
  const auto n = static_cast<double>(x.size());
  if (x.empty()) return {std::nan(""), std::nan(""), std::nan(""), std::nan("")};
  c.mean = std::accumulate(x.begin(), x.end(), 0.0) / n;
  double ss = 0.0;
  for (const double v : x) ss += (v - c.mean) * (v - c.mean);
  c.se = x.size() > 1 ? std::sqrt(ss / (n - 1.0) / n) : std::nan("");
  const double t = mean_ci_multiplier(x.size(), confidence);
  c.low = c.mean - t * c.se;
  c.high = c.mean + t * c.se;
  return c;
}

MeanCi ratio_ci(std::span<const double> num, std::span<const double> den, double min_den,
                double confidence) {
  const MeanCi d = mean_ci(den, confidence);
  if (!(d.mean > min_den) || num.size() != den.size()) {
    return {std::nan(""), std::nan(""), std::nan(""), std::nan("")};
  }
  const double ratio = mean_ci(num, confidence).mean / d.mean;
  std::vector<double> z(num.size());
  for (std::size_t r = 0; r < z.size(); ++r) z[r] = (num[r] - ratio * den[r]) / d.mean;
  const MeanCi e = mean_ci(z, confidence);  // mean of z is 0; its spread is the ratio's
  return {ratio, e.se, ratio + (e.low - e.mean), ratio + (e.high - e.mean)};
}

}  // namespace nisim::hk
