#include "services/notify/channels/signatures.h"

#include <string>

#include "common/status/status.h"
#include "services/notify/channels/crypto.h"

namespace voc::notify {

std::string DingTalkSign(std::string_view secret, std::int64_t timestamp_ms) {
  std::string to_sign = std::to_string(timestamp_ms) + "\n" + std::string(secret);
  return Base64Encode(HmacSha256(secret, to_sign));
}

std::string DingTalkSignedUrl(std::string_view webhook_url, std::string_view secret, std::int64_t timestamp_ms) {
  std::string url(webhook_url);
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += "timestamp=" + std::to_string(timestamp_ms) + "&sign=" + UrlEncode(DingTalkSign(secret, timestamp_ms));
  return url;
}

std::string FeishuSign(std::string_view secret, std::int64_t timestamp_s) {
  std::string key = std::to_string(timestamp_s) + "\n" + std::string(secret);
  return Base64Encode(HmacSha256(key, ""));
}

absl::StatusOr<std::string> StandardWebhookSignature(std::string_view secret, std::string_view id,
                                                     std::int64_t timestamp_s, std::string_view body) {
  constexpr std::string_view kPrefix = "whsec_";
  if (secret.substr(0, kPrefix.size()) == kPrefix) secret.remove_prefix(kPrefix.size());
  if (secret.empty()) return status::InvalidArgument("destination.secret", "a webhook signing secret is required");
  std::optional<std::string> key = Base64Decode(secret);
  if (!key || key->empty()) {
    return status::InvalidArgument("destination.secret", "must be \"whsec_\" followed by base64");
  }
  std::string to_sign = std::string(id) + "." + std::to_string(timestamp_s) + "." + std::string(body);
  return "v1," + Base64Encode(HmacSha256(*key, to_sign));
}

}  // namespace voc::notify
