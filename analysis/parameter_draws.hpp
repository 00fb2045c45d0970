#pragma once
// Parameter uncertainty in batches (docs/batches.md, "Parameter uncertainty"; issue #15): each
// replication's parameter vector is drawn from the fit of `nisim calibrate` (FIT.h5), so a
// batch's spread holds both the noise of the random draws and the uncertainty of the estimated
// parameters, and the variance of an outcome can be split between the two.
//
// Design: K draws, R / K replications nested in each. Replication r uses draw k = r / (R / K);
// its random streams stay those of derive_seed(seed, r), so every run of the batch has its own
// streams, and every scenario of replication r shares both r's parameter vector and r's streams
// (common random numbers still pair the scenarios). Draw k is
//   theta_k = reflect(estimate + L z_k),  z_kj = Rng(seed).normal(0, k, k_parameter_draw, j)
// over the identified parameters (L the Cholesky factor of their covariance block); each
// component is reflected into the fit's box [bound_min, bound_max]. Parameters the fit flags as
// not identified keep each scenario's own value.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "engine/batch_file.hpp"
#include "engine/hdf5.hpp"
#include "engine/params.hpp"
#include "engine/rng.hpp"
#include "engine/scenario.hpp"

namespace nisim::hk {

/// Rng purpose of the parameter draws (agent = draw index, index = parameter; year 0).
inline constexpr Purpose k_parameter_draw = 0xFD01;

/// What a batch needs of FIT.h5 (layout: docs/output.md, "Calibration files").
struct Fit {
  std::filesystem::path path;
  std::string sha256;             ///< of the whole file
  std::vector<std::string> keys;  ///< estimated parameters (scenario keys)
  Eigen::VectorXd estimate, se;   ///< se NaN: not identified
  Eigen::VectorXd lo, hi;         ///< the box of the calibration
  Eigen::MatrixXd covariance;     ///< sandwich covariance of the estimates
  std::vector<bool> identified;
};

/// Read FIT.h5. ScenarioError at `pos` (the batch's `parameters.fit`, or --fit) naming the file
/// if it is missing, not HDF5, or not a fit (no estimate, covariance, bounds or identified).
Fit read_fit(const std::filesystem::path& path, const SourcePos& pos);

/// Reflect x into [lo, hi] (folding at each bound as often as needed; lo < hi).
double reflect(double x, double lo, double hi);

/// The draws of a batch: K parameter vectors from a fit.
struct ParameterDraws {
  Fit fit;
  std::size_t draws = 0;           ///< K
  std::size_t per_draw = 0;        ///< R / K replications nested in each draw
  std::vector<std::size_t> drawn;  ///< indices (into fit.keys) of the drawn parameters
  Eigen::MatrixXd factor;          ///< lower-triangular L with L L' = covariance of `drawn`
  Eigen::MatrixXd values;          ///< K x keys: draw k's vector (NaN where not drawn)
  std::vector<ParamType> types;    ///< per key: real or series
  SourcePos pos;                   ///< where the fit is named (scenario values point here)

  std::size_t draw_of(std::size_t replication) const { return replication / per_draw; }
  /// The keys of the parameters not drawn (not identified), comma-separated.
  std::string not_drawn() const;
};

/// The lower Cholesky factor of a covariance matrix. A matrix that is positive semi-definite
/// but not definite (to rounding) gets the symmetric square root V diag(sqrt(max(l, 0))) V'
/// instead, which also satisfies L L' = C. ScenarioError (`where`) if C is not finite or has a
/// clearly negative eigenvalue.
Eigen::MatrixXd covariance_factor(const Eigen::MatrixXd& c, const std::string& where);

/// Draw vector k: reflect(estimate + L z) on the drawn parameters, NaN elsewhere.
Eigen::VectorXd draw_vector(const Fit& fit, const std::vector<std::size_t>& drawn,
                            const Eigen::MatrixXd& factor, std::uint64_t seed, std::size_t k);

/// The draws of `batch` (its [parameters], replications and seed), checked against every
/// scenario: each fit key a real or series parameter of the scenarios, not fixed by --set, the
/// box inside each scenario's valid range, `draws` dividing the replications. ScenarioError
/// naming the batch file (or --fit/--draws), line and key otherwise; nothing runs before.
ParameterDraws make_parameter_draws(const Batch& batch,
                                    const std::vector<const Scenario*>& scenarios);

/// `sc` with draw k's parameter values (a series key becomes the constant from its first year).
Scenario with_draw(const Scenario& sc, const ParameterDraws& d, std::size_t k);

/// The law of total variance on a nested design (docs/batches.md): `y` holds K groups of m
/// consecutive values (the runs of each draw).
///   within  = mean over draws of the within-draw sample variance   (random draws)
///   between = sample variance of the K draw means
///   parameters = max(0, between - within / m)                     (parameter uncertainty)
///   total = parameters + within
/// NaN for parameters and within when m < 2 or K < 2 (no within or between variance to see).
struct VarianceSplit {
  double parameters = 0.0;
  double draws = 0.0;  ///< within-draw: the random draws' share
  double total = 0.0;
  double between_raw = 0.0;  ///< sample variance of the draw means (before the correction)
  double parameter_fraction() const { return parameters / total; }
};
VarianceSplit variance_split(const std::vector<double>& y, std::size_t groups);

/// variance_split(y, groups) written to dataset `name` of `g`, dims (variance_source):
/// parameters, random_draws, total (the dimension scale is written once per group).
VarianceSplit write_variance_split(const h5::Location& g, const std::string& name,
                                   const std::vector<double>& y, std::size_t groups,
                                   const std::string& units, const std::string& long_name);

/// Root datasets `draw` (replication -> draw), `parameter_draws` (replication, fit_parameter),
/// `parameter_drawn`, the fit's estimate and s.e., and the provenance attributes.
void write_parameter_draws(const h5::Location& root, const ParameterDraws& d,
                           std::size_t replications);

}  // namespace nisim::hk
