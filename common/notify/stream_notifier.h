// The notifier of issue 11: a stage no longer delivers anything itself; it
// publishes the request to the Redis stream `voc.notify.requests` and
// voc-notify (services/notify) stores, renders and delivers it.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "common/clock/clock.h"
#include "common/notify/notifier.h"
#include "common/queue/stream.h"
#include "voc/v1/notify.pb.h"

namespace voc {

// The stream the stages publish to and its one consumer group (voc-notify),
// and the stream voc-notify publishes each delivery's final state to
// (group "verification": the re-survey counts).
using queue::kNotifyOutcomesStream;
using queue::kNotifyRequestsStream;
// The stream entry's fields: `id` (the request id, readable in redis-cli)
// and `request` (a serialised v1::NotificationRequest).
inline constexpr char kNotifyIdField[] = "id";
inline constexpr char kNotifyRequestField[] = "request";
inline constexpr char kNotifyOutcomeField[] = "outcome";

// The request a notification becomes. A notification without an id gets one
// derived from its content (event, case, recipients, subject), so the same
// alert sent twice is still stored once.
v1::NotificationRequest ToRequest(const Notification& notification, TimePoint created);

// Thread safety: Send() may be called from several threads (one producer
// behind a mutex).
class StreamNotifier final : public Notifier {
 public:
  // `clock` stamps the request's create_time; null means the wall clock.
  explicit StreamNotifier(queue::RedisOptions redis, const Clock* clock = nullptr);
  // False when Redis is unreachable: the caller retries (assignment retries
  // the message, the sweeper the next sweep) and the id de-duplicates.
  bool Send(const Notification& notification) override;

 private:
  SystemClock system_clock_;
  const Clock* clock_;
  std::mutex mu_;
  queue::StreamProducer producer_;
};

}  // namespace voc
