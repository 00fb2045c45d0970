// Student t quantiles through Boost.Math.
#include "engine/statistics.hpp"

#include <boost/math/distributions/students_t.hpp>
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

}  // namespace nisim
