// Sweeps of a batch (analysis/batch_sweep.hpp; docs/batches.md "Sweeps").
#include "analysis/batch_sweep.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <stdexcept>

#include "analysis/batch_provenance.hpp"
#include "engine/error.hpp"
#include "engine/params.hpp"
#include "engine/sensitivity.hpp"
#include "models/kpi.hpp"
#include "models/model.hpp"

namespace nisim::hk::batch_detail {

RowSummaries summarise_rows(const std::vector<double>& m, std::size_t n, std::size_t reps,
                            std::size_t years) {
  const std::size_t P = std::size(k_percentiles);
  RowSummaries out{std::vector<double>(n * years), std::vector<double>(n * P * years)};
  std::vector<double> column;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t row0 = i * reps * years;
    for (std::size_t t = 0; t < years; ++t) {
      column.clear();
      for (std::size_t r = 0; r < reps; ++r) column.push_back(m[row0 + r * years + t]);
      double sum = 0.0;
      std::size_t k = 0;
      for (double v : column) {
        if (!std::isnan(v)) sum += v, ++k;
      }
      out.mean[i * years + t] = k > 0 ? sum / static_cast<double>(k) : std::nan("");
      for (std::size_t p = 0; p < P; ++p) {
        out.pct[(i * P + p) * years + t] = quantile(column, k_percentiles[p] / 100.0);
      }
    }
  }
  return out;
}

std::string where(const SourcePos& p) {
  return p.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": ";
}

namespace {

std::string format_count(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", x);
  return text;
}

/// Most design points a sweep may have (each is a scenario run `replications` times).
constexpr double k_max_design_points = 1e6;

/// Unit-cube design points of the design `w` of table `table` ("sweep" or "cross";
/// docs/batches.md, "Sweeps").
Points unit_design(const Sweep& w, const std::string& table, std::uint64_t seed) {
  const std::size_t d = w.params.size(), n = static_cast<std::size_t>(w.points);
  const int levels = static_cast<int>(w.levels);
  // Count the points before making them, so a huge design is an error, not an allocation.
  const double dd = static_cast<double>(d), nn = static_cast<double>(n);
  const double count = w.design == "grid"       ? std::pow(static_cast<double>(levels), dd)
                       : w.design == "morris"   ? nn * (dd + 1.0)
                       : w.design == "saltelli" ? nn * (dd + 2.0)
                                                : nn;
  if (count > k_max_design_points) {
    throw ScenarioError(where(w.pos) + "key '" + table + "." +
                        (w.design == "grid" ? std::string("levels") : std::string("points")) +
                        "': the " + w.design + " design would have " + format_count(count) +
                        " points; the limit is 1000000");
  }
  try {
    if (w.design == "grid") return full_grid(std::vector<int>(d, levels));
    if (w.design == "lhs") return latin_hypercube(n, d, seed);
    if (w.design == "sobol") return sobol_points(n, d);
    if (w.design == "morris") return morris_design(n, d, levels, seed);
    return saltelli_design(n, d);
  } catch (const std::invalid_argument& e) {
    throw ScenarioError(where(w.pos) + "key '" + table + ".design': " + e.what());
  }
}

/// The unit of each swept key (the parameter schema's).
std::vector<std::string> swept_units(const std::vector<SweepParam>& params) {
  const std::vector<ParamSpec> schema = param_schema();
  std::vector<std::string> units;
  for (const SweepParam& sp : params) {
    const ParamSpec* spec = find_spec(schema, sp.key);
    units.push_back(spec == nullptr || spec->unit.empty() ? "1" : spec->unit);
  }
  return units;
}

std::string units_of(const std::string& name) {
  for (const BatchVariable& v : batch_variables()) {
    if (v.name == name) return v.units;
  }
  return "";
}

}  // namespace

Points design_points(const Sweep& w, const std::string& table, std::uint64_t seed,
                     const Params& base_params) {
  const bool known_output = std::ranges::any_of(
      batch_variables(), [&](const BatchVariable& v) { return w.output == v.name; });
  if (!known_output) {
    std::string list;
    for (const BatchVariable& v : batch_variables())
      list += (list.empty() ? "" : ", ") + std::string(v.name);
    throw ScenarioError(where(w.pos) + "key '" + table + ".output': '" + w.output +
                        "' is not a recorded variable (" + list + ")");
  }
  if (w.year <= base_params.base_year || w.year > base_params.horizon) {
    throw ScenarioError(where(w.pos) + "key '" + table + ".year': " + std::to_string(w.year) +
                        " is outside the simulated years " +
                        std::to_string(base_params.base_year + 1) + "-" +
                        std::to_string(base_params.horizon));
  }
  Points design = unit_design(w, table, seed);
  for (std::vector<double>& point : design) {
    for (std::size_t j = 0; j < w.params.size(); ++j) {
      point[j] = w.params[j].min + point[j] * (w.params[j].max - w.params[j].min);
    }
  }
  return design;
}

std::vector<Scenario> sweep_scenarios(const Batch& batch, const Scenario& base,
                                      const Params& base_params, Points& design) {
  const Sweep& w = batch.sweep;
  const std::vector<ParamType> types = swept_types(w.params);
  design = design_points(w, "sweep", batch.seed, base_params);
  std::vector<Scenario> out;
  out.reserve(design.size());
  for (std::vector<double>& point : design)
    out.push_back(with_values(base, w.params, types, point));
  return out;
}

std::string write_design(const h5::Location& g, const Sweep& w, const Points& design,
                         const std::string& what) {
  const std::size_t P = design.size(), d = w.params.size();
  std::vector<std::int32_t> points(P);
  for (std::size_t k = 0; k < P; ++k) points[k] = static_cast<std::int32_t>(k);
  std::vector<std::string> keys;
  for (const SweepParam& sp : w.params) keys.push_back(sp.key);
  h5::write_dim_int(g, "point", points, {"1", "design point of the " + what});
  h5::write_dim_str(g, "parameter", keys,
                    {"1", what == "sweep" ? "swept parameter" : "parameter of the design"});
  std::vector<double> flat;
  for (const std::vector<double>& point : design)
    flat.insert(flat.end(), point.begin(), point.end());
  const hsize_t hp = P, hd = d;
  h5::write_double(g, "design", flat, {hp, hd}, {"point", "parameter"},
                   {"parameter units", "parameter values of each design point"});
  // One coordinate per key along `point`, named by the key: the value the point ran with (a
  // key given twice runs with its last column, with_values).
  const std::vector<std::string> units = swept_units(w.params);
  std::vector<std::size_t> column_of;  // per distinct key, in first-seen order: its last column
  std::vector<std::string> distinct;
  for (std::size_t j = 0; j < d; ++j) {
    const auto it = std::find(distinct.begin(), distinct.end(), keys[j]);
    if (it == distinct.end()) {
      distinct.push_back(keys[j]);
      column_of.push_back(j);
    } else {
      column_of[static_cast<std::size_t>(it - distinct.begin())] = j;
    }
  }
  std::string coordinates;
  for (std::size_t i = 0; i < distinct.size(); ++i) {
    const std::size_t j = column_of[i];
    std::vector<double> column(P);
    for (std::size_t k = 0; k < P; ++k) column[k] = design[k][j];
    h5::write_double(
        g, distinct[i], column, {hp}, {"point"},
        {units[j], (what == "sweep" ? "swept parameter " : "parameter ") + distinct[i]});
    coordinates += (i == 0 ? "" : " ") + distinct[i];
  }
  return coordinates;
}

SweepWriter::SweepWriter(const h5::Location& root, const Batch& batch, const Points& design,
                         const Scenario& base, const std::vector<BatchVariable>& variables,
                         const std::vector<std::int32_t>& years)
    : batch_(batch),
      design_(design),
      variables_(variables),
      years_(years),
      group_(root.create_group("sweep")) {
  const Sweep& w = batch.sweep;
  const h5::Location& g = group_;
  g.set_attr("design", w.design);
  g.set_attr("output", w.output);
  g.set_attr("year", w.year);
  g.set_attr("scenario_path", base.path.string());
  g.set_attr("scenario_text", base.text);
  const std::size_t P = design.size();
  const auto R = static_cast<std::size_t>(batch.replications);
  // The dimensions, all in this group so that it reads alone (xarray's group=).
  coordinates_ = write_design(g, w, design, "sweep");
  std::vector<std::int32_t> reps(R);
  for (std::size_t r = 0; r < R; ++r) reps[r] = static_cast<std::int32_t>(r);
  h5::write_dim_int(g, "replication", reps, {"1", "replication (common random numbers)"});
  h5::write_dim_int(g, "year", years, {"year", "calendar year"});
  std::vector<std::int32_t> pct(std::begin(k_percentiles), std::end(k_percentiles));
  h5::write_dim_int(g, "percentile", pct, {"percent", "percentile across replications"});
  const std::vector<std::string> indicators = kpi_indicators();
  h5::write_dim_str(g, "indicator", indicators, {"1", "government indicator (targets.csv)"});
  const hsize_t hp = P;
  const hsize_t hr = R, T = years.size();
  for (const BatchVariable& v : variables) {
    writers_.emplace_back(g, v.name, std::vector<hsize_t>{hp, hr}, std::vector<hsize_t>{T},
                          std::vector<std::string>{"point", "replication", "year"},
                          h5::VarInfo{v.units, v.long_name});
  }
  writers_.emplace_back(g, "kpi_projected", std::vector<hsize_t>{hp, hr},
                        std::vector<hsize_t>{indicators.size()},
                        std::vector<std::string>{"point", "replication", "indicator"},
                        h5::VarInfo{"indicator unit", "projected value at the target year"});
  for (const BatchVariable& v : variables) {
    g.open_dataset(v.name).set_attr("coordinates", coordinates_);
  }
  g.open_dataset("kpi_projected").set_attr("coordinates", coordinates_);
}

void SweepWriter::write(std::size_t point, std::size_t r, std::span<const double> values) {
  const std::size_t T = years_.size();
  const std::size_t row = point * static_cast<std::size_t>(batch_.replications) + r;
  for (std::size_t v = 0; v < variables_.size(); ++v) {
    writers_[v].write_row(row, values.subspan(v * T, T));
  }
  writers_.back().write_row(row, values.subspan(variables_.size() * T));
}

void SweepWriter::finish(const Params& first, const std::vector<Shock>& shocks,
                         BatchSummary& summary) {
  writers_.clear();  // close the row datasets before reading them back
  const Sweep& w = batch_.sweep;
  const h5::Location& g = group_;
  const std::size_t P = design_.size(), d = w.params.size(), T = years_.size();
  const auto R = static_cast<std::size_t>(batch_.replications);
  const hsize_t hp = P, hd = d, ht = T, hq = std::size(k_percentiles);
  // Point 0's parameters: the swept keys take each point's values (design).
  write_resolved_params(g, first, shocks);
  const auto put_points = [&](const std::string& name, const std::vector<double>& v,
                              const std::vector<hsize_t>& shape,
                              const std::vector<std::string>& dims, const h5::VarInfo& info) {
    h5::write_double(g, name, v, shape, dims, info);
    g.open_dataset(name).set_attr("coordinates", coordinates_);
  };
  for (const char* name : k_summarised) {
    const std::string units = units_of(name);
    const RowSummaries s = summarise_rows(h5::read_double(g, name), P, R, T);
    put_points(std::string(name) + "_mean", s.mean, {hp, ht}, {"point", "year"},
               {units, std::string("ensemble mean of ") + name});
    put_points(std::string(name) + "_percentiles", s.pct, {hp, hq, ht},
               {"point", "percentile", "year"},
               {units, std::string("percentiles of ") + name + " across replications"});
  }
  // Probability of the headline target per point (NaN if 2032 is not simulated) and of the
  // smart-line KPI, >= 130 lines by 2027 (2024 Policy Address).
  const auto probability = [&](const std::string& name, int year, double target) {
    std::vector<double> p(P, std::nan(""));
    if (year < first.base_year || year > first.horizon) return p;
    const std::vector<double> m = h5::read_double(g, name);
    const auto t = static_cast<std::size_t>(year - first.base_year);
    for (std::size_t k = 0; k < P; ++k) {
      std::size_t hits = 0;
      for (std::size_t r = 0; r < R; ++r) hits += m[(k * R + r) * T + t] >= target;
      p[k] = static_cast<double>(hits) / static_cast<double>(R);
    }
    return p;
  };
  const std::vector<double> p_share =
      probability("mfg_share", k_share_target_year, k_share_target_pct);
  put_points("p_share_5pct_by_2032", p_share, {hp}, {"point"},
             {"1", "fraction of replications whose manufacturing share in 2032 is at least 5%"});
  put_points("p_lines_130_by_2027",
             probability("nifs_funded_lines", k_lines_target_year, k_lines_target), {hp}, {"point"},
             {"1", "fraction of replications with at least 130 NIFS lines by 2027"});
  for (std::size_t k = 0; k < P; ++k) {
    char name[32];
    std::snprintf(name, sizeof name, "point_%05zu", k);
    summary.p_share_target.emplace_back(name, p_share[k]);
  }
  {  // P(indicator met) per point and government target, over replications.
    const std::vector<double> kpi = h5::read_double(g, "kpi_projected");
    const std::vector<KpiSpec>& specs = kpi_specs();
    const std::size_t nk = specs.size();
    std::vector<double> p_met(P * nk), mean(P * nk), target(nk), target_year(nk);
    for (std::size_t p = 0; p < P; ++p) {
      for (std::size_t k = 0; k < nk; ++k) {
        std::size_t hits = 0;
        double sum = 0.0;
        for (std::size_t r = 0; r < R; ++r) {
          const double x = kpi[(p * R + r) * nk + k];
          hits += x >= specs[k].target;
          sum += x;
        }
        const double m = sum / static_cast<double>(R);
        mean[p * nk + k] = m;
        p_met[p * nk + k] = std::isnan(m) ? m : static_cast<double>(hits) / static_cast<double>(R);
      }
    }
    for (std::size_t k = 0; k < nk; ++k) {
      target[k] = specs[k].target;
      target_year[k] = specs[k].target_year;
    }
    h5::write_double(g, "kpi_target", target, {nk}, {"indicator"},
                     {"indicator unit", "target value (at least)"});
    h5::write_double(g, "kpi_target_year", target_year, {nk}, {"indicator"},
                     {"year", "target year"});
    put_points("kpi_p_met", p_met, {hp, nk}, {"point", "indicator"},
               {"1", "share of replications meeting the target"});
    put_points("kpi_mean", mean, {hp, nk}, {"point", "indicator"},
               {"indicator unit", "mean projected value at the target year"});
  }
  // The output each point gives: its mean over replications in the sweep's year.
  const std::vector<double> runs = h5::read_double(g, w.output);
  const auto t = static_cast<std::size_t>(w.year - first.base_year);
  std::vector<double> outputs(P);
  for (std::size_t k = 0; k < P; ++k) {
    double sum = 0.0;
    std::size_t n = 0;
    for (std::size_t r = 0; r < R; ++r) {
      const double x = runs[(k * R + r) * T + t];
      if (!std::isnan(x)) sum += x, ++n;
    }
    outputs[k] = n > 0 ? sum / static_cast<double>(n) : std::nan("");
  }
  put_points(
      "output_mean", outputs, {hp}, {"point"},
      {"output units", w.output + " in " + std::to_string(w.year) + ", mean over replications"});
  auto put = [&](const char* name, const std::vector<double>& v, const std::string& what) {
    h5::write_double(g, name, v, {hd}, {"parameter"}, {"1", what});
  };
  if (w.design == "morris") {
    const auto m = morris_indices(unit_design(w, "sweep", batch_.seed), outputs, d,
                                  static_cast<int>(w.levels), 1000, batch_.seed);
    std::vector<double> mu, mu_star, sigma, conf;
    for (const MorrisIndex& i : m) {
      mu.push_back(i.mu), mu_star.push_back(i.mu_star), sigma.push_back(i.sigma);
      conf.push_back(i.mu_star_conf);
    }
    put("morris_mu", mu, "Morris mean elementary effect (per unit range)");
    put("morris_mu_star", mu_star, "Morris mean absolute elementary effect");
    put("morris_sigma", sigma, "Morris standard deviation of elementary effects");
    put("morris_mu_star_conf", conf,
        "half-width of the 95% bootstrap interval of morris_mu_star (1.959964 x bootstrap SE)");
  } else if (w.design == "saltelli") {
    const auto ix =
        sobol_indices(outputs, static_cast<std::size_t>(w.points), d, 1000, batch_.seed);
    std::vector<double> f, fl, fh, tt, tl, th;
    for (const SobolIndex& i : ix) {
      f.push_back(i.first), fl.push_back(i.first_lo), fh.push_back(i.first_hi);
      tt.push_back(i.total), tl.push_back(i.total_lo), th.push_back(i.total_hi);
    }
    put("sobol_first", f, "Sobol' first-order index (Saltelli 2010, centred)");
    put("sobol_first_low", fl, "95% bootstrap bound (low) of the first-order index");
    put("sobol_first_high", fh, "95% bootstrap bound (high) of the first-order index");
    put("sobol_total", tt, "Sobol' total-order index (Jansen)");
    put("sobol_total_low", tl, "95% bootstrap bound (low) of the total-order index");
    put("sobol_total_high", th, "95% bootstrap bound (high) of the total-order index");
  }
}

}  // namespace nisim::hk::batch_detail
