#include "services/ingest/outbox_relay.h"

#include <exception>
#include <map>
#include <string>

#include "common/log/log.h"
#include "common/util/time.h"

namespace voc::ingest {

RedisFeedbackPublisher::RedisFeedbackPublisher(voc::queue::RedisOptions options)
    : producer_(std::move(options), voc::queue::kFeedbackStream) {}

std::size_t RedisFeedbackPublisher::Publish(const std::vector<voc::v1::Feedback>& batch) {
  std::vector<std::map<std::string, std::string>> messages;
  messages.reserve(batch.size());
  for (const auto& feedback : batch) {
    messages.push_back({{"feedback_id", feedback.id()}, {"payload", feedback.SerializeAsString()}});
  }
  return producer_.PublishBatch(messages);
}

OutboxRelay::OutboxRelay(IngestStore& store, FeedbackPublisher& publisher, const Clock& clock,
                         RelayOptions options)
    : store_(store), publisher_(publisher), clock_(clock), options_(options) {}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void OutboxRelay::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OutboxRelay::Notify() {
  {
    std::lock_guard lock(mu_);
    notified_ = true;
  }
  wake_.notify_one();
}

std::size_t OutboxRelay::RelayPending() {
  std::size_t relayed = 0;
  bool failed = false;
  try {
    while (true) {
      const auto batch = store_.RelayUnqueued(
          options_.batch_size, ToMillis(clock_.Now()),
          [this](const std::vector<voc::v1::Feedback>& rows) { return publisher_.Publish(rows); });
      relayed += batch.published;
      if (batch.claimed == 0) break;
      if (batch.published < batch.claimed) {
        failed = true;
        voc::log::Warn("feedback_relay_publish_failed",
                       {{"pending", store_.CountUnqueued()},
                        {"retry_in_ms", options_.interval.count()}});
        break;
      }
      // A short batch: nothing more is pending, or the rest is being relayed
      // by another replica right now.
      if (static_cast<int>(batch.claimed) < options_.batch_size) break;
    }
  } catch (const std::exception& e) {
    failed = true;
    voc::log::Error("feedback_relay_error", {{"error", e.what()}});
  }
  if (relayed > 0) voc::log::Debug("feedback_relayed", {{"count", relayed}});
  std::lock_guard lock(mu_);
  last_pass_failed_ = failed;
  return relayed;
}

void OutboxRelay::Loop() {
  while (true) {
    RelayPending();
    std::unique_lock lock(mu_);
    if (last_pass_failed_) {
      // Wait out the interval; wake-ups only matter once Redis is back.
      wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
    } else {
      wake_.wait_for(lock, options_.interval, [this] { return stopping_ || notified_; });
    }
    notified_ = false;
    if (stopping_) return;
  }
}

}  // namespace voc::ingest
