#include "services/tracking/tracking_grpc.h"

#include "common/rpc/status.h"
#include "common/status/status.h"

namespace voc::tracking {

using rpc::Serve;

grpc::Status TrackingGrpc::CreateCase(grpc::ServerContext*, const v1::CreateCaseRequest* req,
                                      v1::Case* resp) {
  return Serve("CreateCase", resp, [&] { return service_.CreateCase(*req); });
}
grpc::Status TrackingGrpc::CreateCases(grpc::ServerContext*, const v1::CreateCasesRequest* req,
                                       v1::CreateCasesResponse* resp) {
  return Serve("CreateCases", resp, [&]() -> absl::StatusOr<v1::CreateCasesResponse> {
    VOC_ASSIGN_OR_RETURN(auto outcomes, service_.CreateCases(*req));
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
grpc::Status TrackingGrpc::GetCase(grpc::ServerContext*, const v1::GetCaseRequest* req,
                                   v1::Case* resp) {
  return Serve("GetCase", resp, [&] { return service_.GetCase(req->name()); });
}
grpc::Status TrackingGrpc::ListCases(grpc::ServerContext*, const v1::ListCasesRequest* req,
                                     v1::ListCasesResponse* resp) {
  return Serve("ListCases", resp, [&] { return service_.ListCases(*req); });
}
grpc::Status TrackingGrpc::AcknowledgeCase(grpc::ServerContext*,
                                           const v1::AcknowledgeCaseRequest* req, v1::Case* resp) {
  return Serve("AcknowledgeCase", resp, [&] { return service_.AcknowledgeCase(*req); });
}
grpc::Status TrackingGrpc::LogCallback(grpc::ServerContext*, const v1::LogCallbackRequest* req,
                                       v1::Case* resp) {
  return Serve("LogCallback", resp, [&] { return service_.LogCallback(*req); });
}
grpc::Status TrackingGrpc::ResolveCase(grpc::ServerContext*, const v1::ResolveCaseRequest* req,
                                       v1::Case* resp) {
  return Serve("ResolveCase", resp, [&] { return service_.ResolveCase(*req); });
}
grpc::Status TrackingGrpc::ReassignCase(grpc::ServerContext*, const v1::ReassignCaseRequest* req,
                                        v1::Case* resp) {
  return Serve("ReassignCase", resp, [&] { return service_.ReassignCase(*req); });
}
grpc::Status TrackingGrpc::CloseCase(grpc::ServerContext*, const v1::CloseCaseRequest* req,
                                     v1::Case* resp) {
  return Serve("CloseCase", resp, [&] { return service_.CloseCase(*req); });
}
grpc::Status TrackingGrpc::ResumeCase(grpc::ServerContext*, const v1::ResumeCaseRequest* req,
                                      v1::Case* resp) {
  return Serve("ResumeCase", resp, [&] { return service_.ResumeCase(*req); });
}
grpc::Status TrackingGrpc::ChangePriority(grpc::ServerContext*,
                                          const v1::ChangePriorityRequest* req, v1::Case* resp) {
  return Serve("ChangePriority", resp, [&] { return service_.ChangePriority(*req); });
}
grpc::Status TrackingGrpc::ReloadSlaPolicies(grpc::ServerContext*,
                                             const v1::ReloadSlaPoliciesRequest*,
                                             v1::ReloadSlaPoliciesResponse* resp) {
  return Serve("ReloadSlaPolicies", resp, [&] { return service_.ReloadSlaPolicies(); });
}
grpc::Status TrackingGrpc::SweepSla(grpc::ServerContext*, const v1::SweepSlaRequest*,
                                    v1::SweepSlaResponse* resp) {
  return Serve("SweepSla", resp, [&]() -> absl::StatusOr<v1::SweepSlaResponse> {
    VOC_ASSIGN_OR_RETURN(const SweepReport report, sweeper_.SweepOnce());
    v1::SweepSlaResponse out;
    for (const auto& name : report.escalated_cases) out.add_escalated_cases(name);
    out.set_overdue_count(report.overdue_count);
    return out;
  });
}
grpc::Status TrackingGrpc::CreateProject(grpc::ServerContext*,
                                         const v1::CreateProjectRequest* req, v1::Project* resp) {
  return Serve("CreateProject", resp, [&] { return service_.CreateProject(*req); });
}
grpc::Status TrackingGrpc::GetProject(grpc::ServerContext*, const v1::GetProjectRequest* req,
                                      v1::Project* resp) {
  return Serve("GetProject", resp, [&] { return service_.GetProject(req->name()); });
}
grpc::Status TrackingGrpc::ListProjects(grpc::ServerContext*, const v1::ListProjectsRequest* req,
                                        v1::ListProjectsResponse* resp) {
  return Serve("ListProjects", resp, [&] { return service_.ListProjects(*req); });
}
grpc::Status TrackingGrpc::CompleteActionItem(grpc::ServerContext*,
                                              const v1::CompleteActionItemRequest* req,
                                              v1::Project* resp) {
  return Serve("CompleteActionItem", resp, [&] { return service_.CompleteActionItem(*req); });
}
grpc::Status TrackingGrpc::ReopenProject(grpc::ServerContext*,
                                         const v1::ReopenProjectRequest* req, v1::Project* resp) {
  return Serve("ReopenProject", resp, [&] { return service_.ReopenProject(*req); });
}

}  // namespace voc::tracking
