#pragma once
// Renewal of scheme budgets (docs/model.md section 4.0): a scenario switch per scheme,
// `schemes.<name>.renewal`, says whether a scheme's budget is a one-off total ("none") or is
// renewed every year ("recurrent"); "as_announced", the default, takes what the policy papers
// say of that scheme (k_announced_renewal).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/params.hpp"
#include "models/schemes/budget.hpp"

namespace nisim::hk {

/// The scheme ledgers, in output order (the `scheme` dimension, section 4.0).
inline constexpr std::size_t k_ledgers = 11;
inline constexpr std::array<std::string_view, k_ledgers> k_ledger_names = {
    "nifs",       "nias",        "rth",    "nittp", "ess", "tsssu",
    "raise_plus", "accelerator", "innohk", "itvf",  "iof"};

/// How a budget is renewed (section 4.0).
enum class Renewal : std::uint8_t {
  none = 0,      ///< the budget is a one-off total; the scheme stops approving once it is used
  recurrent = 1  ///< renewed every open year by the previous year's payments (eq. 4.0a)
};

/// What the policy papers say of each ledger, in k_ledger_names order (docs/model.md 4.0): a
/// scheme with an announced total keeps it; a scheme the papers give no total for is run year
/// after year out of recurrent funding.
inline constexpr std::array<Renewal, k_ledgers> k_announced_renewal = {
    Renewal::none,       // NIFS: HK$ 2 bn at launch (July 2020)
    Renewal::none,       // NIAS: HK$ 10 bn
    Renewal::recurrent,  // RTH: no total; ITF programme with a 2027 post target
    Renewal::recurrent,  // NITTP: no total; ITF programme since 2018
    Renewal::recurrent,  // ESS: no total; ITF programme
    Renewal::recurrent,  // TSSSU: no total; 2027 target of 600 start-ups
    Renewal::none,       // RAISe+: HK$ 10 bn in total
    Renewal::none,       // I&T Accelerator Pilot Scheme: HK$ 180 M in total
    Renewal::none,       // InnoHK: HK$ 10 bn
    Renewal::none,       // ITVF: HK$ 2 bn (the enhanced terms' 1.5 bn within it)
    Renewal::none        // I&T Industry-Oriented Fund: HK$ 10 bn
};

/// The switch of every ledger: "as_announced", "none" or "recurrent".
struct RenewalParams {
  std::array<std::string, k_ledgers> mode;
  RenewalParams() { mode.fill("as_announced"); }
};

/// Bind `schemes.<name>.renewal` for every ledger (choices checked by the binder).
void bind_renewal_params(RenewalParams& p, ParamBinder& b);

/// The renewal rule in force for ledger `k` (k_ledger_names order). Throws std::invalid_argument
/// on a mode that is not one of the three choices.
Renewal renewal_of(const RenewalParams& p, std::size_t k);

/// Eq. 4.0a, at the start of a year, before the scheme's counters are reset: a recurrent scheme
/// that is open this year gets back what it paid last year, so committed + remaining stays at
/// its budget B. A scheme under Renewal::none, or closed, is not renewed.
void renew_budget(Scheme& s, Renewal r, bool open);

}  // namespace nisim::hk
