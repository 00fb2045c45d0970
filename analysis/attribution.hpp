#pragma once
// Attribution of the policy effect to scheme groups (`nisim attribute`, docs/batches.md
// "Attribution"): the Shapley decomposition of the effect of a policy package (base scenario
// against a counterfactual) on the manufacturing share, employment and public money in one
// year, over groups of schemes, each switched off by a set of scenario keys. Every coalition
// of groups runs on the same replications (common random numbers), so each replication gives
// its own Shapley values; the file reports their mean with a Student-t interval, the
// additionality of each group (the effect of removing it from the full package) and the cost
// per percentage point of share attributed to it.
//
//   [attribution]
//   base = "../scenarios/baseline.toml"               # the policy (relative to this file)
//   counterfactual = "../scenarios/no_new_policy.toml"
//   replications = 20
//   seed = 20240916
//   year = 2032
//   permutations = 0              # optional: > 0 estimates from sampled permutations
//   common_random_numbers = true  # optional: false gives every coalition its own seeds
//   [attribution.set]             # optional: keys set in every run (a sensitivity setting)
//   "knowledge.rd_elasticity" = 0.0237
//   [[group]]
//   name = "lines (NIFS)"
//   off = { "schemes.nifs.enabled" = false }   # keys that switch the group off
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "analysis/shapley.hpp"
#include "engine/overrides.hpp"
#include "engine/scenario.hpp"

namespace nisim::hk {

/// Scenario keys and the values they take, with where the attribution file sets them.
using KeyValues = std::map<std::string, std::pair<ParamValue, SourcePos>>;

/// A scheme group: a player of the Shapley game.
struct AttributionGroup {
  std::string name;
  KeyValues off;  ///< keys that switch the group off, applied to the base scenario
  SourcePos pos;  ///< its [[group]] table
};

/// A loaded attribution file.
struct Attribution {
  std::filesystem::path path;            ///< the file
  std::string text;                      ///< its text (stored in the output)
  std::filesystem::path base;            ///< the policy package
  std::filesystem::path counterfactual;  ///< the package with every group off
  SourcePos base_pos, counterfactual_pos;
  std::int64_t replications = 10;
  std::uint64_t seed = 1;
  std::int64_t year = 2032;
  std::int64_t permutations = 0;  ///< 0: exact Shapley over 2^k coalitions
  bool common_random_numbers = true;
  KeyValues set;  ///< keys set in the base, the counterfactual and every coalition
  /// `--set key=value` from the command line, applied to the base and the counterfactual after
  /// their files are read (and recorded in their texts in the output)
  std::vector<Override> overrides;
  std::vector<AttributionGroup> groups;
  SourcePos pos;  ///< the [attribution] table
};

/// Most permutations per replication.
inline constexpr std::int64_t k_max_permutations = 100'000;

/// Read and check an attribution file: structure, types, unique non-empty groups, files
/// exist, and k <= k_max_exact_players unless `permutations` is set. ScenarioError (exit 3)
/// naming file, line and key. Scenario keys are checked by run_attribution.
Attribution load_attribution(const std::filesystem::path& path);

/// The outcomes attributed, in the order of the output's `outcome` dimension.
struct AttributionOutcome {
  const char* name;
  const char* units;
  const char* long_name;
};
const std::vector<AttributionOutcome>& attribution_outcomes();

/// Index of each outcome in attribution_outcomes().
enum OutcomeIndex : std::size_t { o_share = 0, o_employment, o_money, o_money_mfg, o_count };

struct AttributionResult {
  std::vector<std::string> groups;
  /// [group][outcome]: Shapley value and additionality (mean over replications, 95% CI).
  std::vector<std::vector<MeanCi>> shapley, additionality;
  std::vector<MeanCi> total;  ///< [outcome]: base - counterfactual
  /// [group]: cost per pp of share attributed, HK$ M, on all and manufacturing-relevant money.
  std::vector<MeanCi> cost_all, cost_mfg;
  MeanCi package_cost_all, package_cost_mfg;  ///< the same for the whole package
  std::size_t coalitions = 0;                 ///< distinct coalitions run
  std::size_t runs = 0;
  double seconds = 0.0;
};

struct AttributionOptions {
  int threads = 0;     ///< worker threads, one run each (0 = all cores)
  bool force = false;  ///< overwrite an existing output file
  std::function<void(std::size_t, std::size_t)> progress;  ///< (done, total) after each run
};

/// Build and check every scenario run_attribution would run (keys, values, year, the
/// counterfactual against the base with every group off) without running any.
void validate_attribution(const Attribution& a);

/// Run every coalition on every replication and write `out` atomically. Every coalition's
/// scenario is built and validated before anything runs: an unknown key, a bad value, or a
/// counterfactual that is not the base with every group off is a ScenarioError and nothing is
/// written. After the runs, efficiency is checked per replication and outcome (the Shapley
/// values sum to the total effect); a failure is a ModelError.
AttributionResult run_attribution(const Attribution& a, const std::filesystem::path& out,
                                  const AttributionOptions& options);

}  // namespace nisim::hk
