// The scenarios a batch runs (analysis/batch_scenarios.hpp; docs/batches.md sections 1, 6, 11).
#include "analysis/batch_scenarios.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "analysis/batch.hpp"
#include "engine/error.hpp"
#include "engine/overrides.hpp"

namespace nisim::hk {

using batch_detail::where;

std::vector<ParamType> swept_types(const std::vector<SweepParam>& params) {
  const std::vector<ParamSpec> schema = param_schema();
  std::vector<ParamType> types;
  for (const SweepParam& sp : params) {
    const ParamSpec* spec = find_spec(schema, sp.key);
    if (spec == nullptr) {
      throw ScenarioError(where(sp.pos) + "key '" + sp.key + "': unknown parameter" +
                          did_you_mean(schema, sp.key));
    }
    if (spec->type != ParamType::real && spec->type != ParamType::integer) {
      throw ScenarioError(where(sp.pos) + "key '" + sp.key + "': is a " +
                          std::string(type_name(spec->type)) +
                          "; only real and integer parameters can be varied");
    }
    types.push_back(spec->type);
  }
  return types;
}

Scenario with_values(const Scenario& base, const std::vector<SweepParam>& params,
                     const std::vector<ParamType>& types, std::vector<double>& values) {
  Scenario sc = base;
  for (std::size_t j = 0; j < params.size(); ++j) {
    if (types[j] == ParamType::integer) {
      values[j] = std::round(values[j]);
      sc.values[params[j].key] = {static_cast<std::int64_t>(values[j]), params[j].pos};
    } else {
      sc.values[params[j].key] = {values[j], params[j].pos};
    }
  }
  return sc;
}

Scenario overridden_base(const std::filesystem::path& file, const std::vector<Override>& overrides,
                         const std::vector<SweepParam>& varied) {
  for (const Override& o : overrides) {
    const auto it = std::find_if(varied.begin(), varied.end(),
                                 [&](const SweepParam& p) { return p.key == o.key; });
    if (it != varied.end()) {
      throw ScenarioError(where(o.pos) + "key '" + o.key + "': varied by " + it->pos.file + ":" +
                          std::to_string(it->pos.line) + "; --set cannot fix a varied key");
    }
  }
  Scenario base = load_scenario(file);
  apply_overrides(base, overrides);
  return base;
}

namespace batch_detail {
namespace {

/// The scenarios of a cross: scenario s at design point p is entry s * P + p, its file with the
/// --set overrides and then the point's values (integer keys rounded, in `design` too).
/// ScenarioError naming the design's key if a value is out of range for any scenario.
std::vector<LoadedScenario> cross_scenarios(const Batch& batch, Points& design) {
  const Sweep& w = batch.cross;
  const std::vector<ParamType> types = swept_types(w.params);
  std::vector<Scenario> bases;
  for (const BatchScenario& s : batch.scenarios) {
    bases.push_back(overridden_base(s.file, batch.overrides, w.params));
  }
  design = design_points(w, "cross", batch.seed, params_from(bases.front()));
  std::vector<LoadedScenario> out;
  for (std::size_t s = 0; s < bases.size(); ++s) {
    const BatchScenario& entry = batch.scenarios[s];
    for (std::size_t p = 0; p < design.size(); ++p) {
      std::vector<double> values = design[p];
      Scenario sc = with_values(bases[s], w.params, types, values);
      design[p] = values;  // rounded alike for every scenario
      char name[32];
      std::snprintf(name, sizeof name, "point_%05zu", p);
      try {
        Params prm = params_from(sc);
        out.push_back(
            {BatchScenario{entry.name + "@" + name, entry.file, entry.pos}, std::move(sc), prm});
      } catch (const ScenarioError& e) {
        throw ScenarioError(std::string(e.what()) + " (scenario " + entry.name +
                            " at design point " + std::to_string(p) + " of [cross])");
      }
    }
  }
  return out;
}

}  // namespace

std::vector<LoadedScenario> load_scenarios(const Batch& batch, Points& design) {
  std::vector<LoadedScenario> out;
  if (batch.has_target) {
    throw ScenarioError(where(batch.target.pos) +
                        "key 'target': this file seeks a target; run it with `nisim target`, "
                        "not `nisim batch`");
  }
  if (batch.has_cross) return cross_scenarios(batch, design);
  if (!batch.has_sweep) {
    for (const BatchScenario& s : batch.scenarios) {
      Scenario sc = load_scenario(s.file);
      apply_overrides(sc, batch.overrides);
      Params p = params_from(sc);
      out.push_back({s, std::move(sc), p});
    }
    return out;
  }
  const Sweep& w = batch.sweep;
  const Scenario base = overridden_base(w.scenario, batch.overrides, w.params);
  std::vector<Scenario> points = sweep_scenarios(batch, base, params_from(base), design);
  for (std::size_t k = 0; k < points.size(); ++k) {
    char name[32];
    std::snprintf(name, sizeof name, "point_%05zu", k);
    Params p = params_from(points[k]);
    out.push_back({BatchScenario{name, w.scenario, w.pos}, std::move(points[k]), p});
  }
  return out;
}

}  // namespace batch_detail
}  // namespace nisim::hk
