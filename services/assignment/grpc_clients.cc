#include "services/assignment/grpc_clients.h"

#include <algorithm>
#include <chrono>

#include "proto/api/limits.h"

namespace voc::assignment {
namespace {

// gRPC and absl share the canonical code numbers.
absl::StatusCode AbslCodeOf(int code) { return static_cast<absl::StatusCode>(code); }

}  // namespace

GrpcCaseCreator::GrpcCaseCreator(std::shared_ptr<grpc::Channel> channel, int deadline_ms)
    : stub_(v1::TrackingService::NewStub(std::move(channel))), deadline_ms_(deadline_ms) {}

absl::StatusOr<std::string> GrpcCaseCreator::CreateCase(const v1::CreateCaseRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(deadline_ms_));
  v1::Case created;
  const grpc::Status status = stub_->CreateCase(&context, request, &created);
  if (!status.ok()) {
    return absl::Status(AbslCodeOf(status.error_code()),
                        "tracking CreateCase " + request.request_id() + ": " +
                            status.error_message());
  }
  return created.name();
}

absl::StatusOr<std::vector<absl::StatusOr<std::string>>> GrpcCaseCreator::CreateCases(
    const std::vector<v1::CreateCaseRequest>& requests) {
  std::vector<absl::StatusOr<std::string>> names;
  names.reserve(requests.size());
  // More than one call's worth goes in several calls; each is idempotent, so
  // a failure of a later one leaves nothing a retry would duplicate.
  for (std::size_t from = 0; from < requests.size(); from += api::kMaxCreateCasesBatchSize) {
    const std::size_t to = std::min(requests.size(), from + api::kMaxCreateCasesBatchSize);
    v1::CreateCasesRequest call;
    for (std::size_t i = from; i < to; ++i) *call.add_requests() = requests[i];
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::milliseconds(deadline_ms_));
    v1::CreateCasesResponse response;
    const grpc::Status status = stub_->CreateCases(&context, call, &response);
    if (!status.ok()) {
      return absl::Status(AbslCodeOf(status.error_code()),
                          "tracking CreateCases of " + std::to_string(to - from) +
                              " cases: " + status.error_message());
    }
    if (response.results_size() != static_cast<int>(to - from)) {
      return absl::InternalError("tracking CreateCases answered " +
                                 std::to_string(response.results_size()) + " results for " +
                                 std::to_string(to - from) + " requests");
    }
    for (const v1::CreateCaseResult& result : response.results()) {
      if (result.index() != static_cast<int>(names.size() - from)) {
        return absl::InternalError("tracking CreateCases answered out of order");
      }
      const std::string& request_id = requests[names.size()].request_id();
      if (result.code() != 0) {
        names.push_back(absl::Status(AbslCodeOf(result.code()),
                                     "tracking CreateCases " + request_id + ": " + result.error()));
      } else {
        names.push_back(result.case_().name());
      }
    }
  }
  return names;
}

}  // namespace voc::assignment
