// Renewal of scheme budgets (docs/model.md section 4.0, eq. 4.0a).
#include "models/schemes/renewal.hpp"

#include <stdexcept>

namespace nisim::hk {

void bind_renewal_params(RenewalParams& p, ParamBinder& b) {
  for (std::size_t k = 0; k < k_ledgers; ++k) {
    const std::string announced =
        k_announced_renewal[k] == Renewal::recurrent ? "recurrent" : "none";
    const std::string doc = "renewal of the budget: as_announced (here " + announced +
                            "), none (a one-off total) or recurrent (renewed each open year by "
                            "last year's payments) (4.0)";
    ParamMeta meta;
    meta.doc = doc;
    b.text("schemes." + std::string(k_ledger_names[k]) + ".renewal", p.mode[k], meta,
           {"as_announced", "none", "recurrent"});
  }
}

Renewal renewal_of(const RenewalParams& p, std::size_t k) {
  const std::string& m = p.mode.at(k);
  if (m == "as_announced") return k_announced_renewal[k];
  if (m == "none") return Renewal::none;
  if (m == "recurrent") return Renewal::recurrent;
  throw std::invalid_argument("schemes." + std::string(k_ledger_names[k]) + ".renewal: '" + m +
                              "' is not one of as_announced, none, recurrent");
}

void renew_budget(Scheme& s, Renewal r, bool open) {
  // eq. 4.0a: B_t = B_{t-1} + paid_{t-1}
  if (r == Renewal::recurrent && open && s.paid > 0.0) s.budget.renew(s.paid);
}

}  // namespace nisim::hk
