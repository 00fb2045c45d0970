#pragma once
// What the fund module records per year (docs/model.md section 6.8), for the output file.
#include <cstdint>
#include <vector>

#include "models/funds/funds.hpp"

namespace nisim::hk {

/// Per-year series. *_by_kind are row-major [year][kind] with k_fund_kinds columns in FundKind
/// order; money in HK$ M; stocks are cumulative since launch at the end of the year (NAV: at
/// the end of the year), over every fund launched so far, closed ones included. The fund_*
/// vectors are a long table: one row per fund per year, funds in row order.
struct FundHistory {
  std::vector<std::int32_t> year;
  std::vector<double> committed_by_kind, called_by_kind, invested_by_kind, nav_by_kind;
  std::vector<double> distributed_by_kind;  ///< to LP interests, excluding carry
  std::vector<double> fees_by_kind, carry_by_kind;
  std::vector<double> funds_by_kind;              ///< funds not closed (count)
  std::vector<double> dpi_by_kind, tvpi_by_kind;  ///< eqs. 6.8a-b on the kind's sums
  // This year's rounds (6.3) and the programmes (6.4-6.6).
  std::vector<double> rounds_requested, rounds_funded, rounds_led;
  std::vector<double> from_funds, from_outside, from_government;
  std::vector<double> itvf_private_attracted;  ///< ITVF KPI, cumulative (eq. 6.5c)
  std::vector<double> itvf_committed, itvf_spent, itvf_receipts;  ///< ledger; receipts cumulative
  std::vector<double> iof_committed, iof_spent, iof_receipts;
  std::vector<double> iof_chain_invested;  ///< in chain-leading enterprises, cumulative (6.6)
  // One row per fund per year.
  std::vector<std::int32_t> fund_year;
  std::vector<std::uint64_t> fund_id;
  std::vector<std::uint8_t> fund_kind;
  std::vector<std::int32_t> fund_vintage;
  std::vector<double> fund_committed, fund_called, fund_invested, fund_nav, fund_distributed;
  std::vector<double> fund_fees, fund_dpi, fund_tvpi;

  std::size_t years() const { return year.size(); }
  bool operator==(const FundHistory&) const = default;
};

/// Append `year`'s row (and one row per fund launched by then) to `h` (section 6.8).
void record_funds(const FundSystem& s, int year, FundHistory& h);

}  // namespace nisim::hk
