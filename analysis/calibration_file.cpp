// Calibration file loading and checking (analysis/calibration_file.hpp).
#include "analysis/calibration_file.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <map>

#include "engine/error.hpp"
#include "engine/toml_input.hpp"

namespace nisim::hk {
namespace {

class CalibrationParser : public TomlInput {
 public:
  using TomlInput::TomlInput;

  Calibration parse() {
    Calibration c;
    c.path = path_;
    toml::table root;
    c.text = read(root);
    bool has_table = false;
    for (auto&& [name, node] : root) {
      const std::string key(name.str());
      if (key == "calibration") {
        has_table = true;
        parse_table(node, c);
      } else if (key == "parameter") {
        for_each_table(node, key, [&](const toml::table& t) { parse_param(t, c); });
      } else if (key == "moment") {
        for_each_table(node, key, [&](const toml::table& t) { parse_moment(t, c); });
      } else {
        fail(pos_of(node), "key '" + key + "': unknown key (a calibration file has " +
                               "[calibration], [[parameter]] and [[moment]] tables)");
      }
    }
    if (!has_table) fail({file_, 1, 1}, "key 'calibration': missing [calibration] table");
    if (c.scenario.empty()) fail(c.pos, "key 'calibration.scenario': missing");
    if (c.params.empty()) fail({file_, 1, 1}, "key 'parameter': no [[parameter]] to estimate");
    const auto fitted = std::count_if(c.moments.begin(), c.moments.end(),
                                      [](const Moment& m) { return !m.holdout; });
    if (std::cmp_less(fitted, c.params.size())) {
      fail({file_, 1, 1}, "key 'moment': " + std::to_string(fitted) + " moments up to fit_to for " +
                              std::to_string(c.params.size()) +
                              " parameters; need at least as many moments as parameters");
    }
    return c;
  }

 private:
  template <class F>
  void for_each_table(const toml::node& node, const std::string& key, F&& f) {
    const auto* arr = node.as_array();
    if (arr == nullptr) fail(pos_of(node), "key '" + key + "': expected [[" + key + "]] tables");
    for (const toml::node& e : *arr) {
      const auto* t = e.as_table();
      if (t == nullptr) fail(pos_of(e), "key '" + key + "': expected a table");
      f(*t);
    }
  }

  /// A non-empty string without NUL.
  std::string text(const toml::node& v, const std::string& key) const {
    const auto* s = v.as_string();
    if (s == nullptr || s->get().empty() || s->get().find('\0') != std::string::npos) {
      fail(pos_of(v), "key '" + key + "': expected a non-empty string");
    }
    return s->get();
  }
  /// A file named relative to the calibration file, which must exist.
  std::filesystem::path file(const toml::node& v, const std::string& key) const {
    std::filesystem::path p = path_.parent_path() / text(v, key);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) {
      fail(pos_of(v), "key '" + key + "': no such file: " + p.string());
    }
    return p;
  }

  void parse_table(const toml::node& node, Calibration& c) {
    const auto* t = node.as_table();
    if (t == nullptr) fail(pos_of(node), "key 'calibration': expected a table");
    c.pos = pos_of(node);
    for (auto&& [name, v] : *t) {
      const std::string key = "calibration." + std::string(name.str());
      if (key == "calibration.scenario") {
        c.scenario = file(v, key);
      } else if (key == "calibration.replications") {
        c.replications = integer(v, key, 2, 100'000);
      } else if (key == "calibration.seed") {
        c.seed = static_cast<std::uint64_t>(integer(v, key, 0, INT64_MAX));
      } else if (key == "calibration.fit_to") {
        c.fit_to = integer(v, key, 1900, 2200);
        fit_to_set_ = true;
      } else if (key == "calibration.global_evaluations") {
        c.global_evaluations = integer(v, key, 0, 100'000);
      } else if (key == "calibration.local_evaluations") {
        c.local_evaluations = integer(v, key, 0, 100'000);
      } else if (key == "calibration.jacobian_step") {
        c.jacobian_step = number(v, key);
        if (c.jacobian_step <= 0.0 || c.jacobian_step > 0.5) {
          fail(pos_of(v), "key '" + key + "': expected a fraction of the box in (0, 0.5]");
        }
      } else {
        fail(pos_of(v), "key '" + key +
                            "': unknown key (calibration keys: scenario, replications, seed, "
                            "fit_to, global_evaluations, local_evaluations, jacobian_step)");
      }
    }
    if (fit_to_set_) {  // moments read before [calibration] are re-marked
      for (Moment& m : c.moments) m.holdout = m.year > c.fit_to;
    }
  }

  void parse_param(const toml::table& t, Calibration& c) {
    SweepParam p;
    p.pos = pos_of(t);
    bool has_min = false, has_max = false;
    for (auto&& [name, v] : t) {
      const std::string key = "parameter." + std::string(name.str());
      if (key == "parameter.key") {
        p.key = text(v, key);
        p.pos = pos_of(v);
      } else if (key == "parameter.min") {
        p.min = number(v, key);
        has_min = true;
      } else if (key == "parameter.max") {
        p.max = number(v, key);
        has_max = true;
      } else {
        fail(pos_of(v), "key '" + key + "': unknown key (parameter keys: key, min, max)");
      }
    }
    if (p.key.empty()) fail(pos_of(t), "key 'parameter.key': missing");
    if (!has_min || !has_max) {
      fail(p.pos, "key '" + p.key + "': a parameter needs both min and max (its bounds)");
    }
    if (!(p.min < p.max)) fail(p.pos, "key '" + p.key + "': min must be below max");
    for (const SweepParam& q : c.params) {
      if (q.key == p.key) fail(p.pos, "key '" + p.key + "': estimated twice");
    }
    c.params.push_back(p);
  }

  std::size_t data_index(const std::filesystem::path& p, Calibration& c) {
    const auto it = data_index_.find(p.lexically_normal().string());
    if (it != data_index_.end()) return it->second;
    c.data.push_back(load_observed_data(p));
    data_index_[p.lexically_normal().string()] = c.data.size() - 1;
    return c.data.size() - 1;
  }

  void parse_moment(const toml::table& t, Calibration& c) {
    Moment m;
    m.pos = pos_of(t);
    std::filesystem::path data;
    const toml::node* years = nullptr;
    const toml::node* series_node = nullptr;
    for (auto&& [name, v] : t) {
      const std::string key = "moment." + std::string(name.str());
      if (key == "moment.data") {
        data = file(v, key);
      } else if (key == "moment.series") {
        m.series = text(v, key);
        series_node = &v;
      } else if (key == "moment.sector") {
        m.sector = text(v, key);
      } else if (key == "moment.period") {
        m.period = text(v, key);
      } else if (key == "moment.years") {
        years = &v;
      } else if (key == "moment.output") {
        m.output = text(v, key);
        m.output_pos = pos_of(v);
      } else if (key == "moment.scheme") {
        m.scheme = text(v, key);
      } else if (key == "moment.cumulative") {
        const auto b = v.value<bool>();
        if (!b) fail(pos_of(v), "key '" + key + "': expected true or false");
        m.cumulative = *b;
      } else if (key == "moment.scale") {
        m.scale = number(v, key);
        if (m.scale == 0.0) fail(pos_of(v), "key '" + key + "': must not be zero");
      } else if (key == "moment.sd") {
        m.sd = number(v, key);
        if (!(m.sd > 0.0)) fail(pos_of(v), "key '" + key + "': a standard error must be > 0");
      } else {
        fail(pos_of(v), "key '" + key +
                            "': unknown key (moment keys: data, series, sector, period, years, "
                            "output, scheme, cumulative, scale, sd)");
      }
    }
    for (const char* k : {"data", "series", "years", "output"}) {
      if (!t.contains(k)) fail(m.pos, "key 'moment." + std::string(k) + "': missing");
    }
    const std::size_t di = data_index(data, c);
    const ObservedData& d = c.data[di];
    const bool known = std::any_of(d.rows.begin(), d.rows.end(),
                                   [&](const Observation& o) { return o.series == m.series; });
    if (!known) {
      fail(pos_of(*series_node),
           "key 'moment.series': no series '" + m.series + "' in " + d.path.string());
    }
    const auto* arr = years->as_array();
    if (arr == nullptr || arr->empty()) {
      fail(pos_of(*years), "key 'moment.years': expected a non-empty list of years");
    }
    m.data = di;
    for (const toml::node& y : *arr) {
      Moment one = m;
      one.year = static_cast<int>(integer(y, "moment.years", 1900, 2200));
      one.pos = pos_of(y);
      const Observation* hit = nullptr;
      for (const Observation& o : d.rows) {
        if (o.series != m.series || o.year != one.year || o.sector != m.sector) continue;
        if (!m.period.empty() && o.period != m.period) continue;
        if (hit != nullptr) {
          fail(pos_of(y), "key 'moment.years': series '" + m.series + "' has several rows in " +
                              std::to_string(one.year) + " (lines " + std::to_string(hit->line) +
                              " and " + std::to_string(o.line) + " of " + d.path.string() +
                              "); name one with `period` or `sector`");
        }
        hit = &o;
      }
      if (hit == nullptr) {
        fail(pos_of(y), "key 'moment.years': series '" + m.series + "'" +
                            (m.sector.empty() ? "" : " sector '" + m.sector + "'") +
                            " has no row for " + std::to_string(one.year) + " in " +
                            d.path.string());
      }
      one.observed = hit->value * m.scale;
      one.sd = m.sd * std::abs(m.scale);
      one.data_line = hit->line;
      one.holdout = one.year > c.fit_to;
      one.name =
          m.series + (m.sector.empty() ? "" : ":" + m.sector) + "@" + std::to_string(one.year);
      for (const Moment& q : c.moments) {
        if (q.name == one.name) fail(pos_of(y), "key 'moment.years': " + one.name + " twice");
      }
      c.moments.push_back(one);
    }
  }

  bool fit_to_set_ = false;
  std::map<std::string, std::size_t> data_index_;
};

}  // namespace

Calibration load_calibration(const std::filesystem::path& path) {
  return CalibrationParser(path).parse();
}

}  // namespace nisim::hk
