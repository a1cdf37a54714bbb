#include "services/tracking/privacy_grpc.h"

#include <vector>

namespace voc::tracking {

std::unique_ptr<erasure::PrivacyGrpc> MakePrivacyGrpc(auth::Authenticator& authenticator, CaseErasureStore& store) {
  return std::make_unique<erasure::PrivacyGrpc>(
      "tracking", authenticator,
      [&store](const v1::EraseCustomerRequest& request) -> absl::StatusOr<v1::EraseCustomerResponse> {
        const std::vector<std::string> ids(request.feedback_ids().begin(), request.feedback_ids().end());
        auto erased = store.EraseCustomer(request.customer_id(), ids);
        if (!erased.ok()) return erased.status();
        v1::EraseCustomerResponse response;
        auto& counts = *response.mutable_erased();
        if (erased->cases > 0) counts["cases"] = erased->cases;
        if (erased->callback_notes > 0) counts["callback_notes"] = erased->callback_notes;
        if (erased->history_entries > 0) counts["history_entries"] = erased->history_entries;
        if (erased->outbox_events > 0) counts["outbox_events"] = erased->outbox_events;
        for (const auto& id : erased->case_ids) response.add_case_ids(id);
        return response;
      });
}

}  // namespace voc::tracking
