#include "services/verification/outcomes/outcome_grpc.h"

#include "common/auth/serve.h"
#include "services/verification/verification_access.h"

namespace voc::verification {

grpc::Status OutcomeReportGrpc::GetOutcomeReport(grpc::ServerContext* ctx, const v1::GetOutcomeReportRequest* req,
                                                 v1::OutcomeReport* resp) {
  return auth::Serve(auth_, ctx, "GetOutcomeReport", resp,
                     [&](const auth::Principal& caller) -> absl::StatusOr<v1::OutcomeReport> {
                       if (auto allowed = MayReadVerifications(caller); !allowed.ok()) return allowed;
                       return reporter_.GetOutcomeReport(*req);
                     });
}

}  // namespace voc::verification
