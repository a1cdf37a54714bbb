#include "services/entities/outreach/outreach_grpc.h"

#include "common/auth/serve.h"

namespace voc::entities::outreach {

using auth::Principal;

grpc::Status OutreachGrpc::PreviewSegment(grpc::ServerContext* context, const v1::PreviewSegmentRequest* request,
                                          v1::SegmentPreview* response) {
  return auth::Serve(auth_, context, "PreviewSegment", response,
                     [&](const Principal& caller) { return service_.PreviewSegment(caller, *request); });
}

grpc::Status OutreachGrpc::CreateSegment(grpc::ServerContext* context, const v1::CreateSegmentRequest* request,
                                         v1::Segment* response) {
  return auth::Serve(auth_, context, "CreateSegment", response,
                     [&](const Principal& caller) { return service_.CreateSegment(caller, *request); });
}

grpc::Status OutreachGrpc::GetSegment(grpc::ServerContext* context, const v1::GetSegmentRequest* request,
                                      v1::Segment* response) {
  return auth::Serve(auth_, context, "GetSegment", response,
                     [&](const Principal& caller) { return service_.GetSegment(caller, request->id()); });
}

grpc::Status OutreachGrpc::CreateCampaign(grpc::ServerContext* context, const v1::CreateCampaignRequest* request,
                                          v1::Campaign* response) {
  return auth::Serve(auth_, context, "CreateCampaign", response,
                     [&](const Principal& caller) { return service_.CreateCampaign(caller, request->campaign()); });
}

grpc::Status OutreachGrpc::GetCampaign(grpc::ServerContext* context, const v1::GetCampaignRequest* request,
                                       v1::Campaign* response) {
  return auth::Serve(auth_, context, "GetCampaign", response,
                     [&](const Principal& caller) { return service_.GetCampaign(caller, request->id()); });
}

grpc::Status OutreachGrpc::ListCampaigns(grpc::ServerContext* context, const v1::ListCampaignsRequest* request,
                                         v1::ListCampaignsResponse* response) {
  return auth::Serve(auth_, context, "ListCampaigns", response,
                     [&](const Principal& caller) { return service_.ListCampaigns(caller, request->department()); });
}

grpc::Status OutreachGrpc::SubmitCampaign(grpc::ServerContext* context, const v1::CampaignActionRequest* request,
                                          v1::Campaign* response) {
  return auth::Serve(auth_, context, "SubmitCampaign", response, [&](const Principal& caller) {
    return service_.Submit(caller, request->id(), request->note());
  });
}

grpc::Status OutreachGrpc::ApproveCampaign(grpc::ServerContext* context, const v1::CampaignActionRequest* request,
                                           v1::Campaign* response) {
  return auth::Serve(auth_, context, "ApproveCampaign", response, [&](const Principal& caller) {
    return service_.Approve(caller, request->id(), request->note());
  });
}

grpc::Status OutreachGrpc::RejectCampaign(grpc::ServerContext* context, const v1::CampaignActionRequest* request,
                                          v1::Campaign* response) {
  return auth::Serve(auth_, context, "RejectCampaign", response, [&](const Principal& caller) {
    return service_.Reject(caller, request->id(), request->note());
  });
}

grpc::Status OutreachGrpc::CancelCampaign(grpc::ServerContext* context, const v1::CampaignActionRequest* request,
                                          v1::Campaign* response) {
  return auth::Serve(auth_, context, "CancelCampaign", response, [&](const Principal& caller) {
    return service_.Cancel(caller, request->id(), request->note());
  });
}

grpc::Status OutreachGrpc::RunCampaign(grpc::ServerContext* context, const v1::RunCampaignRequest* request,
                                       v1::Campaign* response) {
  return auth::Serve(auth_, context, "RunCampaign", response,
                     [&](const Principal& caller) { return service_.Run(caller, request->id()); });
}

grpc::Status OutreachGrpc::GetCampaignEffect(grpc::ServerContext* context,
                                             const v1::GetCampaignEffectRequest* request,
                                             v1::CampaignEffect* response) {
  return auth::Serve(auth_, context, "GetCampaignEffect", response,
                     [&](const Principal& caller) { return service_.Effect(caller, request->id()); });
}

}  // namespace voc::entities::outreach
