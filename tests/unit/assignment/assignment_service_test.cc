#include "services/assignment/assignment_service.h"

#include "services/assignment/assignment_consumer.h"
#include "services/assignment/routing_rule_editor.h"

#include <gtest/gtest.h>

#include <fstream>
#include <mutex>
#include <set>

#include "common/auth/audit.h"
#include "common/auth/principal.h"
#include "services/assignment/store/assignment_store.h"
#include "tests/support/recording_notifier.h"
#include "tests/support/servers.h"
#include "tests/unit/assignment/assignment_test_support.h"

namespace voc::assignment {
namespace {

using testing::MakeRouter;
using testing::Triaged;

// Tracking at the edge: hands out "cases/<request_id>", remembers every
// request and counts the round trips; `failing` is tracking down, `refused`
// the request ids it answers INVALID_ARGUMENT.
class FakeCaseCreator final : public CaseCreator {
 public:
  absl::StatusOr<std::string> CreateCase(const v1::CreateCaseRequest& request) override {
    auto created = CreateCases({request});
    if (!created.ok()) return created.status();
    return created->front();
  }
  absl::StatusOr<std::vector<absl::StatusOr<std::string>>> CreateCases(
      const std::vector<v1::CreateCaseRequest>& batch) override {
    std::lock_guard lock(mu);
    ++calls;
    requests.insert(requests.end(), batch.begin(), batch.end());
    if (failing) return absl::UnavailableError("tracking unavailable");
    std::vector<absl::StatusOr<std::string>> names;
    for (const auto& request : batch) {
      if (refused.count(request.request_id())) {
        names.push_back(absl::InvalidArgumentError("case.owners: at least one owner is required"));
      } else {
        names.push_back("cases/" + request.request_id());
      }
    }
    return names;
  }
  std::mutex mu;
  bool failing = false;
  std::set<std::string> refused;
  int calls = 0;
  std::vector<v1::CreateCaseRequest> requests;
};

using voc::testing::RecordingNotifier;

class AssignmentServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened_db = storage::Database::Open("sqlite3://" + dir_.path() + "/assignment.db");
    ASSERT_TRUE(opened_db.ok()) << opened_db.status();
    db_ = *std::move(opened_db);
    ASSERT_EQ(db_->Migrate("assignment", AssignmentMigrations()).status(), absl::OkStatus());
    store_ = std::make_unique<AssignmentStore>(*db_);
    service_ = std::make_unique<AssignmentService>(*store_, clock_, cases_, notifier_, MakeRouter());
    consumer_ = std::make_unique<AssignmentConsumer>(*service_);
  }
  queue::StreamMessage Message(const v1::TriagedFeedback& t) {
    return {"1-0", {{"feedback_id", t.feedback().id()}, {"payload", t.SerializeAsString()}}};
  }

  ::voc::testing::TempDir dir_;
  FakeClock clock_{testing::Received()};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<AssignmentStore> store_;
  FakeCaseCreator cases_;
  RecordingNotifier notifier_;
  std::unique_ptr<AssignmentService> service_;
  std::unique_ptr<AssignmentConsumer> consumer_;
};

TEST_F(AssignmentServiceTest, RedeliveredMessageCreatesNoSecondCase) {
  const auto msg = Message(Triaged("fb-1").Detractor().t);
  EXPECT_TRUE(consumer_->Handle(msg).ok());
  EXPECT_TRUE(consumer_->Handle(msg).ok());
  ASSERT_EQ(cases_.requests.size(), 1u) << "the second delivery reuses the stored decision";
  auto assignment = service_->GetAssignment("fb-1");
  ASSERT_TRUE(assignment.ok());
  ASSERT_EQ(assignment->decisions_size(), 1);
  EXPECT_EQ(assignment->decisions(0).kind(), "detractor_callback");
  EXPECT_EQ(assignment->decisions(0).case_name(), "cases/callback:fb-1");
  EXPECT_EQ(assignment->decisions(0).person(), "p-am");
}

// Issue 12: every case request assignment sends carries why the case is
// here: what triage read and the rule that chose that case's owner.
TEST_F(AssignmentServiceTest, EveryCaseRequestSentToTrackingCarriesItsExplanation) {
  Triaged t("fb-2");
  t.Detractor(1).RedLine("起火");
  t.t.mutable_result()->add_evidence("吓死");
  t.t.mutable_result()->set_cluster_id("cl-9");
  ASSERT_TRUE(consumer_->Handle(Message(t.t)).ok());
  ASSERT_EQ(cases_.requests.size(), 2u) << "the red-line case and the callback";
  std::set<std::string> rules;
  for (const v1::CreateCaseRequest& request : cases_.requests) {
    const v1::CaseExplanation& e = request.case_().explanation();
    ASSERT_EQ(e.evidence_size(), 1) << request.request_id();
    EXPECT_EQ(e.evidence(0), "吓死");
    ASSERT_EQ(e.red_lines_size(), 1) << request.request_id();
    EXPECT_EQ(e.red_lines(0).term(), "起火");
    EXPECT_EQ(e.cluster_id(), "cl-9");
    rules.insert(request.request_id() + " " + e.routing().rule_id());
  }
  EXPECT_EQ(rules, (std::set<std::string>{"redline:fb-2 red_line.owners", "callback:fb-2 detractor_callback.owners[0]"}));
}

TEST_F(AssignmentServiceTest, TrackingOutageFailsTheMessageAndStoresNothing) {
  cases_.failing = true;
  const auto msg = Message(Triaged("fb-1").Detractor().t);
  const auto result = consumer_->Handle(msg);
  EXPECT_FALSE(result.ok());
  EXPECT_NE(std::string(result.message()).find("tracking unavailable"), std::string::npos);
  EXPECT_EQ(result.code(), absl::StatusCode::kUnavailable) << "retried, never dead-lettered";
  EXPECT_EQ(service_->GetAssignment("fb-1").status().code(), absl::StatusCode::kNotFound);
  cases_.failing = false;
  EXPECT_TRUE(consumer_->Handle(msg).ok());
  EXPECT_TRUE(service_->GetAssignment("fb-1").ok());
}

TEST_F(AssignmentServiceTest, RedLineOwnersAreNotifiedOnceEvenWhenTheFirstTryFails) {
  const auto msg = Message(Triaged("fb-9").RedLine("explosion").t);
  notifier_.set_failing(true);
  const absl::Status failed = consumer_->Handle(msg);
  EXPECT_FALSE(failed.ok()) << "redelivery must retry the alert";
  EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable);
  notifier_.set_failing(false);
  EXPECT_TRUE(consumer_->Handle(msg).ok());
  EXPECT_TRUE(consumer_->Handle(msg).ok());
  const auto sent = notifier_.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].kind, "red_line");
  EXPECT_EQ(sent[0].recipients, (std::vector<std::string>{"p-counsel", "p-pr", "p-ceo"}));
  EXPECT_EQ(sent[0].case_id, "cases/redline:fb-9");
}

// Issue 11: a P1 case that is not a red line alerts its department once,
// through voc-notify's subscriptions, even when the first try fails and the
// message is delivered again.
TEST_F(AssignmentServiceTest, ANewP1CaseAlertsItsDepartmentOnceEvenWhenTheFirstTryFails) {
  Triaged t("fb-p1");
  t.Negative().Topic("product.quality", "customer_service");
  t.t.mutable_result()->set_priority(v1::PRIORITY_P1);
  const auto msg = Message(t.t);
  notifier_.set_failing(true);
  const absl::Status failed = consumer_->Handle(msg);
  EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable) << "redelivery must retry the alert";
  notifier_.set_failing(false);
  EXPECT_TRUE(consumer_->Handle(msg).ok());
  EXPECT_TRUE(consumer_->Handle(msg).ok());
  ASSERT_EQ(cases_.requests.size(), 1u);
  const auto sent = notifier_.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].kind, "new_p1");
  EXPECT_TRUE(sent[0].recipients.empty()) << "the subscription rules choose the heads";
  EXPECT_EQ(sent[0].department, "customer_service");
  EXPECT_EQ(sent[0].case_id, "cases/" + cases_.requests[0].request_id());
  EXPECT_EQ(sent[0].id, "assignment:fb-p1:complaint:new_p1");
  EXPECT_EQ(sent[0].params.at("priority"), "P1");
  EXPECT_EQ(sent[0].params.at("case_title"), cases_.requests[0].case_().title());
  EXPECT_FALSE(sent[0].params.at("case_title").empty());
  EXPECT_FALSE(sent[0].params.at("routing_reason").empty());
}

TEST_F(AssignmentServiceTest, ARedLineOrANonP1CaseSendsNoNewP1Alert) {
  Triaged p3("fb-p3");
  p3.Negative().Topic("product.quality", "customer_service");
  p3.t.mutable_result()->set_priority(v1::PRIORITY_P3);
  ASSERT_TRUE(consumer_->Handle(Message(p3.t)).ok());
  ASSERT_TRUE(consumer_->Handle(Message(Triaged("fb-red").RedLine("explosion").t)).ok());
  const auto sent = notifier_.sent();
  ASSERT_EQ(sent.size(), 1u) << "the red line's own alert only";
  EXPECT_EQ(sent[0].kind, "red_line");
}

TEST_F(AssignmentServiceTest, ADetractorRaisedToP1AlertsTheCallbackDepartmentOnce) {
  Triaged t("fb-d1");
  t.Detractor(0);
  t.t.mutable_result()->set_priority(v1::PRIORITY_P1);
  ASSERT_TRUE(consumer_->Handle(Message(t.t)).ok());
  ASSERT_TRUE(consumer_->Handle(Message(t.t)).ok());
  const auto sent = notifier_.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].kind, "new_p1");
  EXPECT_EQ(sent[0].case_id, "cases/callback:fb-d1");
  auto stored = store_->Load("fb-d1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->decisions.at(0).priority, v1::PRIORITY_P1);
  EXPECT_TRUE((*stored)->decisions.at(0).p1_notified);
}

TEST_F(AssignmentServiceTest, PositiveFeedbackIsRecordedWithNoDecisions) {
  EXPECT_TRUE(consumer_->Handle(Message(Triaged("fb-2").t)).ok());
  auto assignment = service_->GetAssignment("fb-2");
  ASSERT_TRUE(assignment.ok());
  EXPECT_EQ(assignment->decisions_size(), 0);
  EXPECT_TRUE(cases_.requests.empty());
}

TEST_F(AssignmentServiceTest, GarbagePayloadFails) {
  queue::StreamMessage bad{"1-0", {{"payload", "\xff\xff not a proto"}}};
  EXPECT_FALSE(consumer_->Handle(bad).ok());
  EXPECT_FALSE(consumer_->Handle({"1-1", {}}).ok());
  // Both are dead-lettered after max_deliveries, never retried forever.
  EXPECT_EQ(queue::DispositionOf(consumer_->Handle(bad)), queue::Disposition::kFail);
  EXPECT_EQ(queue::DispositionOf(consumer_->Handle({"1-1", {}})), queue::Disposition::kFail);
}

TEST_F(AssignmentServiceTest, AFeedbackWithoutIdFailsNamingTheField) {
  v1::TriagedFeedback no_id = Triaged("x").Detractor().t;
  no_id.mutable_feedback()->clear_id();
  const absl::Status status = consumer_->Handle(Message(no_id));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(status.message()).rfind("feedback.id", 0), 0u) << status.message();
}

TEST_F(AssignmentServiceTest, GetAssignmentAcceptsTheResourceNameForms) {
  ASSERT_TRUE(consumer_->Handle(Message(Triaged("fb-3").Detractor().t)).ok());
  for (const char* name : {"fb-3", "feedback/fb-3", "feedback/fb-3/assignment"}) {
    auto got = service_->GetAssignment(name);
    ASSERT_TRUE(got.ok()) << name;
    EXPECT_EQ(got->feedback_id(), "fb-3");
  }
  EXPECT_EQ(service_->GetAssignment("").status().code(), absl::StatusCode::kInvalidArgument);
  const auto missing = service_->GetAssignment("feedback/nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "feedback/nope/assignment not found");
}

TEST_F(AssignmentServiceTest, ReloadWithABadFileKeepsTheRulesInForce) {
  const std::string directory = dir_.path() + "/directory.yaml";
  const std::string routing = dir_.path() + "/routing.yaml";
  {
    std::ofstream(directory) << testing::kDirectoryYaml;
    std::ofstream(routing) << "detractor_callback:\n  owners: [department_head:nowhere]\n";
  }
  AssignmentService service(*store_, clock_, cases_, notifier_, MakeRouter(), {directory, routing});
  const int rules_before = service.CurrentCounts().rules();
  const auto reloaded = service.RouterFromFiles();
  ASSERT_FALSE(reloaded.ok());
  EXPECT_EQ(reloaded.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(std::string(reloaded.status().message()).rfind(routing + ":2: ", 0), 0u)
      << reloaded.status().message();
  EXPECT_EQ(service.CurrentCounts().rules(), rules_before);
}

// ---- the batch handler (one CreateCases call and one transaction a batch)

TEST_F(AssignmentServiceTest, ABatchOpensAllItsCasesInOneCallAndStoresEveryDecision) {
  std::vector<queue::StreamMessage> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(Message(Triaged("fb-" + std::to_string(i)).Detractor().t));
  batch.push_back(Message(Triaged("fb-positive").t));
  const auto results = consumer_->HandleBatch(batch);
  ASSERT_EQ(results.size(), batch.size());
  for (const auto& r : results) EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(cases_.calls, 1) << "one round trip to tracking for the whole batch";
  EXPECT_EQ(cases_.requests.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    const auto assignment = service_->GetAssignment("fb-" + std::to_string(i));
    ASSERT_TRUE(assignment.ok()) << assignment.status();
    ASSERT_EQ(assignment->decisions_size(), 1);
    EXPECT_EQ(assignment->decisions(0).case_name(), "cases/callback:fb-" + std::to_string(i));
  }
  EXPECT_EQ(service_->GetAssignment("fb-positive").value().decisions_size(), 0);

  // Redelivered, the batch finds every decision and calls tracking no more.
  for (const auto& r : consumer_->HandleBatch(batch)) EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(cases_.calls, 1);
}

TEST_F(AssignmentServiceTest, ACaseTrackingRefusesDeadLettersItsMessageOnly) {
  cases_.refused = {"callback:fb-2"};
  const auto results = consumer_->HandleBatch({Message(Triaged("fb-1").Detractor().t),
                                               Message(Triaged("fb-2").Detractor().t),
                                               Message(Triaged("fb-3").Detractor().t)});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].ok()) << results[0];
  EXPECT_EQ(results[1].code(), absl::StatusCode::kInvalidArgument) << results[1];
  EXPECT_EQ(queue::DispositionOf(results[1]), queue::Disposition::kFail);
  EXPECT_TRUE(results[2].ok()) << results[2];
  EXPECT_TRUE(service_->GetAssignment("fb-1").ok());
  EXPECT_EQ(service_->GetAssignment("fb-2").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(service_->GetAssignment("fb-3").ok());
}

TEST_F(AssignmentServiceTest, ATrackingOutageRetriesTheWholeBatchAndStoresNothing) {
  const std::vector<queue::StreamMessage> batch = {Message(Triaged("fb-1").Detractor().t),
                                                   Message(Triaged("fb-2").RedLine("fire").t)};
  cases_.failing = true;
  for (const auto& r : consumer_->HandleBatch(batch)) {
    EXPECT_EQ(queue::DispositionOf(r), queue::Disposition::kRetry) << r;
  }
  EXPECT_EQ(service_->GetAssignment("fb-1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(notifier_.sent().empty()) << "no alert for a case not opened";

  cases_.failing = false;
  for (const auto& r : consumer_->HandleBatch(batch)) EXPECT_TRUE(r.ok()) << r;
  EXPECT_TRUE(service_->GetAssignment("fb-1").ok());
  EXPECT_EQ(service_->GetAssignment("fb-2").value().decisions_size(), 1);
  ASSERT_EQ(notifier_.sent().size(), 1u);
  EXPECT_EQ(notifier_.sent()[0].case_id, "cases/redline:fb-2");
}

TEST_F(AssignmentServiceTest, TheSameRedLineTwiceInABatchIsAssignedAndAlertedOnce) {
  const auto msg = Message(Triaged("fb-9").RedLine("explosion").t);
  const auto results = consumer_->HandleBatch({msg, Message(Triaged("fb-1").Detractor().t), msg});
  for (const auto& r : results) EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(notifier_.sent().size(), 1u);
  EXPECT_EQ(service_->GetAssignment("fb-9").value().decisions_size(), 1);
}

TEST_F(AssignmentServiceTest, AFailedAlertRetriesItsMessageWhileTheOthersAreDone) {
  notifier_.set_failing(true);
  const auto red = Message(Triaged("fb-9").RedLine("explosion").t);
  const auto results = consumer_->HandleBatch({Message(Triaged("fb-1").Detractor().t), red});
  EXPECT_TRUE(results[0].ok()) << results[0];
  EXPECT_EQ(results[1].code(), absl::StatusCode::kUnavailable) << results[1];
  notifier_.set_failing(false);
  EXPECT_TRUE(consumer_->HandleBatch({red}).front().ok());
  EXPECT_EQ(notifier_.sent().size(), 1u);
  EXPECT_EQ(cases_.calls, 1) << "the retry reuses the stored decisions";
}

TEST_F(AssignmentServiceTest, AMalformedMessageInABatchFailsAlone) {
  const auto results = consumer_->HandleBatch(
      {Message(Triaged("fb-1").Detractor().t), {"1-1", {{"payload", "\xff\xff not a proto"}}},
       {"1-2", {}}});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].ok()) << results[0];
  EXPECT_EQ(results[1].code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(results[2].code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(service_->GetAssignment("fb-1").ok());
}

// ---- who may read assignments and reload the rules (issue 9)

auth::Principal Service(const std::string& name, std::set<std::string> scopes) {
  auth::Principal p;
  p.kind = auth::PrincipalKind::kService;
  p.id = "service:" + name;
  p.name = name;
  p.scopes = std::move(scopes);
  return p;
}

auth::Principal Person(const std::string& id, const std::string& department, std::set<auth::Role> roles = {}) {
  auth::Principal p;
  p.kind = auth::PrincipalKind::kPerson;
  p.id = "person:" + id;
  p.person_id = id;
  p.departments = {department};
  p.roles = std::move(roles);
  p.via = "service:gateway";
  return p;
}

// Keeps what it is given, for the assertions.
class RecordingAuditSink final : public auth::AuditSink {
 public:
  void Record(const auth::AuditRecord& record) override { records.push_back(record); }
  std::vector<auth::AuditRecord> records;
};

TEST_F(AssignmentServiceTest, WhoReadsEveryCaseOrFeedbackSeesAnyAssignmentAndLearnsWhatIsMissing) {
  ASSERT_TRUE(consumer_->Handle(Message(Triaged("fb-1").Detractor().t)).ok());
  for (const auth::Principal& reader :
       {Service("reporting", {"cases:read"}), Service("warehouse", {"feedback:read"}),
        Person("p-analyst", "voc", {auth::Role::kAnalyst}), Person("p-ceo", "executive", {auth::Role::kExecutive})}) {
    const auto got = service_->GetAssignment(reader, "fb-1");
    ASSERT_TRUE(got.ok()) << reader.id << ": " << got.status();
    EXPECT_EQ(got->decisions(0).case_name(), "cases/callback:fb-1");
    EXPECT_EQ(service_->GetAssignment(reader, "fb-never").status().code(), absl::StatusCode::kNotFound) << reader.id;
  }
}

TEST_F(AssignmentServiceTest, APersonSeesAnAssignmentOfTheirDepartmentOrNamingThemAndNoOther) {
  ASSERT_TRUE(consumer_->Handle(Message(Triaged("fb-1").Detractor().t)).ok());  // p-am, customer_success
  EXPECT_TRUE(service_->GetAssignment(Person("p-colleague", "customer_success"), "fb-1").ok());
  EXPECT_TRUE(service_->GetAssignment(Person("p-am", "somewhere_else"), "fb-1").ok()) << "the owner it names";
  const auto other = service_->GetAssignment(Person("p-head-logistics", "logistics"), "fb-1");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
  // AIP-193: the same answer whether or not the feedback was routed.
  const auto missing = service_->GetAssignment(Person("p-head-logistics", "logistics"), "fb-never");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(missing.status().message(), "permission denied: read the assignment of fb-never");
  EXPECT_EQ(service_->GetAssignment(Person("p-head-logistics", "logistics"), "").status().code(),
            absl::StatusCode::kInvalidArgument)
      << "a malformed name is said so to anyone: it reveals nothing";
}

TEST_F(AssignmentServiceTest, AStagesOwnTokenReadsNoAssignment) {
  ASSERT_TRUE(consumer_->Handle(Message(Triaged("fb-1").Detractor().t)).ok());
  const auto assignment = Service("assignment", {"cases:create", "keys:verify"});
  EXPECT_EQ(service_->GetAssignment(assignment, "fb-1").status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->GetAssignment(assignment, "fb-never").status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(AssignmentServiceTest, OnlyRuleWritersReloadAndTheReloadIsAuditedWithWho) {
  const std::string directory = dir_.path() + "/directory.yaml";
  const std::string routing = dir_.path() + "/routing.yaml";
  {
    std::ofstream(directory) << testing::kDirectoryYaml;
    std::ofstream(routing) << testing::kRoutingYaml;
  }
  AssignmentService service(*store_, clock_, cases_, notifier_, MakeRouter(), {directory, routing});
  RecordingAuditSink audit;
  RoutingRuleEditor editor(service, *store_, clock_, audit);
  for (const auth::Principal& refused :
       {Person("p-am", "customer_success"), Person("p-ceo", "executive", {auth::Role::kExecutive}),
        Service("assignment", {"cases:create"}), Service("reader", {"rules:read", "cases:write"})}) {
    const auto reloaded = editor.ReloadRules(refused);
    EXPECT_EQ(reloaded.status().code(), absl::StatusCode::kPermissionDenied) << refused.id;
  }
  EXPECT_TRUE(audit.records.empty()) << "refusals are audited by auth::Serve, not as rule changes";

  const auto by_analyst = editor.ReloadRules(Person("p-analyst", "voc", {auth::Role::kAnalyst}), "ipv4:10.0.0.7:5000");
  ASSERT_TRUE(by_analyst.ok()) << by_analyst.status();
  EXPECT_EQ(by_analyst->rules(), service.CurrentCounts().rules());
  ASSERT_TRUE(editor.ReloadRules(Service("ops-tool", {"rules:write"})).ok());
  ASSERT_TRUE(editor.ReloadRules(Service("admin-key", {"admin"})).ok());
  ASSERT_EQ(audit.records.size(), 3u);
  EXPECT_EQ(audit.records[0].kind, "rules_changed");
  EXPECT_EQ(audit.records[0].principal, "person:p-analyst");
  EXPECT_EQ(audit.records[0].via, "service:gateway");
  EXPECT_EQ(audit.records[0].client_address, "ipv4:10.0.0.7:5000");
  EXPECT_EQ(audit.records[0].resource, "routing");
  EXPECT_EQ(audit.records[1].principal, "service:ops-tool");
  EXPECT_EQ(audit.records[2].principal, "service:admin-key");

  // A refused reload (a bad file) changes nothing, so it is no rule change.
  std::ofstream(routing) << "detractor_callback:\n  owners: [department_head:nowhere]\n";
  EXPECT_EQ(editor.ReloadRules(Service("ops-tool", {"rules:write"})).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(audit.records.size(), 3u);
}

}  // namespace
}  // namespace voc::assignment
