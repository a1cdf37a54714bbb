#include "services/tracking/event_relay.h"

#include <vector>

#include "common/log/log.h"
#include "common/storage/errors.h"

namespace voc::tracking {

storage::OutboxRelay::RelayBatch TrackingEventBatches(TrackingStore& store, queue::Publisher& publisher) {
  return [&store, &publisher](int batch_size) {
    return store.RelayPendingEvents(batch_size, [&](const std::vector<OutboxRecord>& records) {
      std::vector<queue::MessageFields> messages;
      messages.reserve(records.size());
      for (const OutboxRecord& record : records) {
        messages.push_back({{"event", record.event}, {"payload", record.payload}});
      }
      const std::size_t sent = publisher.Publish(messages);
      for (std::size_t i = 0; i < sent && i < records.size(); ++i) {
        log::Info("tracking_event_published", {{"event", records[i].event}, {"outbox_id", records[i].id}});
      }
      if (sent < records.size()) {
        log::Warn("tracking_event_publish_failed",
                  {{"event", records[sent].event}, {"outbox_id", records[sent].id}});
      }
      return sent;
    });
  };
}

storage::OutboxRelayOptions TrackingRelayOptions(std::chrono::milliseconds interval) {
  storage::OutboxRelayOptions options;
  options.name = "tracking_events";
  options.interval = interval;
  options.batch_size = 100;
  return options;
}

}  // namespace voc::tracking
