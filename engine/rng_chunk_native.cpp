// The Philox lanes of uniform_chunk and normal_chunk built for the native target
// (engine/CMakeLists.txt sets its -march).
#define NISIM_RNG_CHUNK_NS rng_chunk_native
#include "engine/rng_chunk_impl.inc"
