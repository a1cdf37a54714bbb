// Where a goal's figures come from (issue 12), as interfaces so the goal
// logic is tested with fakes and runs with gRPC clients
// (goal_figures_grpc.h): triage's voice trend (NPS, complaint shares) and
// tracking's loop report (hot-loop rate, first-response compliance).
// Verification calls both as principal "verification" with analytics:read.
//
// Any error means the figure is not available now (UNAVAILABLE when the
// service is away, ...): the goal is left unevaluated for the day and tried
// again on the next run, never given a status from a figure it did not get.
// Thread safety: implementations may be called from several threads.
#pragma once

#include <absl/status/statusor.h>

#include "voc/v1/reports.pb.h"

namespace voc::verification {

// triage VoiceReportService.GetVoiceTrend.
class VoiceTrendSource {
 public:
  virtual ~VoiceTrendSource() = default;
  virtual absl::StatusOr<v1::VoiceTrend> GetVoiceTrend(const v1::VoiceFilter& filter) = 0;
};

// tracking LoopReportService.GetLoopReport.
class LoopReportSource {
 public:
  virtual ~LoopReportSource() = default;
  virtual absl::StatusOr<v1::LoopReport> GetLoopReport(const v1::GetLoopReportRequest& request) = 0;
};

}  // namespace voc::verification
