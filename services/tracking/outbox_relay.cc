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
      const auto batch = store_.PendingEvents(100);
      if (batch.empty()) break;
      for (const OutboxRecord& record : batch) {
        if (!sink_.Publish(record.event, record.payload)) {
          log::Warn("tracking_event_publish_failed", {{"event", record.event}, {"outbox_id", record.id}});
          return published;
        }
        store_.MarkEventPublished(record.id);
        ++published;
        log::Info("tracking_event_published", {{"event", record.event}, {"outbox_id", record.id}});
      }
    }
  } catch (const std::exception& e) {
    log::Error("tracking_outbox_drain_failed", {{"error", e.what()}});
  }
  return published;
}

}  // namespace voc::tracking
