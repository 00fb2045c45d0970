#pragma once
// The scheme ledgers as a whole (docs/model.md sections 4.0 and 7.3): their yearly renewal and
// the purpose (manufacturing-relevant or other) of the payments no scheme rule classifies one
// by one.
#include <array>

#include "models/params.hpp"
#include "models/schemes/renewal.hpp"
#include "models/state.hpp"

namespace nisim::hk {

/// The ledgers, writable, in k_ledger_names order (= schemes_of, models/phases.hpp).
std::array<Scheme*, k_ledgers> ledgers_of(State& state);

/// True if ledger `k` approves anything in `year`. The ITVF ledger serves the old terms and the
/// enhanced funds, so it is open while either is.
bool ledger_open(const Params& p, std::size_t k, int year);

/// Eq. 4.0a for every ledger, at the start of the year (set_environment), before any scheme
/// resets its counters: recurrent schemes open this year get last year's payments back.
void renew_budgets(State& state, const Params& p);

/// Section 7.3: each ledger's mfg_share, the manufacturing-relevant share of payments its rule
/// does not classify one by one (NIFS, NIAS, NITTP 1; ESS its manufacturing share; the
/// accelerator scheme the hard-tech share of start-up births; InnoHK 0). Called at
/// initialisation, after the ledgers are made.
void set_scheme_purposes(State& state, const Params& p);

}  // namespace nisim::hk
