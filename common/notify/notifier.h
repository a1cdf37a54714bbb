// Notifications to people (escalations, red-line alerts) go through a
// Notifier, so tests record them and production posts them to a webhook.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace voc {

struct Notification {
  std::string kind;                     // "escalation", "red_line", ...
  std::vector<std::string> recipients;  // person ids
  std::string subject;
  std::string body;
  std::string case_id;
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

// "log" or "webhook" (needs url). Throws std::invalid_argument otherwise.
std::unique_ptr<Notifier> MakeNotifier(const std::string& kind, const std::string& url);

}  // namespace voc
