// voc.v1.TrackingService over gRPC: validates, delegates to TrackingService
// and SlaSweeper, one line per RPC through auth::Serve, which authenticates
// the caller (UNAUTHENTICATED otherwise), passes it to the logic that
// decides, and maps the absl statuses to gRPC codes (common/rpc/status.h).
// Thread-safe like its parts.
#pragma once

#include "common/auth/authenticator.h"
#include "services/tracking/sla_sweeper.h"
#include "services/tracking/tracking_service.h"
#include "voc/v1/tracking.grpc.pb.h"

namespace voc::tracking {

class TrackingGrpc final : public v1::TrackingService::Service {
 public:
  TrackingGrpc(auth::Authenticator& auth, TrackingService& service, SlaSweeper& sweeper)
      : auth_(auth), service_(service), sweeper_(sweeper) {}

  grpc::Status CreateCase(grpc::ServerContext*, const v1::CreateCaseRequest*, v1::Case*) override;
  grpc::Status CreateCases(grpc::ServerContext*, const v1::CreateCasesRequest*,
                           v1::CreateCasesResponse*) override;
  grpc::Status GetCase(grpc::ServerContext*, const v1::GetCaseRequest*, v1::Case*) override;
  grpc::Status ListCases(grpc::ServerContext*, const v1::ListCasesRequest*,
                         v1::ListCasesResponse*) override;
  grpc::Status AcknowledgeCase(grpc::ServerContext*, const v1::AcknowledgeCaseRequest*,
                               v1::Case*) override;
  grpc::Status LogCallback(grpc::ServerContext*, const v1::LogCallbackRequest*,
                           v1::Case*) override;
  grpc::Status ResolveCase(grpc::ServerContext*, const v1::ResolveCaseRequest*,
                           v1::Case*) override;
  grpc::Status ReassignCase(grpc::ServerContext*, const v1::ReassignCaseRequest*,
                            v1::Case*) override;
  grpc::Status CloseCase(grpc::ServerContext*, const v1::CloseCaseRequest*, v1::Case*) override;
  grpc::Status ResumeCase(grpc::ServerContext*, const v1::ResumeCaseRequest*, v1::Case*) override;
  // Issue 10 item 4: a red-line case marked confirmed or false alarm.
  grpc::Status MarkRedLine(grpc::ServerContext*, const v1::MarkRedLineRequest*, v1::Case*) override;
  grpc::Status ChangePriority(grpc::ServerContext*, const v1::ChangePriorityRequest*,
                              v1::Case*) override;
  grpc::Status ReloadSlaPolicies(grpc::ServerContext*, const v1::ReloadSlaPoliciesRequest*,
                                 v1::ReloadSlaPoliciesResponse*) override;
  grpc::Status SweepSla(grpc::ServerContext*, const v1::SweepSlaRequest*,
                        v1::SweepSlaResponse*) override;
  grpc::Status CreateProject(grpc::ServerContext*, const v1::CreateProjectRequest*,
                             v1::Project*) override;
  grpc::Status GetProject(grpc::ServerContext*, const v1::GetProjectRequest*,
                          v1::Project*) override;
  grpc::Status ListProjects(grpc::ServerContext*, const v1::ListProjectsRequest*,
                            v1::ListProjectsResponse*) override;
  grpc::Status CompleteActionItem(grpc::ServerContext*, const v1::CompleteActionItemRequest*,
                                  v1::Project*) override;
  grpc::Status ReopenProject(grpc::ServerContext*, const v1::ReopenProjectRequest*,
                             v1::Project*) override;

 private:
  auth::Authenticator& auth_;
  TrackingService& service_;
  SlaSweeper& sweeper_;
};

}  // namespace voc::tracking
