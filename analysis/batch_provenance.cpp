// Provenance of a batch output (analysis/batch_provenance.hpp).
#include "analysis/batch_provenance.hpp"

#include <cmath>
#include <string>
#include <variant>
#include <vector>

#include "engine/params.hpp"
#include "engine/rng.hpp"

namespace nisim::hk {

void write_replication_seeds(const h5::Location& loc, std::uint64_t master,
                             std::int64_t replications) {
  std::vector<std::uint64_t> seeds(static_cast<std::size_t>(replications));
  for (std::size_t r = 0; r < seeds.size(); ++r) seeds[r] = derive_seed(master, r);
  h5::write_uint(loc, "replication_seed", seeds, {seeds.size()}, {"replication"},
                 {"1", "seed of replication r in every scenario: derive_seed(master seed, r)"});
}

void write_resolved_params(const h5::Location& loc, const Params& params,
                           const std::vector<Shock>& shocks) {
  const std::vector<ParamSpec> schema = param_schema(params);  // params' values as defaults
  std::vector<std::string> keys;
  std::vector<double> values;
  std::string toml =
      "# Every parameter of this scenario as the batch ran it (before shocks; run.seed is\n"
      "# replaced by replication_seed in a batch).\n";
  for (const ParamSpec& s : schema) {
    keys.push_back(s.key);
    const ParamValue& v = s.default_value;
    double x = std::nan("");
    if (const auto* d = std::get_if<double>(&v)) x = *d;
    if (const auto* i = std::get_if<std::int64_t>(&v)) x = static_cast<double>(*i);
    if (const auto* b = std::get_if<bool>(&v)) x = *b ? 1.0 : 0.0;
    values.push_back(x);
    toml += s.key + " = " + to_toml(v) + "\n";
  }
  for (const Shock& s : shocks) {  // in the order they apply (by year, then file position)
    toml += "\n[[shock]]\nyear = " + std::to_string(s.year) + "\nset = { \"" + s.key +
            "\" = " + to_toml(s.value) + " }\n";
  }
  const h5::Location g = loc.create_group("param");
  g.set_attr("scenario_toml", toml);
  h5::write_dim_str(g, "key", keys, {"1", "scenario parameter (nisim params)"});
  h5::write_double(g, "value", values, {keys.size()}, {"key"},
                   {"parameter unit (nisim params)",
                    "resolved value: real or integer; boolean 1 or 0; NaN for text and series "
                    "(see scenario_toml)"});
}

}  // namespace nisim::hk
