// Clearing start-ups' rounds and realising exits (docs/model.md sections 6.3, 6.4, 6.5, 6.7).
#include <algorithm>
#include <map>

#include "engine/table.hpp"
#include "models/funds/fund_ops.hpp"
#include "models/funds/funds.hpp"

namespace nisim::hk {

using namespace fund_ops;

namespace {

/// Start-up id -> holding rows, in holding order (a multimap keeps equal keys in insertion
/// order, so iteration never depends on addresses).
using HeldIndex = std::multimap<std::uint64_t, std::size_t>;

HeldIndex index_holdings(const HoldingTable& h) {
  HeldIndex held;
  for (std::size_t k = 0; k < rows(h); ++k) held.emplace(h.id[k], k);
  return held;
}

/// Seed to Series B: the ITVF's stages (6.4, 6.5).
bool early_stage(Stage s) {
  return s == Stage::seed || s == Stage::series_a || s == Stage::series_b;
}

/// Money a fund can still invest this year (eq. 6.3a): its investable capital (commitment less
/// a reserve for lifetime fees; fee x life x committed bounds every fee it can be charged),
/// paced evenly over the investment period, less what it invested, and never more than its
/// uncalled commitment.
double dry_powder(const FundTable& f, std::size_t i, int year) {
  const double c = f.committed(i);
  const double investable = c * (1.0 - f.fee_rate[i] * f.life[i]);
  const double pace =
      std::min(1.0, static_cast<double>(year - f.vintage[i] + 1) / f.invest_years[i]);
  return std::max(0.0, std::min(investable * pace - f.invested[i], c - f.called[i]));
}

/// Mandate, concentration and dry-powder test of fund i for taking `take` of round r (6.3);
/// `powder` is the fund's dry_powder this year.
bool eligible(const FundTable& f, std::size_t i, const RoundRequest& r, double take,
              const FundParams& p, double powder) {
  switch (static_cast<FundKind>(f.kind[i])) {
    case FundKind::itvf_fund:
      if (!early_stage(r.stage)) return false;
      // At least hk_min of invested cost in Hong Kong firms after the deal (eq. 6.5d).
      if (!r.hong_kong && f.invested_hk[i] < p.itvf_hk_min * (f.invested[i] + take)) return false;
      break;
    case FundKind::iof_subfund:
      if (!hard_tech(r.field)) return false;
      break;
    case FundKind::private_vc:
      break;
    case FundKind::itvf_coinvest:
      return false;  // co-invests by its own rule (6.4), never leads
  }
  return take <= p.max_deal_share * f.committed(i) && take <= powder;
}

/// Fund `row` invests x in round r at post-money `post` (eq. 6.3c): capital is called, the
/// holding created or topped up.
void invest(FundSystem& s, HeldIndex& held, std::size_t row, const RoundRequest& r, double x,
            double post) {
  FundTable& f = s.funds;
  call_capital(s, row, x);
  f.cash[row] -= x;
  f.invested[row] += x;
  f.invested_year[row] += x;
  if (r.hong_kong) f.invested_hk[row] += x;
  s.year.investments += x;
  HoldingTable& h = s.holdings;
  auto [b, e] = held.equal_range(r.startup_id);
  for (auto it = b; it != e; ++it) {
    const std::size_t k = it->second;
    if (static_cast<std::size_t>(h.fund[k]) != row) continue;
    h.cost[k] += x;
    h.ownership[k] += x / post;
    h.nav[k] = h.ownership[k] * post;
    return;
  }
  const std::size_t k = rows(h);
  resize_rows(h, k + 1);
  h.id[k] = r.startup_id;
  h.fund[k] = static_cast<std::int32_t>(row);
  h.cost[k] = x;
  h.ownership[k] = x / post;
  h.nav[k] = x;
  held.emplace(r.startup_id, k);
}

}  // namespace

void clear_rounds(FundSystem& s, std::span<const RoundRequest> requests,
                  std::vector<RoundOutcome>& out, int year, const FundParams& p, const Rng& rng) {
  out.assign(requests.size(), RoundOutcome{});
  FundTable& f = s.funds;
  HeldIndex held = index_holdings(s.holdings);
  std::vector<std::size_t> active;
  for (std::size_t i = 0; i < rows(f); ++i) {
    if (static_cast<FundKind>(f.kind[i]) != FundKind::itvf_coinvest && can_invest(f, i, year)) {
      active.push_back(i);
    }
  }
  const bool old_terms = p.itvf.open(year) && s.coinvest_row >= 0;
  std::vector<double> weight(active.size());
  // Dry powder of each active fund, kept current as funds invest (only the lead's changes).
  std::vector<double> powder(active.size());
  for (std::size_t j = 0; j < active.size(); ++j) powder[j] = dry_powder(f, active[j], year);

  for (std::size_t q = 0; q < requests.size(); ++q) {
    const RoundRequest& r = requests[q];
    s.year.rounds_requested += 1.0;
    s.year.amount_requested += r.amount;
    if (!(r.amount > 0.0)) continue;
    const double take = p.lead_share * r.amount;

    // Lead: a keyed uniform over eligible funds weighted by dry powder (eq. 6.3b).
    double total = 0.0;
    for (std::size_t j = 0; j < active.size(); ++j) {
      weight[j] = eligible(f, active[j], r, take, p, powder[j]) ? powder[j] : 0.0;
      total += weight[j];
    }
    std::int64_t lead = -1;
    std::size_t lead_j = 0;
    if (total > 0.0) {
      const double target = rng.uniform(year, r.startup_id, purpose::fund_lead) * total;
      double cum = 0.0;
      for (std::size_t j = 0; j < active.size(); ++j) {
        if (weight[j] <= 0.0) continue;
        lead = static_cast<std::int64_t>(active[j]);  // the last positive weight absorbs rounding
        lead_j = j;
        cum += weight[j];
        if (target < cum) break;
      }
    } else {
      // No modelled fund can lead: outside investors fund it with probability pi_s (eq. 6.3d).
      const double u = rng.uniform(year, r.startup_id, purpose::outside_round);
      if (!(u < p.outside_prob[static_cast<std::size_t>(r.stage)])) continue;
    }
    const double fund_take = lead >= 0 ? take : 0.0;

    // Old-terms ITVF co-investment alongside the partner (eq. 6.4a).
    double gov = 0.0;
    if (old_terms && r.hong_kong && early_stage(r.stage)) {
      s.itvf.applications += 1.0;
      if (rng.uniform(year, r.startup_id, purpose::itvf_coinvest) < p.itvf_coinvest_prob) {
        gov = std::min({p.itvf_match * p.itvf_partner_share * r.amount, r.amount - fund_take,
                        s.itvf.budget.remaining()});
        gov = std::max(0.0, gov);
      }
    }

    // Existing holders are marked to the new pre-money and diluted (eq. 6.3e).
    const double pre = std::max(0.0, r.pre_money);
    const double post = pre + r.amount;
    HoldingTable& h = s.holdings;
    auto [b, e] = held.equal_range(r.startup_id);
    for (auto it = b; it != e; ++it) {
      h.ownership[it->second] *= pre / post;
      h.nav[it->second] = h.ownership[it->second] * post;
    }

    if (lead >= 0) {
      invest(s, held, static_cast<std::size_t>(lead), r, fund_take, post);
      powder[lead_j] = dry_powder(f, active[lead_j], year);
    }
    if (gov > 0.0) {
      const auto v = static_cast<std::size_t>(s.coinvest_row);
      s.itvf.spend(gov);
      f.committed_gov[v] += gov;
      invest(s, held, v, r, gov, post);
      s.itvf.approvals += 1.0;
      s.year.from_government += gov;
    }

    RoundOutcome& o = out[q];
    o.funded = true;
    o.from_funds = fund_take + gov;
    o.from_outside = r.amount - o.from_funds;
    o.lead_fund = static_cast<std::int32_t>(lead >= 0 ? lead : (gov > 0.0 ? s.coinvest_row : -1));
    s.year.rounds_funded += 1.0;
    s.year.rounds_led += lead >= 0 ? 1.0 : 0.0;
    s.year.from_funds += o.from_funds;
    s.year.from_outside += o.from_outside;

    // ITVF KPI (eq. 6.5c): all private money in a round the ITVF backs, directly or through a
    // fund it is an LP of, is private investment attracted.
    const bool itvf_fund_led =
        lead >= 0 &&
        static_cast<FundKind>(f.kind[static_cast<std::size_t>(lead)]) == FundKind::itvf_fund;
    if (gov > 0.0 || itvf_fund_led) {
      double public_money = gov;
      if (lead >= 0) {
        const auto l = static_cast<std::size_t>(lead);
        public_money += fund_take * f.committed_gov[l] / f.committed(l);
      }
      const double attracted = std::max(0.0, r.amount - public_money);
      s.itvf_private_attracted += attracted;
      s.year.itvf_private_attracted += attracted;
      s.itvf.outcomes += attracted;
    }
  }
  refresh_holdings(s);
}

void realise_exits(FundSystem& s, std::span<const StartupExit> exits, int /*year*/) {
  FundTable& f = s.funds;
  HoldingTable& h = s.holdings;
  HeldIndex held = index_holdings(h);
  std::vector<std::uint8_t> keep(rows(h), 1);
  for (const StartupExit& x : exits) {
    auto [b, e] = held.equal_range(x.startup_id);
    for (auto it = b; it != e; ++it) {
      const std::size_t k = it->second;
      const auto i = static_cast<std::size_t>(h.fund[k]);
      // Proceeds = ownership x equity value at exit (eq. 6.7a); a failure is worth nothing.
      const bool failed = x.kind == StartupExit::Kind::failure;
      const double value = failed ? 0.0 : h.ownership[k] * std::max(0.0, x.equity_value);
      f.cash[i] += value;
      f.proceeds[i] += value;
      f.proceeds_year[i] += value;
      s.year.proceeds += value;
      if (failed) {
        f.written_off[i] += h.cost[k];
        s.year.write_offs += h.cost[k];
      }
      keep[k] = 0;
    }
    held.erase(b, e);
  }
  compact_rows(h, keep);
  refresh_holdings(s);
}

}  // namespace nisim::hk
