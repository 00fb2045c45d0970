// Reading a batch file and computing the report's scorecard (analysis/report/report.hpp;
// docs/report.md). Paired differences against the base scenario, replication by replication,
// with Student t intervals, as `vs_base` (docs/batches.md section 3).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "analysis/report/report.hpp"
#include "engine/error.hpp"
#include "engine/hdf5.hpp"
#include "engine/statistics.hpp"

namespace nisim::hk::report {

namespace {

constexpr int k_share_target_year = 2032;

/// Split "a,b,c" at commas.
std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(item);
  return out;
}

/// The settings of a scenario text, "[table] key = value", in order of first appearance; a key
/// set again later (a child file of an inheritance chain, which comes after its base) keeps the
/// later value. Comments, blank lines and `inherit` lines (file paths) are skipped; each file of
/// the chain starts after a "# ---- PATH ----" line, outside any table.
std::vector<std::pair<std::string, std::string>> settings(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::stringstream in(text);
  std::string table;
  for (std::string line; std::getline(in, line);) {
    const auto b = line.find_first_not_of(" \t\r");
    if (line.rfind("# ---- ", 0) == 0) table.clear();  // the next file of the chain starts
    if (b == std::string::npos || line[b] == '#') continue;
    line = line.substr(b, line.find_last_not_of(" \t\r") + 1 - b);
    if (line.front() == '[') {
      table = line;
      continue;
    }
    const auto eq = line.find('=');
    std::string key = line.substr(0, eq);
    key = key.substr(0, key.find_last_not_of(" \t") + 1);
    if (table.empty() && key == "inherit") continue;
    key = (table.empty() ? "" : table + " ") + key;
    const std::string setting = (table.empty() ? "" : table + " ") + line;
    const auto it =
        std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == key; });
    if (it != out.end()) {
      it->second = setting;
    } else {
      out.emplace_back(key, setting);
    }
  }
  return out;
}

/// Mean and 95% t interval of the finite values of `d`.
Estimate mean_ci(const std::vector<double>& d) {
  double sum = 0.0;
  std::size_t n = 0;
  for (const double v : d) {
    if (std::isfinite(v)) sum += v, ++n;
  }
  if (n == 0) return {std::nan(""), std::nan(""), std::nan("")};
  const double mean = sum / static_cast<double>(n);
  double ss = 0.0;
  for (const double v : d) {
    if (std::isfinite(v)) ss += (v - mean) * (v - mean);
  }
  const double se =
      n > 1 ? std::sqrt(ss / static_cast<double>(n - 1) / static_cast<double>(n)) : std::nan("");
  const double t = mean_ci_multiplier(n);
  return {mean, mean - t * se, mean + t * se};
}

double mean_of(const std::vector<double>& d) {
  return mean_ci(d).mean;
}

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}
  [[noreturn]] void fail(const std::string& why) const {
    throw IoError(file_ + ": " + why + "; `nisim report` reads files written by `nisim batch`");
  }
  std::string text(const h5::Location& loc, const std::string& name) const {
    try {
      return loc.attr_string(name);
    } catch (const Error&) {
      fail("not a batch file (no readable string attribute '" + name + "')");
    }
  }
  std::int64_t integer(const h5::Location& loc, const std::string& name) const {
    try {
      return loc.attr_int(name);
    } catch (const Error&) {
      fail("not a batch file (no readable integer attribute '" + name + "')");
    }
  }
  /// A dataset of exactly `shape`.
  std::vector<double> data(const h5::Location& loc, const std::string& group,
                           const std::string& name, const std::vector<hsize_t>& shape) const {
    std::size_t n = 1;
    for (const hsize_t s : shape) n *= s;
    if (!loc.exists(name)) fail("group '" + group + "' has no dataset '" + name + "'");
    std::vector<hsize_t> got;
    std::vector<double> v = h5::read_double(loc, name, &got, n);
    if (got != shape) fail("dataset '" + group + "/" + name + "' has an unexpected shape");
    return v;
  }

 private:
  std::string file_;
};

}  // namespace

BatchReport read_batch_report(const std::filesystem::path& path) {
  BatchReport r;
  r.file = path.string();
  const Reader in(r.file);
  const h5::Location root = h5::open_file_read(path);
  r.title = in.text(root, "title");
  if (r.title.rfind("nisim batch: ", 0) != 0) {
    in.fail("not a batch file (its title is '" + r.title.substr(0, 80) + "')");
  }
  if (root.exists("cross")) {
    in.fail(
        "a [cross] batch (docs/batches.md section 11): its runs are arrays [scenario, point, "
        "replication, year] in the group cross, which the report does not show; read its "
        "effect per point with nisim.open_batch (Python)");
  }
  r.version = in.text(root, "nisim_version");
  r.commit = in.text(root, "git_commit");
  r.created = in.text(root, "created_utc");
  r.batch_path = in.text(root, "batch_path");
  r.batch_text = in.text(root, "batch_text");
  r.seed = std::to_string(in.integer(root, "seed"));
  r.replications = in.integer(root, "replications");
  r.base = in.text(root, "base");
  try {  // written since `nisim batch --set` (docs/batches.md); older files have none
    r.overrides = root.attr_string("overrides");
  } catch (const Error&) {
    r.overrides.clear();
  }
  std::vector<std::string> names = split(in.text(root, "scenarios"));
  r.has_sweep = root.exists("sweep");
  // A sweep stores its points as arrays [point, ...] in its `sweep` group (docs/batches.md,
  // section 6); each point is a card, read from its slice of those arrays.
  const bool points = r.has_sweep && names.empty();
  std::optional<h5::Location> sweep_group;
  if (points) {
    sweep_group.emplace(root.open_group("sweep"));
    if (!sweep_group->exists("point")) in.fail("group 'sweep' has no 'point' scale");
    const std::vector<std::int64_t> ks = h5::read_int(*sweep_group, "point", nullptr, 10000000);
    for (std::size_t k = 0; k < ks.size(); ++k) {
      char name[32];
      std::snprintf(name, sizeof name, "point_%05zu", k);
      names.emplace_back(name);
    }
  }
  if (r.replications < 1 || names.empty()) in.fail("no replications or no scenarios");
  if (!root.exists("year")) in.fail("no 'year' scale");
  for (const std::int64_t y : h5::read_int(root, "year", nullptr, 10000)) {
    r.years.push_back(static_cast<int>(y));
  }
  if (r.years.empty()) in.fail("an empty 'year' scale");
  r.score_year = k_share_target_year >= r.years.front() && k_share_target_year <= r.years.back()
                     ? k_share_target_year
                     : r.years.back();
  const auto R = static_cast<hsize_t>(r.replications);
  const hsize_t T = r.years.size();
  const auto ts = static_cast<std::size_t>(r.score_year - r.years.front());
  // Dataset `name` of card s, of `shape`: the scenario group's, or point s's slice of the sweep's.
  std::map<std::string, std::vector<double>> whole;
  const auto part = [&](const h5::Location& g, const std::string& group, std::size_t s,
                        const std::string& name, const std::vector<hsize_t>& shape) {
    if (!points) return in.data(g, group, name, shape);
    std::size_t m = 1;
    for (const hsize_t x : shape) m *= x;
    auto it = whole.find(name);
    if (it == whole.end()) {
      std::vector<hsize_t> full{names.size()};
      full.insert(full.end(), shape.begin(), shape.end());
      it = whole.emplace(name, in.data(*sweep_group, "sweep", name, full)).first;
    }
    const auto from = it->second.begin() + static_cast<std::ptrdiff_t>(s * m);
    return std::vector<double>(from, from + static_cast<std::ptrdiff_t>(m));
  };

  // Per scenario: the per-run share and public money, the stored summaries.
  std::vector<std::vector<double>> share(names.size()), money(names.size());
  std::vector<std::string> texts(names.size());
  std::size_t base_index = names.size();
  for (std::size_t s = 0; s < names.size(); ++s) {
    const std::string& n = names[s];
    if (!points && (n.empty() || n.find('/') != std::string::npos || !root.exists(n))) {
      in.fail("no group for scenario '" + n.substr(0, 80) + "'");
    }
    if (n == r.base) base_index = s;
    const h5::Location g = points ? root.open_group("sweep") : root.open_group(n);
    ScenarioCard c;
    c.name = n;
    c.path = in.text(g, "scenario_path");
    texts[s] = in.text(g, "scenario_text");
    share[s] = part(g, n, s, "mfg_share", {R, T});
    const std::vector<double> paid = part(g, n, s, "public_spending", {R, T});
    money[s].assign(R, 0.0);  // public money paid from the base year to the score year
    for (hsize_t k = 0; k < R; ++k) {
      for (std::size_t t = 0; t <= ts; ++t) money[s][k] += paid[k * T + t];
    }
    std::vector<double> at(R);
    for (hsize_t k = 0; k < R; ++k) at[k] = share[s][k * T + ts];
    c.share = mean_of(at);
    c.money = mean_of(money[s]);
    c.p_share_target = points ? part(g, n, s, "p_share_5pct_by_2032", {}).front()
                              : g.attr_double("p_share_5pct_by_2032");
    const auto pct = [&](const std::string& v, std::vector<double>& p5, std::vector<double>& p50,
                         std::vector<double>& p95) {
      const std::vector<double> p = part(g, n, s, v + "_percentiles", {5, T});
      p5.assign(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(T));
      p50.assign(p.begin() + static_cast<std::ptrdiff_t>(2 * T),
                 p.begin() + static_cast<std::ptrdiff_t>(3 * T));
      p95.assign(p.begin() + static_cast<std::ptrdiff_t>(4 * T), p.end());
    };
    pct("mfg_share", c.share_p5, c.share_p50, c.share_p95);
    pct("public_spending", c.money_p5, c.money_p50, c.money_p95);
    if (s == 0) {
      if (!g.exists("indicator")) in.fail("group '" + n + "' has no 'indicator' scale");
      r.indicators = h5::read_strings(g, "indicator", 1000);
      const hsize_t K = r.indicators.size();
      r.kpi_target = in.data(g, n, "kpi_target", {K});
      r.kpi_target_year = in.data(g, n, "kpi_target_year", {K});
    }
    c.kpi_p_met = part(g, n, s, "kpi_p_met", {r.indicators.size()});
    r.scenarios.push_back(std::move(c));
  }

  // Paired differences against the base, and each scenario's changes of settings.
  const bool paired = base_index < names.size();
  const auto base_settings =
      paired ? settings(texts[base_index]) : std::vector<std::pair<std::string, std::string>>{};
  const std::set<std::pair<std::string, std::string>> base_set(base_settings.begin(),
                                                               base_settings.end());
  for (std::size_t s = 0; s < names.size(); ++s) {
    ScenarioCard& c = r.scenarios[s];
    const auto own = settings(texts[s]);
    const std::set<std::pair<std::string, std::string>> own_set(own.begin(), own.end());
    if (paired && s != base_index) {
      for (const auto& l : own) {
        if (!base_set.contains(l)) c.added.push_back(l.second);
      }
      for (const auto& l : base_settings) {
        if (!own_set.contains(l)) c.removed.push_back(l.second);
      }
    }
    std::vector<double> ds(R), dm(R);
    for (hsize_t k = 0; k < R; ++k) {
      ds[k] = paired ? share[s][k * T + ts] - share[base_index][k * T + ts] : std::nan("");
      dm[k] = paired ? money[s][k] - money[base_index][k] : std::nan("");
    }
    c.share_diff = mean_ci(ds);
    c.money_diff = mean_ci(dm);
    // Only for a gain its interval shows (low bound above 0): a gain near 0 would make the ratio
    // explode and say nothing.
    c.cost_per_pp = c.share_diff.low > 0.0 ? c.money_diff.mean / c.share_diff.mean : std::nan("");
  }

  if (r.has_sweep) {  // the sensitivity panel (docs/batches.md section 6)
    const h5::Location w = root.open_group("sweep");
    SweepPanel& p = r.sweep;
    p.design = in.text(w, "design");
    p.output = in.text(w, "output");
    p.year = in.integer(w, "year");
    p.parameters = h5::read_strings(w, "parameter", 1000);
    const hsize_t D = p.parameters.size();
    for (const char* name : {"morris_mu_star", "sobol_total", "sobol_first"}) {
      if (!w.exists(name)) continue;
      p.index_name = name;
      p.index = in.data(w, "sweep", name, {D});
      const std::string n(name);
      const std::string lo = n == "morris_mu_star" ? "" : n + "_low";
      const std::string hi = n == "morris_mu_star" ? "" : n + "_high";
      if (!lo.empty() && w.exists(lo) && w.exists(hi)) {
        p.low = in.data(w, "sweep", lo, {D});
        p.high = in.data(w, "sweep", hi, {D});
      } else if (n == "morris_mu_star" && w.exists("morris_mu_star_conf")) {
        const std::vector<double> conf = in.data(w, "sweep", "morris_mu_star_conf", {D});
        for (hsize_t k = 0; k < D; ++k) {
          p.low.push_back(p.index[k] - conf[k]);
          p.high.push_back(p.index[k] + conf[k]);
        }
      }
      break;
    }
  }
  return r;
}

}  // namespace nisim::hk::report
