#include "services/assignment/privacy_grpc.h"

#include <vector>

namespace voc::assignment {

std::unique_ptr<erasure::PrivacyGrpc> MakePrivacyGrpc(auth::Authenticator& authenticator, ErasureStore& store) {
  return std::make_unique<erasure::PrivacyGrpc>(
      "assignment", authenticator,
      [&store](const v1::EraseCustomerRequest& request) -> absl::StatusOr<v1::EraseCustomerResponse> {
        const std::vector<std::string> ids(request.feedback_ids().begin(), request.feedback_ids().end());
        auto erased = store.EraseFeedback(request.customer_id(), ids);
        if (!erased.ok()) return erased.status();
        v1::EraseCustomerResponse response;
        if (*erased > 0) (*response.mutable_erased())["decision_reasons"] = *erased;
        return response;
      });
}

}  // namespace voc::assignment
