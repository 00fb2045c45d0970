// The report's attribution panel (analysis/report/report.hpp; docs/report.md): read from a file
// `nisim attribute` wrote (analysis/attribution.cpp; its layout in docs/batches.md section 8).
// The Shapley values, additionality and costs are those the file holds: nothing is recomputed.
#include <algorithm>
#include <cmath>

#include "analysis/report/report.hpp"
#include "engine/error.hpp"
#include "engine/hdf5.hpp"

namespace nisim::hk::report {

namespace {

class AttributionReader {
 public:
  explicit AttributionReader(std::string file) : file_(std::move(file)) {}
  [[noreturn]] void fail(const std::string& why) const {
    throw IoError(file_ + ": " + why +
                  "; `nisim report --attribution` reads files written by `nisim attribute`");
  }
  std::string text(const h5::Location& loc, const std::string& name) const {
    try {
      return loc.attr_string(name);
    } catch (const Error&) {
      fail("not an attribution file (no readable string attribute '" + name + "')");
    }
  }
  std::int64_t integer(const h5::Location& loc, const std::string& name) const {
    try {
      return loc.attr_int(name);
    } catch (const Error&) {
      fail("not an attribution file (no readable integer attribute '" + name + "')");
    }
  }
  std::vector<double> data(const h5::Location& loc, const std::string& name,
                           const std::vector<hsize_t>& shape) const {
    std::size_t n = 1;
    for (const hsize_t s : shape) n *= s;
    if (!loc.exists(name)) fail("no dataset '" + name + "'");
    std::vector<hsize_t> got;
    std::vector<double> v = h5::read_double(loc, name, &got, n);
    if (got != shape) fail("dataset '" + name + "' has an unexpected shape");
    return v;
  }
  std::vector<std::string> scale(const h5::Location& loc, const std::string& name) const {
    if (!loc.exists(name)) fail("no '" + name + "' scale");
    std::vector<std::string> v = h5::read_strings(loc, name, 1000);
    if (v.empty()) fail("an empty '" + name + "' scale");
    return v;
  }

 private:
  std::string file_;
};

}  // namespace

AttributionPanel read_attribution_panel(const std::filesystem::path& path) {
  AttributionPanel a;
  a.file = path.string();
  const AttributionReader in(a.file);
  const h5::Location root = h5::open_file_read(path);
  const std::string title = in.text(root, "title");
  if (title.rfind("nisim attribute: ", 0) != 0) {
    in.fail("not an attribution file (its title is '" + title.substr(0, 80) + "')");
  }
  a.attribution_path = in.text(root, "attribution_path");
  a.method = in.text(root, "method");
  a.version = in.text(root, "nisim_version");
  a.commit = in.text(root, "git_commit");
  a.year = in.integer(root, "year");
  a.replications = in.integer(root, "replications");
  a.groups = in.scale(root, "group");
  const std::vector<std::string> outcomes = in.scale(root, "outcome");
  const auto outcome = [&](const std::string& name) {
    const auto it = std::find(outcomes.begin(), outcomes.end(), name);
    if (it == outcomes.end()) in.fail("no outcome '" + name + "'");
    return static_cast<std::size_t>(it - outcomes.begin());
  };
  const std::size_t share = outcome("mfg_share"), money = outcome("public_money");
  const hsize_t K = a.groups.size(), O = outcomes.size();
  // Per group and outcome: name_mean, name_ci_low, name_ci_high of shape (group, outcome).
  const auto by_group = [&](const std::string& name, std::size_t o) {
    const std::vector<double> m = in.data(root, name + "_mean", {K, O});
    const std::vector<double> lo = in.data(root, name + "_ci_low", {K, O});
    const std::vector<double> hi = in.data(root, name + "_ci_high", {K, O});
    std::vector<Estimate> out(K);
    for (hsize_t k = 0; k < K; ++k) out[k] = {m[k * O + o], lo[k * O + o], hi[k * O + o]};
    return out;
  };
  a.shapley_share = by_group("shapley", share);
  a.shapley_money = by_group("shapley", money);
  a.additionality = by_group("additionality", share);
  const std::vector<double> tm = in.data(root, "total_effect_mean", {O});
  const std::vector<double> tl = in.data(root, "total_effect_ci_low", {O});
  const std::vector<double> th = in.data(root, "total_effect_ci_high", {O});
  a.total_share = {tm[share], tl[share], th[share]};
  a.total_money = {tm[money], tl[money], th[money]};
  const auto cost = [&](const std::string& name) {
    const std::vector<double> m = in.data(root, name, {K});
    const std::vector<double> lo = in.data(root, name + "_ci_low", {K});
    const std::vector<double> hi = in.data(root, name + "_ci_high", {K});
    std::vector<Estimate> out(K);
    for (hsize_t k = 0; k < K; ++k) out[k] = {m[k], lo[k], hi[k]};
    return out;
  };
  a.cost_per_pp = cost("cost_per_pp_all");
  a.cost_per_pp_mfg = cost("cost_per_pp_mfg");
  return a;
}

}  // namespace nisim::hk::report
