// The firm update's vector exp and log (engine/vecmath.hpp) against libm.
#include "engine/vecmath.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

namespace nisim {
namespace {

/// Largest relative error of f against g over n points spread evenly over [lo, hi] and 1000
/// points at a golden-ratio stride (to hit mantissas an even grid misses).
template <class F, class G>
double worst_relative_error(F f, G g, double lo, double hi, int n) {
  double worst = 0.0;
  auto check = [&](double x) {
    const double want = g(x);
    const double got = f(x);
    const double scale = std::abs(want) > 0.0 ? std::abs(want) : 1.0;
    worst = std::max(worst, std::abs(got - want) / scale);
  };
  for (int i = 0; i <= n; ++i) check(lo + (hi - lo) * i / n);
  double frac = 0.0;
  for (int i = 0; i < 1000; ++i) {
    frac += 0.6180339887498949;
    frac -= std::floor(frac);
    check(lo + (hi - lo) * frac);
  }
  return worst;
}

// Every accuracy test runs on both forms: as written (each multiply and add rounded) and Fused
// (each multiply-add rounded once, the firm kernel's form). Fused must meet the same bounds.
template <class Fused>
class VecMathForm : public ::testing::Test {};
using Forms = ::testing::Types<std::false_type, std::true_type>;
struct FormName {
  template <class T>
  static std::string GetName(int) {
    return T::value ? "fused" : "unfused";
  }
};
TYPED_TEST_SUITE(VecMathForm, Forms, FormName);

TEST(VecMath, FusedMultiplyAddRoundsOnce) {
  // (1 + 2^-30)^2 - (1 + 2^-29) is 2^-60 exactly; rounding the product first loses it.
  const double a = 1.0 + 0x1p-30, c = -(1.0 + 0x1p-29);
  volatile double av = a;  // no constant folding
  EXPECT_EQ(vecmath::madd<true>(av, av, c), 0x1p-60);
  EXPECT_EQ(vecmath::madd<false>(av, av, c), 0.0);
}

TYPED_TEST(VecMathForm, FusedAndUnfusedDifferOnlyInRounding) {
  // The two forms evaluate the same polynomials: within a few ulp of each other everywhere, and
  // not the same function (some results differ in the last bits).
  constexpr bool f = TypeParam::value;
  int differ = 0;
  for (int i = 0; i <= 20000; ++i) {
    const double x = -30.0 + 60.0 * i / 20000.0;
    const double e = vecmath::exp<f>(x), e0 = vecmath::exp<false>(x);
    EXPECT_LE(std::abs(e - e0), 4e-16 * e0) << x;
    const double y = std::exp(x);
    const double l = vecmath::log<f>(y), l0 = vecmath::log<false>(y);
    EXPECT_LE(std::abs(l - l0), 4e-16 * std::max(1.0, std::abs(l0))) << y;
    differ += (e != e0) + (l != l0);
  }
  if (f) {
    EXPECT_GT(differ, 0);
  } else {
    EXPECT_EQ(differ, 0);
  }
}

TYPED_TEST(VecMathForm, ExpWithinAboutTwoUlpOfLibmOverTheModelsRange) {
  // Log employment, capital and value added, and far beyond.
  const double worst =
      worst_relative_error([](double x) { return vecmath::exp<TypeParam::value>(x); },
                           [](double x) { return std::exp(x); }, -700.0, 700.0, 200000);
  // 2 ulp of a result just above a power of two is 4.4e-16; the polynomial and the final scaling
  // each round once.
  EXPECT_LT(worst, 5e-16);
  EXPECT_LT(worst_relative_error([](double x) { return vecmath::exp<TypeParam::value>(x); },
                                 [](double x) { return std::exp(x); }, -1.0, 1.0, 100000),
            5e-16);
}

TYPED_TEST(VecMathForm, ExpIsExactAtZeroAndClampsOutsideTheNormalRange) {
  EXPECT_EQ(vecmath::exp<TypeParam::value>(0.0), 1.0);
  EXPECT_DOUBLE_EQ(vecmath::exp<TypeParam::value>(1.0), std::exp(1.0));
  // Clamped to [-708, 709]: finite, positive, never a garbage exponent.
  EXPECT_DOUBLE_EQ(vecmath::exp<TypeParam::value>(800.0), vecmath::exp<TypeParam::value>(709.0));
  EXPECT_DOUBLE_EQ(vecmath::exp<TypeParam::value>(-800.0), vecmath::exp<TypeParam::value>(-708.0));
  EXPECT_GT(vecmath::exp<TypeParam::value>(-800.0), 0.0);
  EXPECT_TRUE(std::isfinite(vecmath::exp<TypeParam::value>(1e300)));
}

TYPED_TEST(VecMathForm, LogWithinTwoUlpOfLibmOverPositiveNormals) {
  // Relative error in log(x) against |log x|, except near x = 1 where log x -> 0: there the
  // absolute error is what matters and is checked separately.
  const double worst =
      worst_relative_error([](double x) { return vecmath::log<TypeParam::value>(x); },
                           [](double x) { return std::log(x); }, 2.0, 1e6, 200000);
  EXPECT_LT(worst, 4.5e-16);
  EXPECT_LT(
      worst_relative_error([](double x) { return vecmath::log<TypeParam::value>(std::exp(x)); },
                           [](double x) { return std::log(std::exp(x)); }, -700.0, -1.0, 100000),
      4.5e-16);
  double worst_abs = 0.0;
  for (int i = 0; i <= 100000; ++i) {
    const double x = 0.5 + i * 1e-5;  // [0.5, 1.5], across the sqrt(1/2) and 1 boundaries
    worst_abs = std::max(worst_abs, std::abs(vecmath::log<TypeParam::value>(x) - std::log(x)));
  }
  EXPECT_LT(worst_abs, 2.5e-16);
}

TYPED_TEST(VecMathForm, LogIsExactAtOneAndPowersOfTwo) {
  EXPECT_EQ(vecmath::log<TypeParam::value>(1.0), 0.0);
  EXPECT_DOUBLE_EQ(vecmath::log<TypeParam::value>(2.0), std::log(2.0));
  EXPECT_DOUBLE_EQ(vecmath::log<TypeParam::value>(0x1p-32),
                   -32.0 * std::log(2.0));  // the smallest uniform
  EXPECT_DOUBLE_EQ(vecmath::log<TypeParam::value>(std::numeric_limits<double>::min()),
                   std::log(std::numeric_limits<double>::min()));
}

// The error bounds of the minimax polynomials (docs/performance.md) against long double expl and
// logl, which are exact to about 1e-19 here: exp's degree-11 polynomial keeps the result within
// 4e-16 relative (measured 3.3e-16; the degree-12 Taylor polynomial before reached 5.2e-16), log's
// degree-7 polynomial in s^2 within 2e-16 relative on [2, 1e6] (measured 1.2e-16) and 6e-16 at
// the Box-Muller uniforms (k + 1/2) 2^-32, where log u -> 0 as u -> 1 (measured 4.9e-16).
TYPED_TEST(VecMathForm, MinimaxExpAndLogWithinTheirBoundsOfLongDouble) {
  double worst_exp = 0.0;
  for (int i = 0; i <= 400000; ++i) {
    const double x = -700.0 + 1400.0 * i / 400000.0;
    const long double want = expl(x);
    worst_exp = std::max(
        worst_exp, static_cast<double>(fabsl(vecmath::exp<TypeParam::value>(x) - want) / want));
  }
  for (int i = 0; i <= 200000; ++i) {
    const double x = -1.0 + 2.0 * i / 200000.0;
    const long double want = expl(x);
    worst_exp = std::max(
        worst_exp, static_cast<double>(fabsl(vecmath::exp<TypeParam::value>(x) - want) / want));
  }
  EXPECT_LT(worst_exp, 4e-16);
  double worst_log = 0.0, worst_uniform = 0.0;
  for (int i = 0; i <= 400000; ++i) {
    const double x = 2.0 + (1e6 - 2.0) * i / 400000.0;
    const long double want = logl(x);
    worst_log = std::max(
        worst_log, static_cast<double>(fabsl(vecmath::log<TypeParam::value>(x) - want) / want));
  }
  for (std::uint64_t k = 0; k < (1ULL << 32); k += 65521) {
    const double u = static_cast<double>(k) * 0x1p-32 + 0x1p-33;
    const long double want = logl(u);
    worst_uniform = std::max(
        worst_uniform,
        static_cast<double>(fabsl(vecmath::log<TypeParam::value>(u) - want) / fabsl(want)));
  }
  EXPECT_LT(worst_log, 2e-16);
  EXPECT_LT(worst_uniform, 6e-16);
}

TYPED_TEST(VecMathForm, LoopsOverThemGiveTheScalarValues) {
  // The firm update calls them in vectorised loops; each lane must equal the scalar call.
  alignas(64) double x[64], e[64], l[64];
  for (int j = 0; j < 64; ++j) x[j] = 0.37 * j - 11.0;
  for (int j = 0; j < 64; ++j) e[j] = vecmath::exp<TypeParam::value>(x[j]);
  for (int j = 0; j < 64; ++j) l[j] = vecmath::log<TypeParam::value>(e[j]);
  for (int j = 0; j < 64; ++j) {
    volatile double xj = x[j];  // keep the scalar call out of the vectorised loop
    EXPECT_EQ(e[j], vecmath::exp<TypeParam::value>(xj)) << j;
    volatile double ej = e[j];
    EXPECT_EQ(l[j], vecmath::log<TypeParam::value>(ej)) << j;
  }
}

}  // namespace
}  // namespace nisim
