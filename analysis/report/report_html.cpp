// The report page (analysis/report/report.hpp; docs/report.md): provenance, scorecard, fan
// charts, attribution and sensitivity panels, as one HTML file with inline CSS and SVG.
#include <cmath>

#include "analysis/report/html.hpp"
#include "analysis/report/report.hpp"

namespace nisim::hk::report {

namespace {

/// Fan charts draw their bands only up to this many scenarios (beyond, bands hide each other).
constexpr std::size_t k_max_bands = 8;

const char* const k_style = R"(<style>
body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222;line-height:1.4}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em}
td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}
pre{background:#f7f7f7;padding:.6em;overflow-x:auto;font-size:.85em}
.note{color:#555;font-size:.9em}.wide{overflow-x:auto}.absent{color:#8a4b00}
svg.chart{display:block;margin:1em 0;font-size:11px}svg .title{font-size:14px;font-weight:bold}
svg .grid{stroke:#e3e3e3}svg .band{opacity:.18;stroke:none}
svg .median{fill:none;stroke-width:2}svg .reference{stroke:#555;stroke-dasharray:5 4}
svg .whisker{stroke:#222;stroke-width:1.5}svg path{stroke-linejoin:round}
</style>
)";

/// A numeric cell: the rounded text, and the exact value in data-value for checking tools.
std::string cell(const std::string& id, double v, int digits) {
  return R"(<td class="num" data-id=")" + escape(id) + R"(" data-value=")" + exact(v) + R"(">)" +
         fixed(v, digits) + "</td>";
}

std::string ci_cell(const std::string& id, const Estimate& e, int digits) {
  return R"(<td class="num" data-id=")" + escape(id) + R"(" data-value=")" + exact(e.mean) +
         R"(" data-low=")" + exact(e.low) + R"(" data-high=")" + exact(e.high) + R"(">)" +
         fixed(e.mean, digits) + " [" + fixed(e.low, digits) + ", " + fixed(e.high, digits) +
         "]</td>";
}

std::string provenance(const BatchReport& r) {
  std::string s = "<h2>Provenance</h2>\n<table>\n";
  const auto row = [&](const char* k, const std::string& v) {
    s += "<tr><th>" + std::string(k) + "</th><td>" + escape(v) + "</td></tr>\n";
  };
  row("batch file", r.file);
  row("batch", r.batch_path);
  row("nisim version", r.version);
  row("git commit", r.commit);
  row("written (UTC)", r.created);
  row("master seed", r.seed);
  row("replications", std::to_string(r.replications));
  row("years", std::to_string(r.years.front()) + "-" + std::to_string(r.years.back()));
  row("base scenario", r.base);
  row("overrides (--set)", r.overrides.empty() ? "none" : r.overrides);
  s += "</table>\n<h3>Scenarios and their changes against the base</h3>\n";
  for (const ScenarioCard& c : r.scenarios) {
    s += "<p><b>" + escape(c.name) + R"(</b> <span class="note">()" + escape(c.path) + ")</span>";
    if (c.name == r.base) {
      s += " is the base.</p>\n";
    } else if (c.added.empty() && c.removed.empty()) {
      s += ": no setting differs from the base.</p>\n";
    } else {
      s += ": settings that differ (+ this scenario, - the base)</p>\n<pre>";
      for (const std::string& l : c.added) s += "+ " + escape(l) + "\n";
      for (const std::string& l : c.removed) s += "- " + escape(l) + "\n";
      s += "</pre>\n";
    }
  }
  return s + "<details><summary>batch file text</summary><pre>" + escape(r.batch_text) +
         "</pre></details>\n";
}

std::string scorecard(const BatchReport& r) {
  const std::string y = std::to_string(r.score_year);
  std::string s =
      "<h2>Scorecard</h2>\n<p class=\"note\">Means over " + std::to_string(r.replications) +
      " replications with 95% Student t intervals of the paired differences "
      "(scenario - base, replication by replication, common random numbers). Public "
      "money: all schemes' payments from " +
      std::to_string(r.years.front()) + " to " + y +
      ", HK$ M (fund receipts not netted). Cost per percentage point: difference in "
      "public money / difference in the " +
      y + " share, shown only where the share gains (the interval's low bound above 0).</p>\n";
  s += "<table id=\"scorecard\">\n<tr><th>scenario</th><th>share " + y +
       ", %</th><th>change vs base, pp [95% CI]</th><th>P(share &ge; 5% in 2032)</th>"
       "<th>public money to " +
       y + ", HK$ M</th><th>change vs base, HK$ M [95% CI]</th><th>HK$ M per pp</th></tr>\n";
  for (const ScenarioCard& c : r.scenarios) {
    const std::string n = c.name;
    s += "<tr><th>" + escape(n) + "</th>" + cell(n + ":share", c.share, 3);
    if (n == r.base) {
      s += "<td>base</td>";
    } else {
      s += ci_cell(n + ":share_diff", c.share_diff, 4);
    }
    s += cell(n + ":p_share_target", c.p_share_target, 3) + cell(n + ":money", c.money, 0);
    if (n == r.base) {
      s += "<td>base</td><td>base</td>";
    } else {
      s += ci_cell(n + ":money_diff", c.money_diff, 0) + cell(n + ":cost_per_pp", c.cost_per_pp, 0);
    }
    s += "</tr>\n";
  }
  s += "</table>\n<h3>Government indicators: probability of meeting the target</h3>\n"
       "<div class=\"wide\"><table id=\"kpi\">\n<tr><th>indicator</th><th>target</th><th>by</th>";
  for (const ScenarioCard& c : r.scenarios) s += "<th>" + escape(c.name) + "</th>";
  s += "</tr>\n";
  for (std::size_t k = 0; k < r.indicators.size(); ++k) {
    s += "<tr><th>" + escape(r.indicators[k]) + "</th>" +
         cell("target:" + r.indicators[k], r.kpi_target[k], 1) + "<td>" +
         fixed(r.kpi_target_year[k], 0) + "</td>";
    for (const ScenarioCard& c : r.scenarios) {
      s += cell(c.name + ":p_met:" + r.indicators[k], c.kpi_p_met[k], 2);
    }
    s += "</tr>\n";
  }
  return s + "</table></div>\n<p class=\"note\">n/a: the target year is not simulated.</p>\n";
}

std::string charts(const BatchReport& r) {
  std::vector<FanSeries> share, money;
  for (const ScenarioCard& c : r.scenarios) {
    share.push_back({c.name, c.share_p5, c.share_p50, c.share_p95});
    money.push_back({c.name, c.money_p5, c.money_p50, c.money_p95});
  }
  const bool bands = r.scenarios.size() <= k_max_bands;
  std::string s =
      "<h2>Projections</h2>\n<p class=\"note\">Median (line) and 5th-95th percentile "
      "band over replications; every scenario on one axis. " +
      std::string(bands ? "" : "Too many scenarios for bands: medians only. ") +
      "Dashed line: the 5% share target, where it falls inside the axis.</p>\n";
  s += fan_chart("Manufacturing share of GDP", "percent of GDP", r.years, share, 5.0, bands);
  s += fan_chart("Public money paid by all schemes, per year", "HK$ M", r.years, money,
                 std::nan(""), bands);
  // The paired change in the share, with its interval, per scenario.
  std::vector<std::string> labels;
  std::vector<double> v, lo, hi;
  for (const ScenarioCard& c : r.scenarios) {
    if (c.name == r.base || !std::isfinite(c.share_diff.mean)) continue;
    labels.push_back(c.name);
    v.push_back(c.share_diff.mean), lo.push_back(c.share_diff.low), hi.push_back(c.share_diff.high);
  }
  if (!labels.empty()) {
    s += bar_chart("Change in the " + std::to_string(r.score_year) + " share against " + r.base,
                   "percentage points (95% CI)", labels, v, lo, hi);
  }
  return s;
}

std::string attribution_panel(const AttributionPanel& a) {
  std::string s = R"(<p class="note" id="attribution-source">From )" + escape(a.file) + " (" +
                  escape(a.attribution_path) + ", nisim " + escape(a.version) + ", commit " +
                  escape(a.commit) + "): " + escape(a.method) + " Shapley values over " +
                  std::to_string(a.replications) +
                  " replications with common random numbers, year " + std::to_string(a.year) +
                  ", means with 95% Student t intervals. The Shapley values add up to the "
                  "whole package's effect; additionality is the package against the package "
                  "without the group. Cost per percentage point: the group's Shapley share of "
                  "public money over its Shapley share of the gain (delta-method interval).</p>\n";
  std::vector<std::string> labels = a.groups;
  std::vector<double> v, lo, hi;
  for (const Estimate& e : a.shapley_share) {
    v.push_back(e.mean), lo.push_back(e.low), hi.push_back(e.high);
  }
  labels.emplace_back("whole package");
  v.push_back(a.total_share.mean), lo.push_back(a.total_share.low);
  hi.push_back(a.total_share.high);
  s += bar_chart("Share of the " + std::to_string(a.year) +
                     " effect on the manufacturing share, "
                     "by scheme group",
                 "percentage points (95% CI)", labels, v, lo, hi);
  s += "<table id=\"attribution\">\n<tr><th>group</th><th>Shapley value, pp [95% CI]</th>"
       "<th>additionality, pp [95% CI]</th><th>public money (Shapley), HK$ M [95% CI]</th>"
       "<th>HK$ M per pp, all money [95% CI]</th><th>HK$ M per pp, manufacturing money "
       "[95% CI]</th></tr>\n";
  for (std::size_t k = 0; k < a.groups.size(); ++k) {
    const std::string id = "attribution:" + a.groups[k];
    s += "<tr><th>" + escape(a.groups[k]) + "</th>" +
         ci_cell(id + ":shapley_share", a.shapley_share[k], 4) +
         ci_cell(id + ":additionality", a.additionality[k], 4) +
         ci_cell(id + ":shapley_money", a.shapley_money[k], 0) +
         ci_cell(id + ":cost_per_pp", a.cost_per_pp[k], 0) +
         ci_cell(id + ":cost_per_pp_mfg", a.cost_per_pp_mfg[k], 0) + "</tr>\n";
  }
  s += "<tr><th>whole package</th>" + ci_cell("attribution:total:share", a.total_share, 4) +
       "<td></td>" + ci_cell("attribution:total:money", a.total_money, 0) +
       "<td></td><td></td></tr>\n";
  return s + "</table>\n";
}

std::string panels(const BatchReport& r) {
  std::string s = "<h2>Attribution</h2>\n";
  if (!r.has_attribution) {
    s += R"(<p class="absent" id="attribution-absent">Absent: no attribution file was given. )"
         "`nisim attribute ATTR.toml -o ATTR.h5` computes one; `nisim report BATCH.h5 "
         "--attribution ATTR.h5 -o REPORT.html` shows it here (docs/batches.md section 8).</p>\n";
  } else {
    s += attribution_panel(r.attribution);
    if (r.attribution.year != r.score_year) {
      s += R"(<p class="absent" id="attribution-year">The attribution is for )" +
           std::to_string(r.attribution.year) + ", the scorecard for " +
           std::to_string(r.score_year) + ".</p>\n";
    }
  }
  s += "<h2>Sensitivity</h2>\n";
  if (!r.has_sweep) {
    return s + R"(<p class="absent" id="sensitivity-absent">Absent: this batch is not a sweep )"
               "(docs/batches.md section 6).</p>\n";
  }
  const SweepPanel& p = r.sweep;
  s += R"(<p class="note">)" + escape(p.design) + " design; output " + escape(p.output) + " in " +
       std::to_string(p.year) + ".</p>\n";
  if (p.index.empty()) return s + "<p class=\"absent\">No sensitivity indices in the file.</p>\n";
  return s + bar_chart(p.index_name + " per swept parameter", p.index_name + " (95% bounds)",
                       p.parameters, p.index, p.low, p.high);
}

}  // namespace

std::string render_html(const BatchReport& r) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
         escape(r.title) + "</title>\n" + k_style + "</head>\n<body>\n<h1>" + escape(r.title) +
         "</h1>\n" + scorecard(r) + charts(r) + panels(r) + provenance(r) + "</body>\n</html>\n";
}

}  // namespace nisim::hk::report
