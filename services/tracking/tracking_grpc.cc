#include "services/tracking/tracking_grpc.h"

#include "common/rpc/status.h"

namespace voc::tracking {
namespace {

// Runs a logic call under rpc::Guard and copies a successful value out.
template <typename T, typename Call>
grpc::Status Serve(const char* rpc_name, T* response, Call&& call) {
  return rpc::Guard(rpc_name, [&]() -> grpc::Status {
    auto result = call();
    if (!result.ok()) return ToStatus(result.error());
    *response = std::move(result).value();
    return grpc::Status::OK;
  });
}

}  // namespace

grpc::Status ToStatus(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalidArgument: return {grpc::StatusCode::INVALID_ARGUMENT, error.message};
    case ErrorCode::kNotFound: return {grpc::StatusCode::NOT_FOUND, error.message};
    case ErrorCode::kFailedPrecondition: return {grpc::StatusCode::FAILED_PRECONDITION, error.message};
    case ErrorCode::kAborted: return {grpc::StatusCode::ABORTED, error.message};
    case ErrorCode::kInternal: return {grpc::StatusCode::INTERNAL, error.message};
  }
  return {grpc::StatusCode::UNKNOWN, error.message};
}

grpc::Status TrackingGrpc::CreateCase(grpc::ServerContext*, const v1::CreateCaseRequest* req,
                                      v1::Case* resp) {
  return Serve("CreateCase", resp, [&] { return service_.CreateCase(*req); });
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
grpc::Status TrackingGrpc::SweepSla(grpc::ServerContext*, const v1::SweepSlaRequest*,
                                    v1::SweepSlaResponse* resp) {
  return rpc::Guard("SweepSla", [&]() -> grpc::Status {
    const SweepReport report = sweeper_.SweepOnce();
    for (const auto& name : report.escalated_cases) resp->add_escalated_cases(name);
    resp->set_overdue_count(report.overdue_count);
    return grpc::Status::OK;
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
