// The gRPC adapter of IdentityService: every RPC runs under auth::Serve
// (authenticated first, PERMISSION_DENIED audited, status mapped once).
#pragma once

#include "common/auth/authenticator.h"
#include "services/identity/identity_service.h"
#include "voc/v1/identity.grpc.pb.h"

namespace voc::identity {

class IdentityGrpc final : public v1::IdentityService::Service {
 public:
  IdentityGrpc(IdentityService& service, auth::Authenticator& auth) : service_(service), auth_(auth) {}

  grpc::Status VerifyApiKey(grpc::ServerContext* context, const v1::VerifyApiKeyRequest* request,
                            v1::VerifyApiKeyResponse* response) override;
  grpc::Status Login(grpc::ServerContext* context, const v1::LoginRequest* request,
                     v1::LoginResponse* response) override;
  grpc::Status StartProxySession(grpc::ServerContext* context, const v1::StartProxySessionRequest* request,
                                 v1::LoginResponse* response) override;
  grpc::Status CheckSession(grpc::ServerContext* context, const v1::CheckSessionRequest* request,
                            v1::Session* response) override;
  grpc::Status Logout(grpc::ServerContext* context, const v1::LogoutRequest* request,
                      v1::LogoutResponse* response) override;
  grpc::Status CreateAccount(grpc::ServerContext* context, const v1::CreateAccountRequest* request,
                             v1::Account* response) override;
  grpc::Status DisableAccount(grpc::ServerContext* context, const v1::DisableAccountRequest* request,
                              v1::Account* response) override;
  grpc::Status EnableAccount(grpc::ServerContext* context, const v1::EnableAccountRequest* request,
                             v1::Account* response) override;
  grpc::Status ResetPassword(grpc::ServerContext* context, const v1::ResetPasswordRequest* request,
                             v1::Account* response) override;
  grpc::Status ListAccounts(grpc::ServerContext* context, const v1::ListAccountsRequest* request,
                            v1::ListAccountsResponse* response) override;
  grpc::Status CreateApiKey(grpc::ServerContext* context, const v1::CreateApiKeyRequest* request,
                            v1::CreateApiKeyResponse* response) override;
  grpc::Status RevokeApiKey(grpc::ServerContext* context, const v1::RevokeApiKeyRequest* request,
                            v1::ApiKey* response) override;
  grpc::Status ListApiKeys(grpc::ServerContext* context, const v1::ListApiKeysRequest* request,
                           v1::ListApiKeysResponse* response) override;
  grpc::Status ListAuditEvents(grpc::ServerContext* context, const v1::ListAuditEventsRequest* request,
                               v1::ListAuditEventsResponse* response) override;

 private:
  IdentityService& service_;
  auth::Authenticator& auth_;
};

// identity checks API keys against its own store (no call to itself).
class LocalKeyVerifier final : public auth::ApiKeyVerifier {
 public:
  explicit LocalKeyVerifier(IdentityService& service) : service_(service) {}
  absl::StatusOr<auth::Principal> Verify(const std::string& token) override { return service_.VerifyToken(token); }

 private:
  IdentityService& service_;
};

}  // namespace voc::identity
