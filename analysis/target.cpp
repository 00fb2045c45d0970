// Goal seeking (analysis/target.hpp; docs/batches.md "What would it take").
#include "analysis/target.hpp"

#include "models/kpi.hpp"

#include <nlopt.h>
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "analysis/batch.hpp"
#include "engine/error.hpp"
#include "engine/hdf5.hpp"
#include "engine/provenance.hpp"
#include "engine/rng.hpp"
#include "engine/tsan.hpp"
#include "models/model.hpp"

namespace nisim::hk {
namespace {

struct Problem {
  const Batch* batch = nullptr;
  Scenario base;
  std::vector<ParamType> types;
  oneapi::tbb::task_arena* arena = nullptr;
  const TargetOptions* options = nullptr;
  std::vector<TargetEvaluation> evaluations;
  double cost_scale = 1.0;  // keeps the objective near 1 for COBYLA's step sizes
  std::vector<double> last_x;
  TargetEvaluation last;
};

/// One ensemble at lever values `x` (memoised for the constraint call at the same point).
const TargetEvaluation& evaluate(Problem& pr, const double* x) {
  const Target& t = pr.batch->target;
  std::vector<double> levers(x, x + t.levers.size());
  if (!pr.evaluations.empty() && levers == pr.last_x) return pr.last;
  pr.last_x = levers;
  const Scenario sc = with_values(pr.base, t.levers, pr.types, levers);
  const Params params = params_from(sc);
  const auto reps = static_cast<std::size_t>(pr.batch->replications);
  const auto ti = static_cast<std::size_t>(t.year - params.base_year);
  std::vector<double> share(reps), cost(reps);
  const auto runs = [&](std::size_t first, std::size_t last) {
    for (std::size_t r = first; r != last; ++r) {
      RunOptions ro;
      ro.seed = derive_seed(pr.batch->seed, r);  // the same seeds at every evaluation
      ro.threads = 1;
      const History h = run(sc, ro).history;
      share[r] = h.mfg_share_pct[ti];
      cost[r] = public_commitments(h);
    }
  };
  tsan::Handoff handoff;  // engine/tsan.hpp: only does something under ThreadSanitizer
  const tsan::TaskBody body(handoff, runs);
  handoff.publish();
  pr.arena->execute([&] {
    oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<std::size_t>(0, reps, 1), body);
  });
  handoff.join();
  TargetEvaluation e;
  e.levers = levers;
  const double n = static_cast<double>(reps);
  e.public_cost = std::accumulate(cost.begin(), cost.end(), 0.0) / n;
  e.share_mean = std::accumulate(share.begin(), share.end(), 0.0) / n;
  for (double s : share) {
    e.probability += (s >= t.share) / n;
    e.smoothed += 0.5 * std::erfc(-(s - t.share) / (k_target_bandwidth * std::sqrt(2.0))) / n;
  }
  pr.evaluations.push_back(e);
  pr.last = e;
  if (pr.options->progress) pr.options->progress(e, pr.evaluations.size());
  return pr.last;
}

double objective(unsigned, const double* x, double*, void* data) {
  auto& pr = *static_cast<Problem*>(data);
  return evaluate(pr, x).public_cost / pr.cost_scale;
}

/// c(x) <= 0: required probability minus the smoothed probability reached.
double constraint(unsigned, const double* x, double*, void* data) {
  auto& pr = *static_cast<Problem*>(data);
  return pr.batch->target.probability - evaluate(pr, x).smoothed;
}

/// The group `frontier`: each lever's profile (lever value, mean share, public cost,
/// probability) and the highest mean share explored.
void write_frontier(const h5::Location& root, const TargetFrontier& f, std::size_t d) {
  const h5::Location g = root.create_group("frontier");
  g.set_attr("highest_share_mean", f.highest.share_mean);
  g.set_attr("highest_share_public_cost", f.highest.public_cost);
  g.set_attr("highest_share_probability", f.highest.probability);
  g.set_attr("profile", std::string("each lever from min to max, the other levers at max"));
  std::vector<std::int32_t> points(k_frontier_points);
  std::iota(points.begin(), points.end(), 0);
  h5::write_dim_int(g, "point", points, {"1", "profile point, from the lever's min to its max"});
  h5::write_double(g, "highest_share_levers", f.highest.levers, {d}, {"/lever"},
                   {"lever units", "levers of the evaluation with the highest mean share"});
  std::vector<double> value, share, cost, prob;
  for (std::size_t j = 0; j < d; ++j) {
    for (const TargetEvaluation& e : f.profiles[j]) {
      value.push_back(e.levers[j]);
      share.push_back(e.share_mean);
      cost.push_back(e.public_cost);
      prob.push_back(e.probability);
    }
  }
  const std::vector<hsize_t> shape{d, k_frontier_points};
  const std::vector<std::string> dims{"/lever", "point"};
  h5::write_double(g, "lever_value", value, shape, dims, {"lever units", "value of the lever"});
  h5::write_double(g, "share_mean", share, shape, dims,
                   {"percent", "mean manufacturing share in the target year"});
  h5::write_double(g, "public_cost", cost, shape, dims,
                   {"HK$ M", "mean public money paid or committed by every scheme"});
  h5::write_double(g, "probability", prob, shape, dims,
                   {"1", "share of replications reaching the target"});
}

}  // namespace

TargetResult seek_target(const Batch& batch, const std::filesystem::path& out,
                         const TargetOptions& options) {
  const Target& t = batch.target;
  Problem pr;
  pr.batch = &batch;
  pr.base = overridden_base(t.scenario, batch.overrides, t.levers);
  const Params base_params = params_from(pr.base);
  pr.types = swept_types(t.levers);
  if (t.year <= base_params.base_year || t.year > base_params.horizon) {
    throw ScenarioError(
        t.pos.file + ":" + std::to_string(t.pos.line) + ":" + std::to_string(t.pos.column) +
        ": key 'target.year': " + std::to_string(t.year) + " is outside the simulated years");
  }
  const std::size_t d = t.levers.size();
  std::vector<double> lo(d), hi(d), x(d);
  for (std::size_t j = 0; j < d; ++j) {
    lo[j] = t.levers[j].min;
    hi[j] = t.levers[j].max;
    x[j] = hi[j];  // start from the most generous levers: the likeliest to be feasible
  }
  // Validate both corners before anything runs (range errors name the lever's line).
  for (auto corner : {lo, hi}) params_from(with_values(pr.base, t.levers, pr.types, corner));

  h5::AtomicFile file(out, options.force);
  oneapi::tbb::task_arena arena(options.threads > 0 ? options.threads
                                                    : oneapi::tbb::task_arena::automatic);
  pr.arena = &arena;
  pr.options = &options;
  pr.cost_scale = std::max(1.0, evaluate(pr, x.data()).public_cost);

  nlopt_opt opt = nlopt_create(NLOPT_LN_COBYLA, static_cast<unsigned>(d));
  nlopt_set_lower_bounds(opt, lo.data());
  nlopt_set_upper_bounds(opt, hi.data());
  nlopt_set_min_objective(opt, objective, &pr);
  nlopt_add_inequality_constraint(opt, constraint, &pr, 1e-3);
  nlopt_set_maxeval(opt, static_cast<int>(t.max_evaluations));
  nlopt_set_xtol_rel(opt, 1e-3);
  std::vector<double> step(d);
  for (std::size_t j = 0; j < d; ++j) step[j] = 0.25 * (hi[j] - lo[j]);
  nlopt_set_initial_step(opt, step.data());
  double best_value = 0.0;
  const nlopt_result status = nlopt_optimize(opt, x.data(), &best_value);
  nlopt_destroy(opt);

  TargetResult result;
  result.evaluations = pr.evaluations;
  double best_cost = std::numeric_limits<double>::infinity(), best_p = -1.0;
  for (std::size_t k = 0; k < result.evaluations.size(); ++k) {
    const TargetEvaluation& e = result.evaluations[k];
    if (e.probability >= t.probability && e.public_cost < best_cost) {
      result.feasible = true;
      best_cost = e.public_cost;
      result.best = k;
    }
  }
  if (!result.feasible) {  // the most probable evaluation; ties go to the higher mean share
    double best_share = -std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < result.evaluations.size(); ++k) {
      const TargetEvaluation& e = result.evaluations[k];
      if (e.probability > best_p || (e.probability == best_p && e.share_mean > best_share)) {
        best_p = e.probability;
        best_share = e.share_mean;
        result.best = k;
      }
    }
  }

  // Not reached: profile each lever over its range, the others at their most generous, so the
  // answer says how far the box gets and what each lever buys (share against money).
  if (!result.feasible) {
    result.has_frontier = true;
    TargetFrontier& f = result.frontier;
    for (std::size_t j = 0; j < d; ++j) {
      f.profiles.emplace_back();
      for (std::size_t q = 0; q < k_frontier_points; ++q) {
        std::vector<double> point = hi;
        if (q + 1 < k_frontier_points) {  // the last point is max itself, not a rounding of it
          point[j] = lo[j] + (hi[j] - lo[j]) * static_cast<double>(q) /
                                 static_cast<double>(k_frontier_points - 1);
        }
        // A point already evaluated (the corner, every lever's max) is not run again.
        const auto seen =
            std::find_if(pr.evaluations.begin(), pr.evaluations.end(),
                         [&](const TargetEvaluation& e) { return e.levers == point; });
        f.profiles[j].push_back(seen != pr.evaluations.end() ? *seen : evaluate(pr, point.data()));
      }
    }
    f.highest = result.evaluations.front();
    for (const TargetEvaluation& e : pr.evaluations) {
      if (e.share_mean > f.highest.share_mean) f.highest = e;
    }
  }

  // Output: every evaluation, the best one and the optimiser's status.
  const h5::Location& root = file.root();
  root.set_attr("title", "nisim target: " + batch.path.filename().string());
  write_provenance(root);
  root.set_attr("batch_path", batch.path.string());
  root.set_attr("batch_text", batch.text);
  root.set_attr("scenario_text", pr.base.text);
  root.set_attr("seed", batch.seed);
  root.set_attr("replications", batch.replications);
  root.set_attr("overrides", overrides_text(batch.overrides));
  root.set_attr("required_probability", t.probability);
  root.set_attr("target_share_pct", t.share);
  root.set_attr("target_year", t.year);
  root.set_attr("feasible", static_cast<std::int64_t>(result.feasible));
  root.set_attr("best_evaluation", static_cast<std::int64_t>(result.best));
  root.set_attr("nlopt_status", static_cast<std::int64_t>(status));
  root.set_attr("public_cost_counts", std::string(k_target_cost_scope));
  const std::size_t m = result.evaluations.size();
  std::vector<std::int32_t> idx(m);
  std::iota(idx.begin(), idx.end(), 0);
  std::vector<std::string> keys;
  for (const SweepParam& l : t.levers) keys.push_back(l.key);
  h5::write_dim_int(root, "evaluation", idx, {"1", "ensemble evaluation, in order"});
  h5::write_dim_str(root, "lever", keys, {"1", "lever (scenario key)"});
  std::vector<double> levers, cost, prob, smooth, share;
  for (const TargetEvaluation& e : result.evaluations) {
    levers.insert(levers.end(), e.levers.begin(), e.levers.end());
    cost.push_back(e.public_cost);
    prob.push_back(e.probability);
    smooth.push_back(e.smoothed);
    share.push_back(e.share_mean);
  }
  const hsize_t hm = m, hd = d;
  h5::write_double(root, "levers", levers, {hm, hd}, {"evaluation", "lever"},
                   {"lever units", "lever values of each evaluation"});
  h5::write_double(root, "public_cost", cost, {hm}, {"evaluation"},
                   {"HK$ M", "mean public money paid or committed by all schemes by the horizon"});
  h5::write_double(root, "probability", prob, {hm}, {"evaluation"},
                   {"1", "share of replications reaching the target"});
  h5::write_double(root, "probability_smoothed", smooth, {hm}, {"evaluation"},
                   {"1", "smoothed probability used by the optimiser"});
  h5::write_double(root, "share_mean", share, {hm}, {"evaluation"},
                   {"percent", "mean manufacturing share in the target year"});
  if (result.has_frontier) write_frontier(root, result.frontier, d);
  file.commit();
  return result;
}

}  // namespace nisim::hk
