// Attribution of the policy effect to scheme groups (analysis/attribution.hpp; docs/batches.md
// "Attribution").
#include "analysis/attribution.hpp"

#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <span>

#include "engine/error.hpp"
#include "engine/file_guard.hpp"
#include "engine/hdf5.hpp"
#include "engine/jobs.hpp"
#include "engine/provenance.hpp"
#include "engine/rng.hpp"
#include "models/model.hpp"
#include "models/params.hpp"

namespace nisim::hk {

const std::vector<AttributionOutcome>& attribution_outcomes() {
  static const std::vector<AttributionOutcome> k_outcomes = {
      {"mfg_share", "percentage points", "manufacturing share of GDP (mfg_share)"},
      {"employment", "persons", "manufacturing employment, persons engaged (employment)"},
      {"public_money", "HK$ M", "public money spent by all schemes to date (sum of scheme_spent)"},
      {"public_money_mfg", "HK$ M",
       "manufacturing-relevant public money spent to date (sum of scheme_spent_mfg, section 7.3)"},
  };
  return k_outcomes;
}

namespace {

/// Stream of the permutation draws: apart from the replications' run seeds.
constexpr std::uint64_t k_permutation_stream = 0xA77121B0;

std::string where(const SourcePos& p) {
  return p.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": ";
}

/// Every parameter's resolved value by key (defaults included), to compare two scenarios.
class Recorder final : public ParamBinder {
 public:
  std::map<std::string, ParamValue> values;
  void real(std::string_view k, double& f, const ParamMeta&) override { put(k, f); }
  void integer(std::string_view k, std::int64_t& f, const ParamMeta&) override { put(k, f); }
  void boolean(std::string_view k, bool& f, const ParamMeta&) override { put(k, f); }
  void text(std::string_view k, std::string& f, const ParamMeta&,
            const std::vector<std::string>&) override {
    put(k, f);
  }
  void series(std::string_view k, Series& f, const ParamMeta&) override { put(k, f); }

 private:
  void put(std::string_view k, const ParamValue& v) { values[std::string(k)] = v; }
};

std::map<std::string, ParamValue> resolved(const Scenario& sc) {
  Params p = params_from(sc);
  Recorder r;
  bind_params(p, r);
  return r.values;
}

/// The base with the groups outside coalition `s` switched off.
Scenario coalition_scenario(const Scenario& base, const Attribution& a, Coalition s) {
  Scenario sc = base;
  for (std::size_t i = 0; i < a.groups.size(); ++i) {
    if ((s >> i & 1U) != 0) continue;
    for (const auto& [key, value] : a.groups[i].off) sc.values[key] = value;
  }
  return sc;
}

/// The counterfactual must be the base with every group off: same resolved parameters and
/// shocks. Otherwise the total effect would hold a part no group explains.
void check_counterfactual(const Scenario& all_off, const Scenario& cf, const Attribution& a) {
  const auto x = resolved(all_off), y = resolved(cf);
  for (const auto& [key, value] : x) {
    const auto it = y.find(key);
    if (it != y.end() && it->second == value) continue;
    throw ScenarioError(
        where(a.counterfactual_pos) +
        "key 'attribution.counterfactual': " + a.counterfactual.string() + " sets '" + key +
        "' to " + (it == y.end() ? std::string("nothing") : to_toml(it->second)) +
        " but the base with every group off has " + to_toml(value) +
        "; the groups must switch off every difference (add the key to a group's off)");
  }
  const auto shock_text = [](const Scenario& s) {
    std::vector<std::string> out;
    for (const Shock& k : s.shocks) {
      out.push_back(std::to_string(k.year) + " " + k.key + " = " + to_toml(k.value));
    }
    return out;
  };
  if (shock_text(all_off) != shock_text(cf)) {
    throw ScenarioError(where(a.counterfactual_pos) +
                        "key 'attribution.counterfactual': its [[shock]]s differ from the "
                        "base's; shocks cannot be switched off by a group");
  }
}

/// One run of the attribution: coalition `s` (or the counterfactual) in replication r.
struct Job {
  Coalition s = 0;
  bool counterfactual = false;
  std::size_t r = 0;
};

/// The outcomes of a run in year index t (attribution_outcomes() order).
void outcomes_of(const History& h, std::size_t t, std::vector<double>& values) {
  const std::size_t n = h.scheme_names.size();
  double all = 0.0, mfg = 0.0;
  for (std::size_t s = 0; s < n; ++s) {
    all += h.scheme_spent[t * n + s];
    mfg += h.scheme_spent_mfg[t * n + s];
  }
  values = {h.mfg_share_pct[t], h.employment[t], all, mfg};
}

/// NAME_mean, _se, _ci_low and _ci_high of statistics `s` (row-major, of `shape` over `dims`).
void write_stats(const h5::Location& g, const std::string& name, const std::vector<MeanCi>& s,
                 const std::vector<hsize_t>& shape, const std::vector<std::string>& dims,
                 const std::string& what) {
  std::vector<double> mean, se, lo, hi;
  for (const MeanCi& c : s) {
    mean.push_back(c.mean), se.push_back(c.se), lo.push_back(c.low), hi.push_back(c.high);
  }
  h5::write_double(g, name + "_mean", mean, shape, dims, {"outcome units", what + ", mean"});
  h5::write_double(g, name + "_se", se, shape, dims, {"outcome units", what + ", standard error"});
  h5::write_double(g, name + "_ci_low", lo, shape, dims,
                   {"outcome units", what + ", 95% confidence bound (low), Student t"});
  h5::write_double(g, name + "_ci_high", hi, shape, dims,
                   {"outcome units", what + ", 95% confidence bound (high), Student t"});
}

void write_cost(const h5::Location& g, const std::string& name, const std::vector<MeanCi>& c,
                const MeanCi& package, const std::string& what) {
  std::vector<double> mean, lo, hi;
  for (const MeanCi& x : c) mean.push_back(x.mean), lo.push_back(x.low), hi.push_back(x.high);
  const std::vector<hsize_t> shape{c.size()};
  h5::write_double(g, name, mean, shape, {"group"}, {"HK$ M per percentage point", what});
  h5::write_double(g, name + "_ci_low", lo, shape, {"group"},
                   {"HK$ M per percentage point", what + ", 95% bound (low), delta method"});
  h5::write_double(g, name + "_ci_high", hi, shape, {"group"},
                   {"HK$ M per percentage point", what + ", 95% bound (high), delta method"});
  g.set_attr("package_" + name, package.mean);
  g.set_attr("package_" + name + "_ci_low", package.low);
  g.set_attr("package_" + name + "_ci_high", package.high);
}

/// The base and counterfactual with attribution.set applied, checked: every group's keys,
/// the year, and the counterfactual against the base with every group off.
struct Prepared {
  Scenario base, cf;
  Params base_params;
};

Prepared prepare(const Attribution& a) {
  Scenario base = load_scenario(a.base);
  Scenario cf = load_scenario(a.counterfactual);
  apply_overrides(base, a.overrides);
  apply_overrides(cf, a.overrides);
  for (const auto& [key, value] : a.set) {
    for (const AttributionGroup& g : a.groups) {
      if (g.off.contains(key)) {
        throw ScenarioError(where(value.second) + "key '" + key +
                            "' (in attribution.set): group '" + g.name +
                            "' switches it off; a key is either set everywhere or in a group");
      }
    }
    base.values[key] = value;
    cf.values[key] = value;
  }
  const std::size_t k = a.groups.size();
  const Coalition all = (Coalition{1} << k) - 1;
  const Params base_params = params_from(base);
  for (std::size_t i = 0; i < k; ++i) {  // each group's keys alone: errors name their line
    params_from(coalition_scenario(base, a, all & ~(Coalition{1} << i)));
  }
  if (a.year <= base_params.base_year || a.year > base_params.horizon) {
    throw ScenarioError(where(a.pos) + "key 'attribution.year': " + std::to_string(a.year) +
                        " is outside the simulated years " +
                        std::to_string(base_params.base_year + 1) + "-" +
                        std::to_string(base_params.horizon));
  }
  check_counterfactual(coalition_scenario(base, a, 0), cf, a);
  return {std::move(base), std::move(cf), base_params};
}

}  // namespace

void validate_attribution(const Attribution& a) {
  prepare(a);
}

AttributionResult run_attribution(const Attribution& a, const std::filesystem::path& out,
                                  const AttributionOptions& options) {
  // 1. Build and validate every scenario before anything runs or any file is created.
  const Prepared prepared = prepare(a);
  const Scenario &base = prepared.base, &cf = prepared.cf;
  const Params& base_params = prepared.base_params;
  const std::size_t k = a.groups.size(), R = static_cast<std::size_t>(a.replications);
  const Coalition all = (Coalition{1} << k) - 1;
  const auto t_year = static_cast<std::size_t>(a.year - base_params.base_year);

  // 2. The coalitions each replication needs: all 2^k (exact), or the prefixes of its sampled
  // permutations plus the full package less each group (additionality).
  const bool exact = a.permutations == 0;
  const auto M = static_cast<std::size_t>(a.permutations);
  const std::uint64_t perm_seed = derive_seed(a.seed, k_permutation_stream);
  std::vector<Job> jobs;
  std::vector<std::map<Coalition, std::size_t>> job_of(R);  // per replication: coalition -> job
  std::vector<std::size_t> cf_job(R);
  std::map<Coalition, std::size_t> coalition_index;
  for (std::size_t r = 0; r < R; ++r) {
    std::vector<Coalition> need;
    if (exact) {
      for (Coalition s = 0; s <= all; ++s) need.push_back(s);
    } else {
      for (const auto& p : sample_permutations(k, M, perm_seed, r)) {
        for (const Coalition s : prefixes(p)) need.push_back(s);
      }
      for (std::size_t i = 0; i < k; ++i) need.push_back(all & ~(Coalition{1} << i));
    }
    std::sort(need.begin(), need.end());
    need.erase(std::unique(need.begin(), need.end()), need.end());
    for (const Coalition s : need) {
      job_of[r][s] = jobs.size();
      coalition_index.emplace(s, 0);
      jobs.push_back({s, false, r});
    }
    cf_job[r] = jobs.size();
    jobs.push_back({0, true, r});
  }
  std::vector<Coalition> coalitions;
  for (auto& [s, index] : coalition_index) {
    index = coalitions.size();
    coalitions.push_back(s);
  }
  // Scenarios by coalition, built (and their parameters checked) once.
  std::map<Coalition, Scenario> scenarios;
  for (const Coalition s : coalitions) {
    scenarios.emplace(s, coalition_scenario(base, a, s));
    params_from(scenarios.at(s));
  }

  check_not_input(out, {a.path, a.base, a.counterfactual});
  h5::AtomicFile file(out, options.force);
  oneapi::tbb::task_arena arena(options.threads > 0 ? options.threads
                                                    : oneapi::tbb::task_arena::automatic);

  // 3. The runs. With common random numbers every coalition of replication r runs on seed
  // derive_seed(seed, r); without, coalition S on derive_seed(seed, r + R (S + 1)) (the
  // counterfactual shares the empty coalition's seed, so efficiency holds in both cases).
  const std::size_t O = o_count;
  const auto seed_of = [&](const Job& j) {
    if (a.common_random_numbers || j.counterfactual) {
      return derive_seed(a.seed, a.common_random_numbers ? j.r : j.r + R);
    }
    return derive_seed(a.seed, j.r + R * (static_cast<std::size_t>(j.s) + 1));
  };
  std::vector<double> results(jobs.size() * O, std::nan(""));
  std::vector<std::uint64_t> pending(jobs.size());
  for (std::size_t j = 0; j < jobs.size(); ++j) pending[j] = j;
  std::size_t done = 0;
  const auto t0 = std::chrono::steady_clock::now();
  run_jobs(
      pending, O, arena,
      [&](std::uint64_t j, std::vector<double>& values) {
        const Job& job = jobs[j];
        RunOptions ro;
        ro.seed = seed_of(job);
        ro.threads = 1;
        try {
          outcomes_of(run(job.counterfactual ? cf : scenarios.at(job.s), ro).history, t_year,
                      values);
        } catch (const ModelError& e) {
          throw ModelError((job.counterfactual ? std::string("counterfactual")
                                               : "coalition " + std::to_string(job.s)) +
                           ", replication " + std::to_string(job.r) + ": " + e.what());
        }
      },
      [&](std::uint64_t j, std::span<const double> values) {
        std::copy(values.begin(), values.end(), results.begin() + static_cast<long>(j * O));
        if (options.progress) options.progress(++done, jobs.size());
      });
  AttributionResult res;
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  res.runs = jobs.size();
  res.coalitions = coalitions.size();
  for (const AttributionGroup& g : a.groups) res.groups.push_back(g.name);

  // 4. Per replication and outcome: Shapley values, additionality, total effect; efficiency
  // checked exactly (up to rounding) on every one.
  // phi[i][o][r], add[i][o][r], total[o][r]
  std::vector<std::vector<std::vector<double>>> phi(
      k, std::vector<std::vector<double>>(O, std::vector<double>(R))),
      add = phi;
  std::vector<std::vector<double>> total(O, std::vector<double>(R));
  for (std::size_t r = 0; r < R; ++r) {
    const auto perms =
        exact ? std::vector<std::vector<std::size_t>>{} : sample_permutations(k, M, perm_seed, r);
    for (std::size_t o = 0; o < O; ++o) {
      const auto v = [&](Coalition s) { return results[job_of[r].at(s) * O + o]; };
      std::vector<double> p;
      if (exact) {
        std::vector<double> vs(std::size_t{1} << k);
        for (Coalition s = 0; s <= all; ++s) vs[s] = v(s);
        p = shapley_exact(k, vs);
      } else {
        p = shapley_permutations(k, perms, v);
      }
      total[o][r] = v(all) - results[cf_job[r] * O + o];
      double sum = 0.0, scale = std::abs(v(all)) + std::abs(v(0));
      for (std::size_t i = 0; i < k; ++i) {
        phi[i][o][r] = p[i];
        add[i][o][r] = v(all) - v(all & ~(Coalition{1} << i));
        sum += p[i];
        scale += std::abs(p[i]);
      }
      if (!(std::abs(sum - total[o][r]) <= 1e-9 * (1.0 + scale))) {
        throw ModelError("efficiency check failed: replication " + std::to_string(r) + ", " +
                         attribution_outcomes()[o].name + ": the Shapley values sum to " +
                         std::to_string(sum) + " but base - counterfactual is " +
                         std::to_string(total[o][r]) +
                         " (the counterfactual run differs from the base with every group off)");
      }
    }
  }
  res.shapley.assign(k, std::vector<MeanCi>(O));
  res.additionality = res.shapley;
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t o = 0; o < O; ++o) {
      res.shapley[i][o] = mean_ci(phi[i][o]);
      res.additionality[i][o] = mean_ci(add[i][o]);
    }
    // Cost per pp of share attributed (docs/batches.md): Shapley money over Shapley share,
    // undefined (NaN) when the group's share is not above 1e-6 pp (eq. 7.3a's rule).
    res.cost_all.push_back(ratio_ci(phi[i][o_money], phi[i][o_share], 1e-6));
    res.cost_mfg.push_back(ratio_ci(phi[i][o_money_mfg], phi[i][o_share], 1e-6));
  }
  for (std::size_t o = 0; o < O; ++o) res.total.push_back(mean_ci(total[o]));
  res.package_cost_all = ratio_ci(total[o_money], total[o_share], 1e-6);
  res.package_cost_mfg = ratio_ci(total[o_money_mfg], total[o_share], 1e-6);

  // 5. The output file.
  const h5::Location& root = file.root();
  root.set_attr("title", "nisim attribute: " + a.path.filename().string());
  write_provenance(root);
  root.set_attr("attribution_path", a.path.string());
  root.set_attr("attribution_text", a.text);
  root.set_attr("base_text", base.text);
  root.set_attr("counterfactual_text", cf.text);
  root.set_attr("seed", a.seed);
  root.set_attr("replications", a.replications);
  root.set_attr("year", a.year);
  root.set_attr("method", exact ? std::string("exact") : std::string("permutations"));
  root.set_attr("permutations", a.permutations);
  root.set_attr("common_random_numbers", static_cast<std::int64_t>(a.common_random_numbers));
  root.set_attr("threads", static_cast<std::int64_t>(arena.max_concurrency()));
  root.set_attr("seconds", res.seconds);
  std::vector<std::string> outcome_names;
  for (const AttributionOutcome& x : attribution_outcomes()) outcome_names.emplace_back(x.name);
  std::string units;
  for (const AttributionOutcome& x : attribution_outcomes()) {
    units += (units.empty() ? "" : ", ") + std::string(x.name) + ": " + x.units;
  }
  root.set_attr("outcome_units", units);
  h5::write_dim_str(root, "group", res.groups, {"1", "scheme group (a Shapley player)"});
  h5::write_dim_str(root, "outcome", outcome_names, {"1", "outcome attributed"});
  std::vector<std::int32_t> reps(R), cidx(coalitions.size());
  for (std::size_t r = 0; r < R; ++r) reps[r] = static_cast<std::int32_t>(r);
  for (std::size_t c = 0; c < coalitions.size(); ++c) cidx[c] = static_cast<std::int32_t>(c);
  h5::write_dim_int(root, "replication", reps, {"1", "replication (common random numbers)"});
  h5::write_dim_int(root, "coalition", cidx, {"1", "coalition run (see coalition_members)"});
  std::vector<std::int64_t> members;
  for (const Coalition s : coalitions) {
    for (std::size_t i = 0; i < k; ++i) members.push_back((s >> i & 1U) != 0 ? 1 : 0);
  }
  h5::write_int(root, "coalition_members", members, {coalitions.size(), k}, {"coalition", "group"},
                {"1", "1 if the group is on in the coalition (the others are switched off)"});
  std::vector<double> values(coalitions.size() * R * O, std::nan(""));
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    if (jobs[j].counterfactual) continue;
    const std::size_t c = coalition_index.at(jobs[j].s);
    for (std::size_t o = 0; o < O; ++o) {
      values[(c * R + jobs[j].r) * O + o] = results[j * O + o];
    }
  }
  h5::write_double(root, "coalition_values", values, {coalitions.size(), R, O},
                   {"coalition", "replication", "outcome"},
                   {"outcome units",
                    "outcome of each coalition in each replication in year "
                    "(NaN: not run)"});
  std::vector<double> cfv(R * O), flat_phi, flat_add, flat_total;
  for (std::size_t r = 0; r < R; ++r) {
    for (std::size_t o = 0; o < O; ++o) cfv[r * O + o] = results[cf_job[r] * O + o];
  }
  h5::write_double(root, "counterfactual_values", cfv, {R, O}, {"replication", "outcome"},
                   {"outcome units", "outcome of the counterfactual in each replication"});
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t o = 0; o < O; ++o) {
      flat_phi.insert(flat_phi.end(), phi[i][o].begin(), phi[i][o].end());
      flat_add.insert(flat_add.end(), add[i][o].begin(), add[i][o].end());
    }
  }
  for (std::size_t o = 0; o < O; ++o)
    flat_total.insert(flat_total.end(), total[o].begin(), total[o].end());
  h5::write_double(root, "shapley", flat_phi, {k, O, R}, {"group", "outcome", "replication"},
                   {"outcome units", "Shapley value of the group in each replication"});
  h5::write_double(root, "additionality", flat_add, {k, O, R}, {"group", "outcome", "replication"},
                   {"outcome units", "full package - package without the group, per replication"});
  h5::write_double(root, "total_effect", flat_total, {O, R}, {"outcome", "replication"},
                   {"outcome units", "base - counterfactual, per replication"});
  std::vector<MeanCi> flat_shapley, flat_additionality;
  for (std::size_t i = 0; i < k; ++i) {
    flat_shapley.insert(flat_shapley.end(), res.shapley[i].begin(), res.shapley[i].end());
    flat_additionality.insert(flat_additionality.end(), res.additionality[i].begin(),
                              res.additionality[i].end());
  }
  write_stats(root, "shapley", flat_shapley, {k, O}, {"group", "outcome"},
              "Shapley value over replications");
  write_stats(root, "additionality", flat_additionality, {k, O}, {"group", "outcome"},
              "additionality over replications");
  write_stats(root, "total_effect", res.total, {O}, {"outcome"}, "total effect over replications");
  write_cost(root, "cost_per_pp_all", res.cost_all, res.package_cost_all,
             "Shapley public money / Shapley share (HK$ M per pp)");
  write_cost(root, "cost_per_pp_mfg", res.cost_mfg, res.package_cost_mfg,
             "Shapley manufacturing-relevant money / Shapley share (HK$ M per pp)");
  file.commit();
  return res;
}

}  // namespace nisim::hk
