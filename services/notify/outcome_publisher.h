// Final delivery states to the Redis stream voc.notify.outcomes (field
// `outcome`, a serialised v1::DeliveryOutcome, plus readable `request_id`,
// `message_id`, `case_id`, `event`, `state`).
#pragma once

#include "common/queue/stream.h"
#include "services/notify/delivery_worker.h"

namespace voc::notify {

// Not thread-safe: one per delivery worker.
class RedisOutcomeSink final : public OutcomeSink {
 public:
  explicit RedisOutcomeSink(queue::RedisOptions redis);
  std::size_t Publish(const std::vector<v1::DeliveryOutcome>& outcomes) override;

 private:
  queue::StreamProducer producer_;
};

}  // namespace voc::notify
