// The gateway over a real socket: Beast HTTP server + Router + GrpcBackend
// talking real gRPC to in-process tracking, ingest and triage stand-ins
// (canned answers, real status codes; triage's topics and department filter
// follow the shipped config/taxonomy.yaml as voc.v1 ListTopics and
// ListClusters describe them), to tracking's real DevClockService,
// and to the real verification service (its gRPC surface, logic and SQLite
// store; its knowledge base is filled through its stream handler and a real
// verdict, counting complaints through the triage stand-in).
// Issue 9, GatewayLoginTest: the real voc-gateway, voc-identity and
// voc-tracking binaries with per-test credentials: logging in, who sees
// what, CSRF, logout, throttling, idle expiry on identity's dev clock.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

// Boost 1.74 asio uses std::exchange without including <utility> under C++20.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "common/auth/authenticator.h"
#include "common/rpc/channel.h"
#include "common/rpc/server.h"
#include "common/util/time.h"
#include "proto/api/topic_id.h"
#include "services/gateway/grpc_clients.h"
#include "services/gateway/http_server.h"
#include "services/gateway/router.h"
#include "services/verification/grpc_clients.h"
#include "services/verification/verification_consumer.h"
#include "services/verification/verification_grpc.h"
#include "services/verification/verification_service.h"
#include "tests/support/in_process_auth.h"  // issue 9 (stages helper): VerificationGrpc authenticates
#include "tests/support/auth_fixture.h"
#include "tests/support/servers.h"
#include "voc/v1/identity.grpc.pb.h"

namespace voc::gateway {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

class TrackingStandIn final : public v1::TrackingService::Service {
 public:
  TrackingStandIn() {
    open_case.set_name("cases/c1");
    open_case.set_id("c1");
    open_case.set_kind(v1::CASE_KIND_DETRACTOR_CALLBACK);
    open_case.set_state(v1::CASE_STATE_OPEN);
    open_case.set_feedback_id("f1");
    open_case.set_title("回访：配送延迟");
    open_case.add_owners()->set_department("customer_success");
    *open_case.mutable_due_time() = ToProto(std::chrono::system_clock::now() + std::chrono::hours(24));
  }
  grpc::Status ListCases(grpc::ServerContext* context, const v1::ListCasesRequest* request,
                         v1::ListCasesResponse* response) override {
    std::lock_guard lock(mu);
    last_list = *request;
    // issue 9: for whom the gateway called.
    last_metadata.clear();
    for (const auto& [key, value] : context->client_metadata()) {
      last_metadata[std::string(key.data(), key.size())] = std::string(value.data(), value.size());
    }
    if (request->department() == "customer_success") *response->add_cases() = open_case;
    return grpc::Status::OK;
  }
  grpc::Status GetCase(grpc::ServerContext*, const v1::GetCaseRequest* request, v1::Case* response) override {
    std::lock_guard lock(mu);
    if (request->name() != open_case.name()) return {grpc::StatusCode::NOT_FOUND, request->name() + " not found"};
    *response = open_case;
    response->add_history()->set_action("created");
    return grpc::Status::OK;
  }
  grpc::Status AcknowledgeCase(grpc::ServerContext*, const v1::AcknowledgeCaseRequest* request,
                               v1::Case* response) override {
    std::lock_guard lock(mu);
    if (open_case.state() != v1::CASE_STATE_OPEN) {
      return {grpc::StatusCode::FAILED_PRECONDITION, "cases/c1 is acknowledged, not open"};
    }
    open_case.set_state(v1::CASE_STATE_ACKNOWLEDGED);
    acknowledged_by = request->actor();
    *response = open_case;
    return grpc::Status::OK;
  }
  grpc::Status ResolveCase(grpc::ServerContext*, const v1::ResolveCaseRequest* request,
                           v1::Case* response) override {
    return {grpc::StatusCode::INVALID_ARGUMENT, "resolution_note: too vague"};
  }

  std::mutex mu;
  v1::Case open_case;
  v1::ListCasesRequest last_list;
  std::map<std::string, std::string> last_metadata;
  std::string acknowledged_by;
};

class IngestStandIn final : public v1::IngestService::Service {
 public:
  grpc::Status GetFeedback(grpc::ServerContext*, const v1::GetFeedbackRequest* request,
                           v1::Feedback* response) override {
    response->set_id("f1");
    response->set_text("快递一周还没到 <script>alert(1)</script>");
    response->set_nps(2);
    return grpc::Status::OK;
  }
};

// Triage stand-in: the shipped taxonomy, three clusters (largest first, topic
// prefix filter and offset paging as triage does), one weak signal, and
// complaint counts for verification: 40 of 100 negative feedback on the
// topic before `boundary`, 10 of 100 after.
class TriageStandIn final : public v1::TriageService::Service {
 public:
  TriageStandIn() {
    // The shipped taxonomy's topics as ListTopics reports them: a topic
    // without a department inherits its parent's (tests run from the source
    // tree).
    for (const auto& node : YAML::LoadFile("config/taxonomy.yaml")["topics"]) {
      v1::Topic& t = topics.emplace_back();
      t.set_id(node["id"].as<std::string>());
      t.set_parent(std::string(api::ParentTopic(t.id())));
      t.set_name_zh(node["name"]["zh"].as<std::string>(""));
      t.set_name_en(node["name"]["en"].as<std::string>(""));
      if (node["department"]) {
        t.set_department(node["department"].as<std::string>());
      } else if (const v1::Topic* parent = Find(t.parent())) {
        t.set_department(parent->department());
      }
    }
    AddCluster("21", 9, {"service.after_sales"}, "保修维修等了一个月");
    AddCluster("22", 7, {"logistics.delivery_delay"}, "配送太慢 <script>alert(1)</script>");
    AddCluster("23", 5, {"app"}, "App keeps logging me out");
  }
  grpc::Status ListTopics(grpc::ServerContext*, const v1::ListTopicsRequest* request,
                          v1::ListTopicsResponse* response) override {
    response->set_version("shipped");
    for (const auto& t : topics) {
      if (request->department().empty() || t.department() == request->department()) *response->add_topics() = t;
    }
    return grpc::Status::OK;
  }
  grpc::Status ListClusters(grpc::ServerContext*, const v1::ListClustersRequest* request,
                            v1::ListClustersResponse* response) override {
    std::lock_guard lock(mu);
    cluster_requests.push_back(*request);
    const long offset = request->page_token().empty() ? 0 : std::stol(request->page_token());
    const int size = request->page_size() > 0 ? request->page_size() : 50;
    long index = 0;
    int returned = 0;
    for (const auto& c : clusters) {
      bool on_topic = request->topic().empty();
      bool in_department = request->department().empty();
      for (const auto& t : c.topics()) {
        if (api::IsSameOrDescendant(t, request->topic())) on_topic = true;
        if (DepartmentOf(t) == request->department()) in_department = true;
      }
      if (!on_topic || !in_department || index++ < offset) continue;
      if (returned >= size) break;
      *response->add_clusters() = c;
      ++returned;
    }
    if (returned == size) response->set_next_page_token(std::to_string(offset + returned));
    return grpc::Status::OK;
  }
  grpc::Status ListEmergingSignals(grpc::ServerContext*, const v1::ListEmergingSignalsRequest* request,
                                   v1::ListEmergingSignalsResponse* response) override {
    std::lock_guard lock(mu);
    last_signals = *request;
    if (!signals_on) return {grpc::StatusCode::FAILED_PRECONDITION, "weak-signal detection is off"};
    auto* s = response->add_signals();
    s->add_terms("星辰S7");
    s->add_terms("异响");
    s->set_count(4);
    s->set_expected(0.1);
    s->set_p_value(2e-6);
    return grpc::Status::OK;
  }
  grpc::Status CountFeedback(grpc::ServerContext*, const v1::CountFeedbackRequest* request,
                             v1::CountFeedbackResponse* response) override {
    std::lock_guard lock(mu);
    response->set_total_count(250);
    response->set_negative_count(100);
    response->set_topic_negative_count(FromProto(request->end_time()) <= boundary ? 40 : 10);
    return grpc::Status::OK;
  }

  void AddCluster(const std::string& id, int size, std::vector<std::string> topics, const std::string& text) {
    auto& c = clusters.emplace_back();
    c.set_id(id);
    c.set_name("clusters/" + id);
    c.set_size(size);
    for (const auto& t : topics) c.add_topics(t);
    c.set_representative_text(text);
  }

  const v1::Topic* Find(const std::string& id) const {
    for (const auto& t : topics) {
      if (t.id() == id) return &t;
    }
    return nullptr;
  }
  // The topic's department, or its nearest known ancestor's.
  std::string DepartmentOf(const std::string& id) const {
    for (std::string_view t = id; !t.empty(); t = api::ParentTopic(t)) {
      if (const v1::Topic* known = Find(std::string(t))) return known->department();
    }
    return "";
  }

  std::mutex mu;
  std::vector<v1::Topic> topics;
  std::vector<v1::Cluster> clusters;
  std::vector<v1::ListClustersRequest> cluster_requests;
  v1::ListEmergingSignalsRequest last_signals;
  bool signals_on = true;
  TimePoint boundary;
};

// Verification's outbound ports that these tests never reach.
class NoReopener final : public verification::ProjectReopener {
 public:
  absl::Status Reopen(const std::string&, const std::string&) override {
    return absl::FailedPreconditionError("not closed");
  }
};

struct Fetched {
  int status = 0;
  std::string body;
  std::string content_type;
  nlohmann::json Json() const { return nlohmann::json::parse(body); }
};

class GatewayHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    services_ = std::make_unique<rpc::ServiceServer>(rpc::ServerOptions{"tracking", "127.0.0.1:0", &dev_clock_},
                                                     std::vector<grpc::Service*>{&tracking_, &ingest_, &triage_});
    const std::string address = "127.0.0.1:" + std::to_string(services_->Start().value());

    // The real verification service on its own server, counting through the triage stand-in.
    auto opened_verification_db = storage::Database::Open("sqlite3://" + dir_.path() + "/verification.db");
    ASSERT_TRUE(opened_verification_db.ok()) << opened_verification_db.status();
    verification_db_ = *std::move(opened_verification_db);
    const absl::StatusOr<int> version_verification_db = verification_db_->Migrate("verification", verification::Migrations());
    ASSERT_TRUE(version_verification_db.ok()) << version_verification_db.status();
    ASSERT_EQ(*version_verification_db, verification::Migrations().back().version);
    verification_store_ = std::make_unique<verification::VerificationStore>(*verification_db_);
    counter_ = std::make_unique<verification::TriageComplaintCounter>(rpc::MakeChannel(address));
    verification_ = std::make_unique<verification::VerificationService>(
        verification_clock_, *verification_store_, *counter_, reopener_, verification::VerificationSettings{});
    verification_consumer_ = std::make_unique<verification::VerificationConsumer>(*verification_);
    verification_auth_ = testing::InProcessAuthenticator(creds_, wall_clock_, "verification");  // issue 9 (stages)
    verification_grpc_ = std::make_unique<verification::VerificationGrpc>(*verification_, *verification_auth_);
    verification_server_ = std::make_unique<rpc::ServiceServer>(
        rpc::ServerOptions{"verification", "127.0.0.1:0", nullptr}, std::vector<grpc::Service*>{verification_grpc_.get()});
    const std::string verification_address = "127.0.0.1:" + std::to_string(verification_server_->Start().value());

    GrpcBackendOptions backend_options{rpc::MakeChannel(address), rpc::MakeChannel(address), true,
                                       std::chrono::milliseconds(3000)};
    backend_options.triage = rpc::MakeChannel(address);
    backend_options.verification = creds_.Channel(verification_address, "tester");  // issue 9 (stages)
    backend_ = std::make_unique<GrpcBackend>(std::move(backend_options), wall_clock_);
    const auto web = std::filesystem::path(dir_.path()) / "web";
    std::filesystem::create_directories(web);
    std::ofstream(web / "index.html") << "<!doctype html><title>VoC</title>";
    std::ofstream(std::filesystem::path(dir_.path()) / "secret.txt") << "secret";
    router_ = std::make_unique<Router>(*backend_,
                                       std::vector<org::Department>{{"customer_success", "客户成功部", "Customer Success", "p-liu-yang"},
                                                               {"logistics", "物流部", "Logistics", "p-wang-lei"},
                                                               {"after_sales", "售后服务部", "After-Sales Service", "p-luo-bin"}},
                                       StaticFiles(web));
    HttpServerOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 2;
    options.body_limit = 1024;
    http_ = std::make_unique<HttpServer>(options, [this](const HttpRequest& r) { return router_->Handle(r); });
    port_ = http_->Start().value();
  }
  void TearDown() override {
    if (http_) http_->Stop();
    if (verification_server_) verification_server_->Shutdown();
    if (services_) services_->Shutdown();
  }

  // Hands one voc:tracking event to the verification service's handler.
  void Deliver(const std::string& event, const std::string& payload) {
    auto result = verification_consumer_->HandleTracking({"1-0", {{"event", event}, {"payload", payload}}});
    ASSERT_TRUE(result.ok()) << result;
  }

  Fetched Send(beast::tcp_stream& stream, http::verb method, const std::string& target,
               const std::string& body = "", const std::string& content_type = "application/json") {
    http::request<http::string_body> request(method, target, 11);
    request.set(http::field::host, "127.0.0.1");
    if (!body.empty()) {
      request.set(http::field::content_type, content_type);
      request.body() = body;
    }
    request.prepare_payload();
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 << 20);
    http::read(stream, buffer, parser);
    auto& response = parser.get();
    return {static_cast<int>(response.result_int()), response.body(),
            std::string(response[http::field::content_type])};
  }

  Fetched Fetch(http::verb method, const std::string& target, const std::string& body = "",
                const std::string& content_type = "application/json") {
    beast::tcp_stream stream(io_);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)));
    return Send(stream, method, target, body, content_type);
  }

  testing::TempDir dir_;
  DevClock dev_clock_;
  SystemClock wall_clock_;
  TrackingStandIn tracking_;
  IngestStandIn ingest_;
  TriageStandIn triage_;
  std::unique_ptr<rpc::ServiceServer> services_;
  FakeClock verification_clock_{[] {
    TimePoint t;
    ParseRfc3339("2026-03-01T00:00:00Z", &t);
    return t;
  }()};
  std::unique_ptr<storage::Database> verification_db_;
  std::unique_ptr<verification::VerificationStore> verification_store_;
  std::unique_ptr<verification::TriageComplaintCounter> counter_;
  NoReopener reopener_;
  std::unique_ptr<verification::VerificationService> verification_;
  std::unique_ptr<verification::VerificationConsumer> verification_consumer_;
  testing::TestCredentials creds_;                              // issue 9 (stages)
  std::unique_ptr<auth::CallerAuthenticator> verification_auth_;  // issue 9 (stages)
  std::unique_ptr<verification::VerificationGrpc> verification_grpc_;
  std::unique_ptr<rpc::ServiceServer> verification_server_;
  std::unique_ptr<GrpcBackend> backend_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<HttpServer> http_;
  int port_ = 0;
  asio::io_context io_;
};

TEST_F(GatewayHttpTest, ServesThePageAndHealth) {
  auto page = Fetch(http::verb::get, "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(Fetch(http::verb::get, "/healthz").Json()["status"], "ok");
  auto traversal = Fetch(http::verb::get, "/../secret.txt");
  EXPECT_EQ(traversal.status, 400);
  EXPECT_EQ(traversal.body.find("secret\""), std::string::npos);
  EXPECT_EQ(Fetch(http::verb::get, "/%2e%2e/secret.txt").status, 400);
}

TEST_F(GatewayHttpTest, ListsAndShowsCasesOverGrpc) {
  auto list = Fetch(http::verb::get, "/api/cases?department=customer_success");
  ASSERT_EQ(list.status, 200) << list.body;
  auto cases = list.Json()["cases"];
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0]["title"], "回访：配送延迟");
  EXPECT_GT(cases[0]["time_left_ms"].get<long long>(), 23 * 3600 * 1000LL);
  {
    std::lock_guard lock(tracking_.mu);
    EXPECT_TRUE(tracking_.last_list.open_only());
  }

  auto one = Fetch(http::verb::get, "/api/cases/c1");
  ASSERT_EQ(one.status, 200) << one.body;
  auto j = one.Json();
  EXPECT_EQ(j["case"]["history"][0]["action"], "created");
  EXPECT_EQ(j["feedback"]["text"], "快递一周还没到 <script>alert(1)</script>");
  EXPECT_EQ(j["feedback"]["nps"], 2);

  auto missing = Fetch(http::verb::get, "/api/cases/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Json()["error"]["code"], "NOT_FOUND");
}

TEST_F(GatewayHttpTest, ActionsMapStatusCodes) {
  auto ack = Fetch(http::verb::post, "/api/cases/c1/acknowledge", R"({"actor":"p-liu-yang"})");
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(ack.Json()["case"]["state"], "acknowledged");
  {
    std::lock_guard lock(tracking_.mu);
    EXPECT_EQ(tracking_.acknowledged_by, "p-liu-yang");
  }
  auto again = Fetch(http::verb::post, "/api/cases/c1/acknowledge", R"({"actor":"p-liu-yang"})");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.Json()["error"]["message"], "cases/c1 is acknowledged, not open");

  auto invalid = Fetch(http::verb::post, "/api/cases/c1/resolve", R"({"actor":"p","note":"done"})");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(invalid.Json()["error"]["message"], "resolution_note: too vague");

  auto unimplemented = Fetch(http::verb::post, "/api/cases/c1/callback", R"({"actor":"p","reached":true})");
  EXPECT_EQ(unimplemented.status, 501);
}

// Issue 9: a call made for a logged-in person says so in its metadata
// (the gateway's own token is on the channel; the service decides).
TEST_F(GatewayHttpTest, CallsForAPersonCarryTheActingForAndClientAddressHeaders) {
  Caller wang;
  wang.person_id = "p-wang-lei";
  wang.client_address = "192.0.2.7";
  HttpRequest request;
  request.method = "GET";
  request.target = "/api/cases?department=customer_success";
  ASSERT_EQ(router_->Handle(request, wang).status, 200);
  {
    std::lock_guard lock(tracking_.mu);
    EXPECT_EQ(tracking_.last_metadata["x-voc-acting-for"], "p-wang-lei");
    EXPECT_EQ(tracking_.last_metadata["x-voc-client-address"], "192.0.2.7");
  }
  // The gateway's own calls (no person) claim nobody.
  ASSERT_EQ(router_->Handle(request).status, 200);
  std::lock_guard lock(tracking_.mu);
  EXPECT_EQ(tracking_.last_metadata.count("x-voc-acting-for"), 0u);
}

TEST_F(GatewayHttpTest, OversizedBodyIsRefused) {
  auto big = Fetch(http::verb::post, "/api/cases/c1/resolve",
                   R"({"actor":"p","note":")" + std::string(4096, 'x') + "\"}");
  EXPECT_EQ(big.status, 413);
}

TEST_F(GatewayHttpTest, KeepAliveServesSeveralRequests) {
  beast::tcp_stream stream(io_);
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)));
  EXPECT_EQ(Send(stream, http::verb::get, "/healthz").status, 200);
  EXPECT_EQ(Send(stream, http::verb::get, "/api/departments").status, 200);
  EXPECT_EQ(Send(stream, http::verb::get, "/api/nothing").status, 404);
}

TEST_F(GatewayHttpTest, ClockFollowsTrackingDevClock) {
  auto before = Fetch(http::verb::get, "/api/clock").Json();
  EXPECT_EQ(before["source"], "tracking_dev_clock");
  dev_clock_.Advance(std::chrono::hours(25));
  auto after = Fetch(http::verb::get, "/api/clock").Json();
  EXPECT_GE(after["now_ms"].get<long long>() - before["now_ms"].get<long long>(), 25 * 3600 * 1000LL);
  // The SLA countdown uses the same clock: 24 h left becomes overdue by ~1 h.
  auto cases = Fetch(http::verb::get, "/api/cases?department=customer_success").Json()["cases"];
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_LT(cases[0]["time_left_ms"].get<long long>(), -3500 * 1000LL);
}

TEST_F(GatewayHttpTest, TrackingDownIs503) {
  services_->Shutdown();
  auto r = Fetch(http::verb::get, "/api/cases?department=customer_success");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.Json()["error"]["code"], "UNAVAILABLE");
  EXPECT_EQ(Fetch(http::verb::get, "/api/clock").Json()["source"], "wall_clock_fallback");
  // Triage shared that server: its endpoints are unavailable too.
  EXPECT_EQ(Fetch(http::verb::get, "/api/clusters?department=logistics").status, 503);
  EXPECT_EQ(Fetch(http::verb::get, "/api/signals").Json()["error"]["code"], "UNAVAILABLE");
}

TEST_F(GatewayHttpTest, ClustersOfADepartmentFollowTheShippedTaxonomy) {
  auto r = Fetch(http::verb::get, "/api/clusters?department=logistics");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.Json();
  ASSERT_EQ(j["clusters"].size(), 1u);
  EXPECT_EQ(j["clusters"][0]["id"], "22");
  EXPECT_EQ(j["clusters"][0]["representative_text"], "配送太慢 <script>alert(1)</script>");
  EXPECT_EQ(j["filtered"], true);
  EXPECT_EQ(j["department_topics"][0], "logistics");
  EXPECT_EQ(j["topic_names"]["logistics.delivery_delay"]["zh"], "配送延迟");
  {
    std::lock_guard lock(triage_.mu);
    ASSERT_FALSE(triage_.cluster_requests.empty());
    EXPECT_EQ(triage_.cluster_requests.back().department(), "logistics") << "triage filters by department";
  }

  // After-sales is a subtopic of customer service's "service" with its own department.
  auto after_sales = Fetch(http::verb::get, "/api/clusters?department=after_sales").Json();
  ASSERT_EQ(after_sales["clusters"].size(), 1u);
  EXPECT_EQ(after_sales["clusters"][0]["id"], "21");
  EXPECT_EQ(after_sales["department_topics"], nlohmann::json({"service.after_sales"}));

  // Customer success owns no topic: every cluster, through triage's own paging.
  auto all = Fetch(http::verb::get, "/api/clusters?department=customer_success&page_size=2").Json();
  EXPECT_EQ(all["clusters"].size(), 2u);
  EXPECT_EQ(all["filtered"], false);
  EXPECT_EQ(all["next_page_token"], "2");
  EXPECT_EQ(Fetch(http::verb::get, "/api/clusters?page_token=2").Json()["clusters"][0]["id"], "23");

  auto bad = Fetch(http::verb::get, "/api/clusters?page_size=500");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["error"]["message"], "page_size: expected an integer 1..100");
}

TEST_F(GatewayHttpTest, WeakSignals) {
  auto r = Fetch(http::verb::get, "/api/signals?limit=5&day=2026-03-01");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.Json();
  EXPECT_EQ(j["scope"], "company");
  ASSERT_EQ(j["signals"].size(), 1u);
  EXPECT_EQ(j["signals"][0]["terms"], nlohmann::json({"星辰S7", "异响"}));
  EXPECT_EQ(j["signals"][0]["count"], 4);
  {
    std::lock_guard lock(triage_.mu);
    EXPECT_EQ(triage_.last_signals.limit(), 5);
    EXPECT_EQ(FormatRfc3339(FromProto(triage_.last_signals.day())), "2026-03-01T00:00:00.000Z");
    triage_.signals_on = false;
  }
  auto off = Fetch(http::verb::get, "/api/signals");
  EXPECT_EQ(off.status, 409);
  EXPECT_EQ(off.Json()["error"]["message"], "weak-signal detection is off");
}

TEST_F(GatewayHttpTest, KnowledgeFromTheRealVerificationService) {
  // A resolved complaint becomes a knowledge entry...
  v1::Case resolved;
  resolved.set_name("cases/k1");
  resolved.set_id("k1");
  resolved.set_kind(v1::CASE_KIND_COMPLAINT);
  resolved.set_title("快递破损 <b>赔付</b>");
  resolved.set_summary("Box crushed in transit");
  resolved.add_topics("logistics.damaged_package");
  resolved.set_resolution_note("Refunded and re-shipped");
  *resolved.mutable_update_time() = ToProto(verification_clock_.Now());
  Deliver("case_resolved", resolved.SerializeAsString());

  // ...and so does a closed project whose topic's share of complaints fell.
  const TimePoint closed = verification_clock_.Now();
  {
    std::lock_guard lock(triage_.mu);
    triage_.boundary = closed - std::chrono::hours(24 * 10);
  }
  v1::Project project;
  project.set_name("projects/p1");
  project.set_id("p1");
  project.set_title("午高峰配送延迟整改");
  project.set_topic("logistics.delivery_delay");
  project.set_description("More riders at lunchtime");
  auto* item = project.add_action_items();
  item->set_title("增加午高峰骑手");
  item->mutable_owner()->set_department("logistics");
  *project.mutable_create_time() = ToProto(closed - std::chrono::hours(24 * 10));
  *project.mutable_close_time() = ToProto(closed);
  Deliver("project_closed", project.SerializeAsString());
  verification_clock_.Advance(std::chrono::hours(721));
  ASSERT_EQ(verification_->RunDueChecks()->completed.size(), 1u);

  auto r = Fetch(http::verb::get, "/api/knowledge?q=LOGISTICS");  // ASCII case folding in verification
  ASSERT_EQ(r.status, 200) << r.body;
  auto entries = r.Json()["entries"];
  ASSERT_EQ(entries.size(), 2u) << r.body;
  EXPECT_EQ(entries[0]["kind"], "project") << "newest first";
  EXPECT_EQ(entries[0]["source"], "projects/p1");
  EXPECT_EQ(entries[0]["title"], "午高峰配送延迟整改");
  EXPECT_NE(entries[0]["resolution"].get<std::string>().find("增加午高峰骑手 (logistics)"), std::string::npos);
  EXPECT_NE(entries[0]["evidence"].get<std::string>().find("40/100"), std::string::npos) << entries[0]["evidence"];
  EXPECT_NE(entries[0]["evidence"].get<std::string>().find("verified"), std::string::npos);
  EXPECT_EQ(entries[1]["kind"], "case");
  EXPECT_EQ(entries[1]["title"], "快递破损 <b>赔付</b>");
  EXPECT_EQ(entries[1]["resolution"], "Refunded and re-shipped");
  EXPECT_EQ(entries[1]["evidence"], "Box crushed in transit");

  EXPECT_EQ(Fetch(http::verb::get, "/api/knowledge?q=%E8%B5%94%E4%BB%98").Json()["entries"].size(), 1u);  // 赔付
  EXPECT_EQ(Fetch(http::verb::get, "/api/knowledge?q=nothing").Json()["entries"].size(), 0u);
  auto missing = Fetch(http::verb::get, "/api/knowledge");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.Json()["error"]["message"], "q: required");
}

TEST_F(GatewayHttpTest, VerificationDownIs503) {
  verification_server_->Shutdown();
  auto r = Fetch(http::verb::get, "/api/knowledge?q=refund");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.Json()["error"]["code"], "UNAVAILABLE");
  EXPECT_EQ(Fetch(http::verb::get, "/api/cases?department=customer_success").status, 200) << "the rest still works";
}


// ---- issue 9: logging in, with the real voc-identity and voc-tracking
// processes and the real voc-gateway binary (TestCredentials' per-test
// tokens; accounts made through identity with a bootstrap admin key).

struct HttpAnswer {
  int status = 0;
  std::string body;
  std::string set_cookie;
  nlohmann::json Json() const { return nlohmann::json::parse(body); }
};

// A browser's session: the cookie and the CSRF token from the login answer.
struct BrowserSession {
  std::string cookie;  // "voc_session=..."
  std::string csrf;
  nlohmann::json me;
};

class GatewayLoginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_key_ = "vk_" + auth::RandomToken();
    WriteConfig();
    ASSERT_NO_FATAL_FAILURE(Start("identity", VOC_IDENTITY_BIN, identity_port_, {{"VOC_BOOTSTRAP_ADMIN_KEY", admin_key_}}));
    ASSERT_NO_FATAL_FAILURE(Start("tracking", VOC_TRACKING_BIN, tracking_port_, {}));
    ASSERT_NO_FATAL_FAILURE(Start("gateway", VOC_GATEWAY_BIN, gateway_port_, {}));
    wang_password_ = "pw-" + auth::RandomToken();
    xu_password_ = "pw-" + auth::RandomToken();
    ASSERT_NO_FATAL_FAILURE(CreateAccount("p-wang-lei", wang_password_));
    ASSERT_NO_FATAL_FAILURE(CreateAccount("p-xu-gang", xu_password_));
    logistics_case_ = CreateCase("logistics-1", "logistics", "p-wang-lei", "快递破损");
    CreateCase("logistics-2", "logistics", "p-xu-gang", "配送延迟");
    app_case_ = CreateCase("app-1", "app_engineering", "p-kevin-zhou", "App 闪退");
  }

  void WriteConfig() {
    config_path_ = dir_.path() + "/voc.yaml";
    std::ofstream out(config_path_);
    out << creds_.AuthYaml()
        << "data_dir: " << dir_.path() << "/var\n"
        << "redis: {host: 127.0.0.1, port: " << redis_.port() << "}\n"
        << "dev_clock: true\n"
        << "log_format: json\n"
        << "org: {directory: config/directory.yaml}\n"
        << "services:\n";
    for (const auto& [name, port] : {std::pair{"identity", identity_port_}, std::pair{"tracking", tracking_port_}}) {
      out << "  " << name << ":\n"
          << "    listen: 127.0.0.1:" << port << "\n"
          << "    address: 127.0.0.1:" << port << "\n"
          << "    metrics_listen: \"\"\n"
          << "    database: sqlite3://" << name << ".db\n";
      if (std::string(name) == "tracking") out << "    notifier: {kind: log}\n    sla_sweep_interval_ms: 3600000\n";
      // Identity's defaults, written out because the tests count on them.
      if (std::string(name) == "identity") out << "    session_idle_minutes: 30\n    login_failures_per_account: 5\n";
    }
    // The gateway's other backends are not needed here: addresses nobody listens on.
    for (const char* name : {"ingest", "triage", "verification"}) {
      out << "  " << name << ":\n    address: 127.0.0.1:" << testing::FreePort() << "\n";
    }
    out << "  gateway:\n"
        << "    listen: 127.0.0.1:" << gateway_port_ << "\n"
        << "    metrics_listen: \"\"\n"
        << "    static_dir: services/gateway/web\n"
        << gateway_extra_yaml_;
  }

  void Start(const std::string& name, const std::string& binary, int port, std::map<std::string, std::string> env) {
    for (const auto& [k, v] : creds_.ServiceEnv(name)) env[k] = v;
    processes_[name] = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{binary, "--config", config_path_}, dir_.path() + "/" + name + ".log", env,
        VOC_SOURCE_DIR);
    if (!testing::WaitForPort(port, 60000)) {
      std::ifstream log(dir_.path() + "/" + name + ".log");
      std::stringstream text;
      text << log.rdbuf();
      FAIL() << "voc-" << name << " did not start:\n" << text.str();
    }
  }

  std::shared_ptr<grpc::Channel> AdminChannel() {
    rpc::ChannelSecurity security;
    security.bearer_token = admin_key_;
    return rpc::MakeChannel("127.0.0.1:" + std::to_string(identity_port_), security);
  }

  void CreateAccount(const std::string& person, const std::string& password) {
    auto stub = v1::IdentityService::NewStub(AdminChannel());
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::CreateAccountRequest request;
    request.set_person_id(person);
    request.set_password(password);
    v1::Account account;
    const grpc::Status status = stub->CreateAccount(&context, request, &account);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // A case as assignment opens one (its own principal, cases:create).
  std::string CreateCase(const std::string& request_id, const std::string& department, const std::string& person,
                         const std::string& title) {
    auto stub = v1::TrackingService::NewStub(
        creds_.Channel("127.0.0.1:" + std::to_string(tracking_port_), "assignment"));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::CreateCaseRequest request;
    request.set_request_id(request_id);
    v1::Case& c = *request.mutable_case_();
    c.set_kind(v1::CASE_KIND_COMPLAINT);
    c.set_priority(v1::PRIORITY_P2);
    c.set_title(title);
    c.set_feedback_id("fb-" + request_id);
    c.add_owners()->set_department(department);
    c.mutable_owners(0)->set_person(person);
    *request.mutable_sla() = ToProto(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::hours(24)));
    v1::Case created;
    const grpc::Status status = stub->CreateCase(&context, request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created.id();
  }

  void AdvanceIdentityClock(std::chrono::seconds by) {
    auto stub = v1::DevClockService::NewStub(creds_.Channel("127.0.0.1:" + std::to_string(identity_port_)));
    grpc::ClientContext context;
    v1::AdvanceClockRequest request;
    *request.mutable_by() = ToProto(std::chrono::duration_cast<std::chrono::nanoseconds>(by));
    v1::GetTimeResponse response;
    const grpc::Status status = stub->AdvanceClock(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // One HTTP request as the page sends it: Host and Origin of the page,
  // the session's cookie and, for a POST, its CSRF token.
  // `from` is the client's own address (any 127.0.0.x is loopback), and
  // `headers` are sent as they are (an SSO proxy's user header).
  HttpAnswer Http(http::verb method, const std::string& target, const BrowserSession* session = nullptr,
                  const std::string& body = "", bool with_csrf = true, const std::string& from = "127.0.0.1",
                  const std::map<std::string, std::string>& headers = {}) {
    beast::tcp_stream stream(io_);
    stream.socket().open(asio::ip::tcp::v4());
    stream.socket().bind(asio::ip::tcp::endpoint(asio::ip::make_address(from), 0));
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                                           static_cast<unsigned short>(gateway_port_)));
    http::request<http::string_body> request(method, target, 11);
    for (const auto& [name, value] : headers) request.set(name, value);
    const std::string host = "127.0.0.1:" + std::to_string(gateway_port_);
    request.set(http::field::host, host);
    if (method != http::verb::get) {
      request.set(http::field::origin, "http://" + host);
      request.set(http::field::content_type, "application/json");
      request.body() = body.empty() ? "{}" : body;
    }
    if (session) {
      request.set(http::field::cookie, session->cookie);
      if (with_csrf && method != http::verb::get) request.set("X-CSRF-Token", session->csrf);
    }
    request.prepare_payload();
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    return {static_cast<int>(response.result_int()), response.body(), std::string(response[http::field::set_cookie])};
  }

  HttpAnswer LoginAnswer(const std::string& user, const std::string& password) {
    return Http(http::verb::post, "/api/login", nullptr,
                nlohmann::json{{"username", user}, {"password", password}}.dump());
  }
  BrowserSession Login(const std::string& user, const std::string& password) {
    const HttpAnswer answer = LoginAnswer(user, password);
    EXPECT_EQ(answer.status, 200) << answer.body;
    BrowserSession session;
    session.cookie = answer.set_cookie.substr(0, answer.set_cookie.find(';'));
    session.me = answer.Json();
    session.csrf = session.me.value("csrf_token", "");
    return session;
  }

  testing::TempDir dir_;
  testing::RedisServer redis_;
  voc::testing::TestCredentials creds_;
  std::string admin_key_, config_path_, wang_password_, xu_password_, logistics_case_, app_case_;
  std::string gateway_extra_yaml_;  // a derived fixture's gateway options, set before SetUp
  int identity_port_ = testing::FreePort();
  int tracking_port_ = testing::FreePort();
  int gateway_port_ = testing::FreePort();
  std::map<std::string, std::unique_ptr<testing::ChildProcess>> processes_;
  asio::io_context io_;
};

TEST_F(GatewayLoginTest, ALogisticsHeadSeesOnlyLogisticsCasesAndAcknowledgesOneAsHimself) {
  BrowserSession wang = Login("p-wang-lei", wang_password_);
  EXPECT_EQ(wang.me["person"], "p-wang-lei");
  EXPECT_NE(wang.me["departments"].dump().find("logistics"), std::string::npos) << wang.me;
  EXPECT_FALSE(wang.csrf.empty());

  const HttpAnswer own = Http(http::verb::get, "/api/cases?state=all&department=logistics", &wang);
  ASSERT_EQ(own.status, 200) << own.body;
  const nlohmann::json own_cases = own.Json()["cases"];
  EXPECT_EQ(own_cases.size(), 2u) << own.body;
  for (const auto& c : own_cases) EXPECT_EQ(c["owners"][0]["department"], "logistics") << c;

  const HttpAnswer departments = Http(http::verb::get, "/api/departments", &wang);
  ASSERT_EQ(departments.Json()["departments"].size(), 1u) << departments.body;
  EXPECT_EQ(departments.Json()["departments"][0]["id"], "logistics");

  // The body's actor is ignored: the case records the logged-in person.
  const HttpAnswer ack = Http(http::verb::post, "/api/cases/" + logistics_case_ + "/acknowledge", &wang,
                              R"({"actor":"p-sun-li"})");
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(ack.Json()["case"]["state"], "acknowledged");
  const nlohmann::json shown = Http(http::verb::get, "/api/cases/" + logistics_case_, &wang).Json();
  bool recorded = false;
  for (const auto& h : shown["case"]["history"]) {
    if (h["action"] == "acknowledged") recorded = h["actor"] == "p-wang-lei";
  }
  EXPECT_TRUE(recorded) << shown.dump();

  // Without the CSRF token the same request is refused before tracking.
  const HttpAnswer forged = Http(http::verb::post, "/api/cases/" + logistics_case_ + "/resolve", &wang,
                                 R"({"note":"done"})", /*with_csrf=*/false);
  EXPECT_EQ(forged.status, 403);
}

// Tracking decides (every RPC under auth::Serve), not the gateway.
TEST_F(GatewayLoginTest, AMemberGets403OnAnotherDepartmentsCaseWhetherItExistsOrNot) {
  BrowserSession xu = Login("p-xu-gang", xu_password_);
  // Another department's list shows none of its cases (or is refused).
  const HttpAnswer other = Http(http::verb::get, "/api/cases?state=all&department=app_engineering", &xu);
  if (other.status == 200) {
    EXPECT_EQ(other.Json()["cases"].size(), 0u) << other.body;
  } else {
    EXPECT_EQ(other.status, 403) << other.body;
  }
  const HttpAnswer existing = Http(http::verb::get, "/api/cases/" + app_case_, &xu);
  const HttpAnswer missing = Http(http::verb::get, "/api/cases/no-such-case", &xu);
  EXPECT_EQ(existing.status, 403) << existing.body;
  EXPECT_EQ(missing.status, 403) << missing.body;
  EXPECT_EQ(existing.Json()["error"]["code"], "PERMISSION_DENIED");
  const HttpAnswer act = Http(http::verb::post, "/api/cases/" + app_case_ + "/acknowledge", &xu);
  EXPECT_EQ(act.status, 403) << act.body;
  const HttpAnswer act_missing = Http(http::verb::post, "/api/cases/no-such-case/acknowledge", &xu);
  EXPECT_EQ(act_missing.status, 403) << act_missing.body;
  const HttpAnswer own = Http(http::verb::get, "/api/cases/" + logistics_case_, &xu);
  EXPECT_EQ(own.status, 200) << own.body;
}

TEST_F(GatewayLoginTest, WithoutASessionEveryApiRouteIs401AndLogoutMakesTheCookieUseless) {
  const HttpAnswer anonymous = Http(http::verb::get, "/api/cases");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.Json()["error"]["code"], "UNAUTHENTICATED");
  EXPECT_EQ(Http(http::verb::get, "/").status, 200) << "the page with its login form is open";

  BrowserSession wang = Login("p-wang-lei", wang_password_);
  EXPECT_EQ(Http(http::verb::get, "/api/me", &wang).Json()["person"], "p-wang-lei");
  const HttpAnswer out = Http(http::verb::post, "/api/logout", &wang);
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_NE(out.set_cookie.find("Max-Age=0"), std::string::npos) << out.set_cookie;
  const HttpAnswer after = Http(http::verb::get, "/api/cases", &wang);
  EXPECT_EQ(after.status, 401) << "the session ended in identity, not only in the browser";
}

TEST_F(GatewayLoginTest, AWrongPasswordAndAnUnknownUserGetTheSameAnswerAndRepeatedFailuresAreThrottled) {
  const HttpAnswer wrong = LoginAnswer("p-wang-lei", "not-the-password-at-all");
  const HttpAnswer unknown = LoginAnswer("p-nobody-at-all", "not-the-password-at-all");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_TRUE(wrong.set_cookie.empty());
  int last = 0;
  for (int i = 0; i < 20 && last != 429; ++i) last = LoginAnswer("p-xu-gang", "wrong-" + std::to_string(i)).status;
  EXPECT_EQ(last, 429) << "failed logins are throttled";
  EXPECT_EQ(LoginAnswer("p-xu-gang", xu_password_).status, 429) << "even the right password while throttled";
}

TEST_F(GatewayLoginTest, AnIdleSessionExpiresOnIdentitysClock) {
  BrowserSession wang = Login("p-wang-lei", wang_password_);
  EXPECT_EQ(Http(http::verb::get, "/api/me", &wang).status, 200);
  AdvanceIdentityClock(std::chrono::hours(24));
  const HttpAnswer expired = Http(http::verb::get, "/api/cases", &wang);
  EXPECT_EQ(expired.status, 401) << expired.body;
}

TEST_F(GatewayLoginTest, ABadHostIsRefusedButTheProbeAnswers) {
  beast::tcp_stream stream(io_);
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(gateway_port_)));
  for (const char* target : {"/", "/healthz"}) {
    http::request<http::string_body> request(http::verb::get, target, 11);
    request.set(http::field::host, "rebound.example.com");
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    EXPECT_EQ(response.result_int(), std::string(target) == "/" ? 421u : 200u) << target;
  }
}

// ---- Single sign-on behind an authenticating proxy (trusted-header mode),
// end to end: the real gateway, identity and tracking. The proxy is the
// client at 127.0.0.2; anyone else on the machine connects from 127.0.0.1.
class GatewaySsoTest : public GatewayLoginTest {
 protected:
  static constexpr const char* kProxy = "127.0.0.2";
  static constexpr const char* kUserHeader = "X-Auth-Request-User";  // oauth2-proxy's
  GatewaySsoTest() {
    gateway_extra_yaml_ = std::string("    trusted_proxy: {enabled: true, header: ") + kUserHeader +
                          ", addresses: \"" + kProxy + "\"}\n";
  }

  HttpAnswer ViaProxy(http::verb method, const std::string& target, const std::string& user,
                      const BrowserSession* session = nullptr, const std::string& body = "") {
    return Http(method, target, session, body, true, kProxy, {{kUserHeader, user}});
  }

  // The audit events of one kind identity has stored (the gateway's reach it
  // through the Redis stream, so they may take a moment).
  std::vector<v1::AuditEvent> AuditEvents(const std::string& kind, std::size_t at_least) {
    auto stub = v1::IdentityService::NewStub(AdminChannel());
    std::vector<v1::AuditEvent> events;
    for (int attempt = 0; attempt < 100; ++attempt) {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      v1::ListAuditEventsRequest request;
      request.set_kind(kind);
      request.set_page_size(100);
      v1::ListAuditEventsResponse response;
      const grpc::Status status = stub->ListAuditEvents(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      events.assign(response.events().begin(), response.events().end());
      if (!status.ok() || events.size() >= at_least) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return events;
  }
};

TEST_F(GatewaySsoTest, TheProxysUserIsLoggedInScopedToTheirDepartmentAndRecordedAsTheActor) {
  const HttpAnswer first = ViaProxy(http::verb::get, "/api/me", "p-wang-lei");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Json()["person"], "p-wang-lei");
  ASSERT_NE(first.set_cookie.find("voc_session="), std::string::npos) << "the proxy's user gets a session cookie";
  EXPECT_NE(first.set_cookie.find("HttpOnly"), std::string::npos) << first.set_cookie;

  BrowserSession wang;
  wang.cookie = first.set_cookie.substr(0, first.set_cookie.find(';'));
  wang.csrf = first.Json().value("csrf_token", "");
  ASSERT_FALSE(wang.csrf.empty()) << first.body;

  const HttpAnswer cases = ViaProxy(http::verb::get, "/api/cases?state=all&department=logistics", "p-wang-lei", &wang);
  ASSERT_EQ(cases.status, 200) << cases.body;
  EXPECT_EQ(cases.Json()["cases"].size(), 2u) << cases.body;
  EXPECT_TRUE(cases.set_cookie.empty()) << "the cookie carries the session once it is open";
  EXPECT_EQ(ViaProxy(http::verb::get, "/api/cases/" + app_case_, "p-wang-lei", &wang).status, 403)
      << "SSO users are scoped like password users";

  const HttpAnswer ack =
      ViaProxy(http::verb::post, "/api/cases/" + logistics_case_ + "/acknowledge", "p-wang-lei", &wang, R"({"actor":"p-sun-li"})");
  ASSERT_EQ(ack.status, 200) << ack.body;
  const nlohmann::json shown = ViaProxy(http::verb::get, "/api/cases/" + logistics_case_, "p-wang-lei", &wang).Json();
  std::string actor;
  for (const auto& h : shown["case"]["history"]) {
    if (h["action"] == "acknowledged") actor = h["actor"];
  }
  EXPECT_EQ(actor, "p-wang-lei") << shown.dump();

  // The proxy names someone else on the same browser: the session follows the proxy.
  const HttpAnswer switched = ViaProxy(http::verb::get, "/api/me", "p-xu-gang", &wang);
  ASSERT_EQ(switched.status, 200) << switched.body;
  EXPECT_EQ(switched.Json()["person"], "p-xu-gang");
  EXPECT_NE(switched.set_cookie.find("voc_session="), std::string::npos);
}

TEST_F(GatewaySsoTest, TheHeaderFromAnyOtherPeerIsIgnoredAndAudited) {
  const HttpAnswer forged =
      Http(http::verb::get, "/api/cases?state=all", nullptr, "", true, "127.0.0.1", {{kUserHeader, "p-wang-lei"}});
  EXPECT_EQ(forged.status, 401) << forged.body;
  EXPECT_TRUE(forged.set_cookie.empty());
  const std::vector<v1::AuditEvent> ignored = AuditEvents("trusted_header_ignored", 1);
  ASSERT_EQ(ignored.size(), 1u);
  EXPECT_EQ(ignored[0].client_address(), "127.0.0.1");
  EXPECT_EQ(ignored[0].service(), "gateway");
}

TEST_F(GatewaySsoTest, ThePasswordLoginStillWorksBesideTheProxyAndAUserWithoutAnAccountIsRefused) {
  const HttpAnswer nobody = ViaProxy(http::verb::get, "/api/me", "p-chen-jianguo");  // in the directory, no account
  EXPECT_EQ(nobody.status, 401) << nobody.body;
  EXPECT_TRUE(nobody.set_cookie.empty());
  EXPECT_EQ(ViaProxy(http::verb::get, "/api/me", "").status, 401) << "an empty header is no user";

  BrowserSession xu = Login("p-xu-gang", xu_password_);
  EXPECT_EQ(Http(http::verb::get, "/api/me", &xu).Json()["person"], "p-xu-gang");
}

}  // namespace
}  // namespace voc::gateway
