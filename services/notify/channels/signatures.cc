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

absl::StatusOr<std::string> StandardWebhookSignatureHeader(std::string_view secrets, std::string_view id,
                                                           std::int64_t timestamp_s, std::string_view body) {
  std::string header;
  std::size_t i = 0;
  while (i < secrets.size()) {
    std::size_t start = secrets.find_first_not_of(" \t\r\n", i);
    if (start == std::string_view::npos) break;
    std::size_t end = secrets.find_first_of(" \t\r\n", start);
    if (end == std::string_view::npos) end = secrets.size();
    absl::StatusOr<std::string> one = StandardWebhookSignature(secrets.substr(start, end - start), id, timestamp_s, body);
    if (!one.ok()) return one.status();
    if (!header.empty()) header += ' ';
    header += *one;
    i = end;
  }
  if (header.empty()) return status::InvalidArgument("destination.secret", "a webhook signing secret is required");
  return header;
}

std::string TrimSecret(std::string_view secret) {
  std::size_t start = secret.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return "";
  std::size_t end = secret.find_last_not_of(" \t\r\n");
  return std::string(secret.substr(start, end - start + 1));
}

}  // namespace voc::notify
