// WebhookNotifier against a real HTTP endpoint on loopback (a minimal
// one-request server in a thread): the JSON it posts, and how it reports
// a failing or missing endpoint.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "common/notify/notifier.h"
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
  EXPECT_THROW(MakeNotifier("pigeon", ""), std::invalid_argument);
  EXPECT_THROW(MakeNotifier("webhook", ""), std::invalid_argument);
  EXPECT_NE(MakeNotifier("log", ""), nullptr);
}

}  // namespace
}  // namespace voc
