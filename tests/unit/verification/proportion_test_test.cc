#include "services/verification/proportion_test.h"

#include <gtest/gtest.h>

namespace voc::verification {
namespace {

// Reference values computed independently (Python: pooled two-proportion
// z-test, p = 0.5 * erfc(z / sqrt(2))).
TEST(ProportionTest, LargeFallIsVerified) {
  auto r = OneSidedTwoProportionTest({40, 100, 10, 100}, 0.05);
  EXPECT_TRUE(r.not_computable_reason.empty());
  EXPECT_DOUBLE_EQ(r.before_share, 0.40);
  EXPECT_DOUBLE_EQ(r.after_share, 0.10);
  EXPECT_NEAR(r.z_score, 4.898979485566357, 1e-9);
  EXPECT_NEAR(r.p_value, 4.81678504321545e-07, 1e-12);
  EXPECT_TRUE(r.verified);
}

TEST(ProportionTest, SmallFallIsNotSignificant) {
  auto r = OneSidedTwoProportionTest({30, 100, 25, 100}, 0.05);
  EXPECT_NEAR(r.z_score, 0.7918075824648956, 1e-9);
  EXPECT_NEAR(r.p_value, 0.2142364402214087, 1e-9);
  EXPECT_FALSE(r.verified);
}

TEST(ProportionTest, UnequalWindows) {
  auto r = OneSidedTwoProportionTest({20, 200, 12, 150}, 0.05);
  EXPECT_NEAR(r.z_score, 0.6424452109375585, 1e-9);
  EXPECT_NEAR(r.p_value, 0.2602920762971805, 1e-9);
  EXPECT_FALSE(r.verified);
}

TEST(ProportionTest, RiseGivesNegativeZAndLargeP) {
  auto r = OneSidedTwoProportionTest({10, 100, 20, 100}, 0.05);
  EXPECT_NEAR(r.z_score, -1.9802950859533488, 1e-9);
  EXPECT_NEAR(r.p_value, 0.9761648096719193, 1e-9);
  EXPECT_FALSE(r.verified);
}

TEST(ProportionTest, SignificanceIsAStrictThreshold) {
  // p ~ 0.2142: verified at 0.25, not at 0.2142 itself or 0.05.
  EXPECT_TRUE(OneSidedTwoProportionTest({30, 100, 25, 100}, 0.25).verified);
  EXPECT_FALSE(OneSidedTwoProportionTest({30, 100, 25, 100}, 0.2142364402214087).verified);
}

TEST(ProportionTest, NormalTail) {
  EXPECT_NEAR(NormalUpperTail(0), 0.5, 1e-15);
  EXPECT_NEAR(NormalUpperTail(1.6448536269514722), 0.05, 1e-12);
  EXPECT_NEAR(NormalUpperTail(-1.959963984540054), 0.975, 1e-12);
}

TEST(ProportionTest, NoComplaintsBeforeCannotVerify) {
  auto r = OneSidedTwoProportionTest({0, 0, 0, 0}, 0.05);
  EXPECT_FALSE(r.verified);
  EXPECT_EQ(r.z_score, 0);
  EXPECT_EQ(r.p_value, 1);
  EXPECT_NE(r.not_computable_reason.find("before"), std::string::npos);
}

TEST(ProportionTest, NoComplaintsAfterCannotVerify) {
  auto r = OneSidedTwoProportionTest({40, 100, 0, 0}, 0.05);
  EXPECT_FALSE(r.verified);
  EXPECT_DOUBLE_EQ(r.before_share, 0.4);
  EXPECT_EQ(r.after_share, 0);
  EXPECT_NE(r.not_computable_reason.find("after"), std::string::npos);
}

TEST(ProportionTest, TopicAbsentInBothWindows) {
  auto r = OneSidedTwoProportionTest({0, 50, 0, 60}, 0.05);
  EXPECT_FALSE(r.verified);
  EXPECT_EQ(r.p_value, 1);
  EXPECT_FALSE(r.not_computable_reason.empty());
}

TEST(ProportionTest, TopicIsEveryComplaintInBothWindows) {
  auto r = OneSidedTwoProportionTest({5, 5, 7, 7}, 0.05);
  EXPECT_FALSE(r.verified);
  EXPECT_EQ(r.p_value, 1);
}

TEST(ProportionTest, TopicDisappearsAfterIsTestable) {
  // 30 of 100 before, 0 of 100 after: pooled 0.15, z = 0.3/sqrt(.15*.85*.02).
  auto r = OneSidedTwoProportionTest({30, 100, 0, 100}, 0.05);
  EXPECT_TRUE(r.not_computable_reason.empty());
  EXPECT_NEAR(r.z_score, 5.940885257860046, 1e-9);
  EXPECT_TRUE(r.verified);
}

TEST(ProportionTest, InconsistentCountsAreRejected) {
  EXPECT_FALSE(OneSidedTwoProportionTest({11, 10, 0, 10}, 0.05).not_computable_reason.empty());
  EXPECT_FALSE(OneSidedTwoProportionTest({-1, 10, 0, 10}, 0.05).not_computable_reason.empty());
}

TEST(ProportionTest, SummaryStatesFiguresAndVerdict) {
  ComplaintCounts counts{40, 100, 10, 100};
  auto text = DescribeResult("logistics", counts, OneSidedTwoProportionTest(counts, 0.05), 0.05);
  EXPECT_NE(text.find("40/100"), std::string::npos) << text;
  EXPECT_NE(text.find("40.0%"), std::string::npos) << text;
  EXPECT_NE(text.find("10/100"), std::string::npos) << text;
  EXPECT_NE(text.find("z = 4.90"), std::string::npos) << text;
  EXPECT_NE(text.find("verified"), std::string::npos) << text;

  ComplaintCounts empty{0, 0, 3, 10};
  auto failed = DescribeResult("logistics", empty, OneSidedTwoProportionTest(empty, 0.05), 0.05);
  EXPECT_NE(failed.find("cannot test"), std::string::npos) << failed;
  EXPECT_NE(failed.find("failed"), std::string::npos) << failed;
}

}  // namespace
}  // namespace voc::verification
