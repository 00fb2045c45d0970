// Government targets and their projections (docs/model.md section 7.2).
#include "models/kpi.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

#include "engine/error.hpp"

namespace nisim::hk {

const std::vector<KpiSpec>& kpi_specs() {
  static const std::vector<KpiSpec> specs = {
      {"manufacturing_share_of_gdp_basic_prices", "mfg_share", "percent", 2032, 5.0,
       "I&T Blueprint (Dec 2022)"},
      {"smart_production_lines_funded_cumulative", "nifs_funded_lines", "lines", 2027, 130.0,
       "2024 Policy Address indicators (NIFS)"},
      {"technical_jobs_from_funded_lines_cumulative", "nifs_tech_jobs", "jobs", 2027, 1050.0,
       "2024 Policy Address indicators (NIFS)"},
      {"private_matching_investment_nifs_cumulative", "nifs_private_investment", "HK$ M", 2027,
       1300.0, "2024 Policy Address indicators (NIFS)"},
      {"nias_enterprises_with_new_smart_facilities", "nias_enterprises", "enterprises", 2032, 50.0,
       "2024 Policy Address indicators (NIAS: 50-100 within 5-8 years)"},
      {"nias_enterprise_direct_investment_cumulative", "nias_investment", "HK$ M", 2032, 20000.0,
       "2024 Policy Address indicators (NIAS: within 5-8 years)"},
      {"innopark_advanced_manufacturing_floor_area", "innopark_centres_floor", "m2", 2027, 200000.0,
       "2024 Policy Address indicators"},
      {"itvf_private_investment_attracted_cumulative", "itvf_private_investment", "HK$ M", 2027,
       4000.0, "2024 Policy Address indicators (ITVF)"},
      {"tsssu_startups_funded_cumulative", "tsssu_funded", "start-ups", 2027, 600.0,
       "2024 Policy Address indicators (TSSSU)"},
      {"research_talent_hub_posts_approved_cumulative", "rth_posts_cum", "posts", 2027, 18500.0,
       "2024 Policy Address indicators (RTH)"},
  };
  return specs;
}

std::vector<std::string> kpi_indicators() {
  std::vector<std::string> names;
  for (const KpiSpec& k : kpi_specs()) names.emplace_back(k.indicator);
  return names;
}

namespace {

const std::vector<double>* series_of(const History& h, const std::string& name) {
  if (name == "mfg_share") return &h.mfg_share_pct;
  return h.find(name);
}

}  // namespace

std::vector<double> kpi_values(const History& h) {
  std::vector<double> out;
  for (const KpiSpec& k : kpi_specs()) {
    double v = std::numeric_limits<double>::quiet_NaN();
    const std::vector<double>* s = series_of(h, k.series);
    if (s != nullptr && !h.year.empty()) {
      const long t = static_cast<long>(k.target_year) - h.year.front();
      if (t >= 0 && t < static_cast<long>(s->size())) v = (*s)[static_cast<std::size_t>(t)];
    }
    out.push_back(v);
  }
  return out;
}

std::vector<double> public_spending(const History& h) {
  const std::size_t n = h.scheme_names.size();
  std::vector<double> out(h.years(), 0.0);
  for (std::size_t t = 0; t < h.years() && n > 0; ++t) {
    for (std::size_t s = 0; s < n; ++s) out[t] += h.scheme_paid[t * n + s];
  }
  return out;
}

double public_commitments(const History& h) {
  const std::size_t n = h.scheme_names.size();
  if (n == 0 || h.years() == 0) return 0.0;
  const std::size_t t = h.years() - 1;
  double sum = 0.0;
  for (std::size_t s = 0; s < n; ++s)
    sum += h.scheme_spent[t * n + s] + h.scheme_committed[t * n + s];
  return sum;
}

void write_kpis(const h5::Location& root, const History& h) {
  const h5::Location g = root.create_group("kpi");
  g.set_attr("description",
             "government indicator targets and the run's projection at each target year "
             "(docs/model.md section 7.2)");
  const std::vector<std::string> names = kpi_indicators();
  std::vector<std::string> units;
  std::vector<double> year, target, projected, met;
  const std::vector<double> values = kpi_values(h);
  for (std::size_t k = 0; k < kpi_specs().size(); ++k) {
    const KpiSpec& s = kpi_specs()[k];
    units.emplace_back(s.unit);
    year.push_back(s.target_year);
    target.push_back(s.target);
    projected.push_back(values[k]);
    met.push_back(std::isnan(values[k]) ? values[k] : (values[k] >= s.target ? 1.0 : 0.0));
  }
  const hsize_t n = names.size();
  h5::write_dim_str(g, "indicator", names, {"1", "government indicator (targets.csv)"});
  h5::write_double(g, "target_year", year, {n}, {"indicator"}, {"year", "target year"});
  h5::write_double(g, "target", target, {n}, {"indicator"},
                   {"indicator unit", "target value (at least)"});
  h5::write_double(g, "projected", projected, {n}, {"indicator"},
                   {"indicator unit", "projected value at the target year"});
  h5::write_double(g, "met", met, {n}, {"indicator"},
                   {"1", "1 if projected >= target, 0 if not, NaN if not simulated"});
  std::string joined;
  for (const auto& u : units) joined += (joined.empty() ? "" : ";") + u;
  g.set_attr("units", joined);
}

CostPerPoint cost_per_point(double d_share, double d_all, double d_mfg) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CostPerPoint c{d_share, d_all, d_mfg, nan, nan};
  if (!std::isnan(d_share) && d_share > 1e-6) {  // eq. 7.3a-b
    c.per_point_all = d_all / d_share;
    c.per_point_mfg = d_mfg / d_share;
  }
  return c;
}

namespace {

struct RunFile {
  std::vector<std::string> indicators;
  std::vector<double> year, target, projected;
  std::vector<std::string> schemes;
  std::vector<double> spent;  // [year][scheme], cumulative
  std::vector<double> share;
  std::vector<std::int64_t> years;
};

// Bounds on a run file's tables, far above what the model writes (10 indicators, 9 schemes,
// some decades), so a hostile file cannot make `nisim kpi` allocate much before it is refused.
constexpr std::size_t k_max_labels = 10'000;
constexpr std::size_t k_max_years = 100'000;

/// Throws IoError naming the file and dataset unless `shape` is `expected` (rank and sizes).
void expect_shape(const std::string& path, const std::string& dataset,
                  const std::vector<hsize_t>& shape, const std::vector<hsize_t>& expected,
                  const char* what) {
  if (shape == expected) return;
  auto text = [](const std::vector<hsize_t>& dims) {
    std::string t;
    for (hsize_t d : dims) t += (t.empty() ? "" : " x ") + std::to_string(d);
    return "(" + t + ")";
  };
  throw IoError(path + ": dataset '" + dataset + "' has shape " + text(shape) + ", expected " +
                text(expected) + " (" + what + "); not a run file written by `nisim run`");
}

/// Throws IoError naming the file and dataset if a label holds a byte outside printable ASCII:
/// nisim writes identifiers only, so such a byte is damage, and printing it would put raw bytes
/// (not even valid UTF-8) on the terminal.
void expect_printable(const std::string& path, const std::string& dataset,
                      const std::vector<std::string>& labels) {
  for (std::size_t k = 0; k < labels.size(); ++k) {
    for (std::size_t i = 0; i < labels[k].size(); ++i) {
      const auto c = static_cast<unsigned char>(labels[k][i]);
      if (c >= 0x20 && c < 0x7f) continue;
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(c));
      throw IoError(path + ": dataset '" + dataset + "' label " + std::to_string(k) +
                    " holds byte " + hex + " at position " + std::to_string(i) +
                    ", not printable ASCII; not a run file written by `nisim run`");
    }
  }
}

RunFile read_run(const h5::Location& f, const std::string& path) {
  RunFile r;
  std::vector<hsize_t> year_shape, target_shape, projected_shape, spent_shape, share_shape,
      years_shape;
  try {
    const h5::Location g = f.open_group("kpi");
    r.indicators = h5::read_strings(g, "indicator", k_max_labels);
    const std::size_t n = r.indicators.size();
    r.year = h5::read_double(g, "target_year", &year_shape, n);
    r.target = h5::read_double(g, "target", &target_shape, n);
    r.projected = h5::read_double(g, "projected", &projected_shape, n);
    r.years = h5::read_int(f, "year", &years_shape, k_max_years);
    r.schemes = h5::read_strings(f, "scheme", k_max_labels);
    r.spent = h5::read_double(f, "scheme_spent", &spent_shape, r.years.size() * r.schemes.size());
    r.share = h5::read_double(f, "mfg_share", &share_shape, r.years.size());
  } catch (const IoError&) {
    throw;
  } catch (const std::exception& e) {
    throw IoError(path + ": not a nisim run file with a KPI table (" + e.what() +
                  "); write one with `nisim run`");
  }
  expect_printable(path, "/kpi/indicator", r.indicators);
  expect_printable(path, "/scheme", r.schemes);
  const hsize_t n = r.indicators.size(), years = r.years.size(), schemes = r.schemes.size();
  expect_shape(path, "/kpi/target_year", year_shape, {n}, "one per indicator");
  expect_shape(path, "/kpi/target", target_shape, {n}, "one per indicator");
  expect_shape(path, "/kpi/projected", projected_shape, {n}, "one per indicator");
  expect_shape(path, "/scheme_spent", spent_shape, {years, schemes}, "year x scheme");
  expect_shape(path, "/mfg_share", share_shape, {years}, "one per year");
  if (years == 0) throw IoError(path + ": dataset '/year' is empty (a run has at least one year)");
  for (std::size_t k = 0; k < n; ++k) {
    if (!(r.year[k] >= -1e6 && r.year[k] <= 1e6) || r.year[k] != std::floor(r.year[k])) {
      throw IoError(path + ": dataset '/kpi/target_year' holds " + std::to_string(r.year[k]) +
                    " for '" + r.indicators[k] + "', not a year");
    }
  }
  return r;
}

/// Cumulative spending of all schemes up to `year` (the last year if beyond the run), from
/// `spent` ([year][scheme], scheme_spent or one of its purposes).
double spent_by(const RunFile& r, const std::vector<double>& spent, int year) {
  std::size_t t = r.years.size() - 1;
  for (std::size_t k = 0; k < r.years.size(); ++k) {
    if (r.years[k] == year) t = k;
  }
  double sum = 0.0;
  for (std::size_t s = 0; s < r.schemes.size(); ++s) sum += spent[t * r.schemes.size() + s];
  return sum;
}

/// The manufacturing-relevant part of scheme_spent (section 7.3), [year][scheme].
std::vector<double> spent_mfg_of(const std::string& path, const RunFile& r) {
  const h5::Location f = h5::open_file_read(path);
  if (!f.exists("scheme_spent_mfg")) {
    throw IoError(path +
                  ": no dataset scheme_spent_mfg; a run file of an older nisim: rerun it "
                  "with `nisim run`");
  }
  std::vector<hsize_t> shape;
  // At most what scheme_spent holds: a larger declared size is refused before reading.
  std::vector<double> v = h5::read_double(f, "scheme_spent_mfg", &shape, r.spent.size());
  expect_shape(path, "/scheme_spent_mfg", shape, {r.years.size(), r.schemes.size()},
               "year x scheme, as scheme_spent");
  return v;
}

double share_in(const RunFile& r, int year) {
  for (std::size_t k = 0; k < r.years.size(); ++k) {
    if (r.years[k] == year) return r.share[k];
  }
  return std::numeric_limits<double>::quiet_NaN();
}

RunFile read_run(const std::string& path) {
  return read_run(h5::open_file_read(path), path);
}

/// The NIFS additionality note (docs/model.md eq. 4.1h) for 2027, the lines indicator's year:
/// funded lines that paid without the grant. Empty for files without the series or the year.
std::string nifs_additionality_note(const h5::Location& f, const std::string& path,
                                    const RunFile& r) {
  constexpr int year = 2027;
  std::size_t t = r.years.size();
  for (std::size_t k = 0; k < r.years.size(); ++k) {
    if (r.years[k] == year) t = k;
  }
  if (t == r.years.size() || !f.exists("nifs_nonadditional_lines")) return "";
  std::vector<hsize_t> lines_shape, own_shape;
  // Bounded reads: a series longer than the run's years is refused before it is read.
  const std::vector<double> lines =
      h5::read_double(f, "nifs_funded_lines", &lines_shape, r.years.size());
  const std::vector<double> own =
      h5::read_double(f, "nifs_nonadditional_lines", &own_shape, r.years.size());
  expect_shape(path, "/nifs_funded_lines", lines_shape, {r.years.size()}, "one per year");
  expect_shape(path, "/nifs_nonadditional_lines", own_shape, {r.years.size()}, "one per year");
  char line[256];
  std::snprintf(line, sizeof line,
                "\nNIFS additionality: %.0f of the %.0f lines funded by %d would have been built "
                "without the grant (nifs_nonadditional_lines)\n",
                own[t], lines[t], year);
  return line;
}

std::string report(const h5::Location& f, const std::string& path, const RunFile& r) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-46s %6s %12s %12s  %s\n", "indicator", "year", "target",
                "projected", "met");
  out += line;
  for (std::size_t k = 0; k < r.indicators.size(); ++k) {
    const bool nan = std::isnan(r.projected[k]);
    std::snprintf(line, sizeof line, "%-46s %6.0f %12.2f %12.2f  %s\n", r.indicators[k].c_str(),
                  r.year[k], r.target[k], r.projected[k],
                  nan ? "not simulated" : (r.projected[k] >= r.target[k] ? "yes" : "no"));
    out += line;
  }
  out += nifs_additionality_note(f, path, r);
  const std::size_t last = r.years.size() - 1;
  std::snprintf(line, sizeof line, "\npublic money paid by %lld, HK$ M\n",
                static_cast<long long>(r.years[last]));
  out += line;
  double total = 0.0;
  for (std::size_t s = 0; s < r.schemes.size(); ++s) {
    const double v = r.spent[last * r.schemes.size() + s];
    total += v;
    std::snprintf(line, sizeof line, "  %-12s %12.1f\n", r.schemes[s].c_str(), v);
    out += line;
  }
  std::snprintf(line, sizeof line, "  %-12s %12.1f\n", "total", total);
  out += line;
  return out;
}

}  // namespace

std::string kpi_report(const h5::Location& run, const std::string& name) {
  return report(run, name, read_run(run, name));
}

std::string kpi_report(const std::string& path, const std::string& against) {
  const h5::Location f = h5::open_file_read(path);
  const RunFile r = read_run(f, path);
  std::string out = report(f, path, r);
  char line[256];
  if (!against.empty()) {
    const RunFile b = read_run(against);
    const double d_share = share_in(r, 2032) - share_in(b, 2032);
    const double d_all = spent_by(r, r.spent, 2032) - spent_by(b, b.spent, 2032);
    const double d_mfg =
        spent_by(r, spent_mfg_of(path, r), 2032) - spent_by(b, spent_mfg_of(against, b), 2032);
    const CostPerPoint c = cost_per_point(d_share, d_all, d_mfg);
    std::snprintf(line, sizeof line,
                  "\nagainst %s, in 2032: share %+.3f pp, public money %+.1f HK$ M by 2032 "
                  "(manufacturing-relevant %+.1f HK$ M)\n",
                  against.c_str(), d_share, d_all, d_mfg);
    out += line;
    if (std::isnan(c.per_point_all)) {
      out += "cost per percentage point of share gained: undefined (no share gained)\n";
    } else {
      std::snprintf(line, sizeof line,
                    "cost per percentage point of share gained: HK$ %.0f M\n"
                    "  counting manufacturing-relevant money only: HK$ %.0f M\n",
                    c.per_point_all, c.per_point_mfg);
      out += line;
    }
  }
  return out;
}

}  // namespace nisim::hk
