// Notifications to people (escalations, red-line alerts) go through a
// Notifier, so tests record them and production posts them to a webhook.
#pragma once

#include <absl/status/statusor.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/config/config.h"

namespace voc {

struct Notification {
  std::string kind;                     // the event: "red_line", "sla_warning", "sla_breach",
                                        // "escalation", "new_p1", "resurvey", ...
  std::vector<std::string> recipients;  // person ids
  std::string subject;                  // a fallback text; the notify service renders
  std::string body;                     // its own from templates and `params`
  std::string case_id;
  // Stable across retries and restarts of the sender ("sla:case-7:resolution:level-2"),
  // so the notify service stores each request once and receivers can de-duplicate.
  std::string id;
  std::string department;               // the owning department, for subscriptions
  // Template parameters ("case_title", "due_time", "level", "matched_terms", ...).
  std::map<std::string, std::string> params;
};

// Thread safety: Send() may be called from several threads.
class Notifier {
 public:
  virtual ~Notifier() = default;
  // Delivers one notification. Returns false when delivery failed; the
  // caller decides whether to retry (the SLA sweeper does, next sweep).
  virtual bool Send(const Notification& notification) = 0;
};

// Writes each notification as a structured log line.
class LogNotifier final : public Notifier {
 public:
  bool Send(const Notification& notification) override;
};

// POSTs each notification as JSON to a URL (Slack/Teams/mail relays).
class WebhookNotifier final : public Notifier {
 public:
  explicit WebhookNotifier(std::string url, long timeout_ms = 5000);
  bool Send(const Notification& notification) override;

 private:
  std::string url_;
  long timeout_ms_;
};

// Serialises a notification to the JSON body WebhookNotifier posts.
std::string NotificationToJson(const Notification& notification);

// "log" (also when `kind` is empty) or "webhook" (needs url).
// INVALID_ARGUMENT naming notifier.kind or notifier.webhook_url otherwise.
absl::StatusOr<std::unique_ptr<Notifier>> MakeNotifier(const std::string& kind,
                                                       const std::string& url);

// The one notifier setting of the loop, a top-level section read by every
// service that alerts people (tracking's escalations, assignment's red-line
// alerts):
//   notifier:
//     kind: stream         # stream (to voc-notify; the default when `redis` is set) | log | webhook
//     webhook_url: ""      # required for webhook
// A config without it falls back to the deprecated
// services.tracking.notifier section, then to stream when the config has a
// `redis` section, else to log. StreamNotifier is in stream_notifier.h.
inline constexpr char kNotifierConfigKey[] = "notifier";
absl::StatusOr<std::unique_ptr<Notifier>> NotifierFromConfig(const Config& config);

}  // namespace voc
