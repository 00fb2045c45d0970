// engine/vecmath.hpp's exp and log compiled without floating-point contraction
// (-ffp-contract=off, bench/CMakeLists.txt): no multiply-add is fused into an FMA, so the
// results are the same bits on every x86-64 target, with or without FMA (docs/performance.md,
// "Vector math"). Timed and compared by bench/math_bench.cpp.
#include "bench/vecmath_nocontract.hpp"

#include "engine/vecmath.hpp"

namespace nisim::bench {

void vecmath_exp_nocontract(const double* x, double* y, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) y[i] = vecmath::exp(x[i]);
}

void vecmath_log_nocontract(const double* x, double* y, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) y[i] = vecmath::log(x[i]);
}

}  // namespace nisim::bench
