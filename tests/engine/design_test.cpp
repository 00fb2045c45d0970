#include "engine/design.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace nisim {
namespace {

/// Stratum index floor(x n) of every point in dimension j.
std::vector<std::size_t> strata(const Points& points, std::size_t j) {
  std::vector<std::size_t> out;
  for (const auto& p : points) {
    out.push_back(static_cast<std::size_t>(std::floor(p[j] * static_cast<double>(points.size()))));
  }
  return out;
}

/// Column j of a design.
std::vector<double> column(const Points& points, std::size_t j) {
  std::vector<double> out;
  for (const auto& p : points) out.push_back(p[j]);
  return out;
}

TEST(FullGrid, CountsCornersAndRowMajorOrder) {
  const Points g = full_grid({3, 2, 4});
  ASSERT_EQ(g.size(), 24u);
  EXPECT_EQ(g.front(), (std::vector<double>{0.0, 0.0, 0.0}));
  EXPECT_EQ(g.back(), (std::vector<double>{1.0, 1.0, 1.0}));
  // Last dimension fastest: 0, 1/3, 2/3, 1; then the middle dimension steps.
  EXPECT_EQ(g[1], (std::vector<double>{0.0, 0.0, 1.0 / 3.0}));
  EXPECT_EQ(g[3], (std::vector<double>{0.0, 0.0, 1.0}));
  EXPECT_EQ(g[4], (std::vector<double>{0.0, 1.0, 0.0}));
  EXPECT_EQ(g[8], (std::vector<double>{0.5, 0.0, 0.0}));
  EXPECT_EQ(g[23 - 4], (std::vector<double>{1.0, 0.0, 1.0}));
  // Every combination appears exactly once.
  Points sorted = g;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
}

TEST(FullGrid, SingleLevelIsTheMidpoint) {
  const Points g = full_grid({1, 2});
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0], (std::vector<double>{0.5, 0.0}));
  EXPECT_EQ(g[1], (std::vector<double>{0.5, 1.0}));
}

TEST(FullGrid, RejectsBadLevels) {
  EXPECT_THROW(full_grid({}), std::invalid_argument);
  EXPECT_THROW(full_grid({3, 0}), std::invalid_argument);
}

TEST(LatinHypercube, ExactlyOnePointPerStratumPerDimension) {
  const std::size_t n = 97, d = 5;
  const Points x = latin_hypercube(n, d, 2024);
  ASSERT_EQ(x.size(), n);
  for (std::size_t j = 0; j < d; ++j) {
    std::vector<std::size_t> s = strata(x, j);
    std::sort(s.begin(), s.end());
    for (std::size_t k = 0; k < n; ++k) ASSERT_EQ(s[k], k) << "dimension " << j;
    for (const auto& p : x) {
      ASSERT_GT(p[j], 0.0);
      ASSERT_LT(p[j], 1.0);
    }
  }
}

TEST(LatinHypercube, DimensionsArePermutedIndependentlyAndJittered) {
  const Points x = latin_hypercube(64, 3, 5);
  EXPECT_NE(strata(x, 0), strata(x, 1));
  EXPECT_NE(strata(x, 1), strata(x, 2));
  // Not stratum midpoints: positions within strata vary.
  int off_centre = 0;
  for (const auto& p : x) off_centre += std::abs(p[0] * 64 - std::floor(p[0] * 64) - 0.5) > 0.01;
  EXPECT_GT(off_centre, 32);
}

TEST(LatinHypercube, ReproducibleForASeedDifferentForAnother) {
  EXPECT_EQ(latin_hypercube(50, 4, 11), latin_hypercube(50, 4, 11));
  const Points a = latin_hypercube(50, 4, 11), b = latin_hypercube(50, 4, 12);
  for (std::size_t j = 0; j < 4; ++j) EXPECT_NE(column(a, j), column(b, j));
}

TEST(LatinHypercube, RejectsZeroDimensions) {
  EXPECT_THROW(latin_hypercube(10, 0, 1), std::invalid_argument);
}

// Reference by hand from the direction numbers, point i = XOR of v_k over the bits of
// gray(i) = i ^ (i >> 1), with v_k = m_k / 2^k:
//   dim 1 (van der Corput): v = .1, .01, .001, .0001 (binary)
//   dim 2 (s=1, a=0, m1=1; m_k = 2 m_{k-1} ^ m_{k-1}): m = 1, 3, 5, 15: v = .1, .11, .101, .1111
//   dim 3 (s=2, a=1, m=1,3; m_k = 2 m_{k-1} ^ 4 m_{k-2} ^ m_{k-2}): m = 1, 3, 3, 9:
//     v = .1, .11, .011, .1001
//   i:     0  1    2     3     4      5      6      7      8
//   gray:  0  1    11    10    110    111    101    100    1100
//   dim 1: 0  .5   .75   .25   .375   .875   .625   .125   .1875
//   dim 2: 0  .5   .25   .75   .375   .875   .125   .625   .3125
//   dim 3: 0  .5   .25   .75   .625   .125   .875   .375   .9375
TEST(Sobol, FirstPointsMatchTheDirectionNumbers) {
  const std::vector<std::vector<double>> expected = {
      {0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125, 0.1875},
      {0, 0.5, 0.25, 0.75, 0.375, 0.875, 0.125, 0.625, 0.3125},
      {0, 0.5, 0.25, 0.75, 0.625, 0.125, 0.875, 0.375, 0.9375}};
  const Points x = sobol_points(9, 3);
  ASSERT_EQ(x.size(), 9u);
  for (std::size_t j = 0; j < 3; ++j) EXPECT_EQ(column(x, j), expected[j]) << "dimension " << j;
}

TEST(Sobol, PointTwoToTheKMinusOneIsTheKthDirectionNumber) {
  // gray(2^k - 1) = 2^(k-1), so point 2^k - 1 is v_k = m_k / 2^k. Initial m_k of dims 2..21 as
  // published in new-joe-kuo-6.21201; for dim 21 (s = 7, a = 4, so a_4 = 1) the recurrence
  // gives m_8 = 16 m_4 ^ 128 m_1 ^ m_1 = 208 ^ 128 ^ 1 = 81, by hand.
  const std::vector<std::vector<int>> m = {{1},
                                           {1, 3},
                                           {1, 3, 1},
                                           {1, 1, 1},
                                           {1, 1, 3, 3},
                                           {1, 3, 5, 13},
                                           {1, 1, 5, 5, 17},
                                           {1, 1, 5, 5, 5},
                                           {1, 1, 7, 11, 19},
                                           {1, 1, 5, 1, 1},
                                           {1, 1, 1, 3, 11},
                                           {1, 3, 5, 5, 31},
                                           {1, 3, 3, 9, 7, 49},
                                           {1, 1, 1, 15, 21, 21},
                                           {1, 3, 1, 13, 27, 49},
                                           {1, 1, 1, 15, 7, 5},
                                           {1, 3, 1, 15, 13, 25},
                                           {1, 1, 5, 5, 19, 61},
                                           {1, 3, 7, 11, 23, 15, 103},
                                           {1, 3, 7, 13, 13, 15, 69, 81}};
  const Points x = sobol_points(256, m.size() + 1);
  for (std::size_t j = 1; j <= m.size(); ++j) {
    for (std::size_t k = 1; k <= m[j - 1].size(); ++k) {
      EXPECT_EQ(x[(1u << k) - 1][j] * (1u << k), m[j - 1][k - 1]) << "dim " << j + 1 << " k " << k;
    }
  }
}

TEST(Sobol, HighDimensionsMatchAnIndependentImplementation) {
  // m_k = 2^k x_(2^k - 1) for k = 1..12, and points 5, 100 and 4095 in units of 2^-32, of
  // dimensions 22 to 3667 as scipy 1.10.1 gives them (scipy.stats.qmc.Sobol(d = 3667,
  // scramble = False, bits = 32), its own copy of new-joe-kuo-6.21201 and its own generator).
  struct Reference {
    std::size_t dim;
    std::vector<double> m;
    std::vector<double> points;  // 5, 100, 4095
  };
  const std::vector<Reference> ref = {
      {22, {1, 1, 3, 13, 7, 35, 63, 113, 401, 19, 221, 2999}, {2684354560, 1711276032, 3144679424}},
      {100,
       {1, 1, 5, 5, 11, 5, 45, 117, 217, 543, 1763, 3943},
       {1610612736, 3791650816, 4134535168}},
      {1000,
       {1, 1, 3, 9, 3, 3, 105, 201, 373, 877, 919, 1263},
       {2684354560, 3925868544, 1324351488}},
      {2500,
       {1, 1, 1, 9, 13, 1, 75, 237, 205, 461, 689, 2531},
       {3758096384, 2650800128, 2653945856}},
      {3667, {1, 3, 3, 11, 9, 1, 53, 127, 375, 499, 1487, 121}, {536870912, 2181038080, 126877696}},
  };
  const Points x = sobol_points(4096, sobol_max_dimension);
  for (const Reference& r : ref) {
    SCOPED_TRACE(r.dim);
    for (std::size_t k = 1; k <= 12; ++k) {
      EXPECT_EQ(x[(1u << k) - 1][r.dim - 1] * (1u << k), r.m[k - 1]) << "k " << k;
    }
    const std::size_t at[3] = {5, 100, 4095};
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(x[at[i]][r.dim - 1] * 0x1p32, r.points[i]);
  }
}

TEST(Sobol, SkipContinuesTheSequence) {
  for (const std::size_t d : {std::size_t{7}, std::size_t{1200}}) {
    const Points all = sobol_points(64, d);
    for (const std::size_t skip : {1, 2, 41}) {
      const Points tail = sobol_points(23, d, skip);
      ASSERT_EQ(tail.size(), 23u);
      for (std::size_t i = 0; i < tail.size(); ++i) EXPECT_EQ(tail[i], all[skip + i]) << i;
    }
  }
}

TEST(Sobol, PointsInHalfOpenUnitCubeWithBalancedMeans) {
  const std::size_t n = 1u << 10;
  const Points x = sobol_points(n, sobol_max_dimension);
  for (std::size_t j = 0; j < sobol_max_dimension; ++j) {
    double sum = 0.0;
    for (const auto& p : x) {
      ASSERT_GE(p[j], 0.0);
      ASSERT_LT(p[j], 1.0);
      sum += p[j];
    }
    EXPECT_NEAR(sum / static_cast<double>(n), 0.5, 1e-3) << "dimension " << j + 1;
  }
}

/// Counts of 2^12 points in the cells of an 8x8 grid over the projection on dims (a, b).
std::vector<int> cell_counts(const Points& x, std::size_t a, std::size_t b) {
  std::vector<int> cells(64, 0);
  for (const auto& p : x) {
    ++cells[static_cast<std::size_t>(p[a] * 8) * 8 + static_cast<std::size_t>(p[b] * 8)];
  }
  return cells;
}

TEST(Sobol, FirstTwoDimensionsFormANet) {
  // Dims 1 and 2 are a (0, 2)-sequence: the first 2^12 points put 2^12 / 64 in every cell.
  const Points x = sobol_points(1u << 12, 2);
  EXPECT_EQ(cell_counts(x, 0, 1), std::vector<int>(64, 64));
}

TEST(Sobol, EveryPairOfTheFirstDimensionsFillsAnEightByEightGrid) {
  // A property of these direction numbers (good 2-D projections), checked for all 210 pairs of
  // the first 21 dimensions; a wrong table entry breaks it for the pairs involving that dimension.
  const std::size_t dims = 21;
  const Points x = sobol_points(1u << 12, dims);
  for (std::size_t a = 0; a < dims; ++a) {
    for (std::size_t b = a + 1; b < dims; ++b) {
      EXPECT_EQ(cell_counts(x, a, b), std::vector<int>(64, 64)) << a + 1 << ", " << b + 1;
    }
  }
}

TEST(Sobol, RejectsDimensionsPastTheTableWithTheLimit) {
  EXPECT_NO_THROW(sobol_points(4, sobol_max_dimension));
  try {
    sobol_points(4, sobol_max_dimension + 1);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("1..3667"), std::string::npos) << e.what();
  }
  EXPECT_THROW(sobol_points(4, 0), std::invalid_argument);
  EXPECT_THROW(sobol_points(2, 1, (std::size_t{1} << 32) - 1), std::invalid_argument);
}

TEST(Scale, MapsEachColumnToItsRange) {
  const Points s = scale({{0.0, 0.5}, {1.0, 0.25}}, {-1.0, 10.0}, {3.0, 20.0});
  EXPECT_EQ(s, (Points{{-1.0, 15.0}, {3.0, 12.5}}));
  EXPECT_THROW(scale({{0.0, 0.5}}, {0.0}, {1.0}), std::invalid_argument);
  EXPECT_THROW(scale({{0.0}}, {0.0}, {1.0, 2.0}), std::invalid_argument);
}

}  // namespace
}  // namespace nisim
