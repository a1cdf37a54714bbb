#include "services/identity/identity_grpc.h"

#include "common/auth/serve.h"

namespace voc::identity {

grpc::Status IdentityGrpc::VerifyApiKey(grpc::ServerContext* context, const v1::VerifyApiKeyRequest* request,
                          v1::VerifyApiKeyResponse* response) {
  return auth::Serve(auth_, context, "VerifyApiKey", response,
                     [&](const auth::Principal& caller) { return service_.VerifyApiKey(caller, *request); });
}

grpc::Status IdentityGrpc::Login(grpc::ServerContext* context, const v1::LoginRequest* request,
                          v1::LoginResponse* response) {
  return auth::Serve(auth_, context, "Login", response,
                     [&](const auth::Principal& caller) { return service_.Login(caller, *request); });
}

grpc::Status IdentityGrpc::StartProxySession(grpc::ServerContext* context, const v1::StartProxySessionRequest* request,
                          v1::LoginResponse* response) {
  return auth::Serve(auth_, context, "StartProxySession", response,
                     [&](const auth::Principal& caller) { return service_.StartProxySession(caller, *request); });
}

grpc::Status IdentityGrpc::CheckSession(grpc::ServerContext* context, const v1::CheckSessionRequest* request,
                          v1::Session* response) {
  return auth::Serve(auth_, context, "CheckSession", response,
                     [&](const auth::Principal& caller) { return service_.CheckSession(caller, *request); });
}

grpc::Status IdentityGrpc::Logout(grpc::ServerContext* context, const v1::LogoutRequest* request,
                          v1::LogoutResponse* response) {
  return auth::Serve(auth_, context, "Logout", response,
                     [&](const auth::Principal& caller) { return service_.Logout(caller, *request); });
}

grpc::Status IdentityGrpc::CreateAccount(grpc::ServerContext* context, const v1::CreateAccountRequest* request,
                          v1::Account* response) {
  return auth::Serve(auth_, context, "CreateAccount", response,
                     [&](const auth::Principal& caller) { return service_.CreateAccount(caller, *request); });
}

grpc::Status IdentityGrpc::DisableAccount(grpc::ServerContext* context, const v1::DisableAccountRequest* request,
                          v1::Account* response) {
  return auth::Serve(auth_, context, "DisableAccount", response,
                     [&](const auth::Principal& caller) { return service_.DisableAccount(caller, *request); });
}

grpc::Status IdentityGrpc::EnableAccount(grpc::ServerContext* context, const v1::EnableAccountRequest* request,
                          v1::Account* response) {
  return auth::Serve(auth_, context, "EnableAccount", response,
                     [&](const auth::Principal& caller) { return service_.EnableAccount(caller, *request); });
}

grpc::Status IdentityGrpc::ResetPassword(grpc::ServerContext* context, const v1::ResetPasswordRequest* request,
                          v1::Account* response) {
  return auth::Serve(auth_, context, "ResetPassword", response,
                     [&](const auth::Principal& caller) { return service_.ResetPassword(caller, *request); });
}

grpc::Status IdentityGrpc::ListAccounts(grpc::ServerContext* context, const v1::ListAccountsRequest* request,
                          v1::ListAccountsResponse* response) {
  return auth::Serve(auth_, context, "ListAccounts", response,
                     [&](const auth::Principal& caller) { return service_.ListAccounts(caller, *request); });
}

grpc::Status IdentityGrpc::CreateApiKey(grpc::ServerContext* context, const v1::CreateApiKeyRequest* request,
                          v1::CreateApiKeyResponse* response) {
  return auth::Serve(auth_, context, "CreateApiKey", response,
                     [&](const auth::Principal& caller) { return service_.CreateApiKey(caller, *request); });
}

grpc::Status IdentityGrpc::RevokeApiKey(grpc::ServerContext* context, const v1::RevokeApiKeyRequest* request,
                          v1::ApiKey* response) {
  return auth::Serve(auth_, context, "RevokeApiKey", response,
                     [&](const auth::Principal& caller) { return service_.RevokeApiKey(caller, *request); });
}

grpc::Status IdentityGrpc::ListApiKeys(grpc::ServerContext* context, const v1::ListApiKeysRequest* request,
                          v1::ListApiKeysResponse* response) {
  return auth::Serve(auth_, context, "ListApiKeys", response,
                     [&](const auth::Principal& caller) { return service_.ListApiKeys(caller, *request); });
}

grpc::Status IdentityGrpc::ListAuditEvents(grpc::ServerContext* context, const v1::ListAuditEventsRequest* request,
                          v1::ListAuditEventsResponse* response) {
  return auth::Serve(auth_, context, "ListAuditEvents", response,
                     [&](const auth::Principal& caller) { return service_.ListAuditEvents(caller, *request); });
}

}  // namespace voc::identity
