// Renewal of scheme budgets (docs/model.md section 4.0, eq. 4.0a).
#include "models/schemes/renewal.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "engine/error.hpp"
#include "models/ledgers.hpp"
#include "models/model.hpp"
#include "models/params.hpp"
#include "models/phases.hpp"
#include "tests/models/test_support.hpp"

namespace nisim::hk {
namespace {

std::size_t ledger(std::string_view name) {
  for (std::size_t k = 0; k < k_ledgers; ++k) {
    if (k_ledger_names[k] == name) return k;
  }
  throw std::logic_error("no ledger " + std::string(name));
}

}  // namespace

TEST(Renewal, LedgerNamesAreTheOutputsSchemeOrder) {
  Parallel par(1);
  State st(par, 1);
  const SchemeList listed = schemes_of(st);
  const auto writable = ledgers_of(st);
  for (std::size_t k = 0; k < k_ledgers; ++k) {
    EXPECT_EQ(listed[k].first, k_ledger_names[k]);
    EXPECT_EQ(listed[k].second, writable[k]) << k_ledger_names[k];
  }
}

TEST(Renewal, AsAnnouncedFollowsThePapersAndTheSwitchOverridesIt) {
  RenewalParams p;
  // Announced totals are one-off; the schemes with no announced total are recurrent.
  for (const char* name : {"nifs", "nias", "raise_plus", "accelerator", "innohk", "itvf", "iof"}) {
    EXPECT_EQ(renewal_of(p, ledger(name)), Renewal::none) << name;
  }
  for (const char* name : {"rth", "nittp", "ess", "tsssu"}) {
    EXPECT_EQ(renewal_of(p, ledger(name)), Renewal::recurrent) << name;
  }
  p.mode[ledger("rth")] = "none";
  p.mode[ledger("innohk")] = "recurrent";
  EXPECT_EQ(renewal_of(p, ledger("rth")), Renewal::none);
  EXPECT_EQ(renewal_of(p, ledger("innohk")), Renewal::recurrent);
  p.mode[ledger("nifs")] = "sometimes";
  EXPECT_THROW(renewal_of(p, ledger("nifs")), std::invalid_argument);
}

TEST(Renewal, RecurrentOpenSchemeGetsLastYearsPaymentsBack) {
  Scheme s;
  s.budget = Budget(100.0);
  s.spend(30.0);
  s.budget.commit(50.0);
  renew_budget(s, Renewal::recurrent, true);  // eq. 4.0a
  EXPECT_DOUBLE_EQ(s.budget.total(), 130.0);
  EXPECT_DOUBLE_EQ(s.budget.committed() + s.budget.remaining(), 100.0);
  Scheme closed = s, once = s;
  renew_budget(closed, Renewal::recurrent, false);  // a closed scheme is not renewed
  EXPECT_DOUBLE_EQ(closed.budget.total(), 130.0);
  renew_budget(once, Renewal::none, true);  // nor is a one-off budget
  EXPECT_DOUBLE_EQ(once.budget.total(), 130.0);
}

TEST(Renewal, ScenarioSwitchIsValidatedWithTheKeyNamed) {
  EXPECT_EQ(test::params_error("[schemes.rth]\nrenewal = \"none\"\n"), "");
  EXPECT_EQ(test::params_error("[schemes.innohk]\nrenewal = \"recurrent\"\n"), "");
  const std::string e = test::params_error("[schemes.innohk]\nrenewal = \"sometimes\"\n");
  EXPECT_NE(e.find("schemes.innohk.renewal"), std::string::npos) << e;
  EXPECT_NE(e.find("inline.toml:3"), std::string::npos) << e;
  EXPECT_NE(test::params_error("[schemes.rth]\nrenewal = 1\n").find("schemes.rth.renewal"),
            std::string::npos);
}

TEST(Renewal, RecurrentKeepsASchemeRunningThatAOneOffBudgetStops) {
  // The small scenario with an RTH pot that pays two years of posts: as a one-off total it
  // stops approving, renewed it keeps approving the same number of posts every year.
  auto run = [](const char* mode) {
    const Scenario sc = test::scenario_text(
        std::string("inherit = \"small.toml\"\n[schemes.rth]\nbudget = 2000\nrenewal = \"") + mode +
        "\"\n");
    return hk::run(sc, RunOptions{{}, 1}).history;
  };
  const History none = run("none"), recurrent = run("recurrent");
  const std::size_t n = none.scheme_names.size(), k = ledger("rth");
  const std::size_t last = none.years() - 1;
  EXPECT_DOUBLE_EQ(none.scheme_budget[last * n + k], 2000.0);
  EXPECT_EQ(none.scheme_approvals[last * n + k], 0.0);  // the pot ran out
  EXPECT_GT(recurrent.scheme_budget[last * n + k], 2000.0);
  EXPECT_GT(recurrent.scheme_approvals[last * n + k], 0.0);
  for (std::size_t t = 1; t < recurrent.years(); ++t) {
    // eq. 4.0a: this year's budget is last year's plus last year's payments.
    EXPECT_NEAR(recurrent.scheme_budget[t * n + k],
                recurrent.scheme_budget[(t - 1) * n + k] + recurrent.scheme_paid[(t - 1) * n + k],
                1e-9);
  }
}

}  // namespace nisim::hk
