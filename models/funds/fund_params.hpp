#pragma once
// Parameters of the venture-fund module (docs/model.md section 6): private venture funds, the
// rule that clears start-ups' rounds, the Innovation and Technology Venture Fund (ITVF, old and
// enhanced terms) and the I&T Industry-Oriented Fund (IOF). Defaults live in the member
// initialisers; bind_fund_params gives every key its unit, range and source.
#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <utility>
#include "engine/params.hpp"
#include "models/schemes/budget.hpp"
#include "models/venture.hpp"

namespace nisim::hk {

/// Terms of one kind of limited partnership (section 6.1). Each fund copies the terms of its
/// kind when it is launched, so a later change of parameters does not rewrite its contract.
struct FundTerms {
  double fee = 0.02;                   ///< management fee, fraction of the fee base per year
  double carry = 0.20;                 ///< carried interest, share of profits
  double hurdle = 0.08;                ///< preferred return, 1/year, compounded yearly
  double catch_up = 1.0;               ///< GP share of distributions in the catch-up tier
  std::int64_t life = 10;              ///< years from vintage to wind-up
  std::int64_t investment_period = 5;  ///< years from vintage in which new deals are made
  double gp_commit = 0.01;             ///< GP commitment, fraction of fund size
  /// Fee base in the investment period (eq. 6.1g): invested capital if true (ITVF funds),
  /// committed capital if false (market practice). A contract term of the kind, not a key.
  bool fee_on_invested = false;
};

struct FundParams {
  // Private venture funds (section 6.2)
  Series private_commitments;        ///< new commitments to modelled private VC funds, HK$ M/year
  double private_fund_size = 400.0;  ///< size of one private fund, HK$ M
  FundTerms private_terms;           ///< 2 and 20, 8% hurdle, 10 + 5 years, 1% GP commitment

  // Clearing of rounds (section 6.3)
  double lead_share = 0.5;       ///< share of a round the lead modelled fund takes
  double max_deal_share = 0.15;  ///< most of its size a fund puts into one round
  /// Probability that outside investors fund a round no modelled fund can lead, by Stage
  /// (index 0, pre-seed, is never a round and is unused).
  /// Calibrated (docs/calibration.md): +0.15 on the placeholders 0.30/0.40/0.50/0.60, so the
  /// funds side clears ~55% of requests (was ~40%) and start-up counts and employment match
  /// InvestHK 2020 and 2024 (3,360 / 10,688; 4,694 / ~18,000).
  std::array<double, k_stages> outside_prob = {0.0, 0.45, 0.55, 0.65, 0.75};
  double windup_discount = 0.30;  ///< discount to NAV of holdings sold at wind-up, fraction

  // ITVF, old terms: direct co-investment at 1 : 2 (section 6.4)
  SchemeTerms itvf{true, 2017, 2023, 2000.0};
  // Calibrated (docs/calibration.md): 27 start-ups, HK$ 0.2 bn government and HK$ 1.7 bn private
  // by Oct 2022 (model: ~28, ~190, ~1,700); was 0.02 (45 deals, 2,600 private).
  double itvf_coinvest_prob = 0.009;  ///< probability an eligible funded round is co-invested
  double itvf_match = 0.5;            ///< government money per HK$ of partner money (1 : 2)
  double itvf_partner_share = 0.20;   ///< partner fund's share of a co-invested round

  // ITVF, enhanced terms: government LP in selected co-investment funds (section 6.5)
  SchemeTerms itvf_funds{true, 2024, 2028, 1500.0};
  std::int64_t itvf_selections = 2;    ///< funds selected per open year
  double itvf_raise_prob = 0.75;       ///< probability a selected fund raises its private money
  double itvf_private_target = 600.0;  ///< median private money raised by a fund, HK$ M
  double itvf_private_sigma = 0.30;    ///< s.d. of log private money raised
  double itvf_private_min = 450.0;     ///< private money required, HK$ M
  double itvf_ratio = 1.0 / 3.0;       ///< government HK$ per HK$ raised privately (1 : 3)
  double itvf_gov_min = 150.0;         ///< smallest government commitment per fund, HK$ M
  double itvf_gov_max = 250.0;         ///< largest government commitment per fund, HK$ M
  double itvf_hk_min = 0.5;            ///< least share of invested cost in Hong Kong firms
  FundTerms itvf_terms{0.02, 0.20, 0.08, 1.0, 10, 5, 0.02, true};

  // I&T Industry-Oriented Fund: government LP in sub-funds (section 6.6)
  SchemeTerms iof{true, 2026, 2030, 10000.0};
  std::int64_t iof_funds_per_year = 4;  ///< sub-funds launched per open year
  double iof_gov_per_fund = 500.0;      ///< government commitment per sub-fund, HK$ M
  double iof_gov_share = 0.25;          ///< government share of a sub-fund's size
  /// Share of a sub-fund's investable capital kept for chain-leading enterprises (eq. 6.6b);
  /// assumed (no published figure), explored over 0-0.4.
  double iof_chain_share = 0.2;
  FundTerms iof_terms;

  FundParams();
};

/// Bind every fund parameter (keys under funds., schemes.itvf., schemes.iof.).
void bind_fund_params(FundParams& p, ParamBinder& b);

/// A relation between fund parameters that does not hold: the keys it involves and why.
struct FundParamError : std::invalid_argument {
  FundParamError(std::vector<std::string> k, std::string d)
      : std::invalid_argument("key '" + k.front() + "': " + d),
        keys(std::move(k)),
        detail(std::move(d)) {}
  /// The keys of the relation, the one to blame by default first; the error points at the
  /// first of them the scenario sets (models/params.cpp), never at a key left at its default.
  std::vector<std::string> keys;
  std::string detail;  ///< what is wrong, without the key
};

/// Relations single-key ranges cannot express (gov_min <= gov_max, investment period within
/// life, government share plus GP commitment below 1). Throws FundParamError naming the
/// offending key. (Every scheme's start <= end is checked with the other schemes', in
/// models/params.cpp.)
void check_fund_params(const FundParams& p);

}  // namespace nisim::hk
