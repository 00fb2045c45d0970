// Renewal and purposes of the scheme ledgers (docs/model.md sections 4.0, 7.3).
#include "models/ledgers.hpp"

namespace nisim::hk {

std::array<Scheme*, k_ledgers> ledgers_of(State& st) {
  return {&st.nifs.scheme,
          &st.enterprises.nias,
          &st.talent.rth,
          &st.talent.nittp,
          &st.talent.ess,
          &st.startups.tsssu,
          &st.startups.raise_plus,
          &st.startups.accelerator,
          &st.startups.innohk,
          &st.funds.itvf,
          &st.funds.iof};
}

bool ledger_open(const Params& p, std::size_t k, int year) {
  const std::array<const SchemeTerms*, k_ledgers> terms = {&p.nifs.terms,
                                                           &p.nias.terms,
                                                           &p.talent.rth,
                                                           &p.talent.nittp,
                                                           &p.talent.ess,
                                                           &p.startups.tsssu,
                                                           &p.startups.raise_plus,
                                                           &p.startups.accelerator,
                                                           &p.startups.innohk,
                                                           &p.funds.itvf,
                                                           &p.funds.iof};
  if (k == 9 && p.funds.itvf_funds.open(year)) return true;  // the ITVF's enhanced funds (6.5)
  return terms.at(k)->open(year);
}

void renew_budgets(State& st, const Params& p) {
  const std::array<Scheme*, k_ledgers> ledgers = ledgers_of(st);
  for (std::size_t k = 0; k < k_ledgers; ++k) {
    renew_budget(*ledgers[k], renewal_of(p.renewal, k), ledger_open(p, k, st.year));
  }
}

void set_scheme_purposes(State& st, const Params& p) {
  st.nifs.scheme.mfg_share = 1.0;       // smart production lines in manufacturers (4.1)
  st.enterprises.nias.mfg_share = 1.0;  // smart production facilities (4.2)
  st.talent.rth.mfg_share = p.talent.rth_mfg_share;  // the year's posts classify it (4.4)
  st.talent.nittp.mfg_share = 1.0;                   // counted as manufacturing training in 4.4-4.5
  st.talent.ess.mfg_share = p.talent.ess_mfg_share;  // projects in manufacturing firms (4.4)
  // TSSSU and RAISe+ classify each grant by its start-up's field; the ITVF and the IOF each
  // call by what it pays for (7.3). Accelerators admit start-ups of every field: the share of
  // fields that can become manufacturers among births (section 5.2, origin "other").
  const auto& share = p.startups.field_share[static_cast<std::size_t>(Origin::other)];
  double hard = 0.0, all = 0.0;
  for (int f = 0; f < k_fields; ++f) {
    all += share[static_cast<std::size_t>(f)];
    if (hard_tech(static_cast<Field>(f))) hard += share[static_cast<std::size_t>(f)];
  }
  st.startups.accelerator.mfg_share = all > 0.0 ? hard / all : 0.0;
  st.startups.innohk.mfg_share = 0.0;  // research, not manufacturing (7.3)
}

}  // namespace nisim::hk
