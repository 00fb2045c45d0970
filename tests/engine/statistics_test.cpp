#include "engine/statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

namespace nisim {
namespace {

TEST(StudentTQuantile, MatchesClosedFormsForOneAndTwoDegreesOfFreedom) {
  // df = 1 is the Cauchy distribution: t_p = tan(pi (p - 1/2)). df = 2: t_p = (2p - 1) /
  // sqrt(2 p (1 - p)).
  for (const double p : {0.6, 0.9, 0.95, 0.975, 0.995, 0.1, 0.025}) {
    SCOPED_TRACE(p);
    EXPECT_NEAR(student_t_quantile(p, 1.0), std::tan(std::numbers::pi * (p - 0.5)), 1e-10);
    EXPECT_NEAR(student_t_quantile(p, 2.0), (2.0 * p - 1.0) / std::sqrt(2.0 * p * (1.0 - p)),
                1e-12);
  }
}

TEST(StudentTQuantile, MatchesTabulatedValues) {
  // Critical values as printed (3 decimals) in standard tables, e.g. NIST/SEMATECH
  // e-Handbook of Statistical Methods, section 1.3.6.7.2 (upper critical values of t).
  struct Row {
    double p, df, t;
  };
  const Row rows[] = {{0.975, 1, 12.706}, {0.975, 2, 4.303},  {0.975, 3, 3.182},
                      {0.975, 4, 2.776},  {0.975, 5, 2.571},  {0.975, 9, 2.262},
                      {0.975, 10, 2.228}, {0.975, 19, 2.093}, {0.975, 29, 2.045},
                      {0.975, 30, 2.042}, {0.975, 60, 2.000}, {0.975, 100, 1.984},
                      {0.95, 1, 6.314},   {0.95, 10, 1.812},  {0.995, 5, 4.032},
                      {0.995, 10, 3.169}, {0.99, 20, 2.528},  {0.90, 15, 1.341}};
  for (const Row& r : rows) {
    SCOPED_TRACE(testing::Message() << "p = " << r.p << ", df = " << r.df);
    EXPECT_NEAR(student_t_quantile(r.p, r.df), r.t, 5e-4);
    EXPECT_NEAR(student_t_quantile(1.0 - r.p, r.df), -r.t, 5e-4);  // symmetric
  }
}

TEST(StudentTQuantile, TendsToTheNormalQuantile) {
  EXPECT_NEAR(student_t_quantile(0.975, 1e7), 1.959963984540054, 1e-6);
  EXPECT_GT(student_t_quantile(0.975, 1000.0), 1.959963984540054);
}

TEST(StudentTQuantile, RejectsProbabilitiesAndDegreesOfFreedomOutOfRange) {
  EXPECT_THROW(student_t_quantile(0.0, 3.0), std::invalid_argument);
  EXPECT_THROW(student_t_quantile(1.0, 3.0), std::invalid_argument);
  EXPECT_THROW(student_t_quantile(0.5, 0.0), std::invalid_argument);
  EXPECT_THROW(student_t_quantile(std::nan(""), 3.0), std::invalid_argument);
}

TEST(MeanCiMultiplier, IsTheTQuantileWithSamplesMinusOneDegreesOfFreedom) {
  EXPECT_DOUBLE_EQ(mean_ci_multiplier(2), student_t_quantile(0.975, 1.0));
  EXPECT_NEAR(mean_ci_multiplier(10), 2.262, 5e-4);
  EXPECT_NEAR(mean_ci_multiplier(10, 0.99), 3.250, 5e-4);
  EXPECT_NEAR(mean_ci_multiplier(100), 1.984, 5e-4);
  EXPECT_TRUE(std::isnan(mean_ci_multiplier(1)));
  EXPECT_TRUE(std::isnan(mean_ci_multiplier(0)));
  EXPECT_THROW(mean_ci_multiplier(10, 1.0), std::invalid_argument);
}

TEST(MeanSe, MeanAndStandardErrorOfTheMean) {
  // 1, 2, 4, 7: mean 3.5, sample variance (6.25 + 2.25 + 0.25 + 12.25) / 3 = 7, se sqrt(7 / 4).
  const std::vector<double> x = {1.0, 2.0, 4.0, 7.0};
  const MeanSe m = mean_se(x);
  EXPECT_DOUBLE_EQ(m.mean, 3.5);
  EXPECT_DOUBLE_EQ(m.se, std::sqrt(7.0 / 4.0));
  // Shifting every value moves the mean, not the standard error.
  const std::vector<double> shifted = {101.0, 102.0, 104.0, 107.0};
  EXPECT_DOUBLE_EQ(mean_se(shifted).mean, 103.5);
  EXPECT_NEAR(mean_se(shifted).se, m.se, 1e-12);
  // One value: its own mean, no variance to estimate.
  const std::vector<double> one = {2.5};
  EXPECT_EQ(mean_se(one).mean, 2.5);
  EXPECT_EQ(mean_se(one).se, 0.0);
  EXPECT_TRUE(std::isnan(mean_se(std::span<const double>{}).mean));
}

}  // namespace
}  // namespace nisim
