#include "services/triage/reports/voice_report_grpc.h"

#include "common/auth/serve.h"

namespace voc::triage {

grpc::Status VoiceReportGrpc::GetVoiceTrend(grpc::ServerContext* ctx, const v1::GetVoiceTrendRequest* req,
                                            v1::VoiceTrend* resp) {
  return auth::Serve(auth_, ctx, "GetVoiceTrend", resp,
                     [&](const auth::Principal& caller) { return service_.GetVoiceTrend(caller, *req); });
}

grpc::Status VoiceReportGrpc::ListTopTopics(grpc::ServerContext* ctx, const v1::ListTopTopicsRequest* req,
                                            v1::ListTopTopicsResponse* resp) {
  return auth::Serve(auth_, ctx, "ListTopTopics", resp,
                     [&](const auth::Principal& caller) { return service_.ListTopTopics(caller, *req); });
}

grpc::Status VoiceReportGrpc::RebuildVoiceRollups(grpc::ServerContext* ctx,
                                                  const v1::RebuildVoiceRollupsRequest* req,
                                                  v1::RebuildVoiceRollupsResponse* resp) {
  return auth::Serve(auth_, ctx, "RebuildVoiceRollups", resp,
                     [&](const auth::Principal& caller) { return service_.RebuildVoiceRollups(caller, *req); });
}

grpc::Status VoiceReportGrpc::ListVoiceFeedback(grpc::ServerContext* ctx, const v1::ListVoiceFeedbackRequest* req,
                                                v1::ListVoiceFeedbackResponse* resp) {
  return auth::Serve(auth_, ctx, "ListVoiceFeedback", resp,
                     [&](const auth::Principal& caller) { return service_.ListVoiceFeedback(caller, *req); });
}

}  // namespace voc::triage
