// The gateway over a real socket: Beast HTTP server + Router + GrpcBackend
// talking real gRPC to in-process tracking and ingest stand-ins (canned
// answers, real status codes) and to tracking's real DevClockService.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

// Boost 1.74 asio uses std::exchange without including <utility> under C++20.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <filesystem>
#include <fstream>
#include <mutex>

#include "common/rpc/server.h"
#include "common/util/time.h"
#include "services/gateway/grpc_backend.h"
#include "services/gateway/http_server.h"
#include "services/gateway/router.h"
#include "tests/support/servers.h"

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
  grpc::Status ListCases(grpc::ServerContext*, const v1::ListCasesRequest* request,
                         v1::ListCasesResponse* response) override {
    std::lock_guard lock(mu);
    last_list = *request;
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
                                                     std::vector<grpc::Service*>{&tracking_, &ingest_});
    const std::string address = "127.0.0.1:" + std::to_string(services_->Start());
    backend_ = std::make_unique<GrpcBackend>(
        GrpcBackendOptions{rpc::MakeChannel(address), rpc::MakeChannel(address), true, std::chrono::milliseconds(3000)},
        wall_clock_);
    const auto web = std::filesystem::path(dir_.path()) / "web";
    std::filesystem::create_directories(web);
    std::ofstream(web / "index.html") << "<!doctype html><title>VoC</title>";
    std::ofstream(std::filesystem::path(dir_.path()) / "secret.txt") << "secret";
    router_ = std::make_unique<Router>(*backend_, std::vector<Department>{{"customer_success", "客户成功部", "Customer Success", "p-liu-yang"}},
                                       StaticFiles(web));
    HttpServerOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 2;
    options.body_limit = 1024;
    http_ = std::make_unique<HttpServer>(options, [this](const HttpRequest& r) { return router_->Handle(r); });
    port_ = http_->Start();
  }
  void TearDown() override {
    if (http_) http_->Stop();
    if (services_) services_->Shutdown();
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
  std::unique_ptr<rpc::ServiceServer> services_;
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
}

}  // namespace
}  // namespace voc::gateway
