#pragma once
// Small-sample statistics shared by the batch writers: quantiles of Student's t distribution,
// for confidence intervals of a mean (or of a mean paired difference) from few replications.
#include <cstddef>
#include <span>

namespace nisim {

/// Quantile of Student's t distribution with `df` degrees of freedom at probability p, from
/// Boost.Math (students_t). Throws std::invalid_argument unless p is in (0, 1) and df > 0.
double student_t_quantile(double p, double df);

/// Multiplier of the standard error for a two-sided confidence interval of a mean from
/// `samples` observations at `confidence`: t_{(1 + confidence) / 2, samples - 1}, so that
/// mean +- multiplier * sd / sqrt(samples) covers the true mean with probability `confidence`
/// for normal data. NaN for fewer than 2 samples (no variance to estimate). Throws
/// std::invalid_argument unless confidence is in (0, 1).
double mean_ci_multiplier(std::size_t samples, double confidence = 0.95);

/// A sample mean and its standard error.
struct MeanSe {
  double mean = 0.0;
  double se = 0.0;
};

/// Mean of `x` and its standard error sd / sqrt(n), sd with n - 1 degrees of freedom (se 0 for
/// one value, whose variance cannot be estimated; a mean of NaN for none). Summed in index order
/// from 0, so every caller (the paired differences of batches, crosses and auto replications)
/// gets the same bits for the same values.
MeanSe mean_se(std::span<const double> x);

}  // namespace nisim
