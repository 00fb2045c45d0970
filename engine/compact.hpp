#pragma once
// Order-preserving compaction of one table column in place (engine/table.hpp, compact_rows;
// docs/performance.md, "Sixth round: exit compaction"): keep element i where keep[i] != 0.
// Vectorised on x86-64 (AVX2: a permutation per 4 or 8 elements from a table of kept-lane
// indices; AVX-512: the compress instructions), picked at run time like the firm update's kernel
// (engine/simd_target.hpp). Every implementation moves the same elements to the same places, so
// results never depend on the target.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "engine/simd_target.hpp"

namespace nisim {

/// Compact elements [first, n) of the column at `data` (element width fixed per function: 1, 2,
/// 4 or 8 bytes): element i (i >= first) moves to the next free place from `first` on iff
/// keep[i] != 0; elements before `first` stay. Returns the new length. Elements at and past the
/// new length are left unspecified (compact_rows resizes the column to the new length).
using CompactFn = std::size_t (*)(void* data, const std::uint8_t* keep, std::size_t first,
                                  std::size_t n) noexcept;

/// Element types the kernels move as plain bytes: trivially copyable, of 1, 2, 4 or 8 bytes.
template <class T>
inline constexpr bool k_plain_bytes = std::is_trivially_copyable_v<T> &&
                                      (sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 ||
                                       sizeof(T) == 8);

/// One implementation per element width.
struct CompactKernels {
  CompactFn bytes1;
  CompactFn bytes2;
  CompactFn bytes4;
  CompactFn bytes8;

  /// The implementation for elements of type T.
  template <class T>
  [[nodiscard]] CompactFn of() const noexcept {
    static_assert(k_plain_bytes<T>, "the kernels move 1-, 2-, 4- or 8-byte trivial values");
    return sizeof(T) == 1 ? bytes1 : sizeof(T) == 2 ? bytes2 : sizeof(T) == 4 ? bytes4 : bytes8;
  }
};

/// The kernels of `target`, or nullptr if this binary has none for it or the CPU cannot run
/// them. baseline: plain C++ (every CPU); avx2 and avx512: x86-64 only; native: the best of those
/// that the CPU runs.
const CompactKernels* compact_kernels(SimdTarget target) noexcept;

/// The kernels compact_rows uses: those of simd_target() (NISIM_DISPATCH, else the best the CPU
/// runs). Resolved once, at the first call.
const CompactKernels& compact_kernels();

}  // namespace nisim
