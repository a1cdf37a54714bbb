#include "services/verification/verification_grpc.h"

#include "proto/api/resource_names.h"
#include "common/rpc/pagination.h"
#include "common/rpc/status.h"
#include "common/util/ids.h"

namespace voc::verification {

grpc::Status VerificationGrpc::ListVerifications(grpc::ServerContext*,
                                                 const v1::ListVerificationsRequest* request,
                                                 v1::ListVerificationsResponse* response) {
  return rpc::Guard("ListVerifications", [&] {
    rpc::Page page;
    if (auto status = rpc::ParsePage(request->page_size(), request->page_token(), &page); !status.ok()) {
      return status;
    }
    std::string project_id;
    if (!request->project().empty()) {
      project_id = api::IdFromName(request->project(), "projects/");
      if (project_id.empty()) return rpc::InvalidArgument("project", "expected \"projects/{id}\"");
    }
    if (!v1::VerificationState_IsValid(request->state())) {
      return rpc::InvalidArgument("state", "unknown verification state");
    }
    auto checks = store_.ListChecks(project_id, request->state(), page.size, page.offset);
    for (auto& check : checks) *response->add_verifications() = std::move(check.verification);
    response->set_next_page_token(rpc::NextPageToken(page, response->verifications_size()));
    return grpc::Status::OK;
  });
}

grpc::Status VerificationGrpc::GetVerification(grpc::ServerContext*,
                                               const v1::GetVerificationRequest* request,
                                               v1::Verification* response) {
  return rpc::Guard("GetVerification", [&] {
    if (request->name().empty()) return rpc::InvalidArgument("name", "required");
    std::string id = api::IdFromName(request->name(), "verifications/");
    if (id.empty()) return rpc::InvalidArgument("name", "expected \"verifications/{id}\"");
    auto check = store_.GetCheck(id);
    if (!check) return rpc::NotFound("verifications/" + id);
    *response = std::move(check->verification);
    return grpc::Status::OK;
  });
}

grpc::Status VerificationGrpc::RunDueChecks(grpc::ServerContext*, const v1::RunDueChecksRequest*,
                                            v1::RunDueChecksResponse* response) {
  return rpc::Guard("RunDueChecks", [&] {
    auto result = service_.RunDueChecks();
    for (auto& name : result.completed) response->add_completed(name);
    return grpc::Status::OK;
  });
}

grpc::Status VerificationGrpc::ListResurveys(grpc::ServerContext*,
                                             const v1::ListResurveysRequest* request,
                                             v1::ListResurveysResponse* response) {
  return rpc::Guard("ListResurveys", [&] {
    rpc::Page page;
    if (auto status = rpc::ParsePage(request->page_size(), request->page_token(), &page); !status.ok()) {
      return status;
    }
    if (!v1::ResurveyState_IsValid(request->state())) {
      return rpc::InvalidArgument("state", "unknown re-survey state");
    }
    auto resurveys = store_.ListResurveys(request->customer_id(), request->state(), page.size, page.offset);
    for (auto& r : resurveys) *response->add_resurveys() = std::move(r);
    response->set_next_page_token(rpc::NextPageToken(page, response->resurveys_size()));
    return grpc::Status::OK;
  });
}

grpc::Status VerificationGrpc::SearchKnowledge(grpc::ServerContext*,
                                               const v1::SearchKnowledgeRequest* request,
                                               v1::SearchKnowledgeResponse* response) {
  return rpc::Guard("SearchKnowledge", [&] {
    if (request->query().empty()) return rpc::InvalidArgument("query", "required");
    if (request->query().size() > 256) return rpc::InvalidArgument("query", "longer than 256 bytes");
    if (request->page_size() < 0) return rpc::InvalidArgument("page_size", "must not be negative");
    const int limit = request->page_size() == 0 ? 50 : std::min(request->page_size(), 1000);
    for (auto& e : store_.SearchKnowledge(request->query(), limit)) *response->add_entries() = std::move(e);
    return grpc::Status::OK;
  });
}

}  // namespace voc::verification
