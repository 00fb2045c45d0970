// Recording the fund module's yearly output (docs/model.md section 6.8).
#include "models/funds/fund_history.hpp"

#include <array>

#include "engine/table.hpp"

namespace nisim::hk {

void record_funds(const FundSystem& s, int year, FundHistory& h) {
  const FundTable& f = s.funds;
  struct Sums {
    double committed = 0, called = 0, invested = 0, nav = 0, cash = 0, distributed = 0;
    double fees = 0, carry = 0, funds = 0;
  };
  std::array<Sums, k_fund_kinds> by{};
  for (std::size_t i = 0; i < rows(f); ++i) {
    if (f.vintage[i] > year) continue;
    Sums& k = by[f.kind[i]];
    k.committed += f.committed(i);
    k.called += f.called[i];
    k.invested += f.invested[i];
    k.nav += f.nav[i];
    k.cash += f.cash[i];
    k.distributed += f.distributed(i);
    k.fees += f.fees_paid[i];
    k.carry += f.carry_paid[i];
    k.funds += static_cast<FundStatus>(f.status[i]) != FundStatus::closed ? 1.0 : 0.0;

    h.fund_year.push_back(year);
    h.fund_id.push_back(f.id[i]);
    h.fund_kind.push_back(f.kind[i]);
    h.fund_vintage.push_back(f.vintage[i]);
    h.fund_committed.push_back(f.committed(i));
    h.fund_called.push_back(f.called[i]);
    h.fund_invested.push_back(f.invested[i]);
    h.fund_nav.push_back(f.nav[i]);
    h.fund_distributed.push_back(f.distributed(i));
    h.fund_fees.push_back(f.fees_paid[i]);
    h.fund_dpi.push_back(f.dpi(i));
    h.fund_tvpi.push_back(f.tvpi(i));
  }
  h.year.push_back(year);
  for (const Sums& k : by) {
    h.committed_by_kind.push_back(k.committed);
    h.called_by_kind.push_back(k.called);
    h.invested_by_kind.push_back(k.invested);
    h.nav_by_kind.push_back(k.nav);
    h.distributed_by_kind.push_back(k.distributed);
    h.fees_by_kind.push_back(k.fees);
    h.carry_by_kind.push_back(k.carry);
    h.funds_by_kind.push_back(k.funds);
    h.dpi_by_kind.push_back(k.called > 0.0 ? k.distributed / k.called : 0.0);
    h.tvpi_by_kind.push_back(k.called > 0.0 ? (k.distributed + k.nav + k.cash) / k.called : 0.0);
  }
  h.rounds_requested.push_back(s.year.rounds_requested);
  h.rounds_funded.push_back(s.year.rounds_funded);
  h.rounds_led.push_back(s.year.rounds_led);
  h.from_funds.push_back(s.year.from_funds);
  h.from_outside.push_back(s.year.from_outside);
  h.from_government.push_back(s.year.from_government);
  h.itvf_private_attracted.push_back(s.itvf_private_attracted);
  h.itvf_committed.push_back(s.itvf.budget.committed());
  h.itvf_spent.push_back(s.itvf.budget.spent());
  h.itvf_receipts.push_back(s.itvf_receipts);
  h.iof_committed.push_back(s.iof.budget.committed());
  h.iof_spent.push_back(s.iof.budget.spent());
  h.iof_receipts.push_back(s.iof_receipts);
  h.iof_chain_invested.push_back(s.iof_chain_invested);
}

}  // namespace nisim::hk
