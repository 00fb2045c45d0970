// Simulated method of moments with common random numbers (analysis/calibrate.hpp;
// docs/calibration.md, "Estimating parameters").
#include "analysis/calibrate.hpp"

#include <nlopt.h>
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>

#include "analysis/batch.hpp"
#include "analysis/calibrate_output.hpp"
#include "engine/error.hpp"
#include "engine/rng.hpp"
#include "engine/tsan.hpp"
#include "models/model.hpp"
#include "models/params.hpp"

namespace nisim::hk {
namespace {

std::string where(const SourcePos& p) {
  return p.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": ";
}

/// Column `s` of a [year][scheme] history array.
std::vector<double> scheme_column(const std::vector<double>& v, std::size_t s, std::size_t n) {
  std::vector<double> out;
  for (std::size_t i = s; i < v.size(); i += n) out.push_back(v[i]);
  return out;
}

/// The per-year values of a moment's run variable, or empty if the history has none.
std::vector<double> output_series(const History& h, const Moment& m) {
  const std::pair<const char*, const std::vector<double>*> fixed[] = {
      {"gdp", &h.gdp},
      {"nonmfg_va", &h.nonmfg_va},
      {"mfg_va", &h.mfg_va},
      {"mfg_share", &h.mfg_share_pct},
      {"wage", &h.wage},
      {"firms", &h.firms},
      {"employment", &h.employment},
      {"entries", &h.entries},
      {"exits", &h.exits},
      {"capital", &h.capital},
      {"smart_lines", &h.smart_lines},
      {"new_lines", &h.new_lines},
      {"line_grants", &h.line_grants}};
  for (const auto& [name, v] : fixed) {
    if (m.output == name) return *v;
  }
  const std::pair<const char*, const std::vector<double>*> by_scheme[] = {
      {"scheme_applications", &h.scheme_applications},
      {"scheme_approvals", &h.scheme_approvals},
      {"scheme_committed", &h.scheme_committed},
      {"scheme_spent", &h.scheme_spent},
      {"scheme_paid", &h.scheme_paid}};
  for (const auto& [name, v] : by_scheme) {
    if (m.output != name) continue;
    const auto it = std::find(h.scheme_names.begin(), h.scheme_names.end(), m.scheme);
    if (it == h.scheme_names.end()) return {};
    return scheme_column(*v, static_cast<std::size_t>(it - h.scheme_names.begin()),
                         h.scheme_names.size());
  }
  const std::vector<double>* named = h.find(m.output);
  return named != nullptr ? *named : std::vector<double>{};
}

/// The moment's simulated value in one run.
double moment_value(const History& h, const Moment& m) {
  const std::vector<double> v = output_series(h, m);
  double sum = 0.0;
  for (std::size_t t = 0; t < h.year.size() && t < v.size(); ++t) {
    if (h.year[t] > m.year) break;
    sum += v[t];
    if (h.year[t] == m.year) return m.cumulative ? sum : v[t];
  }
  return std::numeric_limits<double>::quiet_NaN();
}

struct Problem {
  const Calibration* c = nullptr;
  Scenario base;
  std::vector<ParamType> types;
  Eigen::VectorXd lo, hi;
  oneapi::tbb::task_arena* arena = nullptr;
  const CalibrateOptions* options = nullptr;
  Eigen::VectorXd weight;  // set after the first evaluation
  std::vector<std::size_t> fitted;
  CalibrationResult* result = nullptr;
  int phase = 0;

  std::vector<int> first_years;  // series parameters: the year their one level starts

  /// The base scenario with the parameters at `theta`; a series parameter becomes the constant
  /// theta_j from its first year (docs/calibration.md). Each value sits at its [[parameter]]
  /// line, so a range error names it.
  Scenario scenario_at(const Eigen::VectorXd& theta) const {
    Scenario sc = base;
    for (std::size_t j = 0; j < c->params.size(); ++j) {
      const double v = theta(static_cast<Eigen::Index>(j));
      const SweepParam& p = c->params[j];
      if (types[j] == ParamType::series) {
        sc.values[p.key] = {Series{{first_years[j]}, {v}}, p.pos};
      } else {
        sc.values[p.key] = {v, p.pos};
      }
    }
    return sc;
  }

  /// R x K moment values at each point, all (point, replication) runs in one parallel loop.
  std::vector<Eigen::MatrixXd> simulate(const std::vector<Eigen::VectorXd>& thetas) const {
    const auto reps = static_cast<std::size_t>(c->replications);
    const std::size_t k = c->moments.size(), n = thetas.size() * reps;
    std::vector<Scenario> scenarios;
    scenarios.reserve(thetas.size());
    for (const Eigen::VectorXd& t : thetas) scenarios.push_back(scenario_at(t));
    std::vector<Eigen::MatrixXd> out(thetas.size(), Eigen::MatrixXd(reps, k));
    const auto runs = [&](std::size_t first, std::size_t last) {
      for (std::size_t job = first; job != last; ++job) {
        const std::size_t p = job / reps, r = job % reps;
        RunOptions ro;
        ro.seed = derive_seed(c->seed, r);  // the same seeds at every evaluation (CRN)
        ro.threads = 1;
        const History h = run(scenarios[p], ro).history;
        for (std::size_t m = 0; m < k; ++m) {
          out[p](static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(m)) =
              moment_value(h, c->moments[m]);
        }
      }
    };
    const auto t0 = std::chrono::steady_clock::now();
    tsan::Handoff handoff;  // engine/tsan.hpp: only does something under ThreadSanitizer
    const tsan::TaskBody body(handoff, runs);
    handoff.publish();
    arena->execute(
        [&] { oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<std::size_t>(0, n, 1), body); });
    handoff.join();
    result->run_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    result->runs += n;
    return out;
  }

  double objective_of(const Eigen::MatrixXd& sims) const {
    const Eigen::VectorXd mean = sims.colwise().mean().transpose();
    double q = 0.0;
    for (const std::size_t m : fitted) {
      const auto i = static_cast<Eigen::Index>(m);
      const double e = c->moments[m].observed - mean(i);
      q += weight(i) * e * e;
    }
    return std::isfinite(q) ? q : std::numeric_limits<double>::max();
  }

  /// Objective at `theta`; a point evaluated before is not run again (under CRN its value is
  /// the same), nor recorded twice.
  double evaluate(const Eigen::VectorXd& theta) {
    for (const CalibrationEvaluation& e : result->evaluations) {
      if (std::equal(e.theta.begin(), e.theta.end(), theta.data())) return e.objective;
    }
    const Eigen::MatrixXd sims = simulate({theta}).front();
    if (weight.size() == 0) set_weights(sims);
    CalibrationEvaluation e;
    e.theta.assign(theta.data(), theta.data() + theta.size());
    e.objective = objective_of(sims);
    e.phase = phase;
    result->evaluations.push_back(e);
    if (options->progress) options->progress(e, result->evaluations.size());
    return e.objective;
  }

  /// w_k = 1 / v_k: v_k the data's variance where the file gives sd, else the variance across
  /// replications at the first point, floored at (1% of the observed value)^2 so a moment the
  /// model reproduces without noise does not take all the weight (docs/calibration.md).
  void set_weights(const Eigen::MatrixXd& sims) {
    weight.resize(sims.cols());
    for (Eigen::Index m = 0; m < sims.cols(); ++m) {
      const Moment& mo = c->moments[static_cast<std::size_t>(m)];
      const Eigen::VectorXd col = sims.col(m);
      const double mean = col.mean();
      const double var = (col.array() - mean).square().sum() / static_cast<double>(col.size() - 1);
      const double floor = std::max(1e-12, std::pow(0.01 * mo.observed, 2));
      weight(m) = 1.0 / (std::isnan(mo.sd) ? std::max(var, floor) : mo.sd * mo.sd);
    }
  }

  Eigen::VectorXd theta_of(const double* u) const {
    Eigen::VectorXd t(lo.size());
    for (Eigen::Index j = 0; j < lo.size(); ++j) t(j) = lo(j) + u[j] * (hi(j) - lo(j));
    return t;
  }
};

double nlopt_objective(unsigned, const double* u, double*, void* data) {
  auto& pr = *static_cast<Problem*>(data);
  return pr.evaluate(pr.theta_of(u));
}

/// Minimise over the unit cube from `u` with `algorithm`; returns NLopt's status.
int optimise(Problem& pr, nlopt_algorithm algorithm, std::int64_t budget, std::vector<double>& u) {
  const auto d = static_cast<unsigned>(u.size());
  nlopt_opt opt = nlopt_create(algorithm, d);
  const std::vector<double> zero(d, 0.0), one(d, 1.0), step(d, 0.1);
  nlopt_set_lower_bounds(opt, zero.data());
  nlopt_set_upper_bounds(opt, one.data());
  nlopt_set_min_objective(opt, nlopt_objective, &pr);
  nlopt_set_maxeval(opt, static_cast<int>(budget));
  nlopt_set_xtol_rel(opt, 1e-4);
  nlopt_set_initial_step(opt, step.data());
  double value = 0.0;
  const nlopt_result status = nlopt_optimize(opt, u.data(), &value);
  nlopt_destroy(opt);
  return static_cast<int>(status);
}

/// The base scenario, cut at the last moment year (nothing later is compared; the counter-based
/// draws make the years before identical), with shocks after it dropped.
Scenario calibration_scenario(const Calibration& c, int& base_year) {
  Scenario sc = load_scenario(c.scenario);
  apply_overrides(sc, c.overrides);
  const Params p = validate(sc);
  base_year = static_cast<int>(p.base_year);
  int last = base_year + 1;
  for (const Moment& m : c.moments) {
    if (m.year <= p.base_year || m.year > p.horizon) {
      throw ScenarioError(where(m.pos) + "key 'moment.years': " + std::to_string(m.year) +
                          " is outside the simulated years " + std::to_string(p.base_year + 1) +
                          "-" + std::to_string(p.horizon));
    }
    last = std::max(last, m.year);
  }
  sc.values["run.horizon"] = {std::int64_t{last}, c.pos};
  std::erase_if(sc.shocks, [last](const Shock& s) { return s.year > last; });
  return sc;
}

/// Every parameter a real or series key (types and series' first years into `pr`), its bounds
/// inside the key's range; every moment's output recorded by a run.
void check_parameters(const Calibration& c, Problem& pr, int base_year) {
  const std::vector<ParamSpec> schema = param_schema();
  for (const SweepParam& p : c.params) {
    const ParamSpec* spec = find_spec(schema, p.key);
    if (spec == nullptr) {
      throw ScenarioError(where(p.pos) + "key '" + p.key + "': unknown parameter" +
                          did_you_mean(schema, p.key));
    }
    if (spec->type != ParamType::real && spec->type != ParamType::series) {
      throw ScenarioError(where(p.pos) + "key '" + p.key + "': is a " +
                          std::string(type_name(spec->type)) +
                          "; only real parameters and series (as one level) can be estimated");
    }
    pr.types.push_back(spec->type);
    int first = base_year + 1;
    const auto set = pr.base.values.find(p.key);
    const ParamValue& v = set != pr.base.values.end() ? set->second.first : spec->default_value;
    if (const auto* series = std::get_if<Series>(&v); series != nullptr && !series->years.empty()) {
      first = series->years.front();
    }
    pr.first_years.push_back(first);
  }
  const Scenario& sc = pr.base;
  // The key's own range rule, at both corners of the box (errors name the parameter's line).
  params_from(pr.scenario_at(pr.lo));
  params_from(pr.scenario_at(pr.hi));
  // One year of the base scenario tells which variables a run records.
  Scenario probe = sc;
  probe.values["run.horizon"] = {std::int64_t{base_year + 1}, c.pos};
  std::erase_if(probe.shocks, [base_year](const Shock& s) { return s.year > base_year + 1; });
  RunOptions ro;
  ro.threads = 1;
  const History h = run(probe, ro).history;
  for (const Moment& m : c.moments) {
    const bool scheme_output = m.output.rfind("scheme_", 0) == 0;
    if (scheme_output &&
        std::find(h.scheme_names.begin(), h.scheme_names.end(), m.scheme) == h.scheme_names.end()) {
      std::string list;
      for (const std::string& s : h.scheme_names) list += (list.empty() ? "" : ", ") + s;
      throw ScenarioError(where(m.output_pos) + "key 'moment.scheme': '" + m.scheme +
                          "' is not a scheme (" + list + ")");
    }
    if (!scheme_output && !m.scheme.empty()) {
      throw ScenarioError(where(m.output_pos) +
                          "key 'moment.scheme': only scheme_* outputs take one");
    }
    if (output_series(h, m).empty()) {
      throw ScenarioError(where(m.output_pos) + "key 'moment.output': '" + m.output +
                          "' is not a run variable (docs/output.md; e.g. mfg_share, firms, "
                          "employment, nifs_funded_lines, scheme_approvals)");
    }
  }
}

/// A problem for `c` with every input checked (nothing run but the one-year probe).
void prepare(const Calibration& c, Problem& pr) {
  int base_year = 0;
  pr.c = &c;
  pr.base = calibration_scenario(c, base_year);
  const std::size_t d = c.params.size();
  pr.lo.resize(static_cast<Eigen::Index>(d));
  pr.hi.resize(static_cast<Eigen::Index>(d));
  for (std::size_t j = 0; j < d; ++j) {
    pr.lo(static_cast<Eigen::Index>(j)) = c.params[j].min;
    pr.hi(static_cast<Eigen::Index>(j)) = c.params[j].max;
  }
  check_parameters(c, pr, base_year);
}

}  // namespace

void check_calibration(const Calibration& c) {
  Problem pr;
  prepare(c, pr);
}

CalibrationResult calibrate(const Calibration& c, const std::filesystem::path& out,
                            const CalibrateOptions& options) {
  Problem pr;
  prepare(c, pr);
  CalibrationResult res;
  const std::size_t d = c.params.size(), k = c.moments.size();
  for (const SweepParam& p : c.params) res.keys.push_back(p.key);
  std::optional<h5::AtomicFile> file;
  if (!out.empty()) file.emplace(out, options.force);
  pr.result = &res;
  pr.options = &options;
  for (std::size_t m = 0; m < k; ++m) {
    if (!c.moments[m].holdout) pr.fitted.push_back(m);
  }
  res.lo = pr.lo;
  res.hi = pr.hi;
  oneapi::tbb::task_arena arena(options.threads > 0 ? options.threads
                                                    : oneapi::tbb::task_arena::automatic);
  pr.arena = &arena;

  // Start at the box centre (it also sets the weights), then global, then local.
  std::vector<double> u(d, 0.5);
  pr.evaluate(pr.theta_of(u.data()));
  pr.phase = 1;
  if (c.global_evaluations > 0) {
    res.global_status = optimise(pr, NLOPT_GN_DIRECT_L, c.global_evaluations, u);
  }
  const auto best_u = [&] {
    const auto it =
        std::min_element(res.evaluations.begin(), res.evaluations.end(),
                         [](const auto& a, const auto& b) { return a.objective < b.objective; });
    std::vector<double> best(d);
    for (std::size_t j = 0; j < d; ++j) {
      const auto i = static_cast<Eigen::Index>(j);
      best[j] = (it->theta[j] - pr.lo(i)) / (pr.hi(i) - pr.lo(i));
    }
    return best;
  };
  u = best_u();
  pr.phase = 2;
  if (c.local_evaluations > 0) {
    res.local_status = optimise(pr, NLOPT_LN_BOBYQA, c.local_evaluations, u);
  }
  u = best_u();
  res.estimate = pr.theta_of(u.data());

  // At the estimate: replications, their mean and 90% band, and the Jacobian under CRN.
  pr.phase = 3;
  res.replicates = pr.simulate({res.estimate}).front();
  res.objective = pr.objective_of(res.replicates);
  res.weight = pr.weight;
  res.mean = res.replicates.colwise().mean().transpose();
  res.p05.resize(static_cast<Eigen::Index>(k));
  res.p95.resize(static_cast<Eigen::Index>(k));
  for (Eigen::Index m = 0; m < static_cast<Eigen::Index>(k); ++m) {
    std::vector<double> col(res.replicates.col(m).data(),
                            res.replicates.col(m).data() + res.replicates.rows());
    res.p05(m) = quantile(col, 0.05);
    res.p95(m) = quantile(col, 0.95);
  }
  const Eigen::VectorXd width = pr.hi - pr.lo;
  const Eigen::VectorXd h = c.jacobian_step * width;
  // At a bound the difference is taken over the same width, moved inside the box.
  const Eigen::VectorXd centre = res.estimate.cwiseMax(pr.lo + h).cwiseMin(pr.hi - h);
  res.jacobian = central_jacobian(
      [&](const std::vector<Eigen::VectorXd>& points) {
        std::vector<Eigen::VectorXd> means;
        for (const Eigen::MatrixXd& s : pr.simulate(points))
          means.emplace_back(s.colwise().mean().transpose());
        return means;
      },
      centre, h);

  // Sandwich on the fitted moments: Omega = (1 + 1/R) Sigma_sim + diag(data sd^2).
  const auto kf = static_cast<Eigen::Index>(pr.fitted.size());
  Eigen::MatrixXd jf(kf, static_cast<Eigen::Index>(d)), sims(res.replicates.rows(), kf);
  Eigen::VectorXd wf(kf), data_var = Eigen::VectorXd::Zero(kf);
  for (Eigen::Index i = 0; i < kf; ++i) {
    const auto m = static_cast<Eigen::Index>(pr.fitted[static_cast<std::size_t>(i)]);
    jf.row(i) = res.jacobian.row(m);
    sims.col(i) = res.replicates.col(m);
    wf(i) = pr.weight(m);
    const double sd = c.moments[static_cast<std::size_t>(m)].sd;
    if (!std::isnan(sd)) data_var(i) = sd * sd;
  }
  const Eigen::MatrixXd centred = sims.rowwise() - sims.colwise().mean();
  const double r = static_cast<double>(sims.rows());
  const Eigen::MatrixXd sigma = centred.transpose() * centred / (r - 1.0);
  const Eigen::MatrixXd omega = (1.0 + 1.0 / r) * sigma + Eigen::MatrixXd(data_var.asDiagonal());
  res.inference = smm_inference(jf, wf, omega, width);

  if (file) {
    write_calibration(file->root(), c, pr.base, res);
    file->commit();
  }
  return res;
}

}  // namespace nisim::hk
