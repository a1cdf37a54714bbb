// voc-identity's logic (issue 9): accounts, web sessions, API keys and the
// audit log, one method per RPC of voc.v1.IdentityService. Every method
// takes the authenticated caller and decides first: VerifyApiKey needs the
// keys:verify scope, the session RPCs the sessions scope (the gateway), the
// account, key and audit RPCs auth::IsAdmin.
#pragma once

#include <absl/status/statusor.h>

#include <memory>
#include <string>

#include "common/auth/audit.h"
#include "common/auth/principal.h"
#include "common/auth/role_book.h"
#include "common/clock/clock.h"
#include "services/identity/login_throttle.h"
#include "services/identity/passwords.h"
#include "services/identity/settings.h"
#include "services/identity/store/identity_store.h"
#include "voc/v1/identity.pb.h"

namespace voc::identity {

inline constexpr char kWrongLoginMessage[] = "wrong user name or password";
inline constexpr char kNoSessionMessage[] = "no such session, or it ended or expired; log in again";
inline constexpr char kBadKeyMessage[] = "unknown or revoked API key";

class IdentityService {
 public:
  IdentityService(IdentityStore& store, PasswordHasher& hasher, std::shared_ptr<const auth::RoleBook> roles,
                  auth::AuditSink& audit, const Clock& clock, IdentitySettings settings);

  absl::StatusOr<v1::VerifyApiKeyResponse> VerifyApiKey(const auth::Principal& caller,
                                                        const v1::VerifyApiKeyRequest& request);
  absl::StatusOr<v1::LoginResponse> Login(const auth::Principal& caller, const v1::LoginRequest& request);
  absl::StatusOr<v1::LoginResponse> StartProxySession(const auth::Principal& caller,
                                                      const v1::StartProxySessionRequest& request);
  absl::StatusOr<v1::Session> CheckSession(const auth::Principal& caller, const v1::CheckSessionRequest& request);
  absl::StatusOr<v1::LogoutResponse> Logout(const auth::Principal& caller, const v1::LogoutRequest& request);

  absl::StatusOr<v1::Account> CreateAccount(const auth::Principal& caller, const v1::CreateAccountRequest& request);
  absl::StatusOr<v1::Account> DisableAccount(const auth::Principal& caller, const v1::DisableAccountRequest& request);
  absl::StatusOr<v1::Account> EnableAccount(const auth::Principal& caller, const v1::EnableAccountRequest& request);
  absl::StatusOr<v1::Account> ResetPassword(const auth::Principal& caller, const v1::ResetPasswordRequest& request);
  absl::StatusOr<v1::ListAccountsResponse> ListAccounts(const auth::Principal& caller,
                                                        const v1::ListAccountsRequest& request);

  absl::StatusOr<v1::CreateApiKeyResponse> CreateApiKey(const auth::Principal& caller,
                                                        const v1::CreateApiKeyRequest& request);
  absl::StatusOr<v1::ApiKey> RevokeApiKey(const auth::Principal& caller, const v1::RevokeApiKeyRequest& request);
  absl::StatusOr<v1::ListApiKeysResponse> ListApiKeys(const auth::Principal& caller,
                                                      const v1::ListApiKeysRequest& request);

  absl::StatusOr<v1::ListAuditEventsResponse> ListAuditEvents(const auth::Principal& caller,
                                                              const v1::ListAuditEventsRequest& request);

  // The principal behind an API key, from the store on every call (no
  // cache: a revoked key is refused at once). UNAUTHENTICATED kBadKeyMessage
  // for an unknown, malformed or revoked key. identity's own authenticator
  // uses it directly (LocalKeyVerifier) instead of calling itself over gRPC.
  absl::StatusOr<auth::Principal> VerifyToken(const std::string& token);

  // Deletes what can never be used again: ended and expired sessions,
  // failure counts whose window and lock are over. Audits "session_expired"
  // for each timed-out session nobody had ended (as CheckSession does for
  // the ones asked about), so every session's end is in the audit log.
  // Returns the rows deleted.
  absl::StatusOr<long long> PurgeExpired();

  // At start: makes `token` (VOC_BOOTSTRAP_ADMIN_KEY) an active key named
  // "bootstrap-admin" with scope admin, revoking an older bootstrap key (the
  // operator rotated it). A bootstrap key an admin revoked stays revoked.
  absl::Status EnsureBootstrapKey(const std::string& token);

 private:
  absl::StatusOr<v1::LoginResponse> OpenSession(const auth::Principal& caller, const AccountRecord& account,
                                                const std::string& method, const std::string& client_address,
                                                const std::string& detail);
  absl::StatusOr<v1::Session> SessionView(const SessionRecord& session, const AccountRecord& account) const;
  absl::StatusOr<AccountRecord> AccountOrNotFound(const std::string& username);
  v1::Account AccountView(const AccountRecord& account) const;
  v1::ApiKey KeyView(const ApiKeyRecord& key) const;
  std::int64_t NowMs() const;
  // A person the directory marks `active: false` (left the company): their
  // account is refused like a disabled one, with the same generic error.
  bool PersonInactive(const std::string& person_id) const;
  void Audit(const std::string& kind, const std::string& principal, const std::string& via,
             const std::string& method, const std::string& resource, const std::string& client_address,
             const std::string& detail);

  IdentityStore& store_;
  PasswordHasher& hasher_;
  std::shared_ptr<const auth::RoleBook> roles_;
  auth::AuditSink& audit_;
  const Clock& clock_;
  IdentitySettings settings_;
  LoginThrottle throttle_;
};

}  // namespace voc::identity
