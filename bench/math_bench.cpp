// BM_LaneExp, BM_LaneLog: exp and log on the firm update's 64-lane arrays, in cache: nisim's
// vector functions (engine/vecmath.hpp, what the firm update calls) against Eigen's vectorised
// ones (what it called before), libm, and, when CMake finds it (NISIM_WITH_SLEEF), SLEEF's
// vector and scalar functions, per element (docs/performance.md, "Vector math").
//
// Every benchmark also reports its accuracy against libm on the model's domains, computed once
// before timing with the same code path: max_ulp (largest error in units in the last place of
// libm's result) and max_rel_err. SLEEF variants also report diff_vs_fma_scalar and
// diff_vs_nofma_scalar: the number of sample points whose result differs in any bit from SLEEF's
// deterministic scalar function with FMA (Sleef_finz_*d1_u10purecfma, where the build has FMA)
// and without (Sleef_cinz_*d1_u10purec) -- their reproducibility across vector widths and
// instruction sets; vecmath reports diff_vs_nocontract against itself compiled without FMA
// contraction (vecmath_nocontract.cpp), which is what a target without FMA computes, and
// vecmath_fused is the form with every multiply-add rounded once (std::fma) that the kernel calls.
// nisim::analysis compiles Eigen with EIGEN_DONT_VECTORIZE (PUBLIC, for its small solves); this
// file times Eigen's vectorised exp and log, so it turns Eigen's SIMD back on for itself. No
// Eigen type of this file crosses into another translation unit. GCC 12 then reports false
// -Wmaybe-uninitialized inside its own avx512fintrin.h (GCC bug 105593), silenced here.
#undef EIGEN_DONT_VECTORIZE
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#if defined(NISIM_WITH_SLEEF)
#include <immintrin.h>
#include <sleef.h>
#endif

#include "bench/vecmath_nocontract.hpp"
#include "engine/vecmath.hpp"

namespace {

constexpr int W = 64;
using Lanes = Eigen::Array<double, W, 1>;

/// Maps the first n (a multiple of W) elements of x to y, W lanes at a time.
using ArrayFn = std::function<void(const double* x, double* y, std::size_t n)>;

/// Applies a W-lane kernel chunk by chunk: one definition per implementation.
template <class Chunk>
ArrayFn by_chunks(Chunk chunk) {
  return [chunk](const double* x, double* y, std::size_t n) {
    for (std::size_t c = 0; c < n; c += W) chunk(x + c, y + c);
  };
}

/// A scalar function over the lanes (the compiler may vectorise an inline one).
template <class F>
ArrayFn per_element(F f) {
  return by_chunks([f](const double* x, double* y) {
    for (int j = 0; j < W; ++j) y[j] = f(x[j]);
  });
}

#if defined(NISIM_WITH_SLEEF)
/// A SLEEF vector function of `Width` doubles (its register type V) over the lanes.
template <class V, int Width, class Load, class Store, class F>
ArrayFn sleef_vector(Load load, Store store, F f) {
  return by_chunks([=](const double* x, double* y) {
    for (int j = 0; j < W; j += Width) store(y + j, f(load(x + j)));
  });
}
#endif

/// The model's arguments: exp of log employment, log capital and log value added (about -10 to
/// 20 in any run) and far beyond, [-40, 40]; log of employment and capital (1e-2 to 1e7) and of
/// the Box-Muller uniforms (2^-32 to 1). 2^16 points each: an even grid and a golden-ratio
/// stride (which reaches mantissas a grid misses).
std::vector<double> sample(bool exp) {
  std::vector<double> x;
  const std::size_t n = 1 << 15;
  double frac = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    frac += 0.6180339887498949;
    frac -= std::floor(frac);
    const double grid = static_cast<double>(i) / static_cast<double>(n - 1);
    if (exp) {
      x.push_back(-40.0 + 80.0 * grid);
      x.push_back(-40.0 + 80.0 * frac);
    } else {
      // Half log-uniform on [1e-2, 1e7], half on [2^-32, 1].
      const double t = i % 2 == 0 ? grid : frac;
      x.push_back(i % 4 < 2 ? std::pow(10.0, -2.0 + 9.0 * t) : std::exp2(-32.0 * t));
    }
  }
  return x;
}

struct Accuracy {
  double max_ulp = 0.0;
  double max_rel = 0.0;
};

Accuracy accuracy(const ArrayFn& f, bool exp) {
  const std::vector<double> x = sample(exp);
  std::vector<double> y(x.size());
  f(x.data(), y.data(), x.size());
  Accuracy a;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double want = exp ? std::exp(x[i]) : std::log(x[i]);
    const double err = std::abs(y[i] - want);
    // Near x = 1, log x -> 0: there the error is measured against log's ulp at 1 (2.2e-16).
    const double ref = exp ? std::abs(want) : std::max(std::abs(want), 1.0);
    const double ulp = std::nextafter(ref, INFINITY) - ref;
    a.max_ulp = std::max(a.max_ulp, err / ulp);
    a.max_rel = std::max(a.max_rel, err / ref);
  }
  return a;
}

/// Points of the accuracy sample where f and g differ in any bit.
double bitwise_differences(const ArrayFn& f, const ArrayFn& g, bool exp) {
  const std::vector<double> x = sample(exp);
  std::vector<double> a(x.size()), b(x.size());
  f(x.data(), a.data(), x.size());
  g(x.data(), b.data(), x.size());
  double n = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) n += a[i] != b[i] ? 1.0 : 0.0;
  return n;
}

/// Functions a variant is compared with bit by bit: (counter name, function).
using References = std::vector<std::pair<std::string, const ArrayFn*>>;

void lane_math(benchmark::State& bs, const ArrayFn& f, bool exp, const References& ref) {
  const Accuracy acc = accuracy(f, exp);
  std::vector<double> in(1 << 16), out(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) in[i] = 1.0 + static_cast<double>(i % 1000) * 1e-3;
  for (auto _ : bs) {
    f(in.data(), out.data(), in.size());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  bs.SetItemsProcessed(bs.iterations() * static_cast<std::int64_t>(in.size()));
  bs.counters["max_ulp"] = acc.max_ulp;
  bs.counters["max_rel_err"] = acc.max_rel;
  for (const auto& [counter, g] : ref) bs.counters[counter] = bitwise_differences(f, *g, exp);
}

struct Variant {
  std::string name;
  ArrayFn exp, log;  ///< empty: no such function (SLEEF's exp has no 3.5-ulp version)
};

std::vector<Variant> variants() {
  std::vector<Variant> v;
  v.push_back({"vecmath", per_element([](double x) { return nisim::vecmath::exp(x); }),
               per_element([](double x) { return nisim::vecmath::log(x); })});
  // The fused form the firm kernel calls (each multiply-add rounded once by std::fma).
  v.push_back({"vecmath_fused", per_element([](double x) { return nisim::vecmath::exp<true>(x); }),
               per_element([](double x) { return nisim::vecmath::log<true>(x); })});
  // The same functions compiled without FMA contraction (vecmath_nocontract.cpp).
  v.push_back({"vecmath_nocontract", nisim::bench::vecmath_exp_nocontract,
               nisim::bench::vecmath_log_nocontract});
  v.push_back({"eigen", by_chunks([](const double* x, double* y) {
                 Eigen::Map<Lanes> ys(y);
                 ys = Eigen::Map<const Lanes>(x).exp();
               }),
               by_chunks([](const double* x, double* y) {
                 Eigen::Map<Lanes> ys(y);
                 ys = Eigen::Map<const Lanes>(x).log();
               })});
  v.push_back({"libm", per_element([](double x) { return std::exp(x); }),
               per_element([](double x) { return std::log(x); })});
#if defined(NISIM_WITH_SLEEF)
  // Scalar SLEEF: the deterministic ("finz" with FMA, "cinz" without) scalar functions are the
  // references of the bitwise comparisons.
#if defined(FP_FAST_FMA)
  v.push_back({"sleef_scalar_purecfma_u10", per_element(Sleef_finz_expd1_u10purecfma),
               per_element(Sleef_finz_logd1_u10purecfma)});
#endif
  v.push_back({"sleef_scalar_purec_u10", per_element(Sleef_cinz_expd1_u10purec),
               per_element(Sleef_cinz_logd1_u10purec)});
  v.push_back({"sleef_scalar_u10", per_element(Sleef_exp_u10), per_element(Sleef_log_u10)});
  // SSE2: every x86-64 CPU.
  const auto load2 = [](const double* p) { return _mm_loadu_pd(p); };
  const auto store2 = [](double* p, __m128d y) { _mm_storeu_pd(p, y); };
  v.push_back({"sleef_sse2_u10", sleef_vector<__m128d, 2>(load2, store2, Sleef_expd2_u10sse2),
               sleef_vector<__m128d, 2>(load2, store2, Sleef_logd2_u10sse2)});
#if defined(__AVX2__) && defined(__FMA__)
  const auto load4 = [](const double* p) { return _mm256_loadu_pd(p); };
  const auto store4 = [](double* p, __m256d y) { _mm256_storeu_pd(p, y); };
  v.push_back({"sleef_avx2_u10", sleef_vector<__m256d, 4>(load4, store4, Sleef_expd4_u10avx2),
               sleef_vector<__m256d, 4>(load4, store4, Sleef_logd4_u10avx2)});
  v.push_back({"sleef_avx2_finz_u10",
               sleef_vector<__m256d, 4>(load4, store4, Sleef_finz_expd4_u10avx2),
               sleef_vector<__m256d, 4>(load4, store4, Sleef_finz_logd4_u10avx2)});
  v.push_back({"sleef_avx2_u35", {}, sleef_vector<__m256d, 4>(load4, store4, Sleef_logd4_u35avx2)});
  // SLEEF's own run-time dispatch (4 doubles: AVX2 here, SSE or AVX on older CPUs).
  v.push_back({"sleef_dispatch_d4_u10", sleef_vector<__m256d, 4>(load4, store4, Sleef_expd4_u10),
               sleef_vector<__m256d, 4>(load4, store4, Sleef_logd4_u10)});
#endif
#if defined(__AVX512F__)
  const auto load8 = [](const double* p) { return _mm512_loadu_pd(p); };
  const auto store8 = [](double* p, __m512d y) { _mm512_storeu_pd(p, y); };
  v.push_back({"sleef_avx512f_u10", sleef_vector<__m512d, 8>(load8, store8, Sleef_expd8_u10avx512f),
               sleef_vector<__m512d, 8>(load8, store8, Sleef_logd8_u10avx512f)});
  v.push_back({"sleef_avx512f_finz_u10",
               sleef_vector<__m512d, 8>(load8, store8, Sleef_finz_expd8_u10avx512f),
               sleef_vector<__m512d, 8>(load8, store8, Sleef_finz_logd8_u10avx512f)});
  // exp has no 3.5-ulp version; log's is faster.
  v.push_back(
      {"sleef_avx512f_u35", {}, sleef_vector<__m512d, 8>(load8, store8, Sleef_logd8_u35avx512f)});
#endif
#endif
  return v;
}

int register_lane_math() {
  static const std::vector<Variant> all = variants();
  const auto find = [](const char* name) -> const Variant* {
    for (const Variant& v : all) {
      if (v.name == name) return &v;
    }
    return nullptr;
  };
  // SLEEF variants against SLEEF's deterministic scalar functions; vecmath against itself
  // compiled without contraction (which is what a build without FMA computes).
  const std::pair<const char*, const char*> pairs[] = {{"sleef_", "sleef_scalar_purecfma_u10"},
                                                       {"sleef_", "sleef_scalar_purec_u10"},
                                                       {"vecmath", "vecmath_nocontract"}};
  const char* counters[] = {"diff_vs_fma_scalar", "diff_vs_nofma_scalar", "diff_vs_nocontract"};
  for (const Variant& v : all) {
    References ref_exp, ref_log;
    for (std::size_t k = 0; k < std::size(pairs); ++k) {
      const Variant* r = find(pairs[k].second);
      if (r == nullptr || v.name.rfind(pairs[k].first, 0) != 0) continue;
      if (r->exp) ref_exp.emplace_back(counters[k], &r->exp);
      ref_log.emplace_back(counters[k], &r->log);
    }
    if (v.exp) {
      benchmark::RegisterBenchmark(
          ("BM_LaneExp/" + v.name).c_str(),
          [&v, ref_exp](benchmark::State& bs) { lane_math(bs, v.exp, true, ref_exp); });
    }
    benchmark::RegisterBenchmark(
        ("BM_LaneLog/" + v.name).c_str(),
        [&v, ref_log](benchmark::State& bs) { lane_math(bs, v.log, false, ref_log); });
  }
  return 0;
}
const int registered = register_lane_math();

}  // namespace
