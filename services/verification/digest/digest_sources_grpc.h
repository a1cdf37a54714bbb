// The digest's sources in triage and tracking over gRPC, called as
// principal "verification" (it needs analytics:read for the report RPCs,
// config/voc.yaml auth.services). Every call has a deadline; a failed call
// comes back as an absl::Status with the server's code and
// "<service> <Rpc>: " in front, as grpc_clients.h.
#pragma once

#include <chrono>
#include <memory>

#include <grpcpp/grpcpp.h>

#include "services/verification/digest/digest_sources.h"
#include "voc/v1/reports.grpc.pb.h"
#include "voc/v1/triage.grpc.pb.h"

namespace voc::verification {

class TriageVoiceDigestSource final : public VoiceDigestSource {
 public:
  explicit TriageVoiceDigestSource(std::shared_ptr<grpc::Channel> channel,
                                   std::chrono::milliseconds deadline = std::chrono::seconds(10));
  absl::StatusOr<std::vector<v1::TopicFigure>> RisingTopics(const DigestWeek& week,
                                                           const std::string& department) override;
  absl::StatusOr<std::vector<v1::EmergingSignal>> Signals(const DigestWeek& week,
                                                          const std::string& department) override;
  absl::StatusOr<std::vector<v1::Topic>> Topics() override;

 private:
  std::unique_ptr<v1::VoiceReportService::Stub> reports_;
  std::unique_ptr<v1::TriageService::Stub> triage_;
  std::chrono::milliseconds deadline_;
};

class TrackingLoopDigestSource final : public LoopDigestSource {
 public:
  explicit TrackingLoopDigestSource(std::shared_ptr<grpc::Channel> channel,
                                    std::chrono::milliseconds deadline = std::chrono::seconds(10));
  absl::StatusOr<v1::LoopReport> LoopReport(const DigestWeek& week, const std::string& department) override;

 private:
  std::unique_ptr<v1::LoopReportService::Stub> stub_;
  std::chrono::milliseconds deadline_;
};

}  // namespace voc::verification
