// Clearing start-ups' rounds and realising exits (docs/model.md sections 6.3, 6.4, 6.5, 6.7).
#include <algorithm>
#include <array>
#include <bit>
#include <limits>

#include "engine/table.hpp"
#include "models/funds/fund_ops.hpp"
#include "models/funds/funds.hpp"

namespace nisim::hk {

using namespace fund_ops;

namespace {

/// Index the holdings by start-up id in s.scratch (FundScratch) for the start-ups of `items`
/// (round requests or exits), whose ids are about to be looked up. Start-up ids are dense
/// (section 5.1), so with a bucket per id in range no two ids share a bucket; a wider range shares
/// buckets, which only costs a longer walk. Each bucket lists its rows in holding order, so a
/// start-up's holdings are visited in the order a scan of the table would visit them. O(holdings +
/// buckets).
template <class Item>
void index_holdings(FundSystem& s, std::span<const Item> items) {
  std::uint64_t lo = std::numeric_limits<std::uint64_t>::max(), hi = 0;
  for (const Item& it : items) {
    lo = std::min(lo, it.startup_id);
    hi = std::max(hi, it.startup_id);
  }
  const std::size_t lookups = items.size();
  const HoldingTable& h = s.holdings;
  FundScratch& x = s.scratch;
  const std::size_t n = rows(h);
  for (std::size_t k = 0; k < n; ++k) {
    lo = std::min(lo, h.id[k]);
    hi = std::max(hi, h.id[k]);
  }
  const std::uint64_t range = hi >= lo ? hi - lo + 1 : 1;
  const std::uint64_t most = 16 * static_cast<std::uint64_t>(n + lookups) + 1024;
  x.held_base = hi >= lo ? lo : 0;
  x.held_mask = std::bit_ceil(std::min(range, most)) - 1;
  x.held_head.assign(x.held_mask + 1, -1);
  x.held_next.assign(n, -1);
  for (std::size_t k = n; k-- > 0;) {  // backwards, so each list comes out in row order
    std::int32_t& head = x.held_head[(h.id[k] - x.held_base) & x.held_mask];
    x.held_next[k] = head;
    head = static_cast<std::int32_t>(k);
  }
}

/// The list head of start-up id's bucket.
std::int32_t& bucket(FundScratch& x, std::uint64_t id) {
  return x.held_head[(id - x.held_base) & x.held_mask];
}

/// Seed to Series B: the ITVF's stages (6.4, 6.5).
bool early_stage(Stage s) {
  return s == Stage::seed || s == Stage::series_a || s == Stage::series_b;
}

/// Mandate classes (6.3): one per (early stage or not, field), k_mandate_classes in all.
constexpr int k_mandate_classes = 2 * k_fields;
using MandateMask = std::uint16_t;

/// A round's mandate class: index of its (early stage, field) pair.
int mandate_class(Stage s, Field f) {
  return (early_stage(s) ? k_fields : 0) + static_cast<int>(f);
}

/// Mandate classes a fund of `kind` may lead (6.3, 6.5, 6.6), one bit per mandate_class.
MandateMask mandate_of(FundKind kind) {
  MandateMask m = 0;
  for (int c = 0; c < k_mandate_classes; ++c) {
    const bool early = c >= k_fields;
    const auto field = static_cast<Field>(c % k_fields);
    bool ok = false;
    switch (kind) {
      case FundKind::itvf_fund:
        ok = early && strategic(field);  // seed to Series B, strategic industries only (6.5)
        break;
      case FundKind::iof_subfund:
        ok = hard_tech(field);  // any stage, hard tech only (6.6)
        break;
      case FundKind::private_vc:
        ok = true;
        break;
      case FundKind::itvf_coinvest:
        break;  // co-invests by its own rule (6.4), never leads
    }
    if (ok) m = static_cast<MandateMask>(m | (1u << c));
  }
  return m;
}

/// A fund's investable capital (commitment less a reserve for lifetime fees; fee x life x
/// committed bounds every fee it can be charged), paced evenly over the investment period
/// (eq. 6.3a).
double paced_investable(const FundTable& f, std::size_t i, int year) {
  const double investable = f.committed(i) * (1.0 - f.fee_rate[i] * f.life[i]);
  const double pace =
      std::min(1.0, static_cast<double>(year - f.vintage[i] + 1) / f.invest_years[i]);
  return investable * pace;
}

/// Money a fund can still invest in start-ups this year (eq. 6.3a): its paced investable
/// capital less the part kept for chain-leading enterprises (eq. 6.6b), less what it invested
/// in start-ups, and never more than its uncalled commitment.
double dry_powder(const FundTable& f, std::size_t i, int year) {
  const double startups = f.invested[i] - f.chain_invested[i];
  const double room = (1.0 - f.chain_share[i]) * paced_investable(f, i, year) - startups;
  return std::max(0.0, std::min(room, f.committed(i) - f.called[i]));
}

/// Mandate, concentration and dry-powder test of active fund j for taking `take` of round r
/// (6.3); `cls` is the round's mandate_class.
bool eligible(const FundSystem& s, std::size_t j, const RoundRequest& r, int cls, double take,
              const FundParams& p) {
  const FundScratch& x = s.scratch;
  const bool open =
      (((x.mandate[j] >> cls) & 1u) != 0) & (take <= x.cap[j]) & (take <= x.powder[j]);
  if (r.hong_kong || !open) return open;
  const FundTable& f = s.funds;
  const std::size_t i = x.active[j];
  // An ITVF fund keeps at least hk_min of invested cost in Hong Kong firms after the deal
  // (eq. 6.5d).
  return static_cast<FundKind>(f.kind[i]) != FundKind::itvf_fund ||
         !(f.invested_hk[i] < p.itvf_hk_min * (f.invested[i] + take));
}

/// Largest `take` any active fund could accept in each mandate class: min(cap, powder), the
/// most over funds with the class's bit. No fund can lead a round whose take is above it.
void most_take(const FundScratch& x, std::array<double, k_mandate_classes>& most) {
  most.fill(-1.0);
  for (std::size_t j = 0; j < x.active.size(); ++j) {
    const double m = std::min(x.cap[j], x.powder[j]);
    for (int c = 0; c < k_mandate_classes; ++c) {
      if (((x.mandate[j] >> c) & 1u) != 0) most[c] = std::max(most[c], m);
    }
  }
}

/// Fund `row` invests x in round r at post-money `post` (eq. 6.3c): capital is called, the
/// holding created or topped up.
void invest(FundSystem& s, std::size_t row, const RoundRequest& r, double x, double post) {
  FundTable& f = s.funds;
  const double mfg = mfg_share_of(r.field);
  call_capital(s, row, x, mfg);
  f.cash[row] -= x;
  f.invested[row] += x;
  f.invested_year[row] += x;
  f.invested_mfg[row] += mfg * x;
  if (r.hong_kong) f.invested_hk[row] += x;
  s.year.investments += x;
  HoldingTable& h = s.holdings;
  FundScratch& sc = s.scratch;
  std::int32_t* link = &bucket(sc, r.startup_id);
  for (; *link >= 0; link = &sc.held_next[static_cast<std::size_t>(*link)]) {
    const auto k = static_cast<std::size_t>(*link);
    if (h.id[k] != r.startup_id || static_cast<std::size_t>(h.fund[k]) != row) continue;
    h.cost[k] += x;
    h.ownership[k] += x / post;
    h.nav[k] = h.ownership[k] * post;
    return;
  }
  const std::size_t k = append_row(h);
  h.id[k] = r.startup_id;
  h.fund[k] = static_cast<std::int32_t>(row);
  h.cost[k] = x;
  h.ownership[k] = x / post;
  h.nav[k] = x;
  *link = static_cast<std::int32_t>(k);  // the end of its bucket's list
  sc.held_next.push_back(-1);
}

}  // namespace

void clear_rounds(FundSystem& s, std::span<const RoundRequest> requests,
                  std::vector<RoundOutcome>& out, int year, const FundParams& p, const Rng& rng) {
  out.assign(requests.size(), RoundOutcome{});
  FundTable& f = s.funds;
  FundScratch& x = s.scratch;
  index_holdings(s, requests);
  x.active.clear();
  x.powder.clear();
  x.cap.clear();
  x.mandate.clear();
  for (std::size_t i = 0; i < rows(f); ++i) {
    const auto kind = static_cast<FundKind>(f.kind[i]);
    if (kind != FundKind::itvf_coinvest && can_invest(f, i, year)) {
      x.active.push_back(static_cast<std::uint32_t>(i));
      // Dry powder, kept current as funds invest (only the lead's changes); the deal cap.
      x.powder.push_back(dry_powder(f, i, year));
      x.cap.push_back(p.max_deal_share * f.committed(i));
      x.mandate.push_back(mandate_of(kind));
    }
  }
  x.eligible.resize(x.active.size());
  std::array<double, k_mandate_classes> most{};
  most_take(x, most);
  // The outside investors' draw of every request, a chunk at a time (used when no fund leads).
  x.u_outside.resize(requests.size());
  alignas(64) double u[k_uniform_lanes];
  for_request_chunks(requests, [&](const std::uint64_t* ids, std::size_t m, std::size_t c) {
    uniform_chunk(rng, year, ids, m, purpose::outside_round, 0, u);
    std::copy(u, u + m, x.u_outside.begin() + static_cast<std::ptrdiff_t>(c));
  });
  const bool old_terms = p.itvf.open(year) && s.coinvest_row >= 0;

  for (std::size_t q = 0; q < requests.size(); ++q) {
    const RoundRequest& r = requests[q];
    s.year.rounds_requested += 1.0;
    s.year.amount_requested += r.amount;
    if (!(r.amount > 0.0)) continue;
    const double take = p.lead_share * r.amount;

    // Lead: a keyed uniform over eligible funds weighted by dry powder (eq. 6.3b). Funds that
    // cannot lead weigh nothing, so the sum runs over the eligible ones, in row order.
    const int cls = mandate_class(r.stage, r.field);
    std::size_t n_eligible = 0;
    if (take <= most[cls]) {
      for (std::size_t j = 0; j < x.active.size(); ++j) {  // gathered without a branch
        x.eligible[n_eligible] = static_cast<std::uint32_t>(j);
        n_eligible += eligible(s, j, r, cls, take, p) & (x.powder[j] > 0.0) ? 1 : 0;
      }
    }
    double total = 0.0;
    for (std::size_t e = 0; e < n_eligible; ++e) total += x.powder[x.eligible[e]];
    std::int64_t lead = -1;
    std::size_t lead_j = 0;
    if (total > 0.0) {
      const double target = rng.uniform(year, r.startup_id, purpose::fund_lead) * total;
      double cum = 0.0;
      for (std::size_t e = 0; e < n_eligible; ++e) {
        const std::uint32_t j = x.eligible[e];
        lead = static_cast<std::int64_t>(x.active[j]);  // the last one absorbs rounding
        lead_j = j;
        cum += x.powder[j];
        if (target < cum) break;
      }
    } else {
      // No modelled fund can lead: outside investors fund it with probability pi_s (eq. 6.3d).
      if (!(x.u_outside[q] < p.outside_prob[static_cast<std::size_t>(r.stage)])) continue;
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
    for (std::int32_t k = bucket(x, r.startup_id); k >= 0;
         k = x.held_next[static_cast<std::size_t>(k)]) {
      const auto row = static_cast<std::size_t>(k);
      if (h.id[row] != r.startup_id) continue;
      h.ownership[row] *= pre / post;
      h.nav[row] = h.ownership[row] * post;
    }

    if (lead >= 0) {
      invest(s, static_cast<std::size_t>(lead), r, fund_take, post);
      const double was = std::min(x.cap[lead_j], x.powder[lead_j]);
      x.powder[lead_j] = dry_powder(f, x.active[lead_j], year);
      for (int c = 0; c < k_mandate_classes; ++c) {  // bounds move only where the lead set them
        if (((x.mandate[lead_j] >> c) & 1u) != 0 && most[c] == was) {
          most_take(x, most);
          break;
        }
      }
    }
    if (gov > 0.0) {
      const auto v = static_cast<std::size_t>(s.coinvest_row);
      s.itvf.spend(gov, mfg_share_of(r.field));  // section 7.3
      f.committed_gov[v] += gov;
      invest(s, v, r, gov, post);
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

void invest_chain_leading(FundSystem& s, int year, double enterprises, const FundParams& p) {
  FundTable& f = s.funds;
  if (!(enterprises > 0.0)) return;  // no chain-leading enterprise in Hong Kong yet
  for (std::size_t i = 0; i < rows(f); ++i) {
    if (f.chain_share[i] <= 0.0 || !can_invest(f, i, year)) continue;
    // eq. 6.6b: the chain-leading share of the paced investable capital, less what is already
    // in chain-leading enterprises, within the uncalled commitment and the concentration limit
    // (max_deal_share of the fund per enterprise).
    const double want = f.chain_share[i] * paced_investable(f, i, year) - f.chain_invested[i];
    const double limit = p.max_deal_share * f.committed(i) * enterprises - f.chain_cost[i];
    const double x = std::min({want, limit, f.committed(i) - f.called[i]});
    if (x <= 1e-9) continue;
    call_capital(s, i, x, 1.0);  // chain-leading enterprises manufacture (7.3)
    f.cash[i] -= x;
    f.invested[i] += x;
    f.invested_year[i] += x;
    f.invested_mfg[i] += x;
    f.invested_hk[i] += x;  // they set up or expand in Hong Kong (4.2)
    f.chain_invested[i] += x;
    f.chain_cost[i] += x;
    f.nav[i] += x;
    f.cost_held[i] += x;
    s.year.investments += x;
    s.year.iof_chain_invested += x;
    s.iof_chain_invested += x;
  }
}

void realise_exits(FundSystem& s, std::span<const StartupExit> exits, int /*year*/) {
  FundTable& f = s.funds;
  HoldingTable& h = s.holdings;
  FundScratch& x = s.scratch;
  index_holdings(s, exits);
  x.keep.assign(rows(h), 1);
  for (const StartupExit& e : exits) {
    std::int32_t* link = &bucket(x, e.startup_id);
    while (*link >= 0) {
      const auto k = static_cast<std::size_t>(*link);
      if (h.id[k] != e.startup_id) {
        link = &x.held_next[k];
        continue;
      }
      const auto i = static_cast<std::size_t>(h.fund[k]);
      // Proceeds = ownership x equity value at exit (eq. 6.7a); a failure is worth nothing.
      const bool failed = e.kind == StartupExit::Kind::failure;
      const double value = failed ? 0.0 : h.ownership[k] * std::max(0.0, e.equity_value);
      f.cash[i] += value;
      f.proceeds[i] += value;
      f.proceeds_year[i] += value;
      s.year.proceeds += value;
      if (failed) {
        f.written_off[i] += h.cost[k];
        s.year.write_offs += h.cost[k];
      }
      x.keep[k] = 0;
      *link = x.held_next[k];  // realised: off the index, as a repeated exit finds nothing
    }
  }
  compact_rows(h, x.keep);
  refresh_holdings(s);
}

}  // namespace nisim::hk
