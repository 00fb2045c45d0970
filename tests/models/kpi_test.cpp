// The cost of a percentage point of share gained (docs/model.md section 7.3).
#include "models/kpi.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace nisim::hk {

TEST(CostPerPoint, IsMoneyOverShareOnAllAndOnManufacturingRelevantMoney) {
  const CostPerPoint c = cost_per_point(0.5, 12000.0, 4000.0);
  EXPECT_DOUBLE_EQ(c.per_point_all, 24000.0);
  EXPECT_DOUBLE_EQ(c.per_point_mfg, 8000.0);
  EXPECT_DOUBLE_EQ(c.d_share, 0.5);
  EXPECT_DOUBLE_EQ(c.d_all, 12000.0);
  EXPECT_DOUBLE_EQ(c.d_mfg, 4000.0);
}

TEST(CostPerPoint, IsUndefinedWithoutAShareGain) {
  for (double d : {0.0, 1e-7, -0.2, std::nan("")}) {
    const CostPerPoint c = cost_per_point(d, 12000.0, 4000.0);
    EXPECT_TRUE(std::isnan(c.per_point_all)) << d;
    EXPECT_TRUE(std::isnan(c.per_point_mfg)) << d;
  }
  // Just above the threshold it is defined.
  EXPECT_FALSE(std::isnan(cost_per_point(2e-6, 1.0, 1.0).per_point_all));
}

}  // namespace nisim::hk
