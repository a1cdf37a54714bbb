#include "services/assignment/case_creator.h"

#include <chrono>

namespace voc::assignment {

GrpcCaseCreator::GrpcCaseCreator(std::shared_ptr<grpc::Channel> channel, int deadline_ms)
    : stub_(v1::TrackingService::NewStub(std::move(channel))), deadline_ms_(deadline_ms) {}

CreateCaseOutcome GrpcCaseCreator::CreateCase(const v1::CreateCaseRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(deadline_ms_));
  v1::Case created;
  const grpc::Status status = stub_->CreateCase(&context, request, &created);
  if (!status.ok()) {
    const auto code = status.error_code();
    const bool transient = code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
                           code == grpc::StatusCode::RESOURCE_EXHAUSTED || code == grpc::StatusCode::ABORTED;
    return {false, "",
            "tracking CreateCase " + request.request_id() + ": code " + std::to_string(code) + ": " +
                status.error_message(),
            transient};
  }
  return {true, created.name(), ""};
}

}  // namespace voc::assignment
