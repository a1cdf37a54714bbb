// A local HTTP receiver for the notifier's webhook (common/notify,
// `notifier: {kind: webhook, webhook_url: http://host:port/}`): it answers
// every POST with 200 at once and notes when each red-line alert arrived,
// by the feedback id in its body ("Feedback <id> hit a red line. ..."), so
// the e2e mode can measure submit -> alert handed to the notifier.
#pragma once

#include <absl/status/statusor.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace voc::load {

class WebhookReceiver {
 public:
  // `listen` is "host:port"; port 0 picks a free one.
  explicit WebhookReceiver(std::string listen);
  ~WebhookReceiver();

  // Binds and serves on a thread of its own; returns the bound port.
  absl::StatusOr<int> Start();
  void Stop();

  // feedback id -> when its first red-line alert arrived.
  std::map<std::string, std::chrono::system_clock::time_point> Arrivals() const;
  std::int64_t requests() const;

  // The feedback id named in a notification's JSON body, if any.
  static std::optional<std::string> FeedbackIdOf(const std::string& json_body);

 private:
  struct Server;
  void Record(const std::string& body);

  std::string listen_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::map<std::string, std::chrono::system_clock::time_point> arrivals_;
  std::int64_t requests_ = 0;
};

}  // namespace voc::load
