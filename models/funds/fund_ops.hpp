#pragma once
// Internal helpers shared by the fund module's source files (docs/model.md section 6). Not part
// of the module's interface.
#include <cstddef>

#include "models/funds/funds.hpp"

namespace nisim::hk::fund_ops {

/// The ledger a fund's government commitment is drawn from, or nullptr for private funds.
Scheme* ledger(FundSystem& s, std::size_t row);

/// Append a fund launched in `year` with the given terms and commitments (HK$ M); status open.
/// Returns its row.
std::size_t add_fund(FundSystem& s, FundKind kind, int year, const FundTerms& terms, double gov,
                     double lp, double gp);

/// Call up to `amount` from the fund's LPs, pro rata to commitments (eq. 6.1f), into its cash;
/// the government's part is paid out of its ledger's commitments, `mfg_share` of it
/// manufacturing-relevant (section 7.3). Returns the amount called.
double call_capital(FundSystem& s, std::size_t row, double amount, double mfg_share);

/// Manufacturing-relevant share of money invested in a start-up of field `f` (section 7.3): 1
/// for fields that can graduate into manufacturing (hardware, the strategic industries).
inline double mfg_share_of(Field f) {
  return hard_tech(f) ? 1.0 : 0.0;
}

/// True while the fund may make new investments in `year` (open or investing, within the
/// investment period).
bool can_invest(const FundTable& f, std::size_t row, int year);

/// Recompute every fund's nav and cost_held from the holding table.
void refresh_holdings(FundSystem& s);

}  // namespace nisim::hk::fund_ops
