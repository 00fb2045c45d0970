#pragma once
// Counter-based random numbers (Random123 Philox4x32-10). A draw is a pure function of
// (seed, year, agent id, purpose, index): it never depends on thread count, scheduling, or on
// what any other phase, agent or policy drew. That is what makes runs bitwise reproducible
// across thread counts and makes common random numbers exact when policy variants are compared
// (docs/model.md section 2.3).
#include <Random123/philox.h>

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>

#include "engine/simd_target.hpp"
#include "engine/vecmath.hpp"

#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif

namespace nisim {

/// What a draw is for. Each random decision in a model owns one purpose value, so adding a draw
/// for one decision never shifts the numbers another decision sees.
using Purpose = std::uint16_t;

/// The last counter word of a draw: its purpose and index.
constexpr std::uint32_t philox_tag(Purpose purpose, std::uint16_t index) noexcept {
  return (static_cast<std::uint32_t>(purpose) << 16) | index;
}

/// Four 32-bit words of one Philox block.
struct RandomBits {
  std::uint32_t w[4];
};

/// The generator: stateless, keyed by the run's seed. Cheap to copy.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) noexcept
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}} {}

  /// 128 random bits for the event (year, agent, purpose, index).
  RandomBits bits(std::int32_t year, std::uint64_t agent, Purpose purpose,
                  std::uint16_t index = 0) const noexcept {
    using G = r123::Philox4x32;
    const G::ctr_type ctr = {{static_cast<std::uint32_t>(agent),
                              static_cast<std::uint32_t>(agent >> 32),
                              static_cast<std::uint32_t>(year), philox_tag(purpose, index)}};
    const G::ctr_type r = G{}(ctr, key_);
    return {{r.v[0], r.v[1], r.v[2], r.v[3]}};
  }

  /// Uniform on the open interval (0, 1), 32 bits of resolution.
  double uniform(std::int32_t year, std::uint64_t agent, Purpose purpose,
                 std::uint16_t index = 0) const noexcept {
    return to_open_unit(bits(year, agent, purpose, index).w[0]);
  }

  /// Standard normal (Box-Muller on words 0 and 1 of one block; the cosine branch).
  double normal(std::int32_t year, std::uint64_t agent, Purpose purpose,
                std::uint16_t index = 0) const noexcept {
    const RandomBits b = bits(year, agent, purpose, index);
    return box_muller(to_open_unit(b.w[0]), to_open_unit(b.w[1]));
  }

  /// The two 32-bit words of the key (the seed), for the chunked generator below.
  std::uint32_t key_word(int k) const noexcept { return key_.v[k]; }

  /// Map 32 random bits to (0, 1): (k + 0.5) / 2^32, never 0 or 1. k < 2^32; it is 64-bit so
  /// that philox_lane's 64-bit lanes convert directly (and vectorise) without a narrowing step.
  static double to_open_unit(std::uint64_t k) noexcept {
    // k 2^-32 + 2^-33 = (k + 0.5) / 2^32, exact either way (33 significant bits at most); in
    // this form a compiler fuses it into one multiply-add. k is converted by placing it in the
    // mantissa of 2^52 and subtracting 2^52 (exact for k < 2^52, so the same value as a cast):
    // AVX2 has no 64-bit integer to double conversion, and with a cast the kernel's loops over
    // this function stayed scalar on that target (docs/performance.md, "Runtime dispatch").
    const double kd = std::bit_cast<double>(k | 0x4330000000000000ULL) - 0x1p52;
    return kd * 0x1p-32 + 0x1p-33;
  }
  /// One standard normal from two independent uniforms on (0, 1): sqrt(-2 ln u1) cos(2 pi u2).
  static double box_muller(double u1, double u2) noexcept {
    double s, c;
    sincos_2pi(u2, s, c);
    return std::sqrt(-2.0 * std::log(u1)) * c;
  }

  /// sin and cos of 2 pi u for u in [0, 1], branch-free so loops over it vectorise: 2 pi u =
  /// (pi/2)(q + t) with q the nearest quarter turn and t in [-1/2, 1/2], then minimax polynomials
  /// in t of sin(pi t / 2) (degree 13) and cos(pi t / 2) (degree 14), with pi/2 folded into their
  /// coefficients, and the quarter turns applied by exchanging and negating them. The polynomials'
  /// own error is below 3.4e-18 relative (sin) and 1.3e-19 (cos) on [-1/2, 1/2] (Remez exchange,
  /// docs/performance.md); with rounding the results are within 2.5e-16 of long double sinl and
  /// cosl (tests/engine/rng_test.cpp). Used by both the scalar and the chunked normal draws, so
  /// they agree exactly. Fused (the firm kernel's form): each Horner step rounded once.
  template <bool Fused = false>
  static void sincos_2pi(double u, double& s, double& c) noexcept {
    const double v = 4.0 * u;  // quarter turns, exact
    // Adding 1.5 * 2^52 rounds v to the nearest integer q in the low mantissa bits (ties to even;
    // no uniform from to_open_unit is a tie, since (k + 0.5) 2^-30 is never n + 1/2).
    constexpr double shift = 0x1.8p52;
    const double qs = v + shift;
    const double t = v - (qs - shift);  // exact, in [-1/2, 1/2]
    const double z = t * t;
    // Horner's scheme; Fused rounds each step once (vecmath::madd).
    const auto m = [z](double p, double c) noexcept { return vecmath::madd<Fused>(z, p, c); };
    const double sx =
        t * m(m(m(m(m(m(0x1.e3eed5bb00c98p-25, -0x1.e300639fe8df4p-19), 0x1.50782fca38671p-13),
                    -0x1.32d2cce2d535ap-8),
                  0x1.466bc67758700p-4),
                -0x1.4abbce625be41p-1),
              0x1.921fb54442d18p0);
    const double cx =
        m(m(m(m(m(m(m(-0x1.b2f3fd9036452p-28, 0x1.f9ce24944985bp-22), -0x1.a6d1eef4b8463p-16),
                  0x1.e1f5068689168p-11),
                -0x1.55d3c7e3cb243p-6),
              0x1.03c1f081b5ac0p-2),
            -0x1.3bd3cc9be45dep0),
          1.0);
    // Rotate by k = q mod 4 quarter turns (the low bits of qs): 0: (s, c); 1: (c, -s);
    // 2: (-s, -c); 3: (-c, s). Exchange where k is odd, negate s where k is 2 or 3 (bit 1) and c
    // where k is 1 or 2 (bit 1 of k + 1), all by exact bit operations on 64-bit lanes, which every
    // x86-64 target vectorises (no compare, no integer conversion).
    const std::uint64_t k = std::bit_cast<std::uint64_t>(qs);
    const std::uint64_t odd = 0 - (k & 1);  // all ones where k is odd
    const std::uint64_t sb = std::bit_cast<std::uint64_t>(sx),
                        cb = std::bit_cast<std::uint64_t>(cx);
    const std::uint64_t s_bits = (cb & odd) | (sb & ~odd), c_bits = (sb & odd) | (cb & ~odd);
    s = std::bit_cast<double>(s_bits ^ ((k & 2) << 62));
    c = std::bit_cast<double>(c_bits ^ (((k + 1) & 2) << 62));
  }

 private:
  r123::Philox4x32::key_type key_;
};

/// Philox4x32's round multipliers and Weyl key increments (Random123), shared by the lane and
/// vector versions below.
inline constexpr std::uint32_t k_philox_m0 = 0xD2511F53u, k_philox_m1 = 0xCD9E8D57u;
inline constexpr std::uint32_t k_philox_w0 = 0x9E3779B9u, k_philox_w1 = 0xBB67AE85u;

/// One Philox4x32-10 block, Rng::bits(year, agent, purpose/index tag), as straight-line code on
/// 64-bit lanes that hold 32-bit words: a loop over agents that calls it keeps the four words in
/// registers through the ten rounds and vectorises (the operands are masked to 32 bits, so each
/// product is one 64-bit multiply). philox_chunk uses it where AVX-512 and AVX2 are absent. `tag`
/// is philox_tag(purpose, index). Words are returned in r[0..3] (each < 2^32).
inline void philox_lane(std::uint32_t key0, std::uint32_t key1, std::uint64_t agent,
                        std::uint32_t year, std::uint32_t tag, std::uint64_t (&r)[4]) noexcept {
  constexpr std::uint64_t m0 = k_philox_m0, m1 = k_philox_m1;
  constexpr std::uint32_t w0 = k_philox_w0, w1 = k_philox_w1;
  constexpr std::uint64_t lo = 0xFFFFFFFFu;
  std::uint64_t x0 = agent & lo, x1 = agent >> 32, x2 = year, x3 = tag;
  std::uint32_t k0 = key0, k1 = key1;
#pragma GCC unroll 10
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = m0 * (x0 & lo);
    const std::uint64_t p1 = m1 * (x2 & lo);
    x0 = (p1 >> 32) ^ x1 ^ k0;
    x1 = p1 & lo;
    x2 = (p0 >> 32) ^ x3 ^ k1;
    x3 = p0 & lo;
    k0 += w0;
    k1 += w1;
  }
  r[0] = x0 & lo;
  r[1] = x1;
  r[2] = x2 & lo;
  r[3] = x3;
}

#if defined(__AVX512F__)
/// Eight philox_lane blocks at once, one per 64-bit lane of AVX-512 registers: each product is
/// one vpmuludq, which multiplies the low 32 bits of each lane to a 64-bit result, so no masking
/// is needed inside the rounds (a lane's high half only ever reaches later high halves, which
/// vpmuludq ignores). The compiler vectorises philox_lane with vpmullq instead, a full 64-bit
/// multiply that costs three micro-ops on Intel cores (docs/performance.md). Same words as
/// philox_lane, each < 2^32 (tests/engine/rng_test.cpp).
inline void philox_x8(std::uint32_t key0, std::uint32_t key1, __m512i agent, std::uint32_t year,
                      std::uint32_t tag, __m512i (&r)[4]) noexcept {
  constexpr __mmask8 all = 0xFF;  // masked forms: see GCC bug 105593 in models/firms.cpp
  const __m512i m0 = _mm512_set1_epi64(k_philox_m0), m1 = _mm512_set1_epi64(k_philox_m1);
  __m512i x0 = agent, x1 = _mm512_maskz_srli_epi64(all, agent, 32);
  __m512i x2 = _mm512_set1_epi64(year), x3 = _mm512_set1_epi64(tag);
  std::uint32_t k0 = key0, k1 = key1;
#pragma GCC unroll 10
  for (int round = 0; round < 10; ++round) {
    const __m512i p0 = _mm512_maskz_mul_epu32(all, x0, m0);
    const __m512i p1 = _mm512_maskz_mul_epu32(all, x2, m1);
    // 0x96: three-way exclusive or.
    x0 = _mm512_ternarylogic_epi64(_mm512_maskz_srli_epi64(all, p1, 32), x1, _mm512_set1_epi64(k0),
                                   0x96);
    x1 = p1;
    x2 = _mm512_ternarylogic_epi64(_mm512_maskz_srli_epi64(all, p0, 32), x3, _mm512_set1_epi64(k1),
                                   0x96);
    x3 = p0;
    k0 += k_philox_w0;
    k1 += k_philox_w1;
  }
  const __m512i lo = _mm512_set1_epi64(0xFFFFFFFF);
  r[0] = _mm512_and_si512(x0, lo);
  r[1] = _mm512_and_si512(x1, lo);
  r[2] = _mm512_and_si512(x2, lo);
  r[3] = _mm512_and_si512(x3, lo);
}
#elif defined(__AVX2__)
/// philox_x4, the AVX2 twin of philox_x8: four philox_lane blocks at once, one per 64-bit lane,
/// each product one vpmuludq. Without it GCC vectorises philox_lane with a 64-bit multiply built
/// from three vpmuludq, shifts and adds (AVX2 has no vpmullq). Same words as philox_lane, each <
/// 2^32.
inline void philox_x4(std::uint32_t key0, std::uint32_t key1, __m256i agent, std::uint32_t year,
                      std::uint32_t tag, __m256i (&r)[4]) noexcept {
  const __m256i m0 = _mm256_set1_epi64x(static_cast<long long>(k_philox_m0));
  const __m256i m1 = _mm256_set1_epi64x(static_cast<long long>(k_philox_m1));
  __m256i x0 = agent, x1 = _mm256_srli_epi64(agent, 32);
  __m256i x2 = _mm256_set1_epi64x(year), x3 = _mm256_set1_epi64x(tag);
  std::uint32_t k0 = key0, k1 = key1;
#pragma GCC unroll 10
  for (int round = 0; round < 10; ++round) {
    const __m256i p0 = _mm256_mul_epu32(x0, m0);
    const __m256i p1 = _mm256_mul_epu32(x2, m1);
    x0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), x1), _mm256_set1_epi64x(k0));
    x1 = p1;
    x2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), x3), _mm256_set1_epi64x(k1));
    x3 = p0;
    k0 += k_philox_w0;
    k1 += k_philox_w1;
  }
  const __m256i lo = _mm256_set1_epi64x(0xFFFFFFFF);
  r[0] = _mm256_and_si256(x0, lo);
  r[1] = _mm256_and_si256(x1, lo);
  r[2] = _mm256_and_si256(x2, lo);
  r[3] = _mm256_and_si256(x3, lo);
}
#endif

/// Philox4x32-10 blocks for W agents at once, laid out as four arrays of words: out[k][j] is
/// word k of Rng::bits(year, agents[j], tag), held in 64 bits (< 2^32). With AVX-512 and W a
/// multiple of 8, eight agents per philox_x8 call; with AVX2, four per philox_x4; otherwise a loop
/// over lanes of philox_lane, which the compiler vectorises. Both give the scalar generator's words
/// (docs/model.md section 2.3; docs/performance.md).
template <int W>
void philox_chunk(std::uint32_t key0, std::uint32_t key1, const std::uint64_t* agents,
                  std::uint32_t year, std::uint32_t tag, std::uint64_t (&out)[4][W]) noexcept {
#if defined(__AVX512F__)
  if constexpr (W % 8 == 0) {
    for (int j = 0; j < W; j += 8) {
      __m512i r[4];
      philox_x8(key0, key1, _mm512_loadu_si512(agents + j), year, tag, r);
      for (int w = 0; w < 4; ++w) _mm512_storeu_si512(&out[w][j], r[w]);
    }
    return;
  }
#elif defined(__AVX2__)
  if constexpr (W % 4 == 0) {
    for (int j = 0; j < W; j += 4) {
      __m256i r[4];
      // The AVX2 load/store intrinsics take __m256i pointers; the casts are what their API asks.
      // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
      const auto* in = reinterpret_cast<const __m256i*>(agents + j);
      philox_x4(key0, key1, _mm256_loadu_si256(in), year, tag, r);
      for (int w = 0; w < 4; ++w) {
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
        auto* dst = reinterpret_cast<__m256i*>(&out[w][j]);
        _mm256_storeu_si256(dst, r[w]);
      }
    }
    return;
  }
#endif
  for (int j = 0; j < W; ++j) {
    std::uint64_t r[4];
    philox_lane(key0, key1, agents[j], year, tag, r);
    for (int w = 0; w < 4; ++w) out[w][j] = r[w];
  }
}

/// Lanes of uniform_chunk: 64 agents a chunk, four AVX-512 vectors of 32-bit words.
inline constexpr std::size_t k_uniform_lanes = 64;

/// philox_chunk<k_uniform_lanes> built for one instruction-set target (engine/rng_chunk_*.cpp,
/// compiled per target by engine/CMakeLists.txt like the firm update's kernel).
using PhiloxChunk = void(std::uint32_t key0, std::uint32_t key1, const std::uint64_t* agents,
                         std::uint32_t year, std::uint32_t tag,
                         std::uint64_t (&out)[4][k_uniform_lanes]) noexcept;
using PhiloxChunkFn = PhiloxChunk*;

/// The build of philox_chunk<k_uniform_lanes> for `target`, or nullptr if this binary has none or
/// the CPU cannot run it (engine/rng_chunk.cpp). Every build gives the same words.
PhiloxChunkFn philox_chunk_build(SimdTarget target) noexcept;

/// The build agent_bits_chunk uses: simd_target()'s (NISIM_DISPATCH, else the best the CPU
/// runs), resolved at the first call, so that a default build draws chunks at full width.
PhiloxChunkFn philox_chunk_dispatched();

/// The Philox blocks of agents[0..m) (m <= k_uniform_lanes) in one philox_chunk call: bits[k][j]
/// is word k of Rng::bits(year, agents[j], purpose, index); lanes past m are computed for agent 0
/// and ignored. Shared by uniform_chunk and normal_chunk.
inline void agent_bits_chunk(const Rng& rng, std::int32_t year, const std::uint64_t* agents,
                             std::size_t m, Purpose purpose, std::uint16_t index,
                             std::uint64_t (&bits)[4][k_uniform_lanes]) {
  constexpr int W = static_cast<int>(k_uniform_lanes);
  alignas(64) std::uint64_t ids[W];
  for (int j = 0; j < W; ++j) ids[j] = static_cast<std::size_t>(j) < m ? agents[j] : 0;
  philox_chunk_dispatched()(rng.key_word(0), rng.key_word(1), ids, static_cast<std::uint32_t>(year),
                            philox_tag(purpose, index), bits);
}

/// out[j] = rng.uniform(year, agents[j], purpose, index) for j < m <= k_uniform_lanes, by one
/// agent_bits_chunk call (lanes past m are computed for agent 0 and ignored). Exactly the scalar
/// draws, several times cheaper: serial loops over start-ups and rounds draw a chunk, then use it.
inline void uniform_chunk(const Rng& rng, std::int32_t year, const std::uint64_t* agents,
                          std::size_t m, Purpose purpose, std::uint16_t index,
                          double (&out)[k_uniform_lanes]) {
  alignas(64) std::uint64_t bits[4][k_uniform_lanes];
  agent_bits_chunk(rng, year, agents, m, purpose, index, bits);
  for (std::size_t j = 0; j < k_uniform_lanes; ++j) out[j] = Rng::to_open_unit(bits[0][j]);
}

/// out[j] = rng.normal(year, agents[j], purpose, index) for j < m <= k_uniform_lanes, the Philox
/// blocks by one agent_bits_chunk call. Exactly the scalar draws.
inline void normal_chunk(const Rng& rng, std::int32_t year, const std::uint64_t* agents,
                         std::size_t m, Purpose purpose, std::uint16_t index,
                         double (&out)[k_uniform_lanes]) {
  alignas(64) std::uint64_t bits[4][k_uniform_lanes];
  agent_bits_chunk(rng, year, agents, m, purpose, index, bits);
  for (std::size_t j = 0; j < m; ++j) {
    out[j] = Rng::box_muller(Rng::to_open_unit(bits[0][j]), Rng::to_open_unit(bits[1][j]));
  }
}

/// Seed of stream `stream` derived from a master seed (e.g. replication r of a batch), by one
/// Philox block: distinct streams give unrelated seeds.
inline std::uint64_t derive_seed(std::uint64_t master, std::uint64_t stream) noexcept {
  const RandomBits b = Rng(master).bits(0, stream, 0xFFFF, 0xFFFF);
  return (static_cast<std::uint64_t>(b.w[1]) << 32) | b.w[0];
}

}  // namespace nisim
