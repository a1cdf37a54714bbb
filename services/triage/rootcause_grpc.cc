#include "services/triage/rootcause_grpc.h"

#include "common/auth/serve.h"
#include "common/status/status.h"
#include "services/triage/triage_access.h"

namespace voc::triage {

grpc::Status RootCauseGrpc::FindRootCauses(grpc::ServerContext* context, const v1::FindRootCausesRequest* request,
                                           v1::FindRootCausesResponse* response) {
  return auth::Serve(auth_, context, "FindRootCauses", response,
                     [&](const auth::Principal& caller) -> absl::StatusOr<v1::FindRootCausesResponse> {
                       VOC_RETURN_IF_ERROR(MayFindRootCauses(caller));
                       return service_.FindRootCauses(*request);
                     });
}

}  // namespace voc::triage
