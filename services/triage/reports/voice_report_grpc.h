// voc.v1.VoiceReportService over gRPC in voc-triage (issue 12): each RPC
// authenticates its caller (auth::Serve) and hands it to
// VoiceReportService, which decides what the caller may read.
#pragma once

#include "common/auth/authenticator.h"
#include "services/triage/reports/voice_report_service.h"
#include "voc/v1/reports.grpc.pb.h"

namespace voc::triage {

class VoiceReportGrpc final : public v1::VoiceReportService::Service {
 public:
  VoiceReportGrpc(VoiceReportService& service, auth::Authenticator& authenticator)
      : service_(service), auth_(authenticator) {}

  grpc::Status GetVoiceTrend(grpc::ServerContext*, const v1::GetVoiceTrendRequest*, v1::VoiceTrend*) override;
  grpc::Status ListTopTopics(grpc::ServerContext*, const v1::ListTopTopicsRequest*,
                             v1::ListTopTopicsResponse*) override;
  grpc::Status RebuildVoiceRollups(grpc::ServerContext*, const v1::RebuildVoiceRollupsRequest*,
                                   v1::RebuildVoiceRollupsResponse*) override;
  grpc::Status ListVoiceFeedback(grpc::ServerContext*, const v1::ListVoiceFeedbackRequest*,
                                 v1::ListVoiceFeedbackResponse*) override;

 private:
  VoiceReportService& service_;
  auth::Authenticator& auth_;
};

}  // namespace voc::triage
