// Experimental designs: full factorial grid, Latin hypercube, Sobol' sequence, scaling.
#include "engine/design.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include "engine/rng.hpp"

namespace nisim {
namespace detail {
namespace {

/// Rng purposes of the Latin hypercube (agent = point index, index = dimension).
inline constexpr Purpose lhs_permutation = 1;
inline constexpr Purpose lhs_jitter = 2;

/// One row of Joe and Kuo's table: degree s of the primitive polynomial, its coefficients a
/// (interior bits), and the initial direction integers m_1..m_s.
struct JoeKuoRow {
  unsigned s;
  unsigned a;
  std::array<std::uint32_t, 7> m;
};

/// Dimensions 2..21 of new-joe-kuo-6.21201 (https://web.maths.unsw.edu.au/~fkuo/sobol/).
constexpr std::array<JoeKuoRow, sobol_max_dimension - 1> joe_kuo = {{
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
}};

inline constexpr unsigned sobol_bits = 32;

/// Direction numbers v_1..v_32 of one dimension (0-based `dim`), scaled to 32-bit integers:
/// v[k-1] = m_k 2^(32-k).
std::array<std::uint32_t, sobol_bits> direction_numbers(std::size_t dim) {
  std::array<std::uint32_t, sobol_bits> v{};
  if (dim == 0) {  // van der Corput: every m_k = 1
    for (unsigned k = 0; k < sobol_bits; ++k) v[k] = 1u << (sobol_bits - 1 - k);
    return v;
  }
  const JoeKuoRow& row = joe_kuo[dim - 1];
  const unsigned s = row.s;
  for (unsigned k = 0; k < s; ++k) v[k] = row.m[k] << (sobol_bits - 1 - k);
  // Bratley-Fox recurrence: v_k = v_{k-s} ^ (v_{k-s} >> s) ^ sum_{j=1}^{s-1} a_j v_{k-j}.
  for (unsigned k = s; k < sobol_bits; ++k) {
    v[k] = v[k - s] ^ (v[k - s] >> s);
    for (unsigned j = 1; j < s; ++j) {
      if ((row.a >> (s - 1 - j)) & 1u) v[k] ^= v[k - j];
    }
  }
  return v;
}

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
  for (std::size_t j = 0; j < d; ++j) {
    const auto v = detail::direction_numbers(j);
    // Point i is the XOR of the v_k over the set bits k of gray(i) = i ^ (i >> 1). Compute point
    // skip so, then step: gray(i) and gray(i-1) differ in the lowest set bit of i.
    const auto first = static_cast<std::uint32_t>(skip);
    const std::uint32_t gray = first ^ (first >> 1);
    std::uint32_t x = 0;
    for (unsigned k = 0; k < detail::sobol_bits; ++k) {
      if ((gray >> k) & 1u) x ^= v[k];
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (i > 0)
        x ^= v[static_cast<unsigned>(std::countr_zero(static_cast<std::uint32_t>(skip + i)))];
      points[i][j] = static_cast<double>(x) * 0x1p-32;
    }
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
