#include "common/notify/stream_notifier.h"

#include <google/protobuf/util/time_util.h>

#include "common/config/yaml_file.h"
#include "common/log/log.h"
#include "common/metrics/loop_metrics.h"

namespace voc {

v1::NotificationRequest ToRequest(const Notification& n, TimePoint created) {
  v1::NotificationRequest request;
  request.set_id(n.id);
  if (n.id.empty()) {
    std::string content = n.kind + "\n" + n.case_id + "\n" + n.subject;
    for (const auto& r : n.recipients) content += "\n" + r;
    request.set_id(n.kind + ":" + config::ContentHash(content));
  }
  request.set_event(n.kind);
  request.set_case_id(n.case_id);
  request.set_department(n.department);
  for (const auto& r : n.recipients) request.add_recipients(r);
  for (const auto& [k, v] : n.params) (*request.mutable_params())[k] = v;
  request.set_subject(n.subject);
  request.set_body(n.body);
  *request.mutable_create_time() = google::protobuf::util::TimeUtil::MillisecondsToTimestamp(
      std::chrono::duration_cast<std::chrono::milliseconds>(created.time_since_epoch()).count());
  return request;
}

StreamNotifier::StreamNotifier(queue::RedisOptions redis, const Clock* clock)
    : clock_(clock ? clock : &system_clock_), producer_(std::move(redis), kNotifyRequestsStream) {}

bool StreamNotifier::Send(const Notification& n) {
  const v1::NotificationRequest request = ToRequest(n, clock_->Now());
  bool ok = false;
  {
    std::lock_guard lock(mu_);
    ok = producer_.Publish({{kNotifyIdField, request.id()}, {kNotifyRequestField, request.SerializeAsString()}});
    if (!ok) log::Warn("notify_publish_failed", {{"id", request.id()}, {"error", producer_.last_error()}});
  }
  (ok ? metrics::NotificationsSent(n.kind) : metrics::NotificationsFailed(n.kind)).Increment();
  return ok;
}

}  // namespace voc
