#include "models/invariants.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "engine/error.hpp"
#include "engine/scenario.hpp"
#include "models/model.hpp"
#include "models/phases.hpp"

namespace nisim::hk {
namespace {

/// A state after a few years of the small scenario, where every identity holds. The tests
/// break it on purpose (the Simulation owns a non-const State, so the const_cast is sound).
class InvariantsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<Simulation>(
        load_scenario(std::string(NISIM_TEST_DATA) + "/scenarios/small.toml"), RunOptions{{}, 1});
    for (int k = 0; k < 3; ++k) sim_->step();
    st_ = &const_cast<State&>(sim_->state());
  }
  /// The message of the ModelError that check() throws ("" if none).
  template <class Check>
  std::string failure(Check check) {
    try {
      check(*st_);
    } catch (const ModelError& e) {
      return e.what();
    }
    return "";
  }
  std::unique_ptr<Simulation> sim_;
  State* st_ = nullptr;
};

TEST_F(InvariantsTest, HoldAfterEveryStep) {
  EXPECT_EQ(failure(check_identities), "");
  EXPECT_EQ(failure(check_firm_stocks), "");
}

TEST_F(InvariantsTest, GdpNotTheSumOfItsPartsIsCaught) {
  st_->macro.gdp += 1.0;
  const std::string msg = failure(check_identities);
  EXPECT_NE(msg.find("GDP"), std::string::npos) << msg;
  EXPECT_NE(msg.find("year " + std::to_string(st_->year)), std::string::npos) << msg;
}

TEST_F(InvariantsTest, OverOccupiedSiteIsCaught) {
  st_->land.firms[2] = st_->land.supply[2] + 1000.0;
  const std::string msg = failure(check_identities);
  EXPECT_NE(msg.find(std::string(k_site_names[2])), std::string::npos) << msg;
  EXPECT_NE(msg.find("supply"), std::string::npos) << msg;
}

TEST_F(InvariantsTest, NegativeReservedSpaceIsCaught) {
  st_->land.reserved[0] = -1.0;
  EXPECT_NE(failure(check_identities).find("negative floor space"), std::string::npos);
}

TEST_F(InvariantsTest, PaidByPurposeMustAddUpToPaid) {
  // Section 7.3: manufacturing-relevant + other = paid, for every scheme, every year.
  ASSERT_GT(st_->talent.rth.paid, 0.0);
  st_->talent.rth.paid_mfg += 1.0;
  const std::string msg = failure(check_identities);
  EXPECT_NE(msg.find("scheme rth"), std::string::npos) << msg;
  EXPECT_NE(msg.find("paid this year on manufacturing"), std::string::npos) << msg;
}

TEST_F(InvariantsTest, NegativePurposeIsCaughtEvenWhenTheSumHolds) {
  Scheme& nifs = st_->nifs.scheme;
  nifs.paid_other -= 5.0;  // a negative "other" offset by extra "manufacturing"
  nifs.paid_mfg += 5.0;
  ASSERT_LT(nifs.paid_other, 0.0);
  const std::string msg = failure(check_identities);
  EXPECT_NE(msg.find("scheme nifs"), std::string::npos) << msg;
}

TEST_F(InvariantsTest, RecordedFirmCountMustMatchTheTable) {
  st_->history.firms.back() += 1.0;
  EXPECT_NE(failure(check_identities).find("rows of the firm table"), std::string::npos);
}

TEST_F(InvariantsTest, RdStockOffItsPerpetualInventoryIsCaught) {
  ASSERT_GT(st_->knowledge.rd_stock, 0.0);
  st_->knowledge.rd_stock += 1.0;
  const std::string msg = failure(check_identities);
  EXPECT_NE(msg.find("R&D stock K^R"), std::string::npos) << msg;
  EXPECT_NE(msg.find("last year's"), std::string::npos) << msg;
}

TEST_F(InvariantsTest, TrainedStockOffItsInventoryIsCaught) {
  st_->knowledge.trained_stock += 5.0;
  EXPECT_NE(failure(check_identities).find("trained stock S"), std::string::npos);
}

TEST_F(InvariantsTest, RdStocksDepreciatingAtDifferentRatesAreCaught) {
  // Keep K^0's own inventory true while its depreciation no longer matches K^R's rate.
  st_->knowledge.rd_private_depreciated += 1.0;
  st_->knowledge.rd_stock_private -= 1.0;
  EXPECT_NE(failure(check_identities).find("different rates"), std::string::npos);
}

TEST_F(InvariantsTest, NegativeFirmStockIsCaughtWithTheFirmNamed) {
  st_->firms.capital[5] = -2.0;
  const std::string msg = failure(check_firm_stocks);
  EXPECT_NE(msg.find("firm " + std::to_string(st_->firms.id[5])), std::string::npos) << msg;
  EXPECT_NE(msg.find("capital"), std::string::npos) << msg;
}

}  // namespace
}  // namespace nisim::hk
