#include "common/auth/authenticator.h"

#include <sodium.h>

#include <cctype>

#include "common/auth/metadata.h"
#include "common/auth/scopes.h"
#include "common/rpc/channel.h"
#include "common/rpc/status.h"
#include "voc/v1/identity.grpc.pb.h"

namespace voc::auth {
namespace {

std::string Metadata(const grpc::ServerContextBase& context, const char* key) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(key);
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

bool IsLowerHex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

class GrpcIdentityKeyVerifier final : public ApiKeyVerifier {
 public:
  explicit GrpcIdentityKeyVerifier(std::shared_ptr<grpc::Channel> channel)
      : stub_(v1::IdentityService::NewStub(std::move(channel))) {}

  absl::StatusOr<Principal> Verify(const std::string& token) override {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::VerifyApiKeyRequest request;
    request.set_token(token);
    v1::VerifyApiKeyResponse response;
    const grpc::Status status = stub_->VerifyApiKey(&context, request, &response);
    if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
      return absl::UnauthenticatedError("unknown or revoked API key");
    }
    if (!status.ok()) {
      return absl::UnavailableError("cannot check the API key with voc-identity: " + status.error_message());
    }
    Principal p;
    p.kind = PrincipalKind::kApiKey;
    p.id = "key:" + response.key_id();
    p.name = response.name();
    p.scopes.insert(response.scopes().begin(), response.scopes().end());
    return p;
  }

 private:
  std::unique_ptr<v1::IdentityService::Stub> stub_;
};

}  // namespace

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string RandomToken() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

absl::StatusOr<std::map<std::string, ServicePrincipal>> ServicePrincipalsFrom(const Config& config) {
  std::map<std::string, ServicePrincipal> principals;
  for (const std::string& name : config.ChildKeys("auth.principals")) {
    const std::string key = "auth.principals." + name;
    ServicePrincipal principal;
    principal.name = name;
    auto scopes = ParseScopeList(config.GetString(key + ".scopes", ""), config.source() + ": " + key + ".scopes");
    if (!scopes.ok()) return scopes.status();
    principal.scopes = *std::move(scopes);
    const std::string hash = config.GetString(key + ".token_sha256", "");
    if (hash.empty()) continue;  // not provisioned in this installation: cannot authenticate
    if (!IsLowerHex64(hash)) {
      return absl::InvalidArgumentError(config.source() + ": " + key +
                                        ".token_sha256: must be 64 lower-case hex digits (sha256sum of the token)");
    }
    principals.emplace(hash, std::move(principal));
  }
  return principals;
}

CallerAuthenticator::CallerAuthenticator(std::map<std::string, ServicePrincipal> principals,
                                         std::shared_ptr<ApiKeyVerifier> keys,
                                         std::shared_ptr<const RoleBook> roles,
                                         std::shared_ptr<AuditSink> audit)
    : principals_(std::move(principals)), keys_(std::move(keys)), roles_(std::move(roles)), audit_(std::move(audit)) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot start");
}

absl::StatusOr<Principal> CallerAuthenticator::Authenticate(const grpc::ServerContextBase& context,
                                                            std::string_view method) {
  std::string authorization = Metadata(context, kAuthorizationHeader);
  std::string token;
  if (authorization.rfind(kBearerPrefix, 0) == 0) token = authorization.substr(sizeof(kBearerPrefix) - 1);
  std::string client = Metadata(context, kClientAddressHeader);
  if (client.empty()) client = context.peer();
  return AuthenticateToken(token, Metadata(context, kActingForHeader), method, client);
}

absl::StatusOr<Principal> CallerAuthenticator::AuthenticateToken(const std::string& token,
                                                                 const std::string& acting_for,
                                                                 std::string_view method,
                                                                 const std::string& client_address) {
  auto refuse = [&](std::string detail) {
    audit_->Record({"unauthenticated", "", "", std::string(method), "", client_address, detail});
    return absl::UnauthenticatedError(std::move(detail));
  };
  if (token.empty()) return refuse("no credential: send 'authorization: Bearer <token>'");
  Principal caller;
  if (auto it = principals_.find(Sha256Hex(token)); it != principals_.end()) {
    caller.kind = PrincipalKind::kService;
    caller.id = "service:" + it->second.name;
    caller.name = it->second.name;
    caller.scopes = it->second.scopes;
  } else if (keys_ && token.rfind("vk_", 0) == 0) {
    auto verified = keys_->Verify(token);
    if (!verified.ok()) {
      if (verified.status().code() == absl::StatusCode::kUnauthenticated) return refuse("unknown or revoked API key");
      return verified.status();  // identity unreachable: UNAVAILABLE, the caller retries
    }
    caller = *std::move(verified);
  } else {
    return refuse("unknown credential");
  }
  if (acting_for.empty()) return caller;
  if (!caller.HasScope(kActAsPerson)) {
    const std::string detail = "x-voc-acting-for is honoured only from the gateway";
    audit_->Record({"permission_denied", caller.id, "", std::string(method), "", client_address, detail});
    return absl::PermissionDeniedError("permission denied: " + detail);
  }
  auto person = roles_ ? roles_->PersonPrincipal(acting_for) : absl::NotFoundError("no roles");
  if (!person.ok()) return refuse("the person the gateway acts for is not in the org directory");
  person->via = caller.id;
  return person;
}

std::shared_ptr<ApiKeyVerifier> IdentityKeyVerifier(std::shared_ptr<grpc::Channel> identity) {
  return std::make_shared<GrpcIdentityKeyVerifier>(std::move(identity));
}

absl::StatusOr<std::unique_ptr<CallerAuthenticator>> AuthenticatorFromConfig(
    const Config& config, const Clock& clock, const queue::RedisOptions& redis,
    std::shared_ptr<const org::OrgDirectory> directory) {
  auto principals = ServicePrincipalsFrom(config);
  if (!principals.ok()) return principals.status();
  if (!directory) {
    auto loaded = org::OrgDirectory::Load(config.GetString(org::kDirectoryConfigKey, org::kDefaultDirectoryPath));
    if (!loaded.ok()) return loaded.status();
    directory = std::make_shared<const org::OrgDirectory>(*std::move(loaded));
  }
  auto roles = RoleBook::Load(std::move(directory), config.GetString(kRolesConfigKey, kDefaultRolesPath));
  if (!roles.ok()) return roles.status();
  auto security = rpc::ChannelSecurityFrom(config);
  if (!security.ok()) return security.status();
  std::shared_ptr<ApiKeyVerifier> keys;
  const std::string identity = config.GetString("services.identity.address", "");
  if (!identity.empty()) keys = IdentityKeyVerifier(rpc::MakeChannel(identity, *security));
  std::shared_ptr<AuditSink> audit;
  if (!redis.host.empty()) {
    audit = std::make_shared<StreamAuditSink>(config.service(), clock, redis);
  } else {
    audit = std::make_shared<LogAuditSink>(config.service(), clock);
  }
  return std::make_unique<CallerAuthenticator>(*std::move(principals), std::move(keys),
                                               std::make_shared<const RoleBook>(*std::move(roles)),
                                               std::move(audit));
}

std::string ClientAddressOf(const grpc::ServerContextBase& context) {
  const std::string forwarded = Metadata(context, kClientAddressHeader);
  return forwarded.empty() ? context.peer() : forwarded;
}

}  // namespace voc::auth
