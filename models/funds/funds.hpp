#pragma once
// Venture funds (docs/model.md section 6): the fund and holding tables, the government
// programmes' ledgers (ITVF, I&T Industry-Oriented Fund) and the yearly functions that launch
// funds, clear start-ups' rounds, realise exits and close the year's accounts. Call order in a
// year: launch_funds, clear_rounds, realise_exits, close_year, then record_funds
// (models/funds/fund_history.hpp). Everything runs serially in request, exit and row order.
#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "engine/rng.hpp"
#include "models/funds/fund_params.hpp"
#include "models/schemes/budget.hpp"
#include "models/venture.hpp"

namespace nisim::hk {

/// Kinds of modelled fund (section 6.1).
enum class FundKind : std::uint8_t {
  private_vc = 0,     ///< private limited partnership (6.2)
  itvf_coinvest = 1,  ///< the ITVF's direct co-investment vehicle, old terms (6.4)
  itvf_fund = 2,      ///< co-investment fund with the ITVF as LP, enhanced terms (6.5)
  iof_subfund = 3     ///< sub-fund of the I&T Industry-Oriented Fund (6.6)
};
inline constexpr int k_fund_kinds = 4;
inline constexpr std::array<std::string_view, k_fund_kinds> k_fund_kind_names = {
    "private_vc", "itvf_coinvest", "itvf_fund", "iof_subfund"};

/// Life-cycle status (section 6.1): open in the launch year, investing until the end of the
/// investment period, harvesting until the end of life, closed once wound up.
enum class FundStatus : std::uint8_t { open = 0, investing = 1, harvesting = 2, closed = 3 };

/// Draw purposes of the fund module (docs/model.md section 2.3; range 150-199).
namespace purpose {
inline constexpr Purpose fund_lead = 150;      ///< (t, start-up): lead among eligible funds
inline constexpr Purpose outside_round = 151;  ///< (t, start-up): outside investors fund it
inline constexpr Purpose itvf_coinvest = 152;  ///< (t, start-up): old-terms co-investment
inline constexpr Purpose itvf_raise = 153;     ///< (t, selection k): fund raises its money
inline constexpr Purpose itvf_size = 154;      ///< (t, selection k): private money raised
}  // namespace purpose

/// Modelled funds; row i is fund i and rows are never removed (a closed fund keeps its final
/// accounts). Money in HK$ M; cumulative columns count from launch.
struct FundTable {
  std::vector<std::uint64_t> id;              ///< fund id = row + 1, never reused
  std::vector<std::uint8_t> kind;             ///< FundKind
  std::vector<std::int32_t> vintage;          ///< launch year
  std::vector<std::uint8_t> status;           ///< FundStatus
  std::vector<double> fee_rate;               ///< management fee, 1/year (terms at launch)
  std::vector<double> carry_rate;             ///< carried interest, fraction
  std::vector<double> hurdle_rate;            ///< preferred return, 1/year
  std::vector<double> catch_up;               ///< GP share of the catch-up tier
  std::vector<std::int32_t> life;             ///< years from vintage to wind-up
  std::vector<std::int32_t> invest_years;     ///< investment period, years from vintage
  std::vector<std::uint8_t> fee_on_invested;  ///< fee base in the period: 1 invested, 0 committed
  std::vector<double> committed_gov;          ///< committed by the government, HK$ M
  std::vector<double> committed_lp;           ///< committed by private LPs, HK$ M
  std::vector<double> committed_gp;           ///< committed by the GP, HK$ M
  std::vector<double> called;                 ///< capital called, cumulative, HK$ M
  std::vector<double> invested;               ///< invested at cost, cumulative, HK$ M
  std::vector<double> invested_hk;            ///< of which in Hong Kong firms, HK$ M
  std::vector<double> invested_mfg;           ///< of which manufacturing-relevant (7.3), HK$ M
  std::vector<double> chain_share;            ///< share of investable capital for chain leaders
  std::vector<double> chain_invested;         ///< of invested, in chain-leading enterprises, HK$ M
  std::vector<double> chain_cost;             ///< cost of chain-leading stakes held, HK$ M (6.6)
  std::vector<double> cost_held;              ///< cost of holdings still held (net invested), HK$ M
  std::vector<double> nav;                    ///< holdings at latest round valuation, HK$ M
  std::vector<double> cash;                   ///< cash held, HK$ M
  std::vector<double> proceeds;               ///< exit and wind-up proceeds, cumulative, HK$ M
  std::vector<double> written_off;            ///< cost of failed holdings, cumulative, HK$ M
  std::vector<double> dist_gov;               ///< distributed to the government, cumulative, HK$ M
  std::vector<double> dist_lp;                ///< distributed to private LPs, cumulative, HK$ M
  std::vector<double> dist_gp;                ///< distributed on the GP commitment, cumulative
  std::vector<double> carry_paid;             ///< carried interest paid, cumulative, HK$ M
  std::vector<double> fees_paid;              ///< management fees paid, cumulative, HK$ M
  std::vector<double> preferred;              ///< preferred return accrued (eq. 6.1a), HK$ M
  std::vector<double> calls_year;             ///< capital called this year, HK$ M
  std::vector<double> invested_year;          ///< invested this year, HK$ M
  std::vector<double> fees_year;              ///< fees paid this year, HK$ M
  std::vector<double> proceeds_year;          ///< proceeds this year, HK$ M
  std::vector<double> distributed_year;       ///< distributed this year incl. carry, HK$ M

  template <class F>
  void for_each_column(F&& f) {
    f(id), f(kind), f(vintage), f(status), f(fee_rate), f(carry_rate), f(hurdle_rate);
    f(catch_up), f(life), f(invest_years), f(fee_on_invested), f(committed_gov), f(committed_lp),
        f(committed_gp);
    f(called), f(invested), f(invested_hk), f(invested_mfg), f(chain_share), f(chain_invested),
        f(chain_cost), f(cost_held), f(nav), f(cash), f(proceeds);
    f(written_off), f(dist_gov), f(dist_lp), f(dist_gp), f(carry_paid), f(fees_paid);
    f(preferred), f(calls_year), f(invested_year), f(fees_year), f(proceeds_year);
    f(distributed_year);
  }
  template <class F>
  void for_each_column(F&& f) const {
    f(id), f(kind), f(vintage), f(status), f(fee_rate), f(carry_rate), f(hurdle_rate);
    f(catch_up), f(life), f(invest_years), f(fee_on_invested), f(committed_gov), f(committed_lp),
        f(committed_gp);
    f(called), f(invested), f(invested_hk), f(invested_mfg), f(chain_share), f(chain_invested),
        f(chain_cost), f(cost_held), f(nav), f(cash), f(proceeds);
    f(written_off), f(dist_gov), f(dist_lp), f(dist_gp), f(carry_paid), f(fees_paid);
    f(preferred), f(calls_year), f(invested_year), f(fees_year), f(proceeds_year);
    f(distributed_year);
  }
  bool operator==(const FundTable&) const = default;

  double committed(std::size_t i) const {
    return committed_gov[i] + committed_lp[i] + committed_gp[i];
  }
  /// Distributions to the LP interests (government, private LPs, GP commitment), excl. carry.
  double distributed(std::size_t i) const { return dist_gov[i] + dist_lp[i] + dist_gp[i]; }
  /// DPI = distributed / called (eq. 6.8a); 0 before any call.
  double dpi(std::size_t i) const { return called[i] > 0.0 ? distributed(i) / called[i] : 0.0; }
  /// TVPI = (distributed + NAV + cash) / called (eq. 6.8b); 0 before any call.
  double tvpi(std::size_t i) const {
    return called[i] > 0.0 ? (distributed(i) + nav[i] + cash[i]) / called[i] : 0.0;
  }
};

/// Funds' stakes in start-ups; one row per (fund, start-up), in order of acquisition.
struct HoldingTable {
  std::vector<std::uint64_t> id;   ///< start-up id (rows() counts this column)
  std::vector<std::int32_t> fund;  ///< row of the holding fund in FundTable
  std::vector<double> cost;        ///< amount invested, HK$ M
  std::vector<double> ownership;   ///< fraction of the start-up's equity
  std::vector<double> nav;         ///< ownership x latest post-money valuation, HK$ M

  template <class F>
  void for_each_column(F&& f) {
    f(id), f(fund), f(cost), f(ownership), f(nav);
  }
  template <class F>
  void for_each_column(F&& f) const {
    f(id), f(fund), f(cost), f(ownership), f(nav);
  }
  bool operator==(const HoldingTable&) const = default;
};

/// This year's aggregates over all modelled funds, HK$ M unless counted (reset by launch_funds).
struct FundYear {
  double rounds_requested = 0, rounds_funded = 0, rounds_led = 0;  ///< counts (6.3)
  double amount_requested = 0, from_funds = 0, from_outside = 0;   ///< HK$ M (6.3)
  double from_government = 0;  ///< old-terms ITVF co-investment (6.4)
  double calls = 0, investments = 0, fees = 0, proceeds = 0;
  double write_offs = 0;      ///< cost of failed holdings written off
  double windup_sales = 0;    ///< proceeds of holdings sold at wind-up
  double distributions = 0;   ///< to LP interests, excluding carry
  double carry = 0;           ///< carried interest paid
  double funds_launched = 0;  ///< all kinds (count)
  double itvf_selected = 0, itvf_raised = 0, iof_launched = 0;  ///< counts (6.5, 6.6)
  double iof_chain_invested = 0;      ///< invested in chain-leading enterprises this year (6.6)
  double itvf_private_attracted = 0;  ///< private money in ITVF-backed rounds (eq. 6.5c)
  double itvf_receipts = 0, iof_receipts = 0;  ///< distributions to the government
  bool operator==(const FundYear&) const = default;
};

/// Buffers the yearly functions reuse (no allocation once warmed up). Not model state: they are
/// rebuilt before use and FundSystem::operator== ignores them.
struct FundScratch {
  /// Holdings by start-up id, a chained hash of rows (models/funds/rounds.cpp): bucket
  /// (id - held_base) & held_mask starts at row held_head[bucket] (-1: empty); held_next[k] is
  /// the row after k in its bucket (-1: last). Lists run in holding order.
  std::uint64_t held_base = 0, held_mask = 0;
  std::vector<std::int32_t> held_head, held_next;
  // Funds that may lead a round this year (6.3), one entry each, in row order.
  std::vector<std::uint32_t> active;    ///< fund row
  std::vector<double> powder;           ///< dry powder, kept current as the fund invests
  std::vector<double> cap;              ///< largest deal, max_deal_share x committed
  std::vector<std::uint16_t> mandate;   ///< bit mandate_class(stage, field) set if it may lead
  std::vector<std::uint32_t> eligible;  ///< positions in `active` that may lead this round
  std::vector<double> u_outside;        ///< outside_round draw of each request
  std::vector<std::uint8_t> keep, winding;
};

/// Everything the fund module owns.
struct FundSystem {
  FundTable funds;
  HoldingTable holdings;
  Scheme itvf;  ///< ITVF ledger (schemes.itvf.budget): old co-investment and enhanced funds
  Scheme iof;   ///< I&T Industry-Oriented Fund ledger (schemes.iof.budget)
  std::int32_t coinvest_row = -1;       ///< row of the old-terms co-investment vehicle, or -1
  double itvf_funds_committed = 0.0;    ///< government commitments to enhanced ITVF funds, HK$ M
  double itvf_private_attracted = 0.0;  ///< ITVF KPI, cumulative since 2017, HK$ M (eq. 6.5c)
  double itvf_receipts = 0.0;           ///< ITVF distributions to the government, cumulative
  double iof_receipts = 0.0;            ///< IOF distributions to the government, cumulative
  double iof_chain_invested = 0.0;      ///< IOF sub-funds in chain-leading firms, cumulative
  FundYear year;                        ///< this year's aggregates
  FundScratch scratch;                  ///< reused buffers, not state
  bool operator==(const FundSystem& o) const;
};

/// A fund system with empty tables and the ITVF and IOF ledgers set to their budgets.
FundSystem make_fund_system(const FundParams& p);

/// Section 6.2, 6.5, 6.6. Starts the year (resets this year's flows and the schemes' counters)
/// and launches funds. In: year, params, rng (itvf_raise, itvf_size keyed by selection index).
/// Out: new rows in s.funds (private vintages; ITVF funds that raised their private money;
/// IOF sub-funds); government commitments in s.itvf / s.iof ledgers.
void launch_funds(FundSystem& s, int year, const FundParams& p, const Rng& rng);

/// Section 6.3, 6.4. Clears this year's rounds in request order. In: requests (start-up id
/// order), rng (fund_lead, outside_round, itvf_coinvest keyed by start-up id). Out: one
/// outcome per request in `out`; new and marked-up holdings; capital calls and investments.
void clear_rounds(FundSystem& s, std::span<const RoundRequest> requests,
                  std::vector<RoundOutcome>& out, int year, const FundParams& p, const Rng& rng);

/// Section 6.6, eq. 6.6b. Each IOF sub-fund that may invest puts its chain-leading share of its
/// paced investable capital into chain-leading enterprises, when `enterprises` (strategic
/// enterprises in Hong Kong so far) > 0, within max_deal_share of its size per enterprise. The
/// stakes are held at cost. No draws. Call after clear_rounds.
void invest_chain_leading(FundSystem& s, int year, double enterprises, const FundParams& p);

/// Section 6.7. Realises holdings of exiting start-ups: proceeds = ownership x equity value
/// into fund cash; failures are written off; the holdings are removed. No draws.
void realise_exits(FundSystem& s, std::span<const StartupExit> exits, int year);

/// Section 6.1, 6.7. Fees, preferred-return accrual, wind-up of funds at the end of life,
/// distribution of cash through the waterfall, government receipts, status changes. No draws.
void close_year(FundSystem& s, int year, const FundParams& p);

}  // namespace nisim::hk
