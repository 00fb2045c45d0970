#include "engine/compact.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace nisim {
namespace {

/// What compaction must do, written the obvious way: the kept elements from `first` on, in
/// order, after the untouched elements before `first`.
template <class T>
std::vector<T> reference(const std::vector<T>& column, const std::vector<std::uint8_t>& keep,
                         std::size_t first) {
  std::vector<T> out(column.begin(), column.begin() + static_cast<std::ptrdiff_t>(first));
  for (std::size_t i = first; i < column.size(); ++i) {
    if (keep[i] != 0) out.push_back(column[i]);
  }
  return out;
}

/// Every target this binary and CPU run (baseline always).
std::vector<SimdTarget> targets_here() {
  std::vector<SimdTarget> out;
  for (int t = 0; t < k_simd_targets; ++t) {
    if (compact_kernels(static_cast<SimdTarget>(t)) != nullptr) {
      out.push_back(static_cast<SimdTarget>(t));
    }
  }
  return out;
}

/// Values whose every byte differs from element to element, so a lane taken from the wrong row
/// or a byte from the wrong lane shows.
template <class T>
std::vector<T> distinct_values(std::size_t n, std::mt19937_64& gen) {
  std::vector<T> v(n);
  for (auto& x : v) {
    const std::uint64_t bits = gen();
    std::memcpy(&x, &bits, sizeof(T));
  }
  return v;
}

template <class T>
void check_all_targets(std::size_t n, double keep_probability, std::size_t first_min,
                       std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::bernoulli_distribution kept(keep_probability);
  std::vector<std::uint8_t> keep(n);
  // Any nonzero byte keeps a row, not only 1.
  for (auto& k : keep) k = kept(gen) ? static_cast<std::uint8_t>(1 + gen() % 255) : 0;
  const std::size_t first = std::min(first_min, n);
  const std::vector<T> column = distinct_values<T>(n, gen);
  const std::vector<T> want = reference(column, keep, first);
  for (const SimdTarget t : targets_here()) {
    std::vector<T> got = column;
    const std::size_t length = compact_kernels(t)->of<T>()(got.data(), keep.data(), first, n);
    ASSERT_EQ(length, want.size())
        << simd_target_name(t) << ", n " << n << ", p " << keep_probability << ", first " << first;
    got.resize(length);
    // Bytes, not values: NaN payloads must survive too (no memcmp of an empty vector's null
    // data pointer).
    EXPECT_TRUE(length == 0 || std::memcmp(got.data(), want.data(), length * sizeof(T)) == 0)
        << simd_target_name(t) << ", n " << n << ", p " << keep_probability << ", first " << first
        << ", width " << sizeof(T);
  }
}

template <class T>
class CompactWidth : public ::testing::Test {};
using Widths = ::testing::Types<std::uint8_t, std::uint16_t, std::uint32_t, std::uint64_t, double,
                                std::int32_t>;
class WidthName {
 public:
  template <class T>
  static std::string GetName(int) {  // NOLINT(readability-identifier-naming): GoogleTest's name
    if constexpr (std::is_same_v<T, double>) return "double";
    if constexpr (std::is_same_v<T, std::int32_t>) return "int32";
    return "uint" + std::to_string(8 * sizeof(T));
  }
};
TYPED_TEST_SUITE(CompactWidth, Widths, WidthName);

// Every target gives exactly the obvious result: lengths around each vector form's block (32 and
// 64 rows) and its groups (4, 8, 16 rows), so whole blocks, groups and the plain tail all run;
// masks from none kept to all kept; compaction starting mid-block.
TYPED_TEST(CompactWidth, EveryTargetEqualsTheReference) {
  std::uint64_t seed = 1;
  for (const std::size_t n : {0, 1, 7, 8, 15, 16, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1000}) {
    for (const double p : {0.0, 0.07, 0.5, 0.93, 1.0}) {
      for (const std::size_t first : {0, 1, 5, 37})
        check_all_targets<TypeParam>(n, p, first, ++seed);
    }
  }
  check_all_targets<TypeParam>(100'003, 0.93, 11, ++seed);
}

// Rows before `first` are never touched, even by a vector store (all vector stores are at or
// after the cursor, which starts at `first`).
TYPED_TEST(CompactWidth, RowsBeforeFirstStay) {
  std::mt19937_64 gen(7);
  const std::size_t n = 300, first = 70;
  const std::vector<TypeParam> column = distinct_values<TypeParam>(n, gen);
  const std::vector<std::uint8_t> keep(n, 0);  // every row from `first` on goes
  for (const SimdTarget t : targets_here()) {
    std::vector<TypeParam> got = column;
    EXPECT_EQ(compact_kernels(t)->of<TypeParam>()(got.data(), keep.data(), first, n), first);
    EXPECT_EQ(0, std::memcmp(got.data(), column.data(), first * sizeof(TypeParam)))
        << simd_target_name(t);
  }
}

TEST(Compact, BaselineAlwaysRunsAndTheChosenKernelsAreOnesThatRun) {
  ASSERT_NE(compact_kernels(SimdTarget::baseline), nullptr);
  ASSERT_NE(compact_kernels(SimdTarget::native), nullptr);  // the best that runs, at worst baseline
  const CompactKernels& chosen = compact_kernels();
  bool found = false;
  for (const SimdTarget t : targets_here()) found = found || compact_kernels(t) == &chosen;
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace nisim
