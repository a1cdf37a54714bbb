// Who may read the delivery log (issue 9; docs/api.md, "Notify"). A
// delivery is mail about a case, so it is read like its case: a service or
// API key needs notify:read; a person reads the deliveries of a case of
// their department (or of every case, as an analyst or executive; see
// auth::CanReadCase), the department being the one its request named (the
// case's owner when it was sent), and every delivery addressed to them.
// Deliveries of no case (re-survey invitations, digests) are company
// business: analysts and admins only (and their recipient).
#pragma once

#include <absl/status/status.h>

#include "common/auth/principal.h"
#include "services/notify/store/notify_store.h"

namespace voc::notify {

// Whether `caller` may call ListDeliveries at all: OK for every person (the
// rows are then filtered) and for a principal holding notify:read;
// PERMISSION_DENIED naming the scope otherwise.
absl::Status MayListDeliveries(const auth::Principal& caller);

// Whether `caller` may see this row of the log.
bool CanReadDelivery(const auth::Principal& caller, const DeliveryRecord& delivery);

}  // namespace voc::notify
