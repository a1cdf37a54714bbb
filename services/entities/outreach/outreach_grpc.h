// The gRPC adapter of OutreachService: every RPC runs under auth::Serve
// (authenticated first, PERMISSION_DENIED audited, status mapped once).
#pragma once

#include "common/auth/authenticator.h"
#include "services/entities/outreach/outreach_service.h"
#include "voc/v1/outreach.grpc.pb.h"

namespace voc::entities::outreach {

class OutreachGrpc final : public v1::OutreachService::Service {
 public:
  OutreachGrpc(OutreachService& service, auth::Authenticator& auth) : service_(service), auth_(auth) {}

  grpc::Status PreviewSegment(grpc::ServerContext* context, const v1::PreviewSegmentRequest* request,
                              v1::SegmentPreview* response) override;
  grpc::Status CreateSegment(grpc::ServerContext* context, const v1::CreateSegmentRequest* request,
                             v1::Segment* response) override;
  grpc::Status GetSegment(grpc::ServerContext* context, const v1::GetSegmentRequest* request,
                          v1::Segment* response) override;
  grpc::Status CreateCampaign(grpc::ServerContext* context, const v1::CreateCampaignRequest* request,
                              v1::Campaign* response) override;
  grpc::Status GetCampaign(grpc::ServerContext* context, const v1::GetCampaignRequest* request,
                           v1::Campaign* response) override;
  grpc::Status ListCampaigns(grpc::ServerContext* context, const v1::ListCampaignsRequest* request,
                             v1::ListCampaignsResponse* response) override;
  grpc::Status SubmitCampaign(grpc::ServerContext* context, const v1::CampaignActionRequest* request,
                              v1::Campaign* response) override;
  grpc::Status ApproveCampaign(grpc::ServerContext* context, const v1::CampaignActionRequest* request,
                               v1::Campaign* response) override;
  grpc::Status RejectCampaign(grpc::ServerContext* context, const v1::CampaignActionRequest* request,
                              v1::Campaign* response) override;
  grpc::Status CancelCampaign(grpc::ServerContext* context, const v1::CampaignActionRequest* request,
                              v1::Campaign* response) override;
  grpc::Status RunCampaign(grpc::ServerContext* context, const v1::RunCampaignRequest* request,
                           v1::Campaign* response) override;
  grpc::Status GetCampaignEffect(grpc::ServerContext* context, const v1::GetCampaignEffectRequest* request,
                                 v1::CampaignEffect* response) override;

 private:
  OutreachService& service_;
  auth::Authenticator& auth_;
};

}  // namespace voc::entities::outreach
