// Student t quantiles through Boost.Math; the mean and its standard error.
#include "engine/statistics.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace nisim {

double student_t_quantile(double p, double df) {
  if (!(p > 0.0 && p < 1.0)) {
    throw std::invalid_argument("student_t_quantile: probability must be in (0, 1), got " +
                                std::to_string(p));
  }
  if (!(df > 0.0)) {
    throw std::invalid_argument("student_t_quantile: degrees of freedom must be positive, got " +
                                std::to_string(df));
  }
  return boost::math::quantile(boost::math::students_t_distribution<double>(df), p);
}

double mean_ci_multiplier(std::size_t samples, double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw std::invalid_argument("mean_ci_multiplier: confidence must be in (0, 1)");
  }
  if (samples < 2) return std::numeric_limits<double>::quiet_NaN();
  return student_t_quantile(0.5 + 0.5 * confidence, static_cast<double>(samples - 1));
}

MeanSe mean_se(std::span<const double> x) {
  const auto n = static_cast<double>(x.size());
  double mean = 0.0;
  for (const double v : x) mean += v;
  mean /= n;
  double ss = 0.0;
  for (const double v : x) ss += (v - mean) * (v - mean);
  return {mean, std::sqrt(ss / (x.size() > 1 ? n - 1.0 : 1.0) / n)};
}

}  // namespace nisim
