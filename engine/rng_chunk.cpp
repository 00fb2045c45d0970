// The table of philox_chunk<k_uniform_lanes>'s builds (engine/rng.hpp, PhiloxChunkFn). Compiled
// with the build's default flags: it only names the builds, which engine/CMakeLists.txt compiles
// per target and announces with NISIM_RNG_CHUNK_<TARGET>.
#include "engine/rng.hpp"

namespace nisim {

// The builds (engine/rng_chunk_impl.inc), one per namespace.
namespace rng_chunk_baseline {
PhiloxChunk philox_chunk64;
}
namespace rng_chunk_avx2 {
PhiloxChunk philox_chunk64;
}
namespace rng_chunk_avx512 {
PhiloxChunk philox_chunk64;
}
namespace rng_chunk_native {
PhiloxChunk philox_chunk64;
}

PhiloxChunkFn philox_chunk_build(SimdTarget target) noexcept {
  if (!simd_target_runs(target)) return nullptr;
  switch (target) {
#if defined(NISIM_RNG_CHUNK_BASELINE)
    case SimdTarget::baseline:
      return &rng_chunk_baseline::philox_chunk64;
#endif
#if defined(NISIM_RNG_CHUNK_AVX2)
    case SimdTarget::avx2:
      return &rng_chunk_avx2::philox_chunk64;
#endif
#if defined(NISIM_RNG_CHUNK_AVX512)
    case SimdTarget::avx512:
      return &rng_chunk_avx512::philox_chunk64;
#endif
#if defined(NISIM_RNG_CHUNK_NATIVE)
    case SimdTarget::native:
      return &rng_chunk_native::philox_chunk64;
#endif
    default:
      return nullptr;
  }
}

PhiloxChunkFn philox_chunk_dispatched() {
  // Resolved once. simd_target() only names targets that run here, and the engine builds the
  // same targets as the firm kernel; the baseline build is the fallback if a build system ever
  // differs.
  static const struct {
    PhiloxChunkFn fn;
  } chosen{[] {
    PhiloxChunk* const f = philox_chunk_build(simd_target());
    return f != nullptr ? f : philox_chunk_build(SimdTarget::baseline);
  }()};
  return chosen.fn;
}

}  // namespace nisim
