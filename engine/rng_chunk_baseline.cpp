// The Philox lanes of uniform_chunk and normal_chunk built for the baseline target
// (engine/CMakeLists.txt sets its -march).
#define NISIM_RNG_CHUNK_NS rng_chunk_baseline
#include "engine/rng_chunk_impl.inc"
