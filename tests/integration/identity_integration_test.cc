// voc-identity as a process (issue 9): a real redis-server, SQLite in a
// temporary folder, per-test principals (tests/support/auth_fixture.h) and
// the bootstrap admin key from the environment. The first admin creates an
// account and keys; a person logs in and out through the gateway's
// principal; wrong passwords answer like unknown users and are throttled; a
// revoked key is refused at once; a key without admin lists nothing; the
// audit log holds identity's own events and one another process published
// to voc.audit.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "common/auth/audit.h"
#include "common/auth/authenticator.h"
#include "common/clock/clock.h"
#include "common/queue/redis_client.h"
#include "common/rpc/channel.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/servers.h"
#include "voc/v1/identity.grpc.pb.h"

namespace voc {
namespace {

using namespace std::chrono_literals;

constexpr char kPassword[] = "correct horse battery staple";

class IdentityProcessTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    redis_ = new testing::RedisServer();
    dir_ = new testing::TempDir();
    creds_ = new testing::TestCredentials();
    port_ = testing::FreePort();
    bootstrap_key_ = "vk_0123456789ab_" + auth::RandomToken();
    const std::string config = dir_->path() + "/voc.yaml";
    std::ofstream out(config);
    out << "data_dir: " << dir_->path() << "/var\n"
        << "redis: {host: 127.0.0.1, port: " << redis_->port() << "}\n"
        << "log_format: json\n"
        << "org: {directory: config/directory.yaml}\n"
        << creds_->AuthYaml() << "services:\n"
        << "  identity:\n"
        << "    listen: " << Address() << "\n"
        << "    address: " << Address() << "\n"
        << "    metrics_listen: \"\"\n"
        << "    database: sqlite3://identity.db\n";
    out.close();
    auto env = creds_->ServiceEnv("identity");
    env["VOC_BOOTSTRAP_ADMIN_KEY"] = bootstrap_key_;
    process_ = new testing::ChildProcess({VOC_IDENTITY_BIN, "--config", config}, dir_->path() + "/identity.log", env,
                                         VOC_SOURCE_DIR);
    ASSERT_TRUE(testing::WaitForPort(port_, 60000)) << "voc-identity did not start; see " << dir_->path();
  }

  static void TearDownTestSuite() {
    delete process_;
    delete creds_;
    delete dir_;
    delete redis_;
  }

  static std::string Address() { return "127.0.0.1:" + std::to_string(port_); }

  static std::unique_ptr<v1::IdentityService::Stub> StubWithToken(const std::string& token) {
    rpc::ChannelSecurity security;
    security.bearer_token = token;
    return v1::IdentityService::NewStub(rpc::MakeChannel(Address(), security));
  }
  static std::unique_ptr<v1::IdentityService::Stub> Admin() { return StubWithToken(bootstrap_key_); }
  static std::unique_ptr<v1::IdentityService::Stub> As(const std::string& principal) {
    return v1::IdentityService::NewStub(creds_->Channel(Address(), principal));
  }

  static std::unique_ptr<grpc::ClientContext> Call() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + 60s);  // Argon2id under load
    return context;
  }

  static void CreateAccount(const std::string& person) {
    v1::CreateAccountRequest request;
    request.set_person_id(person);
    request.set_password(kPassword);
    v1::Account account;
    const grpc::Status status = Admin()->CreateAccount(Call().get(), request, &account);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(account.username(), person);
    EXPECT_EQ(account.created_by(), "key:0123456789ab");
  }

  static grpc::Status Login(const std::string& user, const std::string& password, const std::string& address,
                            v1::LoginResponse* response) {
    v1::LoginRequest request;
    request.set_username(user);
    request.set_password(password);
    request.set_client_address(address);
    return As("gateway")->Login(Call().get(), request, response);
  }

  static std::vector<v1::AuditEvent> Events(const std::string& kind) {
    v1::ListAuditEventsRequest request;
    request.set_kind(kind);
    request.set_page_size(100);
    v1::ListAuditEventsResponse response;
    const grpc::Status status = Admin()->ListAuditEvents(Call().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.events().begin(), response.events().end()};
  }

  static inline testing::RedisServer* redis_ = nullptr;
  static inline testing::TempDir* dir_ = nullptr;
  static inline testing::TestCredentials* creds_ = nullptr;
  static inline testing::ChildProcess* process_ = nullptr;
  static inline int port_ = 0;
  static inline std::string bootstrap_key_;
};

TEST_F(IdentityProcessTest, APersonLogsInThroughTheGatewayAndLogoutEndsTheSession) {
  CreateAccount("p-wang-lei");
  v1::LoginResponse login;
  const grpc::Status logged_in = Login("p-wang-lei", kPassword, "10.0.0.1", &login);
  ASSERT_TRUE(logged_in.ok()) << logged_in.error_message();
  EXPECT_FALSE(login.session_id().empty());
  EXPECT_EQ(login.session().person_id(), "p-wang-lei");
  EXPECT_FALSE(login.session().csrf_token().empty());

  v1::CheckSessionRequest check;
  check.set_session_id(login.session_id());
  v1::Session session;
  ASSERT_TRUE(As("gateway")->CheckSession(Call().get(), check, &session).ok());
  EXPECT_EQ(session.person_id(), "p-wang-lei");
  EXPECT_EQ(session.csrf_token(), login.session().csrf_token());
  EXPECT_NE(std::find(session.roles().begin(), session.roles().end(), "department_head"), session.roles().end());
  EXPECT_NE(std::find(session.departments().begin(), session.departments().end(), "logistics"),
            session.departments().end());

  v1::LogoutRequest logout;
  logout.set_session_id(login.session_id());
  v1::LogoutResponse out;
  ASSERT_TRUE(As("gateway")->Logout(Call().get(), logout, &out).ok());
  EXPECT_EQ(As("gateway")->CheckSession(Call().get(), check, &session).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Sessions are the gateway's business: a principal without the scope is refused.
  EXPECT_EQ(As("assignment")->CheckSession(Call().get(), check, &session).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(IdentityProcessTest, AWrongPasswordAnswersExactlyLikeAnUnknownUser) {
  CreateAccount("p-xu-gang");
  v1::LoginResponse response;
  const grpc::Status wrong = Login("p-xu-gang", "not the password at all", "10.0.0.2", &response);
  const grpc::Status unknown = Login("p-nobody-here", "not the password at all", "10.0.0.2", &response);
  EXPECT_EQ(wrong.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(unknown.error_code(), wrong.error_code());
  EXPECT_EQ(unknown.error_message(), wrong.error_message());
  EXPECT_EQ(wrong.error_message(), "wrong user name or password");
}

TEST_F(IdentityProcessTest, RepeatedFailuresThrottleTheAccountEvenForTheRightPassword) {
  CreateAccount("p-kevin-zhou");
  v1::LoginResponse response;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Login("p-kevin-zhou", "guess number " + std::to_string(i), "10.0.0.3", &response).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  const grpc::Status throttled = Login("p-kevin-zhou", kPassword, "10.0.0.4", &response);
  EXPECT_EQ(throttled.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(throttled.error_message(), "too many failed logins; try again later");
  EXPECT_FALSE(Events("login_throttled").empty());
}

TEST_F(IdentityProcessTest, ACreatedKeyVerifiesAndIsRefusedAtOnceAfterRevocation) {
  v1::CreateApiKeyRequest create;
  create.set_name("crm-sync");
  create.add_scopes("feedback:write");
  v1::CreateApiKeyResponse created;
  const grpc::Status made = Admin()->CreateApiKey(Call().get(), create, &created);
  ASSERT_TRUE(made.ok()) << made.error_message();
  ASSERT_EQ(created.token().rfind("vk_" + created.key().key_id() + "_", 0), 0u);

  v1::VerifyApiKeyRequest verify;
  verify.set_token(created.token());
  v1::VerifyApiKeyResponse verified;
  ASSERT_TRUE(As("ingest")->VerifyApiKey(Call().get(), verify, &verified).ok());
  EXPECT_EQ(verified.key_id(), created.key().key_id());
  EXPECT_EQ(verified.name(), "crm-sync");
  ASSERT_EQ(verified.scopes_size(), 1);
  EXPECT_EQ(verified.scopes(0), "feedback:write");

  // A key without admin may not list accounts (or anything of identity's).
  v1::ListAccountsResponse accounts;
  EXPECT_EQ(StubWithToken(created.token())->ListAccounts(Call().get(), {}, &accounts).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  v1::RevokeApiKeyRequest revoke;
  revoke.set_key_id(created.key().key_id());
  v1::ApiKey revoked;
  ASSERT_TRUE(Admin()->RevokeApiKey(Call().get(), revoke, &revoked).ok());
  EXPECT_TRUE(revoked.has_revoke_time());
  EXPECT_EQ(As("ingest")->VerifyApiKey(Call().get(), verify, &verified).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(StubWithToken(created.token())->ListAccounts(Call().get(), {}, &accounts).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(StubWithToken("")->ListAccounts(Call().get(), {}, &accounts).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_FALSE(Events("api_key_revoked").empty());
}

TEST_F(IdentityProcessTest, TheAuditLogHoldsAnEventAnotherServicePublished) {
  SystemClock clock;
  queue::RedisOptions redis;
  redis.host = "127.0.0.1";
  redis.port = redis_->port();
  auth::StreamAuditSink tracking("tracking", clock, redis);
  tracking.Record({"permission_denied", "person:p-xu-gang", "service:gateway", "ResolveCase", "cases/c-42",
                   "10.0.0.9", "permission denied: resolve cases/c-42"});
  std::vector<v1::AuditEvent> denied;
  for (int i = 0; i < 200 && denied.empty(); ++i) {
    for (const auto& e : Events("permission_denied")) {
      if (e.service() == "tracking" && e.resource() == "cases/c-42") denied.push_back(e);
    }
    if (denied.empty()) std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(denied.size(), 1u);
  EXPECT_EQ(denied[0].principal(), "person:p-xu-gang");
  EXPECT_EQ(denied[0].via(), "service:gateway");

  // Newest first, page by page, each event once.
  v1::ListAuditEventsRequest request;
  request.set_page_size(2);
  std::vector<v1::AuditEvent> all;
  for (int pages = 0; pages < 100; ++pages) {
    v1::ListAuditEventsResponse response;
    ASSERT_TRUE(Admin()->ListAuditEvents(Call().get(), request, &response).ok());
    all.insert(all.end(), response.events().begin(), response.events().end());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  ASSERT_GE(all.size(), 2u);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_TRUE(ids.insert(all[i].id()).second) << all[i].id();
    if (i > 0) EXPECT_GE(all[i - 1].time().seconds() * 1000 + all[i - 1].time().nanos() / 1000000,
                         all[i].time().seconds() * 1000 + all[i].time().nanos() / 1000000);
  }
  // Only an admin reads it.
  v1::ListAuditEventsResponse response;
  EXPECT_EQ(As("gateway")->ListAuditEvents(Call().get(), {}, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace voc
