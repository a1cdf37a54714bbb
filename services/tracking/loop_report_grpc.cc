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

}  // namespace voc::tracking
