// Launching funds and closing the year's fund accounts (docs/model.md sections 6.1, 6.2,
// 6.4-6.7).
#include "models/funds/funds.hpp"

#include <algorithm>
#include <cmath>

#include "engine/table.hpp"
#include "models/funds/fund_ops.hpp"
#include "models/funds/waterfall.hpp"

namespace nisim::hk {

namespace {

bool same_scheme(const Scheme& a, const Scheme& b) {
  return a.budget.total() == b.budget.total() && a.budget.committed() == b.budget.committed() &&
         a.budget.spent() == b.budget.spent() && a.applications == b.applications &&
         a.approvals == b.approvals && a.paid == b.paid && a.outcomes == b.outcomes &&
         a.budget.spent_mfg() == b.budget.spent_mfg() && a.paid_mfg == b.paid_mfg;
}

}  // namespace

bool FundSystem::operator==(const FundSystem& o) const {
  return funds == o.funds && holdings == o.holdings && same_scheme(itvf, o.itvf) &&
         same_scheme(iof, o.iof) && coinvest_row == o.coinvest_row &&
         itvf_funds_committed == o.itvf_funds_committed &&
         itvf_private_attracted == o.itvf_private_attracted && itvf_receipts == o.itvf_receipts &&
         iof_receipts == o.iof_receipts && iof_chain_invested == o.iof_chain_invested &&
         year == o.year;
}

FundSystem make_fund_system(const FundParams& p) {
  FundSystem s;
  s.itvf.budget = Budget(p.itvf.budget);
  s.iof.budget = Budget(p.iof.budget);
  return s;
}

namespace fund_ops {

Scheme* ledger(FundSystem& s, std::size_t row) {
  switch (static_cast<FundKind>(s.funds.kind[row])) {
    case FundKind::itvf_coinvest:
    case FundKind::itvf_fund:
      return &s.itvf;
    case FundKind::iof_subfund:
      return &s.iof;
    case FundKind::private_vc:
      break;
  }
  return nullptr;
}

std::size_t add_fund(FundSystem& s, FundKind kind, int year, const FundTerms& t, double gov,
                     double lp, double gp) {
  FundTable& f = s.funds;
  const std::size_t row = append_row(f);  // every other column starts at zero
  f.id[row] = row + 1;
  f.kind[row] = static_cast<std::uint8_t>(kind);
  f.vintage[row] = year;
  f.status[row] = static_cast<std::uint8_t>(FundStatus::open);
  f.fee_rate[row] = t.fee;
  f.carry_rate[row] = t.carry;
  f.hurdle_rate[row] = t.hurdle;
  f.catch_up[row] = t.catch_up;
  f.life[row] = static_cast<std::int32_t>(t.life);
  f.invest_years[row] = static_cast<std::int32_t>(t.investment_period);
  f.fee_on_invested[row] = t.fee_on_invested ? 1 : 0;
  f.committed_gov[row] = gov;
  f.committed_lp[row] = lp;
  f.committed_gp[row] = gp;
  s.year.funds_launched += 1.0;
  return row;
}

double call_capital(FundSystem& s, std::size_t row, double amount, double mfg_share) {
  FundTable& f = s.funds;
  const double c = std::min(std::max(0.0, amount), f.committed(row) - f.called[row]);
  if (c <= 0.0) return 0.0;
  f.called[row] += c;
  f.calls_year[row] += c;
  f.cash[row] += c;
  s.year.calls += c;
  // The co-investment vehicle's government money is committed and paid at once (eq. 6.4a).
  Scheme* l = ledger(s, row);
  if (l != nullptr && static_cast<FundKind>(f.kind[row]) != FundKind::itvf_coinvest) {
    const double gov = c * f.committed_gov[row] / f.committed(row);
    l->pay(std::min(gov, l->budget.committed()), mfg_share);
  }
  return c;
}

bool can_invest(const FundTable& f, std::size_t row, int year) {
  const auto st = static_cast<FundStatus>(f.status[row]);
  return (st == FundStatus::open || st == FundStatus::investing) &&
         year < f.vintage[row] + f.invest_years[row];
}

void refresh_holdings(FundSystem& s) {
  FundTable& f = s.funds;
  std::fill(f.nav.begin(), f.nav.end(), 0.0);
  std::fill(f.cost_held.begin(), f.cost_held.end(), 0.0);
  const HoldingTable& h = s.holdings;
  for (std::size_t k = 0; k < rows(h); ++k) {
    const auto row = static_cast<std::size_t>(h.fund[k]);
    f.nav[row] += h.nav[k];
    f.cost_held[row] += h.cost[k];
  }
  // Stakes in chain-leading enterprises are held at cost (6.6).
  for (std::size_t i = 0; i < rows(f); ++i) {
    f.nav[i] += f.chain_cost[i];
    f.cost_held[i] += f.chain_cost[i];
  }
}

}  // namespace fund_ops

using namespace fund_ops;

void launch_funds(FundSystem& s, int year, const FundParams& p, const Rng& rng) {
  FundTable& f = s.funds;
  s.itvf.new_year();
  s.iof.new_year();
  s.year = FundYear{};
  for (auto* c :
       {&f.calls_year, &f.invested_year, &f.fees_year, &f.proceeds_year, &f.distributed_year}) {
    std::fill(c->begin(), c->end(), 0.0);
  }

  // Private vintages (eq. 6.2a): n = max(1, round(C_t / S)) funds of C_t / n each.
  const double c_t = p.private_commitments.years.empty() ? 0.0 : p.private_commitments.at(year);
  if (c_t > 0.0) {
    const double n = std::max(1.0, std::round(c_t / p.private_fund_size));
    const double size = c_t / n;
    const double gp = p.private_terms.gp_commit * size;
    for (int k = 0; k < static_cast<int>(n); ++k) {
      add_fund(s, FundKind::private_vc, year, p.private_terms, 0.0, size - gp, gp);
    }
  }

  // The old-terms co-investment vehicle (6.4): one government-owned row, no fees, no carry.
  if (p.itvf.open(year) && s.coinvest_row < 0) {
    const FundTerms none{0.0, 0.0, 0.0, 0.0, 0, 0, 0.0, false};
    s.coinvest_row =
        static_cast<std::int32_t>(add_fund(s, FundKind::itvf_coinvest, year, none, 0.0, 0.0, 0.0));
  }

  // Enhanced ITVF selections (eqs. 6.5a-b).
  if (p.itvf_funds.open(year)) {
    for (std::int64_t k = 0; k < p.itvf_selections; ++k) {
      const double room =
          std::min(p.itvf_funds.budget - s.itvf_funds_committed, s.itvf.budget.remaining());
      if (room < p.itvf_gov_min - 1e-9 || room <= 0.0) break;  // the allocation is used up
      const auto key = static_cast<std::uint64_t>(k + 1);
      s.itvf.applications += 1.0;
      s.year.itvf_selected += 1.0;
      if (!(rng.uniform(year, key, purpose::itvf_raise) < p.itvf_raise_prob)) continue;
      const double sig = p.itvf_private_sigma;
      const double z = rng.normal(year, key, purpose::itvf_size);
      const double raised =
          std::max(p.itvf_private_min, p.itvf_private_target * std::exp(sig * z - 0.5 * sig * sig));
      const double gov =
          std::min(std::clamp(p.itvf_ratio * raised, p.itvf_gov_min, p.itvf_gov_max), room);
      const double gp = std::min(raised, p.itvf_terms.gp_commit * (raised + gov));
      s.itvf.budget.commit(gov);
      s.itvf_funds_committed += gov;
      add_fund(s, FundKind::itvf_fund, year, p.itvf_terms, gov, raised - gp, gp);
      s.itvf.approvals += 1.0;
      s.year.itvf_raised += 1.0;
    }
  }

  // IOF sub-funds (eq. 6.6a): government G, size G / share, private LPs the rest but the GP's.
  if (p.iof.open(year)) {
    for (std::int64_t k = 0; k < p.iof_funds_per_year; ++k) {
      const double gov = std::min(p.iof_gov_per_fund, s.iof.budget.remaining());
      if (gov <= 1e-9) break;
      const double size = gov / p.iof_gov_share;
      const double gp = p.iof_terms.gp_commit * size;
      s.iof.budget.commit(gov);
      const std::size_t row = add_fund(s, FundKind::iof_subfund, year, p.iof_terms, gov,
                                       std::max(0.0, size - gov - gp), gp);
      f.chain_share[row] = p.iof_chain_share;  // eq. 6.6b
      s.iof.applications += 1.0;
      s.iof.approvals += 1.0;
      s.iof.outcomes += size;
      s.year.iof_launched += 1.0;
    }
  }
}

namespace {

/// Pay this year's management fee out of called capital (eq. 6.1g); cash covers any part the
/// uncalled commitment cannot. In the investment period the base is committed capital, or
/// invested capital (cumulative cost of investments made) for kinds whose terms say so (the
/// ITVF's funds, 6.5); afterwards it is net invested capital (cost of holdings still held).
void charge_fee(FundSystem& s, std::size_t i, int year) {
  FundTable& f = s.funds;
  const bool investing = year < f.vintage[i] + f.invest_years[i];
  const double period_base = f.fee_on_invested[i] != 0 ? f.invested[i] : f.committed(i);
  const double fee = f.fee_rate[i] * (investing ? period_base : f.cost_held[i]);
  if (fee <= 0.0) return;
  // A fee pays for the whole portfolio: its purpose is the mix of what the fund invested, and
  // before any investment its mandate's, which for the ITVF's funds and the IOF's sub-funds is
  // fields that can manufacture only (7.3).
  call_capital(s, i, fee, f.invested[i] > 0.0 ? f.invested_mfg[i] / f.invested[i] : 1.0);
  const double paid = std::min(fee, f.cash[i]);
  f.cash[i] -= paid;
  f.fees_paid[i] += paid;
  f.fees_year[i] += paid;
  s.year.fees += paid;
}

/// Distribute all of fund i's cash (eqs. 6.1a-e, 6.7d) and credit the government's receipts.
void distribute(FundSystem& s, std::size_t i) {
  FundTable& f = s.funds;
  const auto kind = static_cast<FundKind>(f.kind[i]);
  if (kind != FundKind::itvf_coinvest) {
    WaterfallState st{f.called[i] - f.calls_year[i], f.preferred[i], f.distributed(i),
                      f.carry_paid[i]};
    f.preferred[i] = accrue_preferred(st, f.hurdle_rate[i]);
  }
  const double x = f.cash[i];
  if (x <= 0.0) return;
  double lp = x, gp = 0.0;
  if (kind != FundKind::itvf_coinvest) {
    const WaterfallState st{f.called[i], f.preferred[i], f.distributed(i), f.carry_paid[i]};
    const WaterfallSplit w = waterfall(st, x, f.carry_rate[i], f.catch_up[i]);
    lp = w.lp;
    gp = w.gp;
  }
  const double c = f.committed(i);
  const double to_gov = c > 0.0 ? lp * f.committed_gov[i] / c : lp;
  const double to_gp = c > 0.0 ? lp * f.committed_gp[i] / c : 0.0;
  f.dist_gov[i] += to_gov;
  f.dist_gp[i] += to_gp;
  f.dist_lp[i] += lp - to_gov - to_gp;
  f.carry_paid[i] += gp;
  f.cash[i] = 0.0;
  f.distributed_year[i] += x;
  s.year.distributions += lp;
  s.year.carry += gp;
  if (kind == FundKind::iof_subfund) {
    s.iof_receipts += to_gov;
    s.year.iof_receipts += to_gov;
  } else if (kind != FundKind::private_vc) {
    s.itvf_receipts += to_gov;
    s.year.itvf_receipts += to_gov;
  }
}

}  // namespace

void close_year(FundSystem& s, int year, const FundParams& p) {
  FundTable& f = s.funds;
  const std::size_t n = rows(f);
  std::vector<std::uint8_t>& winding = s.scratch.winding;
  winding.assign(n, 0);
  // 1. Fees (6.1) and the wind-up list (6.7).
  for (std::size_t i = 0; i < n; ++i) {
    if (static_cast<FundStatus>(f.status[i]) == FundStatus::closed) continue;
    if (static_cast<FundKind>(f.kind[i]) == FundKind::itvf_coinvest) continue;
    charge_fee(s, i, year);
    winding[i] = year >= f.vintage[i] + f.life[i] - 1;
  }
  // 2. Wind-up sales at NAV less the discount (eq. 6.7b).
  HoldingTable& h = s.holdings;
  std::vector<std::uint8_t>& keep = s.scratch.keep;
  keep.assign(rows(h), 1);
  // Fund i sells a position worth `nav` to the secondary market (eq. 6.7b).
  auto sell = [&](std::size_t i, double nav) {
    const double sale = nav * (1.0 - p.windup_discount);
    f.cash[i] += sale;
    f.proceeds[i] += sale;
    f.proceeds_year[i] += sale;
    s.year.proceeds += sale;
    s.year.windup_sales += sale;
  };
  for (std::size_t k = 0; k < rows(h); ++k) {
    const auto i = static_cast<std::size_t>(h.fund[k]);
    if (!winding[i]) continue;
    sell(i, h.nav[k]);
    keep[k] = 0;
  }
  for (std::size_t i = 0; i < n; ++i) {  // stakes in chain-leading enterprises, at cost (6.6)
    if (!winding[i] || f.chain_cost[i] <= 0.0) continue;
    sell(i, f.chain_cost[i]);
    f.chain_cost[i] = 0.0;
  }
  compact_rows(h, keep);
  refresh_holdings(s);
  // 3. Distributions, then 4. closing and status for next year.
  for (std::size_t i = 0; i < n; ++i) {
    if (static_cast<FundStatus>(f.status[i]) == FundStatus::closed) continue;
    distribute(s, i);
    const auto kind = static_cast<FundKind>(f.kind[i]);
    FundStatus next = FundStatus::harvesting;
    if (kind == FundKind::itvf_coinvest) {
      const bool more = p.itvf.open(year + 1);
      next = more ? FundStatus::investing : FundStatus::harvesting;
      if (!more && f.cost_held[i] <= 0.0 && f.nav[i] <= 0.0) next = FundStatus::closed;
    } else if (winding[i]) {
      next = FundStatus::closed;
      if (Scheme* l = ledger(s, i); l != nullptr && f.committed(i) > 0.0) {
        // Uncalled government commitment lapses back to the programme (eq. 6.7c).
        const double uncalled = f.committed_gov[i] * (1.0 - f.called[i] / f.committed(i));
        l->budget.release(std::clamp(uncalled, 0.0, l->budget.committed()));
      }
    } else if (year + 1 < f.vintage[i] + f.invest_years[i]) {
      next = FundStatus::investing;
    }
    f.status[i] = static_cast<std::uint8_t>(next);
  }
}

}  // namespace nisim::hk
