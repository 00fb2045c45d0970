// Parameter draws from a fit (analysis/parameter_draws.hpp; docs/batches.md, "Parameter
// uncertainty").
#include "analysis/parameter_draws.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>

#include "analysis/sha256.hpp"
#include "engine/error.hpp"
#include "models/params.hpp"

namespace nisim::hk {
namespace {

std::string where(const SourcePos& p) {
  return p.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": ";
}

Eigen::VectorXd vector_of(const std::vector<double>& v) {
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Fit read_fit(const std::filesystem::path& path, const SourcePos& pos) {
  const std::string head = where(pos) + "key 'parameters.fit': " + path.string();
  if (!std::filesystem::is_regular_file(path)) throw ScenarioError(head + ": no such file");
  Fit f;
  f.path = path;
  try {
    const h5::Location root = h5::open_file_read(path);
    std::string title;
    try {
      title = root.attr_string("title");
    } catch (const Error&) {
    }
    if (title.rfind("nisim calibrate", 0) != 0) {
      throw ScenarioError(head + ": not a fit of `nisim calibrate` (its title is '" + title +
                          "'); make one with `nisim calibrate CALIB.toml -o FIT.h5`");
    }
    f.keys = h5::read_strings(root, "parameter");
    const std::size_t d = f.keys.size();
    f.estimate = vector_of(h5::read_double(root, "estimate"));
    f.se = vector_of(h5::read_double(root, "se"));
    f.lo = vector_of(h5::read_double(root, "bound_min"));
    f.hi = vector_of(h5::read_double(root, "bound_max"));
    const std::vector<double> cov = h5::read_double(root, "covariance");
    const std::vector<std::int64_t> identified = h5::read_int(root, "identified");
    const auto n = static_cast<Eigen::Index>(d);
    if (d == 0 || f.estimate.size() != n || f.se.size() != n || f.lo.size() != n ||
        f.hi.size() != n || cov.size() != d * d || identified.size() != d) {
      throw ScenarioError(head + ": the fit's datasets do not agree in size (" + std::to_string(d) +
                          " parameters)");
    }
    f.covariance.resize(n, n);
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index j = 0; j < n; ++j)
        f.covariance(i, j) = cov[static_cast<std::size_t>(i * n + j)];
    }
    for (const std::int64_t v : identified) f.identified.push_back(v != 0);
  } catch (const ScenarioError&) {
    throw;
  } catch (const Error& e) {
    throw ScenarioError(head + ": not a fit of `nisim calibrate` (" + e.what() + ")");
  }
  f.sha256 = sha256_hex(file_bytes(path));
  return f;
}

double reflect(double x, double lo, double hi) {
  if (!std::isfinite(x)) return x;
  const double w = hi - lo;
  double u = std::fmod(x - lo, 2.0 * w);  // fold with period 2w
  if (u < 0.0) u += 2.0 * w;
  return lo + (u <= w ? u : 2.0 * w - u);
}

std::string ParameterDraws::not_drawn() const {
  std::string out;
  for (std::size_t j = 0; j < fit.keys.size(); ++j) {
    if (std::find(drawn.begin(), drawn.end(), j) == drawn.end()) {
      out += (out.empty() ? "" : ", ") + fit.keys[j];
    }
  }
  return out;
}

Eigen::MatrixXd covariance_factor(const Eigen::MatrixXd& c, const std::string& where) {
  if (!c.allFinite()) throw ScenarioError(where + ": the covariance is not finite");
  const Eigen::LLT<Eigen::MatrixXd> llt(c);
  if (llt.info() == Eigen::Success) return llt.matrixL();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(c);
  const Eigen::VectorXd& l = eig.eigenvalues();
  const double scale = std::max(1e-300, l.cwiseAbs().maxCoeff());
  if (l.minCoeff() < -1e-9 * scale) {
    throw ScenarioError(where + ": the covariance is not positive semi-definite (eigenvalue " +
                        std::to_string(l.minCoeff()) + ")");
  }
  return eig.eigenvectors() * l.cwiseMax(0.0).cwiseSqrt().asDiagonal() *
         eig.eigenvectors().transpose();
}

Eigen::VectorXd draw_vector(const Fit& fit, const std::vector<std::size_t>& drawn,
                            const Eigen::MatrixXd& factor, std::uint64_t seed, std::size_t k) {
  const Rng rng(seed);
  const auto m = static_cast<Eigen::Index>(drawn.size());
  Eigen::VectorXd z(m);
  for (Eigen::Index i = 0; i < m; ++i) {
    z(i) = rng.normal(0, k, k_parameter_draw, static_cast<std::uint16_t>(i));
  }
  const Eigen::VectorXd x = factor * z;
  Eigen::VectorXd out = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(fit.keys.size()),
                                                  std::numeric_limits<double>::quiet_NaN());
  for (Eigen::Index i = 0; i < m; ++i) {
    const auto j = static_cast<Eigen::Index>(drawn[static_cast<std::size_t>(i)]);
    out(j) = reflect(fit.estimate(j) + x(i), fit.lo(j), fit.hi(j));
  }
  return out;
}

ParameterDraws make_parameter_draws(const Batch& batch,
                                    const std::vector<const Scenario*>& scenarios) {
  const ParameterFit& pf = batch.parameters;
  ParameterDraws d;
  d.pos = pf.fit_pos;
  d.fit = read_fit(pf.fit, pf.fit_pos);
  const Fit& f = d.fit;
  const std::string head = where(pf.fit_pos) + "key 'parameters.fit': " + f.path.string();
  const auto reps = static_cast<std::size_t>(batch.replications);
  d.draws = pf.draws > 0 ? static_cast<std::size_t>(pf.draws) : reps;
  if (d.draws > reps || reps % d.draws != 0) {
    throw ScenarioError(where(pf.draws_pos) + "key 'parameters.draws': " + std::to_string(d.draws) +
                        " draws do not divide the " + std::to_string(reps) +
                        " replications; each draw runs R / K " +
                        "replications, so K must divide R");
  }
  d.per_draw = reps / d.draws;
  // Every key a real or series parameter, not fixed by --set, its box valid in every scenario.
  const std::vector<ParamSpec> schema = param_schema();
  for (std::size_t j = 0; j < f.keys.size(); ++j) {
    const std::string& key = f.keys[j];
    const ParamSpec* spec = find_spec(schema, key);
    if (spec == nullptr) {
      throw ScenarioError(head + ": key '" + key + "' is not a parameter of the scenarios" +
                          did_you_mean(schema, key) +
                          "; was the fit made with another version of the model?");
    }
    if (spec->type != ParamType::real && spec->type != ParamType::series) {
      throw ScenarioError(head + ": key '" + key + "' is a " + std::string(type_name(spec->type)) +
                          "; only real parameters and series can be drawn");
    }
    d.types.push_back(spec->type);
    if (!(f.lo(static_cast<Eigen::Index>(j)) < f.hi(static_cast<Eigen::Index>(j)))) {
      throw ScenarioError(head + ": key '" + key + "' has bounds [" +
                          std::to_string(f.lo(static_cast<Eigen::Index>(j))) + ", " +
                          std::to_string(f.hi(static_cast<Eigen::Index>(j))) + "]");
    }
    for (const Override& o : batch.overrides) {
      if (o.key == key) {
        throw ScenarioError(where(o.pos) + "key '" + key + "': drawn from the fit " +
                            f.path.string() + "; --set cannot fix a drawn key");
      }
    }
    if (f.identified[j] && std::isfinite(f.se(static_cast<Eigen::Index>(j)))) d.drawn.push_back(j);
  }
  // The Cholesky factor of the drawn parameters' covariance block.
  const auto m = static_cast<Eigen::Index>(d.drawn.size());
  Eigen::MatrixXd block(m, m);
  for (Eigen::Index a = 0; a < m; ++a) {
    for (Eigen::Index b = 0; b < m; ++b) {
      block(a, b) = f.covariance(static_cast<Eigen::Index>(d.drawn[static_cast<std::size_t>(a)]),
                                 static_cast<Eigen::Index>(d.drawn[static_cast<std::size_t>(b)]));
    }
  }
  d.factor = m > 0 ? covariance_factor(block, head) : Eigen::MatrixXd(0, 0);
  d.values.resize(static_cast<Eigen::Index>(d.draws), static_cast<Eigen::Index>(f.keys.size()));
  for (std::size_t k = 0; k < d.draws; ++k) {
    d.values.row(static_cast<Eigen::Index>(k)) =
        draw_vector(f, d.drawn, d.factor, batch.seed, k).transpose();
  }
  // The box at both corners must be valid in every scenario (its own range rules), so no draw
  // can make a scenario invalid: errors point at the fit's line in the batch file.
  for (const Scenario* sc : scenarios) {
    for (const Eigen::VectorXd* corner : {&f.lo, &f.hi}) {
      ParameterDraws probe = d;
      probe.values = corner->transpose();
      for (Eigen::Index j = 0; j < probe.values.cols(); ++j) {
        if (std::find(d.drawn.begin(), d.drawn.end(), static_cast<std::size_t>(j)) ==
            d.drawn.end()) {
          probe.values(0, j) = std::numeric_limits<double>::quiet_NaN();
        }
      }
      params_from(with_draw(*sc, probe, 0));
    }
  }
  return d;
}

Scenario with_draw(const Scenario& sc, const ParameterDraws& d, std::size_t k) {
  Scenario out = sc;
  for (std::size_t j = 0; j < d.fit.keys.size(); ++j) {
    const double v = d.values(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(j));
    if (std::isnan(v)) continue;  // not drawn: the scenario's own value
    const std::string& key = d.fit.keys[j];
    if (d.types[j] == ParamType::series) {
      // As in the calibration: one level from the first year of the scenario's series.
      int first = 0;
      const auto set = sc.values.find(key);
      const Series* series =
          set != sc.values.end() ? std::get_if<Series>(&set->second.first) : nullptr;
      if (series != nullptr && !series->years.empty()) {
        first = series->years.front();
      } else {
        const std::vector<ParamSpec> schema = param_schema();
        const ParamSpec* s = find_spec(schema, key);
        const auto* dv = s != nullptr ? std::get_if<Series>(&s->default_value) : nullptr;
        if (dv != nullptr && !dv->years.empty()) first = dv->years.front();
      }
      out.values[key] = {Series{{first}, {v}}, d.pos};
    } else {
      out.values[key] = {v, d.pos};
    }
  }
  return out;
}

VarianceSplit variance_split(const std::vector<double>& y, std::size_t groups) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  VarianceSplit s{nan, nan, nan, nan};
  if (groups == 0 || y.size() % groups != 0) return s;
  const std::size_t m = y.size() / groups;
  std::vector<double> means(groups);
  double within = 0.0;
  for (std::size_t k = 0; k < groups; ++k) {
    double mean = 0.0;
    for (std::size_t i = 0; i < m; ++i) mean += y[k * m + i];
    mean /= static_cast<double>(m);
    means[k] = mean;
    double v = 0.0;
    for (std::size_t i = 0; i < m; ++i) v += (y[k * m + i] - mean) * (y[k * m + i] - mean);
    within += m > 1 ? v / static_cast<double>(m - 1) : nan;
  }
  within /= static_cast<double>(groups);
  double grand = 0.0;
  for (const double x : means) grand += x;
  grand /= static_cast<double>(groups);
  double between = 0.0;
  for (const double x : means) between += (x - grand) * (x - grand);
  between = groups > 1 ? between / static_cast<double>(groups - 1) : nan;
  s.between_raw = between;
  s.draws = within;
  s.parameters = std::max(0.0, between - within / static_cast<double>(m));
  if (std::isnan(between) || std::isnan(within)) s.parameters = nan;
  s.total = s.parameters + s.draws;
  return s;
}

VarianceSplit write_variance_split(const h5::Location& g, const std::string& name,
                                   const std::vector<double>& y, std::size_t groups,
                                   const std::string& units, const std::string& long_name) {
  const VarianceSplit v = variance_split(y, groups);
  if (!g.exists("variance_source")) {
    h5::write_dim_str(g, "variance_source",
                      std::vector<std::string>{"parameters", "random_draws", "total"},
                      {"1",
                       "source of variance: parameter draws, random draws within a "
                       "parameter draw, their sum (law of total variance)"});
  }
  const std::vector<double> values{v.parameters, v.draws, v.total};
  h5::write_double(g, name, values, {3}, {"variance_source"}, {units, long_name});
  return v;
}

void write_parameter_draws(const h5::Location& root, const ParameterDraws& d,
                           std::size_t replications) {
  const Fit& f = d.fit;
  root.set_attr("fit_path", f.path.string());
  root.set_attr("fit_sha256", f.sha256);
  root.set_attr("draws", static_cast<std::int64_t>(d.draws));
  root.set_attr("replications_per_draw", static_cast<std::int64_t>(d.per_draw));
  root.set_attr("parameters_not_drawn", d.not_drawn());
  root.set_attr("parameter_draws_method",
                std::string("replication r uses draw r / replications_per_draw: estimate + L z, "
                            "L the Cholesky factor of the identified parameters' covariance, z "
                            "standard normal from Rng(seed) keyed by the draw, each component "
                            "reflected into the fit's bounds; parameters not identified keep "
                            "each scenario's value (docs/batches.md)"));
  const std::size_t p = f.keys.size();
  h5::write_dim_str(root, "fit_parameter", f.keys, {"1", "parameter of the fit (scenario key)"});
  std::vector<std::int64_t> draw(replications), drawn(p, 0);
  std::vector<double> values(replications * p);
  for (std::size_t r = 0; r < replications; ++r) {
    draw[r] = static_cast<std::int64_t>(d.draw_of(r));
    for (std::size_t j = 0; j < p; ++j) {
      values[r * p + j] =
          d.values(static_cast<Eigen::Index>(d.draw_of(r)), static_cast<Eigen::Index>(j));
    }
  }
  for (const std::size_t j : d.drawn) drawn[j] = 1;
  h5::write_int(root, "draw", draw, {replications}, {"replication"},
                {"1", "parameter draw of each replication"});
  h5::write_double(root, "parameter_draws", values, {replications, p},
                   {"replication", "fit_parameter"},
                   {"parameter units",
                    "each replication's drawn parameter vector (NaN: not "
                    "drawn, the scenario's own value)"});
  h5::write_int(root, "parameter_drawn", drawn, {p}, {"fit_parameter"},
                {"1", "1 if drawn; 0 if the fit flags it not identified (no s.e.)"});
  std::vector<double> est(f.estimate.data(), f.estimate.data() + p);
  std::vector<double> se(f.se.data(), f.se.data() + p);
  h5::write_double(root, "fit_estimate", est, {p}, {"fit_parameter"},
                   {"parameter units", "the fit's estimate"});
  h5::write_double(root, "fit_se", se, {p}, {"fit_parameter"},
                   {"parameter units", "the fit's standard error (NaN: not identified)"});
}

}  // namespace nisim::hk
