#include "services/notify/outcome_publisher.h"

#include "common/notify/stream_notifier.h"

namespace voc::notify {

RedisOutcomeSink::RedisOutcomeSink(queue::RedisOptions redis) : producer_(std::move(redis), kNotifyOutcomesStream) {}

std::size_t RedisOutcomeSink::Publish(const std::vector<v1::DeliveryOutcome>& outcomes) {
  std::vector<std::map<std::string, std::string>> batch;
  batch.reserve(outcomes.size());
  for (const v1::DeliveryOutcome& o : outcomes) {
    batch.push_back({{"request_id", o.request_id()},
                     {"message_id", o.message_id()},
                     {"case_id", o.case_id()},
                     {"event", o.event()},
                     {"state", o.state() == v1::DELIVERY_STATE_DELIVERED ? "delivered" : "failed"},
                     {kNotifyOutcomeField, o.SerializeAsString()}});
  }
  return producer_.PublishBatch(batch);
}

}  // namespace voc::notify
