// Fund parameter keys, units, ranges and sources (docs/model.md section 6).
#include "models/funds/fund_params.hpp"

#include <string>
#include <utility>

namespace nisim::hk {

FundParams::FundParams() {
  // Section 6.2: commitments to the private funds that invest in Hong Kong start-ups' rounds.
  // HK VC investment grew from about HK$ 1.24 bn (2014) to HK$ 42 bn (2021), most of it large
  // late-stage rounds led from outside Hong Kong; those are the model's outside investors
  // (section 6.3). The modelled funds are the local early-stage pool: calibrated assumption,
  // about all of 2014's investment and about 10% of 2021's, lower after the 2022 downturn.
  private_commitments = {{2014, 2017, 2019, 2021, 2023, 2025},
                         {1200.0, 2000.0, 3000.0, 4200.0, 3000.0, 3500.0}};
}

namespace {

/// Bind the terms of one kind of fund under `prefix`. `lim` holds the contractual limits
/// (upper bounds on fee, carry, life, investment period; lower bounds on hurdle and GP
/// commitment); `what` names the kind and source for the doc strings.
void bind_terms(FundTerms& t, const std::string& prefix, const FundTerms& lim,
                const std::string& what, ParamBinder& b) {
  b.real(prefix + ".fee", t.fee,
         {"1/year", 0.0, lim.fee,
          std::string(t.fee_on_invested ? "management fee on invested capital"
                                        : "management fee on committed capital") +
              " in the investment period, then on net invested capital; " + what + " (6.1)"});
  b.real(prefix + ".carry", t.carry,
         {"fraction", 0.0, lim.carry, "carried interest, share of profits; " + what + " (6.1)"});
  b.real(prefix + ".hurdle", t.hurdle,
         {"1/year", lim.hurdle, 1.0,
          "preferred return, compounded yearly; " + what + " (6.1, eq. 6.1a)"});
  b.real(prefix + ".catch_up", t.catch_up,
         {"fraction", 0.0, 1.0, "GP share of the catch-up tier; 1 = full catch-up (6.1)"});
  b.integer(prefix + ".life", t.life,
            {"years", 1, static_cast<double>(lim.life),
             "years from vintage to wind-up; " + what + " (6.1)"});
  b.integer(prefix + ".investment_period", t.investment_period,
            {"years", 1, static_cast<double>(lim.investment_period),
             "years from vintage in which new deals are made; " + what + " (6.1)"});
  b.real(
      prefix + ".gp_commit", t.gp_commit,
      {"fraction", lim.gp_commit, 0.5, "GP commitment, fraction of fund size; " + what + " (6.1)"});
}

void bind_stage_prob(FundParams& p, Stage s, ParamBinder& b) {
  const auto i = static_cast<std::size_t>(s);
  b.real("funds.outside_prob." + std::string(k_stage_names[i]), p.outside_prob[i],
         {"probability", 0.0, 1.0,
          "probability that outside investors fund a round no modelled fund can lead; "
          "calibrated assumption (6.3)"});
}

}  // namespace

void bind_fund_params(FundParams& p, ParamBinder& b) {
  // 6.2 Private venture funds.
  b.series("funds.private.commitments", p.private_commitments,
           {"HK$ M/year", 0.0, 1e6,
            "new commitments to private VC funds investing in HK start-ups' rounds; calibrated "
            "to the local early-stage part of HK VC investment (1.24 bn 2014, 42 bn 2021) (6.2)"});
  b.real("funds.private.size", p.private_fund_size,
         {"HK$ M", 1.0, 1e5, "size of one private fund; assumption (6.2)"});
  bind_terms(p.private_terms, "funds.private", {0.05, 0.5, 0.0, 1.0, 30, 30, 0.0, false},
             "Metrick and Yasuda (2010): 2 and 20, 8% hurdle, 10-year life, 5-year period", b);

  // 6.3 Clearing of rounds.
  b.real("funds.lead_share", p.lead_share,
         {"fraction", 0.01, 1.0,
          "share of a round taken by the lead modelled fund; assumption (6.3)"});
  b.real("funds.max_deal_share", p.max_deal_share,
         {"fraction", 0.001, 1.0,
          "most of its size a fund puts into one round (LPA concentration limit); assumption "
          "(6.3)"});
  for (Stage s : {Stage::seed, Stage::series_a, Stage::series_b, Stage::growth}) {
    bind_stage_prob(p, s, b);
  }
  b.real("funds.windup_discount", p.windup_discount,
         {"fraction", 0.0, 1.0,
          "discount to NAV of holdings sold at wind-up (secondary sale); assumption (6.7)"});

  // 6.4 ITVF, old terms.
  bind_scheme_terms(p.itvf, "schemes.itvf",
                    "ITVF direct co-investment (old terms, 2017-2023; HK$ 2 bn, LegCo 2024)", b);
  b.real("schemes.itvf.coinvest_prob", p.itvf_coinvest_prob,
         {"probability", 0.0, 1.0,
          "probability that an eligible funded round is co-invested; calibrated to 27 start-ups "
          "by Oct 2022 (6.4)"});
  b.real("schemes.itvf.match", p.itvf_match,
         {"HK$/HK$", 0.0, 10.0, "government money per HK$ of partner money; 1 : 2 (6.4)"});
  b.real("schemes.itvf.partner_share", p.itvf_partner_share,
         {"fraction", 0.0, 1.0,
          "partner fund's share of a co-invested round; calibrated to HK$ 1.7 bn private for "
          "HK$ 0.2 bn government by Oct 2022 (6.4)"});

  // 6.5 ITVF, enhanced terms.
  bind_scheme_terms(p.itvf_funds, "schemes.itvf.funds",
                    "ITVF co-investment funds (enhanced terms; HK$ 1.5 bn, 2024 Policy Address)",
                    b);
  b.integer("schemes.itvf.funds.selections", p.itvf_selections,
            {"funds/year", 0, 100, "co-investment funds selected per open year; assumption (6.5)"});
  b.real("schemes.itvf.funds.raise_prob", p.itvf_raise_prob,
         {"probability", 0.0, 1.0,
          "probability that a selected fund raises its private money within 12 months; "
          "assumption (6.5)"});
  b.real("schemes.itvf.funds.private_target", p.itvf_private_target,
         {"HK$ M", 0.0, 1e5, "median private money raised by a selected fund; assumption (6.5)"});
  b.real("schemes.itvf.funds.private_sigma", p.itvf_private_sigma,
         {"", 0.0, 3.0, "s.d. of log private money raised; assumption (6.5)"});
  b.real("schemes.itvf.funds.private_min", p.itvf_private_min,
         {"HK$ M", 0.0, 1e5, "private money required of a fund; HK$ 450 M (6.5)"});
  b.real("schemes.itvf.funds.ratio", p.itvf_ratio,
         {"HK$/HK$", 0.0, 10.0, "government HK$ per HK$ raised privately; 1 : 3 (6.5)"});
  b.real("schemes.itvf.funds.gov_min", p.itvf_gov_min,
         {"HK$ M", 0.0, 1e5, "smallest government commitment per fund; HK$ 150 M (6.5)"});
  b.real("schemes.itvf.funds.gov_max", p.itvf_gov_max,
         {"HK$ M", 0.0, 1e5, "largest government commitment per fund; HK$ 250 M (6.5)"});
  b.real("schemes.itvf.funds.hk_min", p.itvf_hk_min,
         {"fraction", 0.0, 1.0, "least share of invested cost in Hong Kong firms; 50% (6.5)"});
  bind_terms(p.itvf_terms, "schemes.itvf.funds", {0.02, 0.20, 0.07, 1.0, 10, 5, 0.02, true},
             "ITVF terms: fee <= 2%, carry <= 20%, hurdle >= 7%, life <= 10, period <= 5, "
             "GP >= 2%",
             b);

  // 6.6 I&T Industry-Oriented Fund.
  bind_scheme_terms(p.iof, "schemes.iof",
                    "I&T Industry-Oriented Fund (HK$ 10 bn fund of funds, 2025-26 proposal)", b);
  b.integer("schemes.iof.funds_per_year", p.iof_funds_per_year,
            {"funds/year", 0, 100, "sub-funds launched per open year; assumption (6.6)"});
  b.real("schemes.iof.gov_per_fund", p.iof_gov_per_fund,
         {"HK$ M", 1.0, 1e5, "government commitment per sub-fund; assumption (6.6)"});
  b.real("schemes.iof.gov_share", p.iof_gov_share,
         {"fraction", 0.01, 1.0,
          "government share of a sub-fund's size; 10 bn leveraging ~40 bn gives 25% (6.6)"});
  b.real("schemes.iof.chain_share", p.iof_chain_share,
         {"fraction", 0.0, 0.9,
          "share of a sub-fund's investable capital for chain-leading enterprises (strategic "
          "enterprises); assumed 0.2, range 0-0.4 (6.6)"});
  bind_terms(p.iof_terms, "schemes.iof", {0.05, 0.5, 0.0, 1.0, 30, 30, 0.0, false},
             "IOF sub-funds, market terms as private funds (assumption)", b);
}

void check_fund_params(const FundParams& p) {
  auto fail = [](std::vector<std::string> keys, const std::string& what) {
    throw FundParamError(std::move(keys), what);
  };
  if (p.itvf_gov_min > p.itvf_gov_max) {
    fail({"schemes.itvf.funds.gov_min", "schemes.itvf.funds.gov_max"},
         "must not exceed schemes.itvf.funds.gov_max");
  }
  const std::pair<const FundTerms*, const char*> terms[] = {{&p.private_terms, "funds.private"},
                                                            {&p.itvf_terms, "schemes.itvf.funds"},
                                                            {&p.iof_terms, "schemes.iof"}};
  for (const auto& [t, prefix] : terms) {
    if (t->investment_period > t->life) {
      fail({std::string(prefix) + ".investment_period", std::string(prefix) + ".life"},
           "must not exceed " + std::string(prefix) + ".life");
    }
    if (t->fee * static_cast<double>(t->life) >= 1.0) {
      fail({std::string(prefix) + ".fee", std::string(prefix) + ".life"},
           "fee times life must be below 1 (fees would use up "
           "the fund)");
    }
  }
  if (p.iof_gov_share + p.iof_terms.gp_commit > 1.0) {
    fail({"schemes.iof.gov_share", "schemes.iof.gp_commit"},
         "plus schemes.iof.gp_commit must not exceed 1");
  }
  if (p.itvf_terms.gp_commit * (1.0 + p.itvf_ratio) > 1.0) {
    fail({"schemes.itvf.funds.gp_commit", "schemes.itvf.funds.ratio"},
         "the GP commitment would exceed the private money");
  }
  if (p.itvf_match * p.itvf_partner_share + p.lead_share > 1.0 + 1e-12) {
    // The co-investment comes out of the outside investors' part of the round (eq. 6.4a).
    fail({"schemes.itvf.partner_share", "schemes.itvf.match", "funds.lead_share"},
         "schemes.itvf.match * schemes.itvf.partner_share + funds.lead_share must not exceed 1");
  }
}

}  // namespace nisim::hk
