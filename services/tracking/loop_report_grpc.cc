#include "services/tracking/loop_report_grpc.h"

#include "common/auth/serve.h"

namespace voc::tracking {

grpc::Status LoopReportGrpc::GetLoopReport(grpc::ServerContext* ctx,
                                           const v1::GetLoopReportRequest* req,
                                           v1::LoopReport* resp) {
  return auth::Serve(auth_, ctx, "GetLoopReport", resp, [&](const auth::Principal& caller) {
    return reporter_.GetLoopReport(caller, *req);
  });
}

grpc::Status LoopReportGrpc::RebuildLoopRollups(grpc::ServerContext* ctx, const v1::RebuildLoopRollupsRequest*,
                                                v1::RebuildLoopRollupsResponse* resp) {
  return auth::Serve(auth_, ctx, "RebuildLoopRollups", resp,
                     [&](const auth::Principal& caller) { return reporter_.RebuildLoopRollups(caller); });
}

}  // namespace voc::tracking
