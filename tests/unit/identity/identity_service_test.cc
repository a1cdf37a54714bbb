// IdentityService's decisions (issue 9) on a FakeClock over a real SQLite
// store in a temporary folder: throttling per account and per address,
// session idle and absolute time-outs, what ends sessions, who may call
// what, API keys and the bootstrap key, the audit log and its stream input.
#include "services/identity/identity_service.h"

#include <gtest/gtest.h>

#include "common/auth/authenticator.h"
#include "common/auth/scopes.h"
#include "common/config/yaml_file.h"
#include "common/util/time.h"
#include "common/util/utf8.h"
#include "services/identity/api_key_token.h"
#include "services/identity/audit_consumer.h"
#include "services/identity/audit_table_sink.h"
#include "services/identity/store/migrations.h"
#include "tests/support/servers.h"

namespace voc::identity {
namespace {

using namespace std::chrono_literals;

constexpr char kPassword[] = "correct horse battery staple";

auth::Principal Service(const std::string& name, std::set<std::string> scopes) {
  auth::Principal p;
  p.kind = auth::PrincipalKind::kService;
  p.id = "service:" + name;
  p.name = name;
  p.scopes = std::move(scopes);
  return p;
}

class IdentityServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = storage::Database::Open("sqlite3://" + dir_.path() + "/identity.db").value();
    ASSERT_TRUE(db_->Migrate("identity", Migrations()).ok());
    store_ = std::make_unique<IdentityStore>(*db_);
    auto directory = org::OrgDirectory::Load("config/directory.yaml");
    ASSERT_TRUE(directory.ok()) << directory.status();
    auto roles = auth::RoleBook::Load(std::make_shared<const org::OrgDirectory>(*std::move(directory)),
                                      "config/roles.yaml");
    ASSERT_TRUE(roles.ok()) << roles.status();
    roles_ = std::make_shared<const auth::RoleBook>(*std::move(roles));
    audit_ = std::make_unique<TableAuditSink>(*store_, clock_);
    service_ = std::make_unique<IdentityService>(*store_, hasher_, roles_, *audit_, clock_, IdentitySettings{});
    admin_.kind = auth::PrincipalKind::kApiKey;
    admin_.id = "key:admin0000000";
    admin_.scopes = {auth::kAdmin};
  }

  void CreateAccount(const std::string& person, const std::string& username = "") {
    v1::CreateAccountRequest request;
    request.set_person_id(person);
    request.set_username(username);
    request.set_password(kPassword);
    auto created = service_->CreateAccount(admin_, request);
    ASSERT_TRUE(created.ok()) << created.status();
  }

  absl::StatusOr<v1::LoginResponse> Login(const std::string& user, const std::string& password,
                                          const std::string& address = "10.1.1.1") {
    v1::LoginRequest request;
    request.set_username(user);
    request.set_password(password);
    request.set_client_address(address);
    return service_->Login(gateway_, request);
  }

  absl::StatusOr<v1::Session> Check(const std::string& session_id) {
    v1::CheckSessionRequest request;
    request.set_session_id(session_id);
    return service_->CheckSession(gateway_, request);
  }

  std::vector<v1::AuditEvent> Events(const std::string& kind) {
    return store_->ListAuditEvents(kind, "", false, 0, "", 1000).value();
  }

  testing::TempDir dir_;
  FakeClock clock_{FromMillis(1780000000000LL)};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<IdentityStore> store_;
  std::shared_ptr<const auth::RoleBook> roles_;
  std::unique_ptr<TableAuditSink> audit_;
  PasswordHasher hasher_{PasswordCost::Interactive()};
  std::unique_ptr<IdentityService> service_;
  auth::Principal gateway_ = Service("gateway", {auth::kSessions, auth::kActAsPerson, auth::kKeysVerify});
  auth::Principal admin_;
};

// ---- Login and throttling

TEST_F(IdentityServiceTest, WrongPasswordUnknownAndDisabledAccountsGetTheSameAnswer) {
  CreateAccount("p-wang-lei");
  CreateAccount("p-xu-gang");
  v1::DisableAccountRequest disable;
  disable.set_username("p-xu-gang");
  ASSERT_TRUE(service_->DisableAccount(admin_, disable).ok());
  const absl::Status wrong = Login("p-wang-lei", "a wrong password").status();
  const absl::Status unknown = Login("p-nobody", "a wrong password").status();
  const absl::Status disabled = Login("p-xu-gang", kPassword).status();
  for (const absl::Status& s : {wrong, unknown, disabled}) {
    EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
    EXPECT_EQ(s.message(), "wrong user name or password");
  }
  EXPECT_EQ(Events("login_failed").size(), 3u);
  EXPECT_TRUE(Login("p-wang-lei", kPassword).ok());
}

// The shipped directory with p-xu-gang marked `active: false` (he left).
std::shared_ptr<const auth::RoleBook> RolesWithXuGangInactive() {
  std::string yaml = config::ReadFile("config/directory.yaml");
  const std::string line = "  - id: p-xu-gang  # Last-mile delivery manager\n";
  const auto at = yaml.find(line);
  EXPECT_NE(at, std::string::npos);
  yaml.insert(at + line.size(), "    active: false\n");
  auto directory = org::OrgDirectory::Parse(yaml);
  EXPECT_TRUE(directory.ok()) << directory.status();
  EXPECT_FALSE(directory->FindPerson("p-xu-gang")->active);
  return std::make_shared<const auth::RoleBook>(
      auth::RoleBook::Load(std::make_shared<const org::OrgDirectory>(*std::move(directory)), "config/roles.yaml")
          .value());
}

TEST_F(IdentityServiceTest, AnInactivePersonsAccountIsRefusedLikeADisabledOne) {
  CreateAccount("p-xu-gang");
  const auto session = Login("p-xu-gang", kPassword);
  ASSERT_TRUE(session.ok()) << session.status();
  // The directory is reloaded with him marked inactive.
  IdentityService after(*store_, hasher_, RolesWithXuGangInactive(), *audit_, clock_, IdentitySettings{});
  v1::LoginRequest request;
  request.set_username("p-xu-gang");
  request.set_password(kPassword);
  request.set_client_address("10.1.1.1");
  const absl::Status refused = after.Login(gateway_, request).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(refused.message(), "wrong user name or password") << "the generic answer";
  const auto failed = Events("login_failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_NE(failed[0].detail().find("inactive"), std::string::npos) << failed[0].detail();
  // His open session ends too.
  v1::CheckSessionRequest check;
  check.set_session_id(session->session_id());
  EXPECT_EQ(after.CheckSession(gateway_, check).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Check(session->session_id()).status().code(), absl::StatusCode::kUnauthenticated)
      << "the session was ended, not only refused";
}

TEST_F(IdentityServiceTest, FiveFailuresLockTheAccountForTheWindowEvenForTheRightPassword) {
  CreateAccount("p-wang-lei");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Login("p-wang-lei", "guess " + std::to_string(i), "10.0.0." + std::to_string(i)).status().code(),
              absl::StatusCode::kUnauthenticated);
    clock_.Advance(1min);
  }
  const absl::Status locked = Login("p-wang-lei", kPassword, "10.9.9.9").status();
  EXPECT_EQ(locked.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(locked.message(), "too many failed logins; try again later");
  EXPECT_EQ(Events("login_throttled").size(), 1u);
  // Case variants of the name are the same account for the throttle.
  EXPECT_EQ(Login("P-WANG-LEI", kPassword, "10.9.9.9").status().code(), absl::StatusCode::kResourceExhausted);
  clock_.Advance(13min);  // 14 min after the 5th failure: still locked
  EXPECT_EQ(Login("p-wang-lei", kPassword).status().code(), absl::StatusCode::kResourceExhausted);
  clock_.Advance(1min);  // 15 min after it: the window has passed
  EXPECT_TRUE(Login("p-wang-lei", kPassword).ok());
}

TEST_F(IdentityServiceTest, FailuresSpreadOverMoreThanTheWindowDoNotLock) {
  CreateAccount("p-wang-lei");
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(Login("p-wang-lei", "guess", "10.0.0.1").status().code(), absl::StatusCode::kUnauthenticated);
    clock_.Advance(4min);  // four failures per 15-minute window at most
  }
  EXPECT_TRUE(Login("p-wang-lei", kPassword).ok());
}

TEST_F(IdentityServiceTest, TwentyFailuresFromOneAddressLockItForEveryAccount) {
  CreateAccount("p-wang-lei");
  for (int i = 0; i < 20; ++i) {
    // Different (unknown) names and ports: the address is what counts.
    EXPECT_EQ(Login("p-guess-" + std::to_string(i), "guess", "ipv4:10.7.7.7:" + std::to_string(40000 + i))
                  .status()
                  .code(),
              absl::StatusCode::kUnauthenticated);
  }
  EXPECT_EQ(Login("p-wang-lei", kPassword, "10.7.7.7:5555").status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(Login("p-wang-lei", kPassword, "10.8.8.8").ok());
}

TEST_F(IdentityServiceTest, AddressKeysDropPortsAndPrefixes) {
  EXPECT_EQ(LoginThrottle::AddressKey("ipv4:10.1.2.3:5000"), "addr:10.1.2.3");
  EXPECT_EQ(LoginThrottle::AddressKey("10.1.2.3:6000"), "addr:10.1.2.3");
  EXPECT_EQ(LoginThrottle::AddressKey("10.1.2.3"), "addr:10.1.2.3");
  EXPECT_EQ(LoginThrottle::AddressKey("ipv6:[::1]:5000"), "addr:::1");
  EXPECT_EQ(LoginThrottle::AddressKey("2001:db8::1"), "addr:2001:db8::1");
  EXPECT_EQ(LoginThrottle::AccountKey("P-Wang-Lei"), "account:p-wang-lei");
}

TEST_F(IdentityServiceTest, AnOverlongChineseUserNameIsCutAtACharacterBoundary) {
  std::string name;
  for (int i = 0; i < 50; ++i) name += "客";  // 150 bytes
  EXPECT_EQ(Login(name, "a wrong password").status().code(), absl::StatusCode::kUnauthenticated);
  const auto failed = Events("login_failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_TRUE(IsValidUtf8(failed[0].resource())) << failed[0].resource();
  EXPECT_TRUE(IsValidUtf8(LoginThrottle::AccountKey(name)));
  EXPECT_LE(LoginThrottle::AccountKey(name).size(), 8u + 128u);
}

// ---- Sessions

TEST_F(IdentityServiceTest, ASessionCarriesThePersonRolesAndDepartments) {
  CreateAccount("p-wang-lei");
  auto login = Login("p-wang-lei", kPassword);
  ASSERT_TRUE(login.ok()) << login.status();
  EXPECT_EQ(login->session_id().size(), 43u);  // 256 bits, base64url
  const v1::Session& s = login->session();
  EXPECT_EQ(s.person_id(), "p-wang-lei");
  EXPECT_FALSE(s.display_name().empty());
  EXPECT_EQ(s.csrf_token().size(), 43u);
  EXPECT_NE(std::find(s.roles().begin(), s.roles().end(), "department_head"), s.roles().end());
  EXPECT_NE(std::find(s.departments().begin(), s.departments().end(), "logistics"), s.departments().end());
  EXPECT_EQ(ProtoToMillis(s.idle_expire_time()) - ProtoToMillis(s.create_time()), 30 * 60 * 1000);
  EXPECT_EQ(ProtoToMillis(s.absolute_expire_time()) - ProtoToMillis(s.create_time()), 12 * 3600 * 1000);
  // Only the hash is stored.
  EXPECT_FALSE(store_->FindSession(login->session_id()).value().has_value());
  EXPECT_TRUE(store_->FindSession(auth::Sha256Hex(login->session_id())).value().has_value());
}

TEST_F(IdentityServiceTest, ASessionExpiresAfterThirtyIdleMinutesAndUseKeepsItAlive) {
  CreateAccount("p-wang-lei");
  const std::string id = Login("p-wang-lei", kPassword)->session_id();
  clock_.Advance(29min);
  ASSERT_TRUE(Check(id).ok());  // refreshes the idle time-out
  clock_.Advance(29min);
  auto alive = Check(id);
  ASSERT_TRUE(alive.ok());
  EXPECT_EQ(ProtoToMillis(alive->idle_expire_time()), ToMillis(clock_.Now() + 30min));
  clock_.Advance(30min);
  EXPECT_EQ(Check(id).status().code(), absl::StatusCode::kUnauthenticated);
  ASSERT_EQ(Events("session_expired").size(), 1u);
  EXPECT_EQ(Events("session_expired")[0].detail(), "idle time-out");
  // Ended for good, even if the clock went back.
  clock_.Advance(-31min);
  EXPECT_EQ(Check(id).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(IdentityServiceTest, ASessionEndsTwelveHoursAfterTheLoginHoweverBusy) {
  CreateAccount("p-wang-lei");
  const std::string id = Login("p-wang-lei", kPassword)->session_id();
  for (int i = 0; i < 35; ++i) {  // every 20 minutes for 11 h 40 min
    clock_.Advance(20min);
    ASSERT_TRUE(Check(id).ok()) << "after " << (i + 1) * 20 << " min";
  }
  clock_.Advance(20min);
  EXPECT_EQ(Check(id).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Events("session_expired")[0].detail(), "absolute time-out");
}

TEST_F(IdentityServiceTest, APurgedSessionThatTimedOutUnaskedHasItsExpiryAudited) {
  CreateAccount("p-wang-lei");
  const std::string idle = Login("p-wang-lei", kPassword)->session_id();
  const std::string ended = Login("p-wang-lei", kPassword)->session_id();
  v1::LogoutRequest logout;
  logout.set_session_id(ended);
  ASSERT_TRUE(service_->Logout(gateway_, logout).ok());
  clock_.Advance(31min);  // nobody checks "idle" again: the browser was closed
  const auto purged = service_->PurgeExpired();
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 2);  // both sessions deleted
  EXPECT_FALSE(store_->FindSession(auth::Sha256Hex(idle)).value().has_value());
  // One expiry (the logged-out session's end is its logout event), for the person.
  const auto expired = Events("session_expired");
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].principal(), "person:p-wang-lei");
  EXPECT_EQ(expired[0].detail(), "idle time-out");
  EXPECT_EQ(expired[0].resource(), "accounts/p-wang-lei");
  // A second purge finds nothing and audits nothing more.
  EXPECT_EQ(service_->PurgeExpired().value(), 0);
  EXPECT_EQ(Events("session_expired").size(), 1u);
}

TEST_F(IdentityServiceTest, CheckingWritesLastSeenAtMostOnceAMinute) {
  CreateAccount("p-wang-lei");
  const std::string id = Login("p-wang-lei", kPassword)->session_id();
  const std::string hash = auth::Sha256Hex(id);
  const std::int64_t opened = store_->FindSession(hash).value()->last_seen_ms;
  clock_.Advance(30s);
  ASSERT_TRUE(Check(id).ok());
  EXPECT_EQ(store_->FindSession(hash).value()->last_seen_ms, opened);
  clock_.Advance(31s);
  ASSERT_TRUE(Check(id).ok());
  EXPECT_EQ(store_->FindSession(hash).value()->last_seen_ms, ToMillis(clock_.Now()));
}

TEST_F(IdentityServiceTest, LogoutPasswordResetAndDisablingEndSessions) {
  CreateAccount("p-wang-lei");
  const std::string a = Login("p-wang-lei", kPassword)->session_id();
  const std::string b = Login("p-wang-lei", kPassword)->session_id();
  const std::string c = Login("p-wang-lei", kPassword)->session_id();
  v1::LogoutRequest logout;
  logout.set_session_id(a);
  ASSERT_TRUE(service_->Logout(gateway_, logout).ok());
  ASSERT_TRUE(service_->Logout(gateway_, logout).ok());  // idempotent
  EXPECT_EQ(Events("logout").size(), 1u);
  EXPECT_EQ(Check(a).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(Check(b).ok());

  v1::ResetPasswordRequest reset;
  reset.set_username("p-wang-lei");
  reset.set_password("a brand new passphrase");
  ASSERT_TRUE(service_->ResetPassword(admin_, reset).ok());
  EXPECT_EQ(Check(b).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Check(c).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Login("p-wang-lei", kPassword).status().code(), absl::StatusCode::kUnauthenticated);
  const std::string d = Login("p-wang-lei", "a brand new passphrase")->session_id();

  v1::DisableAccountRequest disable;
  disable.set_username("p-wang-lei");
  ASSERT_TRUE(service_->DisableAccount(admin_, disable).ok());
  EXPECT_EQ(Check(d).status().code(), absl::StatusCode::kUnauthenticated);
  v1::EnableAccountRequest enable;
  enable.set_username("p-wang-lei");
  ASSERT_TRUE(service_->EnableAccount(admin_, enable).ok());
  EXPECT_EQ(Check(d).status().code(), absl::StatusCode::kUnauthenticated);  // stays ended
  EXPECT_TRUE(Login("p-wang-lei", "a brand new passphrase").ok());
}

TEST_F(IdentityServiceTest, AProxySessionNeedsAnActiveAccount) {
  CreateAccount("p-wang-lei");
  v1::StartProxySessionRequest request;
  request.set_username("p-wang-lei");
  auto opened = service_->StartProxySession(gateway_, request);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_TRUE(Check(opened->session_id()).ok());
  request.set_username("p-nobody");
  EXPECT_EQ(service_->StartProxySession(gateway_, request).status().code(), absl::StatusCode::kUnauthenticated);
}

// ---- Accounts

TEST_F(IdentityServiceTest, AccountsNeedAKnownPersonAGoodNameAndAGoodPassword) {
  v1::CreateAccountRequest request;
  request.set_person_id("p-ghost");
  request.set_password(kPassword);
  auto unknown = service_->CreateAccount(admin_, request);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(unknown.status().message().rfind("person_id: ", 0), 0u);
  request.set_person_id("p-wang-lei");
  request.set_password("p-wang-lei");
  EXPECT_EQ(service_->CreateAccount(admin_, request).status().message().rfind("password: ", 0), 0u);
  request.set_password(kPassword);
  request.set_username("wang lei");
  EXPECT_EQ(service_->CreateAccount(admin_, request).status().message().rfind("username: ", 0), 0u);
  request.set_username("wang.lei");
  auto created = service_->CreateAccount(admin_, request);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->created_by(), "key:admin0000000");
  EXPECT_EQ(service_->CreateAccount(admin_, request).status().code(), absl::StatusCode::kAlreadyExists);
  request.set_username("");  // the person already has an account
  EXPECT_EQ(service_->CreateAccount(admin_, request).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(Login("wang.lei", kPassword).ok());
  ASSERT_EQ(Events("account_created").size(), 1u);
  EXPECT_EQ(Events("account_created")[0].principal(), "key:admin0000000");
}

TEST_F(IdentityServiceTest, AccountsListInPages) {
  for (const char* p : {"p-wang-lei", "p-xu-gang", "p-kevin-zhou", "p-emily-carter", "p-sun-li"}) CreateAccount(p);
  v1::ListAccountsRequest request;
  request.set_page_size(2);
  std::vector<std::string> names;
  for (int i = 0; i < 10; ++i) {
    auto page = service_->ListAccounts(admin_, request);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& a : page->accounts()) names.push_back(a.username());
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"p-emily-carter", "p-kevin-zhou", "p-sun-li", "p-wang-lei", "p-xu-gang"}));
}

// ---- Who may call what

TEST_F(IdentityServiceTest, OnlyAdminsManageAccountsKeysAndTheAuditLog) {
  auto member = roles_->PersonPrincipal("p-xu-gang").value();
  member.via = "service:gateway";
  auto admin_person = roles_->PersonPrincipal("p-sun-li").value();  // admin in config/roles.yaml
  admin_person.via = "service:gateway";
  const auth::Principal feedback_key = [] {
    auth::Principal p;
    p.kind = auth::PrincipalKind::kApiKey;
    p.id = "key:feedback0000";
    p.scopes = {auth::kFeedbackWrite};
    return p;
  }();
  v1::CreateAccountRequest create;
  create.set_person_id("p-wang-lei");
  create.set_password(kPassword);
  for (const auth::Principal* p : std::vector<const auth::Principal*>{&gateway_, &member, &feedback_key}) {
    EXPECT_EQ(service_->CreateAccount(*p, create).status().code(), absl::StatusCode::kPermissionDenied) << p->id;
    EXPECT_EQ(service_->ListAccounts(*p, {}).status().code(), absl::StatusCode::kPermissionDenied) << p->id;
    EXPECT_EQ(service_->ListApiKeys(*p, {}).status().code(), absl::StatusCode::kPermissionDenied) << p->id;
    EXPECT_EQ(service_->ListAuditEvents(*p, {}).status().code(), absl::StatusCode::kPermissionDenied) << p->id;
  }
  auto created = service_->CreateAccount(admin_person, create);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->created_by(), "person:p-sun-li");
  EXPECT_EQ(Events("account_created")[0].via(), "service:gateway");
}

TEST_F(IdentityServiceTest, SessionsNeedTheSessionsScopeAndVerificationKeysVerify) {
  const auth::Principal assignment = Service("assignment", {auth::kCasesCreate, auth::kKeysVerify});
  v1::LoginRequest login;
  login.set_username("p-wang-lei");
  login.set_password(kPassword);
  EXPECT_EQ(service_->Login(assignment, login).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->CheckSession(assignment, {}).status().code(), absl::StatusCode::kPermissionDenied);
  const auth::Principal no_verify = Service("reporting", {auth::kCasesRead});
  EXPECT_EQ(service_->VerifyApiKey(no_verify, {}).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->VerifyApiKey(assignment, {}).status().code(), absl::StatusCode::kUnauthenticated);
}

// ---- API keys

TEST_F(IdentityServiceTest, KeysAreShownOnceStoredHashedAndRefusedAtOnceWhenRevoked) {
  v1::CreateApiKeyRequest create;
  create.set_name("crm");
  create.add_scopes("feedback:write");
  create.add_scopes("cases:read");
  auto created = service_->CreateApiKey(admin_, create);
  ASSERT_TRUE(created.ok()) << created.status();
  const std::string token = created->token();
  EXPECT_EQ(KeyIdOf(token), created->key().key_id());
  const auto stored = store_->FindApiKey(created->key().key_id()).value();
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->token_sha256, auth::Sha256Hex(token));

  auto principal = service_->VerifyToken(token);
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->id, "key:" + created->key().key_id());
  EXPECT_EQ(principal->scopes, (std::set<std::string>{"cases:read", "feedback:write"}));
  EXPECT_EQ(service_->VerifyToken(token + "x").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(service_->VerifyToken("not-a-key").status().code(), absl::StatusCode::kUnauthenticated);

  v1::RevokeApiKeyRequest revoke;
  revoke.set_key_id(created->key().key_id());
  ASSERT_TRUE(service_->RevokeApiKey(admin_, revoke).ok());
  EXPECT_EQ(service_->VerifyToken(token).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(service_->RevokeApiKey(admin_, revoke).ok());  // idempotent
  EXPECT_EQ(Events("api_key_revoked").size(), 1u);
  revoke.set_key_id("000000000000");
  EXPECT_EQ(service_->RevokeApiKey(admin_, revoke).status().code(), absl::StatusCode::kNotFound);

  v1::ListApiKeysRequest list;
  EXPECT_EQ(service_->ListApiKeys(admin_, list)->keys_size(), 0);
  list.set_include_revoked(true);
  EXPECT_EQ(service_->ListApiKeys(admin_, list)->keys_size(), 1);
}

TEST_F(IdentityServiceTest, KeysNeedKnownScopesAndAName) {
  v1::CreateApiKeyRequest create;
  create.set_name("crm");
  create.add_scopes("cases:delete");
  const absl::Status unknown = service_->CreateApiKey(admin_, create).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.message().find("cases:delete"), std::string::npos);
  create.clear_scopes();
  EXPECT_EQ(service_->CreateApiKey(admin_, create).status().code(), absl::StatusCode::kInvalidArgument);
  create.add_scopes("feedback:write");
  create.set_name("");
  EXPECT_EQ(service_->CreateApiKey(admin_, create).status().message().rfind("name: ", 0), 0u);
}

TEST_F(IdentityServiceTest, AKeysLastUseIsWrittenAtMostOnceAMinute) {
  v1::CreateApiKeyRequest create;
  create.set_name("crm");
  create.add_scopes("feedback:write");
  auto created = service_->CreateApiKey(admin_, create).value();
  ASSERT_TRUE(service_->VerifyToken(created.token()).ok());
  const std::int64_t first = store_->FindApiKey(created.key().key_id()).value()->last_used_ms;
  EXPECT_EQ(first, ToMillis(clock_.Now()));
  clock_.Advance(20s);
  ASSERT_TRUE(service_->VerifyToken(created.token()).ok());
  EXPECT_EQ(store_->FindApiKey(created.key().key_id()).value()->last_used_ms, first);
  clock_.Advance(41s);
  ASSERT_TRUE(service_->VerifyToken(created.token()).ok());
  EXPECT_EQ(store_->FindApiKey(created.key().key_id()).value()->last_used_ms, ToMillis(clock_.Now()));
}

TEST_F(IdentityServiceTest, TheBootstrapKeyIsRegisteredRotatedAndStaysRevokedOnceRevoked) {
  const std::string first = "vk_aaaaaaaaaaaa_" + auth::RandomToken();
  ASSERT_TRUE(service_->EnsureBootstrapKey(first).ok());
  ASSERT_TRUE(service_->EnsureBootstrapKey(first).ok());  // a restart changes nothing
  auto admin = service_->VerifyToken(first);
  ASSERT_TRUE(admin.ok());
  EXPECT_TRUE(admin->HasScope(auth::kAdmin));
  EXPECT_EQ(admin->id, "key:aaaaaaaaaaaa");

  const std::string second = "vk_bbbbbbbbbbbb_" + auth::RandomToken();  // the operator rotated it
  ASSERT_TRUE(service_->EnsureBootstrapKey(second).ok());
  EXPECT_EQ(service_->VerifyToken(first).status().code(), absl::StatusCode::kUnauthenticated);
  ASSERT_TRUE(service_->VerifyToken(second).ok());

  v1::RevokeApiKeyRequest revoke;  // an admin revoked it; the environment still names it
  revoke.set_key_id("bbbbbbbbbbbb");
  ASSERT_TRUE(service_->RevokeApiKey(admin_, revoke).ok());
  ASSERT_TRUE(service_->EnsureBootstrapKey(second).ok());
  EXPECT_EQ(service_->VerifyToken(second).status().code(), absl::StatusCode::kUnauthenticated);

  EXPECT_EQ(service_->EnsureBootstrapKey("vk_short").code(), absl::StatusCode::kInvalidArgument);
}

// ---- The audit log

TEST_F(IdentityServiceTest, AuditEventsListNewestFirstFilteredAndPaged) {
  CreateAccount("p-wang-lei");
  for (int i = 0; i < 3; ++i) {
    clock_.Advance(1s);
    ASSERT_TRUE(Login("p-wang-lei", kPassword).ok());
  }
  clock_.Advance(1s);
  ASSERT_FALSE(Login("p-wang-lei", "wrong").ok());
  v1::ListAuditEventsRequest request;
  request.set_page_size(1);
  std::vector<std::string> kinds;
  for (int i = 0; i < 20; ++i) {
    auto page = service_->ListAuditEvents(admin_, request);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& e : page->events()) kinds.push_back(e.kind());
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"login_failed", "login", "login", "login", "account_created"}));
  v1::ListAuditEventsRequest logins;
  logins.set_kind("login");
  logins.set_principal("person:p-wang-lei");
  EXPECT_EQ(service_->ListAuditEvents(admin_, logins)->events_size(), 3);
  // A page token is bound to its filter.
  request.set_kind("logout");
  EXPECT_EQ(service_->ListAuditEvents(admin_, request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(IdentityServiceTest, StreamEventsAreStoredOnceAndMalformedOnesRefused) {
  AuditConsumer consumer(*store_);
  v1::AuditEvent event;
  event.set_id("ae-from-tracking");
  event.set_kind("permission_denied");
  event.set_service("tracking");
  *event.mutable_time() = ToProto(clock_.Now());
  const queue::StreamMessage good{"1-0", {{"event", event.SerializeAsString()}}};
  const queue::StreamMessage bad{"2-0", {{"event", "not a protobuf \xff\xff"}}};
  auto statuses = consumer.HandleBatch({good, bad, good});
  ASSERT_EQ(statuses.size(), 3u);
  EXPECT_TRUE(statuses[0].ok());
  EXPECT_EQ(statuses[1].code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(statuses[2].ok());
  EXPECT_TRUE(consumer.HandleBatch({good})[0].ok());  // redelivered
  EXPECT_EQ(Events("permission_denied").size(), 1u);
}

}  // namespace
}  // namespace voc::identity
