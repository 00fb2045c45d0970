#pragma once
// The statistics of simulated method of moments (docs/calibration.md, "Method"): the Jacobian
// of the simulated moments by central differences, the sandwich covariance of the estimates with
// simulation noise, and the identification diagnostics. Pure functions of matrices, no model.
#include <functional>
#include <vector>

#include <Eigen/Dense>

namespace nisim::hk {

/// Central-difference Jacobian (K moments x d parameters) of `f` at `x`: column j is
/// (f(x + h_j e_j) - f(x - h_j e_j)) / (2 h_j). `f` takes all 2d points at once (so the caller
/// can run them in parallel) and returns their moment vectors in the same order:
/// x + h_0 e_0, x - h_0 e_0, x + h_1 e_1, ...
Eigen::MatrixXd central_jacobian(
    const std::function<std::vector<Eigen::VectorXd>(const std::vector<Eigen::VectorXd>&)>& f,
    const Eigen::VectorXd& x, const Eigen::VectorXd& h);

/// Sandwich covariance and identification of an SMM estimate.
struct SmmInference {
  Eigen::MatrixXd cov;        ///< d x d covariance of the estimates
  Eigen::VectorXd se;         ///< standard errors (NaN for parameters not identified)
  Eigen::VectorXd singular;   ///< singular values of the scaled Jacobian, descending
  int rank = 0;               ///< numerical rank of the scaled Jacobian
  double condition = 0.0;     ///< largest / smallest singular value (inf if rank-deficient)
  Eigen::VectorXd influence;  ///< per parameter: norm of its scaled Jacobian column
  std::vector<bool> weak;     ///< per parameter: the moments cannot pin it down
};

/// Relative singular-value threshold below which a direction counts as unidentified.
inline constexpr double k_rank_tolerance = 1e-6;
/// A parameter whose move across its whole box moves the weighted moments by less than this
/// (in units of the moments' standard deviations, Euclidean norm) is flagged as not pinned down.
inline constexpr double k_min_influence = 0.1;

/// V = A^-1 J'W Omega W J A^-1 with A = J'WJ, W = diag(w). Omega is the covariance of
/// (observed - simulated mean) moments: (1 + 1/R) Sigma_sim + D (docs/calibration.md). `width`
/// (the boxes) scales the Jacobian for the identification diagnostics.
SmmInference smm_inference(const Eigen::MatrixXd& jacobian, const Eigen::VectorXd& w,
                           const Eigen::MatrixXd& omega, const Eigen::VectorXd& width);

}  // namespace nisim::hk
