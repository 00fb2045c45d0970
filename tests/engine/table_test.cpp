#include "engine/table.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <limits>
#include <vector>

namespace nisim {
namespace {

struct TestTable {
  std::vector<std::uint64_t> id;
  std::vector<double> x;
  std::vector<std::uint8_t> flag;
  template <class F>
  void for_each_column(F&& f) {
    f(id), f(x), f(flag);
  }
  /// id and x are kept; flag is cleared (compact_rows_clearing).
  template <class K, class C>
  void for_each_column_at_period_end(K&& kept, C&& cleared) {
    kept(id), kept(x), cleared(flag);
  }
  template <class F>
  void for_each_column(F&& f) const {
    f(id), f(x), f(flag);
  }
};

TestTable make(std::size_t n) {
  TestTable t;
  resize_rows(t, n);
  for (std::size_t i = 0; i < n; ++i) {
    t.id[i] = 100 + i;
    t.x[i] = 0.5 * static_cast<double>(i);
    t.flag[i] = static_cast<std::uint8_t>(i % 3);
  }
  return t;
}

}  // namespace

TEST(Table, ResizeAndReserveKeepColumnsTogether) {
  TestTable t = make(5);
  EXPECT_EQ(rows(t), 5u);
  EXPECT_TRUE(columns_consistent(t));
  reserve_rows(t, 100);
  EXPECT_GE(t.x.capacity(), 100u);
  t.x.push_back(1.0);
  EXPECT_FALSE(columns_consistent(t));
}

TEST(Table, CompactKeepsOrderAndRowAlignment) {
  TestTable t = make(10);
  std::vector<std::uint8_t> keep(10, 1);
  keep[0] = keep[3] = keep[9] = 0;
  EXPECT_EQ(compact_rows(t, keep), 3u);
  ASSERT_EQ(rows(t), 7u);
  EXPECT_TRUE(columns_consistent(t));
  const std::vector<std::uint64_t> ids = {101, 102, 104, 105, 106, 107, 108};
  EXPECT_EQ(t.id, ids);
  for (std::size_t i = 0; i < rows(t); ++i) {
    EXPECT_EQ(t.x[i], 0.5 * static_cast<double>(t.id[i] - 100));
    EXPECT_EQ(t.flag[i], (t.id[i] - 100) % 3);
  }
}

TEST(Table, CompactAllAndNone) {
  TestTable t = make(4);
  std::vector<std::uint8_t> all(4, 1), none(4, 0);
  EXPECT_EQ(compact_rows(t, all), 0u);
  EXPECT_EQ(rows(t), 4u);
  EXPECT_EQ(compact_rows(t, none), 4u);
  EXPECT_EQ(rows(t), 0u);
}

TEST(Table, CompactRejectsWrongMaskLength) {
  TestTable t = make(4);
  std::vector<std::uint8_t> keep(3, 1);
  EXPECT_THROW(compact_rows(t, keep), std::logic_error);
}

}  // namespace nisim

namespace nisim {

TEST(Table, ParallelCompactEqualsSerialCompact) {
  for (int threads : {1, 2, 4}) {
    TestTable serial = make(1000), parallel = make(1000);
    std::vector<std::uint8_t> keep(1000);
    for (std::size_t i = 0; i < keep.size(); ++i) keep[i] = (i * 7) % 5 != 0;
    Parallel par(threads);
    EXPECT_EQ(compact_rows(parallel, keep, par), compact_rows(serial, keep));
    EXPECT_EQ(parallel.id, serial.id);
    EXPECT_EQ(parallel.x, serial.x);
    EXPECT_EQ(parallel.flag, serial.flag);
  }
}

TEST(Table, CompactClearingKeepsKeptColumnsAndZeroesClearedOnes) {
  for (int threads : {1, 2}) {
    TestTable t = make(1000), reference = make(1000);
    std::vector<std::uint8_t> keep(1000);
    for (std::size_t i = 0; i < keep.size(); ++i) keep[i] = (i * 7) % 5 != 0;
    Parallel par(threads);
    const std::size_t removed = compact_rows(reference, keep);
    EXPECT_EQ(compact_rows_clearing(t, keep, par), removed);
    EXPECT_EQ(t.id, reference.id);
    EXPECT_EQ(t.x, reference.x);
    EXPECT_EQ(t.flag, std::vector<std::uint8_t>(reference.flag.size(), 0));
  }
}

TEST(Table, CompactClearingClearsEvenWhenNothingIsRemoved) {
  TestTable t = make(10);
  const TestTable before = t;
  const std::vector<std::uint8_t> keep(10, 1);
  Parallel par(2);
  EXPECT_EQ(compact_rows_clearing(t, keep, par), 0u);
  EXPECT_EQ(t.id, before.id);
  EXPECT_EQ(t.x, before.x);
  EXPECT_EQ(t.flag, std::vector<std::uint8_t>(10, 0));
}

TEST(Table, CompactClearingRejectsWrongMaskLength) {
  TestTable t = make(4);
  const std::vector<std::uint8_t> keep(3, 1);
  Parallel par(1);
  EXPECT_THROW(compact_rows_clearing(t, keep, par), std::logic_error);
}

TEST(Table, ClearColumnZeroesEveryBitAndShrinks) {
  // Sparse values (most 64-byte blocks already zero), -0.0 and NaN (not equal to +0.0 bit for
  // bit, or at all), and a length that is no multiple of a block.
  for (const std::size_t n : {0, 5, 8, 64, 1001}) {
    std::vector<double> x(n, 0.0);
    for (std::size_t i = 0; i < n; i += 37) x[i] = 1.5;
    if (n > 3) x[3] = -0.0;
    if (n > 900) x[900] = std::numeric_limits<double>::quiet_NaN();
    std::vector<std::uint8_t> b(n, 0);
    for (std::size_t i = 1; i < n; i += 3) b[i] = 7;
    const std::size_t length = n / 2;
    detail::clear_column(x, length);
    detail::clear_column(b, length);
    ASSERT_EQ(x.size(), length);
    ASSERT_EQ(b.size(), length);
    for (double v : x) EXPECT_EQ(std::bit_cast<std::uint64_t>(v), 0u);
    for (std::uint8_t v : b) EXPECT_EQ(v, 0);
  }
}

}  // namespace nisim
