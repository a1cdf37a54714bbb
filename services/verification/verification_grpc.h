// voc.v1.VerificationService over gRPC: one line per RPC, each a call into
// VerificationService through rpc::Serve (the one absl -> gRPC mapping).
#pragma once

#include "services/verification/verification_service.h"
#include "voc/v1/verification.grpc.pb.h"

namespace voc::verification {

class VerificationGrpc final : public v1::VerificationService::Service {
 public:
  explicit VerificationGrpc(VerificationService& service) : service_(service) {}

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
};

}  // namespace voc::verification
