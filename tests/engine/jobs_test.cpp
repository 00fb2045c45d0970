#include "engine/jobs.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace nisim {
namespace {

TEST(Jobs, SingleProcessWorldByDefault) {
  EXPECT_EQ(world().rank, 0);
  EXPECT_EQ(world().size, 1);
  EXPECT_FALSE(world().mpi);
}

TEST(Jobs, EveryPendingJobIsRecordedOnceWithItsValues) {
  oneapi::tbb::task_arena arena(2);
  const std::vector<std::uint64_t> pending = {3, 9, 4, 100, 0, 57, 8};
  std::vector<int> seen(101, 0);
  std::atomic<int> inside{0};
  bool overlapped = false;
  const auto by_rank = run_jobs(
      pending, 2, arena,
      [](std::uint64_t job, std::vector<double>& v) {
        v[0] = static_cast<double>(job) * 2.0;
        v[1] = -static_cast<double>(job);
      },
      [&](std::uint64_t job, std::span<const double> v) {
        if (inside.fetch_add(1) != 0) overlapped = true;  // records must be serialised
        ++seen[job];
        EXPECT_EQ(v[0], static_cast<double>(job) * 2.0);
        EXPECT_EQ(v[1], -static_cast<double>(job));
        inside.fetch_sub(1);
      });
  EXPECT_FALSE(overlapped);
  for (std::uint64_t j = 0; j < seen.size(); ++j) {
    const bool wanted = std::find(pending.begin(), pending.end(), j) != pending.end();
    EXPECT_EQ(seen[j], wanted ? 1 : 0) << "job " << j;
  }
  ASSERT_EQ(by_rank.size(), 1u);
  EXPECT_EQ(by_rank[0], pending.size());
}

TEST(Jobs, NoPendingJobsRunsNothing) {
  oneapi::tbb::task_arena arena(2);
  int calls = 0;
  const auto by_rank = run_jobs(
      {}, 1, arena, [&](std::uint64_t, std::vector<double>&) { ++calls; },
      [&](std::uint64_t, std::span<const double>) { ++calls; });
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(by_rank.at(0), 0u);
}

TEST(Jobs, AFailingJobStopsTheRestAndIsRethrown) {
  // Every job but job 5 takes 1 ms, job 5 fails at once: the other thread must stop within a
  // job or two of the failure, not run the ~1 s of jobs left (without the stop flag it did).
  oneapi::tbb::task_arena arena(2);
  std::vector<std::uint64_t> pending(1000);
  for (std::uint64_t k = 0; k < pending.size(); ++k) pending[k] = k;
  std::atomic<int> computed{0};
  EXPECT_THROW(run_jobs(
                   pending, 1, arena,
                   [&](std::uint64_t job, std::vector<double>&) {
                     computed.fetch_add(1);
                     if (job == 5) throw std::runtime_error("run 5 failed");
                     std::this_thread::sleep_for(std::chrono::milliseconds(1));
                   },
                   [](std::uint64_t, std::span<const double>) {}),
               std::runtime_error);
  EXPECT_LT(computed.load(), 100);
}

TEST(Jobs, AFailingRecordIsRethrown) {
  oneapi::tbb::task_arena arena(1);
  EXPECT_THROW(run_jobs(
                   {1, 2, 3}, 1, arena, [](std::uint64_t, std::vector<double>&) {},
                   [](std::uint64_t job, std::span<const double>) {
                     if (job == 2) throw std::runtime_error("disk full");
                   }),
               std::runtime_error);
}

}  // namespace
}  // namespace nisim
