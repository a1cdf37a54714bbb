// voc.v1.NotifyService: the delivery log.
#pragma once

#include <absl/status/statusor.h>

#include "services/notify/store/notify_store.h"
#include "voc/v1/notify.pb.h"

namespace voc::notify {

v1::Delivery ToProto(const DeliveryRecord& record);

class NotifyService {
 public:
  explicit NotifyService(NotifyStore& store) : store_(store) {}
  // INVALID_ARGUMENT naming case_id / request_id unless exactly one is set,
  // or page_size when it is negative.
  absl::StatusOr<v1::ListDeliveriesResponse> ListDeliveries(const v1::ListDeliveriesRequest& request);

 private:
  NotifyStore& store_;
};

}  // namespace voc::notify
