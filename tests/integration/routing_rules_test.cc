// Issue 9: the routing rules changed over the API, with who and when, their
// history and rollback to a named version; on SQLite and PostgreSQL, through
// AssignmentService's gRPC surface with callers authenticated as the
// services authenticate them (in-process authenticator over the shipped
// directory and roles):
//   - an analyst's change is recorded with who, when and why, and routes a
//     complaint differently; rolling back to routing/versions/1 routes it as
//     before, on this replica and, at its next check, on another;
//   - a bad YAML is refused with its line and the rules in force stay;
//   - a member, a feedback-only key and an anonymous caller change nothing;
//   - a restarted replica installs the newest stored version;
//   - ReloadRules records a changed routing file as a version, and an
//     unchanged one as none.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "common/clock/clock.h"
#include "common/rpc/server.h"
#include "common/storage/database.h"
#include "common/util/time.h"
#include "services/assignment/assignment_grpc.h"
#include "services/assignment/assignment_service.h"
#include "services/assignment/routing_rule_editor.h"
#include "services/assignment/store/assignment_store.h"
#include "tests/support/auth_fixture.h"
#include "tests/support/in_process_auth.h"
#include "tests/support/recording_notifier.h"
#include "tests/support/servers.h"
#include "voc/v1/assignment.grpc.pb.h"

namespace voc::assignment {
namespace {

using namespace std::chrono_literals;

constexpr char kAnalyst[] = "p-emily-carter";
constexpr char kMember[] = "p-xu-gang";  // logistics

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The shipped routing file with unrouted complaints sent to logistics
// instead of customer service.
std::string RoutingToLogistics() {
  std::string yaml = ReadFile("config/routing.yaml");
  const std::string shipped = "default_department: customer_service";
  const auto at = yaml.find(shipped);
  EXPECT_NE(at, std::string::npos);
  if (at != std::string::npos) yaml.replace(at, shipped.size(), "default_department: logistics");
  return yaml;
}

class NoCases final : public CaseCreator {
 public:
  absl::StatusOr<std::string> CreateCase(const v1::CreateCaseRequest&) override { return "cases/1"; }
};

// One assignment replica without the queue side.
struct Replica {
  Replica(const std::string& database_url, const Clock& clock, testing::TestCredentials& creds,
          const RuleFiles& files = {"config/directory.yaml", "config/routing.yaml"}) {
    db = storage::Database::Open(database_url).value();
    db->Migrate("assignment", AssignmentMigrations()).value();
    store = std::make_unique<AssignmentStore>(*db);
    service = std::make_unique<AssignmentService>(*store, clock, cases, notifier, LoadRouter(files).value(), files);
    authenticator = testing::InProcessAuthenticator(creds, clock, "assignment");
    editor = std::make_unique<RoutingRuleEditor>(*service, *store, clock, authenticator->audit());
    grpc_service = std::make_unique<AssignmentGrpc>(*service, *editor, *authenticator);
    server = std::make_unique<rpc::ServiceServer>(rpc::ServerOptions{"assignment", "127.0.0.1:0", nullptr},
                                                  std::vector<grpc::Service*>{grpc_service.get()});
    address = "127.0.0.1:" + std::to_string(server->Start().value());
  }

  // The department an unrouted negative feedback's complaint goes to.
  std::string ComplaintDepartment() const {
    v1::TriagedFeedback triaged;
    triaged.mutable_feedback()->set_id("fb-1");
    triaged.mutable_feedback()->set_name("feedback/fb-1");
    triaged.mutable_feedback()->set_text("not happy");
    triaged.mutable_result()->set_feedback_id("fb-1");
    triaged.mutable_result()->set_sentiment(v1::SENTIMENT_NEGATIVE);
    for (const auto& planned : service->router()->Route(triaged)) {
      if (planned.kind == kComplaint) return planned.request.case_().owners(0).department();
    }
    return "";
  }

  std::unique_ptr<storage::Database> db;
  std::unique_ptr<AssignmentStore> store;
  NoCases cases;
  testing::RecordingNotifier notifier;
  std::unique_ptr<AssignmentService> service;
  std::unique_ptr<auth::CallerAuthenticator> authenticator;
  std::unique_ptr<RoutingRuleEditor> editor;
  std::unique_ptr<AssignmentGrpc> grpc_service;
  std::unique_ptr<rpc::ServiceServer> server;
  std::string address;
};

class RoutingRulesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    creds_.Add("feedback-only", "feedback:write");
    creds_.Add("rules-writer", "rules:write");
    if (GetParam() == "postgres") {
      if (!testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL is not installed";
      postgres_ = std::make_unique<testing::PostgresServer>();
      postgres_->CreateDatabase("assignment");
      url_ = postgres_->Url("assignment");
    } else {
      url_ = "sqlite3://" + dir_.path() + "/assignment.db";
    }
    a_ = std::make_unique<Replica>(url_, clock_, creds_);
    b_ = std::make_unique<Replica>(url_, clock_, creds_);
  }

  // A stub of replica `r` calling as `principal` ("" calls without any
  // credential).
  std::unique_ptr<v1::AssignmentService::Stub> Stub(const Replica& r, const std::string& principal) {
    if (principal.empty()) {
      return v1::AssignmentService::NewStub(grpc::CreateChannel(r.address, grpc::InsecureChannelCredentials()));
    }
    return v1::AssignmentService::NewStub(creds_.Channel(r.address, principal));
  }
  // A call context, on behalf of `person` when not empty (the gateway's header).
  static std::unique_ptr<grpc::ClientContext> Context(const std::string& person = "") {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + 10s);
    if (!person.empty()) testing::ActFor(*context, person);
    return context;
  }
  grpc::Status Update(const Replica& r, const std::string& principal, const std::string& person,
                      const std::string& yaml, const std::string& comment = "") {
    v1::UpdateRoutingRulesRequest request;
    request.set_yaml(yaml);
    request.set_comment(comment);
    v1::RoutingRules response;
    return Stub(r, principal)->UpdateRoutingRules(Context(person).get(), request, &response);
  }
  grpc::Status Rollback(const Replica& r, const std::string& principal, const std::string& person,
                        const std::string& version, v1::RuleVersion* made) {
    v1::RollbackRulesRequest request;
    request.set_kind("routing");
    request.set_version(version);
    request.set_comment("back to the file");
    return Stub(r, principal)->RollbackRules(Context(person).get(), request, made);
  }
  v1::ListRuleVersionsResponse Versions(const Replica& r) {
    v1::ListRuleVersionsRequest request;
    request.set_kind("routing");
    v1::ListRuleVersionsResponse response;
    const grpc::Status status = Stub(r, "rules-writer")->ListRuleVersions(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
  v1::RoutingRules InForce(const Replica& r) {
    v1::RoutingRules response;
    const grpc::Status status = Stub(r, "rules-writer")->GetRoutingRules(Context().get(), {}, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::PostgresServer> postgres_;
  std::string url_;
  FakeClock clock_{FromMillis(1764028800000)};
  testing::TestCredentials creds_;
  std::unique_ptr<Replica> a_, b_;
};

TEST_P(RoutingRulesTest, AChangeIsRecordedWithWhoAndWhenAndARollbackRoutesAsBefore) {
  ASSERT_EQ(a_->ComplaintDepartment(), "customer_service");
  EXPECT_EQ(b_->editor->CheckForNewerRules(), 0);

  clock_.Advance(5min);
  const grpc::Status updated = Update(*a_, "gateway", kAnalyst, RoutingToLogistics(), "unrouted complaints to logistics");
  ASSERT_TRUE(updated.ok()) << updated.error_message();
  EXPECT_EQ(a_->ComplaintDepartment(), "logistics");
  EXPECT_EQ(b_->ComplaintDepartment(), "customer_service");  // B has not looked yet
  EXPECT_EQ(b_->editor->CheckForNewerRules(), 1);
  EXPECT_EQ(b_->ComplaintDepartment(), "logistics");

  const auto versions = Versions(*a_);
  ASSERT_EQ(versions.versions_size(), 2);
  const auto& change = versions.versions(0);
  EXPECT_EQ(change.name(), "routing/versions/2");
  EXPECT_EQ(change.author(), kAnalyst);
  EXPECT_EQ(change.comment(), "unrouted complaints to logistics");
  EXPECT_EQ(ToMillis(FromProto(change.create_time())), ToMillis(clock_.Now()));
  EXPECT_TRUE(change.active());
  EXPECT_TRUE(change.yaml().empty());  // lists carry no rule text
  const auto& file = versions.versions(1);
  EXPECT_EQ(file.name(), "routing/versions/1");
  EXPECT_EQ(file.author(), "config");
  EXPECT_FALSE(file.active());

  // Version 1 with its text, as `voc rules show routing 1` asks for it.
  v1::GetRuleVersionRequest get;
  get.set_kind("routing");
  get.set_version("1");
  v1::RuleVersion shown;
  ASSERT_TRUE(Stub(*a_, "rules-writer")->GetRuleVersion(Context().get(), get, &shown).ok());
  EXPECT_EQ(shown.yaml(), ReadFile("config/routing.yaml"));
  get.set_version("routing/versions/9");
  EXPECT_EQ(Stub(*a_, "rules-writer")->GetRuleVersion(Context().get(), get, &shown).error_code(),
            grpc::StatusCode::NOT_FOUND);

  clock_.Advance(1min);
  v1::RuleVersion made;
  const grpc::Status rolled = Rollback(*a_, "rules-writer", "", "routing/versions/1", &made);
  ASSERT_TRUE(rolled.ok()) << rolled.error_message();
  EXPECT_EQ(made.name(), "routing/versions/3");
  EXPECT_EQ(made.rolled_back_from(), "routing/versions/1");
  EXPECT_EQ(made.author(), "service:rules-writer");
  EXPECT_EQ(a_->ComplaintDepartment(), "customer_service");
  EXPECT_EQ(b_->editor->CheckForNewerRules(), 1);
  EXPECT_EQ(b_->ComplaintDepartment(), "customer_service");
  // Rolling back to what is in force already is refused.
  EXPECT_EQ(Rollback(*a_, "rules-writer", "", "1", &made).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_P(RoutingRulesTest, ABadYamlIsRefusedWithItsLineAndTheRulesInForceStay) {
  const v1::RoutingRules before = InForce(*a_);
  // Line 4 names a department the directory does not have.
  const std::string bad =
      "version: 1\n"
      "detractor_callback:\n"
      "  sla: 24h\n"
      "  owners: [department_head:nowhere]\n"
      "red_line: {owners: [department_head:legal]}\n"
      "complaint: {default_department: customer_service}\n";
  const grpc::Status refused = Update(*a_, "gateway", kAnalyst, bad);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(refused.error_message().rfind("yaml:4: ", 0), 0u) << refused.error_message();
  EXPECT_EQ(InForce(*a_).content_hash(), before.content_hash());
  EXPECT_EQ(a_->ComplaintDepartment(), "customer_service");
  EXPECT_EQ(Versions(*a_).versions_size(), 0);
}

TEST_P(RoutingRulesTest, MembersFeedbackKeysAndAnonymousCallersChangeNothing) {
  EXPECT_EQ(Update(*a_, "gateway", kMember, RoutingToLogistics()).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Update(*a_, "feedback-only", "", RoutingToLogistics()).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Update(*a_, "", "", RoutingToLogistics()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  v1::RuleVersion made;
  EXPECT_EQ(Rollback(*a_, "gateway", kMember, "1", &made).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Rollback(*a_, "feedback-only", "", "1", &made).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::ReloadRulesResponse counts;
  EXPECT_EQ(Stub(*a_, "feedback-only")->ReloadRules(Context().get(), {}, &counts).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A feedback-only key does not read the rules either; a member does.
  v1::RoutingRules rules;
  EXPECT_EQ(Stub(*a_, "feedback-only")->GetRoutingRules(Context().get(), {}, &rules).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListRuleVersionsRequest list;
  list.set_kind("routing");
  v1::ListRuleVersionsResponse listed;
  EXPECT_EQ(Stub(*a_, "feedback-only")->ListRuleVersions(Context().get(), list, &listed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(Stub(*a_, "gateway")->GetRoutingRules(Context(kMember).get(), {}, &rules).ok());

  EXPECT_EQ(a_->ComplaintDepartment(), "customer_service");
  EXPECT_EQ(Versions(*a_).versions_size(), 0);
}

TEST_P(RoutingRulesTest, ARestartInstallsTheNewestStoredVersion) {
  ASSERT_TRUE(Update(*a_, "rules-writer", "", RoutingToLogistics()).ok());
  Replica restarted(url_, clock_, creds_);
  EXPECT_EQ(restarted.ComplaintDepartment(), "customer_service");  // the file, until the store is read
  ASSERT_TRUE(restarted.editor->LoadStoredRules().ok());
  EXPECT_EQ(restarted.ComplaintDepartment(), "logistics");
  EXPECT_EQ(restarted.editor->CheckForNewerRules(), 0);
}

TEST_P(RoutingRulesTest, ReloadRulesRecordsAChangedRoutingFileAndNothingForAnUnchangedOne) {
  const std::string routing = dir_.path() + "/routing.yaml";
  std::ofstream(routing) << ReadFile("config/routing.yaml");
  Replica c(url_, clock_, creds_, {"config/directory.yaml", routing});
  v1::ReloadRulesResponse counts;
  ASSERT_TRUE(Stub(c, "rules-writer")->ReloadRules(Context().get(), {}, &counts).ok());
  EXPECT_EQ(Versions(c).versions_size(), 0);  // the file in force already

  std::ofstream(routing, std::ios::trunc) << RoutingToLogistics();
  const grpc::Status reloaded = Stub(c, "gateway")->ReloadRules(Context(kAnalyst).get(), {}, &counts);
  ASSERT_TRUE(reloaded.ok()) << reloaded.error_message();
  EXPECT_EQ(c.ComplaintDepartment(), "logistics");
  const auto versions = Versions(c);
  ASSERT_EQ(versions.versions_size(), 2);
  EXPECT_EQ(versions.versions(0).author(), kAnalyst);
  EXPECT_EQ(versions.versions(0).comment(), "reloaded from " + routing);
  // Recorded, so the other replicas follow it.
  EXPECT_EQ(a_->editor->CheckForNewerRules(), 1);
  EXPECT_EQ(a_->ComplaintDepartment(), "logistics");
}

INSTANTIATE_TEST_SUITE_P(Backends, RoutingRulesTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace voc::assignment
