#pragma once
// Parallel loops over agent rows, on a oneTBB task arena of a chosen size. Work is cut into
// blocks of a fixed number of rows that does not depend on the thread count, and reductions
// combine one partial result per block in block order: no floating-point result depends on how
// the work was split or scheduled (docs/model.md section 2.4).
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cstddef>
#include <vector>

#include "engine/tsan.hpp"

namespace nisim {

/// Rows per block. Fixed (never derived from the thread count), so block partial sums and hence
/// every reduction are identical for 1, 2 or 64 threads. 8192 rows x ~70 bytes per firm is
/// about 0.5 MiB: large enough to amortise scheduling, small enough to balance 2..64 threads.
inline constexpr std::size_t k_block_rows = 8192;

/// Number of blocks covering n rows.
constexpr std::size_t block_count(std::size_t n) noexcept {
  return (n + k_block_rows - 1) / k_block_rows;
}

/// A pool of `threads` worker threads (0 = all hardware threads).
class Parallel {
 public:
  explicit Parallel(int threads = 0)
      : arena_(threads > 0 ? threads : oneapi::tbb::task_arena::automatic) {
    arena_.initialize();
    threads_ = arena_.max_concurrency();
  }
  Parallel(const Parallel&) = delete;
  Parallel& operator=(const Parallel&) = delete;

  /// Threads this pool runs on.
  int threads() const { return threads_; }

  /// Call f(block, begin, end) once for every block of [0, n), in parallel.
  template <class F>
  void for_blocks(std::size_t n, F&& f) {
    const std::size_t nb = block_count(n);
    if (nb == 0) return;
    const auto blocks = [&](std::size_t first, std::size_t last) {
      for (std::size_t b = first; b != last; ++b) {
        f(b, b * k_block_rows, std::min(n, (b + 1) * k_block_rows));
      }
    };
    // One thread (each run of a batch) or one block: the same blocks in order on this thread,
    // without the arena's hand-off (about a microsecond a call, ~20 calls a year).
    if (threads_ == 1 || nb == 1) {
      blocks(0, nb);
      return;
    }
    // engine/tsan.hpp: the hand-off made visible to ThreadSanitizer; nothing in other builds.
    tsan::Handoff handoff;
    const tsan::TaskBody body(handoff, blocks);
    handoff.publish();
    arena_.execute([&] {
      oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<std::size_t>(0, nb, 1), body,
                                oneapi::tbb::simple_partitioner{});
    });
    handoff.join();
  }

  /// Call f(k) for every k in [0, n), in parallel, one task each (for a few coarse, independent
  /// jobs such as one per table column).
  template <class F>
  void for_each_task(std::size_t n, F&& f) {
    const auto tasks = [&](std::size_t first, std::size_t last) {
      for (std::size_t k = first; k != last; ++k) f(k);
    };
    if (threads_ == 1 || n <= 1) {  // as in for_blocks
      tasks(0, n);
      return;
    }
    tsan::Handoff handoff;  // engine/tsan.hpp, as in for_blocks
    const tsan::TaskBody body(handoff, tasks);
    handoff.publish();
    arena_.execute(
        [&] { oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<std::size_t>(0, n, 1), body); });
    handoff.join();
  }

  /// Deterministic reduction: partial[b] = f(b, begin, end) for every block (in parallel), then
  /// combine(acc, partial[b]) for b = 0, 1, ... in order. `partials` is caller-owned scratch,
  /// reused across calls so the yearly loop does not allocate once it has grown.
  template <class Acc, class F, class Combine>
  Acc reduce(std::size_t n, Acc init, std::vector<Acc>& partials, F&& f, Combine&& combine) {
    const std::size_t nb = block_count(n);
    partials.resize(nb);
    for_blocks(
        n, [&](std::size_t b, std::size_t begin, std::size_t end) { partials[b] = f(begin, end); });
    for (std::size_t b = 0; b < nb; ++b) combine(init, partials[b]);
    return init;
  }

 private:
  oneapi::tbb::task_arena arena_;
  int threads_ = 1;  ///< arena_.max_concurrency(), asked once
};

}  // namespace nisim
