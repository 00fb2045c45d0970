#include "engine/parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <vector>

namespace nisim {

TEST(Parallel, ThreadCountIsHonoured) {
  EXPECT_EQ(Parallel(1).threads(), 1);
  EXPECT_EQ(Parallel(3).threads(), 3);
  EXPECT_GE(Parallel(0).threads(), 1);
}

TEST(Parallel, ForBlocksVisitsEveryRowOnce) {
  Parallel par(2);
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, k_block_rows, 5 * k_block_rows + 3}) {
    std::vector<std::atomic<int>> hits(n);
    par.for_blocks(n, [&](std::size_t b, std::size_t begin, std::size_t end) {
      EXPECT_EQ(begin, b * k_block_rows);
      EXPECT_LE(end - begin, k_block_rows);
      for (std::size_t i = begin; i < end; ++i) hits[i]++;
    });
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << "row " << i;
  }
}

TEST(Parallel, ReductionIsBitwiseIdenticalAcrossThreadCounts) {
  // Values of wildly different magnitude, so that any change of summation order would show.
  const std::size_t n = 7 * k_block_rows + 123;
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i)
    v[i] = std::pow(10.0, static_cast<double>(i % 17) - 8.0) * (i % 3 == 0 ? -1.0 : 1.0);
  auto run = [&](int threads) {
    Parallel par(threads);
    std::vector<double> partials;
    return par.reduce(
        n, 0.0, partials,
        [&](std::size_t b, std::size_t e) {
          double s = 0.0;
          for (std::size_t i = b; i < e; ++i) s += v[i];
          return s;
        },
        [](double& acc, double x) { acc += x; });
  };
  const double one = run(1);
  EXPECT_EQ(one, run(2));
  EXPECT_EQ(one, run(4));
  // And it is the block-ordered sum, not something else.
  double expected = 0.0;
  for (std::size_t b = 0; b < block_count(n); ++b) {
    double s = 0.0;
    for (std::size_t i = b * k_block_rows; i < std::min(n, (b + 1) * k_block_rows); ++i) s += v[i];
    expected += s;
  }
  EXPECT_EQ(one, expected);
}

}  // namespace nisim
