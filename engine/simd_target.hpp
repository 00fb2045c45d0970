#pragma once
// Runtime dispatch of the vectorised kernels (docs/performance.md, "Runtime dispatch"): which
// instruction-set target the firm update runs on. One binary carries a build of the kernel per
// x86-64 level and picks the best one the CPU supports at first use; the environment variable
// NISIM_DISPATCH forces one (a target the CPU lacks is an error, exit code 2, never SIGILL).
#include <string>

namespace nisim {

/// A kernel build. baseline: -march=x86-64 (SSE2), also the only one off x86-64; avx2:
/// -march=x86-64-v3 (AVX2, FMA); avx512: -march=x86-64-v4 (AVX-512 F/BW/CD/DQ/VL); native: the
/// one kernel of a NISIM_NATIVE build (-march=NISIM_NATIVE_ARCH, native by default), which has
/// no other.
enum class SimdTarget : int { baseline = 0, avx2 = 1, avx512 = 2, native = 3 };
inline constexpr int k_simd_targets = 4;

/// "baseline", "avx2", "avx512" or "native": the names NISIM_DISPATCH takes.
const char* simd_target_name(SimdTarget target) noexcept;

/// True if this binary has a kernel built for `target`.
bool simd_target_built(SimdTarget target) noexcept;

/// True if the CPU (and the OS: the vector registers' state is saved on context switches) can
/// run code built for `target`'s instruction set, whether or not this binary has such a build
/// (the GCC `target` attribute forms of engine/compact.cpp use it). `baseline` and `native`: true.
bool simd_level_runs(SimdTarget target) noexcept;

/// True if this binary has `target` and the CPU can run it (simd_level_runs).
bool simd_target_runs(SimdTarget target) noexcept;

/// The best target that runs here: what is used unless NISIM_DISPATCH says otherwise.
SimdTarget best_simd_target() noexcept;

/// The target named by `value` (NISIM_DISPATCH's value), checked against this binary and CPU.
/// Throws Error (ExitCode::usage) for an unknown name, a target not built into this binary, or
/// one the CPU cannot run, naming the variable, the value and the targets that do run.
SimdTarget parse_simd_target(const std::string& value);

/// The target the kernels use in this process: NISIM_DISPATCH if it is set and not empty, else
/// best_simd_target(). Read once, at the first call; later calls return the same target (and
/// rethrow the same error).
SimdTarget simd_target();

/// simd_target()'s name with the x86-64 level it was built for, e.g. "avx512 (x86-64-v4)", for
/// `nisim --version` and the output files' provenance.
std::string simd_target_description(SimdTarget target);

}  // namespace nisim
