#pragma once
// The STREAM triad a[i] = b[i] + s * c[i] on the same thread pool and block layout as the
// firm update: the machine's attainable memory bandwidth, measured in the same run so the firm
// update can report the fraction of it that it reaches (docs/performance.md).
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <map>
#include <vector>

#include "engine/parallel.hpp"

namespace nisim::bench {

/// Bytes per triad element: two 8-byte reads and one 8-byte write (STREAM's convention).
inline constexpr double k_triad_bytes = 24.0;

/// Run the triad over n elements once on `par`; returns seconds.
inline double triad_once(Parallel& par, std::vector<double>& a, const std::vector<double>& b,
                         const std::vector<double>& c) {
  const auto t0 = std::chrono::steady_clock::now();
  par.for_blocks(a.size(), [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) a[i] = b[i] + 3.0 * c[i];
  });
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// Triad bandwidth in bytes per second on `threads` threads, arrays of 2^25 doubles (256 MiB
/// each, far beyond cache): the best of 5 runs, measured afresh at every call, and the highest
/// value this process has measured on that many threads is returned. On a virtual machine whose
/// neighbours load memory now and then, one measurement can come out low and inflate a fraction
/// computed against it (fractions above 1 were seen); the running maximum errs only the other
/// way. BM_FirmUpdate calls it after each of its timed runs.
inline double triad_bandwidth(int threads) {
  static std::map<int, double> best_seen;
  constexpr std::size_t n = std::size_t{1} << 25;
  Parallel par(threads);
  std::vector<double> a(n), b(n), c(n);
  // First touch by the same blocks that will use the data.
  par.for_blocks(n, [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) a[i] = 0.0, b[i] = 1.0, c[i] = 2.0;
  });
  double best = 1e300;
  for (int rep = 0; rep < 5; ++rep) best = std::min(best, triad_once(par, a, b, c));
  double& seen = best_seen[threads];
  seen = std::max(seen, k_triad_bytes * static_cast<double>(n) / best);
  return seen;
}

}  // namespace nisim::bench
