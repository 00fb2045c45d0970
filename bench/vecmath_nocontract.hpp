#pragma once
// vecmath exp and log over arrays, compiled with -ffp-contract=off (vecmath_nocontract.cpp).
#include <cstddef>

namespace nisim::bench {

/// y[i] = vecmath::exp(x[i]) for i < n, without fused multiply-adds.
void vecmath_exp_nocontract(const double* x, double* y, std::size_t n) noexcept;
/// y[i] = vecmath::log(x[i]) for i < n, without fused multiply-adds.
void vecmath_log_nocontract(const double* x, double* y, std::size_t n) noexcept;

}  // namespace nisim::bench
