// voc-notify as a process, SIGKILLed mid-batch and restarted: every message
// reaches the receiver, and no message id more than once more (a delivery
// in flight at the kill is sent again after its lease). The receiver is the
// file channel's outbox, which lives outside the killed process; requests
// published while voc-notify is down are delivered after the restart.
// Issue 9: over gRPC, the delivery log is read with a token; a person the
// gateway calls for sees only their department's deliveries, and the dev
// clock moves only for clock:write.
#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "common/notify/stream_notifier.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/servers.h"
#include "voc/v1/devclock.grpc.pb.h"
#include "voc/v1/notify.grpc.pb.h"

namespace voc {
namespace {

using namespace std::chrono_literals;

class NotifyCrashTest : public ::testing::Test {
 protected:
  void SetUp() override { WriteConfig(false); }

  void WriteConfig(bool dev_clock) {
    port_ = testing::FreePort();
    config_ = dir_.path() + "/voc.yaml";
    outbox_ = dir_.path() + "/var/outbox.jsonl";
    std::ofstream(dir_.path() + "/subscriptions.yaml") << "defaults:\n  channels: [file]\n";
    std::ofstream out(config_);
    out << "data_dir: " << dir_.path() << "/var\n"
        << "redis: {host: 127.0.0.1, port: " << redis_.port() << "}\n"
        << "log_format: text\nlog_level: info\n"
        << "org: {directory: config/directory.yaml}\n"
        << "dev_clock: " << (dev_clock ? "true" : "false") << "\n"
        << creds_.AuthYaml()
        << "services:\n  notify:\n"
        << "    listen: \"127.0.0.1:" << port_ << "\"\n"
        << "    metrics_listen: \"\"\n"
        << "    database: sqlite3://notify.db\n"
        << "    subscriptions: " << dir_.path() << "/subscriptions.yaml\n"
        << "    delivery_interval_ms: 10\n"
        << "    batch_size: 16\n"
        << "    delivery_batch: 16\n"
        << "    claim_lease_ms: 300\n"
        << "    reclaim_idle_ms: 300\n"
        << "    channels:\n      file: {path: outbox.jsonl}\n";
  }

  std::unique_ptr<testing::ChildProcess> Start(const std::string& log_name) {
    return testing::StartServiceProcess(VOC_NOTIFY_BIN, config_, dir_.path() + "/" + log_name,
                                        creds_.ServiceEnv("notify"), port_);
  }

  std::string Log(const std::string& name) const { return testing::ReadFileText(dir_.path() + "/" + name); }

  // Lines the receiver got per message id (a torn last line is ignored).
  std::map<std::string, int> Received() const {
    std::map<std::string, int> counts;
    std::ifstream in(outbox_);
    std::string line;
    while (std::getline(in, line)) {
      const auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded()) continue;
      ++counts[j.value("message_id", "")];
    }
    return counts;
  }

  void Publish(int from, int to) {
    queue::RedisOptions redis;
    redis.port = redis_.port();
    StreamNotifier notifier(redis);
    for (int i = from; i < to; ++i) {
      Notification n;
      n.id = "warn:" + std::to_string(i);
      n.kind = "sla_warning";
      n.case_id = std::to_string(i);
      n.recipients = {"p-sun-li"};
      ASSERT_TRUE(notifier.Send(n));
    }
  }

  // The deliveries of `request` ("case_id" or "request_id" = `id`) as
  // `principal` sees them, calling for `person` when set; the call's status.
  grpc::Status List(const std::string& principal, const std::string& person, const std::string& field,
                    const std::string& id, v1::ListDeliveriesResponse* response) {
    auto stub = v1::NotifyService::NewStub(creds_.Channel(Address(), principal));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 10s);
    if (!person.empty()) testing::ActFor(ctx, person);
    v1::ListDeliveriesRequest request;
    if (field == "case_id") request.set_case_id(id);
    else request.set_request_id(id);
    return stub->ListDeliveries(&ctx, request, response);
  }
  std::string Address() const { return "127.0.0.1:" + std::to_string(port_); }

  testing::TestCredentials creds_;
  testing::TempDir dir_;
  testing::RedisServer redis_;
  std::string config_;
  std::string outbox_;
  int port_ = 0;
};

TEST_F(NotifyCrashTest, ASigkillMidBatchLosesNothingAndSendsEachMessageAtMostOnceMore) {
  constexpr int kRequests = 300;
  Publish(0, kRequests);
  auto notify = Start("notify-1.log");
  // Kill it while it is still working through the first batch of requests.
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  while (Received().size() < 20 && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(2ms);
  notify->Kill();
  const std::size_t before_kill = Received().size();
  ASSERT_GT(before_kill, 0u) << Log("notify-1.log");
  ASSERT_LT(before_kill, static_cast<std::size_t>(kRequests)) << "finished before the kill; nothing was tested";
  Publish(kRequests, 2 * kRequests);  // while it is down

  notify = Start("notify-2.log");
  while (Received().size() < 2u * kRequests && std::chrono::steady_clock::now() < give_up + 60s) {
    std::this_thread::sleep_for(20ms);
  }
  std::this_thread::sleep_for(1s);  // longer than the lease: a late duplicate would show now
  const auto received = Received();
  ASSERT_EQ(received.size(), 2u * kRequests) << Log("notify-2.log");
  int extra = 0;
  for (const auto& [id, count] : received) extra += count - 1;
  // One worker sends one message at a time: only the one in flight at the
  // kill may arrive twice.
  EXPECT_LE(extra, 1);

  {
  // The delivery log says delivered, once, over gRPC.
  auto stub = v1::NotifyService::NewStub(creds_.Channel(Address(), "tester"));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 10s);
  v1::ListDeliveriesRequest request;
  request.set_request_id("warn:7");
  v1::ListDeliveriesResponse response;
  ASSERT_TRUE(stub->ListDeliveries(&ctx, request, &response).ok());
  ASSERT_EQ(response.deliveries_size(), 1);
  EXPECT_EQ(response.deliveries(0).message_id(), "warn:7/p-sun-li/file");
  EXPECT_EQ(response.deliveries(0).state(), v1::DELIVERY_STATE_DELIVERED);
  }  // the channel closes: a server with an open client connection waits out its shutdown deadline
  const int exit_status = notify->Terminate();
  EXPECT_TRUE(WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0) << exit_status << Log("notify-2.log");
}

TEST_F(NotifyCrashTest, OverGrpcAMemberSeesOnlyTheirDepartmentsDeliveriesAndTheClockNeedsClockWrite) {
  WriteConfig(/*dev_clock=*/true);
  queue::RedisOptions redis;
  redis.port = redis_.port();
  StreamNotifier notifier(redis);
  // Case 41 is logistics', case 42 app_engineering's; both mail p-sun-li.
  for (const auto& [id, department] : std::map<std::string, std::string>{{"41", "logistics"}, {"42", "app_engineering"}}) {
    Notification n;
    n.id = "warn:" + id;
    n.kind = "sla_warning";
    n.case_id = id;
    n.department = department;
    n.recipients = {"p-sun-li"};
    ASSERT_TRUE(notifier.Send(n));
  }
  auto notify = Start("notify.log");
  v1::ListDeliveriesResponse all;
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  for (;;) {
    all.Clear();
    ASSERT_TRUE(List("tester", "", "case_id", "42", &all).ok());
    if (all.deliveries_size() == 1 || std::chrono::steady_clock::now() > give_up) break;
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_EQ(all.deliveries_size(), 1) << Log("notify.log");

  {
    // A logistics member, through the gateway: their department's case only.
    v1::ListDeliveriesResponse own, other;
    ASSERT_TRUE(List("gateway", "p-xu-gang", "case_id", "41", &own).ok());
    EXPECT_EQ(own.deliveries_size(), 1);
    ASSERT_TRUE(List("gateway", "p-xu-gang", "case_id", "42", &other).ok());
    EXPECT_EQ(other.deliveries_size(), 0) << "another department's deliveries are left out";
    ASSERT_TRUE(List("gateway", "p-xu-gang", "request_id", "warn:42", &other).ok());
    EXPECT_EQ(other.deliveries_size(), 0);
    // App engineering's head sees case 42's.
    v1::ListDeliveriesResponse theirs;
    ASSERT_TRUE(List("gateway", "p-kevin-zhou", "case_id", "42", &theirs).ok());
    EXPECT_EQ(theirs.deliveries_size(), 1);
  }
  {
    v1::ListDeliveriesResponse none;
    // No token at all; a stage without notify:read; a stage forging the
    // gateway's header.
    auto anonymous = v1::NotifyService::NewStub(
        grpc::CreateChannel(Address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    v1::ListDeliveriesRequest request;
    request.set_case_id("41");
    EXPECT_EQ(anonymous->ListDeliveries(&ctx, request, &none).error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(List("assignment", "", "case_id", "41", &none).error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(List("assignment", "p-sun-li", "case_id", "41", &none).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    // The dev clock: the gateway's token lacks clock:write, the tester's has it.
    auto advance = [&](const std::string& principal, v1::GetTimeResponse* now) {
      auto stub = v1::DevClockService::NewStub(creds_.Channel(Address(), principal));
      grpc::ClientContext ctx;
      v1::AdvanceClockRequest request;
      request.mutable_by()->set_seconds(3600);
      return stub->AdvanceClock(&ctx, request, now);
    };
    v1::GetTimeResponse now;
    const grpc::Status refused = advance("gateway", &now);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_NE(refused.error_message().find("clock:write"), std::string::npos) << refused.error_message();
    const grpc::Status moved = advance("tester", &now);
    ASSERT_TRUE(moved.ok()) << moved.error_message();
    EXPECT_EQ(now.offset().seconds(), 3600) << "only the allowed call moved it";
  }
  notify->Terminate();
}

TEST_F(NotifyCrashTest, ABrokenSubscriptionsFileRefusesToStartWithFileAndLine) {
  std::ofstream(dir_.path() + "/subscriptions.yaml") << "rules:\n  - event: red_line\n    people: [p-nobody]\n";
  testing::ChildProcess notify({VOC_NOTIFY_BIN, "--config", config_}, dir_.path() + "/refused.log");
  const auto status = notify.WaitForExit(30000);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(WEXITSTATUS(*status), 2);
  EXPECT_NE(Log("refused.log").find("subscriptions.yaml:3:"), std::string::npos) << Log("refused.log");
}

}  // namespace
}  // namespace voc
