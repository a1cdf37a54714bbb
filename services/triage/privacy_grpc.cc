#include "services/triage/privacy_grpc.h"

#include <vector>

namespace voc::triage {

std::unique_ptr<erasure::PrivacyGrpc> MakePrivacyGrpc(auth::Authenticator& authenticator, ErasureStore& store,
                                                      TriageProcessor& processor) {
  return std::make_unique<erasure::PrivacyGrpc>(
      "triage", authenticator,
      [&store, &processor](const v1::EraseCustomerRequest& request) -> absl::StatusOr<v1::EraseCustomerResponse> {
        const std::vector<std::string> ids(request.feedback_ids().begin(), request.feedback_ids().end());
        auto erased = store.EraseFeedback(ids);
        if (!erased.ok()) return erased.status();
        // The in-memory index still holds the texts it was restored with:
        // reload it from the erased rows (a representative falls to another
        // member). Reloaded even when nothing was erased now, so a re-run
        // after a failed reload repairs it.
        if (absl::Status reloaded = processor.RestoreClusters(); !reloaded.ok()) return reloaded;
        v1::EraseCustomerResponse response;
        if (erased->results > 0) (*response.mutable_erased())["triage_results"] = erased->results;
        if (erased->cluster_texts > 0) (*response.mutable_erased())["cluster_texts"] = erased->cluster_texts;
        return response;
      });
}

}  // namespace voc::triage
