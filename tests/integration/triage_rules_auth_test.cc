// Issue 9, "Found from outside": an anonymous UpdateRedLines replaced the
// red-line list with one nonsense term, so a brake-failure complaint opened
// no red-line case, and the change survived restarts. Against the real
// voc-triage binary (SQLite, a real redis-server for the audit stream):
//   - anonymous and member updates are refused and change nothing;
//   - an analyst's update is recorded with the analyst as its author, in
//     the rule history and on the audit stream;
//   - RollbackRules restores the earlier list, also after a restart.
// Plus who may call the other RPCs (feedback-only key, members, analysts).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "common/auth/audit.h"
#include "common/queue/redis_client.h"
#include "common/queue/stream.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/servers.h"
#include "voc/v1/identity.pb.h"
#include "voc/v1/triage.grpc.pb.h"

namespace voc {
namespace {

using namespace std::chrono_literals;

constexpr char kBrakeFailure[] = "刹车失灵，差点出事故";
constexpr char kNonsense[] = "version: \"x\"\ncategories:\n  safety:\n    - qwzx\n";
constexpr char kAnalyst[] = "p-emily-carter";
constexpr char kMember[] = "p-xu-gang";  // logistics

class TriageRulesAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    creds_.Add("feedback-only", "feedback:write");
    creds_.Add("rules-reader", "rules:read");
    creds_.Add("rules-writer", "rules:write");
    port_ = testing::FreePort();
    config_ = dir_.path() + "/voc.yaml";
    std::ofstream out(config_);
    out << creds_.AuthYaml("config/roles.yaml")
        << "data_dir: " << dir_.path() << "/var\n"
        << "redis: {host: 127.0.0.1, port: " << redis_.port() << "}\n"
        << "log_format: json\n"
        << "services:\n"
        << "  triage:\n"
        << "    database: \"sqlite3://" << dir_.path() << "/triage.db\"\n"
        << "    listen: \"127.0.0.1:" << port_ << "\"\n"
        << "    metrics_listen: \"\"\n";
    out.close();
    StartTriage();
  }

  void StartTriage() {
    triage_.reset();
    triage_ = std::make_unique<testing::ChildProcess>(std::vector<std::string>{VOC_TRIAGE_BIN, "--config", config_},
                                                      dir_.path() + "/triage.log", creds_.ServiceEnv("triage"));
    ASSERT_TRUE(testing::WaitForPort(port_, 30000)) << Log();
  }

  void RestartTriage() {
    triage_->Terminate(10000);
    StartTriage();
  }

  std::string Log() const {
    std::ifstream in(dir_.path() + "/triage.log");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::string Address() const { return "127.0.0.1:" + std::to_string(port_); }

  // A stub calling as `principal`; "" calls without any credential.
  std::unique_ptr<v1::TriageService::Stub> StubFor(const std::string& principal) const {
    if (principal.empty()) {
      return v1::TriageService::NewStub(grpc::CreateChannel(Address(), grpc::InsecureChannelCredentials()));
    }
    return v1::TriageService::NewStub(creds_.Channel(Address(), principal));
  }

  // A call context, on behalf of `person` when not empty (through the
  // gateway's principal).
  static std::unique_ptr<grpc::ClientContext> Context(const std::string& person = "") {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + 10s);
    if (!person.empty()) testing::ActFor(*context, person);
    return context;
  }

  grpc::Status UpdateRedLines(v1::TriageService::Stub& stub, const std::string& person, const std::string& yaml,
                              const std::string& comment = "") {
    v1::UpdateRedLinesRequest request;
    request.set_yaml(yaml);
    request.set_comment(comment);
    v1::RedLines response;
    return stub.UpdateRedLines(Context(person).get(), request, &response);
  }

  bool BrakeFailureIsASafetyRedLine() {
    v1::AnalyzeRequest request;
    request.set_text(kBrakeFailure);
    v1::AnalyzeResponse response;
    const grpc::Status status = StubFor("tester")->Analyze(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const auto& hit : response.result().red_lines()) {
      if (hit.category() == v1::RED_LINE_CATEGORY_SAFETY) return true;
    }
    return false;
  }

  v1::RedLines RedLines() {
    v1::RedLines response;
    EXPECT_TRUE(StubFor("tester")->GetRedLines(Context().get(), {}, &response).ok());
    return response;
  }

  v1::ListRuleVersionsResponse Versions(const std::string& person = kAnalyst) {
    v1::ListRuleVersionsRequest request;
    request.set_kind("redlines");
    v1::ListRuleVersionsResponse response;
    const grpc::Status status = StubFor("gateway")->ListRuleVersions(Context(person).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // The audit events triage published, by kind.
  std::vector<v1::AuditEvent> AuditEvents(const std::string& kind) {
    queue::RedisOptions options;
    options.port = redis_.port();
    queue::RedisClient client(options);
    auto reply = client.Command({"XRANGE", auth::kAuditStream, "-", "+"});
    std::vector<v1::AuditEvent> events;
    if (!reply) return events;
    for (const auto& entry : queue::ParseEntries(reply.get())) {
      v1::AuditEvent event;
      if (event.ParseFromString(entry.fields.at("event")) && event.kind() == kind) events.push_back(event);
    }
    return events;
  }

  testing::TempDir dir_;
  testing::RedisServer redis_;
  testing::TestCredentials creds_;
  int port_ = 0;
  std::string config_;
  std::unique_ptr<testing::ChildProcess> triage_;
};

TEST_F(TriageRulesAuthTest, AnonymousAndMemberUpdatesAreRefusedAndBrakeFailureStaysARedLine) {
  ASSERT_TRUE(BrakeFailureIsASafetyRedLine());
  const std::string before = RedLines().content_hash();

  EXPECT_EQ(UpdateRedLines(*StubFor(""), "", kNonsense).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  auto gateway = StubFor("gateway");
  const grpc::Status member = UpdateRedLines(*gateway, kMember, kNonsense);
  EXPECT_EQ(member.error_code(), grpc::StatusCode::PERMISSION_DENIED) << member.error_message();
  EXPECT_EQ(UpdateRedLines(*StubFor("rules-reader"), "", kNonsense).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // The gateway as itself holds no rules scope either.
  EXPECT_EQ(UpdateRedLines(*gateway, "", kNonsense).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  EXPECT_TRUE(BrakeFailureIsASafetyRedLine());
  EXPECT_EQ(RedLines().content_hash(), before);
  EXPECT_EQ(Versions().versions_size(), 0) << "a refused update stores nothing";
  // The member's refusal is in the audit log.
  bool member_audited = false;
  for (const auto& e : AuditEvents("permission_denied")) {
    member_audited |= e.principal() == std::string("person:") + kMember && e.service() == "triage";
  }
  EXPECT_TRUE(member_audited);
}

TEST_F(TriageRulesAuthTest, AnAnalystsChangeIsRecordedAndRollsBackAlsoAfterARestart) {
  const std::string original = RedLines().content_hash();
  auto gateway = StubFor("gateway");
  ASSERT_TRUE(UpdateRedLines(*gateway, kAnalyst, kNonsense, "trial list").ok());
  EXPECT_FALSE(BrakeFailureIsASafetyRedLine()) << "the nonsense list is in force";

  auto history = Versions();
  ASSERT_EQ(history.versions_size(), 2);
  const v1::RuleVersion& change = history.versions(0);
  EXPECT_EQ(change.name(), "redlines/versions/2");
  EXPECT_EQ(change.author(), kAnalyst);
  EXPECT_EQ(change.comment(), "trial list");
  EXPECT_EQ(change.label(), "x");
  EXPECT_TRUE(change.active());
  EXPECT_GT(change.create_time().seconds(), 0);
  const v1::RuleVersion& file = history.versions(1);
  EXPECT_EQ(file.name(), "redlines/versions/1");
  EXPECT_EQ(file.author(), "config");
  EXPECT_EQ(file.content_hash(), original);
  EXPECT_FALSE(file.active());
  const auto changed = AuditEvents("rules_changed");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].principal(), std::string("person:") + kAnalyst);
  EXPECT_EQ(changed[0].resource(), "redlines/versions/2");

  // A member may read the history but not roll back.
  EXPECT_EQ(Versions(kMember).versions_size(), 2);
  v1::RollbackRulesRequest rollback;
  rollback.set_kind("redlines");
  rollback.set_version("redlines/versions/1");
  rollback.set_comment("undo the trial");
  v1::RuleVersion restored;
  EXPECT_EQ(gateway->RollbackRules(Context(kMember).get(), rollback, &restored).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_FALSE(BrakeFailureIsASafetyRedLine());

  const grpc::Status rolled = gateway->RollbackRules(Context(kAnalyst).get(), rollback, &restored);
  ASSERT_TRUE(rolled.ok()) << rolled.error_message();
  EXPECT_EQ(restored.name(), "redlines/versions/3");
  EXPECT_EQ(restored.author(), kAnalyst);
  EXPECT_EQ(restored.rolled_back_from(), "redlines/versions/1");
  EXPECT_EQ(restored.content_hash(), original);
  EXPECT_TRUE(restored.active());
  EXPECT_TRUE(BrakeFailureIsASafetyRedLine());
  EXPECT_EQ(AuditEvents("rules_rolled_back").size(), 1u);
  // Rolling back to what is in force already changes nothing.
  EXPECT_EQ(gateway->RollbackRules(Context(kAnalyst).get(), rollback, &restored).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  RestartTriage();
  EXPECT_EQ(RedLines().content_hash(), original);
  EXPECT_TRUE(BrakeFailureIsASafetyRedLine());
  history = Versions();
  ASSERT_EQ(history.versions_size(), 3);
  EXPECT_TRUE(history.versions(0).active());
  EXPECT_EQ(history.versions(0).rolled_back_from(), "redlines/versions/1");
}

TEST_F(TriageRulesAuthTest, RollbackNamesWhatIsWrongWithTheRequest) {
  auto writer = StubFor("rules-writer");
  v1::RollbackRulesRequest request;
  request.set_kind("routing");
  request.set_version("1");
  v1::RuleVersion response;
  auto status = writer->RollbackRules(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("kind:", 0), 0u) << status.error_message();
  request.set_kind("redlines");
  request.set_version("taxonomy/versions/1");
  status = writer->RollbackRules(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("version:", 0), 0u) << status.error_message();
  request.set_version("7");
  EXPECT_EQ(writer->RollbackRules(Context().get(), request, &response).error_code(), grpc::StatusCode::NOT_FOUND);
  // A key holding rules:write is recorded as itself.
  ASSERT_TRUE(UpdateRedLines(*writer, "", kNonsense).ok());
  EXPECT_EQ(Versions().versions(0).author(), "service:rules-writer");
}

TEST_F(TriageRulesAuthTest, EachRpcAsksForWhatItShows) {
  auto feedback_only = StubFor("feedback-only");
  v1::GetTriageResultRequest result_request;
  result_request.set_feedback("feedback/f1");
  v1::TriageResult result;
  EXPECT_EQ(feedback_only->GetTriageResult(Context().get(), result_request, &result).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::AnalyzeRequest analyze;
  analyze.set_text(kBrakeFailure);
  v1::AnalyzeResponse analysis;
  EXPECT_EQ(feedback_only->Analyze(Context().get(), analyze, &analysis).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListClustersResponse clusters;
  EXPECT_EQ(feedback_only->ListClusters(Context().get(), {}, &clusters).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Verification counts with triage:count and reads figures with
  // analytics:read (its goals' figures, issue 12), never stored results.
  auto verification = StubFor("verification");
  v1::CountFeedbackRequest count;
  count.mutable_end_time()->set_seconds(1764028800);
  v1::CountFeedbackResponse counts;
  const grpc::Status counted = verification->CountFeedback(Context().get(), count, &counts);
  EXPECT_TRUE(counted.ok()) << counted.error_message();
  EXPECT_TRUE(verification->ListClusters(Context().get(), {}, &clusters).ok());
  EXPECT_EQ(verification->GetTriageResult(Context().get(), result_request, &result).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // A member reads analytics and rules, not stored results, and may not
  // preview rule changes (previews show stored texts).
  auto gateway = StubFor("gateway");
  EXPECT_TRUE(gateway->ListClusters(Context(kMember).get(), {}, &clusters).ok());
  v1::ListTopicsResponse topics;
  EXPECT_TRUE(gateway->ListTopics(Context(kMember).get(), {}, &topics).ok());
  v1::RedLines red_lines;
  EXPECT_TRUE(gateway->GetRedLines(Context(kMember).get(), {}, &red_lines).ok());
  EXPECT_EQ(gateway->GetTriageResult(Context(kMember).get(), result_request, &result).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::PreviewRedLinesRequest preview;
  preview.set_yaml(kNonsense);
  v1::PreviewRedLinesResponse previewed;
  EXPECT_EQ(gateway->PreviewRedLines(Context(kMember).get(), preview, &previewed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // An analyst reads results (PERMISSION_DENIED would hide NOT_FOUND) and previews.
  EXPECT_EQ(gateway->GetTriageResult(Context(kAnalyst).get(), result_request, &result).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(gateway->PreviewRedLines(Context(kAnalyst).get(), preview, &previewed).ok());
}

// Issue 9: the priority matrix is guarded like the red lines: members,
// feedback-only keys and anonymous callers change nothing; an analyst's
// change is recorded with who, and survives a restart.
TEST_F(TriageRulesAuthTest, PriorityRulesAreChangedOnlyByRuleWritersAndSurviveARestart) {
  const std::string matrix =
      "version: \"urgent\"\ndefault: {priority: P1, reason: \"everything is urgent\"}\nrules: []\n";
  auto update = [&](v1::TriageService::Stub& stub, const std::string& person) {
    v1::UpdatePriorityRulesRequest request;
    request.set_yaml(matrix);
    request.set_comment("drill");
    v1::PriorityRules response;
    return stub.UpdatePriorityRules(Context(person).get(), request, &response);
  };
  auto in_force = [&] {
    v1::PriorityRules response;
    EXPECT_TRUE(StubFor("gateway")->GetPriorityRules(Context(kMember).get(), {}, &response).ok());
    return response;
  };
  const std::string before = in_force().content_hash();
  auto gateway = StubFor("gateway");
  EXPECT_EQ(update(*StubFor(""), "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(update(*gateway, kMember).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(update(*StubFor("feedback-only"), "").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(in_force().content_hash(), before);

  const grpc::Status by_analyst = update(*gateway, kAnalyst);
  ASSERT_TRUE(by_analyst.ok()) << by_analyst.error_message();
  v1::ListRuleVersionsRequest list;
  list.set_kind("priority");
  v1::ListRuleVersionsResponse versions;
  ASSERT_TRUE(gateway->ListRuleVersions(Context(kAnalyst).get(), list, &versions).ok());
  ASSERT_EQ(versions.versions_size(), 2);
  EXPECT_EQ(versions.versions(0).author(), kAnalyst);
  EXPECT_EQ(versions.versions(0).comment(), "drill");

  RestartTriage();
  EXPECT_EQ(in_force().version(), "urgent");
  v1::AnalyzeRequest analyze;
  analyze.set_text("thanks, all good");
  v1::AnalyzeResponse analysis;
  ASSERT_TRUE(StubFor("tester")->Analyze(Context().get(), analyze, &analysis).ok());
  EXPECT_EQ(analysis.result().priority(), v1::PRIORITY_P1);
}

// `voc rules` as an operator runs it against voc-triage: the key in
// VOC_API_KEY. Returns the exit code and what it printed (both streams).
struct CliRun {
  int exit_code = -1;
  std::string output;
};

CliRun RunCli(const std::string& dir, const std::string& address, const std::string& key,
              const std::string& arguments) {
  static int runs = 0;
  const std::string out = dir + "/cli.out" + std::to_string(++runs);
  const std::string command = "cd '" VOC_SOURCE_DIR "' && VOC_API_KEY='" + key + "' '" VOC_CLI_BIN "' --triage " +
                              address + " rules " + arguments + " </dev/null >'" + out + "' 2>&1";
  CliRun run;
  const int status = std::system(command.c_str());
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream read(out);
  std::stringstream text;
  text << read.rdbuf();
  run.output = text.str();
  return run;
}

TEST_F(TriageRulesAuthTest, TheVocRulesCommandUpdatesShowsListsAndRollsBack) {
  const std::string file = dir_.path() + "/priority.yaml";
  std::ofstream(file) << "version: \"cli\"\ndefault: {priority: P2, reason: \"from the cli\"}\nrules: []\n";
  const std::string writer = creds_.Token("rules-writer");

  const CliRun refused = RunCli(dir_.path(), Address(), creds_.Token("feedback-only"), "update priority " + file);
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  const CliRun updated = RunCli(dir_.path(), Address(), writer, "update priority " + file + " --comment 'cli drill'");
  ASSERT_EQ(updated.exit_code, 0) << updated.output;
  EXPECT_NE(updated.output.find("priority updated: version cli"), std::string::npos) << updated.output;

  const CliRun history = RunCli(dir_.path(), Address(), writer, "history priority");
  ASSERT_EQ(history.exit_code, 0) << history.output;
  EXPECT_NE(history.output.find("priority/versions/2"), std::string::npos) << history.output;
  EXPECT_NE(history.output.find("service:rules-writer"), std::string::npos) << history.output;
  EXPECT_NE(history.output.find("\"cli drill\""), std::string::npos) << history.output;
  EXPECT_NE(history.output.find("priority/versions/1"), std::string::npos) << history.output;

  const CliRun shown = RunCli(dir_.path(), Address(), writer, "show priority 1");
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find("version: \"2024.1\""), std::string::npos) << shown.output;  // config/priority.yaml

  const CliRun rolled = RunCli(dir_.path(), Address(), writer, "rollback priority 1 --comment undo");
  ASSERT_EQ(rolled.exit_code, 0) << rolled.output;
  EXPECT_NE(rolled.output.find("restores priority/versions/1"), std::string::npos) << rolled.output;
  const CliRun in_force = RunCli(dir_.path(), Address(), writer, "show priority");
  EXPECT_NE(in_force.output.find("# version 2024.1"), std::string::npos) << in_force.output;

  EXPECT_EQ(RunCli(dir_.path(), Address(), writer, "history nonsense").exit_code, 2);
}

}  // namespace
}  // namespace voc
