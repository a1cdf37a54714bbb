// The API key token format (issue 9): "vk_<12 hex key id>_<secret>".
#include "services/identity/api_key_token.h"

#include <gtest/gtest.h>

namespace voc::identity {
namespace {

TEST(ApiKeyTokenTest, MadeTokensCarryTheirKeyIdAndA256BitSecret) {
  const std::string id = NewKeyId();
  ASSERT_EQ(id.size(), kKeyIdLength);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  const std::string token = MakeToken(id);
  EXPECT_EQ(token.rfind("vk_" + id + "_", 0), 0u);
  EXPECT_EQ(token.size(), 3 + kKeyIdLength + 1 + 43u);  // base64url of 32 bytes, no padding
  EXPECT_EQ(KeyIdOf(token), id);
  EXPECT_NE(MakeToken(id), token);
  EXPECT_NE(NewKeyId(), id);
}

TEST(ApiKeyTokenTest, KeyIdOfRefusesMalformedTokens) {
  EXPECT_EQ(KeyIdOf("vk_0123456789ab_s3cr_et-with_underscores"), "0123456789ab");
  EXPECT_FALSE(KeyIdOf("vk_0123456789AB_secret"));     // upper-case hex
  EXPECT_FALSE(KeyIdOf("vk_0123456789ab-secret"));     // no separator
  EXPECT_FALSE(KeyIdOf("vk_0123456789ab_"));           // no secret
  EXPECT_FALSE(KeyIdOf("pk_0123456789ab_secret"));     // another prefix
  EXPECT_FALSE(KeyIdOf("vk_0123456789xy_secret"));     // not hex
  EXPECT_FALSE(KeyIdOf(""));
}

TEST(ApiKeyTokenTest, TheBootstrapKeyMustLookLikeAKeyAndBeLongEnough) {
  const absl::Status short_key = CheckBootstrapKey("vk_0123456789ab_short");
  EXPECT_EQ(short_key.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(short_key.message().find("VOC_BOOTSTRAP_ADMIN_KEY"), std::string::npos);
  EXPECT_FALSE(CheckBootstrapKey(std::string(50, 'a')).ok());
  EXPECT_TRUE(CheckBootstrapKey("vk_0123456789ab_" + std::string(30, 'z')).ok());
  EXPECT_EQ(BootstrapKeyId("vk_0123456789ab_" + std::string(30, 'z')), "0123456789ab");
  // Any generator's key gets a stable 12-hex id of its own.
  const std::string odd = "vk_" + std::string(40, 'Q');
  EXPECT_EQ(BootstrapKeyId(odd).size(), kKeyIdLength);
  EXPECT_EQ(BootstrapKeyId(odd), BootstrapKeyId(odd));
}

}  // namespace
}  // namespace voc::identity
