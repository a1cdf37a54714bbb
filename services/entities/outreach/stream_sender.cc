#include "services/entities/outreach/stream_sender.h"

#include "common/notify/stream_notifier.h"
#include "common/util/time.h"

namespace voc::entities::outreach {

v1::NotificationRequest ToNotificationRequest(const OutreachMessage& m, TimePoint created) {
  v1::NotificationRequest r;
  r.set_id(m.id);
  r.set_event("outreach");
  r.set_department(m.department);
  r.set_subject(m.subject);
  r.set_body(m.body);
  (*r.mutable_params())["campaign_id"] = m.campaign_id;
  v1::CustomerRecipient* c = r.mutable_customer();
  c->set_customer_id(m.customer_id);
  c->set_channel(m.channel);
  c->set_address(m.address);
  c->set_language(m.language);
  *r.mutable_create_time() = ToProto(created);
  return r;
}

StreamSender::StreamSender(queue::RedisOptions redis, const Clock& clock)
    : clock_(clock), producer_(std::move(redis), kNotifyRequestsStream) {}

absl::Status StreamSender::Send(const OutreachMessage& message) {
  const v1::NotificationRequest request = ToNotificationRequest(message, clock_.Now());
  std::lock_guard lock(mu_);
  if (!producer_.Publish({{kNotifyIdField, request.id()}, {kNotifyRequestField, request.SerializeAsString()}})) {
    return absl::UnavailableError("voc.notify.requests: " + producer_.last_error());
  }
  return absl::OkStatus();
}

}  // namespace voc::entities::outreach
