#include "common/reports/proportion.h"

#include <gtest/gtest.h>

namespace voc::reports {
namespace {

TEST(ShareRiseTest, AKnownRiseIsSignificant) {
  // 60 of 200 now against 40 of 200 before: pooled 0.25,
  // SE = sqrt(0.25 * 0.75 * (1/200 + 1/200)) = 0.0433013, z = 0.1 / SE = 2.30940,
  // one-sided p = 1 - Phi(2.30940) = 0.010461 (standard normal table).
  const ShareChange c = TestShareRise(60, 200, 40, 200);
  EXPECT_DOUBLE_EQ(c.share, 0.3);
  EXPECT_DOUBLE_EQ(c.previous_share, 0.2);
  EXPECT_NEAR(c.z, 2.30940, 1e-4);
  EXPECT_NEAR(c.p_value, 0.010461, 1e-5);
  EXPECT_TRUE(c.significant_rise);
}

TEST(ShareRiseTest, AFallOrASmallRiseIsNot) {
  const ShareChange fell = TestShareRise(40, 200, 60, 200);
  EXPECT_LT(fell.z, 0);
  EXPECT_GT(fell.p_value, 0.5);
  EXPECT_FALSE(fell.significant_rise);
  // 11 of 100 against 10 of 100: z = 0.01 / sqrt(0.105 * 0.895 * 0.02) = 0.2303.
  const ShareChange small = TestShareRise(11, 100, 10, 100);
  EXPECT_NEAR(small.z, 0.2303, 1e-3);
  EXPECT_FALSE(small.significant_rise);
}

TEST(ShareRiseTest, DegenerateInputsClaimNothing) {
  for (const ShareChange& c : {TestShareRise(5, 10, 0, 0), TestShareRise(0, 0, 5, 10), TestShareRise(11, 10, 1, 10),
                               TestShareRise(0, 10, 0, 10), TestShareRise(10, 10, 10, 10)}) {
    EXPECT_EQ(c.z, 0);
    EXPECT_EQ(c.p_value, 1);
    EXPECT_FALSE(c.significant_rise);
  }
  // The shares are still reported where they can be.
  EXPECT_DOUBLE_EQ(TestShareRise(5, 10, 0, 0).share, 0.5);
}

TEST(PooledZTest, IsTheShareDifferenceOverThePooledError) {
  // 40/100 against 10/100: pooled 0.25, SE = sqrt(0.25 * 0.75 * 0.02) = 0.0612372,
  // z = 0.3 / SE = 4.89898; the sign follows the order of the arguments.
  EXPECT_NEAR(PooledZ(40, 100, 10, 100), 4.89898, 1e-5);
  EXPECT_NEAR(PooledZ(10, 100, 40, 100), -4.89898, 1e-5);
  EXPECT_NEAR(NormalUpperTail(1.959963984540054), 0.025, 1e-12);
}

}  // namespace
}  // namespace voc::reports
