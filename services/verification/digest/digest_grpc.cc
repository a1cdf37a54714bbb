#include "services/verification/digest/digest_grpc.h"

#include "common/auth/serve.h"
#include "services/verification/digest/digest_access.h"

namespace voc::verification {

using auth::Principal;

grpc::Status DigestGrpc::ListDigests(grpc::ServerContext* ctx, const v1::ListDigestsRequest* req,
                                     v1::ListDigestsResponse* resp) {
  return auth::Serve(auth_, ctx, "ListDigests", resp,
                     [&](const Principal& caller) -> absl::StatusOr<v1::ListDigestsResponse> {
                       DigestScopes scopes = ReadableDigestScopes(caller);
                       if (!req->department().empty()) {
                         if (absl::Status allowed = MayReadDigest(caller, req->department()); !allowed.ok()) {
                           return allowed;
                         }
                         scopes = DigestScopes{.departments = {req->department()}};
                       }
                       return service_.ListDigests(*req, scopes);
                     });
}

grpc::Status DigestGrpc::GetDigest(grpc::ServerContext* ctx, const v1::GetDigestRequest* req, v1::Digest* resp) {
  return auth::Serve(auth_, ctx, "GetDigest", resp, [&](const Principal& caller) -> absl::StatusOr<v1::Digest> {
    if (absl::Status allowed = MayReadDigest(caller, req->department()); !allowed.ok()) return allowed;
    return service_.GetDigest(*req);
  });
}

grpc::Status DigestGrpc::ComposeDigests(grpc::ServerContext* ctx, const v1::ComposeDigestsRequest* req,
                                        v1::ComposeDigestsResponse* resp) {
  return auth::Serve(auth_, ctx, "ComposeDigests", resp,
                     [&](const Principal& caller) -> absl::StatusOr<v1::ComposeDigestsResponse> {
                       if (absl::Status allowed = MayComposeDigests(caller); !allowed.ok()) return allowed;
                       return service_.ComposeDigests(*req);
                     });
}

}  // namespace voc::verification
