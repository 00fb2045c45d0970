#pragma once
// Global sensitivity analysis of a model output to d parameters on the unit hypercube: Morris
// elementary effects (screening, r (d+1) runs) and Sobol' variance-based indices by Saltelli
// sampling (n (d+2) runs). Each method is a design function (points for the batch runner to
// evaluate, after scaling them to parameter ranges with nisim::scale) and an analysis function
// (indices from the outputs, in the same row order). All are pure functions; random choices come
// from the counter-based Rng, so results are reproducible and independent of threads.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/design.hpp"

namespace nisim {

/// Morris screening measures of one parameter, from its r elementary effects EE.
struct MorrisIndex {
  double mu;       ///< mean of EE (signed: effects of opposite sign cancel)
  double mu_star;  ///< mean of |EE|: overall importance
  double sigma;    ///< standard deviation of EE (r - 1 denominator; NaN if r < 2): nonlinearity
                   ///< or interactions
  double mu_star_conf;  ///< half-width of the confidence interval of mu_star: the normal quantile
                        ///< at (1 + confidence) / 2 times the standard deviation of mu_star over
                        ///< bootstrap resamples of the r effects (as SALib's morris.analyze);
                        ///< NaN without bootstrap
};

/// Sobol' indices of one parameter with bootstrap percentile confidence intervals.
struct SobolIndex {
  double first;     ///< first-order index S1 (Saltelli 2010 estimator, centred)
  double first_lo;  ///< lower confidence bound of S1 (NaN without bootstrap)
  double first_hi;  ///< upper confidence bound of S1 (NaN without bootstrap)
  double total;     ///< total-order index ST (Jansen estimator)
  double total_lo;  ///< lower confidence bound of ST (NaN without bootstrap)
  double total_hi;  ///< upper confidence bound of ST (NaN without bootstrap)
};

/// Morris one-at-a-time design: `trajectories` trajectories of d+1 points each, stacked (rows
/// t(d+1) .. t(d+1)+d are trajectory t). Points lie on the grid {k / (levels-1)}; consecutive
/// points of a trajectory differ in exactly one coordinate, by +-delta with
/// delta = levels / (2 (levels - 1)), each coordinate changing once in a random order.
/// Throws std::invalid_argument unless levels is even and >= 2 and d is in 1..65535.
Points morris_design(std::size_t trajectories, std::size_t d, int levels, std::uint64_t seed);

/// Morris measures per parameter from a morris_design (points) and the model output at each
/// point (outputs, same order). mu_star_conf: `bootstrap` resamples, with replacement, of each
/// parameter's r effects (indices from Rng(seed)); bootstrap = 0 gives NaN. Throws
/// std::invalid_argument if the sizes disagree, a step of a trajectory is not a
/// single-coordinate move of +-delta that visits each coordinate once, or confidence is not in
/// (0, 1).
std::vector<MorrisIndex> morris_indices(const Points& points, const std::vector<double>& outputs,
                                        std::size_t d, int levels, std::size_t bootstrap = 1000,
                                        std::uint64_t seed = 0, double confidence = 0.95);

/// Highest parameter count saltelli_design supports (it uses a 2d-dimensional Sobol' sequence).
inline constexpr std::size_t saltelli_max_parameters = sobol_max_dimension / 2;

/// Saltelli design for Sobol' indices: n base rows of a 2d-dimensional Sobol' sequence (points
/// skip .. skip+n-1, see sobol_points) split into A (first d columns) and B (last d columns).
/// Returns n (d+2) rows in blocks of n: A, B, AB_1, ..., AB_d, where AB_i is A with column i
/// taken from B; row m*n + j is base row j of block m. Take n a power of two. Throws
/// std::invalid_argument if d is 0 or above saltelli_max_parameters.
Points saltelli_design(std::size_t n, std::size_t d, std::size_t skip = 0);

/// Sobol' indices per parameter from the outputs of a saltelli_design(n, d, ...) in its row
/// order. f0 and Var are the mean and variance of the 2n outputs of A and B;
/// S1_i = mean((f(B) - f0)(f(AB_i) - f(A))) / Var, ST_i = mean((f(A) - f(AB_i))^2) / (2 Var).
/// Intervals: `bootstrap` resamples of the n base rows with replacement (indices from Rng(seed)),
/// percentile bounds at `confidence`; bootstrap = 0 gives NaN bounds. Indices are NaN if the output
/// is constant. Throws std::invalid_argument if outputs.size() != n (d+2), n < 2 or confidence is
/// not in (0, 1).
std::vector<SobolIndex> sobol_indices(const std::vector<double>& outputs, std::size_t n,
                                      std::size_t d, std::size_t bootstrap = 1000,
                                      std::uint64_t seed = 0, double confidence = 0.95);

}  // namespace nisim
