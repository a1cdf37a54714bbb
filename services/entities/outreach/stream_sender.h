// OutreachSender to voc-notify (issue 13): each message becomes a
// NotificationRequest (event "outreach", id "outreach:<campaign>:<customer>",
// its customer recipient) appended to the Redis stream voc.notify.requests,
// which voc-notify stores once by id and delivers with retries.
#pragma once

#include <mutex>

#include "common/clock/clock.h"
#include "common/queue/stream.h"
#include "services/entities/outreach/ports.h"
#include "voc/v1/notify.pb.h"

namespace voc::entities::outreach {

v1::NotificationRequest ToNotificationRequest(const OutreachMessage& message, TimePoint created);

class StreamSender final : public OutreachSender {
 public:
  StreamSender(queue::RedisOptions redis, const Clock& clock);
  // UNAVAILABLE when Redis did not take it.
  absl::Status Send(const OutreachMessage& message) override;

 private:
  const Clock& clock_;
  std::mutex mu_;
  queue::StreamProducer producer_;
};

}  // namespace voc::entities::outreach
