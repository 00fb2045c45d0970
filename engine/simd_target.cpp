// Runtime dispatch of the vectorised kernels (engine/simd_target.hpp).
#include "engine/simd_target.hpp"

#include <array>
#include <cstdlib>

#include "engine/error.hpp"

namespace nisim {

namespace {
constexpr std::array<const char*, k_simd_targets> k_names = {"baseline", "avx2", "avx512",
                                                             "native"};
constexpr std::array<const char*, k_simd_targets> k_levels = {
#if defined(__x86_64__)
    "x86-64",
#else
    "generic",
#endif
    "x86-64-v3", "x86-64-v4",
    NISIM_NATIVE_MARCH};  // the CPU a native build is for (CMake's NISIM_NATIVE_ARCH)
}  // namespace

const char* simd_target_name(SimdTarget target) noexcept {
  return k_names[static_cast<std::size_t>(target)];
}

bool simd_target_built(SimdTarget target) noexcept {
  // NISIM_SIMD_NATIVE and NISIM_SIMD_X86 come from models/CMakeLists.txt's kernel builds.
#if defined(NISIM_SIMD_NATIVE)
  return target == SimdTarget::native;
#elif defined(NISIM_SIMD_X86)
  return target != SimdTarget::native;
#else
  return target == SimdTarget::baseline;
#endif
}

bool simd_level_runs(SimdTarget target) noexcept {
#if defined(__x86_64__)
  // The CPU checks include the OS's support (XGETBV) for the AVX and AVX-512 register state.
  // GCC 12 knows the x86-64 levels by name; clang 14 (the fuzz preset) only their features.
  __builtin_cpu_init();
#if defined(__clang__)
  const bool v3 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                  __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
  const bool v4 = v3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                  __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
                  __builtin_cpu_supports("avx512vl");
#else
  const bool v3 = __builtin_cpu_supports("x86-64-v3") != 0;
  const bool v4 = __builtin_cpu_supports("x86-64-v4") != 0;
#endif
  switch (target) {
    case SimdTarget::avx2:
      return v3;
    case SimdTarget::avx512:
      return v4;
    default:
      return true;
  }
#else
  return target == SimdTarget::baseline || target == SimdTarget::native;
#endif
}

bool simd_target_runs(SimdTarget target) noexcept {
  return simd_target_built(target) && simd_level_runs(target);
}

SimdTarget best_simd_target() noexcept {
  for (const SimdTarget t : {SimdTarget::native, SimdTarget::avx512, SimdTarget::avx2}) {
    if (simd_target_runs(t)) return t;
  }
  return SimdTarget::baseline;
}

SimdTarget parse_simd_target(const std::string& value) {
  std::string runs;
  for (int k = 0; k < k_simd_targets; ++k) {
    const auto t = static_cast<SimdTarget>(k);
    if (simd_target_runs(t)) runs += std::string(runs.empty() ? "" : ", ") + simd_target_name(t);
  }
  for (int k = 0; k < k_simd_targets; ++k) {
    const auto t = static_cast<SimdTarget>(k);
    if (value != simd_target_name(t)) continue;
    if (!simd_target_built(t)) {
      throw Error(ExitCode::usage,
                  "NISIM_DISPATCH=" + value +
                      ": this binary has no kernel for that target (it has: " + runs + ")");
    }
    if (!simd_target_runs(t)) {
      throw Error(ExitCode::usage, "NISIM_DISPATCH=" + value + ": this CPU cannot run " +
                                       simd_target_description(t) + " code (it runs: " + runs +
                                       ")");
    }
    return t;
  }
  throw Error(ExitCode::usage,
              "NISIM_DISPATCH=" + value +
                  ": unknown target (baseline, avx2, avx512 or native; here: " + runs + ")");
}

SimdTarget simd_target() {
  // A function-local static: initialised once, thread-safely; an exception leaves it
  // uninitialised, so every later call rethrows the same error.
  static const SimdTarget target = [] {
    const char* value = std::getenv("NISIM_DISPATCH");  // NOLINT(concurrency-mt-unsafe): once
    return value != nullptr && *value != '\0' ? parse_simd_target(value) : best_simd_target();
  }();
  return target;
}

std::string simd_target_description(SimdTarget target) {
  return std::string(simd_target_name(target)) + " (" + k_levels[static_cast<std::size_t>(target)] +
         ")";
}

}  // namespace nisim
