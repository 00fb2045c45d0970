#pragma once
// Happens-before edges for ThreadSanitizer across oneTBB's scheduler. Debian's libtbb is not
// built with -fsanitize=thread, so TSan cannot see how TBB hands a task to a worker (task pools
// and futexes inside libtbb.so) or how the caller learns that the work is done (the acquire load
// of the wait context runs inside libtbb.so too). Without help, every write made before a
// parallel loop and read in its body, and every write made in a body and read after the loop,
// looks like a race. A Handoff states those two edges explicitly. In any other build its
// members are empty inline functions: no code, no effect on results (tools/ci_checks.sh tsan).
#if defined(__SANITIZE_THREAD__)
#define NISIM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define NISIM_TSAN 1
#endif
#endif
#if defined(NISIM_TSAN)
#include <sanitizer/tsan_interface.h>
// From TSan's dynamic-annotations interface (exported by libtsan, not declared in its headers).
extern "C" void AnnotateIgnoreReadsBegin(const char* file, int line);
extern "C" void AnnotateIgnoreReadsEnd(const char* file, int line);
#endif

namespace nisim::tsan {

/// Release this thread's history at `addr` (a no-op unless built with ThreadSanitizer).
inline void release([[maybe_unused]] void* addr) noexcept {
#if defined(NISIM_TSAN)
  __tsan_release(addr);
#endif
}

/// Acquire every history released at `addr` (a no-op unless built with ThreadSanitizer).
inline void acquire([[maybe_unused]] void* addr) noexcept {
#if defined(NISIM_TSAN)
  __tsan_acquire(addr);
#endif
}

/// Stop (resume) checking this thread's memory accesses (no-ops unless built with TSan).
inline void ignore_begin() noexcept {
#if defined(NISIM_TSAN)
  AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
#endif
}
inline void ignore_end() noexcept {
#if defined(NISIM_TSAN)
  AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
#endif
}

/// The two edges of one parallel region run by TBB: publish() in the calling thread before the
/// region starts, enter() first and leave() last in every task body, join() in the calling
/// thread after the region has returned. Bodies only acquire the caller's history, never each
/// other's, so a race between two bodies of the same region is still reported.
class Handoff {
 public:
  Handoff() = default;
  Handoff(const Handoff&) = delete;
  Handoff& operator=(const Handoff&) = delete;
  Handoff(Handoff&&) = delete;
  Handoff& operator=(Handoff&&) = delete;
  ~Handoff() = default;

  void publish() noexcept { release(&start_); }
  void enter() noexcept { acquire(&start_); }
  void leave() noexcept { release(&end_); }
  void join() noexcept { acquire(&end_); }

 private:
  // Only the addresses are used: TSan keys its synchronisation objects by address.
  char start_ = 0;
  char end_ = 0;
};

/// A TBB range body (parallel_for over a blocked_range) that calls f(begin, end) between
/// handoff.enter() and handoff.leave(). TBB keeps copies of this object and of the range in its
/// own task memory, written by whichever thread split the range and recycled by TBB's allocator
/// unseen; this body reads them once, with checking off, into locals, and touches nothing of
/// TBB's afterwards. (tools/tsan.supp drops the reports where TBB's own code is one side; this
/// keeps nisim code from ever being that other side, whose stack TSan may no longer hold after
/// a long task.)
template <class F>
class TaskBody {
 public:
  TaskBody(Handoff& handoff, F& f) noexcept : handoff_(&handoff), f_(&f) {}

  template <class Range>
  void operator()(const Range& range) const {
    ignore_begin();
    Handoff* const handoff = handoff_;
    F* const f = f_;
    const auto begin = range.begin();
    const auto end = range.end();
    ignore_end();
    handoff->enter();
    (*f)(begin, end);
    handoff->leave();
  }

 private:
  Handoff* handoff_;
  F* f_;
};

}  // namespace nisim::tsan
