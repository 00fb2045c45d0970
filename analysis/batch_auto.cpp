// replications = "auto": rounds of paired replications until the policy effect is precise
// (analysis/batch_auto.hpp; docs/batches.md, "Replications until the effect is precise").
#include "analysis/batch_auto.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "engine/error.hpp"
#include "engine/statistics.hpp"

namespace nisim::hk {

double paired_ci_width(const std::vector<double>& d) {
  if (d.size() < 2) return std::nan("");
  // The same arithmetic as the vs_base interval of analysis/batch.cpp: mean +- t * se.
  const MeanSe m = mean_se(d);
  return (m.mean + mean_ci_multiplier(d.size()) * m.se) -
         (m.mean - mean_ci_multiplier(d.size()) * m.se);
}

std::int64_t next_replications(std::int64_t r, double width, const AutoReplications& a) {
  const double ratio = width / a.ci_width;
  const double needed = std::ceil(static_cast<double>(r) * ratio * ratio);
  const double capped =
      std::clamp(needed, static_cast<double>(r + 1), 2.0 * static_cast<double>(r));
  return std::min(a.max, static_cast<std::int64_t>(capped));
}

std::size_t auto_share_index(const Batch& batch, const std::vector<BatchVariable>& variables,
                             std::int64_t base_year, std::int64_t horizon) {
  const AutoReplications& a = batch.auto_reps;
  if (a.year <= base_year || a.year > horizon) {
    const SourcePos& p = a.year_pos;
    throw ScenarioError(p.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) +
                        ": key 'batch.auto_year': " + std::to_string(a.year) +
                        " is outside the simulated years " + std::to_string(base_year + 1) + "-" +
                        std::to_string(horizon));
  }
  const auto it = std::find_if(variables.begin(), variables.end(),
                               [](const BatchVariable& v) { return v.name == "mfg_share"; });
  const auto v = static_cast<std::size_t>(it - variables.begin());
  const auto years = static_cast<std::size_t>(horizon - base_year + 1);
  return v * years + static_cast<std::size_t>(a.year - base_year);
}

namespace {

std::string format_width(double w) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", w);
  return text;
}

}  // namespace

AutoOutcome run_auto_rounds(const Batch& batch, const std::vector<std::string>& names,
                            std::size_t base, std::size_t share_index, std::size_t per_run,
                            oneapi::tbb::task_arena& arena, const JobFn& compute,
                            const RecordFn& check,
                            const std::function<void(const std::string&)>& note,
                            const std::function<void(std::size_t, std::size_t)>& progress,
                            std::vector<std::vector<double>>& kept) {
  if (world().size > 1) {
    throw Error(ExitCode::usage,
                "replications = \"auto\" decides its rounds on one process; under MPI give "
                "--replications N");
  }
  const AutoReplications& a = batch.auto_reps;
  const std::size_t n_scen = names.size();
  AutoOutcome o;
  std::int64_t r_done = 0, r_next = a.min;
  for (;;) {
    // One round: replications [r_done, r_next) of every scenario, jobs [S r_done, S r_next).
    const std::size_t first = n_scen * static_cast<std::size_t>(r_done);
    const std::size_t end = n_scen * static_cast<std::size_t>(r_next);
    std::vector<std::uint64_t> pending(end - first);
    std::iota(pending.begin(), pending.end(), first);
    kept.resize(end);
    std::size_t done = 0;
    run_jobs(pending, per_run, arena, compute,
             [&](std::uint64_t k, std::span<const double> values) {
               check(k, values);
               kept[k].assign(values.begin(), values.end());
               ++done;
               if (progress) progress(first + done, end);
             });
    r_done = r_next;
    o.rounds.push_back(r_done);
    // The widest interval over the non-base scenarios, from every replication so far.
    o.widths.clear();
    double widest = 0.0;
    std::string widest_name;
    const auto reps = static_cast<std::size_t>(r_done);
    std::vector<double> d(reps);
    for (std::size_t s = 0; s < n_scen; ++s) {
      if (s == base) continue;
      for (std::size_t r = 0; r < reps; ++r) {
        d[r] = kept[r * n_scen + s][share_index] - kept[r * n_scen + base][share_index];
      }
      const double w = paired_ci_width(d);
      o.widths.emplace_back(names[s], w);
      if (!(w <= widest)) widest = w, widest_name = names[s];  // NaN counts as widest
    }
    const bool narrow = widest <= a.ci_width;
    o.max_hit = !narrow && r_done >= a.max;
    std::string text = "auto replications: " + std::to_string(r_done) + ", widest 95% interval " +
                       format_width(widest) + " pp (" + widest_name + ")";
    if (narrow || o.max_hit) {
      o.replications = r_done;
      if (note) {
        note(text + (narrow ? " <= " : " > ") + format_width(a.ci_width) +
             (narrow ? " pp: done" : " pp: max_replications reached, stopping"));
      }
      return o;
    }
    r_next = next_replications(r_done, widest, a);
    if (note) {
      note(text + " > " + format_width(a.ci_width) + " pp; next round to " +
           std::to_string(r_next));
    }
  }
}

void write_auto_attrs(const h5::Location& root, const Batch& batch, const AutoOutcome& o) {
  const AutoReplications& a = batch.auto_reps;
  root.set_attr("auto_rule",
                "replications = \"auto\": rounds of paired replications until the full width of "
                "the 95% t interval of the paired difference of mfg_share in auto_year is at "
                "most auto_ci_width for every non-base scenario; next R = min(max, clamp(ceil(R "
                "(width / ci_width)^2), R + 1, 2 R)) (docs/batches.md)");
  root.set_attr("auto_ci_width", a.ci_width);
  root.set_attr("auto_year", a.year);
  root.set_attr("auto_min_replications", a.min);
  root.set_attr("auto_max_replications", a.max);
  std::string rounds;
  for (const std::int64_t r : o.rounds) {
    if (!rounds.empty()) rounds += ',';
    rounds += std::to_string(r);  // appended, not "," + string: GCC 12 bug 105329 (-Wrestrict)
  }
  root.set_attr("auto_rounds", rounds);
  root.set_attr("auto_max_hit", static_cast<std::int64_t>(o.max_hit ? 1 : 0));
  for (const auto& [name, width] : o.widths) {
    root.open_group(name).open_group("vs_base").set_attr("auto_ci_width_achieved", width);
  }
}

}  // namespace nisim::hk
