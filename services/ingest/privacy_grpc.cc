#include "services/ingest/privacy_grpc.h"

#include "common/util/time.h"

namespace voc::ingest {

std::unique_ptr<erasure::PrivacyGrpc> MakePrivacyGrpc(auth::Authenticator& authenticator, ErasureStore& store,
                                                      const Clock& clock) {
  return std::make_unique<erasure::PrivacyGrpc>(
      "ingest", authenticator,
      [&store, &clock](const v1::EraseCustomerRequest& request) -> absl::StatusOr<v1::EraseCustomerResponse> {
        auto erased = store.EraseCustomer(request.customer_id(), erasure::CustomerHash(request.customer_id()),
                                          ToMillis(clock.Now()));
        if (!erased.ok()) return erased.status();
        v1::EraseCustomerResponse response;
        if (erased->feedback_erased > 0) (*response.mutable_erased())["feedback"] = erased->feedback_erased;
        for (const auto& id : erased->feedback_ids) response.add_feedback_ids(id);
        return response;
      });
}

}  // namespace voc::ingest
