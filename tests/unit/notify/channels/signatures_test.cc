// Signatures against published test vectors: HMAC-SHA256 (RFC 4231), the
// Standard Webhooks vector, and DingTalk / Feishu known answers computed with
// the vendors' own published Python snippets (they publish the algorithm
// and code, not fixed values; the integration test re-checks live requests
// with that code).
#include <gtest/gtest.h>

#include "services/notify/channels/crypto.h"
#include "services/notify/channels/signatures.h"

namespace voc::notify {
namespace {

std::string Hex(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

TEST(HmacSha256, MatchesRfc4231TestCase2) {
  EXPECT_EQ(Hex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, MatchesRfc4231TestCase6WithAKeyLongerThanABlock) {
  std::string key(131, '\xaa');
  EXPECT_EQ(Hex(HmacSha256(key, "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Base64, RoundTripsEveryPaddingLengthAndRejectsOtherCharacters) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  for (std::string s : {std::string(""), std::string("f"), std::string("fo"), std::string("foob"), std::string("\xff\xfe\0x", 4)}) {
    EXPECT_EQ(Base64Decode(Base64Encode(s)), s);
  }
  EXPECT_EQ(Base64Decode("Zm9v"), "foo");
  EXPECT_EQ(Base64Decode("Zm8"), "fo");  // padding optional
  EXPECT_FALSE(Base64Decode("Zm9v!").has_value());
  EXPECT_FALSE(Base64Decode("Z").has_value());
}

TEST(UrlEncode, EncodesBase64PunctuationKeepsUnreserved) {
  EXPECT_EQ(UrlEncode("a+b/c=d"), "a%2Bb%2Fc%3Dd");
  EXPECT_EQ(UrlEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(UrlEncode("钉"), "%E9%92%89");
}

TEST(StandardWebhooks, ReproducesTheSpecificationTestVector) {
  auto signature = StandardWebhookSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                            "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                                            R"({"test": 2432232314})");
  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(*signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(StandardWebhooks, TheWhsecPrefixIsOptional) {
  auto with = StandardWebhookSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "id", 1, "{}");
  auto without = StandardWebhookSignature("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "id", 1, "{}");
  ASSERT_TRUE(with.ok() && without.ok());
  EXPECT_EQ(*with, *without);
}

TEST(StandardWebhooks, AnyChangeOfIdTimestampOrBodyChangesTheSignature) {
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  std::string base = *StandardWebhookSignature(secret, "msg_1", 100, "{}");
  EXPECT_NE(*StandardWebhookSignature(secret, "msg_2", 100, "{}"), base);
  EXPECT_NE(*StandardWebhookSignature(secret, "msg_1", 101, "{}"), base);
  EXPECT_NE(*StandardWebhookSignature(secret, "msg_1", 100, "{ }"), base);
}

TEST(StandardWebhooks, AnEmptyOrNonBase64SecretIsInvalidArgumentNamingTheField) {
  for (std::string bad : {"", "whsec_", "whsec_not base64!"}) {
    auto signature = StandardWebhookSignature(bad, "id", 1, "{}");
    ASSERT_FALSE(signature.ok()) << bad;
    EXPECT_EQ(signature.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(signature.status().message().find("destination.secret"), std::string::npos);
  }
}

TEST(StandardWebhooks, ARotationSignsWithEverySecretInTheHeader) {
  const std::string a = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const std::string b = "whsec_c29tZWJvZHkgZWxzZQ==";
  auto header = StandardWebhookSignatureHeader(a + " " + b + "\n", "id", 7, "{}");
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(*header, *StandardWebhookSignature(a, "id", 7, "{}") + " " + *StandardWebhookSignature(b, "id", 7, "{}"));
  EXPECT_EQ(*StandardWebhookSignatureHeader(a, "id", 7, "{}"), *StandardWebhookSignature(a, "id", 7, "{}"));
  EXPECT_EQ(StandardWebhookSignatureHeader(" \n", "id", 7, "{}").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StandardWebhookSignatureHeader(a + " bad!", "id", 7, "{}").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TrimSecret, DropsTheNewlineAFileBasedSecretEndsWith) {
  EXPECT_EQ(TrimSecret("SECabc\n"), "SECabc");
  EXPECT_EQ(TrimSecret("  s e  "), "s e");
  EXPECT_EQ(TrimSecret("\r\n"), "");
}

// DingTalk's documented Python:
//   string_to_sign = '{}\n{}'.format(timestamp, secret)
//   hmac.new(secret, string_to_sign, sha256) -> b64encode -> quote_plus
TEST(DingTalk, SignMatchesTheVendorsPythonForItsExampleSecret) {
  EXPECT_EQ(DingTalkSign("this is secret", 1700000000000), "sSFWELbV2YwjdDQhWZwTcWlX5BWUx5J6TPpsZmuPii0=");
  EXPECT_EQ(DingTalkSign("SEC0123456789abcdef钉钉", 1577262236757),
            "xIkjNzzvX6XOj5XUw65XQdgLawDis3rb+DfsZcgCy1U=");
}

TEST(DingTalk, SignedUrlAppendsTimestampAndUrlEncodedSign) {
  EXPECT_EQ(DingTalkSignedUrl("https://oapi.dingtalk.com/robot/send?access_token=abc", "this is secret",
                              1700000000000),
            "https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000000"
            "&sign=sSFWELbV2YwjdDQhWZwTcWlX5BWUx5J6TPpsZmuPii0%3D");
  EXPECT_EQ(DingTalkSignedUrl("http://127.0.0.1:1/robot", "s", 5).find("http://127.0.0.1:1/robot?timestamp=5&sign="),
            0u);
}

// Feishu's documented Python: the string to sign is the HMAC *key* and the
// message is empty:
//   key = f'{timestamp}\n{secret}'; hmac.new(key, b"", sha256) -> b64encode
TEST(Feishu, SignMatchesTheVendorsPython) {
  EXPECT_EQ(FeishuSign("demo", 1599360473), "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=");
}

TEST(Feishu, IsNotDingTalksAlgorithm) {
  // The two vendors swap key and message; mixing them up is the classic bug.
  EXPECT_NE(FeishuSign("demo", 1599360473), DingTalkSign("demo", 1599360473));
}

}  // namespace
}  // namespace voc::notify
