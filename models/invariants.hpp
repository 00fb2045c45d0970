#pragma once
// Run-time accounting identities (docs/model.md section 2.2), checked after every yearly step by
// Simulation::step. A broken identity stops the run with a ModelError (exit 5) naming the year,
// the identity and the numbers, instead of writing a file whose totals do not add up.
#include "models/state.hpp"

namespace nisim::hk {

/// The cheap identities, always on: O(schemes + sites).
///   GDP = manufacturing + non-manufacturing value added;
///   every scheme ledger: budget = spent + committed + remaining, committed >= 0,
///     spent + committed <= budget;
///   every site: occupied <= supply, and firms', reserved and claimed floor space >= 0;
///   the firms recorded this year = the rows of the firm table;
///   every sector: value added at current prices = price x real output of the clearing, real
///     output = demand at that price, and the real accounts add up (section 3.8).
void check_identities(const State& state);

/// The costly identities, one pass over the firm table: every firm's employment, capital,
/// floor space and smart lines are non-negative. On in builds with NISIM_CHECK_INVARIANTS
/// (CMake option, on in the debug preset that CI tests), off in release.
void check_firm_stocks(const State& state);

/// True if this build runs check_firm_stocks after every step.
bool costly_checks_enabled();

}  // namespace nisim::hk
