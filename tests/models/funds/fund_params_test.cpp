// Fund parameter keys and their relations (docs/model.md section 6).
#include "models/funds/fund_params.hpp"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <variant>

namespace nisim::hk {

TEST(FundParams, EveryKeyHasPrefixUnitRangeAndSourcedDoc) {
  FundParams p;
  const auto schema = collect_schema([&](ParamBinder& b) { bind_fund_params(p, b); });
  ASSERT_GT(schema.size(), 40u);
  std::set<std::string> keys;
  for (const ParamSpec& s : schema) {
    EXPECT_TRUE(keys.insert(s.key).second) << "duplicate " << s.key;
    const bool prefixed = s.key.rfind("funds.", 0) == 0 || s.key.rfind("schemes.itvf.", 0) == 0 ||
                          s.key.rfind("schemes.iof.", 0) == 0;
    EXPECT_TRUE(prefixed) << s.key;
    EXPECT_FALSE(s.doc.empty()) << s.key;
    if (s.type == ParamType::real || s.type == ParamType::integer) {
      EXPECT_LT(s.min, s.max) << s.key;
      const double v = s.type == ParamType::real
                           ? std::get<double>(s.default_value)
                           : static_cast<double>(std::get<std::int64_t>(s.default_value));
      EXPECT_GE(v, s.min) << s.key;  // defaults are inside their own ranges
      EXPECT_LE(v, s.max) << s.key;
    }
  }
  for (const char* k :
       {"funds.private.commitments", "funds.lead_share", "funds.outside_prob.seed",
        "schemes.itvf.budget", "schemes.itvf.coinvest_prob", "schemes.itvf.funds.budget",
        "schemes.itvf.funds.gov_max", "schemes.iof.budget", "schemes.iof.gov_share"}) {
    EXPECT_EQ(keys.count(k), 1u) << k;
  }
  EXPECT_NO_THROW(check_fund_params(p));
}

TEST(FundParams, ContractLimitsOfTheItvfAreRanges) {
  FundParams p;
  const auto schema = collect_schema([&](ParamBinder& b) { bind_fund_params(p, b); });
  auto spec = [&](const std::string& key) {
    for (const ParamSpec& s : schema) {
      if (s.key == key) return s;
    }
    throw std::out_of_range(key);
  };
  const std::string k = "schemes.itvf.funds.";
  EXPECT_DOUBLE_EQ(spec(k + "fee").max, 0.02);
  EXPECT_DOUBLE_EQ(spec(k + "carry").max, 0.20);
  EXPECT_DOUBLE_EQ(spec(k + "hurdle").min, 0.07);
  EXPECT_DOUBLE_EQ(spec(k + "gp_commit").min, 0.02);
  EXPECT_DOUBLE_EQ(spec(k + "life").max, 10.0);
  EXPECT_DOUBLE_EQ(spec(k + "investment_period").max, 5.0);
}

TEST(FundParams, RelationsAreChecked) {
  FundParams p;
  p.itvf_gov_min = 300.0;
  EXPECT_THROW(check_fund_params(p), std::invalid_argument);
  p = FundParams{};
  p.private_terms.investment_period = 12;
  EXPECT_THROW(check_fund_params(p), std::invalid_argument);
  p = FundParams{};
  p.iof_gov_share = 0.995;
  EXPECT_THROW(check_fund_params(p), std::invalid_argument);
}

}  // namespace nisim::hk
