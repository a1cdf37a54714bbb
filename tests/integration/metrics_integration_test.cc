// Metrics against real parts: voc-ingest as the operator starts it, scraped
// over HTTP while it handles SubmitFeedback (its counters move by exactly the
// work done, and Prometheus' own parser reads the page); the stream-group
// collector against a real redis-server; dead letters counted by the queue.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "common/metrics/loop_metrics.h"
#include "common/metrics/registry.h"
#include "common/queue/stream.h"
#include "common/service/service_metrics.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/metrics_scrape.h"
#include "tests/support/servers.h"
#include "voc/v1/ingest.grpc.pb.h"

namespace voc {
namespace {

using namespace std::chrono_literals;
using testing::ParsedExposition;
using testing::ParseWithPrometheusClient;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class IngestMetricsTest : public ::testing::Test {
 protected:
  std::string WriteConfig(const std::string& metrics_listen) {
    const std::string path = dir_.path() + "/voc.yaml";
    std::ofstream out(path);
    out << "data_dir: " << dir_.path() << "/var\n"
        << "redis: {host: 127.0.0.1, port: " << redis_.port() << "}\n"
        << "log_format: json\n"
        << creds_.AuthYaml()
        << "services:\n"
        << "  ingest:\n"
        << "    listen: 127.0.0.1:" << grpc_port_ << "\n"
        << "    metrics_listen: \"" << metrics_listen << "\"\n"
        << "    database: sqlite3://ingest.db\n"
        << "    relay_interval_ms: 50\n";
    return path;
  }

  std::string Log() const { return ReadFile(log_path_); }

  // Waits (bounded) until the log holds `needle` or the process ended.
  bool WaitForLog(testing::ChildProcess& process, const std::string& needle) {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Log().find(needle) != std::string::npos) return true;
      if (!process.Running()) return false;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  // The port from the log line {"event":"metrics_started",...,"port":N}.
  int MetricsPort() const {
    std::smatch match;
    const std::string log = Log();
    static const std::regex kLine(R"re("metrics_started"[^\n]*"port":(\d+))re");
    return std::regex_search(log, match, kLine) ? std::stoi(match[1]) : 0;
  }

  ParsedExposition Scrape(int port) {
    const auto response = testing::HttpRequest(port, "/metrics");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
    ParsedExposition parsed = ParseWithPrometheusClient(response.body);
    EXPECT_TRUE(parsed.ok) << parsed.error << "\n" << response.body;
    return parsed;
  }

  grpc::Status Submit(voc::v1::IngestService::Stub& stub, const std::string& external_id,
                      voc::v1::Channel channel = voc::v1::CHANNEL_REVIEW) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 10s);
    voc::v1::SubmitFeedbackRequest request;
    request.mutable_feedback()->set_channel(channel);
    request.mutable_feedback()->set_external_id(external_id);
    request.mutable_feedback()->set_text("The delivery was late and the box was damaged.");
    voc::v1::SubmitFeedbackResponse response;
    return stub.SubmitFeedback(&context, request, &response);
  }

  testing::TestCredentials creds_;  // issue 9: the process and its callers carry tokens
  testing::TempDir dir_;
  testing::RedisServer redis_;
  int grpc_port_ = testing::FreePort();
  std::string log_path_ = dir_.path() + "/ingest.log";
};

TEST_F(IngestMetricsTest, TheRpcCountersMoveByTheCallsMadeAndThePageParses) {
  testing::ChildProcess ingest({VOC_INGEST_BIN, "--config", WriteConfig("127.0.0.1:0")}, log_path_, creds_.ServiceEnv("ingest"));
  ASSERT_TRUE(WaitForLog(ingest, "\"server_started\"")) << Log();
  const int port = MetricsPort();
  ASSERT_GT(port, 0) << Log();

  const auto before = Scrape(port);
  const double ok_before = before.Value("voc_rpc_handled_total", {{"method", "SubmitFeedback"}, {"code", "OK"}})
                               .value_or(0);
  auto stub = voc::v1::IngestService::NewStub(creds_.Channel("127.0.0.1:" + std::to_string(grpc_port_), "tester"));
  constexpr int kAccepted = 25;
  constexpr int kRefused = 3;
  for (int i = 0; i < kAccepted; ++i) {
    ASSERT_TRUE(Submit(*stub, "metrics-" + std::to_string(i)).ok());
  }
  for (int i = 0; i < kRefused; ++i) {
    EXPECT_EQ(Submit(*stub, "bad-" + std::to_string(i), voc::v1::CHANNEL_UNSPECIFIED).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }

  const auto after = Scrape(port);
  EXPECT_EQ(after.Value("voc_rpc_handled_total", {{"method", "SubmitFeedback"}, {"code", "OK"}}),
            ok_before + kAccepted);
  EXPECT_EQ(after.Value("voc_rpc_handled_total", {{"method", "SubmitFeedback"}, {"code", "INVALID_ARGUMENT"}}),
            kRefused);
  EXPECT_EQ(after.types.at("voc_rpc_duration_seconds"), "histogram");
  EXPECT_EQ(after.Value("voc_rpc_duration_seconds_count", {{"method", "SubmitFeedback"}}),
            ok_before + kAccepted + kRefused);
  EXPECT_EQ(after.Value("voc_rpc_duration_seconds_bucket", {{"method", "SubmitFeedback"}, {"le", "+Inf"}}),
            ok_before + kAccepted + kRefused);
  EXPECT_GT(*after.Value("voc_rpc_duration_seconds_sum", {{"method", "SubmitFeedback"}}), 0);

  // The relay queues what was stored: rows published reach the count
  // accepted and the backlog drains (bounded wait for the relay's thread).
  ParsedExposition relayed;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  do {
    relayed = Scrape(port);
    if (relayed.Value("voc_outbox_rows_published_total", {{"outbox", "feedback"}}) == kAccepted) break;
    std::this_thread::sleep_for(50ms);
  } while (std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(relayed.Value("voc_outbox_rows_published_total", {{"outbox", "feedback"}}), kAccepted);
  EXPECT_EQ(relayed.Value("voc_outbox_backlog", {{"outbox", "feedback"}}), 0);

  const int status = ingest.Terminate(10000);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status << "\n" << Log();
}

TEST_F(IngestMetricsTest, AnEmptyMetricsListenTurnsTheEndpointOff) {
  testing::ChildProcess ingest({VOC_INGEST_BIN, "--config", WriteConfig("")}, log_path_, creds_.ServiceEnv("ingest"));
  ASSERT_TRUE(WaitForLog(ingest, "\"server_started\"")) << Log();
  EXPECT_NE(Log().find("\"metrics_disabled\""), std::string::npos) << Log();
  EXPECT_EQ(MetricsPort(), 0) << Log();
  ingest.Terminate(10000);
}

TEST_F(IngestMetricsTest, AMetricsAddressInUseIsAStartupErrorNamingIt) {
  metrics::Registry registry;
  metrics::MetricsEndpoint holder(registry, "127.0.0.1:0");
  const auto held = holder.Start();
  ASSERT_TRUE(held.ok());
  const std::string taken = "127.0.0.1:" + std::to_string(*held);
  testing::ChildProcess ingest({VOC_INGEST_BIN, "--config", WriteConfig(taken)}, log_path_, creds_.ServiceEnv("ingest"));
  const auto status = ingest.WaitForExit(30000);
  ASSERT_TRUE(status.has_value()) << Log();
  ASSERT_TRUE(WIFEXITED(*status)) << "killed by signal " << WTERMSIG(*status) << "\n" << Log();
  EXPECT_EQ(WEXITSTATUS(*status), 2) << Log();
  EXPECT_NE(Log().find("voc-ingest: cannot start: cannot listen on '" + taken + "' for metrics"), std::string::npos)
      << Log();
}

class StreamMetricsTest : public ::testing::Test {
 protected:
  queue::RedisOptions Options() const {
    queue::RedisOptions o;
    o.port = redis_.port();
    return o;
  }
  queue::Reply Command(const std::vector<std::string>& args) {
    queue::RedisClient client(Options());
    return client.Command(args);
  }
  static std::optional<double> ValueOf(const std::vector<metrics::MetricFamilySnapshot>& families,
                                       const std::string& name, const metrics::Labels& labels) {
    for (const auto& family : families) {
      if (family.descriptor.name != name) continue;
      for (const auto& sample : family.samples) {
        if (sample.labels == labels) return sample.value;
      }
    }
    return std::nullopt;
  }

  testing::RedisServer redis_;
};

TEST_F(StreamMetricsTest, LagAndPendingOfTheServicesOwnGroupsComeFromXinfoGroups) {
  queue::StreamProducer producer(Options(), "voc:triaged");
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(producer.Publish({{"n", std::to_string(i)}}));
  ASSERT_TRUE(Command({"XGROUP", "CREATE", "voc:triaged", "verification", "0"}));
  ASSERT_TRUE(Command({"XGROUP", "CREATE", "voc:triaged", "assignment", "0"}));
  // Two delivered to verification and not acknowledged: 2 pending, 3 still to deliver.
  ASSERT_TRUE(Command({"XREADGROUP", "GROUP", "verification", "c1", "COUNT", "2", "STREAMS", "voc:triaged", ">"}));

  const auto collect = StreamGroupCollector(Options(), ConsumerGroupsOf("verification"));
  const auto families = collect();
  const metrics::Labels triaged = {{"stream", "voc:triaged"}, {"group", "verification"}};
  EXPECT_EQ(ValueOf(families, "voc_stream_group_lag", triaged), 3);
  EXPECT_EQ(ValueOf(families, "voc_stream_group_pending", triaged), 2);
  EXPECT_EQ(ValueOf(families, "voc_stream_group_consumers", triaged), 1);
  EXPECT_EQ(ValueOf(families, "voc_stream_info_up", {{"stream", "voc:triaged"}}), 1);
  // Another service's group on the same stream is that service's to report.
  EXPECT_FALSE(ValueOf(families, "voc_stream_group_lag", {{"stream", "voc:triaged"}, {"group", "assignment"}}));
  // voc:tracking does not exist yet: Redis answered, there is no group to report.
  EXPECT_EQ(ValueOf(families, "voc_stream_info_up", {{"stream", "voc:tracking"}}), 1);
  EXPECT_FALSE(ValueOf(families, "voc_stream_group_lag", {{"stream", "voc:tracking"}, {"group", "verification"}}));

  // Acknowledging moves pending; the families render as valid text.
  queue::Reply read = Command({"XRANGE", "voc:triaged", "-", "+", "COUNT", "1"});
  ASSERT_TRUE(read && read->elements == 1);
  ASSERT_TRUE(Command({"XACK", "voc:triaged", "verification", read->element[0]->element[0]->str}));
  const auto later = collect();
  EXPECT_EQ(ValueOf(later, "voc_stream_group_pending", triaged), 1);
  EXPECT_TRUE(ParseWithPrometheusClient(metrics::WriteText(later)).ok);
}

TEST_F(StreamMetricsTest, WhileRedisIsAwayTheStreamIsReportedDownAndNoStaleLagIsShown) {
  queue::RedisOptions away = Options();
  away.port = testing::FreePort();  // nothing listens there
  const auto collect = StreamGroupCollector(away, ConsumerGroupsOf("triage"));
  const auto families = collect();
  EXPECT_EQ(ValueOf(families, "voc_stream_info_up", {{"stream", "voc:feedback"}}), 0);
  EXPECT_FALSE(ValueOf(families, "voc_stream_group_lag", {{"stream", "voc:feedback"}, {"group", "triage"}}));
}

TEST_F(StreamMetricsTest, EachServiceReportsTheGroupsItOwns) {
  EXPECT_TRUE(ConsumerGroupsOf("ingest").empty());
  EXPECT_TRUE(ConsumerGroupsOf("tracking").empty());
  // voc:feedback, and voc:tracking for the red-line marks (issue 10).
  ASSERT_EQ(ConsumerGroupsOf("triage").size(), 2u);
  EXPECT_EQ(ConsumerGroupsOf("triage")[0].stream, "voc:feedback");
  EXPECT_EQ(ConsumerGroupsOf("triage")[1].stream, "voc:tracking");
  EXPECT_EQ(ConsumerGroupsOf("assignment")[0].group, "assignment");
  // voc:triaged, voc:tracking and voc:outreach (campaign verdicts, issue 13).
  EXPECT_EQ(ConsumerGroupsOf("verification").size(), 3u);
  EXPECT_EQ(DefaultMetricsAddress("ingest"), "127.0.0.1:9101");
  EXPECT_EQ(DefaultMetricsAddress("gateway"), "127.0.0.1:9106");
}

TEST_F(StreamMetricsTest, ADeadLetteredMessageIsCounted) {
  queue::ConsumerOptions options;
  options.stream = "test:metrics";
  options.group = "workers";
  options.consumer = "a";
  options.block = 50ms;
  options.max_deliveries = 2;
  metrics::Counter& dead = metrics::DeadLetters("test:metrics", "workers");
  const std::uint64_t before = dead.value();
  queue::StreamProducer producer(Options(), "test:metrics");
  ASSERT_TRUE(producer.Publish({{"n", "poison"}}));
  ASSERT_TRUE(producer.Publish({{"n", "poison too"}}));
  queue::StreamConsumer consumer(Options(), options,
                                 [](const queue::StreamMessage&) { return absl::InvalidArgumentError("bad"); });
  for (int i = 0; i < 4; ++i) consumer.PollOnce();
  queue::Reply length = Command({"XLEN", "test:metrics:dead"});
  ASSERT_TRUE(length);
  EXPECT_EQ(length->integer, 2);
  EXPECT_EQ(dead.value(), before + 2);
}

}  // namespace
}  // namespace voc
