// Scenario batches (analysis/batch.hpp; docs/batches.md).
#include "analysis/batch.hpp"

#include "models/kpi.hpp"

#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <stdexcept>

#include "analysis/batch_auto.hpp"
#include "analysis/batch_cross.hpp"
#include "analysis/batch_provenance.hpp"
#include "analysis/batch_record.hpp"
#include "analysis/batch_scenarios.hpp"
#include "analysis/batch_sweep.hpp"
#include "analysis/parameter_draws.hpp"
#include "engine/error.hpp"
#include "engine/file_guard.hpp"
#include "engine/hdf5.hpp"
#include "engine/jobs.hpp"
#include "engine/journal.hpp"
#include "engine/provenance.hpp"
#include "engine/rng.hpp"
#include "engine/statistics.hpp"
#include "engine/version.hpp"
#include "models/model.hpp"

namespace nisim::hk {

using batch_detail::CrossScenario;
using batch_detail::CrossWriter;
using batch_detail::k_lines_target;
using batch_detail::k_lines_target_year;
using batch_detail::k_share_target_pct;
using batch_detail::k_share_target_year;
using batch_detail::k_summarised;
using batch_detail::load_scenarios;
using batch_detail::LoadedScenario;
using batch_detail::RowSummaries;
using batch_detail::summarise_rows;
using batch_detail::SweepWriter;

double quantile(std::vector<double>& values, double q) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
               values.end());
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const double h = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

namespace {

void write_dims(const h5::Location& loc, std::int64_t replications,
                const std::vector<std::int32_t>& years) {
  std::vector<std::int32_t> reps(static_cast<std::size_t>(replications));
  for (std::size_t r = 0; r < reps.size(); ++r) reps[r] = static_cast<std::int32_t>(r);
  h5::write_dim_int(loc, "replication", reps, {"1", "replication (common random numbers)"});
  h5::write_dim_int(loc, "year", years, {"year", "calendar year"});
  std::vector<std::int32_t> pct(std::begin(k_percentiles), std::end(k_percentiles));
  h5::write_dim_int(loc, "percentile", pct, {"percent", "percentile across replications"});
}

/// "scenario NAME, replication R (seed S)": which run a message is about.
std::string run_name(const LoadedScenario& s, std::size_t r, std::uint64_t seed) {
  return "scenario " + s.entry.name + ", replication " + std::to_string(r) + " (seed " +
         std::to_string(seed) + ")";
}

}  // namespace

namespace {

/// Mean and percentiles per year of a [R, T] matrix (row-major), NaN rows ignored.
void summarise(const h5::Location& g, const std::string& name, const std::vector<double>& m,
               std::size_t reps, std::size_t years, const std::string& units) {
  const RowSummaries s = summarise_rows(m, 1, reps, years);
  const std::vector<double>&mean = s.mean, &pct = s.pct;
  const hsize_t T = years, P = std::size(k_percentiles);
  h5::write_double(g, name + "_mean", mean, {T}, {"year"}, {units, "ensemble mean of " + name});
  h5::write_double(g, name + "_percentiles", pct, {P, T}, {"percentile", "year"},
                   {units, "percentiles of " + name + " across replications"});
}

/// The variables the batch records: the defaults, then its [[record]] series, checked against
/// one run of each scenario (of the first design point for a sweep or cross) seeded as
/// replication 0.
std::vector<BatchVariable> variables_of(const Batch& batch,
                                        const std::vector<LoadedScenario>& scenarios,
                                        std::size_t points, int threads) {
  if (batch.records.empty()) return {batch_variables().begin(), batch_variables().end()};
  const std::size_t n = batch.has_sweep ? 1 : scenarios.size();
  const std::size_t step = batch.has_cross ? points : 1;  // a cross: point 0 of each scenario
  std::vector<History> runs;
  for (std::size_t s = 0; s < n; s += step) {
    RunOptions ro;
    ro.seed = derive_seed(batch.seed, 0);
    ro.threads = threads;
    runs.push_back(run(scenarios[s].scenario, ro).history);
  }
  std::vector<const History*> probes;
  probes.reserve(runs.size());
  for (const History& h : runs) probes.push_back(&h);
  return record_variables(batch.records, probes);
}

/// The job function of a batch: job k runs replication k / S of scenario k % S with common
/// random numbers (seed derive_seed(master, r) for every scenario) on one thread, and returns
/// every variable's series followed by the run's indicator projections.
/// With parameter draws, replication r of every scenario runs with draw r's parameter vector
/// (analysis/parameter_draws.hpp), beside the same seed.
JobFn run_job(const std::vector<LoadedScenario>& scenarios, const Batch& batch, std::size_t n_scen,
              const std::vector<BatchVariable>& variables, const ParameterDraws* draws) {
  return [&scenarios, &batch, n_scen, &variables, draws](std::uint64_t k,
                                                         std::vector<double>& values) {
    const std::size_t r = k / n_scen, s = k % n_scen;
    RunOptions ro;
    ro.seed = derive_seed(batch.seed, r);
    ro.threads = 1;
    try {
      values =
          draws == nullptr
              ? run_record(run(scenarios[s].scenario, ro).history, variables)
              : run_record(
                    run(with_draw(scenarios[s].scenario, *draws, draws->draw_of(r)), ro).history,
                    variables);
    } catch (const ModelError& e) {  // name the run: the message names only the year
      throw ModelError(run_name(scenarios[s], r, *ro.seed) + ": " + e.what());
    }
  };
}

/// What a journal must match to be resumed: the batch text, the command-line overrides and
/// replications, every scenario's text (its whole inheritance chain and its overrides) and
/// name, the record size and the program version.
std::uint64_t batch_fingerprint(const Batch& batch, const std::vector<LoadedScenario>& scenarios,
                                std::size_t per_run, const ParameterDraws* draws,
                                std::int64_t replications) {
  std::uint64_t h = fnv1a(batch.text + "\n--set\n" + overrides_text(batch.overrides) +
                          "--replications " + std::to_string(replications));
  if (draws != nullptr) {  // the fit's content and the number of draws (--fit, --draws)
    h = fnv1a("--fit " + draws->fit.sha256 + " --draws " + std::to_string(draws->draws), h);
  }
  for (const LoadedScenario& s : scenarios) {
    h = fnv1a(s.entry.name + "\n" + s.scenario.text, h);
  }
  return fnv1a(std::to_string(per_run) + k_version + k_git_commit, h);
}

}  // namespace

BatchSummary run_batch(const Batch& batch, const std::filesystem::path& out,
                       const BatchOptions& options) {
  // 1. Load and validate every scenario (or every design point of a sweep) before anything
  // runs or any file is created.
  Points design;
  std::vector<LoadedScenario> scenarios = load_scenarios(batch, design);
  const Params& first = scenarios.front().params;
  for (const LoadedScenario& s : scenarios) {
    if (s.params.base_year != first.base_year || s.params.horizon != first.horizon) {
      throw ScenarioError(
          s.entry.pos.file + ":" + std::to_string(s.entry.pos.line) + ":" +
          std::to_string(s.entry.pos.column) + ": key 'scenario.file': " + s.entry.file.string() +
          " runs " + std::to_string(s.params.base_year) + "-" + std::to_string(s.params.horizon) +
          ", the first scenario " + std::to_string(first.base_year) + "-" +
          std::to_string(first.horizon) + "; all scenarios of a batch must share their years");
    }
  }
  // Parameter draws from a fit ([parameters] or --fit), checked against every scenario.
  std::optional<ParameterDraws> draws;
  std::string summary_note;
  if (!batch.parameters.fit.empty()) {
    std::vector<const Scenario*> list;
    list.reserve(scenarios.size());
    for (const LoadedScenario& s : scenarios) list.push_back(&s.scenario);
    draws = make_parameter_draws(batch, list);
  }
  const ParameterDraws* const drawn = draws ? &*draws : nullptr;
  if (drawn != nullptr) {
    summary_note = std::to_string(drawn->draws) + " parameter draws from " +
                   drawn->fit.path.string() + " (" + std::to_string(drawn->per_draw) +
                   " replications each)";
    const std::string fixed = drawn->not_drawn();
    if (!fixed.empty()) summary_note += "; not drawn (not identified by the fit): " + fixed;
  }
  const std::vector<BatchVariable> variables =
      variables_of(batch, scenarios, design.size(), options.threads);
  const std::size_t n_scen = scenarios.size();
  std::vector<std::int32_t> years;
  for (auto y = first.base_year; y <= first.horizon; ++y) years.push_back(static_cast<int>(y));

  // 2. Rank 0 alone writes: the output file, its dimensions, one row writer per scenario and
  // variable, and the run journal (engine/journal.hpp), from which a resumed batch replays the
  // runs already finished. Other MPI ranks only compute (engine/jobs.hpp).
  oneapi::tbb::task_arena arena(options.threads > 0 ? options.threads
                                                    : oneapi::tbb::task_arena::automatic);
  const std::vector<std::string> indicators = kpi_indicators();
  const std::size_t per_run = record_size(years.size(), variables);
  BatchSummary summary;
  summary.draws_note = summary_note;
  // The run's record, checked alike whether just computed or replayed from the journal.
  const auto check_job = [&](std::uint64_t k, std::span<const double> values,
                             const std::string& from) {
    const std::size_t r = k / n_scen;
    check_run_record(values, years,
                     from + run_name(scenarios[k % n_scen], r, derive_seed(batch.seed, r)),
                     variables);
  };
  // replications = "auto" (analysis/batch_auto.hpp): rounds until the paired effect is precise.
  // Their runs are kept and written below like runs replayed from a journal.
  std::vector<std::vector<double>> kept;
  const auto t0 = std::chrono::steady_clock::now();
  if (batch.auto_reps.on) {
    std::vector<std::string> names;
    std::size_t base = 0;
    for (const LoadedScenario& s : scenarios) {
      if (s.entry.name == batch.base) base = names.size();
      names.push_back(s.entry.name);
    }
    summary.auto_reps = run_auto_rounds(
        batch, names, base, auto_share_index(batch, variables, first.base_year, first.horizon),
        per_run, arena, run_job(scenarios, batch, n_scen, variables, drawn),
        [&](std::uint64_t k, std::span<const double> values) { check_job(k, values, ""); },
        options.note, options.progress, kept);
  }
  const std::int64_t replications =
      batch.auto_reps.on ? summary.auto_reps.replications : batch.replications;
  const auto reps = static_cast<std::size_t>(replications);
  const hsize_t T = years.size(), R = reps;
  const std::size_t total = n_scen * reps;
  if (world().rank != 0) {
    // A worker rank: run the jobs rank 0 hands out; rank 0 writes everything.
    summary.runs_by_rank =
        run_jobs({}, per_run, arena, run_job(scenarios, batch, n_scen, variables, drawn), {});
    summary.runs = summary.runs_by_rank.front();
    return summary;
  }
  std::vector<std::filesystem::path> inputs{batch.path};
  for (const LoadedScenario& s : scenarios) {
    inputs.insert(inputs.end(), s.scenario.files.begin(), s.scenario.files.end());
  }
  check_not_input(out, inputs);
  h5::AtomicFile file(out, options.force);
  const h5::Location& root = file.root();
  root.set_attr("title", "nisim batch: " + batch.path.filename().string());
  write_provenance(root);
  root.set_attr("batch_path", batch.path.string());
  root.set_attr("batch_text", batch.text);
  root.set_attr("seed", batch.seed);
  root.set_attr("replications", replications);
  root.set_attr("overrides", overrides_text(batch.overrides));
  root.set_attr("threads", static_cast<std::int64_t>(arena.max_concurrency()));
  root.set_attr("ranks", static_cast<std::int64_t>(world().size));
  root.set_attr("base", batch.base);
  // A sweep or cross has no scenario groups: its runs are arrays in its `sweep` or `cross` group
  // (a cross's scenario names are its coordinate cross/scenario).
  const bool arrays = batch.has_sweep || batch.has_cross;
  std::string names;
  for (std::size_t s = 0; s < n_scen && !arrays; ++s) {
    names += (names.empty() ? "" : ",") + scenarios[s].entry.name;
  }
  root.set_attr("scenarios", names);
  write_dims(root, replications, years);
  write_replication_seeds(root, batch.seed, replications);
  if (drawn != nullptr) write_parameter_draws(root, *drawn, reps);

  std::vector<h5::Location> groups;
  std::vector<std::vector<h5::RowWriter>> writers(arrays ? 0 : n_scen);
  std::optional<SweepWriter> sweep;
  if (batch.has_sweep) {
    sweep.emplace(root, batch, design, scenarios.front().scenario, variables, years);
  }
  std::optional<CrossWriter> cross;
  const std::size_t n_points = design.size();
  if (batch.has_cross) {
    std::vector<CrossScenario> crossed;
    for (std::size_t s = 0; s < batch.scenarios.size(); ++s) {
      const LoadedScenario& at0 = scenarios[s * n_points];
      crossed.push_back({batch.scenarios[s].name, &at0.scenario, &at0.params});
    }
    cross.emplace(root, batch, design, crossed, variables, years);
  }
  for (std::size_t s = 0; s < n_scen && !arrays; ++s) {
    groups.push_back(root.create_group(scenarios[s].entry.name));
    const h5::Location& g = groups.back();
    g.set_attr("scenario_path", scenarios[s].scenario.path.string());
    g.set_attr("scenario_text", scenarios[s].scenario.text);
    write_resolved_params(g, scenarios[s].params, scenarios[s].scenario.shocks);
    write_dims(g, replications, years);
    for (const BatchVariable& v : variables) {
      writers[s].emplace_back(g, v.name, R, std::vector<hsize_t>{T},
                              std::vector<std::string>{"replication", "year"},
                              h5::VarInfo{v.units, v.long_name});
    }
    // Each run's projection of every government indicator at its target year (section 7.2).
    h5::write_dim_str(g, "indicator", indicators, {"1", "government indicator (targets.csv)"});
    writers[s].emplace_back(g, "kpi_projected", R, std::vector<hsize_t>{indicators.size()},
                            std::vector<std::string>{"replication", "indicator"},
                            h5::VarInfo{"indicator unit", "projected value at the target year"});
  }
  // Job k is replication k / S of scenario k % S, so the runs of one replication finish close
  // together. Its record: every variable's T values, then the indicators.
  const auto write_job = [&](std::uint64_t k, std::span<const double> values) {
    const std::size_t r = k / n_scen, s = k % n_scen;
    if (sweep) {
      sweep->write(s, r, values);
      return;
    }
    if (cross) {
      cross->write(s / n_points, s % n_points, r, values);
      return;
    }
    for (std::size_t v = 0; v < variables.size(); ++v) {
      writers[s][v].write_row(r, values.subspan(v * years.size(), years.size()));
    }
    writers[s].back().write_row(r, values.subspan(variables.size() * years.size()));
  };
  std::vector<char> finished(total, 0);
  RunJournal journal(
      journal_path(out),
      {batch_fingerprint(batch, scenarios, per_run, drawn, replications), total, per_run},
      options.resume, options.force, [&](std::uint64_t k, std::span<const double> values) {
        check_job(k, values, "journal '" + journal_path(out).string() + "', record of ");
        write_job(k, values);
        finished[k] = 1;
      });
  for (std::uint64_t k = 0; k < kept.size(); ++k) {  // the runs of an auto batch's rounds
    if (finished[k] != 0) continue;
    write_job(k, kept[k]);
    journal.append(k, kept[k]);
    finished[k] = 1;
  }
  std::vector<std::uint64_t> pending;
  for (std::uint64_t k = 0; k < total; ++k) {
    if (finished[k] == 0) pending.push_back(k);
  }
  summary.resumed = total - pending.size() - kept.size();
  if (summary.resumed > 0 && options.note) {
    std::vector<std::size_t> missing(n_scen, 0);
    for (const std::uint64_t k : pending) ++missing[k % n_scen];
    std::string text = "resuming " + journal.path().string() + ": " +
                       std::to_string(pending.size()) + " of " + std::to_string(total) +
                       " runs missing";
    for (std::size_t s = 0; s < n_scen && !pending.empty(); ++s) {
      text += (s == 0 ? " (" : ", ") + scenarios[s].entry.name + " " + std::to_string(missing[s]);
    }
    options.note(text + (pending.empty() ? "" : ")"));
  }

  // 3. The runs, on this process's threads and, under MPI, on every rank; each finished run
  // goes to its rows and the journal.
  std::size_t done = 0;
  summary.runs_by_rank =
      run_jobs(pending, per_run, arena, run_job(scenarios, batch, n_scen, variables, drawn),
               [&](std::uint64_t k, std::span<const double> values) {
                 check_job(k, values, "");
                 write_job(k, values);
                 journal.append(k, values);
                 ++done;
                 if (options.progress) options.progress(done, pending.size());
               });
  journal.sync();
  summary.runs = done + kept.size();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  writers.clear();  // close the row datasets before reading them back
  if (sweep) {
    sweep->finish(first, scenarios.front().scenario.shocks, summary);
    sweep.reset();
    file.commit();
    journal.remove();  // the output now holds every run
    return summary;
  }
  if (cross) {
    cross->finish(first.base_year, summary);
    cross.reset();
    file.commit();
    journal.remove();  // the output now holds every run
    return summary;
  }

  // 4. Summaries per scenario, then paired differences against the base.
  const std::size_t t_target = static_cast<std::size_t>(k_share_target_year - first.base_year);
  std::size_t base_index = 0;
  for (std::size_t s = 0; s < n_scen; ++s) {
    if (scenarios[s].entry.name == batch.base) base_index = s;
  }
  const std::vector<double> base_share = h5::read_double(groups[base_index], "mfg_share");
  for (std::size_t s = 0; s < n_scen; ++s) {
    const h5::Location& g = groups[s];
    for (const char* name : k_summarised) {
      std::string units;
      for (const BatchVariable& v : batch_variables()) {
        if (std::string(v.name) == name) units = v.units;
      }
      summarise(g, name, h5::read_double(g, name), reps, T, units);
    }
    // Probability of the headline target: share >= 5% in 2032 (NaN if 2032 is not simulated).
    const std::vector<double> share = h5::read_double(g, "mfg_share");
    double p_target = std::nan("");
    if (k_share_target_year >= first.base_year && k_share_target_year <= first.horizon) {
      std::size_t hits = 0;
      for (std::size_t r = 0; r < reps; ++r) hits += share[r * T + t_target] >= k_share_target_pct;
      p_target = static_cast<double>(hits) / static_cast<double>(reps);
    }
    g.set_attr("p_share_5pct_by_2032", p_target);
    // The smart-line KPI (2024 Policy Address): >= 130 lines by 2027 (NaN if not simulated).
    double p_lines = std::nan("");
    if (k_lines_target_year >= first.base_year && k_lines_target_year <= first.horizon) {
      const std::vector<double> lines = h5::read_double(g, "nifs_funded_lines");
      const auto tl = static_cast<std::size_t>(k_lines_target_year - first.base_year);
      std::size_t hits = 0;
      for (std::size_t r = 0; r < reps; ++r) hits += lines[r * T + tl] >= k_lines_target;
      p_lines = static_cast<double>(hits) / static_cast<double>(reps);
    }
    g.set_attr("p_lines_130_by_2027", p_lines);
    {  // P(indicator met) per government target, over replications (NaN if not simulated).
      const std::vector<double> kpi = h5::read_double(g, "kpi_projected");
      const std::size_t nk = kpi_specs().size();
      std::vector<double> p_met(nk), mean(nk);
      for (std::size_t k = 0; k < nk; ++k) {
        std::size_t hits = 0;
        double sum = 0.0;
        for (std::size_t r = 0; r < reps; ++r) {
          hits += kpi[r * nk + k] >= kpi_specs()[k].target;
          sum += kpi[r * nk + k];
        }
        mean[k] = sum / static_cast<double>(reps);
        p_met[k] =
            std::isnan(mean[k]) ? mean[k] : static_cast<double>(hits) / static_cast<double>(reps);
      }
      std::vector<double> target(nk), target_year(nk);
      for (std::size_t k = 0; k < nk; ++k) {
        target[k] = kpi_specs()[k].target;
        target_year[k] = kpi_specs()[k].target_year;
      }
      h5::write_double(g, "kpi_target", target, {nk}, {"indicator"},
                       {"indicator unit", "target value (at least)"});
      h5::write_double(g, "kpi_target_year", target_year, {nk}, {"indicator"},
                       {"year", "target year"});
      h5::write_double(g, "kpi_p_met", p_met, {nk}, {"indicator"},
                       {"1", "share of replications meeting the target"});
      h5::write_double(g, "kpi_mean", mean, {nk}, {"indicator"},
                       {"indicator unit", "mean projected value at the target year"});
    }
    summary.p_share_target.emplace_back(scenarios[s].entry.name, p_target);
    const bool split = drawn != nullptr && !std::isnan(p_target);  // 2032 simulated
    std::vector<double> y(reps), dy(reps);
    for (std::size_t r = 0; split && r < reps; ++r) {
      y[r] = share[r * T + t_target];
      dy[r] = y[r] - base_share[r * T + t_target];
    }
    if (split) {
      const VarianceSplit v = write_variance_split(
          g, "share_2032_variance", y, drawn->draws, "percentage points squared",
          "variance of the 2032 share by source (docs/batches.md, parameter uncertainty)");
      summary.variance_2032.push_back({scenarios[s].entry.name, v.parameters, v.draws, v.total});
    }
    if (s == base_index) continue;
    // Paired differences (variant - base) per year, with the unpaired standard error beside it
    // so the variance reduction of common random numbers is visible (docs/batches.md).
    std::vector<double> mean(T), se_paired(T), se_unpaired(T), lo(T), hi(T);
    const double n = static_cast<double>(reps);
    // 95% interval of the mean paired difference: Student t with reps - 1 degrees of freedom
    // (NaN bounds for one replication, which has no variance to estimate).
    const double t95 = mean_ci_multiplier(reps);
    std::vector<double> d(reps);
    for (std::size_t t = 0; t < T; ++t) {
      double mv = 0.0, mb = 0.0;
      for (std::size_t r = 0; r < reps; ++r) {
        d[r] = share[r * T + t] - base_share[r * T + t];
        mv += share[r * T + t];
        mb += base_share[r * T + t];
      }
      mv /= n, mb /= n;
      double vv = 0.0, vb = 0.0;
      for (std::size_t r = 0; r < reps; ++r) {
        vv += (share[r * T + t] - mv) * (share[r * T + t] - mv);
        vb += (base_share[r * T + t] - mb) * (base_share[r * T + t] - mb);
      }
      const double denom = reps > 1 ? n - 1.0 : 1.0;
      const MeanSe paired = mean_se(d);
      mean[t] = paired.mean;
      se_paired[t] = paired.se;
      se_unpaired[t] = std::sqrt(vv / denom / n + vb / denom / n);
      lo[t] = paired.mean - t95 * paired.se;
      hi[t] = paired.mean + t95 * paired.se;
    }
    const h5::Location cmp = g.create_group("vs_base");
    cmp.set_attr("base", batch.base);
    cmp.set_attr("ci_multiplier", t95);
    h5::write_dim_int(cmp, "year", years, {"year", "calendar year"});
    const std::string what = " of the share: " + scenarios[s].entry.name + " - " + batch.base;
    h5::write_double(cmp, "mfg_share_diff_mean", mean, {T}, {"year"},
                     {"percentage points", "paired mean difference" + what});
    h5::write_double(cmp, "mfg_share_diff_se", se_paired, {T}, {"year"},
                     {"percentage points", "standard error of the paired difference" + what});
    h5::write_double(cmp, "mfg_share_diff_se_unpaired", se_unpaired, {T}, {"year"},
                     {"percentage points", "standard error if runs were not paired" + what});
    h5::write_double(cmp, "mfg_share_diff_ci_low", lo, {T}, {"year"},
                     {"percentage points", "95% confidence bound (low), paired" + what});
    h5::write_double(cmp, "mfg_share_diff_ci_high", hi, {T}, {"year"},
                     {"percentage points", "95% confidence bound (high), paired" + what});
    if (split) {
      const VarianceSplit v = write_variance_split(
          cmp, "diff_2032_variance", dy, drawn->draws, "percentage points squared",
          "variance of the paired 2032 effect" + what + ", by source (docs/batches.md)");
      summary.variance_2032.push_back(
          {scenarios[s].entry.name + " - " + batch.base, v.parameters, v.draws, v.total});
    }
  }
  if (batch.auto_reps.on) write_auto_attrs(root, batch, summary.auto_reps);
  file.commit();
  journal.remove();  // the output now holds every run
  return summary;
}

}  // namespace nisim::hk
