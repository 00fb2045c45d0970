#pragma once
// Branch-free exp and log for the firm update's lane loops (docs/performance.md, "Vector math").
// Each is a scalar inline function written so that a loop calling it vectorises: no branch, no
// table, no integer conversion beyond bit casts, no division in exp and one in log. Every lane
// then takes the same instructions, so a value does not depend on where its row sits in a chunk.
// Accuracy: relative error below 5e-16 (about two units in the last place) over the stated
// domains, against libm (tests/engine/vecmath_test.cpp).
#include <bit>
#include <cmath>
#include <cstdint>

namespace nisim::vecmath {

inline constexpr double k_ln2_hi = 0x1.62e42fefa3800p-1;   // ln 2, high bits (exact times n)
inline constexpr double k_ln2_lo = 0x1.ef35793c76730p-45;  // ln 2 - k_ln2_hi
inline constexpr double k_log2e = 0x1.71547652b82fep0;     // 1 / ln 2

/// a b + c. Fused: rounded once (std::fma, an FMA instruction on targets that have one, glibc's
/// exact software fma on those that do not), so the result is the same bits on every target.
/// Unfused: the product and the sum each rounded, as written (the kernel is compiled with
/// -ffp-contract=off, so the compiler never fuses them itself).
template <bool Fused>
inline double madd(double a, double b, double c) noexcept {
  if constexpr (Fused) {
    return std::fma(a, b, c);
  } else {
    return a * b + c;
  }
}

/// e^x. Arguments are clamped to [-708, 709], where the result is a normal double; the model
/// never leaves that range (log employment, log capital, log value added). Fused: every
/// multiply-add rounded once (madd); the firm kernel's form (docs/performance.md, "Fifth round").
template <bool Fused = false>
inline double exp(double x) noexcept {
  x = x < -708.0 ? -708.0 : x;
  x = x > 709.0 ? 709.0 : x;
  // x = n ln 2 + r with n the nearest integer to x / ln 2 and |r| <= ln(2) / 2. Adding 1.5 * 2^52
  // rounds to an integer in the low mantissa bits (round to nearest even).
  constexpr double shift = 0x1.8p52;
  const double t = madd<Fused>(x, k_log2e, shift);
  const double n = t - shift;
  const double r = madd<Fused>(-n, k_ln2_lo, x - n * k_ln2_hi);  // n ln2_hi is exact
  // e^r by a degree-11 polynomial 1 + r + r^2 Q(r), Q fitted by Chebyshev interpolation on
  // [-ln2/2, ln2/2] (docs/performance.md): relative error below 2e-17, against 2e-16 for the
  // degree-12 Taylor polynomial it replaces. Estrin's scheme, short dependency chains.
  const double r2 = r * r, r4 = r2 * r2;
  const double p01 = 1.0 + r;
  const double p23 = madd<Fused>(r, 0x1.5555555555556p-3, 0x1.0000000000001p-1);
  const double p45 = madd<Fused>(r, 0x1.11111111109b5p-7, 0x1.5555555553d68p-5);
  const double p67 = madd<Fused>(r, 0x1.a01a01a7c2efep-13, 0x1.6c16c17889ef1p-10);
  const double p89 = madd<Fused>(r, 0x1.71de0db2f6b19p-19, 0x1.a019b9149a41cp-16);
  const double p1011 = madd<Fused>(r, 0x1.af389ecfc4b9cp-26, 0x1.28917c89a43a7p-22);
  const double p =
      madd<Fused>(r4, madd<Fused>(r4, madd<Fused>(r2, p1011, p89), madd<Fused>(r2, p67, p45)),
                  madd<Fused>(r2, p23, p01));
  // 2^n, built in the exponent field: n is the integer in t's low mantissa bits.
  const std::int64_t ni = std::bit_cast<std::int64_t>(t) - std::bit_cast<std::int64_t>(shift);
  return p * std::bit_cast<double>(static_cast<std::uint64_t>(ni + 1023) << 52);
}

/// Natural log of a positive normal double (not zero, subnormal, infinite or NaN: the model's
/// arguments are employment, capital and uniforms on (0, 1)). Fused as for exp.
template <bool Fused = false>
inline double log(double x) noexcept {
  // x = m 2^e with m in [sqrt(1/2), sqrt(2)): subtracting sqrt(1/2)'s bits before the shift puts
  // the exponent boundary at sqrt(1/2).
  constexpr std::uint64_t sqrt_half = 0x3fe6a09e667f3bcdULL;
  const std::uint64_t b = std::bit_cast<std::uint64_t>(x);
  const std::int64_t e = static_cast<std::int64_t>(b - sqrt_half) >> 52;
  const double m = std::bit_cast<double>(b - (static_cast<std::uint64_t>(e) << 52));
  // ln m = 2 atanh(s) = s p(s^2) with s = (m - 1) / (m + 1), |s| < 0.172. p(z) = 2 + z R(z),
  // R the degree-6 minimax polynomial of (2 atanh(s) / s - 2) / z on z in [0, 0.0295] (Remez
  // exchange; docs/performance.md): relative error of p below 5e-18, against 1e-17 for the
  // series 2 (1 + z/3 + ... + z^9/19) it replaces, with two terms fewer.
  const double f = m - 1.0;
  const double s = f / (2.0 + f);
  const double z = s * s, z2 = z * z, z4 = z2 * z2;
  const double a0 = madd<Fused>(z, 0x1.5555555555558p-1, 2.0),
               a1 = madd<Fused>(z, 0x1.2492492e02b53p-2, 0x1.999999999522ep-2);
  const double a2 = madd<Fused>(z, 0x1.7462b9b8e3621p-3, 0x1.c71c62d1c2c91p-3),
               a3 = madd<Fused>(z, 0x1.2b5f0b9a529b9p-3, 0x1.39fdc7c053171p-3);
  const double p = madd<Fused>(z4, madd<Fused>(z2, a3, a2), madd<Fused>(z2, a1, a0));
  // e (|e| < 2^11) converted exactly by the 1.5 * 2^52 mantissa trick: AVX2 has no 64-bit
  // integer to double conversion, and a cast kept loops calling log scalar on that target.
  constexpr double shift = 0x1.8p52;
  const double de =
      std::bit_cast<double>(static_cast<std::uint64_t>(e) + std::bit_cast<std::uint64_t>(shift)) -
      shift;
  return madd<Fused>(de, k_ln2_hi, madd<Fused>(s, p, de * k_ln2_lo));
}

}  // namespace nisim::vecmath
