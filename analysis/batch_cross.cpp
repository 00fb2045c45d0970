// Every scenario at every point of a design (analysis/batch_cross.hpp; docs/batches.md
// section 11).
#include "analysis/batch_cross.hpp"

#include <cmath>
#include <cstdio>

#include "analysis/batch_provenance.hpp"
#include "analysis/batch_sweep.hpp"
#include "engine/statistics.hpp"
#include "models/kpi.hpp"

namespace nisim::hk::batch_detail {

PairedDiff paired_diff(const std::vector<double>& runs, std::size_t scenarios, std::size_t points,
                       std::size_t reps, std::size_t years, std::size_t base) {
  const std::size_t n = scenarios * points * years;
  PairedDiff out{std::vector<double>(n), std::vector<double>(n), std::vector<double>(n)};
  // 95% interval of the mean paired difference: Student t with reps - 1 degrees of freedom, as
  // the vs_base group of a scenario batch (NaN for one replication).
  const double t95 = mean_ci_multiplier(reps);
  const auto at = [&](std::size_t s, std::size_t p, std::size_t r, std::size_t t) {
    return runs[((s * points + p) * reps + r) * years + t];
  };
  std::vector<double> d(reps);
  for (std::size_t s = 0; s < scenarios; ++s) {
    for (std::size_t p = 0; p < points; ++p) {
      for (std::size_t t = 0; t < years; ++t) {
        for (std::size_t r = 0; r < reps; ++r) d[r] = at(s, p, r, t) - at(base, p, r, t);
        const auto [mean, se] = mean_se(d);
        const std::size_t i = (s * points + p) * years + t;
        out.mean[i] = mean;
        out.low[i] = s == base ? 0.0 : mean - t95 * se;
        out.high[i] = s == base ? 0.0 : mean + t95 * se;
      }
    }
  }
  return out;
}

CrossWriter::CrossWriter(const h5::Location& root, const Batch& batch, const Points& design,
                         const std::vector<CrossScenario>& scenarios,
                         const std::vector<BatchVariable>& variables,
                         const std::vector<std::int32_t>& years)
    : batch_(batch),
      design_(design),
      variables_(variables),
      years_(years),
      group_(root.create_group("cross")) {
  const Sweep& w = batch.cross;
  const h5::Location& g = group_;
  g.set_attr("design", w.design);
  g.set_attr("output", w.output);
  g.set_attr("year", w.year);
  g.set_attr("base", batch.base);
  for (std::size_t s = 0; s < scenarios.size(); ++s) {
    names_.push_back(scenarios[s].name);
    if (scenarios[s].name == batch.base) base_ = s;
  }
  // The dimensions, all in this group so that it reads alone (xarray's group=).
  h5::write_dim_str(g, "scenario", names_, {"1", "scenario name (batch order)"});
  coordinates_ = write_design(g, w, design, "cross");
  const auto R = static_cast<std::size_t>(batch.replications);
  std::vector<std::int32_t> reps(R);
  for (std::size_t r = 0; r < R; ++r) reps[r] = static_cast<std::int32_t>(r);
  h5::write_dim_int(g, "replication", reps,
                    {"1", "replication (common random numbers across scenarios and points)"});
  h5::write_dim_int(g, "year", years, {"year", "calendar year"});
  const std::vector<std::string> indicators = kpi_indicators();
  h5::write_dim_str(g, "indicator", indicators, {"1", "government indicator (targets.csv)"});
  // Each scenario's file, text and resolved parameters at point 0 (cross/scenarios/NAME).
  const h5::Location sg = g.create_group("scenarios");
  for (const CrossScenario& s : scenarios) {
    const h5::Location one = sg.create_group(s.name);
    one.set_attr("scenario_path", s.scenario->path.string());
    one.set_attr("scenario_text", s.scenario->text);
    write_resolved_params(one, *s.params, s.scenario->shocks);
  }
  const hsize_t hs = names_.size(), hp = design.size(), hr = R, T = years.size();
  for (const BatchVariable& v : variables) {
    writers_.emplace_back(g, v.name, std::vector<hsize_t>{hs, hp, hr}, std::vector<hsize_t>{T},
                          std::vector<std::string>{"scenario", "point", "replication", "year"},
                          h5::VarInfo{v.units, v.long_name});
  }
  writers_.emplace_back(g, "kpi_projected", std::vector<hsize_t>{hs, hp, hr},
                        std::vector<hsize_t>{indicators.size()},
                        std::vector<std::string>{"scenario", "point", "replication", "indicator"},
                        h5::VarInfo{"indicator unit", "projected value at the target year"});
  for (const BatchVariable& v : variables) {
    g.open_dataset(v.name).set_attr("coordinates", coordinates_);
  }
  g.open_dataset("kpi_projected").set_attr("coordinates", coordinates_);
}

void CrossWriter::write(std::size_t s, std::size_t point, std::size_t r,
                        std::span<const double> values) {
  const std::size_t T = years_.size();
  const auto R = static_cast<std::size_t>(batch_.replications);
  const std::size_t row = (s * design_.size() + point) * R + r;
  for (std::size_t v = 0; v < variables_.size(); ++v) {
    writers_[v].write_row(row, values.subspan(v * T, T));
  }
  writers_.back().write_row(row, values.subspan(variables_.size() * T));
}

void CrossWriter::finish(std::int64_t base_year, BatchSummary& summary) {
  writers_.clear();  // close the row datasets before reading them back
  const Sweep& w = batch_.cross;
  const h5::Location& g = group_;
  const std::size_t S = names_.size(), P = design_.size(), T = years_.size();
  const auto R = static_cast<std::size_t>(batch_.replications);
  const hsize_t hs = S, hp = P, ht = T;
  g.set_attr("ci_multiplier", mean_ci_multiplier(R));
  const auto put = [&](const std::string& name, const std::vector<double>& v,
                       const std::vector<hsize_t>& shape, const std::vector<std::string>& dims,
                       const h5::VarInfo& info) {
    h5::write_double(g, name, v, shape, dims, info);
    g.open_dataset(name).set_attr("coordinates", coordinates_);
  };
  const std::string vs = " - " + batch_.base + ", paired per replication";
  const auto t_out = static_cast<std::size_t>(w.year - base_year);
  for (const BatchVariable& v : variables_) {
    const PairedDiff d = paired_diff(h5::read_double(g, v.name), S, P, R, T, base_);
    const std::string what = " of " + v.name + ": scenario" + vs;
    put("diff_" + v.name + "_mean", d.mean, {hs, hp, ht}, {"scenario", "point", "year"},
        {v.units, "mean difference" + what});
    put("diff_" + v.name + "_low", d.low, {hs, hp, ht}, {"scenario", "point", "year"},
        {v.units, "95% confidence bound (low) of the mean difference" + what});
    put("diff_" + v.name + "_high", d.high, {hs, hp, ht}, {"scenario", "point", "year"},
        {v.units, "95% confidence bound (high) of the mean difference" + what});
    if (v.name != w.output) continue;
    // The effect: the mean paired difference of the output in the cross's year.
    std::vector<double> e(S * P), lo(S * P), hi(S * P);
    for (std::size_t i = 0; i < S * P; ++i) {
      e[i] = d.mean[i * T + t_out];
      lo[i] = d.low[i * T + t_out];
      hi[i] = d.high[i * T + t_out];
    }
    const std::string of = w.output + " in " + std::to_string(w.year) + ": scenario" + vs;
    put("effect", e, {hs, hp}, {"scenario", "point"}, {v.units, "mean difference of " + of});
    put("effect_low", lo, {hs, hp}, {"scenario", "point"},
        {v.units, "95% confidence bound (low) of the mean difference of " + of});
    put("effect_high", hi, {hs, hp}, {"scenario", "point"},
        {v.units, "95% confidence bound (high) of the mean difference of " + of});
    for (std::size_t s = 0; s < S; ++s) {
      if (s == base_) continue;
      for (std::size_t p = 0; p < P; ++p) {
        std::string at;
        for (std::size_t j = 0; j < w.params.size(); ++j) {
          char value[48];
          std::snprintf(value, sizeof value, "%.6g", design_[p][j]);
          at += (j == 0 ? "" : " ") + w.params[j].key + "=" + value;
        }
        const std::size_t i = s * P + p;
        summary.cross_effects.push_back({names_[s], at, e[i], lo[i], hi[i]});
      }
    }
  }
}

}  // namespace nisim::hk::batch_detail
