// The table of philox_chunk<k_uniform_lanes>'s builds (engine/rng.hpp, PhiloxChunkFn). Compiled
// with the build's default flags: it only names the builds, which engine/CMakeLists.txt compiles
// per target and announces with NISIM_RNG_CHUNK_<TARGET>.
#include "engine/rng.hpp"

namespace nisim {

// The builds (engine/rng_chunk_impl.inc), one per namespace.
namespace rng_chunk_baseline {
void philox_chunk64(std::uint32_t key0, std::uint32_t key1, const std::uint64_t* agents,
                    std::uint32_t year, std::uint32_t tag,
                    std::uint64_t (&out)[4][k_uniform_lanes]) noexcept;
}
namespace rng_chunk_avx2 {
void philox_chunk64(std::uint32_t key0, std::uint32_t key1, const std::uint64_t* agents,
                    std::uint32_t year, std::uint32_t tag,
                    std::uint64_t (&out)[4][k_uniform_lanes]) noexcept;
}
namespace rng_chunk_avx512 {
void philox_chunk64(std::uint32_t key0, std::uint32_t key1, const std::uint64_t* agents,
                    std::uint32_t year, std::uint32_t tag,
                    std::uint64_t (&out)[4][k_uniform_lanes]) noexcept;
}
namespace rng_chunk_native {
void philox_chunk64(std::uint32_t key0, std::uint32_t key1, const std::uint64_t* agents,
                    std::uint32_t year, std::uint32_t tag,
                    std::uint64_t (&out)[4][k_uniform_lanes]) noexcept;
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
  const PhiloxChunkFn f = philox_chunk_build(simd_target());
  // simd_target() only names targets that run here, and the engine builds the same targets as
  // the firm kernel; the baseline build is the fallback if a build system ever differs.
  return f != nullptr ? f : philox_chunk_build(SimdTarget::baseline);
}

}  // namespace nisim
