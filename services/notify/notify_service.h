// voc.v1.NotifyService: the delivery log.
#pragma once

#include <absl/status/statusor.h>

#include "common/auth/principal.h"
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
  // ListDeliveries for `caller` (issue 9; the RPC): PERMISSION_DENIED for a
  // service or key without notify:read; a person gets only the deliveries
  // they may read (delivery_access.h), the others are left out of the page.
  absl::StatusOr<v1::ListDeliveriesResponse> ListDeliveries(const auth::Principal& caller,
                                                            const v1::ListDeliveriesRequest& request);

 private:
  absl::StatusOr<v1::ListDeliveriesResponse> List(const v1::ListDeliveriesRequest& request,
                                                  const DeliveryFilter& visible);
  NotifyStore& store_;
};

}  // namespace voc::notify
