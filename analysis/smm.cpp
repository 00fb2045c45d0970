// SMM statistics (analysis/smm.hpp; docs/calibration.md, "Method").
#include "analysis/smm.hpp"

#include <cmath>
#include <limits>

namespace nisim::hk {

Eigen::MatrixXd central_jacobian(
    const std::function<std::vector<Eigen::VectorXd>(const std::vector<Eigen::VectorXd>&)>& f,
    const Eigen::VectorXd& x, const Eigen::VectorXd& h) {
  const Eigen::Index d = x.size();
  std::vector<Eigen::VectorXd> points;
  for (Eigen::Index j = 0; j < d; ++j) {
    for (const double sign : {1.0, -1.0}) {
      Eigen::VectorXd p = x;
      p(j) += sign * h(j);
      points.push_back(p);
    }
  }
  const std::vector<Eigen::VectorXd> m = f(points);
  Eigen::MatrixXd jac(m.front().size(), d);
  for (Eigen::Index j = 0; j < d; ++j) {
    const auto k = static_cast<std::size_t>(2 * j);
    jac.col(j) = (m[k] - m[k + 1]) / (2.0 * h(j));
  }
  return jac;
}

SmmInference smm_inference(const Eigen::MatrixXd& jacobian, const Eigen::VectorXd& w,
                           const Eigen::MatrixXd& omega, const Eigen::VectorXd& width) {
  const Eigen::Index d = jacobian.cols();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  SmmInference r;
  // Identification: G = W^1/2 J diag(width), moments in standard deviations per box.
  const Eigen::MatrixXd g = w.cwiseSqrt().asDiagonal() * jacobian * width.asDiagonal();
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(g, Eigen::ComputeThinV);
  r.singular = svd.singularValues();
  const double top = r.singular.size() > 0 ? r.singular(0) : 0.0;
  r.rank = 0;
  for (Eigen::Index k = 0; k < r.singular.size(); ++k) {
    if (r.singular(k) > k_rank_tolerance * top && r.singular(k) > 0.0) ++r.rank;
  }
  r.condition = r.rank == d ? top / r.singular(d - 1) : std::numeric_limits<double>::infinity();
  r.influence = g.colwise().norm().transpose();
  r.weak.assign(static_cast<std::size_t>(d), false);
  for (Eigen::Index j = 0; j < d; ++j) {
    bool weak = r.influence(j) < k_min_influence;
    // A parameter that loads on a direction the moments do not see is not pinned down either.
    for (Eigen::Index k = r.rank; k < d; ++k) weak = weak || std::abs(svd.matrixV()(j, k)) > 0.3;
    r.weak[static_cast<std::size_t>(j)] = weak;
  }
  // Sandwich on the identified problem (pseudo-inverse when rank-deficient).
  const Eigen::MatrixXd wj = w.asDiagonal() * jacobian;
  const Eigen::MatrixXd a = jacobian.transpose() * wj;
  const Eigen::MatrixXd a_inv = a.completeOrthogonalDecomposition().pseudoInverse();
  r.cov = a_inv * (wj.transpose() * omega * wj) * a_inv;
  r.se.resize(d);
  for (Eigen::Index j = 0; j < d; ++j) {
    r.se(j) = r.weak[static_cast<std::size_t>(j)] ? nan : std::sqrt(std::max(0.0, r.cov(j, j)));
  }
  return r;
}

}  // namespace nisim::hk
