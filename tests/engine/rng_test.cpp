#include "engine/rng.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <set>
#include <vector>

#include "engine/parallel.hpp"

namespace nisim {

TEST(Rng, SameKeyGivesSameDraw) {
  const Rng a(42), b(42);
  EXPECT_EQ(a.uniform(2020, 7, 3), b.uniform(2020, 7, 3));
  EXPECT_EQ(a.normal(2020, 7, 3, 1), b.normal(2020, 7, 3, 1));
}

TEST(Rng, EveryKeyComponentChangesTheDraw) {
  const Rng r(42);
  const double base = r.uniform(2020, 7, 3, 0);
  EXPECT_NE(base, Rng(43).uniform(2020, 7, 3, 0));
  EXPECT_NE(base, r.uniform(2021, 7, 3, 0));
  EXPECT_NE(base, r.uniform(2020, 8, 3, 0));
  EXPECT_NE(base, r.uniform(2020, 7, 4, 0));
  EXPECT_NE(base, r.uniform(2020, 7, 3, 1));
  // High bits of the agent id and seed are used too.
  EXPECT_NE(base, r.uniform(2020, 7 + (1ULL << 32), 3, 0));
  EXPECT_NE(r.uniform(2020, 7, 3), Rng(42 + (1ULL << 32)).uniform(2020, 7, 3));
}

TEST(Rng, UniformIsInOpenUnitIntervalWithRightMoments) {
  const Rng r(1);
  const int n = 200000;
  double sum = 0.0, sum2 = 0.0;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform(2016, static_cast<std::uint64_t>(i), 1);
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  EXPECT_NEAR(mean, 0.5, 0.005);
  EXPECT_NEAR(var, 1.0 / 12.0, 0.002);
  EXPECT_GT(Rng::to_open_unit(0), 0.0);
  EXPECT_LT(Rng::to_open_unit(0xFFFFFFFFu), 1.0);
}

TEST(Rng, NormalHasZeroMeanUnitVariance) {
  const Rng r(2);
  const int n = 200000;
  double sum = 0.0, sum2 = 0.0, tail = 0.0;
  for (int i = 0; i < n; ++i) {
    const double z = r.normal(2016, static_cast<std::uint64_t>(i), 2);
    sum += z;
    sum2 += z * z;
    tail += std::abs(z) > 1.96;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sum2 / n, 1.0, 0.015);
  EXPECT_NEAR(tail / n, 0.05, 0.003);
}

TEST(Rng, DrawsDoNotDependOnThreadCountOrOrder) {
  const Rng r(99);
  const std::size_t n = 3 * k_block_rows + 17;
  std::vector<double> serial(n);
  for (std::size_t i = 0; i < n; ++i) serial[i] = r.normal(2030, i, 5);
  for (int threads : {1, 2, 4}) {
    Parallel par(threads);
    std::vector<double> parallel(n);
    par.for_blocks(n, [&](std::size_t, std::size_t b, std::size_t e) {
      // Walk the block backwards: order of drawing must not matter.
      for (std::size_t i = e; i-- > b;) parallel[i] = r.normal(2030, i, 5);
    });
    EXPECT_EQ(serial, parallel) << threads << " threads";
  }
}

TEST(Rng, DerivedSeedsAreDistinct) {
  std::set<std::uint64_t> seen;
  for (std::uint64_t s = 0; s < 1000; ++s) seen.insert(derive_seed(7, s));
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(derive_seed(7, 3), derive_seed(7, 3));
  EXPECT_NE(derive_seed(7, 3), derive_seed(8, 3));
}

}  // namespace nisim

namespace nisim {

TEST(Rng, ChunkedPhiloxEqualsScalarPhilox) {
  // agent_bits_chunk on a part chunk (16 of 64 lanes), as uniform_chunk and normal_chunk use it.
  const Rng r(0x123456789ABCDEFull);
  constexpr int W = 16;
  std::uint64_t ids[W];
  for (int j = 0; j < W; ++j) ids[j] = 1000003ull * j + (static_cast<std::uint64_t>(j) << 33);
  alignas(64) std::uint64_t out[4][k_uniform_lanes];
  agent_bits_chunk(r, 2031, ids, W, 12, 3, out);
  for (int j = 0; j < W; ++j) {
    const RandomBits b = r.bits(2031, ids[j], 12, 3);
    for (int k = 0; k < 4; ++k) EXPECT_EQ(out[k][j], b.w[k]) << "lane " << j << " word " << k;
  }
}

// philox_chunk takes the AVX-512 path (philox_x8) when W is a multiple of 8 on a machine built
// with it, and the philox_lane loop otherwise: both must give the scalar generator's words,
// including for agent ids above 2^32 and keys whose words are all ones.
template <int W>
void expect_philox_chunk_matches_scalar(std::uint64_t seed) {
  const Rng r(seed);
  alignas(64) std::uint64_t ids[W];
  for (int j = 0; j < W; ++j)
    ids[j] = 0x9E3779B97F4A7C15ull * (j + 1) ^ (static_cast<std::uint64_t>(j) << 40);
  alignas(64) std::uint64_t out[4][W];
  philox_chunk<W>(r.key_word(0), r.key_word(1), ids, 2029, philox_tag(7, 65535), out);
  for (int j = 0; j < W; ++j) {
    const RandomBits b = r.bits(2029, ids[j], 7, 65535);
    for (int k = 0; k < 4; ++k) EXPECT_EQ(out[k][j], b.w[k]) << "W " << W << " lane " << j;
  }
}

TEST(Rng, PhiloxChunkEqualsScalarPhiloxForEveryWidth) {
  for (const std::uint64_t seed : {0ull, 42ull, ~0ull}) {
    expect_philox_chunk_matches_scalar<8>(seed);
    expect_philox_chunk_matches_scalar<64>(seed);
    expect_philox_chunk_matches_scalar<5>(seed);
  }
}

TEST(Rng, SinCosPolynomialMatchesLibm) {
  double worst = 0.0;
  for (int i = 0; i <= 100000; ++i) {
    const double u = i / 100000.0;
    double s, c;
    Rng::sincos_2pi(u, s, c);
    worst = std::max({worst, std::abs(s - std::sin(2.0 * std::numbers::pi * u)),
                      std::abs(c - std::cos(2.0 * std::numbers::pi * u))});
  }
  EXPECT_LT(worst, 1e-15);
}

// The minimax polynomials of sincos_2pi (degree 13 and 14, docs/performance.md) against long
// double sinl/cosl, at the uniforms the normal draws use and around every quarter turn. Absolute
// error against sinl(2 pi u), within 2.5e-16 (measured 1.6e-16; the Taylor polynomials before
// reached 1.8e-16). Relative error, within 4e-16: against sinl and cosl of (pi/2) t, with
// 4u = q + t split exactly as sincos_2pi does (q the nearest integer, t exact) and the quarter
// turns applied by exact exchanges and negations, so the reference keeps its relative accuracy
// where sin or cos of 2 pi u is near zero (sinl(2 pi u) itself has an absolute error of about
// 2e-19 there, from 2 pi's rounding).
// Both forms: as written, and Fused (each Horner step rounded once, the firm kernel's form).
template <bool Fused>
void expect_sincos_within_bounds_of_long_double() {
  constexpr long double two_pi = 6.283185307179586476925286766559L;
  double worst_abs = 0.0, worst_rel = 0.0;
  auto check = [&](double u) {
    double s, c;
    Rng::sincos_2pi<Fused>(u, s, c);
    const long double a = two_pi * static_cast<long double>(u);
    worst_abs = std::max({worst_abs, static_cast<double>(fabsl(s - sinl(a))),
                          static_cast<double>(fabsl(c - cosl(a)))});
    const double q = std::nearbyint(4.0 * u);
    const long double t = static_cast<long double>(4.0 * u - q);  // exact
    const long double sr = sinl(two_pi / 4 * t), cr = cosl(two_pi / 4 * t);
    const int k = static_cast<int>(q) % 4;
    const long double want_s = k == 0 ? sr : k == 1 ? cr : k == 2 ? -sr : -cr;
    const long double want_c = k == 0 ? cr : k == 1 ? -sr : k == 2 ? -cr : sr;
    if (fabsl(want_s) > 1e-12L) {
      worst_rel = std::max(worst_rel, static_cast<double>(fabsl((s - want_s) / want_s)));
    }
    if (fabsl(want_c) > 1e-12L) {
      worst_rel = std::max(worst_rel, static_cast<double>(fabsl((c - want_c) / want_c)));
    }
  };
  for (std::uint64_t k = 0; k < (1ULL << 32); k += 65521) check(Rng::to_open_unit(k));
  for (int quarter = 0; quarter <= 4; ++quarter) {
    for (int i = -2000; i <= 2000; ++i) check(quarter * 0.25 + i * 0x1p-20);
    // Just below and above the boundary between two quarter turns (t = +-1/2).
    for (const double d : {-0x1p-30, 0x1p-30}) check(quarter * 0.25 + 0.125 + d);
  }
  EXPECT_LT(worst_abs, 2.5e-16);
  EXPECT_LT(worst_rel, 4e-16);
}

TEST(Rng, SinCosMinimaxWithinItsErrorBoundOfLongDouble) {
  expect_sincos_within_bounds_of_long_double<false>();
}

TEST(Rng, SinCosFusedWithinTheSameBoundAndDiffersOnlyInRounding) {
  expect_sincos_within_bounds_of_long_double<true>();
  int differ = 0;
  for (std::uint64_t k = 0; k < (1ULL << 32); k += 1048573) {
    const double u = Rng::to_open_unit(k);
    double s, c, s0, c0;
    Rng::sincos_2pi<true>(u, s, c);
    Rng::sincos_2pi(u, s0, c0);
    EXPECT_LE(std::abs(s - s0), 3e-16) << u;
    EXPECT_LE(std::abs(c - c0), 3e-16) << u;
    differ += (s != s0) + (c != c0);
  }
  EXPECT_GT(differ, 0);  // really a different rounding, not the same function
}

}  // namespace nisim
