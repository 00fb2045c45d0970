#include <gtest/gtest.h>

#include <cstdint>

#include "engine/rng.hpp"

namespace nisim {
namespace {

// Every build of the chunked Philox lanes this binary has and this CPU runs gives the scalar
// generator's words: ids above 2^32, the key words all ones, the largest tag.
TEST(RngChunk, EveryBuildThatRunsHereGivesTheScalarWords) {
  int builds = 0;
  for (int t = 0; t < k_simd_targets; ++t) {
    const auto target = static_cast<SimdTarget>(t);
    PhiloxChunk* const chunk = philox_chunk_build(target);
    if (chunk == nullptr) continue;
    ++builds;
    for (const std::uint64_t seed : {0ull, 42ull, ~0ull}) {
      const Rng r(seed);
      alignas(64) std::uint64_t ids[k_uniform_lanes];
      for (std::size_t j = 0; j < k_uniform_lanes; ++j) {
        ids[j] = 0x9E3779B97F4A7C15ull * (j + 1) ^ (static_cast<std::uint64_t>(j) << 40);
      }
      alignas(64) std::uint64_t out[4][k_uniform_lanes];
      chunk(r.key_word(0), r.key_word(1), ids, 2029, philox_tag(7, 65535), out);
      for (std::size_t j = 0; j < k_uniform_lanes; ++j) {
        const RandomBits b = r.bits(2029, ids[j], 7, 65535);
        for (int k = 0; k < 4; ++k) {
          EXPECT_EQ(out[k][j], b.w[k]) << simd_target_name(target) << " lane " << j;
        }
      }
    }
  }
  EXPECT_GE(builds, 1);
}

// The build the chunked draws use is one that runs here; with NISIM_DISPATCH it is that target's
// (tests/CMakeLists.txt runs the firm kernel's tests once per target; this one checks the pick).
TEST(RngChunk, TheDispatchedBuildIsTheSimdTargetsBuild) {
  EXPECT_EQ(philox_chunk_dispatched(), philox_chunk_build(simd_target()));
  EXPECT_NE(philox_chunk_dispatched(), nullptr);
}

}  // namespace
}  // namespace nisim
