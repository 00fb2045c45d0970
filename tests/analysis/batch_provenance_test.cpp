// Provenance of a batch output (analysis/batch_provenance.hpp): the resolved parameters of a
// scenario are stored as numbers and as a scenario file that loads back to the same parameters;
// the replication seeds are derive_seed(master, r).
#include "analysis/batch_provenance.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "engine/hdf5.hpp"
#include "engine/rng.hpp"
#include "models/params.hpp"
#include "test_support.hpp"

namespace nisim::hk {
namespace {

class BatchProvenanceTest : public test::TempDirTest {};

std::vector<ParamSpec> schema_of(Params p) {
  return collect_schema([&p](ParamBinder& b) { bind_params(p, b); });
}

TEST_F(BatchProvenanceTest, ResolvedParametersReloadToTheSameParameters) {
  // A scenario with inherited, overridden and default values.
  const Scenario sc = test::scenario_text(
      "inherit = \"small.toml\"\n[firms]\ncount = 1234\n[schemes.nifs]\nenabled = false\n"
      "[[shock]]\nyear = 2019\nset = { \"firms.exit_hazard_mature\" = 0.08, "
      "\"schemes.nifs.enabled\" = true }\n"
      "[[shock]]\nyear = 2018\nset = { \"macro.real_growth\" = [[2018, 0.01]] }\n");
  ASSERT_EQ(sc.shocks.size(), 3u);
  const Params params = params_from(sc);
  {
    h5::AtomicFile file(dir_ / "p.h5", false);
    write_resolved_params(file.root(), params, sc.shocks);
    const std::vector<std::int32_t> reps = {0, 1, 2, 3, 4};
    h5::write_dim_int(file.root(), "replication", reps, {"1", "replication"});
    write_replication_seeds(file.root(), 4242, 5);
    file.commit();
  }
  const auto f = h5::open_file_read(dir_ / "p.h5");
  const auto g = f.open_group("param");
  const std::vector<std::string> keys = h5::read_strings(g, "key");
  const std::vector<double> values = h5::read_double(g, "value");
  const std::vector<ParamSpec> schema = schema_of(params);
  ASSERT_EQ(keys.size(), schema.size());
  ASSERT_EQ(values.size(), schema.size());
  std::size_t numbers = 0;
  for (std::size_t k = 0; k < schema.size(); ++k) {
    EXPECT_EQ(keys[k], schema[k].key);
    const ParamValue& v = schema[k].default_value;
    if (const auto* d = std::get_if<double>(&v)) {
      EXPECT_EQ(std::memcmp(&values[k], d, sizeof(double)), 0) << keys[k];
      ++numbers;
    } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
      EXPECT_EQ(values[k], static_cast<double>(*i)) << keys[k];
      ++numbers;
    } else if (const auto* b = std::get_if<bool>(&v)) {
      EXPECT_EQ(values[k], *b ? 1.0 : 0.0) << keys[k];
    } else {
      EXPECT_TRUE(std::isnan(values[k])) << keys[k];
    }
    if (keys[k] == "firms.count") {
      EXPECT_EQ(values[k], 1234.0);
    }
    if (keys[k] == "schemes.nifs.enabled") {
      EXPECT_EQ(values[k], 0.0);
    }
  }
  EXPECT_GT(numbers, 50u);
  // The stored scenario file loads back to exactly these parameters (text and series too).
  const Scenario back = load_scenario_text(g.attr_string("scenario_toml"), dir_ / "back.toml");
  const std::vector<ParamSpec> reloaded = schema_of(params_from(back));
  ASSERT_EQ(reloaded.size(), schema.size());
  for (std::size_t k = 0; k < schema.size(); ++k) {
    EXPECT_EQ(to_toml(reloaded[k].default_value), to_toml(schema[k].default_value))
        << schema[k].key;
  }
  // And the same shocks, in the same order.
  ASSERT_EQ(back.shocks.size(), sc.shocks.size());
  for (std::size_t k = 0; k < sc.shocks.size(); ++k) {
    EXPECT_EQ(back.shocks[k].year, sc.shocks[k].year);
    EXPECT_EQ(back.shocks[k].key, sc.shocks[k].key);
    EXPECT_EQ(to_toml(back.shocks[k].value), to_toml(sc.shocks[k].value));
  }
  // The seeds: stored as uint64, replication r's is derive_seed(master, r) (read back as int64,
  // so only those below 2^63 compare here; tests/tools/test_batch_provenance.py reads all).
  std::vector<hsize_t> shape;
  const std::vector<std::int64_t> seeds = h5::read_int(f, "replication_seed", &shape);
  ASSERT_EQ(shape, (std::vector<hsize_t>{5}));
  EXPECT_EQ(h5::dim_names(f, "replication_seed"), (std::vector<std::string>{"replication"}));
  std::size_t compared = 0;
  for (std::size_t r = 0; r < 5; ++r) {
    const std::uint64_t expected = derive_seed(4242, r);
    if (expected > static_cast<std::uint64_t>(INT64_MAX)) continue;
    EXPECT_EQ(static_cast<std::uint64_t>(seeds[r]), expected) << r;
    ++compared;
  }
  EXPECT_GT(compared, 0u);
}

}  // namespace
}  // namespace nisim::hk
