// Order-preserving column compaction, one implementation per instruction-set target
// (engine/compact.hpp; docs/performance.md, "Sixth round: exit compaction").
//
// Every vector form reads a block of the keep mask, turns it into one bit per row, and then, for
// each group of g rows (g elements in one register), loads the group, packs its kept elements to
// the low lanes and stores the whole register at the output cursor, which then advances by the
// number kept. The store writes g elements at `out` <= the group's first row, so it only
// overwrites rows that have already been loaded: compaction in place is safe. Rows after the
// last whole block go through the plain loop. On x86-64 the vector forms are compiled with GCC's
// target attribute into the same binary as the plain one, like the firm update's kernels.
#include "engine/compact.hpp"

#include <array>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#endif

namespace nisim {

namespace {

/// The plain loop, branch-free: every element is copied to the cursor, which advances only past
/// kept ones (out <= i, so nothing is overwritten before it is read). Exits are rare and random,
/// so a branch would mispredict. Also the tail of every vector form.
template <class T>
std::size_t compact_plain(T* d, const std::uint8_t* keep, std::size_t i, std::size_t out,
                          std::size_t n) noexcept {
  for (; i < n; ++i) {
    d[out] = d[i];
    out += keep[i] != 0;
  }
  return out;
}

template <class T>
std::size_t compact_baseline(void* data, const std::uint8_t* keep, std::size_t first,
                             std::size_t n) noexcept {
  return compact_plain(static_cast<T*>(data), keep, first, first, n);
}

constexpr CompactKernels k_baseline = {
    compact_baseline<std::uint8_t>, compact_baseline<std::uint16_t>,
    compact_baseline<std::uint32_t>, compact_baseline<std::uint64_t>};

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

/// For each `Bits`-bit mask m: the `Per` consecutive indices (Per j, ..., Per j + Per - 1) of each
/// of its set bits j in increasing order, then `fill` up to `Lanes` indices (never used: the
/// lanes past the kept ones are overwritten or cut off).
template <class Index, unsigned Lanes, unsigned Bits, unsigned Per>
constexpr std::array<std::array<Index, Lanes>, (1U << Bits)> make_kept_indices(unsigned fill) {
  std::array<std::array<Index, Lanes>, (1U << Bits)> t{};
  for (unsigned m = 0; m < (1U << Bits); ++m) {
    unsigned k = 0;
    for (unsigned j = 0; j < Bits; ++j) {
      if ((m >> j) & 1U) {
        for (unsigned q = 0; q < Per; ++q) t[m][k++] = static_cast<Index>(Per * j + q);
      }
    }
    for (; k < Lanes; ++k) t[m][k] = static_cast<Index>(fill);
  }
  return t;
}

/// pshufb indices that pack the kept bytes of 8 (0x80: pshufb's "zero" index).
alignas(64) constexpr auto k_kept_lanes = make_kept_indices<std::uint8_t, 8, 8, 1>(0x80);
/// vpermd indices that pack the kept 64-bit elements of a 256-bit register (32-bit lane pairs).
alignas(64) constexpr auto k_kept_pairs = make_kept_indices<std::int32_t, 8, 4, 2>(0);
/// pshufb indices that pack the kept 16-bit elements of a 128-bit register (byte pairs).
alignas(64) constexpr auto k_kept_byte_pairs = make_kept_indices<std::uint8_t, 16, 8, 2>(0x80);

#define NISIM_AVX2 __attribute__((target("avx2,bmi,popcnt")))
#define NISIM_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,bmi,popcnt")))

/// The unaligned loads and stores of SSE and AVX2 take vector pointers; these take any address.
NISIM_AVX2 inline __m128i load8(const void* p) noexcept {
  return _mm_loadl_epi64(static_cast<const __m128i*>(p));
}
NISIM_AVX2 inline void store8(void* p, __m128i v) noexcept {
  _mm_storel_epi64(static_cast<__m128i*>(p), v);
}
NISIM_AVX2 inline __m128i load16(const void* p) noexcept {
  return _mm_loadu_si128(static_cast<const __m128i*>(p));
}
NISIM_AVX2 inline void store16(void* p, __m128i v) noexcept {
  _mm_storeu_si128(static_cast<__m128i*>(p), v);
}
NISIM_AVX2 inline __m256i load32(const void* p) noexcept {
  return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}
NISIM_AVX2 inline void store32(void* p, __m256i v) noexcept {
  _mm256_storeu_si256(static_cast<__m256i*>(p), v);
}

/// One bit per row of keep[i, i + 32): set where keep is not zero.
NISIM_AVX2 inline std::uint32_t kept_bits32(const std::uint8_t* keep, std::size_t i) noexcept {
  const __m256i k = load32(keep + i);
  const __m256i zero = _mm256_cmpeq_epi8(k, _mm256_setzero_si256());
  return ~static_cast<std::uint32_t>(_mm256_movemask_epi8(zero));
}

/// The AVX2 form for T of 1, 2, 4 or 8 bytes: blocks of 32 rows, groups of G rows in one register
/// (8 bytes, 8 two-byte, 8 four-byte or 4 eight-byte elements), packed by a permutation from a
/// table.
template <class T>
NISIM_AVX2 std::size_t compact_avx2(void* data, const std::uint8_t* keep, std::size_t first,
                                    std::size_t n) noexcept {
  constexpr std::size_t G = sizeof(T) == 8 ? 4 : 8;
  constexpr unsigned group_mask = (1U << G) - 1;
  auto* d = static_cast<T*>(data);
  std::size_t i = first, out = first;
  for (; i + 32 <= n; i += 32) {
    const std::uint32_t bits = kept_bits32(keep, i);
    for (std::size_t g = 0; g < 32 / G; ++g) {
      const unsigned m = (bits >> (G * g)) & group_mask;
      const T* src = d + i + G * g;
      if constexpr (sizeof(T) == 1) {  // pshufb by the kept lanes
        store8(d + out, _mm_shuffle_epi8(load8(src), load8(k_kept_lanes[m].data())));
      } else if constexpr (sizeof(T) == 2) {  // pshufb by the kept byte pairs
        store16(d + out, _mm_shuffle_epi8(load16(src), load16(k_kept_byte_pairs[m].data())));
      } else if constexpr (sizeof(T) == 4) {  // vpermd by the kept lanes
        const __m256i lanes = _mm256_cvtepu8_epi32(load8(k_kept_lanes[m].data()));
        store32(d + out, _mm256_permutevar8x32_epi32(load32(src), lanes));
      } else {  // vpermd by the kept lane pairs
        store32(d + out, _mm256_permutevar8x32_epi32(load32(src), load32(k_kept_pairs[m].data())));
      }
      out += static_cast<unsigned>(__builtin_popcount(m));
    }
  }
  return compact_plain(d, keep, i, out, n);
}

/// One bit per row of keep[i, i + 64): set where keep is not zero.
NISIM_AVX512 inline std::uint64_t kept_bits64(const std::uint8_t* keep, std::size_t i) noexcept {
  const __m512i k = _mm512_loadu_si512(keep + i);
  return _mm512_test_epi8_mask(k, k);
}

/// The AVX-512 form for T of 1, 2, 4 or 8 bytes: blocks of 64 rows, groups of G rows in one
/// register (16 one- or two-byte elements widened to 32-bit lanes, 16 four-byte or 8 eight-byte
/// elements), packed by vpcompressd or vpcompressq into a register. (vpcompressb and vpcompressw
/// would need AVX512-VBMI2, which not every AVX-512 CPU has.)
template <class T>
NISIM_AVX512 std::size_t compact_avx512(void* data, const std::uint8_t* keep, std::size_t first,
                                        std::size_t n) noexcept {
  constexpr std::size_t G = sizeof(T) == 8 ? 8 : 16;
  constexpr std::uint64_t group_mask = (std::uint64_t{1} << G) - 1;
  // The masked forms with every lane set: the unmasked ones trip GCC 12's -Wmaybe-uninitialized
  // inside its own header (GCC bug 105593).
  constexpr __mmask16 all = 0xFFFF;
  auto* d = static_cast<T*>(data);
  std::size_t i = first, out = first;
  for (; i + 64 <= n; i += 64) {
    const std::uint64_t bits = kept_bits64(keep, i);
    for (std::size_t g = 0; g < 64 / G; ++g) {
      const auto m = static_cast<unsigned>((bits >> (G * g)) & group_mask);
      const T* src = d + i + G * g;
      if constexpr (sizeof(T) == 1) {
        const __m512i v = _mm512_maskz_cvtepu8_epi32(all, load16(src));
        const __m512i packed = _mm512_maskz_compress_epi32(static_cast<__mmask16>(m), v);
        store16(d + out, _mm512_maskz_cvtepi32_epi8(all, packed));
      } else if constexpr (sizeof(T) == 2) {
        const __m512i v = _mm512_maskz_cvtepu16_epi32(all, load32(src));
        const __m512i packed = _mm512_maskz_compress_epi32(static_cast<__mmask16>(m), v);
        store32(d + out, _mm512_maskz_cvtepi32_epi16(all, packed));
      } else if constexpr (sizeof(T) == 4) {
        const __m512i v = _mm512_loadu_si512(src);
        _mm512_storeu_si512(d + out, _mm512_maskz_compress_epi32(static_cast<__mmask16>(m), v));
      } else {
        const __m512i v = _mm512_loadu_si512(src);
        _mm512_storeu_si512(d + out, _mm512_maskz_compress_epi64(static_cast<__mmask8>(m), v));
      }
      out += static_cast<unsigned>(__builtin_popcount(m));
    }
  }
  return compact_plain(d, keep, i, out, n);
}

#undef NISIM_AVX2
#undef NISIM_AVX512

constexpr CompactKernels k_avx2 = {compact_avx2<std::uint8_t>, compact_avx2<std::uint16_t>,
                                   compact_avx2<std::uint32_t>, compact_avx2<std::uint64_t>};
constexpr CompactKernels k_avx512 = {compact_avx512<std::uint8_t>, compact_avx512<std::uint16_t>,
                                     compact_avx512<std::uint32_t>, compact_avx512<std::uint64_t>};

#endif  // x86-64

}  // namespace

const CompactKernels* compact_kernels(SimdTarget target) noexcept {
  switch (target) {
    case SimdTarget::baseline:
      return &k_baseline;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    case SimdTarget::avx2:
      return simd_level_runs(target) ? &k_avx2 : nullptr;
    case SimdTarget::avx512:
      return simd_level_runs(target) ? &k_avx512 : nullptr;
    case SimdTarget::native:  // a NISIM_NATIVE build: the widest form this CPU runs
      return simd_level_runs(SimdTarget::avx512) ? &k_avx512
             : simd_level_runs(SimdTarget::avx2) ? &k_avx2
                                                 : &k_baseline;
#else
    case SimdTarget::native:
      return &k_baseline;
    default:
      return nullptr;
#endif
  }
  return nullptr;
}

const CompactKernels& compact_kernels() {
  // The firm update's target (NISIM_DISPATCH, checked there), so that a forced target also
  // forces the compaction; every target gives the same result.
  static const CompactKernels* const chosen = [] {
    const CompactKernels* k = compact_kernels(simd_target());
    return k != nullptr ? k : &k_baseline;
  }();
  return *chosen;
}

}  // namespace nisim
