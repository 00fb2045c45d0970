// The year loop allocates nothing once warmed up (docs/performance.md): every phase reuses
// the state's columns and scratch. Counted by replacing the global operator new in this test
// binary; counting is off except inside the measured window.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "models/model.hpp"
#include "models/state.hpp"
#include "test_support.hpp"

namespace {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace nisim::hk {

TEST(Allocation, YearLoopAllocatesNothingAfterWarmUp) {
  const Scenario sc = test::scenario_text(
      "inherit = \"small.toml\"\n[run]\nhorizon = 2030\n[firms]\ncount = 30000\n"
      "employment = 320000.0\n");
  Simulation sim(sc, RunOptions{{}, 2});
  sim.step();  // warm-up: scratch vectors reach their size
  sim.step();
  allocations = 0;
  counting = true;
  for (int k = 0; k < 5; ++k) sim.step();
  counting = false;
  EXPECT_EQ(allocations.load(), 0) << "operator new calls in 5 simulated years";
  // The counter works: an allocation in the window is seen.
  counting = true;
  auto* probe = new int(3);
  counting = false;
  EXPECT_EQ(allocations.load(), 1);
  delete probe;
}

}  // namespace nisim::hk
