// The gateway's front door (issue 9): sessions, cookies, CSRF, Origin,
// Host and trusted-header SSO, over a fake voc-identity (the outside edge)
// and the fake backend.
#include "services/gateway/session_gate.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <mutex>

#include "tests/support/servers.h"
#include "tests/unit/gateway/fake_backend.h"

namespace voc::gateway {
namespace {

// voc-identity as the gateway sees it: accounts with passwords, sessions by
// id, throttling after three failures per account (identity's own rules
// are tested in tests/unit/identity).
class FakeSessions final : public SessionAuthority {
 public:
  struct Account {
    std::string password, person, name;
    std::vector<std::string> roles, departments;
  };
  absl::StatusOr<v1::LoginResponse> Login(const v1::LoginRequest& request) override {
    logins.push_back(request);
    if (failures[request.username()] >= 3) return absl::ResourceExhaustedError("throttled");
    auto it = accounts.find(request.username());
    if (it == accounts.end() || it->second.password != request.password()) {
      ++failures[request.username()];
      return absl::UnauthenticatedError(it == accounts.end() ? "no such account" : "bad password");
    }
    return Open(request.username());
  }
  absl::StatusOr<v1::LoginResponse> StartProxySession(const v1::StartProxySessionRequest& request) override {
    proxy_starts.push_back(request);
    if (!accounts.count(request.username())) return absl::UnauthenticatedError("no such account");
    return Open(request.username());
  }
  absl::StatusOr<v1::Session> CheckSession(const std::string& session_id) override {
    if (!available.ok()) return available;
    auto it = sessions.find(session_id);
    if (it == sessions.end()) return absl::UnauthenticatedError("session unknown or expired");
    return it->second;
  }
  absl::Status Logout(const std::string& session_id) override {
    sessions.erase(session_id);
    return absl::OkStatus();
  }

  v1::LoginResponse Open(const std::string& username) {
    const Account& a = accounts.at(username);
    v1::LoginResponse response;
    response.set_session_id("sid-" + std::to_string(++opened));
    v1::Session& s = *response.mutable_session();
    s.set_username(username);
    s.set_person_id(a.person);
    s.set_display_name(a.name);
    s.set_csrf_token("csrf-" + std::to_string(opened));
    s.set_language("zh");
    for (const auto& r : a.roles) s.add_roles(r);
    for (const auto& d : a.departments) s.add_departments(d);
    sessions[response.session_id()] = s;
    return response;
  }

  std::map<std::string, Account> accounts;
  std::map<std::string, v1::Session> sessions;
  std::map<std::string, int> failures;
  std::vector<v1::LoginRequest> logins;
  std::vector<v1::StartProxySessionRequest> proxy_starts;
  absl::Status available = absl::OkStatus();
  int opened = 0;
};

class RecordingAudit final : public auth::AuditSink {
 public:
  void Record(const auth::AuditRecord& record) override { records.push_back(record); }
  std::vector<auth::AuditRecord> records;
};

constexpr char kHost[] = "127.0.0.1:8080";
constexpr char kOrigin[] = "http://127.0.0.1:8080";

class SessionGateTest : public ::testing::Test {
 protected:
  SessionGateTest() {
    web_ = std::filesystem::path(dir_.path()) / "web";
    std::filesystem::create_directories(web_);
    std::ofstream(web_ / "index.html") << "<!doctype html><title>VoC</title>";
    router_ = std::make_unique<Router>(
        backend_,
        std::vector<org::Department>{{"logistics", "物流部", "Logistics", "p-wang-lei"},
                                     {"app_engineering", "应用研发部", "App Engineering", "p-kevin-zhou"}},
        StaticFiles(web_));
    sessions_.accounts["p-wang-lei"] = {"correct horse battery", "p-wang-lei", "王磊", {"member", "department_head"},
                                        {"logistics"}};
    sessions_.accounts["p-emily-carter"] = {"another long secret", "p-emily-carter", "Emily Carter",
                                            {"member", "analyst"}, {"customer_success"}};
    backend_.the_case.set_name("cases/abc");
    backend_.the_case.set_id("abc");
    backend_.the_case.set_state(v1::CASE_STATE_ACKNOWLEDGED);
    MakeGate(SessionGateOptions{});
  }

  void MakeGate(SessionGateOptions options) {
    gate_ = std::make_unique<SessionGate>(sessions_, *router_, audit_, std::move(options));
  }

  HttpRequest Request(const std::string& method, const std::string& target, const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.headers["host"] = kHost;
    if (method != "GET") {
      r.headers["origin"] = kOrigin;
      r.headers["content-type"] = "application/json";
    }
    r.body = body;
    r.remote_address = "127.0.0.1";
    return r;
  }
  HttpResponse Login(const std::string& user, const std::string& password) {
    return gate_->Handle(Request("POST", "/api/login", nlohmann::json{{"username", user}, {"password", password}}.dump()));
  }
  // Logs in and returns a request template carrying the cookie and the token.
  HttpRequest LoggedIn(const std::string& user, const std::string& password, const std::string& method,
                       const std::string& target, const std::string& body = "") {
    const HttpResponse login = Login(user, password);
    EXPECT_EQ(login.status, 200) << login.body;
    const std::string cookie = login.headers.at("Set-Cookie");
    HttpRequest r = Request(method, target, body);
    r.headers["cookie"] = "theme=dark; " + cookie.substr(0, cookie.find(';'));
    if (method != "GET") r.headers["x-csrf-token"] = nlohmann::json::parse(login.body)["csrf_token"];
    return r;
  }
  static nlohmann::json Body(const HttpResponse& r) { return nlohmann::json::parse(r.body); }

  testing::TempDir dir_;
  std::filesystem::path web_;
  FakeBackend backend_;
  FakeSessions sessions_;
  RecordingAudit audit_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<SessionGate> gate_;
};

TEST_F(SessionGateTest, LoginSetsAnHttpOnlyLaxCookieAndAnswersWithThePerson) {
  const HttpResponse r = Login("p-wang-lei", "correct horse battery");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers.at("Set-Cookie"), "voc_session=sid-1; HttpOnly; SameSite=Lax; Path=/");
  const auto j = Body(r);
  EXPECT_EQ(j["person"], "p-wang-lei");
  EXPECT_EQ(j["name"], "王磊");
  EXPECT_EQ(j["csrf_token"], "csrf-1");
  EXPECT_EQ(j["language"], "zh");
  EXPECT_EQ(j["departments"], nlohmann::json({"logistics"}));
  EXPECT_EQ(j["roles"], nlohmann::json({"member", "department_head"}));
  ASSERT_EQ(sessions_.logins.size(), 1u);
  EXPECT_EQ(sessions_.logins[0].client_address(), "127.0.0.1") << "identity throttles per address";
  EXPECT_EQ(r.headers.at("Cache-Control"), "no-store");
}

TEST_F(SessionGateTest, WithTlsTheCookieIsSecureAndThePageOriginIsHttps) {
  SessionGateOptions options;
  options.tls = true;
  MakeGate(options);
  EXPECT_EQ(Login("p-wang-lei", "correct horse battery").status, 403) << "http origin on a TLS gateway";
  HttpRequest login = Request("POST", "/api/login", R"({"username":"p-wang-lei","password":"correct horse battery"})");
  login.headers["origin"] = "https://127.0.0.1:8080";
  const HttpResponse r = gate_->Handle(login);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers.at("Set-Cookie"), "voc_session=sid-1; HttpOnly; SameSite=Lax; Path=/; Secure");
  HttpRequest logout = Request("POST", "/api/logout");
  logout.headers["origin"] = "https://127.0.0.1:8080";
  EXPECT_EQ(gate_->Handle(logout).headers.at("Set-Cookie"), "voc_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0; Secure");
}

TEST_F(SessionGateTest, AWrongPasswordAndAnUnknownUserGetTheSameAnswer) {
  const HttpResponse wrong = Login("p-wang-lei", "not the password");
  const HttpResponse unknown = Login("p-nobody", "not the password");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, unknown.body) << "the answer never tells whether the account exists";
  EXPECT_EQ(Body(wrong)["error"]["code"], "UNAUTHENTICATED");
  EXPECT_EQ(Body(wrong)["error"]["message"], "wrong user name or password");
  EXPECT_EQ(wrong.headers.count("Set-Cookie"), 0u);
  Login("p-wang-lei", "again wrong");
  Login("p-wang-lei", "and again");
  const HttpResponse throttled = Login("p-wang-lei", "correct horse battery");
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(Body(throttled)["error"]["code"], "RESOURCE_EXHAUSTED");
  EXPECT_EQ(Login("", "x").status, 400);
  HttpRequest form = Request("POST", "/api/login", "username=a&password=b");
  form.headers["content-type"] = "application/x-www-form-urlencoded";
  EXPECT_EQ(gate_->Handle(form).status, 415);
}

TEST_F(SessionGateTest, EveryApiRouteButLoginNeedsASession) {
  for (const char* target : {"/api/cases", "/api/departments", "/api/me", "/api/clock", "/api/cases/abc"}) {
    const HttpResponse r = gate_->Handle(Request("GET", target));
    EXPECT_EQ(r.status, 401) << target;
    EXPECT_EQ(Body(r)["error"]["code"], "UNAUTHENTICATED") << target;
  }
  HttpRequest stale = Request("GET", "/api/cases");
  stale.headers["cookie"] = "voc_session=sid-forged";
  const HttpResponse r = gate_->Handle(stale);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.headers.at("Set-Cookie"), ClearedSessionCookie(false)) << "a dead cookie is cleared";
  EXPECT_TRUE(backend_.callers.empty()) << "no backend call without a session";
  // The page itself (with the login form) and the probes are open.
  EXPECT_EQ(gate_->Handle(Request("GET", "/")).status, 200);
  EXPECT_EQ(gate_->Handle(Request("GET", "/healthz")).status, 200);
}

TEST_F(SessionGateTest, IdentityDownIs503NotALogout) {
  HttpRequest r = LoggedIn("p-wang-lei", "correct horse battery", "GET", "/api/cases");
  sessions_.available = absl::UnavailableError("identity: connection refused");
  const HttpResponse answer = gate_->Handle(r);
  EXPECT_EQ(answer.status, 503);
  EXPECT_EQ(answer.headers.count("Set-Cookie"), 0u);
}

TEST_F(SessionGateTest, CallsAreMadeForTheSessionsPersonAndTheBodysActorIsIgnored) {
  const HttpResponse r = gate_->Handle(LoggedIn("p-wang-lei", "correct horse battery", "POST",
                                                "/api/cases/abc/acknowledge", R"({"actor":"p-sun-li"})"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(backend_.last_ack.actor(), "p-wang-lei");
  ASSERT_EQ(backend_.callers.size(), 1u);
  EXPECT_EQ(backend_.callers[0].person_id, "p-wang-lei");
  EXPECT_EQ(backend_.callers[0].client_address, "127.0.0.1");
  const HttpResponse me = gate_->Handle(LoggedIn("p-wang-lei", "correct horse battery", "GET", "/api/me"));
  EXPECT_EQ(Body(me)["person"], "p-wang-lei");
}

TEST_F(SessionGateTest, AStateChangeNeedsTheSessionsCsrfToken) {
  HttpRequest r = LoggedIn("p-wang-lei", "correct horse battery", "POST", "/api/cases/abc/acknowledge", "{}");
  HttpRequest without = r;
  without.headers.erase("x-csrf-token");
  const HttpResponse refused = gate_->Handle(without);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(Body(refused)["error"]["code"], "PERMISSION_DENIED");
  EXPECT_EQ(Body(refused)["error"]["message"], "X-CSRF-Token: missing or wrong");
  HttpRequest wrong = r;
  wrong.headers["x-csrf-token"] = "csrf-2";
  EXPECT_EQ(gate_->Handle(wrong).status, 403);
  EXPECT_TRUE(backend_.callers.empty()) << "refused before any backend call";
  ASSERT_FALSE(audit_.records.empty());
  EXPECT_EQ(audit_.records.back().kind, "permission_denied");
  EXPECT_EQ(gate_->Handle(r).status, 200);
  // Reads need no token.
  HttpRequest read = r;
  read.method = "GET";
  read.target = "/api/cases";
  read.headers.erase("x-csrf-token");
  EXPECT_EQ(gate_->Handle(read).status, 200);
}

TEST_F(SessionGateTest, AStateChangeFromAnotherOriginIsRefused) {
  HttpRequest r = LoggedIn("p-wang-lei", "correct horse battery", "POST", "/api/cases/abc/acknowledge", "{}");
  for (const char* origin : {"http://evil.example", "http://127.0.0.1:9999", "null", ""}) {
    HttpRequest other = r;
    other.headers["origin"] = origin;
    if (std::string(origin).empty()) other.headers.erase("origin");
    const HttpResponse refused = gate_->Handle(other);
    EXPECT_EQ(refused.status, 403) << origin;
    EXPECT_EQ(Body(refused)["error"]["message"], "origin: missing or not allowed for a state-changing request");
  }
  HttpRequest localhost = r;  // the same page loaded as localhost
  localhost.headers["host"] = "localhost:8080";
  localhost.headers["origin"] = "http://localhost:8080";
  EXPECT_EQ(gate_->Handle(localhost).status, 200);
  // Login too: a cross-site form cannot log the browser in.
  HttpRequest login = Request("POST", "/api/login", R"({"username":"p-wang-lei","password":"correct horse battery"})");
  login.headers["origin"] = "http://evil.example";
  EXPECT_EQ(gate_->Handle(login).status, 403);
}

TEST_F(SessionGateTest, ConfiguredOriginsReplaceThePagesOwn) {
  SessionGateOptions options;
  options.allowed_hosts = {"voc.example.com"};
  options.allowed_origins = {"https://voc.example.com"};
  MakeGate(options);
  HttpRequest login = Request("POST", "/api/login", R"({"username":"p-wang-lei","password":"correct horse battery"})");
  login.headers["host"] = "voc.example.com";
  login.headers["origin"] = "http://voc.example.com";
  EXPECT_EQ(gate_->Handle(login).status, 403);
  login.headers["origin"] = "https://voc.example.com";
  EXPECT_EQ(gate_->Handle(login).status, 200);
}

TEST_F(SessionGateTest, ABadHostIsRefusedButProbesAnswer) {
  for (const char* host : {"evil.example", "evil.example:8080", "127.0.0.1.nip.io", ""}) {
    HttpRequest page = Request("GET", "/");
    page.headers["host"] = host;
    EXPECT_EQ(gate_->Handle(page).status, 421) << host;
    HttpRequest api = Request("GET", "/api/cases");
    api.headers["host"] = host;
    EXPECT_EQ(gate_->Handle(api).status, 421) << host;
    HttpRequest health = Request("GET", "/healthz");
    health.headers["host"] = host;
    EXPECT_EQ(gate_->Handle(health).status, 200) << host;
    HttpRequest ready = Request("GET", "/readyz");
    ready.headers["host"] = host;
    EXPECT_EQ(gate_->Handle(ready).status, 200) << host;
  }
  for (const char* host : {"localhost", "LOCALHOST:8080", "[::1]:8080", "127.0.0.1"}) {
    HttpRequest page = Request("GET", "/");
    page.headers["host"] = host;
    EXPECT_EQ(gate_->Handle(page).status, 200) << host;
  }
}

TEST_F(SessionGateTest, LogoutEndsTheSessionServerSide) {
  HttpRequest logout = LoggedIn("p-wang-lei", "correct horse battery", "POST", "/api/logout");
  HttpRequest list = logout;
  list.method = "GET";
  list.target = "/api/cases";
  EXPECT_EQ(gate_->Handle(list).status, 200);
  HttpRequest forged = logout;
  forged.headers.erase("x-csrf-token");
  EXPECT_EQ(gate_->Handle(forged).status, 403) << "a cross-site page cannot log you out either";
  const HttpResponse out = gate_->Handle(logout);
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_EQ(out.headers.at("Set-Cookie"), ClearedSessionCookie(false));
  EXPECT_TRUE(sessions_.sessions.empty());
  EXPECT_EQ(gate_->Handle(list).status, 401) << "the old cookie is useless";
  EXPECT_EQ(gate_->Handle(logout).status, 200) << "idempotent";
}

TEST_F(SessionGateTest, TheDepartmentPickerOffersWhatThePersonMaySee) {
  const auto member = Body(gate_->Handle(LoggedIn("p-wang-lei", "correct horse battery", "GET", "/api/departments")));
  ASSERT_EQ(member["departments"].size(), 1u);
  EXPECT_EQ(member["departments"][0]["id"], "logistics");
  const auto analyst =
      Body(gate_->Handle(LoggedIn("p-emily-carter", "another long secret", "GET", "/api/departments")));
  EXPECT_EQ(analyst["departments"].size(), 2u);
}

class TrustedProxyTest : public SessionGateTest {
 protected:
  TrustedProxyTest() {
    SessionGateOptions options;
    options.trusted_proxy = true;
    options.trusted_proxy_addresses = {"10.0.0.5"};
    MakeGate(options);
  }
  HttpRequest Proxied(const std::string& peer, const std::string& user) {
    HttpRequest r = Request("GET", "/api/cases");
    r.remote_address = peer;
    r.headers["x-forwarded-user"] = user;
    r.headers["x-forwarded-for"] = "192.0.2.7, 10.0.0.4";
    return r;
  }
};

TEST_F(TrustedProxyTest, TheHeaderIsHonouredFromTheProxyOnceThenTheCookieCarriesTheSession) {
  const HttpResponse first = gate_->Handle(Proxied("10.0.0.5", "p-wang-lei"));
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(sessions_.proxy_starts.size(), 1u);
  EXPECT_EQ(sessions_.proxy_starts[0].username(), "p-wang-lei");
  EXPECT_EQ(sessions_.proxy_starts[0].client_address(), "10.0.0.4") << "the entry the proxy added";
  const std::string cookie = first.headers.at("Set-Cookie");
  EXPECT_EQ(cookie, "voc_session=sid-1; HttpOnly; SameSite=Lax; Path=/");
  ASSERT_FALSE(backend_.callers.empty());
  EXPECT_EQ(backend_.callers.back().person_id, "p-wang-lei");

  HttpRequest again = Proxied("10.0.0.5", "p-wang-lei");
  again.headers["cookie"] = cookie.substr(0, cookie.find(';'));
  EXPECT_EQ(gate_->Handle(again).status, 200);
  EXPECT_EQ(sessions_.proxy_starts.size(), 1u) << "the session is reused";
  // The proxy now names someone else: their own session, not the old one.
  HttpRequest other = again;
  other.headers["x-forwarded-user"] = "p-emily-carter";
  EXPECT_EQ(gate_->Handle(other).status, 200);
  EXPECT_EQ(backend_.callers.back().person_id, "p-emily-carter");
  EXPECT_EQ(gate_->Handle(Proxied("10.0.0.5", "p-unknown")).status, 401);
}

TEST_F(TrustedProxyTest, TheHeaderFromAnyOtherPeerIsIgnoredAndAudited) {
  const HttpResponse r = gate_->Handle(Proxied("10.0.0.9", "p-wang-lei"));
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(sessions_.proxy_starts.empty());
  ASSERT_FALSE(audit_.records.empty());
  EXPECT_EQ(audit_.records.back().kind, "trusted_header_ignored");
  EXPECT_EQ(audit_.records.back().client_address, "10.0.0.9") << "X-Forwarded-For is not believed either";
}

TEST(SessionGateOptionsTest, FromConfig) {
  auto defaults = SessionGateOptionsFrom(Config::FromString("services: {gateway: {}}", "gateway").value());
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_FALSE(defaults->trusted_proxy) << "off by default";
  EXPECT_FALSE(defaults->tls);
  EXPECT_EQ(defaults->allowed_hosts, (std::set<std::string>{"127.0.0.1", "localhost", "[::1]"}));

  auto set = SessionGateOptionsFrom(Config::FromString(R"(
tls: {enabled: true}
services:
  gateway:
    allowed_hosts: "voc.example.com, VOC.internal"
    allowed_origins: "https://voc.example.com/"
    trusted_proxy: {enabled: true, header: X-Auth-Request-User, addresses: "10.0.0.5, 10.0.0.6"}
)", "gateway").value());
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_TRUE(set->tls);
  EXPECT_EQ(set->allowed_hosts, (std::set<std::string>{"voc.example.com", "voc.internal"}));
  EXPECT_EQ(set->allowed_origins, (std::set<std::string>{"https://voc.example.com"}));
  EXPECT_EQ(set->trusted_proxy_header, "x-auth-request-user");
  EXPECT_EQ(set->trusted_proxy_addresses, (std::set<std::string>{"10.0.0.5", "10.0.0.6"}));

  auto no_addresses = SessionGateOptionsFrom(
      Config::FromString("services: {gateway: {trusted_proxy: {enabled: true}}}", "gateway").value());
  EXPECT_EQ(no_addresses.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(no_addresses.status().message().find("services.gateway.trusted_proxy.addresses"), std::string::npos);
  auto bad_origin = SessionGateOptionsFrom(
      Config::FromString("services: {gateway: {allowed_origins: \"voc.example.com\"}}", "gateway").value());
  EXPECT_NE(bad_origin.status().message().find("services.gateway.allowed_origins"), std::string::npos);
}

}  // namespace
}  // namespace voc::gateway
