// The knowledge channel: R&D stock by perpetual inventory, training through the trained share,
// and their TFP bonus (models/knowledge.hpp; docs/model.md section 4.5).
#include "models/knowledge.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "engine/error.hpp"
#include "models/params.hpp"
#include "test_support.hpp"

namespace nisim::hk {
namespace {

KnowledgeParams channel() {
  KnowledgeParams p;
  p.rd_elasticity = 0.05;
  p.rd_depreciation = 0.15;
  p.private_rd_intensity = 0.03;
  p.private_rd_growth = 0.04;
  p.training_elasticity = 0.6;
  p.training_depreciation = 0.25;
  p.nittp_mfg_share = 0.5;
  return p;
}

constexpr double k_base_va = 20000.0;  // V_{t0}, HK$ M

const auto error_of = &test::params_error;

}  // namespace

TEST(Knowledge, BaseYearStockIsTheSteadyStateOfThePerpetualInventory) {
  const KnowledgeParams p = channel();
  Knowledge k;
  initialise_knowledge(k, p, k_base_va);
  // eq. 4.5b: R_{t0} = phi V_{t0}; K = R (1 + g) / (g + delta).
  const double r0 = 0.03 * k_base_va;
  EXPECT_DOUBLE_EQ(k.rd_private, r0);
  EXPECT_NEAR(k.rd_stock, r0 * 1.04 / (0.04 + 0.15), 1e-9);
  EXPECT_EQ(k.rd_stock_private, k.rd_stock);
  EXPECT_EQ(k.trained_stock, 0.0);
  EXPECT_EQ(k.tfp_bonus, 0.0);
  // Gross return at fixed inputs: gamma V / K.
  EXPECT_NEAR(k.return_fixed, 0.05 * k_base_va / k.rd_stock, 1e-12);
}

TEST(Knowledge, PrivateRdAloneGrowsTheStockAtItsOwnRateAndAddsNoBonus) {
  // From the steady-state start, private R&D growing at g keeps K growing at exactly g: its
  // contribution to TFP is part of the calibrated drift mu, so the bonus stays 0.
  const KnowledgeParams p = channel();
  Knowledge k;
  initialise_knowledge(k, p, k_base_va);
  for (int years = 1; years <= 30; ++years) {
    const double before = k.rd_stock;
    knowledge_year(k, p, years, k_base_va, 0.0, 0.0, 50000.0, k_base_va);
    EXPECT_NEAR(k.rd_stock / before, 1.04, 1e-12) << years;
    EXPECT_NEAR(k.rd_private, 0.03 * k_base_va * std::pow(1.04, years), 1e-9) << years;
    EXPECT_NEAR(k.tfp_bonus, 0.0, 1e-14) << years;
  }
}

TEST(Knowledge, StockFollowsThePerpetualInventory) {
  const KnowledgeParams p = channel();
  Knowledge k;
  initialise_knowledge(k, p, k_base_va);
  const double publics[] = {100.0, 250.0, 0.0, 40.0};
  for (int years = 1; years <= 4; ++years) {
    const double before = k.rd_stock;
    const double before_private = k.rd_stock_private;
    knowledge_year(k, p, years, k_base_va, publics[years - 1], 0.0, 50000.0, k_base_va);
    // eq. 4.5a: K_t = (1 - delta) K_{t-1} + R^priv_t + R^pub_t.
    EXPECT_NEAR(k.rd_stock, 0.85 * before + k.rd_private + publics[years - 1], 1e-9);
    EXPECT_NEAR(k.rd_stock_private, 0.85 * before_private + k.rd_private, 1e-9);
    EXPECT_DOUBLE_EQ(k.rd_public, publics[years - 1]);
    EXPECT_NEAR(k.rd_depreciated, 0.15 * before, 1e-9);
    EXPECT_DOUBLE_EQ(k.rd_stock_before, before);
  }
}

TEST(Knowledge, BonusIsTheElasticityTimesTheChangeInLogStock) {
  // eq. 4.5c: d ln A = gamma_R d ln K beyond the private path, for the year after.
  const KnowledgeParams p = channel();
  Knowledge k;
  initialise_knowledge(k, p, k_base_va);
  knowledge_year(k, p, 1, k_base_va, 300.0, 0.0, 50000.0, k_base_va);
  const double gain1 = 0.05 * std::log(k.rd_stock / k.rd_stock_private);
  EXPECT_GT(gain1, 0.0);
  EXPECT_NEAR(k.bonus_rd, gain1, 1e-14);
  EXPECT_NEAR(k.rd_gain, gain1, 1e-14);
  // Same spending again: the stock ratio rises further, by less.
  knowledge_year(k, p, 2, k_base_va, 300.0, 0.0, 50000.0, k_base_va);
  const double gain2 = 0.05 * std::log(k.rd_stock / k.rd_stock_private);
  EXPECT_NEAR(k.bonus_rd, gain2 - gain1, 1e-14);
  EXPECT_GT(k.bonus_rd, 0.0);
  EXPECT_LT(k.bonus_rd, gain1);
  // Spending stops: the extra stock depreciates and the TFP gained shrinks (negative bonus).
  knowledge_year(k, p, 3, k_base_va, 0.0, 0.0, 50000.0, k_base_va);
  EXPECT_LT(k.bonus_rd, 0.0);
  // Twice the elasticity, twice the bonus.
  KnowledgeParams twice = p;
  twice.rd_elasticity = 0.10;
  Knowledge a, b;
  initialise_knowledge(a, p, k_base_va);
  initialise_knowledge(b, twice, k_base_va);
  knowledge_year(a, p, 1, k_base_va, 300.0, 0.0, 50000.0, k_base_va);
  knowledge_year(b, twice, 1, k_base_va, 300.0, 0.0, 50000.0, k_base_va);
  EXPECT_NEAR(b.bonus_rd, 2.0 * a.bonus_rd, 1e-14);
  // No elasticity: no bonus, whatever is spent.
  KnowledgeParams off = p;
  off.rd_elasticity = 0.0;
  Knowledge z;
  initialise_knowledge(z, off, k_base_va);
  knowledge_year(z, off, 1, k_base_va, 1e4, 0.0, 50000.0, k_base_va);
  EXPECT_EQ(z.tfp_bonus, 0.0);
}

TEST(Knowledge, ReturnAtFixedInputsIsElasticityTimesValueAddedOverStock) {
  // A marginal HK$ of R&D raises K by 1, so ln A by gamma / K and V (at fixed inputs) by
  // gamma V / K: check against a finite difference.
  const KnowledgeParams p = channel();
  Knowledge a, b;
  initialise_knowledge(a, p, k_base_va);
  initialise_knowledge(b, p, k_base_va);
  knowledge_year(a, p, 1, k_base_va, 100.0, 0.0, 50000.0, 21000.0);
  knowledge_year(b, p, 1, k_base_va, 101.0, 0.0, 50000.0, 21000.0);
  const double dv = 21000.0 * (std::exp(b.rd_gain - a.rd_gain) - 1.0);
  EXPECT_NEAR(a.return_fixed, 0.05 * 21000.0 / a.rd_stock, 1e-12);
  EXPECT_NEAR(dv, a.return_fixed, 1e-3 * a.return_fixed);
}

TEST(Knowledge, TrainingWorksThroughTheTrainedShare) {
  const KnowledgeParams p = channel();
  Knowledge k;
  initialise_knowledge(k, p, k_base_va);
  // eq. 4.5d: S_t = (1 - delta_S) S_{t-1} + s_N T_t; tau = S / L; eq. 4.5e: theta d tau.
  knowledge_year(k, p, 1, k_base_va, 0.0, 2000.0, 50000.0, k_base_va);
  EXPECT_DOUBLE_EQ(k.trainees_mfg, 1000.0);
  EXPECT_DOUBLE_EQ(k.trained_stock, 1000.0);
  EXPECT_DOUBLE_EQ(k.trained_share, 0.02);
  EXPECT_NEAR(k.bonus_training, 0.6 * 0.02, 1e-15);
  EXPECT_NEAR(k.bonus_rd, 0.0, 1e-15);  // training is not R&D
  EXPECT_NEAR(k.tfp_bonus, k.bonus_training, 1e-15);
  knowledge_year(k, p, 2, k_base_va, 0.0, 2000.0, 40000.0, k_base_va);
  EXPECT_DOUBLE_EQ(k.trained_lost, 250.0);
  EXPECT_DOUBLE_EQ(k.trained_stock, 1750.0);
  EXPECT_DOUBLE_EQ(k.trained_share, 1750.0 / 40000.0);
  EXPECT_NEAR(k.bonus_training, 0.6 * (1750.0 / 40000.0 - 0.02), 1e-15);
  EXPECT_NEAR(k.training_gain, 0.6 * 1750.0 / 40000.0, 1e-15);
  // Training stops: the stock decays and the bonus turns negative.
  knowledge_year(k, p, 3, k_base_va, 0.0, 0.0, 40000.0, k_base_va);
  EXPECT_DOUBLE_EQ(k.trained_stock, 1750.0 * 0.75);
  EXPECT_LT(k.bonus_training, 0.0);
  // No manufacturing employment: no share (and no division by zero).
  knowledge_year(k, p, 4, k_base_va, 0.0, 100.0, 0.0, k_base_va);
  EXPECT_EQ(k.trained_share, 0.0);
}

TEST(Knowledge, BadParametersAreRefusedWithTheKey) {
  EXPECT_EQ(error_of(""), "");
  EXPECT_EQ(error_of("[knowledge]\nrd_elasticity = 0.0\nprivate_rd_intensity = 0.0\n"), "");
  struct Case {
    const char* text;
    const char* key;
    const char* says;
  };
  const Case cases[] = {
      {"[knowledge]\nrd_depreciation = -0.1\n", "'knowledge.rd_depreciation'", "inline.toml:3:"},
      {"[knowledge]\nrd_depreciation = 1.5\n", "'knowledge.rd_depreciation'", "inline.toml:3:"},
      {"[knowledge]\nrd_elasticity = 1.0\n", "'knowledge.rd_elasticity'", "inline.toml:3:"},
      {"[knowledge]\nrd_elasticity = -0.01\n", "'knowledge.rd_elasticity'", "inline.toml:3:"},
      {"[knowledge]\ntraining_elasticity = -1.0\n", "'knowledge.training_elasticity'",
       "inline.toml:3:"},
      {"[knowledge]\ntraining_depreciation = 2.0\n", "'knowledge.training_depreciation'",
       "inline.toml:3:"},
      {"[knowledge]\nnittp_mfg_share = 1.2\n", "'knowledge.nittp_mfg_share'", "inline.toml:3:"},
      {"[knowledge]\nprivate_rd_intensity = 0.0\n", "'knowledge.private_rd_intensity'",
       "must be positive while knowledge.rd_elasticity is"},
      {"[knowledge]\nrd_depreciation = 0.0\nprivate_rd_growth = 0.0\n",
       "'knowledge.rd_depreciation'", "must be positive"},
  };
  for (const Case& c : cases) {
    const std::string e = error_of(c.text);
    EXPECT_NE(e.find(c.key), std::string::npos) << c.text << " -> " << e;
    EXPECT_NE(e.find(c.says), std::string::npos) << c.text << " -> " << e;
  }
  // The relation checks themselves, without the single-key ranges in front of them.
  KnowledgeParams p = channel();
  EXPECT_FALSE(knowledge_param_problem(p).has_value());
  p.rd_elasticity = 1.0;
  EXPECT_EQ(knowledge_param_problem(p)->key, "knowledge.rd_elasticity");
  p = channel();
  p.rd_depreciation = -0.2;
  EXPECT_EQ(knowledge_param_problem(p)->key, "knowledge.rd_depreciation");
  p = channel();
  p.training_depreciation = 1.5;
  EXPECT_EQ(knowledge_param_problem(p)->key, "knowledge.training_depreciation");
  p = channel();
  p.training_elasticity = -0.1;
  EXPECT_EQ(knowledge_param_problem(p)->key, "knowledge.training_elasticity");
}

}  // namespace nisim::hk
