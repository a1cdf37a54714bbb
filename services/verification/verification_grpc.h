// voc.v1.VerificationService over gRPC: one line per RPC, each a call into
// VerificationService through auth::Serve (authenticates, then the one
// absl -> gRPC mapping), after the permission check of
// verification_access.h.
#pragma once

#include "common/auth/authenticator.h"
#include "services/verification/verification_service.h"
#include "voc/v1/verification.grpc.pb.h"

namespace voc::verification {

class VerificationGrpc final : public v1::VerificationService::Service {
 public:
  VerificationGrpc(VerificationService& service, auth::Authenticator& authenticator)
      : service_(service), auth_(authenticator) {}

  grpc::Status ListVerifications(grpc::ServerContext*, const v1::ListVerificationsRequest* request,
                                 v1::ListVerificationsResponse* response) override;
  grpc::Status GetVerification(grpc::ServerContext*, const v1::GetVerificationRequest* request,
                               v1::Verification* response) override;
  grpc::Status RunDueChecks(grpc::ServerContext*, const v1::RunDueChecksRequest* request,
                            v1::RunDueChecksResponse* response) override;
  grpc::Status ListResurveys(grpc::ServerContext*, const v1::ListResurveysRequest* request,
                             v1::ListResurveysResponse* response) override;
  grpc::Status GetResurveySummary(grpc::ServerContext*, const v1::GetResurveySummaryRequest* request,
                                  v1::ResurveySummary* response) override;
  grpc::Status SearchKnowledge(grpc::ServerContext*, const v1::SearchKnowledgeRequest* request,
                               v1::SearchKnowledgeResponse* response) override;

 private:
  VerificationService& service_;
  auth::Authenticator& auth_;
};

}  // namespace voc::verification
