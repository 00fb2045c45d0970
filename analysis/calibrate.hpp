#pragma once
// `nisim calibrate`: simulated method of moments with common random numbers (issue #15).
// Every evaluation runs the scenario R times with the same seeds, so the objective
//   Q(theta) = sum_k w_k (m_k - mean_r m_k(theta, r))^2   over the fitted moments
// is a deterministic function of the parameters; DIRECT-L searches the box, then BOBYQA polishes
// the best point. Standard errors come from the sandwich formula with the simulation noise
// (analysis/smm.hpp); identification from the Jacobian's singular values; moments after
// fit_to are held out and their errors reported. Method: docs/calibration.md.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "analysis/calibration_file.hpp"
#include "analysis/smm.hpp"

namespace nisim::hk {

/// One evaluation of the objective.
struct CalibrationEvaluation {
  std::vector<double> theta;
  double objective = 0.0;
  int phase = 0;  ///< 0 start, 1 global (DIRECT-L), 2 local (BOBYQA), 3 Jacobian
};

struct CalibrationResult {
  std::vector<std::string> keys;   ///< parameter keys
  Eigen::VectorXd lo, hi;          ///< bounds
  Eigen::VectorXd estimate;        ///< the best evaluated point
  double objective = 0.0;          ///< Q at the estimate
  Eigen::MatrixXd replicates;      ///< R x K moments of each replication at the estimate
  Eigen::VectorXd mean, p05, p95;  ///< per moment, at the estimate
  Eigen::VectorXd weight;          ///< w_k (1 / variance, docs/calibration.md)
  Eigen::MatrixXd jacobian;        ///< K x d, all moments (held-out rows too)
  SmmInference inference;          ///< on the fitted moments
  std::vector<CalibrationEvaluation> evaluations;
  int global_status = 0, local_status = 0;  ///< NLopt return codes (0 = phase skipped)
  std::size_t runs = 0;                     ///< model runs in the whole calibration
  double run_seconds = 0.0;                 ///< wall time of those runs
};

struct CalibrateOptions {
  int threads = 0;     ///< threads (one run each); 0 = all cores
  bool force = false;  ///< overwrite an existing output
  std::function<void(const CalibrationEvaluation&, std::size_t)> progress;
};

/// Estimate the parameters of `c` and write FIT.h5 to `out` atomically (docs/output.md,
/// "Calibration files"). Every parameter, bound and moment is checked before anything runs
/// (ScenarioError naming file, line and key). An empty `out` writes nothing (tests).
CalibrationResult calibrate(const Calibration& c, const std::filesystem::path& out,
                            const CalibrateOptions& options);

/// The checks calibrate() makes before it runs anything (scenario, parameter keys, types and
/// bounds, moment years and outputs; one year of the scenario is run to see what it records).
void check_calibration(const Calibration& c);

}  // namespace nisim::hk
