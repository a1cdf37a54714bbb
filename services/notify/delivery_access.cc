#include "services/notify/delivery_access.h"

#include "common/auth/policy.h"
#include "common/auth/scopes.h"

namespace voc::notify {

absl::Status MayListDeliveries(const auth::Principal& caller) {
  if (caller.is_person() || caller.HasScope(auth::kNotifyRead)) return absl::OkStatus();
  return auth::MissingScope(auth::kNotifyRead);
}

bool CanReadDelivery(const auth::Principal& caller, const DeliveryRecord& delivery) {
  if (!caller.is_person()) return caller.HasScope(auth::kNotifyRead);
  if (!delivery.recipient.empty() && delivery.recipient == caller.person_id) return true;  // their own mail
  if (delivery.case_id.empty()) return caller.HasRole(auth::Role::kAnalyst) || auth::IsAdmin(caller);
  return auth::CanReadCase(caller, auth::CaseScope{delivery.department, {}});
}

}  // namespace voc::notify
