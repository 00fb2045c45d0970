#include "engine/column.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

namespace nisim {
namespace {

constexpr std::size_t k_paged = ColumnAllocator<double>::k_paged_bytes;

std::uintptr_t page_offset(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p) % 4096;
}

/// Several large columns of different element sizes, as a table has: every one starts on a page
/// (glibc alone would put them 16 bytes into a page, or anywhere in the heap).
TEST(Column, LargeColumnsStartOnAPage) {
  Column<double> a(k_paged / sizeof(double));
  Column<double> b(k_paged / sizeof(double) + 1);
  Column<std::uint8_t> c(k_paged);
  Column<std::uint16_t> d(3 * k_paged / sizeof(std::uint16_t) + 7);
  Column<std::uint64_t> e(5 * k_paged / sizeof(std::uint64_t));
  EXPECT_EQ(page_offset(a.data()), 0u);
  EXPECT_EQ(page_offset(b.data()), 0u);
  EXPECT_EQ(page_offset(c.data()), 0u);
  EXPECT_EQ(page_offset(d.data()), 0u);
  EXPECT_EQ(page_offset(e.data()), 0u);
}

/// A column that grows past the threshold by appends moves onto a page, keeping its values; one
/// shrunk below it goes back to the ordinary allocator (each block freed as it was allocated:
/// the sanitizer builds check the pairing).
TEST(Column, GrowingAndShrinkingAcrossTheThresholdKeepsTheValues) {
  Column<std::uint64_t> c;
  const std::size_t n = 2 * k_paged / sizeof(std::uint64_t);
  for (std::size_t i = 0; i < n; ++i) c.push_back(i * 3);
  EXPECT_EQ(page_offset(c.data()), 0u);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(c[i], i * 3) << i;
  c.resize(10);
  c.shrink_to_fit();
  EXPECT_LT(c.capacity() * sizeof(std::uint64_t), k_paged);
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(c[i], i * 3);
  c.reserve(n);
  EXPECT_EQ(page_offset(c.data()), 0u);
  EXPECT_EQ(c[9], 27u);
}

/// Columns compare, copy and swap like vectors (the allocator has no state).
TEST(Column, BehavesAsAVector) {
  Column<double> a(k_paged / sizeof(double));
  std::iota(a.begin(), a.end(), 0.5);
  Column<double> b = a;
  EXPECT_EQ(a, b);
  Column<double> small = {1.0, 2.0};
  std::swap(small, b);
  EXPECT_EQ(small, a);
  EXPECT_EQ(b, (Column<double>{1.0, 2.0}));
  EXPECT_EQ(page_offset(small.data()), 0u);
}

TEST(Column, ASizeBeyondMemoryIsRefused) {
  ColumnAllocator<double> alloc;
  EXPECT_THROW(static_cast<void>(alloc.allocate(std::size_t{1} << 62)), std::bad_array_new_length);
}

}  // namespace
}  // namespace nisim
