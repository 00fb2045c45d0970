#include "engine/table.hpp"

#include <gtest/gtest.h>

#include <cstdint>
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

}  // namespace nisim
