#include "services/tracking/outbox_relay.h"

#include "common/log/log.h"

namespace voc::tracking {

RedisEventSink::RedisEventSink(queue::RedisOptions options, std::string stream)
    : producer_(std::move(options), std::move(stream)) {}

bool RedisEventSink::Publish(const std::string& event, const std::string& payload) {
  std::lock_guard lock(mu_);
  return producer_.Publish({{"event", event}, {"payload", payload}});
}

int OutboxRelay::Drain() {
  std::lock_guard lock(mu_);
  int published = 0;
  try {
    for (;;) {
      // Publishes one by one, in order, and stops at the first event Redis
      // does not take: the store marks the events before it.
      const auto batch = store_.RelayPendingEvents(kBatchSize, [this](const std::vector<OutboxRecord>& records) {
        std::size_t sent = 0;
        for (const OutboxRecord& record : records) {
          if (!sink_.Publish(record.event, record.payload)) {
            log::Warn("tracking_event_publish_failed", {{"event", record.event}, {"outbox_id", record.id}});
            break;
          }
          ++sent;
          log::Info("tracking_event_published", {{"event", record.event}, {"outbox_id", record.id}});
        }
        return sent;
      });
      published += static_cast<int>(batch.published);
      if (batch.claimed == 0 || batch.published < batch.claimed) break;
    }
  } catch (const std::exception& e) {
    log::Error("tracking_outbox_drain_failed", {{"error", e.what()}});
  }
  return published;
}

}  // namespace voc::tracking
