#include "services/notify/privacy_grpc.h"

#include <vector>

#include "common/util/time.h"

namespace voc::notify {

std::unique_ptr<erasure::PrivacyGrpc> MakePrivacyGrpc(auth::Authenticator& authenticator, ErasureStore& store,
                                                      const Clock& clock) {
  return std::make_unique<erasure::PrivacyGrpc>(
      "notify", authenticator,
      [&store, &clock](const v1::EraseCustomerRequest& request) -> absl::StatusOr<v1::EraseCustomerResponse> {
        const std::vector<std::string> cases(request.case_ids().begin(), request.case_ids().end());
        auto erased = store.EraseCustomer(request.customer_id(), cases, ToMillis(clock.Now()));
        if (!erased.ok()) return erased.status();
        v1::EraseCustomerResponse response;
        auto& counts = *response.mutable_erased();
        if (erased->requests > 0) counts["requests"] = erased->requests;
        if (erased->deliveries > 0) counts["deliveries"] = erased->deliveries;
        if (erased->pending_given_up > 0) counts["pending_deliveries_given_up"] = erased->pending_given_up;
        return response;
      });
}

}  // namespace voc::notify
