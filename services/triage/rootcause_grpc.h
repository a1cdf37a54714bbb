// The gRPC adapter of RootCauseService (issue 13, voc.v1.RootCauseService),
// served on voc-triage's port beside TriageGrpc: authenticated under
// auth::Serve, then MayFindRootCauses (triage_access.h), then the logic.
#pragma once

#include "common/auth/authenticator.h"
#include "services/triage/rootcause_service.h"
#include "voc/v1/rootcause.grpc.pb.h"

namespace voc::triage {

class RootCauseGrpc final : public v1::RootCauseService::Service {
 public:
  RootCauseGrpc(const RootCauseService& service, auth::Authenticator& auth) : service_(service), auth_(auth) {}

  grpc::Status FindRootCauses(grpc::ServerContext* context, const v1::FindRootCausesRequest* request,
                              v1::FindRootCausesResponse* response) override;

 private:
  const RootCauseService& service_;
  auth::Authenticator& auth_;
};

}  // namespace voc::triage
