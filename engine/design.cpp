// Experimental designs: full factorial grid, Latin hypercube, Sobol' sequence, scaling.
#include "engine/design.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include <boost/random/sobol.hpp>

#include "engine/rng.hpp"

namespace nisim {
namespace detail {
namespace {

/// Rng purposes of the Latin hypercube (agent = point index, index = dimension).
inline constexpr Purpose lhs_permutation = 1;
inline constexpr Purpose lhs_jitter = 2;

inline constexpr unsigned sobol_bits = 32;

/// Boost.Random's Sobol' generator: direction numbers of new-joe-kuo-6.21201 up to
/// sobol_max_dimension, 32-bit Gray-code construction.
using SobolEngine = boost::random::sobol_engine<std::uint32_t, sobol_bits>;
static_assert(boost::random::default_sobol_table::max_dimension == sobol_max_dimension,
              "sobol_max_dimension must be the dimension count of Boost's Joe-Kuo table");

}  // namespace
}  // namespace detail

Points full_grid(const std::vector<int>& levels) {
  if (levels.empty()) throw std::invalid_argument("full_grid: no dimensions");
  std::size_t count = 1;
  for (const int l : levels) {
    if (l < 1) throw std::invalid_argument("full_grid: level count " + std::to_string(l) + " < 1");
    const auto ul = static_cast<std::size_t>(l);
    if (count > std::numeric_limits<std::size_t>::max() / ul) {
      throw std::length_error("full_grid: too many points");
    }
    count *= ul;
  }
  const std::size_t d = levels.size();
  Points points(count, std::vector<double>(d));
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t rest = i;  // mixed-radix digits of i, last dimension least significant
    for (std::size_t j = d; j-- > 0;) {
      const auto l = static_cast<std::size_t>(levels[j]);
      const std::size_t k = rest % l;
      rest /= l;
      points[i][j] = l == 1 ? 0.5 : static_cast<double>(k) / static_cast<double>(l - 1);
    }
  }
  return points;
}

Points latin_hypercube(std::size_t n, std::size_t d, std::uint64_t seed) {
  if (d == 0 || d > std::numeric_limits<std::uint16_t>::max()) {
    throw std::invalid_argument("latin_hypercube: dimension must be in 1..65535, got " +
                                std::to_string(d));
  }
  const Rng rng(seed);
  Points points(n, std::vector<double>(d));
  std::vector<std::uint64_t> keys(n);
  std::vector<std::size_t> order(n);
  for (std::size_t j = 0; j < d; ++j) {
    const auto dim = static_cast<std::uint16_t>(j);
    // Random permutation: sort point indices by 64-bit random keys (ties broken by index).
    for (std::size_t i = 0; i < n; ++i) {
      const RandomBits b = rng.bits(0, i, detail::lhs_permutation, dim);
      keys[i] = (static_cast<std::uint64_t>(b.w[1]) << 32) | b.w[0];
    }
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
    // order[k] is the point that lands in stratum k.
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t i = order[k];
      const double u = rng.uniform(0, i, detail::lhs_jitter, dim);
      points[i][j] = (static_cast<double>(k) + u) / static_cast<double>(n);
    }
  }
  return points;
}

Points sobol_points(std::size_t n, std::size_t d, std::size_t skip) {
  if (d == 0 || d > sobol_max_dimension) {
    throw std::invalid_argument("sobol_points: dimension " + std::to_string(d) +
                                " is outside the supported range 1.." +
                                std::to_string(sobol_max_dimension));
  }
  constexpr std::uint64_t index_count = std::uint64_t{1} << detail::sobol_bits;
  if (skip > index_count || n > index_count - skip) {
    throw std::invalid_argument("sobol_points: skip + n exceeds the 2^32 points of the sequence");
  }
  Points points(n, std::vector<double>(d));
  if (n == 0) return points;
  // Boost's engine starts after the origin: its sequence number s is point s + 1 here, and
  // seed(s) moves it there (x = XOR of the direction numbers over the set bits of gray(s + 1)).
  detail::SobolEngine engine(d);
  std::size_t i = 0;
  if (skip == 0) {
    i = 1;  // point 0 is the origin, already zero
  } else {
    engine.seed(static_cast<std::uint32_t>(skip - 1));
  }
  for (; i < n; ++i) {
    for (double& x : points[i]) x = static_cast<double>(engine()) * 0x1p-32;
  }
  return points;
}

Points scale(const Points& points, const std::vector<double>& lower,
             const std::vector<double>& upper) {
  if (lower.size() != upper.size()) {
    throw std::invalid_argument("scale: lower and upper bounds differ in length");
  }
  Points out = points;
  for (auto& p : out) {
    if (p.size() != lower.size()) {
      throw std::invalid_argument("scale: a point has " + std::to_string(p.size()) +
                                  " coordinates, the bounds " + std::to_string(lower.size()));
    }
    for (std::size_t j = 0; j < p.size(); ++j) p[j] = lower[j] + p[j] * (upper[j] - lower[j]);
  }
  return out;
}

}  // namespace nisim
