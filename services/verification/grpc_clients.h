// gRPC implementations of the verification ports: triage CountFeedback and
// tracking ReopenProject. Every call has a deadline; a failed call comes back
// as an absl::Status with the server's code and "<service> <Rpc>: " in front.
#pragma once

#include <chrono>
#include <memory>

#include <grpcpp/grpcpp.h>

#include "services/verification/ports.h"
#include "voc/v1/tracking.grpc.pb.h"
#include "voc/v1/triage.grpc.pb.h"

namespace voc::verification {

class TriageComplaintCounter final : public ComplaintCounter {
 public:
  explicit TriageComplaintCounter(std::shared_ptr<grpc::Channel> channel,
                                  std::chrono::milliseconds deadline = std::chrono::seconds(10));
  absl::StatusOr<Counts> Count(TimePoint start, TimePoint end, const std::string& topic) override;

 private:
  std::unique_ptr<v1::TriageService::Stub> stub_;
  std::chrono::milliseconds deadline_;
};

class TrackingProjectReopener final : public ProjectReopener {
 public:
  explicit TrackingProjectReopener(std::shared_ptr<grpc::Channel> channel,
                                   std::chrono::milliseconds deadline = std::chrono::seconds(10));
  absl::Status Reopen(const std::string& project_name, const std::string& evidence) override;

 private:
  std::unique_ptr<v1::TrackingService::Stub> stub_;
  std::chrono::milliseconds deadline_;
};

}  // namespace voc::verification
