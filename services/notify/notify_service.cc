#include "services/notify/notify_service.h"

#include <google/protobuf/util/time_util.h>

#include "common/status/status.h"
#include "services/notify/delivery_access.h"
#include "services/notify/templates.h"

namespace voc::notify {

using google::protobuf::util::TimeUtil;

v1::Delivery ToProto(const DeliveryRecord& d) {
  v1::Delivery out;
  out.set_message_id(d.message_id);
  out.set_request_id(d.request_id);
  out.set_case_id(d.case_id);
  out.set_event(d.event);
  out.set_recipient(d.recipient);
  out.set_recipient_name(d.recipient_name);
  out.set_channel(d.channel);
  out.set_address(d.address);
  out.set_language(d.language);
  out.set_subject(d.subject);
  out.set_state(d.state);
  out.set_attempts(d.attempts);
  out.set_last_error(d.last_error);
  *out.mutable_create_time() = TimeUtil::MillisecondsToTimestamp(d.created_ms);
  if (d.final_ms > 0) *out.mutable_deliver_time() = TimeUtil::MillisecondsToTimestamp(d.final_ms);
  return out;
}

absl::StatusOr<v1::ListDeliveriesResponse> NotifyService::ListDeliveries(const v1::ListDeliveriesRequest& r) {
  return List(r, nullptr);
}

absl::StatusOr<v1::ListDeliveriesResponse> NotifyService::ListDeliveries(const auth::Principal& caller,
                                                                         const v1::ListDeliveriesRequest& r) {
  VOC_RETURN_IF_ERROR(MayListDeliveries(caller));
  return List(r, [&caller](const DeliveryRecord& d) { return CanReadDelivery(caller, d); });
}

absl::StatusOr<v1::ListDeliveriesResponse> NotifyService::List(const v1::ListDeliveriesRequest& r,
                                                               const DeliveryFilter& visible) {
  if (r.case_id().empty() == r.request_id().empty()) {
    return absl::InvalidArgumentError(r.case_id().empty() ? "case_id: give case_id or request_id"
                                                          : "request_id: give case_id or request_id, not both");
  }
  if (r.page_size() < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  const int limit = r.page_size() == 0 ? 100 : std::min(r.page_size(), 1000);
  VOC_ASSIGN_OR_RETURN(const auto rows,
                       r.case_id().empty() ? store_.DeliveriesOfRequest(r.request_id(), limit, visible)
                                           : store_.DeliveriesOfCase(BareCaseId(r.case_id()), limit, visible));
  v1::ListDeliveriesResponse out;
  for (const DeliveryRecord& d : rows) *out.add_deliveries() = ToProto(d);
  return out;
}

}  // namespace voc::notify
