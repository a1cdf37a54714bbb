#include "services/verification/privacy_grpc.h"

#include <vector>

namespace voc::verification {

std::unique_ptr<erasure::PrivacyGrpc> MakePrivacyGrpc(auth::Authenticator& authenticator, ErasureStore& store) {
  return std::make_unique<erasure::PrivacyGrpc>(
      "verification", authenticator,
      [&store](const v1::EraseCustomerRequest& request) -> absl::StatusOr<v1::EraseCustomerResponse> {
        const std::vector<std::string> ids(request.feedback_ids().begin(), request.feedback_ids().end());
        const std::vector<std::string> cases(request.case_ids().begin(), request.case_ids().end());
        auto erased = store.EraseCustomer(request.customer_id(), ids, cases);
        if (!erased.ok()) return erased.status();
        v1::EraseCustomerResponse response;
        auto& counts = *response.mutable_erased();
        if (erased->resurveys > 0) counts["resurveys"] = erased->resurveys;
        if (erased->detractor_originals > 0) counts["detractor_originals"] = erased->detractor_originals;
        if (erased->knowledge_entries > 0) counts["knowledge_entries"] = erased->knowledge_entries;
        if (erased->awaiting_originals > 0) counts["awaiting_originals"] = erased->awaiting_originals;
        return response;
      });
}

}  // namespace voc::verification
