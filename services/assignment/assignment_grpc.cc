#include "services/assignment/assignment_grpc.h"

#include "common/config/config.h"

#include "common/rpc/status.h"

namespace voc::assignment {

grpc::Status AssignmentGrpc::GetAssignment(grpc::ServerContext*,
                                           const v1::GetAssignmentRequest* request,
                                           v1::Assignment* response) {
  return rpc::Guard("GetAssignment", [&]() -> grpc::Status {
    std::string id = request->feedback();
    if (id.rfind("feedback/", 0) == 0) id = id.substr(9);
    const std::string suffix = "/assignment";
    if (id.size() > suffix.size() && id.compare(id.size() - suffix.size(), suffix.size(), suffix) == 0) {
      id.resize(id.size() - suffix.size());
    }
    if (id.empty() || id.find('/') != std::string::npos) {
      return rpc::InvalidArgument("feedback", "must look like feedback/{id}");
    }
    auto assignment = service_.GetAssignment(id);
    if (!assignment) return rpc::NotFound("feedback/" + id + "/assignment");
    *response = std::move(*assignment);
    return grpc::Status::OK;
  });
}

grpc::Status AssignmentGrpc::ReloadRules(grpc::ServerContext*, const v1::ReloadRulesRequest*,
                                         v1::ReloadRulesResponse* response) {
  return rpc::Guard("ReloadRules", [&]() -> grpc::Status {
    try {
      const auto counts = service_.ReloadRules();
      response->set_departments(counts.departments);
      response->set_people(counts.people);
      response->set_rules(counts.rules);
      return grpc::Status::OK;
    } catch (const ConfigError& e) {
      return rpc::FailedPrecondition(e.what());
    }
  });
}

}  // namespace voc::assignment
