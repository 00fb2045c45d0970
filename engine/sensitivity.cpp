// Global sensitivity analysis: Morris elementary effects (with SALib's bootstrap interval of mu*)
// and Sobol' indices (Saltelli sampling, Saltelli 2010 first-order estimator with centred outputs
// and Jansen total-order estimator, bootstrap percentile intervals).
#include "engine/sensitivity.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

#include "engine/rng.hpp"

namespace nisim {
namespace detail {
namespace {

/// Rng purposes (distinct from the Latin hypercube's, so one seed never reuses a stream).
inline constexpr Purpose morris_start = 3;      // agent = trajectory, index = dimension
inline constexpr Purpose morris_sign = 4;       // agent = trajectory, index = dimension
inline constexpr Purpose morris_order = 5;      // agent = trajectory, index = dimension
inline constexpr Purpose bootstrap_rows = 6;    // agent = (resample << 32) | draw
inline constexpr Purpose morris_bootstrap = 7;  // agent = (resample << 32) | draw, index = dim

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// Morris step: levels / (2 (levels - 1)).
double morris_delta(int levels) {
  if (levels < 2 || levels % 2 != 0) {
    throw std::invalid_argument("morris: levels must be even and >= 2, got " +
                                std::to_string(levels));
  }
  return static_cast<double>(levels) / (2.0 * static_cast<double>(levels - 1));
}

/// S1 and ST of every parameter for the base rows rows[0..n) (with repetition) of outputs:
/// Saltelli et al. (2010, Comput. Phys. Commun. 181, 259-270) for S1 with f(B) centred on the mean
/// f0 of the f(A) and f(B) of these rows, Jansen (1999, Comput. Phys. Commun. 117, 35-43) for ST.
/// Centring makes S1 invariant under y -> a y + b: without it, b mean(f(AB_i) - f(A)) / Var is
/// added, which is 0 only in expectation and dominates when the output's mean is large against its
/// spread.
void sobol_estimate(const std::vector<double>& y, std::size_t n, std::size_t d,
                    const std::vector<std::size_t>& rows, std::vector<double>& s1,
                    std::vector<double>& st) {
  const double* fa = y.data();
  const double* fb = y.data() + n;
  double mean = 0.0;
  for (const std::size_t j : rows) mean += fa[j] + fb[j];
  mean /= 2.0 * static_cast<double>(rows.size());
  double var = 0.0;
  for (const std::size_t j : rows) {
    var += (fa[j] - mean) * (fa[j] - mean) + (fb[j] - mean) * (fb[j] - mean);
  }
  var /= 2.0 * static_cast<double>(rows.size());
  // A constant output has no variance to share out: its indices are NaN. Its computed variance
  // is rounding (the mean of equal values can differ from them in the last bit), so "constant"
  // is a spread below 1e-12 of the mean.
  if (!(var > 1e-24 * mean * mean)) {
    std::fill(s1.begin(), s1.begin() + static_cast<std::ptrdiff_t>(d), nan);
    std::fill(st.begin(), st.begin() + static_cast<std::ptrdiff_t>(d), nan);
    return;
  }
  const auto count = static_cast<double>(rows.size());
  for (std::size_t i = 0; i < d; ++i) {
    const double* fab = y.data() + (2 + i) * n;
    double first = 0.0, total = 0.0;
    for (const std::size_t j : rows) {
      first += (fb[j] - mean) * (fab[j] - fa[j]);
      total += (fa[j] - fab[j]) * (fa[j] - fab[j]);
    }
    s1[i] = first / count / var;
    st[i] = total / count / (2.0 * var);
  }
}

/// Half-width of the interval of mu* of one parameter from its r elementary effects: z times
/// the standard deviation (denominator bootstrap - 1) of mean |EE| over `bootstrap` resamples.
double mu_star_half_width(const std::vector<double>& effects, std::size_t bootstrap, const Rng& rng,
                          std::uint16_t dim, double z) {
  const std::size_t r = effects.size();
  if (bootstrap < 2 || r == 0) return nan;
  std::vector<double> means(bootstrap);
  for (std::size_t b = 0; b < bootstrap; ++b) {
    double m = 0.0;
    for (std::size_t k = 0; k < r; ++k) {
      const std::uint64_t key = (static_cast<std::uint64_t>(b) << 32) | k;
      const double u = rng.uniform(0, key, morris_bootstrap, dim);
      m += std::abs(effects[std::min(static_cast<std::size_t>(u * static_cast<double>(r)), r - 1)]);
    }
    means[b] = m / static_cast<double>(r);
  }
  const auto nb = static_cast<double>(bootstrap);
  const double mean = std::accumulate(means.begin(), means.end(), 0.0) / nb;
  double ss = 0.0;
  for (const double m : means) ss += (m - mean) * (m - mean);
  return z * std::sqrt(ss / (nb - 1.0));
}

/// Percentile of sorted values with linear interpolation between order statistics.
double percentile(const std::vector<double>& sorted, double q) {
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

/// (lower, upper) percentile bounds of the estimates at `confidence`; NaN if any is NaN.
std::pair<double, double> interval(std::vector<double> estimates, double confidence) {
  if (estimates.empty()) return {nan, nan};
  for (const double e : estimates) {
    if (std::isnan(e)) return {nan, nan};
  }
  std::sort(estimates.begin(), estimates.end());
  const double alpha = 1.0 - confidence;
  return {percentile(estimates, alpha / 2.0), percentile(estimates, 1.0 - alpha / 2.0)};
}

}  // namespace
}  // namespace detail

Points morris_design(std::size_t trajectories, std::size_t d, int levels, std::uint64_t seed) {
  const double delta = detail::morris_delta(levels);
  if (d == 0 || d > std::numeric_limits<std::uint16_t>::max()) {
    throw std::invalid_argument("morris_design: dimension must be in 1..65535, got " +
                                std::to_string(d));
  }
  const Rng rng(seed);
  const double step = 1.0 / static_cast<double>(levels - 1);   // grid spacing
  const auto starts = static_cast<std::uint32_t>(levels / 2);  // levels k with k step + delta <= 1
  Points points;
  points.reserve(trajectories * (d + 1));
  std::vector<double> x(d), low(d), high(d);
  std::vector<bool> up(d);
  std::vector<std::uint64_t> keys(d);
  std::vector<std::size_t> order(d);
  for (std::size_t t = 0; t < trajectories; ++t) {
    for (std::size_t j = 0; j < d; ++j) {
      const auto dim = static_cast<std::uint16_t>(j);
      const double u = rng.uniform(0, t, detail::morris_start, dim);
      const auto k = std::min(static_cast<std::uint32_t>(u * starts), starts - 1);
      // Coordinate j moves between low[j] and high[j] = low[j] + delta <= 1, up or down.
      low[j] = static_cast<double>(k) * step;
      high[j] = std::min(low[j] + delta, 1.0);
      up[j] = rng.uniform(0, t, detail::morris_sign, dim) < 0.5;
      x[j] = up[j] ? low[j] : high[j];
      const RandomBits b = rng.bits(0, t, detail::morris_order, dim);
      keys[j] = (static_cast<std::uint64_t>(b.w[1]) << 32) | b.w[0];
    }
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
    points.push_back(x);
    for (const std::size_t j : order) {
      x[j] = up[j] ? high[j] : low[j];
      points.push_back(x);
    }
  }
  return points;
}

std::vector<MorrisIndex> morris_indices(const Points& points, const std::vector<double>& outputs,
                                        std::size_t d, int levels, std::size_t bootstrap,
                                        std::uint64_t seed, double confidence) {
  const double delta = detail::morris_delta(levels);
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw std::invalid_argument("morris_indices: confidence must be in (0, 1)");
  }
  if (d > std::numeric_limits<std::uint16_t>::max()) {
    throw std::invalid_argument("morris_indices: dimension must be in 1..65535, got " +
                                std::to_string(d));
  }
  if (d == 0 || points.size() % (d + 1) != 0 || outputs.size() != points.size()) {
    throw std::invalid_argument("morris_indices: need r (d+1) points and as many outputs, got " +
                                std::to_string(points.size()) + " points, " +
                                std::to_string(outputs.size()) +
                                " outputs, d = " + std::to_string(d));
  }
  const std::size_t r = points.size() / (d + 1);
  constexpr double tol = 1e-9;
  std::vector<double> sum(d, 0.0), sum_abs(d, 0.0);
  std::vector<std::vector<double>> effects(d, std::vector<double>(r));
  std::vector<bool> seen(d);
  for (std::size_t t = 0; t < r; ++t) {
    std::fill(seen.begin(), seen.end(), false);
    for (std::size_t k = 1; k <= d; ++k) {
      const auto& prev = points[t * (d + 1) + k - 1];
      const auto& cur = points[t * (d + 1) + k];
      if (prev.size() != d || cur.size() != d) {
        throw std::invalid_argument("morris_indices: a point does not have d coordinates");
      }
      std::size_t moved = d;
      for (std::size_t j = 0; j < d; ++j) {
        if (std::abs(cur[j] - prev[j]) <= tol) continue;
        if (moved != d || std::abs(std::abs(cur[j] - prev[j]) - delta) > tol || seen[j]) {
          throw std::invalid_argument("morris_indices: trajectory " + std::to_string(t) + " step " +
                                      std::to_string(k) +
                                      " is not a one-at-a-time move of +-delta");
        }
        moved = j;
      }
      if (moved == d) {
        throw std::invalid_argument("morris_indices: trajectory " + std::to_string(t) + " step " +
                                    std::to_string(k) + " moves no coordinate");
      }
      seen[moved] = true;
      const double ee =
          (outputs[t * (d + 1) + k] - outputs[t * (d + 1) + k - 1]) / (cur[moved] - prev[moved]);
      effects[moved][t] = ee;
      sum[moved] += ee;
      sum_abs[moved] += std::abs(ee);
    }
  }
  std::vector<MorrisIndex> out(d);
  const auto rd = static_cast<double>(r);
  const Rng rng(seed);
  const double z = boost::math::quantile(boost::math::normal(), 0.5 + 0.5 * confidence);
  for (std::size_t j = 0; j < d; ++j) {
    const double mu = sum[j] / rd;
    double ss = 0.0;
    for (const double e : effects[j]) ss += (e - mu) * (e - mu);
    out[j] = {
        mu, sum_abs[j] / rd, r < 2 ? detail::nan : std::sqrt(ss / (rd - 1.0)),
        detail::mu_star_half_width(effects[j], bootstrap, rng, static_cast<std::uint16_t>(j), z)};
  }
  return out;
}

Points saltelli_design(std::size_t n, std::size_t d, std::size_t skip) {
  if (d == 0 || d > saltelli_max_parameters) {
    throw std::invalid_argument("saltelli_design: parameter count " + std::to_string(d) +
                                " is outside the supported range 1.." +
                                std::to_string(saltelli_max_parameters) +
                                " (a 2d-dimensional Sobol' sequence, at most " +
                                std::to_string(sobol_max_dimension) + " dimensions)");
  }
  const Points base = sobol_points(n, 2 * d, skip);
  Points out(n * (d + 2), std::vector<double>(d));
  for (std::size_t j = 0; j < n; ++j) {
    const auto& p = base[j];
    std::copy(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(d), out[j].begin());
    std::copy(p.begin() + static_cast<std::ptrdiff_t>(d), p.end(), out[n + j].begin());
    for (std::size_t i = 0; i < d; ++i) {
      auto& ab = out[(2 + i) * n + j];
      ab = out[j];
      ab[i] = out[n + j][i];
    }
  }
  return out;
}

std::vector<SobolIndex> sobol_indices(const std::vector<double>& outputs, std::size_t n,
                                      std::size_t d, std::size_t bootstrap, std::uint64_t seed,
                                      double confidence) {
  if (d == 0 || n < 2 || outputs.size() != n * (d + 2)) {
    throw std::invalid_argument(
        "sobol_indices: need n >= 2 and n (d+2) outputs, got n = " + std::to_string(n) +
        ", d = " + std::to_string(d) + ", " + std::to_string(outputs.size()) + " outputs");
  }
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw std::invalid_argument("sobol_indices: confidence must be in (0, 1)");
  }
  std::vector<double> s1(d), st(d);
  std::vector<std::size_t> rows(n);
  std::iota(rows.begin(), rows.end(), std::size_t{0});
  detail::sobol_estimate(outputs, n, d, rows, s1, st);
  std::vector<SobolIndex> out(d);
  for (std::size_t i = 0; i < d; ++i)
    out[i] = {s1[i], detail::nan, detail::nan, st[i], detail::nan, detail::nan};
  if (bootstrap == 0) return out;

  const Rng rng(seed);
  std::vector<std::vector<double>> boot_s1(d, std::vector<double>(bootstrap));
  std::vector<std::vector<double>> boot_st(d, std::vector<double>(bootstrap));
  std::vector<double> b1(d), bt(d);
  for (std::size_t b = 0; b < bootstrap; ++b) {
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint64_t key = (static_cast<std::uint64_t>(b) << 32) | k;
      const double u = rng.uniform(0, key, detail::bootstrap_rows);
      rows[k] = std::min(static_cast<std::size_t>(u * static_cast<double>(n)), n - 1);
    }
    detail::sobol_estimate(outputs, n, d, rows, b1, bt);
    for (std::size_t i = 0; i < d; ++i) {
      boot_s1[i][b] = b1[i];
      boot_st[i][b] = bt[i];
    }
  }
  for (std::size_t i = 0; i < d; ++i) {
    std::tie(out[i].first_lo, out[i].first_hi) = detail::interval(boot_s1[i], confidence);
    std::tie(out[i].total_lo, out[i].total_hi) = detail::interval(boot_st[i], confidence);
  }
  return out;
}

}  // namespace nisim
