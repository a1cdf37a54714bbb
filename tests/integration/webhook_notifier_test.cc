// WebhookNotifier against a real HTTP endpoint on loopback (a minimal
// one-request server in a thread): the JSON it posts, and how it reports
// a failing or missing endpoint; the one notifier setting (NotifierFromConfig)
// and a red-line alert of assignment going through it.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "common/clock/clock.h"
#include "common/config/config.h"
#include "common/notify/notifier.h"
#include "common/storage/database.h"
#include "common/util/time.h"
#include "services/assignment/assignment_service.h"
#include "services/assignment/store/assignment_store.h"
#include "tests/support/servers.h"

namespace voc {
namespace {

// Accepts one connection, reads one HTTP request, answers with `status`.
class OneShotHttpServer {
 public:
  explicit OneShotHttpServer(int status) : status_(status) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(fd_, 1);
    thread_ = std::thread([this] { Serve(); });
  }
  ~OneShotHttpServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return port_; }
  // The request as received (headers and body); valid after the notifier returned.
  std::string request() {
    if (thread_.joinable()) thread_.join();
    return request_;
  }

 private:
  void Serve() {
    int client = accept(fd_, nullptr, nullptr);
    if (client < 0) return;
    char buf[4096];
    std::size_t content_length = 0;
    for (;;) {
      ssize_t n = read(client, buf, sizeof buf);
      if (n <= 0) break;
      request_.append(buf, static_cast<std::size_t>(n));
      auto header_end = request_.find("\r\n\r\n");
      if (header_end == std::string::npos) continue;
      auto cl = request_.find("Content-Length: ");
      if (cl != std::string::npos) content_length = std::stoul(request_.substr(cl + 16));
      if (request_.size() >= header_end + 4 + content_length) break;
    }
    std::string response = "HTTP/1.1 " + std::to_string(status_) + " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    (void)!write(client, response.data(), response.size());
    close(client);
  }

  int status_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::string request_;
};

Notification Escalation() {
  return {"escalation", {"p-liu-yang"}, "Case cases/abc breached its SLA", "客户回访超时 (callback overdue)", "abc"};
}

TEST(WebhookNotifierTest, PostsTheNotificationAsJson) {
  OneShotHttpServer server(200);
  WebhookNotifier notifier("http://127.0.0.1:" + std::to_string(server.port()) + "/hooks/voc");
  EXPECT_TRUE(notifier.Send(Escalation()));
  std::string request = server.request();
  EXPECT_EQ(request.rfind("POST /hooks/voc HTTP/1.1", 0), 0u) << request;
  EXPECT_NE(request.find("Content-Type: application/json"), std::string::npos);
  auto body = nlohmann::json::parse(request.substr(request.find("\r\n\r\n") + 4));
  EXPECT_EQ(body["kind"], "escalation");
  EXPECT_EQ(body["recipients"][0], "p-liu-yang");
  EXPECT_EQ(body["case_id"], "abc");
  EXPECT_EQ(body["body"], "客户回访超时 (callback overdue)");
}

TEST(WebhookNotifierTest, AServerErrorIsAFailedDelivery) {
  OneShotHttpServer server(500);
  WebhookNotifier notifier("http://127.0.0.1:" + std::to_string(server.port()) + "/");
  EXPECT_FALSE(notifier.Send(Escalation()));
}

TEST(WebhookNotifierTest, NoServerIsAFailedDeliveryNotAHang) {
  WebhookNotifier notifier("http://127.0.0.1:" + std::to_string(testing::FreePort()) + "/", 2000);
  EXPECT_FALSE(notifier.Send(Escalation()));
}

TEST(NotifierFactoryTest, RejectsUnknownKindsAndWebhooksWithoutAUrl) {
  const auto pigeon = MakeNotifier("pigeon", "");
  ASSERT_FALSE(pigeon.ok());
  EXPECT_EQ(pigeon.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(pigeon.status().message()).rfind("notifier.kind: ", 0), 0u);
  const auto no_url = MakeNotifier("webhook", "");
  ASSERT_FALSE(no_url.ok());
  EXPECT_EQ(std::string(no_url.status().message()).rfind("notifier.webhook_url: ", 0), 0u);
  const auto log = MakeNotifier("log", "");
  ASSERT_TRUE(log.ok());
  EXPECT_NE(*log, nullptr);
}

std::string WebhookConfig(const std::string& section, int port) {
  return section + ":\n  kind: webhook\n  webhook_url: http://127.0.0.1:" + std::to_string(port) +
         "/hooks/voc\n";
}

TEST(NotifierFromConfigTest, TheTopLevelNotifierSectionChoosesTheWebhook) {
  OneShotHttpServer server(200);
  const Config config = Config::FromString(WebhookConfig("notifier", server.port()), "assignment").value();
  auto notifier = NotifierFromConfig(config);
  ASSERT_TRUE(notifier.ok()) << notifier.status();
  EXPECT_TRUE((*notifier)->Send(Escalation()));
  EXPECT_EQ(server.request().rfind("POST /hooks/voc HTTP/1.1", 0), 0u);
}

TEST(NotifierFromConfigTest, TrackingsOldSectionStillWorksAndLogIsTheDefault) {
  OneShotHttpServer server(200);
  const Config old = Config::FromString(
      "services:\n  tracking:\n    notifier:\n      kind: webhook\n      webhook_url: http://127.0.0.1:" +
          std::to_string(server.port()) + "/old\n",
      "assignment").value();
  auto notifier = NotifierFromConfig(old);
  ASSERT_TRUE(notifier.ok()) << notifier.status();
  EXPECT_TRUE((*notifier)->Send(Escalation()));
  EXPECT_EQ(server.request().rfind("POST /old HTTP/1.1", 0), 0u);

  auto fallback = NotifierFromConfig(Config::FromString("data_dir: ./var\n", "tracking").value());
  ASSERT_TRUE(fallback.ok());
  EXPECT_NE(dynamic_cast<LogNotifier*>(fallback->get()), nullptr);
  const auto bad = NotifierFromConfig(Config::FromString("notifier: {kind: pigeon}\n", "tracking").value());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
}

// Assignment's red-line alerts go through the notifier the one setting
// configures (they used to read a key nothing set).
class OpenedCases final : public assignment::CaseCreator {
 public:
  absl::StatusOr<std::string> CreateCase(const v1::CreateCaseRequest& request) override {
    return "cases/" + request.request_id();
  }
};

TEST(NotifierFromConfigTest, ARedLineAlertGoesThroughTheConfiguredWebhook) {
  OneShotHttpServer server(200);
  const Config config = Config::FromString(WebhookConfig("notifier", server.port()), "assignment").value();
  auto notifier = NotifierFromConfig(config);
  ASSERT_TRUE(notifier.ok()) << notifier.status();

  testing::TempDir dir;
  auto opened_db = storage::Database::Open("sqlite3://" + dir.path() + "/assignment.db");
  ASSERT_TRUE(opened_db.ok()) << opened_db.status();
  auto db = *std::move(opened_db);
  ASSERT_EQ(db->Migrate("assignment", assignment::AssignmentMigrations()).status(), absl::OkStatus());
  assignment::AssignmentStore store(*db);
  FakeClock clock(FromMillis(1772409600000LL));
  OpenedCases cases;
  auto router = assignment::LoadRouter({"config/directory.yaml", "config/routing.yaml"});
  ASSERT_TRUE(router.ok()) << router.status();
  assignment::AssignmentService service(store, clock, cases, **notifier, *router);

  v1::TriagedFeedback t;
  t.mutable_feedback()->set_id("fb-red");
  t.mutable_feedback()->mutable_customer()->set_id("c-10001");
  t.mutable_result()->set_sentiment(v1::SENTIMENT_NEGATIVE);
  auto* hit = t.mutable_result()->add_red_lines();
  hit->set_category(v1::RED_LINE_CATEGORY_SAFETY);
  hit->set_term("刹车失灵");
  ASSERT_TRUE(service.Handle(t).ok());

  const std::string request = server.request();
  auto body = nlohmann::json::parse(request.substr(request.find("\r\n\r\n") + 4));
  EXPECT_EQ(body["kind"], "red_line");
  EXPECT_EQ(body["case_id"], "cases/redline:fb-red");
  EXPECT_EQ(body["recipients"].size(), 3u);
}

}  // namespace
}  // namespace voc
