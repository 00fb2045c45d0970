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

/// The bit of a round's mandate class in FundScratch::mandate: early stage, hard tech.
std::uint8_t mandate_bit(Stage s, Field f) {
  return static_cast<std::uint8_t>(1u << ((early_stage(s) ? 2 : 0) + (hard_tech(f) ? 1 : 0)));
}

/// Mandate classes a fund of `kind` may lead (6.3, 6.5, 6.6): bits of mandate_bit.
std::uint8_t mandate_of(FundKind kind) {
  switch (kind) {
    case FundKind::itvf_fund:
      return 0b1100;  // early stage only
    case FundKind::iof_subfund:
      return 0b1010;  // hard tech only
    case FundKind::private_vc:
      return 0b1111;
    case FundKind::itvf_coinvest:
      break;
  }
  return 0;  // co-invests by its own rule (6.4), never leads
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

/// Mandate, concentration and dry-powder test of active fund j for taking `take` of round r
/// (6.3); `bit` is the round's mandate_bit.
bool eligible(const FundSystem& s, std::size_t j, const RoundRequest& r, std::uint8_t bit,
              double take, const FundParams& p) {
  const FundScratch& x = s.scratch;
  const bool open = ((x.mandate[j] & bit) != 0) & (take <= x.cap[j]) & (take <= x.powder[j]);
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
void most_take(const FundScratch& x, std::array<double, 16>& most) {
  most.fill(-1.0);
  for (std::size_t j = 0; j < x.active.size(); ++j) {
    const double m = std::min(x.cap[j], x.powder[j]);
    for (int b = 0; b < 4; ++b) {
      const std::size_t bit = std::size_t{1} << b;
      if ((x.mandate[j] & bit) != 0) most[bit] = std::max(most[bit], m);
    }
  }
}

/// Fund `row` invests x in round r at post-money `post` (eq. 6.3c): capital is called, the
/// holding created or topped up.
void invest(FundSystem& s, std::size_t row, const RoundRequest& r, double x, double post) {
  FundTable& f = s.funds;
  call_capital(s, row, x);
  f.cash[row] -= x;
  f.invested[row] += x;
  f.invested_year[row] += x;
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
  std::array<double, 16> most{};
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
    const std::uint8_t bit = mandate_bit(r.stage, r.field);
    std::size_t n_eligible = 0;
    if (take <= most[bit]) {
      for (std::size_t j = 0; j < x.active.size(); ++j) {  // gathered without a branch
        x.eligible[n_eligible] = static_cast<std::uint32_t>(j);
        n_eligible += eligible(s, j, r, bit, take, p) & (x.powder[j] > 0.0) ? 1 : 0;
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
      for (int b = 0; b < 4; ++b) {  // the bounds move only where the lead set them
        const std::size_t bit_b = std::size_t{1} << b;
        if ((x.mandate[lead_j] & bit_b) != 0 && most[bit_b] == was) {
          most_take(x, most);
          break;
        }
      }
    }
    if (gov > 0.0) {
      const auto v = static_cast<std::size_t>(s.coinvest_row);
      s.itvf.spend(gov);
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
