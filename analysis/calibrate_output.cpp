// FIT.h5 (analysis/calibrate_output.hpp; docs/output.md, "Calibration files").
#include "analysis/calibrate_output.hpp"

#include <cmath>
#include <numeric>

#include "engine/provenance.hpp"

namespace nisim::hk {
namespace {

std::vector<double> vec(const Eigen::VectorXd& v) {
  return {v.data(), v.data() + v.size()};
}

/// Row-major copy of a matrix.
std::vector<double> rows(const Eigen::MatrixXd& m) {
  std::vector<double> out;
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    for (Eigen::Index j = 0; j < m.cols(); ++j) out.push_back(m(i, j));
  }
  return out;
}

std::vector<std::int32_t> iota(std::size_t n) {
  std::vector<std::int32_t> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

}  // namespace

void write_calibration(const h5::Location& root, const Calibration& c, const Scenario& scenario,
                       const CalibrationResult& r) {
  root.set_attr("title", "nisim calibrate: " + c.path.filename().string());
  write_provenance(root);
  root.set_attr("calibration_path", c.path.string());
  root.set_attr("calibration_text", c.text);
  root.set_attr("scenario_text", scenario.text);
  std::string data;  // `sha256sum -c` format, paths as the calibration file resolved them
  for (const ObservedData& d : c.data) data += d.sha256 + "  " + d.path.string() + "\n";
  root.set_attr("data_sha256", data);
  root.set_attr("seed", c.seed);
  root.set_attr("seeds", std::string("replication r uses derive_seed(seed, r), r < replications, "
                                     "at every evaluation (common random numbers)"));
  root.set_attr("replications", c.replications);
  root.set_attr("fit_to", c.fit_to);
  root.set_attr("method", std::string("simulated method of moments, common random numbers; "
                                      "NLopt DIRECT-L then BOBYQA; sandwich standard errors"));
  root.set_attr("objective", r.objective);
  root.set_attr("nlopt_status_global", static_cast<std::int64_t>(r.global_status));
  root.set_attr("nlopt_status_local", static_cast<std::int64_t>(r.local_status));
  root.set_attr("runs", static_cast<std::uint64_t>(r.runs));
  root.set_attr("run_seconds", r.run_seconds);
  root.set_attr("runs_per_second", static_cast<double>(r.runs) / r.run_seconds);
  root.set_attr("jacobian_rank", static_cast<std::int64_t>(r.inference.rank));
  root.set_attr("jacobian_condition", r.inference.condition);

  const auto d = static_cast<hsize_t>(r.keys.size());
  const auto k = static_cast<hsize_t>(c.moments.size());
  h5::write_dim_str(root, "parameter", r.keys, {"1", "estimated parameter (scenario key)"});
  h5::write_dim_str(root, "parameter_2", r.keys, {"1", "estimated parameter (second axis)"});
  h5::write_double(root, "estimate", vec(r.estimate), {d}, {"parameter"},
                   {"parameter units", "estimate (best evaluated point)"});
  h5::write_double(root, "se", vec(r.inference.se), {d}, {"parameter"},
                   {"parameter units", "sandwich standard error (NaN: not identified)"});
  h5::write_double(root, "covariance", rows(r.inference.cov), {d, d}, {"parameter", "parameter_2"},
                   {"parameter units squared", "sandwich covariance of the estimates"});
  h5::write_double(root, "bound_min", vec(r.lo), {d}, {"parameter"},
                   {"parameter units", "lower bound"});
  h5::write_double(root, "bound_max", vec(r.hi), {d}, {"parameter"},
                   {"parameter units", "upper bound"});
  h5::write_double(
      root, "influence", vec(r.inference.influence), {d}, {"parameter"},
      {"1", "norm of the weighted moments' change when the parameter crosses its box"});
  std::vector<std::int64_t> identified;
  for (const bool w : r.inference.weak) identified.push_back(w ? 0 : 1);
  h5::write_int(root, "identified", identified, {d}, {"parameter"},
                {"1", "1 if the moments pin the parameter down (docs/calibration.md)"});
  h5::write_dim_int(root, "direction", iota(r.keys.size()), {"1", "singular direction"});
  std::vector<double> sv = vec(r.inference.singular);
  sv.resize(r.keys.size(), 0.0);
  h5::write_double(root, "singular_values", sv, {d}, {"direction"},
                   {"1", "singular values of W^1/2 J diag(max - min), descending"});

  std::vector<std::string> names;
  std::vector<std::int32_t> years;
  std::vector<std::int64_t> holdout;
  std::vector<double> observed, sd;
  for (const Moment& m : c.moments) {
    names.push_back(m.name);
    years.push_back(m.year);
    holdout.push_back(m.holdout ? 1 : 0);
    observed.push_back(m.observed);
    sd.push_back(m.sd);
  }
  h5::write_dim_str(root, "moment", names, {"1", "moment: data series[:sector]@year"});
  h5::write_int(root, "moment_year", std::vector<std::int64_t>(years.begin(), years.end()), {k},
                {"moment"}, {"year", "year of the moment"});
  h5::write_int(root, "holdout", holdout, {k}, {"moment"},
                {"1", "1 if after fit_to: not fitted, an out-of-sample check"});
  std::vector<std::string> outputs;
  for (const Moment& m : c.moments) {
    outputs.push_back(m.output + (m.scheme.empty() ? "" : ":" + m.scheme) +
                      (m.cumulative ? " (cumulative)" : ""));
  }
  h5::write_dim_str(root, "moment_output", outputs, {"1", "run variable of each moment"});
  h5::write_double(root, "observed", observed, {k}, {"moment"},
                   {"model units", "observed value times scale"});
  h5::write_double(root, "data_sd", sd, {k}, {"moment"},
                   {"model units", "data standard error from the file (NaN: none given)"});
  h5::write_double(root, "simulated_mean", vec(r.mean), {k}, {"moment"},
                   {"model units", "mean over replications at the estimate"});
  h5::write_double(root, "simulated_p05", vec(r.p05), {k}, {"moment"},
                   {"model units", "5th percentile over replications at the estimate"});
  h5::write_double(root, "simulated_p95", vec(r.p95), {k}, {"moment"},
                   {"model units", "95th percentile over replications at the estimate"});
  h5::write_double(root, "weight", vec(r.weight), {k}, {"moment"},
                   {"1 / model units squared", "weight w_k of the moment in the objective"});
  std::vector<double> error(k), rel(k);
  for (std::size_t m = 0; m < c.moments.size(); ++m) {
    error[m] = r.mean(static_cast<Eigen::Index>(m)) - c.moments[m].observed;
    rel[m] = error[m] / std::abs(c.moments[m].observed);
  }
  h5::write_double(
      root, "error", error, {k}, {"moment"},
      {"model units", "simulated mean minus observed (held-out rows: forecast error)"});
  h5::write_double(root, "relative_error", rel, {k}, {"moment"}, {"1", "error / |observed|"});
  h5::write_dim_int(root, "replication", iota(static_cast<std::size_t>(r.replicates.rows())),
                    {"1", "replication (seed derive_seed(seed, r))"});
  h5::write_double(root, "replicates", rows(r.replicates),
                   {static_cast<hsize_t>(r.replicates.rows()), k}, {"replication", "moment"},
                   {"model units", "each replication's moments at the estimate"});
  h5::write_double(root, "jacobian", rows(r.jacobian), {k, d}, {"moment", "parameter"},
                   {"model units per parameter unit",
                    "d simulated mean / d parameter, central differences under CRN"});

  const auto n = static_cast<hsize_t>(r.evaluations.size());
  h5::write_dim_int(root, "evaluation", iota(r.evaluations.size()), {"1", "objective evaluation"});
  std::vector<double> theta, q;
  std::vector<std::int64_t> phase;
  for (const CalibrationEvaluation& e : r.evaluations) {
    theta.insert(theta.end(), e.theta.begin(), e.theta.end());
    q.push_back(e.objective);
    phase.push_back(e.phase);
  }
  h5::write_double(root, "evaluation_theta", theta, {n, d}, {"evaluation", "parameter"},
                   {"parameter units", "parameters of each evaluation"});
  h5::write_double(root, "evaluation_objective", q, {n}, {"evaluation"},
                   {"1", "objective Q of each evaluation"});
  h5::write_int(root, "evaluation_phase", phase, {n}, {"evaluation"},
                {"1", "0 start (box centre), 1 global (DIRECT-L), 2 local (BOBYQA)"});
}

}  // namespace nisim::hk
