#include "services/notify/channels/webhook_channel.h"

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "common/status/status.h"
#include "services/notify/channels/signatures.h"

namespace voc::notify {
namespace {

using nlohmann::json;

std::string Rfc3339(std::int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

std::string BuildWebhookPayload(const WebhookEvent& e) {
  json data = {{"notification_id", e.notification_id},
               {"event", e.event},
               {"case_id", e.case_id.empty() ? json(nullptr) : json(e.case_id)},
               {"department", e.department},
               {"recipients", e.recipients},
               {"language", e.language},
               {"subject", e.subject},
               {"text", e.text},
               {"link", e.link},
               {"params", e.params}};
  json body = {{"type", "voc." + e.event},
               {"timestamp", Rfc3339(e.occurred_ms)},
               {"version", kWebhookPayloadVersion},
               {"data", data}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string PayloadOfMessage(const RenderedMessage& m) {
  WebhookEvent e;
  e.notification_id = m.message_id;
  e.event = m.event;
  e.occurred_ms = m.created_ms;
  e.language = m.language;
  e.subject = m.subject;
  e.text = m.text;
  e.link = m.link;
  return BuildWebhookPayload(e);
}

WebhookChannel::WebhookChannel(HttpOptions http, const Clock& clock) : http_(std::move(http)), clock_(clock) {}

absl::Status WebhookChannel::Deliver(const RenderedMessage& message, const Destination& to) {
  if (to.address.rfind("https://", 0) != 0 && to.address.rfind("http://", 0) != 0) {
    return status::InvalidArgument("destination.address", "must be an http(s) URL");
  }
  if (message.message_id.empty()) return status::InvalidArgument("message.message_id", "must not be empty");
  if (TrimSecret(to.secret).empty()) {
    return absl::FailedPreconditionError("destination.secret: a webhook signing secret (whsec_...) is required");
  }
  std::string body = message.json_payload.empty() ? PayloadOfMessage(message) : message.json_payload;
  std::int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
  absl::StatusOr<std::string> signature = StandardWebhookSignatureHeader(to.secret, message.message_id, now_s, body);
  if (!signature.ok()) return signature.status();
  absl::StatusOr<HttpResponse> response = HttpPost(to.address,
                                                   {"Content-Type: application/json",
                                                    "webhook-id: " + message.message_id,
                                                    "webhook-timestamp: " + std::to_string(now_s),
                                                    "webhook-signature: " + *signature},
                                                   body, http_);
  if (!response.ok()) return response.status();
  return StatusOfHttp(response->status, "webhook " + RedactUrl(to.address));
}

}  // namespace voc::notify
