// The gRPC implementations of assignment's ports (ports.h).
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

#include "services/assignment/ports.h"
#include "voc/v1/tracking.grpc.pb.h"

namespace voc::assignment {

// TrackingService.CreateCase and CreateCases over a channel, with a
// deadline. The gRPC code of tracking's answer (of the call, or of an item)
// becomes the same absl code (so UNAVAILABLE and DEADLINE_EXCEEDED stay
// retryable). More requests than one CreateCases call takes
// (api::kMaxCreateCasesBatchSize) go in several calls. Thread-safe.
class GrpcCaseCreator final : public CaseCreator {
 public:
  explicit GrpcCaseCreator(std::shared_ptr<grpc::Channel> channel, int deadline_ms = 10000);
  absl::StatusOr<std::string> CreateCase(const v1::CreateCaseRequest& request) override;
  absl::StatusOr<std::vector<absl::StatusOr<std::string>>> CreateCases(
      const std::vector<v1::CreateCaseRequest>& requests) override;

 private:
  std::unique_ptr<v1::TrackingService::Stub> stub_;
  int deadline_ms_;
};

}  // namespace voc::assignment
