#include "services/verification/verification_grpc.h"

#include "common/auth/serve.h"
#include "services/verification/verification_access.h"

namespace voc::verification {
namespace {

// Runs `call` once `allowed` is OK; else answers its refusal.
template <typename Call>
auto IfAllowed(const absl::Status& allowed, Call&& call) -> decltype(call()) {
  if (!allowed.ok()) return allowed;
  return call();
}

}  // namespace

using auth::Principal;

grpc::Status VerificationGrpc::ListVerifications(grpc::ServerContext* ctx,
                                                 const v1::ListVerificationsRequest* req,
                                                 v1::ListVerificationsResponse* resp) {
  return auth::Serve(auth_, ctx, "ListVerifications", resp, [&](const Principal& caller) {
    return IfAllowed(MayReadVerifications(caller), [&] { return service_.ListVerifications(*req); });
  });
}
grpc::Status VerificationGrpc::GetVerification(grpc::ServerContext* ctx, const v1::GetVerificationRequest* req,
                                               v1::Verification* resp) {
  return auth::Serve(auth_, ctx, "GetVerification", resp, [&](const Principal& caller) {
    return IfAllowed(MayReadVerifications(caller), [&] { return service_.GetVerification(req->name()); });
  });
}
grpc::Status VerificationGrpc::RunDueChecks(grpc::ServerContext* ctx, const v1::RunDueChecksRequest* req,
                                            v1::RunDueChecksResponse* resp) {
  return auth::Serve(auth_, ctx, "RunDueChecks", resp, [&](const Principal& caller) {
    return IfAllowed(MayRunDueChecks(caller), [&] { return service_.RunDueChecks(*req); });
  });
}
grpc::Status VerificationGrpc::ListResurveys(grpc::ServerContext* ctx, const v1::ListResurveysRequest* req,
                                             v1::ListResurveysResponse* resp) {
  return auth::Serve(auth_, ctx, "ListResurveys", resp, [&](const Principal& caller) {
    return IfAllowed(MayReadVerifications(caller), [&] { return service_.ListResurveys(*req); });
  });
}
grpc::Status VerificationGrpc::GetResurveySummary(grpc::ServerContext* ctx,
                                                  const v1::GetResurveySummaryRequest* req,
                                                  v1::ResurveySummary* resp) {
  return auth::Serve(auth_, ctx, "GetResurveySummary", resp, [&](const Principal& caller) {
    return IfAllowed(MayReadVerifications(caller), [&] { return service_.GetResurveySummary(*req); });
  });
}
grpc::Status VerificationGrpc::SearchKnowledge(grpc::ServerContext* ctx, const v1::SearchKnowledgeRequest* req,
                                               v1::SearchKnowledgeResponse* resp) {
  return auth::Serve(auth_, ctx, "SearchKnowledge", resp, [&](const Principal& caller) {
    return IfAllowed(MaySearchKnowledge(caller), [&] { return service_.SearchKnowledge(*req); });
  });
}

}  // namespace voc::verification
