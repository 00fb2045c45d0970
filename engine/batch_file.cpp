// Batch file loading and checking (engine/batch_file.hpp).
#include "engine/batch_file.hpp"

#include <toml++/toml.h>

#include <cctype>
#include <cstdint>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "engine/error.hpp"
#include "engine/toml_input.hpp"

namespace nisim {
namespace {

class BatchParser : TomlInput {
 public:
  using TomlInput::TomlInput;

  Batch parse() {
    Batch b;
    b.path = path_;
    toml::table root;
    b.text = read(root);
    for (auto&& [name, node] : root) {
      const std::string key(name.str());
      if (key == "batch") {
        parse_batch(node, b);
      } else if (key == "scenario") {
        parse_scenarios(node, b);
      } else if (key == "sweep") {
        parse_design(node, b, "sweep");
      } else if (key == "cross") {
        parse_design(node, b, "cross");
      } else if (key == "target") {
        parse_target(node, b);
      } else if (key == "record") {
        parse_records(node, b);
      } else if (key == "parameters") {
        parse_parameters(node, b);
      } else {
        fail(pos_of(node),
             "key '" + key + "': unknown key (a batch file has [batch], " +
                 "[[scenario]], [sweep], [cross], [target], [[record]] and [parameters] "
                 "tables)");
      }
    }
    if (b.has_cross) check_cross(b);
    const char* const one_of =
        ": a batch file has exactly one of a list of [[scenario]]s, a [sweep] or a [target]";
    if (!b.scenarios.empty() && (b.has_sweep || b.has_target)) {
      fail(b.scenarios.front().pos, std::string("key 'scenario'") + one_of);
    }
    if (b.has_sweep && b.has_target) fail(b.target.pos, std::string("key 'target'") + one_of);
    if (!b.parameters.fit.empty() && (b.has_sweep || b.has_target)) {
      fail(b.parameters.fit_pos,
           "key 'parameters.fit': parameter draws are for a list of "
           "[[scenario]]s; a sweep or target sets its parameters itself");
    }
    if (b.auto_reps.on) {
      if (b.has_sweep || b.has_target) {
        fail(b.auto_reps.pos,
             "key 'batch.replications': \"auto\" is for a list of [[scenario]]s; a sweep or "
             "target needs a number of replications");
      }
      if (b.scenarios.size() < 2) {
        fail(b.auto_reps.pos,
             "key 'batch.replications': \"auto\" needs at least two [[scenario]]s, a base and "
             "a variant whose paired difference it makes precise");
      }
      if (!b.parameters.fit.empty()) {
        fail(b.parameters.fit_pos,
             "key 'parameters.fit': parameter draws need a fixed number of replications "
             "(replication r's draw depends on R); replications = \"auto\" cannot draw them");
      }
    }
    if (b.has_target) {
      if (!b.base.empty()) fail(base_pos_, "key 'batch.base': a target has no base scenario");
      if (!b.records.empty()) {
        fail(b.records.front().pos,
             "key 'record': a target keeps no runs; [[record]] is for "
             "batches and sweeps");
      }
      return b;
    }
    if (b.has_sweep) {
      if (!b.base.empty()) fail(base_pos_, "key 'batch.base': a sweep has no base scenario");
      return b;
    }
    if (b.scenarios.empty()) {
      fail({file_, 1, 1},
           "key 'scenario': a batch needs at least one [[scenario]] with a file, or a [sweep]");
    }
    if (b.base.empty()) {
      b.base = b.scenarios.front().name;
    } else if (std::none_of(b.scenarios.begin(), b.scenarios.end(),
                            [&](const BatchScenario& s) { return s.name == b.base; })) {
      fail(base_pos_, "key 'batch.base': no scenario is named '" + b.base + "'");
    }
    return b;
  }

 private:
  void parse_batch(const toml::node& node, Batch& b) {
    const auto* table = node.as_table();
    if (table == nullptr) fail(pos_of(node), "key 'batch': expected a table [batch]");
    for (auto&& [name, value] : *table) {
      const std::string key = "batch." + std::string(name.str());
      if (key == "batch.replications") {
        if (const auto* v = value.as_string()) {
          if (v->get() != "auto") {
            fail(pos_of(value), "key 'batch.replications': expected an integer in [1, " +
                                    std::to_string(k_max_replications) + R"(] or "auto", got ")" +
                                    v->get() + "\"");
          }
          b.auto_reps.on = true;
          b.auto_reps.pos = pos_of(value);
        } else {
          b.replications = integer(value, key, 1, k_max_replications);
        }
      } else if (key == "batch.ci_width") {
        const auto number = value.value<double>();
        if (!number || !std::isfinite(*number) || !(*number > 0.0)) {
          fail(pos_of(value),
               "key 'batch.ci_width': expected a number above 0 (percentage points, the full "
               "width of the 95% interval)");
        }
        b.auto_reps.ci_width = *number;
        auto_pos_[0] = pos_of(value);
      } else if (key == "batch.min_replications" || key == "batch.max_replications") {
        const bool is_min = key == "batch.min_replications";
        (is_min ? b.auto_reps.min : b.auto_reps.max) =
            integer(value, key, 2, k_max_auto_replications);
        auto_pos_[is_min ? 1 : 2] = pos_of(value);
      } else if (key == "batch.auto_year") {
        b.auto_reps.year = integer(value, key, 1900, 2200);
        auto_pos_[3] = pos_of(value);
        b.auto_reps.year_pos = auto_pos_[3];
      } else if (key == "batch.seed") {
        b.seed = static_cast<std::uint64_t>(integer(value, key, 0, INT64_MAX));
      } else if (key == "batch.base") {
        const auto* v = value.as_string();
        if (v == nullptr) fail(pos_of(value), "key 'batch.base': expected a scenario name");
        b.base = v->get();
        base_pos_ = pos_of(value);
      } else {
        fail(pos_of(value), "key '" + key +
                                "': unknown key (batch keys: replications, seed, base, ci_width, "
                                "min_replications, max_replications, auto_year)");
      }
    }
    check_auto(b);
  }

  /// The keys of replications = "auto" together: only with it, ci_width required, min <= max.
  void check_auto(Batch& b) {
    AutoReplications& a = b.auto_reps;
    const char* const keys[] = {"ci_width", "min_replications", "max_replications", "auto_year"};
    if (!a.on) {
      for (std::size_t i = 0; i < 4; ++i) {
        if (auto_pos_[i].line > 0) {
          fail(auto_pos_[i],
               std::string("key 'batch.") + keys[i] + "': only for replications = \"auto\"");
        }
      }
      return;
    }
    if (auto_pos_[0].line == 0) {
      fail(a.pos,
           "key 'batch.ci_width': replications = \"auto\" needs ci_width, the full width of the "
           "95% interval of the paired effect to reach (percentage points)");
    }
    if (a.min > a.max) {
      fail(auto_pos_[1].line > 0 ? auto_pos_[1] : auto_pos_[2],
           "key 'batch.min_replications': " + std::to_string(a.min) +
               " is above max_replications " + std::to_string(a.max));
    }
    if (a.year_pos.line == 0) a.year_pos = a.pos;
    b.replications = a.min;
  }

  void parse_scenarios(const toml::node& node, Batch& b) {
    const auto* array = node.as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      fail(pos_of(node), "key 'scenario': expected [[scenario]] tables");
    }
    std::set<std::string> names;
    for (const toml::node& item : *array) {
      const toml::table& t = *item.as_table();
      BatchScenario s;
      s.pos = pos_of(item);
      std::string name;
      for (auto&& [k, value] : t) {
        const std::string key = "scenario." + std::string(k.str());
        const auto* str = value.as_string();
        if (key != "scenario.file" && key != "scenario.name") {
          fail(pos_of(value), "key '" + key + "': unknown key (scenario keys: file, name)");
        }
        if (str == nullptr) fail(pos_of(value), "key '" + key + "': expected a string");
        if (key == "scenario.file") {
          s.file = scenario_file(value, key);
          s.pos = pos_of(value);
        } else {
          name = str->get();
          const bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
          });
          if (!ok) {
            fail(pos_of(value),
                 "key 'scenario.name': use letters, digits, '_' and '-' only, got '" + name + "'");
          }
        }
      }
      if (s.file.empty()) fail(s.pos, "key 'scenario.file': each [[scenario]] needs a file");
      s.name = name.empty() ? s.file.stem().string() : name;
      if (!names.insert(s.name).second) {
        fail(s.pos, "key 'scenario.name': two scenarios are named '" + s.name +
                        "'; give one a different name");
      }
      b.scenarios.push_back(std::move(s));
    }
  }

  /// [[record]] tables, each naming one series; checked against a run's series when the batch
  /// is loaded (analysis/batch_record.hpp record_variables).
  void parse_records(const toml::node& node, Batch& b) {
    const auto* array = node.as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      fail(pos_of(node), "key 'record': expected [[record]] tables with a series name");
    }
    for (const toml::node& item : *array) {
      RecordSeries r;
      r.pos = pos_of(item);
      for (auto&& [k, value] : *item.as_table()) {
        const std::string key = "record." + std::string(k.str());
        if (key != "record.series") {
          fail(pos_of(value), "key '" + key + "': unknown key (record keys: series)");
        }
        r.name = string(value, key);
        r.pos = pos_of(value);
        if (r.name.empty()) fail(r.pos, "key 'record.series': expected a series name");
      }
      if (r.name.empty()) fail(r.pos, "key 'record.series': each [[record]] needs a series");
      for (const RecordSeries& other : b.records) {
        if (other.name == r.name) {
          fail(r.pos, "key 'record.series': '" + r.name + "' is named twice (first at line " +
                          std::to_string(other.pos.line) + ")");
        }
      }
      b.records.push_back(std::move(r));
    }
  }

  /// [parameters]: fit (FIT.h5 of `nisim calibrate`, must exist) and draws.
  void parse_parameters(const toml::node& node, Batch& b) {
    const auto* table = node.as_table();
    if (table == nullptr) fail(pos_of(node), "key 'parameters': expected a table [parameters]");
    ParameterFit& p = b.parameters;
    for (auto&& [name, value] : *table) {
      const std::string key = "parameters." + std::string(name.str());
      if (key == "parameters.fit") {
        p.fit =
            (path_.parent_path() / checked_path(value, string(value, key), key)).lexically_normal();
        p.fit_pos = pos_of(value);
        if (!std::filesystem::is_regular_file(p.fit)) {
          fail(p.fit_pos, "key 'parameters.fit': no such file: " + p.fit.string() +
                              " (make it with `nisim calibrate CALIB.toml -o FIT.h5`)");
        }
      } else if (key == "parameters.draws") {
        p.draws = integer(value, key, 1, k_max_replications);
        p.draws_pos = pos_of(value);
      } else {
        fail(pos_of(value), "key '" + key + "': unknown key (parameters keys: fit, draws)");
      }
    }
    if (p.fit.empty()) {
      fail(pos_of(node),
           "key 'parameters.fit': [parameters] needs the fit to draw from, "
           "a FIT.h5 of `nisim calibrate`");
    }
    if (p.draws == 0) p.draws_pos = p.fit_pos;
  }

  /// [[PREFIX]] tables of key, min, max (swept parameters, levers).
  void parse_params(const toml::node& value, const std::string& prefix,
                    std::vector<SweepParam>& out) {
    const auto* array = value.as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      fail(pos_of(value), "key '" + prefix + "': expected [[" + prefix + "]] tables");
    }
    for (const toml::node& item : *array) {
      SweepParam sp;
      sp.pos = pos_of(item);
      bool has_min = false, has_max = false;
      for (auto&& [pk, pv] : *item.as_table()) {
        const std::string k = prefix + "." + std::string(pk.str());
        if (k == prefix + ".key") {
          const auto* str = pv.as_string();
          if (str == nullptr) fail(pos_of(pv), "key '" + k + "': expected a string");
          sp.key = str->get();
          sp.pos = pos_of(pv);
        } else if (k == prefix + ".min" || k == prefix + ".max") {
          const auto number = pv.value<double>();
          if (!number || !std::isfinite(*number)) {
            fail(pos_of(pv), "key '" + k + "': expected a finite number");
          }
          const bool is_min = k == prefix + ".min";
          (is_min ? sp.min : sp.max) = *number;
          (is_min ? has_min : has_max) = true;
        } else {
          fail(pos_of(pv), "key '" + k + "': unknown key (keys: key, min, max)");
        }
      }
      if (sp.key.empty() || !has_min || !has_max) {
        fail(sp.pos, "key '" + prefix + "': each [[" + prefix + "]] needs key, min and max");
      }
      if (!(sp.min < sp.max)) {
        fail(sp.pos, "key '" + prefix + ".min': min must be below max for " + sp.key);
      }
      out.push_back(std::move(sp));
    }
  }

  void parse_target(const toml::node& node, Batch& b) {
    const auto* table = node.as_table();
    if (table == nullptr) fail(pos_of(node), "key 'target': expected a table [target]");
    b.has_target = true;
    Target& t = b.target;
    t.pos = pos_of(node);
    for (auto&& [name, value] : *table) {
      const std::string key = "target." + std::string(name.str());
      if (key == "target.scenario") {
        t.scenario = scenario_file(value, key);
      } else if (key == "target.probability" || key == "target.share") {
        const auto number = value.value<double>();
        const double hi = key == "target.share" ? 100.0 : 1.0;
        if (!number || !(*number > 0.0 && *number <= hi)) {
          fail(pos_of(value), "key '" + key + "': expected a number in (0, " +
                                  (key == "target.share" ? "100" : "1") + "]");
        }
        (key == "target.share" ? t.share : t.probability) = *number;
      } else if (key == "target.year") {
        t.year = integer(value, key, 1900, 2200);
      } else if (key == "target.max_evaluations") {
        t.max_evaluations = integer(value, key, 1, 10000);
      } else if (key == "target.lever") {
        parse_params(value, key, t.levers);
      } else {
        fail(pos_of(value), "key '" + key + "': unknown key (target keys: scenario, probability, " +
                                "share, year, max_evaluations, lever)");
      }
    }
    if (t.scenario.empty()) fail(t.pos, "key 'target.scenario': a target needs a base scenario");
    if (t.levers.empty()) fail(t.pos, "key 'target.lever': a target needs at least one lever");
  }

  /// [sweep] or [cross] (`table`): the same keys, but a cross has no `scenario` (it crosses the
  /// batch's [[scenario]]s with the design).
  void parse_design(const toml::node& node, Batch& b, const std::string& table) {
    const auto* tbl = node.as_table();
    if (tbl == nullptr) fail(pos_of(node), "key '" + table + "': expected a table [" + table + "]");
    const bool cross = table == "cross";
    (cross ? b.has_cross : b.has_sweep) = true;
    Sweep& w = cross ? b.cross : b.sweep;
    w.pos = pos_of(node);
    for (auto&& [name, value] : *tbl) {
      const std::string field(name.str());
      const std::string key = table + "." + field;
      if (field == "scenario" && !cross) {
        w.scenario = scenario_file(value, key);
      } else if (field == "design") {
        w.design = string(value, key);
        if (std::find(k_sweep_designs.begin(), k_sweep_designs.end(), w.design) ==
            k_sweep_designs.end()) {
          fail(pos_of(value), "key '" + key + "': '" + w.design +
                                  "' is not a design (grid, lhs, sobol, morris, saltelli)");
        }
      } else if (field == "points") {
        w.points = integer(value, key, 1, 1'000'000);
      } else if (field == "levels") {
        w.levels = integer(value, key, 1, 1000);
      } else if (field == "output") {
        w.output = string(value, key);
      } else if (field == "year") {
        w.year = integer(value, key, 1900, 2200);
      } else if (field == "param") {
        parse_params(value, key, w.params);
      } else if (cross) {
        fail(pos_of(value), "key '" + key +
                                "': unknown key (cross keys: design, points, levels, output, "
                                "year, param; the [[scenario]]s are crossed with the design)");
      } else {
        fail(pos_of(value), "key '" + key + "': unknown key (sweep keys: scenario, design, " +
                                "points, levels, output, year, param)");
      }
    }
    if (!cross && w.scenario.empty()) {
      fail(w.pos, "key 'sweep.scenario': a sweep needs a base scenario");
    }
    if (w.params.empty()) {
      fail(w.pos, "key '" + table + ".param': a " + table + " needs at least one parameter");
    }
  }

  /// A [cross] runs the batch's [[scenario]]s (with a base) at every point of its design, with
  /// a fixed number of replications and no parameter draws.
  void check_cross(const Batch& b) {
    if (b.has_sweep || b.has_target) {
      fail(b.cross.pos, std::string("key 'cross': a [cross] runs the [[scenario]]s at every ") +
                            "point of its own design; it cannot be combined with a " +
                            (b.has_sweep ? "[sweep]" : "[target]"));
    }
    if (b.scenarios.empty()) {
      fail(b.cross.pos,
           "key 'cross': a [cross] needs [[scenario]] tables to run at every point (for one "
           "scenario over a design, use a [sweep])");
    }
    if (b.auto_reps.on) {
      fail(b.auto_reps.pos,
           "key 'batch.replications': \"auto\" is not supported with a [cross]; give a number "
           "of replications");
    }
    if (!b.parameters.fit.empty()) {
      fail(b.parameters.fit_pos,
           "key 'parameters.fit': parameter draws are not supported with a [cross], which sets "
           "its assumed parameters itself");
    }
  }

  SourcePos base_pos_;
  SourcePos
      auto_pos_[4];  ///< ci_width, min_replications, max_replications, auto_year (line 0: unset)
};

}  // namespace

Batch load_batch(const std::filesystem::path& path) {
  return BatchParser(path).parse();
}

void set_replications(Batch& batch, std::int64_t replications) {
  if (replications < 1 || replications > k_max_replications) {
    throw Error(ExitCode::usage, "--replications " + std::to_string(replications) +
                                     ": expected an integer in [1, " +
                                     std::to_string(k_max_replications) + "]");
  }
  batch.replications = replications;
  batch.auto_reps.on = false;  // a fixed count replaces "auto"
}

void set_parameter_fit(Batch& batch, const std::filesystem::path& fit, std::int64_t draws) {
  ParameterFit& p = batch.parameters;
  if (!fit.empty()) {
    if (!std::filesystem::is_regular_file(fit)) {
      throw ScenarioError("--fit: no such file: " + fit.string());
    }
    p.fit = fit;
    p.fit_pos = {"--fit", 1, 1};
    if (p.draws == 0) p.draws_pos = p.fit_pos;
  }
  if (draws >= 0) {
    if (draws < 1 || draws > k_max_replications) {
      throw Error(ExitCode::usage, "--draws " + std::to_string(draws) +
                                       ": expected an integer in [1, " +
                                       std::to_string(k_max_replications) + "]");
    }
    if (p.fit.empty()) {
      throw Error(ExitCode::usage, "--draws " + std::to_string(draws) +
                                       ": draws need a fit (--fit FIT.h5 or "
                                       "[parameters] fit in the batch file)");
    }
    p.draws = draws;
    p.draws_pos = {"--draws", 1, 1};
  }
  if (!p.fit.empty() && batch.auto_reps.on) {
    throw Error(ExitCode::usage,
                "--fit: parameter draws need a fixed number of replications; give "
                "--replications N with replications = \"auto\"");
  }
  if (!p.fit.empty() && batch.has_cross) {
    throw Error(ExitCode::usage,
                "--fit: parameter draws are not supported with a [cross], which sets its "
                "assumed parameters itself");
  }
  if (!p.fit.empty() && (batch.has_sweep || batch.has_target)) {
    throw Error(ExitCode::usage,
                "--fit: parameter draws are for a list of [[scenario]]s; a "
                "sweep or target sets its parameters itself");
  }
}

}  // namespace nisim
