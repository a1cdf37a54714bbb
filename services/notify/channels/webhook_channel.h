// Generic webhooks signed per the Standard Webhooks specification
// (standardwebhooks.com), and the versioned JSON payload they carry. The
// payload schema is documented in docs/api.md ("Webhooks").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "services/notify/channels/channel.h"
#include "services/notify/channels/http_client.h"

namespace voc::notify {

// The payload's version: bumped only for changes a receiver must know about
// (fields are only ever added within a version).
inline constexpr int kWebhookPayloadVersion = 1;

// What the notify service knows about one event, for the payload.
struct WebhookEvent {
  std::string notification_id;  // the request's stable id ("sla:case-7:resolution:breach")
  std::string event;            // "red_line", "sla_breach", ... (docs/api.md lists them)
  std::int64_t occurred_ms = 0;
  std::string case_id;          // may be empty (digests, signals)
  std::string department;
  std::vector<std::string> recipients;  // person ids
  std::string language;         // of subject/text
  std::string subject;
  std::string text;
  std::string link;
  std::map<std::string, std::string> params;  // the template parameters
};

// {"type":"voc.<event>","timestamp":RFC 3339,"version":1,"data":{...}}, the
// envelope Standard Webhooks recommends; see docs/api.md.
std::string BuildWebhookPayload(const WebhookEvent& event);

// The payload of a message whose json_payload is empty (built from what the
// rendered message knows).
std::string PayloadOfMessage(const RenderedMessage& message);

// Thread safety: Deliver() may be called from several threads.
class WebhookChannel final : public Channel {
 public:
  // `clock` gives webhook-timestamp: pass the wall clock (receivers refuse
  // timestamps a few minutes off, so never the demo's DevClock).
  WebhookChannel(HttpOptions http, const Clock& clock);
  // POSTs message.json_payload (or PayloadOfMessage) to to.address with
  // webhook-id = message.message_id (the same on every retry, so receivers
  // de-duplicate), webhook-timestamp and webhook-signature signed with
  // to.secret ("whsec_..."; required: FAILED_PRECONDITION without one;
  // "whsec_new whsec_old" signs with both while a key is rotated).
  absl::Status Deliver(const RenderedMessage& message, const Destination& to) override;

 private:
  HttpOptions http_;
  const Clock& clock_;
};

}  // namespace voc::notify
