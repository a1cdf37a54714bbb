// One way a message reaches people: e-mail, a chat robot, a webhook (issue 11).
//
// INTERFACE FIXED BY THE LEAD so the notify service's core and its channels
// can be written in parallel. Implementations may add members.
#pragma once

#include <absl/status/status.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace voc::notify {

// A message rendered in the recipient's language, ready for any channel.
struct RenderedMessage {
  std::string message_id;   // stable per (request, destination): receivers de-duplicate on it
  std::string event;        // "red_line", "sla_breach", "escalation", ...
  std::string language;     // "zh" | "en"
  std::string subject;
  std::string text;         // plain text (mail text part, fallback for chat)
  std::string markdown;     // chat cards (WeCom / DingTalk / Feishu)
  std::string html;         // mail HTML part
  std::string link;         // the case page, may be empty
  std::int64_t created_ms = 0;
  std::string json_payload; // versioned event payload for generic webhooks (docs/api.md)
};

// Where one delivery goes. `channel` picks the implementation.
struct Destination {
  std::string channel;      // "email" | "wecom" | "dingtalk" | "feishu" | "webhook"
  std::string address;      // an e-mail address, or the robot / webhook URL
  std::string display_name; // the recipient's name, for To: headers
  std::string secret;       // signing secret, resolved from the environment; may be empty
  std::vector<std::string> mention_ids;  // chat user ids to @-mention
};

// Thread safety: Deliver() may be called from several threads.
class Channel {
 public:
  virtual ~Channel() = default;
  // OK once the receiver accepted the message. UNAVAILABLE / DEADLINE_EXCEEDED
  // / RESOURCE_EXHAUSTED when a retry may succeed (server down, 5xx, 429);
  // INVALID_ARGUMENT / FAILED_PRECONDITION / PERMISSION_DENIED when it never
  // will (bad address, 4xx, a vendor's error code). The message says why.
  virtual absl::Status Deliver(const RenderedMessage& message, const Destination& to) = 0;
};

}  // namespace voc::notify
