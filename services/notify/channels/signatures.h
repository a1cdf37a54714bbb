// The request signatures of the chat robots and of Standard Webhooks, each
// exactly as its owner documents it, so the receiving side accepts them.
#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace voc::notify {

// DingTalk custom robot ("加签"): base64(HMAC-SHA256(key = secret,
// message = timestamp_ms + "\n" + secret)). Not yet URL-encoded.
std::string DingTalkSign(std::string_view secret, std::int64_t timestamp_ms);
// The robot URL with "&timestamp=<ms>&sign=<url-encoded sign>" appended
// ("?" instead of the first "&" when the URL has no query).
std::string DingTalkSignedUrl(std::string_view webhook_url, std::string_view secret, std::int64_t timestamp_ms);

// Feishu / Lark custom bot ("签名校验"): base64(HMAC-SHA256(key = timestamp_s
// + "\n" + secret, message = "")) -- the string to sign is the key and the
// message is empty, unlike DingTalk. The timestamp is in seconds.
std::string FeishuSign(std::string_view secret, std::int64_t timestamp_s);

// Standard Webhooks (standardwebhooks.com): "v1," + base64(HMAC-SHA256(key,
// id + "." + timestamp_s + "." + body)), the key being the base64 part of a
// "whsec_..." secret (the prefix is optional). INVALID_ARGUMENT naming
// destination.secret when the secret is empty or not base64.
absl::StatusOr<std::string> StandardWebhookSignature(std::string_view secret, std::string_view id,
                                                     std::int64_t timestamp_s, std::string_view body);

// The whole webhook-signature header for `secrets`, separated by whitespace ("whsec_new whsec_old" while a key is rotated):
// one "v1,..." per secret, space separated, as the specification allows, so
// receivers holding either key accept. Errors as StandardWebhookSignature.
absl::StatusOr<std::string> StandardWebhookSignatureHeader(std::string_view secrets, std::string_view id,
                                                           std::int64_t timestamp_s, std::string_view body);

// A secret as configured without surrounding whitespace: a Kubernetes
// Secret made from a file often ends with a newline no vendor expects.
std::string TrimSecret(std::string_view secret);

}  // namespace voc::notify
