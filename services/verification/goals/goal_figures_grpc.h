// gRPC implementations of the goal figure sources: triage GetVoiceTrend and
// tracking GetLoopReport. Every call has a deadline; a failed call comes
// back as an absl::Status with the server's code and "<service> <Rpc>: "
// in front.
#pragma once

#include <chrono>
#include <memory>

#include <grpcpp/grpcpp.h>

#include "services/verification/goals/goal_figures.h"
#include "voc/v1/reports.grpc.pb.h"

namespace voc::verification {

class TriageVoiceTrendSource final : public VoiceTrendSource {
 public:
  explicit TriageVoiceTrendSource(std::shared_ptr<grpc::Channel> channel,
                                  std::chrono::milliseconds deadline = std::chrono::seconds(10));
  absl::StatusOr<v1::VoiceTrend> GetVoiceTrend(const v1::VoiceFilter& filter) override;

 private:
  std::unique_ptr<v1::VoiceReportService::Stub> stub_;
  std::chrono::milliseconds deadline_;
};

class TrackingLoopReportSource final : public LoopReportSource {
 public:
  explicit TrackingLoopReportSource(std::shared_ptr<grpc::Channel> channel,
                                    std::chrono::milliseconds deadline = std::chrono::seconds(10));
  absl::StatusOr<v1::LoopReport> GetLoopReport(const v1::GetLoopReportRequest& request) override;

 private:
  std::unique_ptr<v1::LoopReportService::Stub> stub_;
  std::chrono::milliseconds deadline_;
};

}  // namespace voc::verification
