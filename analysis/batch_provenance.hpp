#pragma once
// What a batch output stores so that any of its runs can be reproduced (docs/batches.md
// "Provenance"): the seed each replication ran with, and each scenario's resolved parameters.
#include <cstdint>
#include <vector>

#include "engine/hdf5.hpp"
#include "engine/scenario.hpp"
#include "models/params.hpp"

namespace nisim::hk {

/// Dataset `replication_seed` (dims replication, uint64) in `loc`: derive_seed(master, r) for
/// r = 0 ... replications - 1, the seed replication r of every scenario ran with.
void write_replication_seeds(const h5::Location& loc, std::uint64_t master,
                             std::int64_t replications);

/// Group `param` in `loc`: every parameter of `params` (the scenario with its inheritance
/// chain and --set overrides applied, defaults for the keys it does not set, before any shock)
/// as dimension scale `key` (strings, in `nisim params` order) and dataset `value` (float64:
/// reals and integers as numbers, booleans 0 or 1, NaN for text and series), and the attribute
/// `scenario_toml`: a scenario file setting every key to its value, then the scenario's
/// `shocks` as [[shock]] tables, which `nisim run` accepts and runs as the batch did.
void write_resolved_params(const h5::Location& loc, const Params& params,
                           const std::vector<Shock>& shocks);

}  // namespace nisim::hk
