#include "services/tracking/tracking_grpc.h"

#include "common/auth/policy.h"
#include "common/auth/scopes.h"
#include "common/auth/serve.h"
#include "common/rpc/status.h"
#include "common/status/status.h"

namespace voc::tracking {


grpc::Status TrackingGrpc::CreateCase(grpc::ServerContext* ctx, const v1::CreateCaseRequest* req,
                                      v1::Case* resp) {
  return auth::Serve(auth_, ctx, "CreateCase", resp, [&](const auth::Principal& caller) { return service_.CreateCase(caller, *req); });
}
grpc::Status TrackingGrpc::CreateCases(grpc::ServerContext* ctx, const v1::CreateCasesRequest* req,
                                       v1::CreateCasesResponse* resp) {
  return auth::Serve(auth_, ctx, "CreateCases", resp, [&](const auth::Principal& caller) -> absl::StatusOr<v1::CreateCasesResponse> {
    VOC_ASSIGN_OR_RETURN(auto outcomes, service_.CreateCases(caller, *req));
    v1::CreateCasesResponse out;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      v1::CreateCaseResult* result = out.add_results();
      result->set_index(static_cast<int>(i));
      if (!outcomes[i].c.ok()) {
        // Each item's error is mapped like a whole call's would be.
        const grpc::Status item = rpc::ToGrpcStatus(outcomes[i].c.status());
        result->set_code(item.error_code());
        result->set_error(item.error_message());
        continue;
      }
      *result->mutable_case_() = *std::move(outcomes[i].c);
      result->set_duplicate(outcomes[i].duplicate);
    }
    return out;
  });
}
grpc::Status TrackingGrpc::GetCase(grpc::ServerContext* ctx, const v1::GetCaseRequest* req,
                                   v1::Case* resp) {
  return auth::Serve(auth_, ctx, "GetCase", resp, [&](const auth::Principal& caller) { return service_.GetCase(caller, req->name()); });
}
grpc::Status TrackingGrpc::ListCases(grpc::ServerContext* ctx, const v1::ListCasesRequest* req,
                                     v1::ListCasesResponse* resp) {
  return auth::Serve(auth_, ctx, "ListCases", resp, [&](const auth::Principal& caller) { return service_.ListCases(caller, *req); });
}
grpc::Status TrackingGrpc::AcknowledgeCase(grpc::ServerContext* ctx,
                                           const v1::AcknowledgeCaseRequest* req, v1::Case* resp) {
  return auth::Serve(auth_, ctx, "AcknowledgeCase", resp, [&](const auth::Principal& caller) { return service_.AcknowledgeCase(caller, *req); });
}
grpc::Status TrackingGrpc::LogCallback(grpc::ServerContext* ctx, const v1::LogCallbackRequest* req,
                                       v1::Case* resp) {
  return auth::Serve(auth_, ctx, "LogCallback", resp, [&](const auth::Principal& caller) { return service_.LogCallback(caller, *req); });
}
grpc::Status TrackingGrpc::ResolveCase(grpc::ServerContext* ctx, const v1::ResolveCaseRequest* req,
                                       v1::Case* resp) {
  return auth::Serve(auth_, ctx, "ResolveCase", resp, [&](const auth::Principal& caller) { return service_.ResolveCase(caller, *req); });
}
grpc::Status TrackingGrpc::ReassignCase(grpc::ServerContext* ctx, const v1::ReassignCaseRequest* req,
                                        v1::Case* resp) {
  return auth::Serve(auth_, ctx, "ReassignCase", resp, [&](const auth::Principal& caller) { return service_.ReassignCase(caller, *req); });
}
grpc::Status TrackingGrpc::CloseCase(grpc::ServerContext* ctx, const v1::CloseCaseRequest* req,
                                     v1::Case* resp) {
  return auth::Serve(auth_, ctx, "CloseCase", resp, [&](const auth::Principal& caller) { return service_.CloseCase(caller, *req); });
}
grpc::Status TrackingGrpc::ResumeCase(grpc::ServerContext* ctx, const v1::ResumeCaseRequest* req,
                                      v1::Case* resp) {
  return auth::Serve(auth_, ctx, "ResumeCase", resp, [&](const auth::Principal& caller) { return service_.ResumeCase(caller, *req); });
}
grpc::Status TrackingGrpc::ChangePriority(grpc::ServerContext* ctx,
                                          const v1::ChangePriorityRequest* req, v1::Case* resp) {
  return auth::Serve(auth_, ctx, "ChangePriority", resp, [&](const auth::Principal& caller) { return service_.ChangePriority(caller, *req); });
}
grpc::Status TrackingGrpc::ReloadSlaPolicies(grpc::ServerContext* ctx,
                                             const v1::ReloadSlaPoliciesRequest*,
                                             v1::ReloadSlaPoliciesResponse* resp) {
  return auth::Serve(auth_, ctx, "ReloadSlaPolicies", resp, [&](const auth::Principal& caller) { return service_.ReloadSlaPolicies(caller); });
}
grpc::Status TrackingGrpc::MarkRedLine(grpc::ServerContext* ctx, const v1::MarkRedLineRequest* req,
                                       v1::Case* resp) {
  return auth::Serve(auth_, ctx, "MarkRedLine", resp, [&](const auth::Principal& caller) { return service_.MarkRedLine(caller, *req); });
}
grpc::Status TrackingGrpc::SweepSla(grpc::ServerContext* ctx, const v1::SweepSlaRequest*,
                                    v1::SweepSlaResponse* resp) {
  return auth::Serve(auth_, ctx, "SweepSla", resp, [&](const auth::Principal& caller) -> absl::StatusOr<v1::SweepSlaResponse> {
    // Normally periodic; running it on demand is for systems acting on cases.
    if (!caller.HasScope(auth::kCasesWrite)) {
      return caller.is_person() ? auth::Denied("run the SLA sweep") : auth::MissingScope(auth::kCasesWrite);
    }
    VOC_ASSIGN_OR_RETURN(const SweepReport report, sweeper_.SweepOnce());
    v1::SweepSlaResponse out;
    for (const auto& name : report.escalated_cases) out.add_escalated_cases(name);
    out.set_overdue_count(report.overdue_count);
    return out;
  });
}
grpc::Status TrackingGrpc::CreateProject(grpc::ServerContext* ctx,
                                         const v1::CreateProjectRequest* req, v1::Project* resp) {
  return auth::Serve(auth_, ctx, "CreateProject", resp, [&](const auth::Principal& caller) { return service_.CreateProject(caller, *req); });
}
grpc::Status TrackingGrpc::GetProject(grpc::ServerContext* ctx, const v1::GetProjectRequest* req,
                                      v1::Project* resp) {
  return auth::Serve(auth_, ctx, "GetProject", resp, [&](const auth::Principal& caller) { return service_.GetProject(caller, req->name()); });
}
grpc::Status TrackingGrpc::ListProjects(grpc::ServerContext* ctx, const v1::ListProjectsRequest* req,
                                        v1::ListProjectsResponse* resp) {
  return auth::Serve(auth_, ctx, "ListProjects", resp, [&](const auth::Principal& caller) { return service_.ListProjects(caller, *req); });
}
grpc::Status TrackingGrpc::CompleteActionItem(grpc::ServerContext* ctx,
                                              const v1::CompleteActionItemRequest* req,
                                              v1::Project* resp) {
  return auth::Serve(auth_, ctx, "CompleteActionItem", resp, [&](const auth::Principal& caller) { return service_.CompleteActionItem(caller, *req); });
}
grpc::Status TrackingGrpc::ReopenProject(grpc::ServerContext* ctx,
                                         const v1::ReopenProjectRequest* req, v1::Project* resp) {
  return auth::Serve(auth_, ctx, "ReopenProject", resp, [&](const auth::Principal& caller) { return service_.ReopenProject(caller, *req); });
}

}  // namespace voc::tracking
