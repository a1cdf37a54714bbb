// voc.v1.LoopReportService over gRPC (issue 12), served by voc-tracking
// beside TrackingService: one line per RPC through auth::Serve, which
// authenticates the caller (UNAUTHENTICATED otherwise), passes it to
// LoopReporter, which decides, and maps the statuses to gRPC codes.
#pragma once

#include "common/auth/authenticator.h"
#include "services/tracking/loop_reporter.h"
#include "voc/v1/reports.grpc.pb.h"

namespace voc::tracking {

class LoopReportGrpc final : public v1::LoopReportService::Service {
 public:
  LoopReportGrpc(auth::Authenticator& auth, const LoopReporter& reporter)
      : auth_(auth), reporter_(reporter) {}

  grpc::Status GetLoopReport(grpc::ServerContext*, const v1::GetLoopReportRequest*,
                             v1::LoopReport*) override;
  grpc::Status RebuildLoopRollups(grpc::ServerContext*, const v1::RebuildLoopRollupsRequest*,
                                  v1::RebuildLoopRollupsResponse*) override;

 private:
  auth::Authenticator& auth_;
  const LoopReporter& reporter_;
};

}  // namespace voc::tracking
