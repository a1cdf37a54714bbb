#include "services/identity/identity_service.h"

#include "common/auth/authenticator.h"
#include "common/auth/policy.h"
#include "common/auth/scopes.h"
#include "common/log/log.h"
#include "common/rpc/page_token.h"
#include "common/status/status.h"
#include "common/util/time.h"
#include "common/util/utf8.h"
#include "services/identity/api_key_token.h"

namespace voc::identity {
namespace {

constexpr std::size_t kMaxUsernameLength = 64;
constexpr std::size_t kMaxKeyNameLength = 100;
constexpr std::size_t kMaxAuditedText = 64;  // what a login form's user name field may put in the log

std::int64_t Ms(Duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

// Letters, digits and . _ @ - : a user name is typed at a login page and
// appears in resource names ("accounts/<name>").
absl::Status CheckUsername(const std::string& username) {
  if (username.empty()) return status::InvalidArgument("username", "must not be empty");
  if (username.size() > kMaxUsernameLength) {
    return status::InvalidArgument("username", "must have at most " + std::to_string(kMaxUsernameLength) + " characters");
  }
  for (unsigned char c : username) {
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '@' && c != '-') {
      return status::InvalidArgument("username", "may hold only letters, digits and . _ @ -");
    }
  }
  return absl::OkStatus();
}

absl::Status RequireAdmin(const auth::Principal& caller, std::string_view what) {
  if (auth::IsAdmin(caller)) return absl::OkStatus();
  return caller.is_person() ? auth::Denied(what) : auth::MissingScope(auth::kAdmin);
}

absl::Status RequireScope(const auth::Principal& caller, const char* scope) {
  if (caller.HasScope(scope)) return absl::OkStatus();
  return auth::MissingScope(scope);
}

// At most kMaxAuditedText bytes, cut at a character boundary (audit events
// are protobuf strings and PostgreSQL text: both must stay valid UTF-8),
// control characters replaced so a log line cannot be forged.
std::string Printable(const std::string& text) {
  std::string out;
  for (unsigned char c : Utf8Prefix(text, kMaxAuditedText)) out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
  return out;
}

}  // namespace

IdentityService::IdentityService(IdentityStore& store, PasswordHasher& hasher,
                                 std::shared_ptr<const auth::RoleBook> roles, auth::AuditSink& audit,
                                 const Clock& clock, IdentitySettings settings)
    : store_(store),
      hasher_(hasher),
      roles_(std::move(roles)),
      audit_(audit),
      clock_(clock),
      settings_(settings),
      throttle_(store, clock, settings_) {}

std::int64_t IdentityService::NowMs() const { return ToMillis(clock_.Now()); }

void IdentityService::Audit(const std::string& kind, const std::string& principal, const std::string& via,
                            const std::string& method, const std::string& resource,
                            const std::string& client_address, const std::string& detail) {
  audit_.Record({kind, principal, via, method, resource, client_address, detail});
}

// ---- API keys: verification

absl::StatusOr<auth::Principal> IdentityService::VerifyToken(const std::string& token) {
  if (token.rfind(kTokenPrefix, 0) != 0) return absl::UnauthenticatedError(kBadKeyMessage);
  auto key = store_.FindApiKeyByHash(auth::Sha256Hex(token));
  if (!key.ok()) return key.status();
  if (!key->has_value() || (*key)->revoked_ms != 0) return absl::UnauthenticatedError(kBadKeyMessage);
  const ApiKeyRecord& k = **key;
  const std::int64_t now = NowMs();
  if (now - k.last_used_ms >= Ms(settings_.touch_interval)) {
    // Bookkeeping only: a failed write must not refuse a good key.
    if (auto touched = store_.TouchApiKey(k.key_id, now); !touched.ok()) {
      log::Warn("api_key_last_used_not_stored", {{"key_id", k.key_id}, {"error", std::string(touched.message())}});
    }
  }
  auth::Principal p;
  p.kind = auth::PrincipalKind::kApiKey;
  p.id = "key:" + k.key_id;
  p.name = k.name;
  p.scopes.insert(k.scopes.begin(), k.scopes.end());
  return p;
}

absl::StatusOr<v1::VerifyApiKeyResponse> IdentityService::VerifyApiKey(const auth::Principal& caller,
                                                                       const v1::VerifyApiKeyRequest& request) {
  VOC_RETURN_IF_ERROR(RequireScope(caller, auth::kKeysVerify));
  auto principal = VerifyToken(request.token());
  if (!principal.ok()) return principal.status();
  v1::VerifyApiKeyResponse response;
  response.set_key_id(principal->id.substr(4));  // "key:<id>"
  response.set_name(principal->name);
  for (const std::string& scope : principal->scopes) response.add_scopes(scope);
  return response;
}

absl::Status IdentityService::EnsureBootstrapKey(const std::string& token) {
  VOC_RETURN_IF_ERROR(CheckBootstrapKey(token));
  const std::string hash = auth::Sha256Hex(token);
  auto existing = store_.FindApiKeyByHash(hash);
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) {
    if ((*existing)->revoked_ms != 0) {
      log::Warn("bootstrap_admin_key_revoked",
                {{"key_id", (*existing)->key_id},
                 {"hint", std::string(kBootstrapKeyEnv) + " names a revoked key; remove it from the environment"}});
    }
    return absl::OkStatus();
  }
  // A new bootstrap key: the operator rotated it, so the old one goes.
  auto older = store_.ActiveApiKeysNamed(kBootstrapKeyName);
  if (!older.ok()) return older.status();
  const std::int64_t now = NowMs();
  for (const ApiKeyRecord& old : *older) {
    VOC_RETURN_IF_ERROR(store_.RevokeApiKey(old.key_id, now).status());
    Audit("api_key_revoked", "service:identity", "", "bootstrap", "apikeys/" + old.key_id, "",
          std::string("replaced by a new ") + kBootstrapKeyEnv);
  }
  ApiKeyRecord key;
  key.key_id = BootstrapKeyId(token);
  key.token_sha256 = hash;
  key.name = kBootstrapKeyName;
  key.scopes = {auth::kAdmin};
  key.created_ms = now;
  key.created_by = std::string("env:") + kBootstrapKeyEnv;
  if (auto inserted = store_.InsertApiKey(key); !inserted.ok()) {
    return absl::Status(inserted.code(), std::string(kBootstrapKeyEnv) + ": " + std::string(inserted.message()));
  }
  Audit("api_key_created", "service:identity", "", "bootstrap", "apikeys/" + key.key_id, "",
        std::string("bootstrap admin key from ") + kBootstrapKeyEnv);
  return absl::OkStatus();
}

// ---- Sessions

absl::StatusOr<long long> IdentityService::PurgeExpired() {
  const std::int64_t now = NowMs();
  auto purged = store_.PurgeExpired(now, now - Ms(settings_.session_idle), now - Ms(settings_.session_absolute),
                                    now - Ms(settings_.failure_window));
  if (!purged.ok()) return purged.status();
  for (const IdentityStore::ExpiredSession& s : purged->expired) {
    Audit("session_expired", s.person_id.empty() ? "" : "person:" + s.person_id, "service:identity",
          "PurgeExpired", "accounts/" + s.username, "", s.absolute ? "absolute time-out" : "idle time-out");
  }
  return purged->rows;
}

absl::StatusOr<v1::Session> IdentityService::SessionView(const SessionRecord& s, const AccountRecord& a) const {
  auto person = roles_->PersonPrincipal(a.person_id);
  if (!person.ok()) return absl::UnauthenticatedError(kNoSessionMessage);
  v1::Session view;
  view.set_username(a.username);
  view.set_person_id(a.person_id);
  view.set_display_name(person->name);
  view.set_csrf_token(s.csrf_token);
  *view.mutable_create_time() = MillisToProto(s.created_ms);
  *view.mutable_idle_expire_time() = MillisToProto(s.last_seen_ms + Ms(settings_.session_idle));
  *view.mutable_absolute_expire_time() = MillisToProto(s.created_ms + Ms(settings_.session_absolute));
  for (auth::Role role : person->roles) view.add_roles(std::string(auth::RoleName(role)));
  for (const std::string& d : person->departments) view.add_departments(d);
  if (const org::Person* p = roles_->directory().FindPerson(a.person_id)) view.set_language(p->language);
  return view;
}

absl::StatusOr<v1::LoginResponse> IdentityService::OpenSession(const auth::Principal& caller,
                                                               const AccountRecord& account,
                                                               const std::string& method,
                                                               const std::string& client_address,
                                                               const std::string& detail) {
  SessionRecord session;
  const std::string id = auth::RandomToken();
  session.id_sha256 = auth::Sha256Hex(id);
  session.username = account.username;
  session.csrf_token = auth::RandomToken();
  session.created_ms = session.last_seen_ms = NowMs();
  auto view = SessionView(session, account);
  if (!view.ok()) return view.status();
  VOC_RETURN_IF_ERROR(store_.InsertSession(session));
  VOC_RETURN_IF_ERROR(store_.RecordLogin(account.username, session.created_ms));
  Audit("login", "person:" + account.person_id, caller.id, method, "accounts/" + account.username, client_address,
        detail);
  v1::LoginResponse response;
  response.set_session_id(id);
  *response.mutable_session() = *std::move(view);
  return response;
}

bool IdentityService::PersonInactive(const std::string& person_id) const {
  const org::Person* p = roles_->directory().FindPerson(person_id);
  return p != nullptr && !p->active;
}

absl::StatusOr<v1::LoginResponse> IdentityService::Login(const auth::Principal& caller,
                                                         const v1::LoginRequest& request) {
  VOC_RETURN_IF_ERROR(RequireScope(caller, auth::kSessions));
  if (request.username().empty()) return status::InvalidArgument("username", "must not be empty");
  if (request.password().empty()) return status::InvalidArgument("password", "must not be empty");
  const std::string& address = request.client_address();
  const std::string resource = "accounts/" + Printable(request.username());
  if (absl::Status open = throttle_.Check(request.username(), address); !open.ok()) {
    if (open.code() == absl::StatusCode::kResourceExhausted) {
      Audit("login_throttled", "", caller.id, "Login", resource, address, "too many failed logins");
    }
    return open;
  }
  auto account = store_.FindAccount(request.username());
  if (!account.ok()) return account.status();
  const std::string password = request.password().substr(0, kMaxPasswordBytes + 1);
  // Every path checks one Argon2id hash, so the answer takes as long
  // whether or not the account exists or is disabled.
  std::string why;
  if (!account->has_value()) {
    hasher_.VerifyDummy(password);
    why = "unknown account";
  } else if (!hasher_.Verify((*account)->password_hash, password)) {
    why = "wrong password";
  } else if ((*account)->disabled) {
    why = "account disabled";
  } else if (PersonInactive((*account)->person_id)) {
    why = "person inactive in the org directory";
  }
  if (why.empty()) {
    VOC_RETURN_IF_ERROR(throttle_.RecordSuccess(request.username()));
    auto opened = OpenSession(caller, **account, "Login", address, "password; " + Printable(request.user_agent()));
    if (opened.ok() || opened.status().code() != absl::StatusCode::kUnauthenticated) return opened;
    why = "person not in the org directory";
  }
  VOC_RETURN_IF_ERROR(throttle_.RecordFailure(request.username(), address));
  Audit("login_failed", "", caller.id, "Login", resource, address, why);
  return absl::UnauthenticatedError(kWrongLoginMessage);
}

absl::StatusOr<v1::LoginResponse> IdentityService::StartProxySession(const auth::Principal& caller,
                                                                     const v1::StartProxySessionRequest& request) {
  VOC_RETURN_IF_ERROR(RequireScope(caller, auth::kSessions));
  if (request.username().empty()) return status::InvalidArgument("username", "must not be empty");
  auto account = store_.FindAccount(request.username());
  if (!account.ok()) return account.status();
  const std::string resource = "accounts/" + Printable(request.username());
  if (!account->has_value() || (*account)->disabled || PersonInactive((*account)->person_id)) {
    Audit("login_failed", "", caller.id, "StartProxySession", resource, request.client_address(),
          "no active account for the proxy's user");
    return absl::UnauthenticatedError("no active account for this user");
  }
  auto opened = OpenSession(caller, **account, "StartProxySession", request.client_address(),
                            "trusted proxy; " + Printable(request.user_agent()));
  if (!opened.ok() && opened.status().code() == absl::StatusCode::kUnauthenticated) {
    return absl::UnauthenticatedError("no active account for this user");
  }
  return opened;
}

absl::StatusOr<v1::Session> IdentityService::CheckSession(const auth::Principal& caller,
                                                          const v1::CheckSessionRequest& request) {
  VOC_RETURN_IF_ERROR(RequireScope(caller, auth::kSessions));
  if (request.session_id().empty()) return absl::UnauthenticatedError(kNoSessionMessage);
  const std::string id_hash = auth::Sha256Hex(request.session_id());
  auto found = store_.FindSession(id_hash);
  if (!found.ok()) return found.status();
  if (!found->has_value() || (*found)->ended) return absl::UnauthenticatedError(kNoSessionMessage);
  SessionRecord session = **found;
  auto account = store_.FindAccount(session.username);
  if (!account.ok()) return account.status();
  const std::int64_t now = NowMs();
  std::string expired;
  if (now >= session.created_ms + Ms(settings_.session_absolute)) {
    expired = "absolute time-out";
  } else if (now >= session.last_seen_ms + Ms(settings_.session_idle)) {
    expired = "idle time-out";
  } else if (!account->has_value() || (*account)->disabled) {
    expired = "account disabled";
  } else if (PersonInactive((*account)->person_id)) {
    expired = "person inactive in the org directory";
  }
  if (!expired.empty()) {
    auto ended = store_.EndSession(id_hash);
    if (!ended.ok()) return ended.status();
    if (*ended) {
      const std::string person = account->has_value() ? "person:" + (*account)->person_id : "";
      Audit("session_expired", person, caller.id, "CheckSession", "accounts/" + session.username, "", expired);
    }
    return absl::UnauthenticatedError(kNoSessionMessage);
  }
  if (now - session.last_seen_ms >= Ms(settings_.touch_interval)) {
    VOC_RETURN_IF_ERROR(store_.TouchSession(id_hash, now));
    session.last_seen_ms = now;
  }
  return SessionView(session, **account);
}

absl::StatusOr<v1::LogoutResponse> IdentityService::Logout(const auth::Principal& caller,
                                                           const v1::LogoutRequest& request) {
  VOC_RETURN_IF_ERROR(RequireScope(caller, auth::kSessions));
  if (request.session_id().empty()) return v1::LogoutResponse();
  const std::string id_hash = auth::Sha256Hex(request.session_id());
  auto found = store_.FindSession(id_hash);
  if (!found.ok()) return found.status();
  auto ended = store_.EndSession(id_hash);
  if (!ended.ok()) return ended.status();
  if (*ended && found->has_value()) {
    auto account = store_.FindAccount((*found)->username);
    const std::string person =
        account.ok() && account->has_value() ? "person:" + (*account)->person_id : std::string();
    Audit("logout", person, caller.id, "Logout", "accounts/" + (*found)->username, "", "");
  }
  return v1::LogoutResponse();
}

// ---- Accounts

v1::Account IdentityService::AccountView(const AccountRecord& a) const {
  v1::Account view;
  view.set_username(a.username);
  view.set_person_id(a.person_id);
  view.set_disabled(a.disabled);
  *view.mutable_create_time() = MillisToProto(a.created_ms);
  *view.mutable_password_change_time() = MillisToProto(a.password_changed_ms);
  if (a.last_login_ms != 0) *view.mutable_last_login_time() = MillisToProto(a.last_login_ms);
  view.set_created_by(a.created_by);
  return view;
}

absl::StatusOr<AccountRecord> IdentityService::AccountOrNotFound(const std::string& username) {
  if (username.empty()) return status::InvalidArgument("username", "must not be empty");
  auto account = store_.FindAccount(username);
  if (!account.ok()) return account.status();
  if (!account->has_value()) return status::NotFound("accounts/" + username);
  return **account;
}

absl::StatusOr<v1::Account> IdentityService::CreateAccount(const auth::Principal& caller,
                                                           const v1::CreateAccountRequest& request) {
  VOC_RETURN_IF_ERROR(RequireAdmin(caller, "create accounts"));
  if (request.person_id().empty()) return status::InvalidArgument("person_id", "must not be empty");
  if (!roles_->directory().FindPerson(request.person_id())) {
    return status::InvalidArgument("person_id", "unknown person '" + request.person_id() + "' (not in the org directory)");
  }
  AccountRecord account;
  account.username = request.username().empty() ? request.person_id() : request.username();
  account.person_id = request.person_id();
  VOC_RETURN_IF_ERROR(CheckUsername(account.username));
  VOC_RETURN_IF_ERROR(CheckPasswordPolicy(request.password(), account.username, account.person_id));
  auto hash = hasher_.Hash(request.password());
  if (!hash.ok()) return hash.status();
  account.password_hash = *std::move(hash);
  account.created_ms = account.password_changed_ms = NowMs();
  account.created_by = caller.id;
  VOC_RETURN_IF_ERROR(store_.CreateAccount(account));
  Audit("account_created", caller.id, caller.via, "CreateAccount", "accounts/" + account.username, "",
        "person " + account.person_id);
  return AccountView(account);
}

absl::StatusOr<v1::Account> IdentityService::DisableAccount(const auth::Principal& caller,
                                                            const v1::DisableAccountRequest& request) {
  VOC_RETURN_IF_ERROR(RequireAdmin(caller, "disable accounts"));
  auto account = AccountOrNotFound(request.username());
  if (!account.ok()) return account.status();
  VOC_RETURN_IF_ERROR(store_.SetDisabled(account->username, true).status());
  account->disabled = true;
  Audit("account_disabled", caller.id, caller.via, "DisableAccount", "accounts/" + account->username, "",
        "its sessions ended");
  return AccountView(*account);
}

absl::StatusOr<v1::Account> IdentityService::EnableAccount(const auth::Principal& caller,
                                                           const v1::EnableAccountRequest& request) {
  VOC_RETURN_IF_ERROR(RequireAdmin(caller, "enable accounts"));
  auto account = AccountOrNotFound(request.username());
  if (!account.ok()) return account.status();
  VOC_RETURN_IF_ERROR(store_.SetDisabled(account->username, false).status());
  account->disabled = false;
  Audit("account_enabled", caller.id, caller.via, "EnableAccount", "accounts/" + account->username, "", "");
  return AccountView(*account);
}

absl::StatusOr<v1::Account> IdentityService::ResetPassword(const auth::Principal& caller,
                                                           const v1::ResetPasswordRequest& request) {
  VOC_RETURN_IF_ERROR(RequireAdmin(caller, "reset passwords"));
  auto account = AccountOrNotFound(request.username());
  if (!account.ok()) return account.status();
  VOC_RETURN_IF_ERROR(CheckPasswordPolicy(request.password(), account->username, account->person_id));
  auto hash = hasher_.Hash(request.password());
  if (!hash.ok()) return hash.status();
  const std::int64_t now = NowMs();
  VOC_RETURN_IF_ERROR(store_.SetPassword(account->username, *hash, now).status());
  account->password_changed_ms = now;
  Audit("password_reset", caller.id, caller.via, "ResetPassword", "accounts/" + account->username, "",
        "its sessions ended");
  return AccountView(*account);
}

absl::StatusOr<v1::ListAccountsResponse> IdentityService::ListAccounts(const auth::Principal& caller,
                                                                       const v1::ListAccountsRequest& request) {
  VOC_RETURN_IF_ERROR(RequireAdmin(caller, "list accounts"));
  VOC_ASSIGN_OR_RETURN(const rpc::PageRequest page, rpc::ParsePageRequest(request));
  auto accounts = store_.ListAccounts(page.after ? page.after->after_id : "", page.size);
  if (!accounts.ok()) return accounts.status();
  v1::ListAccountsResponse response;
  for (const AccountRecord& a : *accounts) *response.add_accounts() = AccountView(a);
  if (!accounts->empty()) {
    response.set_next_page_token(rpc::NextPageToken(request, page, static_cast<int>(accounts->size()),
                                                    rpc::PageCursor{0, accounts->back().username}));
  }
  return response;
}

// ---- API keys: management

v1::ApiKey IdentityService::KeyView(const ApiKeyRecord& k) const {
  v1::ApiKey view;
  view.set_key_id(k.key_id);
  view.set_name(k.name);
  for (const std::string& s : k.scopes) view.add_scopes(s);
  *view.mutable_create_time() = MillisToProto(k.created_ms);
  if (k.revoked_ms != 0) *view.mutable_revoke_time() = MillisToProto(k.revoked_ms);
  view.set_created_by(k.created_by);
  if (k.last_used_ms != 0) *view.mutable_last_used_time() = MillisToProto(k.last_used_ms);
  return view;
}

absl::StatusOr<v1::CreateApiKeyResponse> IdentityService::CreateApiKey(const auth::Principal& caller,
                                                                       const v1::CreateApiKeyRequest& request) {
  VOC_RETURN_IF_ERROR(RequireAdmin(caller, "create API keys"));
  if (request.name().empty()) return status::InvalidArgument("name", "must not be empty");
  if (request.name().size() > kMaxKeyNameLength) {
    return status::InvalidArgument("name", "must have at most " + std::to_string(kMaxKeyNameLength) + " characters");
  }
  if (request.scopes().empty()) return status::InvalidArgument("scopes", "name at least one scope");
  auto scopes = auth::ParseScopes({request.scopes().begin(), request.scopes().end()}, "scopes");
  if (!scopes.ok()) return scopes.status();
  ApiKeyRecord key;
  key.key_id = NewKeyId();
  const std::string token = MakeToken(key.key_id);
  key.token_sha256 = auth::Sha256Hex(token);
  key.name = request.name();
  key.scopes.assign(scopes->begin(), scopes->end());
  key.created_ms = NowMs();
  key.created_by = caller.id;
  VOC_RETURN_IF_ERROR(store_.InsertApiKey(key));
  std::string list;
  for (const std::string& s : key.scopes) list += (list.empty() ? "" : ",") + s;
  Audit("api_key_created", caller.id, caller.via, "CreateApiKey", "apikeys/" + key.key_id, "",
        "name " + Printable(key.name) + "; scopes " + list);
  v1::CreateApiKeyResponse response;
  *response.mutable_key() = KeyView(key);
  response.set_token(token);
  return response;
}

absl::StatusOr<v1::ApiKey> IdentityService::RevokeApiKey(const auth::Principal& caller,
                                                         const v1::RevokeApiKeyRequest& request) {
  VOC_RETURN_IF_ERROR(RequireAdmin(caller, "revoke API keys"));
  if (request.key_id().empty()) return status::InvalidArgument("key_id", "must not be empty");
  auto key = store_.FindApiKey(request.key_id());
  if (!key.ok()) return key.status();
  if (!key->has_value()) return status::NotFound("apikeys/" + request.key_id());
  ApiKeyRecord record = **key;
  if (record.revoked_ms == 0) {
    const std::int64_t now = NowMs();
    auto revoked = store_.RevokeApiKey(record.key_id, now);
    if (!revoked.ok()) return revoked.status();
    if (*revoked) {
      record.revoked_ms = now;
      Audit("api_key_revoked", caller.id, caller.via, "RevokeApiKey", "apikeys/" + record.key_id, "",
            "name " + Printable(record.name));
    } else {
      auto again = store_.FindApiKey(record.key_id);  // revoked meanwhile by another call
      if (again.ok() && again->has_value()) record = **again;
    }
  }
  return KeyView(record);
}

absl::StatusOr<v1::ListApiKeysResponse> IdentityService::ListApiKeys(const auth::Principal& caller,
                                                                     const v1::ListApiKeysRequest& request) {
  VOC_RETURN_IF_ERROR(RequireAdmin(caller, "list API keys"));
  VOC_ASSIGN_OR_RETURN(const rpc::PageRequest page, rpc::ParsePageRequest(request));
  auto keys = store_.ListApiKeys(request.include_revoked(), page.after ? page.after->after_key : -1,
                                 page.after ? page.after->after_id : "", page.size);
  if (!keys.ok()) return keys.status();
  v1::ListApiKeysResponse response;
  for (const ApiKeyRecord& k : *keys) *response.add_keys() = KeyView(k);
  if (!keys->empty()) {
    response.set_next_page_token(rpc::NextPageToken(request, page, static_cast<int>(keys->size()),
                                                    rpc::PageCursor{keys->back().created_ms, keys->back().key_id}));
  }
  return response;
}

// ---- Audit log

absl::StatusOr<v1::ListAuditEventsResponse> IdentityService::ListAuditEvents(
    const auth::Principal& caller, const v1::ListAuditEventsRequest& request) {
  VOC_RETURN_IF_ERROR(RequireAdmin(caller, "read the audit log"));
  VOC_ASSIGN_OR_RETURN(const rpc::PageRequest page, rpc::ParsePageRequest(request));
  auto events = store_.ListAuditEvents(request.kind(), request.principal(), page.after.has_value(),
                                       page.after ? page.after->after_key : 0, page.after ? page.after->after_id : "",
                                       page.size);
  if (!events.ok()) return events.status();
  v1::ListAuditEventsResponse response;
  for (v1::AuditEvent& e : *events) *response.add_events() = std::move(e);
  if (response.events_size() > 0) {
    const v1::AuditEvent& last = response.events(response.events_size() - 1);
    response.set_next_page_token(rpc::NextPageToken(request, page, response.events_size(),
                                                    rpc::PageCursor{ProtoToMillis(last.time()), last.id()}));
  }
  return response;
}

}  // namespace voc::identity
