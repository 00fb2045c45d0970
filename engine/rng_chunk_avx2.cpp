// The Philox lanes of uniform_chunk and normal_chunk built for the avx2 target
// (engine/CMakeLists.txt sets its -march).
#define NISIM_RNG_CHUNK_NS rng_chunk_avx2
#include "engine/rng_chunk_impl.inc"
