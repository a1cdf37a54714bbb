// Who is calling, on every RPC (issue 9; docs/architecture.md, "Who may call
// what"). Every service builds one CallerAuthenticator at start and every
// handler runs under auth::Serve (serve.h), which authenticates first:
//
//   authorization: Bearer <token>
//     - a service principal's token: its SHA-256 is one of
//       auth.principals.<name>.token_sha256 (per installation, from the
//       environment / a Kubernetes Secret); scopes from auth.principals.<name>.scopes;
//     - an API key "vk_<id>_<secret>": asked of voc-identity (VerifyApiKey)
//       on every call, so a revoked key stops working at once;
//   x-voc-acting-for: <person id>
//     - honoured only from a principal holding act_as_person (the gateway):
//       the call is then the person's, with the roles the RoleBook gives;
//       from anyone else it is refused (PERMISSION_DENIED) and audited.
//
// No credential, an unknown or revoked one: UNAUTHENTICATED (audited).
#pragma once

#include <absl/status/statusor.h>
#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>

#include "common/auth/audit.h"
#include "common/auth/principal.h"
#include "common/auth/role_book.h"
#include "common/config/config.h"

namespace voc::auth {

// Checks an API key with its owner. Identity implements it over its own
// store; every other service asks identity over gRPC (IdentityKeyVerifier).
class ApiKeyVerifier {
 public:
  virtual ~ApiKeyVerifier() = default;
  // kApiKey principal; UNAUTHENTICATED for an unknown or revoked key;
  // UNAVAILABLE when the owner cannot be asked.
  virtual absl::StatusOr<Principal> Verify(const std::string& token) = 0;
};

// A service principal as the config names it.
struct ServicePrincipal {
  std::string name;              // "assignment"
  std::set<std::string> scopes;  // from auth.principals.<name>.scopes
};

// The principals table: token SHA-256 (lower-case hex) -> principal. Built
// from auth.principals; a principal without a token_sha256 cannot log in.
// INVALID_ARGUMENT naming the key for an unknown scope or a malformed hash.
absl::StatusOr<std::map<std::string, ServicePrincipal>> ServicePrincipalsFrom(const Config& config);

// SHA-256 of `text` in lower-case hex (tokens are high-entropy, so a fast
// hash is right for them; passwords use Argon2id in voc-identity).
std::string Sha256Hex(std::string_view text);

// A random token of 32 bytes, base64url without padding.
std::string RandomToken();

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The caller of this RPC; `method` is for the audit line
  // ("/voc.v1.TrackingService/ResolveCase"). A ServerContextBase, so the
  // callback API's handlers (grpc::CallbackServerContext: ingest's
  // group-committed SubmitFeedback) are authenticated the same way.
  virtual absl::StatusOr<Principal> Authenticate(const grpc::ServerContextBase& context,
                                                 std::string_view method) = 0;
  virtual AuditSink& audit() = 0;
};

class CallerAuthenticator final : public Authenticator {
 public:
  // `keys` may be null: API keys are then refused (a service whose callers
  // are all stages). `roles` resolves people the gateway acts for.
  CallerAuthenticator(std::map<std::string, ServicePrincipal> principals,
                      std::shared_ptr<ApiKeyVerifier> keys, std::shared_ptr<const RoleBook> roles,
                      std::shared_ptr<AuditSink> audit);

  absl::StatusOr<Principal> Authenticate(const grpc::ServerContextBase& context,
                                         std::string_view method) override;
  AuditSink& audit() override { return *audit_; }
  // The people it resolves (null when built without them): a main() that
  // needs the directory for more (the masker) reuses this one.
  const RoleBook* roles() const { return roles_.get(); }

  // The same decision on plain values (the gateway's HTTP side and tests).
  absl::StatusOr<Principal> AuthenticateToken(const std::string& bearer_token,
                                              const std::string& acting_for, std::string_view method,
                                              const std::string& client_address);

 private:
  std::map<std::string, ServicePrincipal> principals_;
  std::shared_ptr<ApiKeyVerifier> keys_;
  std::shared_ptr<const RoleBook> roles_;
  std::shared_ptr<AuditSink> audit_;
};

// Asks voc-identity (services.identity.address) over a channel that carries
// this service's own token.
std::shared_ptr<ApiKeyVerifier> IdentityKeyVerifier(std::shared_ptr<grpc::Channel> identity);

// What every service's main() does: principals from the config, API keys
// through voc-identity (services.identity.address), people from the org
// directory and the roles file (auth.roles), the audit sink on Redis.
// Errors name the config key or the roles file's line; main() refuses to start.
// A main() that loaded the directory already passes it, so it is read once.
absl::StatusOr<std::unique_ptr<CallerAuthenticator>> AuthenticatorFromConfig(
    const Config& config, const Clock& clock, const queue::RedisOptions& redis,
    std::shared_ptr<const org::OrgDirectory> directory = nullptr);

}  // namespace voc::auth
