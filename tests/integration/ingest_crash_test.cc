// Group commit keeps its promise through a crash: the real voc-ingest binary
// (SQLite, and PostgreSQL when installed) takes many concurrent
// SubmitFeedback calls, some of them invalid, and is SIGKILLed while calls
// are in flight. After a restart on the same database:
//   - every call that was answered OK is stored, as answered;
//   - every call answered with a definite error (INVALID_ARGUMENT) is not;
//   - every stored feedback reaches voc:feedback (the new process's relay
//     publishes what the killed one had not: on SQLite from its watermark);
//   - submitting everything again collapses to duplicates: one row per
//     external id, whatever the calls cut by the kill did.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/auth/metadata.h"
#include "common/queue/redis_client.h"
#include "common/queue/stream.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/servers.h"
#include "voc/v1/ingest.grpc.pb.h"

namespace voc {
namespace {

using namespace std::chrono_literals;

constexpr int kCallers = 64;
// Every kInvalidEvery-th feedback has an NPS of 12: refused, never stored.
constexpr int kInvalidEvery = 5;
// Ingest is killed once this many calls were answered OK.
constexpr int kOkBeforeKill = 600;

// What one call was answered. A call cut by the kill (UNAVAILABLE, ...) may
// or may not have been stored; only OK and INVALID_ARGUMENT are definite.
struct Outcome {
  std::string external_id;
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
  std::string stored_id;  // for OK
};

voc::v1::Feedback MakeFeedback(const std::string& external_id, bool invalid) {
  voc::v1::Feedback f;
  f.set_channel(voc::v1::CHANNEL_NPS_SURVEY);
  f.set_external_id(external_id);
  f.set_text("the parcel arrived late and the box was damaged");
  f.set_nps(invalid ? 12 : 3);
  return f;
}

class IngestCrashTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      if (!testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL is not installed";
      postgres_ = std::make_unique<testing::PostgresServer>();
      postgres_->CreateDatabase("ingest");
      database_ = postgres_->Url("ingest");
    } else {
      database_ = "sqlite3://" + dir_.path() + "/ingest.db";
    }
    port_ = testing::FreePort();
    config_ = dir_.path() + "/voc.yaml";
    std::ofstream out(config_);
    out << creds_.AuthYaml() << "data_dir: " << dir_.path() << "/var\n"
        << "redis: {host: 127.0.0.1, port: " << redis_.port() << "}\n"
        << "log_format: json\n"
        << "services:\n"
        << "  ingest:\n"
        << "    database: \"" << database_ << "\"\n"
        << "    listen: \"127.0.0.1:" << port_ << "\"\n"
        << "    metrics_listen: \"\"\n";  // no fixed metrics port: tests run side by side
  }

  // Starts voc-ingest and waits until it accepts connections.
  std::unique_ptr<testing::ChildProcess> StartIngest(const std::string& log_name) {
    auto ingest = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{VOC_INGEST_BIN, "--config", config_}, dir_.path() + "/" + log_name,
        creds_.ServiceEnv("ingest"));
    EXPECT_TRUE(testing::WaitForPort(port_, 30000)) << Log(log_name);
    return ingest;
  }

  std::string Log(const std::string& log_name) const {
    std::ifstream in(dir_.path() + "/" + log_name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // Every call carries the tester's token (a channel per caller below, so
  // the token goes on each context).
  void Authorize(grpc::ClientContext& context) const {
    context.AddMetadata(auth::kAuthorizationHeader, auth::kBearerPrefix + creds_.Token("tester"));
  }

  std::unique_ptr<voc::v1::IngestService::Stub> NewStub() const {
    // A channel per caller so calls are not all multiplexed on one connection.
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return voc::v1::IngestService::NewStub(grpc::CreateCustomChannel(
        "127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials(), args));
  }

  // Every stored feedback, walking ListFeedback's pages.
  std::map<std::string, voc::v1::Feedback> StoredByExternalId() {
    auto stub = NewStub();
    std::map<std::string, voc::v1::Feedback> stored;
    voc::v1::ListFeedbackRequest request;
    request.set_page_size(1000);
    while (true) {
      grpc::ClientContext context;
      Authorize(context);
      context.set_deadline(std::chrono::system_clock::now() + 30s);
      voc::v1::ListFeedbackResponse response;
      const grpc::Status status = stub->ListFeedback(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& f : response.feedbacks()) {
        EXPECT_TRUE(stored.emplace(f.external_id(), f).second) << "two rows for " << f.external_id();
      }
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return stored;
  }

  // The feedback ids on voc:feedback.
  std::set<std::string> StreamedIds() {
    queue::RedisOptions options;
    options.port = redis_.port();
    queue::RedisClient client(options);
    auto reply = client.Command({"XRANGE", queue::kFeedbackStream, "-", "+"});
    std::set<std::string> ids;
    if (!reply || reply->type != REDIS_REPLY_ARRAY) return ids;
    for (const auto& message : queue::ParseEntries(reply.get())) ids.insert(message.fields.at("feedback_id"));
    return ids;
  }

  testing::TestCredentials creds_;
  testing::TempDir dir_;
  testing::RedisServer redis_;
  std::unique_ptr<testing::PostgresServer> postgres_;
  std::string database_;
  std::string config_;
  int port_ = 0;
};

TEST_P(IngestCrashTest, EveryAnsweredSubmissionSurvivesAKillAndResubmittingCollapsesToDuplicates) {
  auto ingest = StartIngest("ingest-1.log");

  std::atomic<int> answered_ok{0};
  std::atomic<bool> killed{false};
  std::mutex mu;
  std::vector<Outcome> outcomes;
  std::vector<std::thread> callers;
  for (int caller = 0; caller < kCallers; ++caller) {
    callers.emplace_back([&, caller] {
      auto stub = NewStub();
      for (int n = 0; !killed.load(); ++n) {
        const std::string external_id = "c" + std::to_string(caller) + "-" + std::to_string(n);
        voc::v1::SubmitFeedbackRequest request;
        *request.mutable_feedback() = MakeFeedback(external_id, n % kInvalidEvery == kInvalidEvery - 1);
        voc::v1::SubmitFeedbackResponse response;
        grpc::ClientContext context;
        Authorize(context);
        context.set_deadline(std::chrono::system_clock::now() + 30s);
        const grpc::Status status = stub->SubmitFeedback(&context, request, &response);
        Outcome outcome{external_id, status.error_code(), status.ok() ? response.feedback().id() : ""};
        if (status.ok()) answered_ok.fetch_add(1);
        std::lock_guard lock(mu);
        outcomes.push_back(std::move(outcome));
      }
    });
  }
  // Bounded: the callers need a few seconds at most on any machine.
  const auto give_up = std::chrono::steady_clock::now() + 120s;
  while (answered_ok.load() < kOkBeforeKill && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_GE(answered_ok.load(), kOkBeforeKill) << Log("ingest-1.log");
  ingest->Kill();  // SIGKILL with calls in flight: no shutdown, no flush
  killed = true;
  for (auto& t : callers) t.join();

  std::set<std::string> ok, refused, cut;
  std::map<std::string, std::string> answered_id;
  for (const auto& outcome : outcomes) {
    if (outcome.code == grpc::StatusCode::OK) {
      ok.insert(outcome.external_id);
      answered_id[outcome.external_id] = outcome.stored_id;
    } else if (outcome.code == grpc::StatusCode::INVALID_ARGUMENT) {
      refused.insert(outcome.external_id);
    } else {
      cut.insert(outcome.external_id);
    }
  }
  std::cout << "answered OK " << ok.size() << ", refused " << refused.size() << ", cut by the kill "
            << cut.size() << "\n";
  ASSERT_GE(ok.size(), static_cast<std::size_t>(kOkBeforeKill));
  ASSERT_FALSE(refused.empty());

  ingest = StartIngest("ingest-2.log");
  auto stored = StoredByExternalId();
  for (const auto& id : ok) {
    auto it = stored.find(id);
    ASSERT_NE(it, stored.end()) << id << " was answered OK but is not stored";
    EXPECT_EQ(it->second.id(), answered_id[id]);
  }
  for (const auto& id : refused) EXPECT_EQ(stored.count(id), 0u) << id << " was refused but is stored";
  for (const auto& [id, feedback] : stored) {
    EXPECT_TRUE(ok.count(id) > 0 || cut.count(id) > 0) << id << " is stored but was never answered OK";
  }

  // Every stored feedback reaches voc:feedback (at least once). Real time
  // only bounds the wait for the new process's relay; nothing is timed.
  std::set<std::string> stored_ids;
  for (const auto& [external_id, feedback] : stored) stored_ids.insert(feedback.id());
  std::set<std::string> streamed;
  const auto relayed_by = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < relayed_by) {
    streamed = StreamedIds();
    if (std::includes(streamed.begin(), streamed.end(), stored_ids.begin(), stored_ids.end())) break;
    std::this_thread::sleep_for(50ms);
  }
  for (const auto& id : stored_ids) EXPECT_EQ(streamed.count(id), 1u) << id << " is stored but never reached the stream";

  // Everything again, the refused ones included: the answered ones come back
  // as duplicates of what was stored, and each valid external id ends up as
  // exactly one row.
  auto stub = NewStub();
  std::set<std::string> valid;
  for (const auto& outcome : outcomes) {
    const bool invalid = refused.count(outcome.external_id) > 0;
    if (!invalid) valid.insert(outcome.external_id);
    voc::v1::SubmitFeedbackRequest request;
    *request.mutable_feedback() = MakeFeedback(outcome.external_id, invalid);
    voc::v1::SubmitFeedbackResponse response;
    grpc::ClientContext context;
    Authorize(context);
    context.set_deadline(std::chrono::system_clock::now() + 30s);
    const grpc::Status status = stub->SubmitFeedback(&context, request, &response);
    if (invalid) {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << outcome.external_id;
      continue;
    }
    ASSERT_TRUE(status.ok()) << outcome.external_id << ": " << status.error_message();
    if (ok.count(outcome.external_id) > 0) {
      EXPECT_TRUE(response.duplicate()) << outcome.external_id;
      EXPECT_EQ(response.feedback().id(), answered_id[outcome.external_id]);
    }
  }
  stored = StoredByExternalId();
  EXPECT_EQ(stored.size(), valid.size());
  for (const auto& id : valid) EXPECT_EQ(stored.count(id), 1u) << id;
  ingest->Terminate(10000);
}

INSTANTIATE_TEST_SUITE_P(Backends, IngestCrashTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace voc
