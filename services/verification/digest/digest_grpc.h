// voc.v1.DigestService over gRPC: one line per RPC, each a call into
// DigestService through auth::Serve after the permission check of
// digest_access.h.
#pragma once

#include "common/auth/authenticator.h"
#include "services/verification/digest/digest_service.h"
#include "voc/v1/programme.grpc.pb.h"

namespace voc::verification {

class DigestGrpc final : public v1::DigestService::Service {
 public:
  DigestGrpc(DigestService& service, auth::Authenticator& authenticator) : service_(service), auth_(authenticator) {}

  grpc::Status ListDigests(grpc::ServerContext*, const v1::ListDigestsRequest* request,
                           v1::ListDigestsResponse* response) override;
  grpc::Status GetDigest(grpc::ServerContext*, const v1::GetDigestRequest* request, v1::Digest* response) override;
  grpc::Status ComposeDigests(grpc::ServerContext*, const v1::ComposeDigestsRequest* request,
                              v1::ComposeDigestsResponse* response) override;

 private:
  DigestService& service_;
  auth::Authenticator& auth_;
};

}  // namespace voc::verification
