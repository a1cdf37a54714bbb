#include "services/verification/verification_grpc.h"

#include "common/rpc/status.h"

namespace voc::verification {

grpc::Status VerificationGrpc::ListVerifications(grpc::ServerContext*,
                                                 const v1::ListVerificationsRequest* req,
                                                 v1::ListVerificationsResponse* resp) {
  return rpc::Serve("ListVerifications", resp, [&] { return service_.ListVerifications(*req); });
}
grpc::Status VerificationGrpc::GetVerification(grpc::ServerContext*, const v1::GetVerificationRequest* req,
                                               v1::Verification* resp) {
  return rpc::Serve("GetVerification", resp, [&] { return service_.GetVerification(req->name()); });
}
grpc::Status VerificationGrpc::RunDueChecks(grpc::ServerContext*, const v1::RunDueChecksRequest* req,
                                            v1::RunDueChecksResponse* resp) {
  return rpc::Serve("RunDueChecks", resp, [&] { return service_.RunDueChecks(*req); });
}
grpc::Status VerificationGrpc::ListResurveys(grpc::ServerContext*, const v1::ListResurveysRequest* req,
                                             v1::ListResurveysResponse* resp) {
  return rpc::Serve("ListResurveys", resp, [&] { return service_.ListResurveys(*req); });
}

grpc::Status VerificationGrpc::GetResurveySummary(grpc::ServerContext*, const v1::GetResurveySummaryRequest* req,
                                                  v1::ResurveySummary* resp) {
  return rpc::Serve("GetResurveySummary", resp, [&] { return service_.GetResurveySummary(*req); });
}
grpc::Status VerificationGrpc::SearchKnowledge(grpc::ServerContext*, const v1::SearchKnowledgeRequest* req,
                                               v1::SearchKnowledgeResponse* resp) {
  return rpc::Serve("SearchKnowledge", resp, [&] { return service_.SearchKnowledge(*req); });
}

}  // namespace voc::verification
