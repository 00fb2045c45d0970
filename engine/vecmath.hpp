#pragma once
// Branch-free exp and log for the firm update's lane loops (docs/performance.md, "Vector math").
// Each is a scalar inline function written so that a loop calling it vectorises: no branch, no
// table, no integer conversion beyond bit casts, no division in exp and one in log. Every lane
// then takes the same instructions, so a value does not depend on where its row sits in a chunk.
// Accuracy: relative error below 5e-16 (about two units in the last place) over the stated
// domains, against libm (tests/engine/vecmath_test.cpp).
#include <bit>
#include <cstdint>

namespace nisim::vecmath {

inline constexpr double k_ln2_hi = 0x1.62e42fefa3800p-1;   // ln 2, high bits (exact times n)
inline constexpr double k_ln2_lo = 0x1.ef35793c76730p-45;  // ln 2 - k_ln2_hi
inline constexpr double k_log2e = 0x1.71547652b82fep0;     // 1 / ln 2

/// e^x. Arguments are clamped to [-708, 709], where the result is a normal double; the model
/// never leaves that range (log employment, log capital, log value added).
inline double exp(double x) noexcept {
  x = x < -708.0 ? -708.0 : x;
  x = x > 709.0 ? 709.0 : x;
  // x = n ln 2 + r with n the nearest integer to x / ln 2 and |r| <= ln(2) / 2. Adding 1.5 * 2^52
  // rounds to an integer in the low mantissa bits (round to nearest even).
  constexpr double shift = 0x1.8p52;
  const double t = x * k_log2e + shift;
  const double n = t - shift;
  const double r = (x - n * k_ln2_hi) - n * k_ln2_lo;
  // Taylor polynomial of e^r to degree 12 in Estrin's scheme (truncation below 2e-16).
  const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const double p01 = 1.0 + r;
  const double p23 = 1.0 / 2 + r * (1.0 / 6);
  const double p45 = 1.0 / 24 + r * (1.0 / 120);
  const double p67 = 1.0 / 720 + r * (1.0 / 5040);
  const double p89 = 1.0 / 40320 + r * (1.0 / 362880);
  const double p1011 = 1.0 / 3628800 + r * (1.0 / 39916800);
  constexpr double p12 = 1.0 / 479001600;
  const double p = (p01 + r2 * p23) + r4 * (p45 + r2 * p67) + r8 * ((p89 + r2 * p1011) + r4 * p12);
  // 2^n, built in the exponent field: n is the integer in t's low mantissa bits.
  const std::int64_t ni = std::bit_cast<std::int64_t>(t) - std::bit_cast<std::int64_t>(shift);
  return p * std::bit_cast<double>(static_cast<std::uint64_t>(ni + 1023) << 52);
}

/// Natural log of a positive normal double (not zero, subnormal, infinite or NaN: the model's
/// arguments are employment, capital and uniforms on (0, 1)).
inline double log(double x) noexcept {
  // x = m 2^e with m in [sqrt(1/2), sqrt(2)): subtracting sqrt(1/2)'s bits before the shift puts
  // the exponent boundary at sqrt(1/2).
  constexpr std::uint64_t sqrt_half = 0x3fe6a09e667f3bcdULL;
  const std::uint64_t b = std::bit_cast<std::uint64_t>(x);
  const std::int64_t e = static_cast<std::int64_t>(b - sqrt_half) >> 52;
  const double m = std::bit_cast<double>(b - (static_cast<std::uint64_t>(e) << 52));
  // ln m = 2 atanh(s) with s = (m - 1) / (m + 1), |s| < 0.172: the odd series
  // 2 (s + s^3/3 + ... + s^19/19), truncation below 1e-17.
  const double f = m - 1.0;
  const double s = f / (2.0 + f);
  const double z = s * s, z2 = z * z, z4 = z2 * z2;
  const double a0 = 2.0 + z * (2.0 / 3), a1 = 2.0 / 5 + z * (2.0 / 7);
  const double a2 = 2.0 / 9 + z * (2.0 / 11), a3 = 2.0 / 13 + z * (2.0 / 15);
  const double a4 = 2.0 / 17 + z * (2.0 / 19);
  const double p = (a0 + z2 * a1) + z4 * ((a2 + z2 * a3) + z4 * a4);
  // e (|e| < 2^11) converted exactly by the 1.5 * 2^52 mantissa trick: AVX2 has no 64-bit
  // integer to double conversion, and a cast kept loops calling log scalar on that target.
  constexpr double shift = 0x1.8p52;
  const double de =
      std::bit_cast<double>(static_cast<std::uint64_t>(e) + std::bit_cast<std::uint64_t>(shift)) -
      shift;
  return de * k_ln2_hi + (s * p + de * k_ln2_lo);
}

}  // namespace nisim::vecmath
