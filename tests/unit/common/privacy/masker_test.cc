#include "common/privacy/masker.h"

#include <gtest/gtest.h>

namespace voc::privacy {
namespace {

TEST(MaskerTest, Smoke) {
  const Masker masker;
  EXPECT_EQ(masker.Mask("我的手机13812345678"), "我的手机【手机号】");
}

}  // namespace
}  // namespace voc::privacy
