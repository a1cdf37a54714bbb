#include "services/assignment/grpc_clients.h"

#include <chrono>

namespace voc::assignment {
namespace {

// gRPC and absl share the canonical code numbers.
absl::StatusCode AbslCodeOf(grpc::StatusCode code) { return static_cast<absl::StatusCode>(code); }

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

}  // namespace voc::assignment
