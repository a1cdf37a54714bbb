// The gRPC implementations of assignment's ports (ports.h).
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

#include "services/assignment/ports.h"
#include "voc/v1/tracking.grpc.pb.h"

namespace voc::assignment {

// TrackingService.CreateCase over a channel, with a deadline. The gRPC code
// of tracking's answer becomes the same absl code (so UNAVAILABLE and
// DEADLINE_EXCEEDED stay retryable). Thread-safe.
class GrpcCaseCreator final : public CaseCreator {
 public:
  explicit GrpcCaseCreator(std::shared_ptr<grpc::Channel> channel, int deadline_ms = 10000);
  absl::StatusOr<std::string> CreateCase(const v1::CreateCaseRequest& request) override;

 private:
  std::unique_ptr<v1::TrackingService::Stub> stub_;
  int deadline_ms_;
};

}  // namespace voc::assignment
