#include "services/verification/verification_service.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "common/queue/disposition.h"
#include "common/status/status.h"
#include "common/util/time.h"
#include "services/verification/verification_consumer.h"
#include "tests/support/servers.h"
#include "tests/support/sqlite_write_lock.h"

namespace voc::verification {
namespace {

using std::chrono::hours;
constexpr auto kDay = hours(24);

class FakeCounter : public ComplaintCounter {
 public:
  struct Call {
    TimePoint start, end;
    std::string topic;
  };
  absl::StatusOr<Counts> Count(TimePoint start, TimePoint end, const std::string& topic) override {
    calls.push_back({start, end, topic});
    if (!available) return absl::UnavailableError("triage unavailable");
    return end <= boundary ? before : after;
  }
  bool available = true;
  TimePoint boundary;  // windows ending at or before it get `before`
  Counts before{40, 100};
  Counts after{10, 100};
  std::vector<Call> calls;
};

class FakeReopener : public ProjectReopener {
 public:
  absl::Status Reopen(const std::string& project_name, const std::string& evidence) override {
    calls.push_back({project_name, evidence});
    absl::Status o = outcomes.empty() ? absl::OkStatus() : outcomes.front();
    if (!outcomes.empty()) outcomes.erase(outcomes.begin());
    return o;
  }
  std::vector<absl::Status> outcomes;  // consumed in order; then OK (reopened)
  std::vector<std::pair<std::string, std::string>> calls;
};

TimePoint At(const char* rfc3339) {
  TimePoint t;
  EXPECT_TRUE(ParseRfc3339(rfc3339, &t)) << rfc3339;
  return t;
}

class VerificationServiceTest : public ::testing::Test {
 protected:
  VerificationServiceTest()
      : clock_(At("2026-03-01T00:00:00Z")),
        db_(storage::Database::Open(Url(), 1).value()),
        store_(*db_) {
    db_->Migrate("verification", Migrations()).value();
    testing::ShortenBusyTimeout(*db_, std::chrono::milliseconds(50));
    settings_.check_delay = hours(720);
    settings_.window = 30 * kDay;
    settings_.resurvey_delay = 90 * kDay;
    settings_.significance = 0.05;
    service_ = std::make_unique<VerificationService>(clock_, store_, counter_, reopener_, settings_);
    consumer_ = std::make_unique<VerificationConsumer>(*service_);
  }

  // A project opened 10 days ago that closes now.
  v1::Project ClosedProject(const std::string& id = "p1") {
    v1::Project p;
    p.set_name("projects/" + id);
    p.set_id(id);
    p.set_title("缩短配送时间 Faster delivery");
    p.set_topic("logistics.delivery_delay");
    p.set_description("Added a second carrier in East China.");
    p.set_state(v1::PROJECT_STATE_CLOSED);
    *p.mutable_create_time() = ToProto(clock_.Now() - 10 * kDay);
    *p.mutable_close_time() = ToProto(clock_.Now());
    auto* item = p.add_action_items();
    item->set_title("Sign a second carrier");
    item->mutable_owner()->set_department("logistics");
    counter_.boundary = clock_.Now() - 10 * kDay;
    return p;
  }

  std::string Url() const { return "sqlite3://" + dir_.path() + "/verification.db"; }
  // The database "down": another connection holds its write lock.
  std::unique_ptr<testing::SqliteWriteLock> LockDatabase() {
    return std::make_unique<testing::SqliteWriteLock>(Url());
  }

  std::vector<v1::KnowledgeEntry> Search(const std::string& query) {
    v1::SearchKnowledgeRequest request;
    request.set_query(query);
    request.set_page_size(10);
    auto found = service_->SearchKnowledge(request);
    EXPECT_TRUE(found.ok()) << found.status();
    if (!found.ok()) return {};
    return {found->entries().begin(), found->entries().end()};
  }

  std::vector<CheckRecord> AllChecks() { return store_.ListChecks("", 0, 100).value(); }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<storage::Database> db_;
  VerificationStore store_;
  FakeCounter counter_;
  FakeReopener reopener_;
  VerificationSettings settings_;
  std::unique_ptr<VerificationService> service_;
  std::unique_ptr<VerificationConsumer> consumer_;
};

TEST_F(VerificationServiceTest, CheckRunsOnlyAfterTheDelay) {
  const v1::Project project = ClosedProject();
  const TimePoint close = FromProto(project.close_time());
  const TimePoint opened = FromProto(project.create_time());
  ASSERT_TRUE(service_->OnProjectClosed(project).ok());

  auto checks = AllChecks();
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].verification.state(), v1::VERIFICATION_STATE_SCHEDULED);
  EXPECT_EQ(FromProto(checks[0].verification.due_time()), close + hours(720));

  EXPECT_TRUE(service_->RunDueChecks()->completed.empty());
  clock_.Advance(hours(719));
  EXPECT_TRUE(service_->RunDueChecks()->completed.empty());
  EXPECT_TRUE(counter_.calls.empty()) << "nothing is counted before the check is due";

  clock_.Advance(hours(1));
  auto result = service_->RunDueChecks().value();
  ASSERT_EQ(result.completed.size(), 1u);
  EXPECT_EQ(result.completed[0], checks[0].verification.name());

  // The window before the project opened, and the same length from its close.
  ASSERT_EQ(counter_.calls.size(), 2u);
  EXPECT_EQ(counter_.calls[0].start, opened - 30 * kDay);
  EXPECT_EQ(counter_.calls[0].end, opened);
  EXPECT_EQ(counter_.calls[0].topic, "logistics.delivery_delay");
  EXPECT_EQ(counter_.calls[1].start, close);
  EXPECT_EQ(counter_.calls[1].end, close + 30 * kDay);

  auto done = store_.GetCheck(checks[0].verification.id());
  ASSERT_TRUE(done.ok()) << done.status();
  const auto& v = done->verification;
  EXPECT_EQ(v.state(), v1::VERIFICATION_STATE_VERIFIED);
  EXPECT_EQ(v.before_topic_count(), 40);
  EXPECT_EQ(v.before_total_count(), 100);
  EXPECT_EQ(v.after_topic_count(), 10);
  EXPECT_EQ(v.after_total_count(), 100);
  EXPECT_DOUBLE_EQ(v.before_share(), 0.4);
  EXPECT_NEAR(v.z_score(), 4.898979485566357, 1e-9);
  EXPECT_LT(v.p_value(), 0.05);
  EXPECT_EQ(FromProto(v.check_time()), clock_.Now());
  EXPECT_FALSE(v.summary().empty());
  EXPECT_TRUE(reopener_.calls.empty());

  // Nothing left to do.
  EXPECT_TRUE(service_->RunDueChecks()->completed.empty());
}

TEST_F(VerificationServiceTest, AfterWindowIsCappedAtNow) {
  settings_.check_delay = hours(24);
  service_ = std::make_unique<VerificationService>(clock_, store_, counter_, reopener_, settings_);
  const v1::Project project = ClosedProject();
  ASSERT_TRUE(service_->OnProjectClosed(project).ok());
  clock_.Advance(hours(30));
  ASSERT_TRUE(service_->RunDueChecks().ok());
  ASSERT_EQ(counter_.calls.size(), 2u);
  EXPECT_EQ(counter_.calls[1].start, FromProto(project.close_time()));
  EXPECT_EQ(counter_.calls[1].end, clock_.Now());
}

TEST_F(VerificationServiceTest, VerifiedProjectBecomesSearchableKnowledge) {
  ASSERT_TRUE(service_->OnProjectClosed(ClosedProject()).ok());
  clock_.Advance(hours(720));
  ASSERT_TRUE(service_->RunDueChecks().ok());

  for (const char* query : {"LOGISTICS.delivery", "配送", "faster DELIVERY", "second carrier", "40/100"}) {
    auto found = Search(query);
    ASSERT_EQ(found.size(), 1u) << query;
    EXPECT_EQ(found[0].source(), "projects/p1");
    EXPECT_EQ(found[0].topic(), "logistics.delivery_delay");
  }
  EXPECT_TRUE(Search("nothing like this").empty());
  EXPECT_TRUE(Search("a%z").empty()) << "LIKE wildcards are literal";
  EXPECT_EQ(Search("40.0%").size(), 1u);
}

TEST(SearchTermsTest, SplitsAtAsciiAndIdeographicSpaces) {
  EXPECT_EQ(SearchTerms("  second\tcarrier \n"), (std::vector<std::string>{"second", "carrier"}));
  EXPECT_EQ(SearchTerms("配送时间"), (std::vector<std::string>{"配送时间"})) << "no spaces: one term";
  EXPECT_EQ(SearchTerms("配送\u3000carrier"), (std::vector<std::string>{"配送", "carrier"}));
  EXPECT_TRUE(SearchTerms(" \u3000 ").empty());
}

TEST_F(VerificationServiceTest, KnowledgeSearchMatchesEveryTermAnywhere) {
  ASSERT_TRUE(service_->OnProjectClosed(ClosedProject()).ok());
  clock_.Advance(hours(720));
  ASSERT_TRUE(service_->RunDueChecks().ok());
  // Terms in any order, each in any field (title, topic, resolution, evidence).
  for (const char* query : {"carrier FASTER", "配送 carrier", "配送\u3000second", "时间 logistics.delivery"}) {
    EXPECT_EQ(Search(query).size(), 1u) << query;
  }
  EXPECT_TRUE(Search("carrier nowhere").empty()) << "every term must match";
  EXPECT_TRUE(Search("配送的时间").empty()) << "a term without spaces is one substring";

  v1::SearchKnowledgeRequest blank;
  blank.set_query(" \u3000 ");
  EXPECT_EQ(service_->SearchKnowledge(blank).status(), status::InvalidArgument("query", "required"));
  v1::SearchKnowledgeRequest many;
  for (int i = 0; i <= kMaxSearchTerms; ++i) many.mutable_query()->append("t" + std::to_string(i) + " ");
  EXPECT_EQ(service_->SearchKnowledge(many).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(VerificationServiceTest, FailedProjectIsReopenedExactlyOnce) {
  counter_.after = {38, 100};  // no real fall
  ASSERT_TRUE(service_->OnProjectClosed(ClosedProject()).ok());
  clock_.Advance(hours(720));
  auto result = service_->RunDueChecks().value();
  ASSERT_EQ(result.completed.size(), 1u);
  EXPECT_EQ(result.reopened, 1);

  auto v = AllChecks().at(0).verification;
  EXPECT_EQ(v.state(), v1::VERIFICATION_STATE_FAILED);
  EXPECT_GT(v.p_value(), 0.05);
  ASSERT_EQ(reopener_.calls.size(), 1u);
  EXPECT_EQ(reopener_.calls[0].first, "projects/p1");
  EXPECT_NE(reopener_.calls[0].second.find("38/100"), std::string::npos) << reopener_.calls[0].second;
  EXPECT_NE(reopener_.calls[0].second.find(v.name()), std::string::npos);
  EXPECT_TRUE(Search("logistics").empty()) << "failed projects are not knowledge";

  clock_.Advance(kDay);
  ASSERT_TRUE(service_->RunDueChecks().ok());
  ASSERT_TRUE(service_->RunDueChecks().ok());
  EXPECT_EQ(reopener_.calls.size(), 1u);
}

TEST_F(VerificationServiceTest, ReopenIsRetriedWhileTrackingIsDown) {
  counter_.after = {38, 100};
  reopener_.outcomes = {absl::UnavailableError("tracking unavailable")};
  ASSERT_TRUE(service_->OnProjectClosed(ClosedProject()).ok());
  clock_.Advance(hours(720));
  EXPECT_EQ(service_->RunDueChecks()->reopened, 0);
  EXPECT_EQ(service_->RunDueChecks()->reopened, 1);
  ASSERT_TRUE(service_->RunDueChecks().ok());
  EXPECT_EQ(reopener_.calls.size(), 2u);
}

TEST_F(VerificationServiceTest, AlreadyReopenedProjectIsNotReopenedAgain) {
  counter_.after = {38, 100};
  reopener_.outcomes = {absl::FailedPreconditionError("project is open")};
  ASSERT_TRUE(service_->OnProjectClosed(ClosedProject()).ok());
  clock_.Advance(hours(720));
  EXPECT_EQ(service_->RunDueChecks()->reopened, 0);
  ASSERT_TRUE(service_->RunDueChecks().ok());
  EXPECT_EQ(reopener_.calls.size(), 1u);
}

TEST_F(VerificationServiceTest, NoBaselineFailsWithReason) {
  counter_.before = {0, 0};
  ASSERT_TRUE(service_->OnProjectClosed(ClosedProject()).ok());
  clock_.Advance(hours(720));
  ASSERT_TRUE(service_->RunDueChecks().ok());
  auto v = AllChecks().at(0).verification;
  EXPECT_EQ(v.state(), v1::VERIFICATION_STATE_FAILED);
  EXPECT_EQ(v.p_value(), 1);
  EXPECT_NE(v.summary().find("no baseline"), std::string::npos) << v.summary();
}

TEST_F(VerificationServiceTest, CountsUnavailablePostponesTheCheck) {
  counter_.available = false;
  ASSERT_TRUE(service_->OnProjectClosed(ClosedProject()).ok());
  clock_.Advance(hours(720));
  auto result = service_->RunDueChecks().value();
  EXPECT_TRUE(result.completed.empty());
  EXPECT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(AllChecks().at(0).verification.state(), v1::VERIFICATION_STATE_SCHEDULED);

  counter_.available = true;
  EXPECT_EQ(service_->RunDueChecks()->completed.size(), 1u);
}

TEST_F(VerificationServiceTest, SameCloseEventTwiceSchedulesOneCheck) {
  const auto project = ClosedProject();
  ASSERT_TRUE(service_->OnProjectClosed(project).ok());
  ASSERT_TRUE(service_->OnProjectClosed(project).ok());
  EXPECT_EQ(AllChecks().size(), 1u);
}

TEST_F(VerificationServiceTest, ReopenBeforeTheCheckCancelsIt) {
  auto project = ClosedProject();
  ASSERT_TRUE(service_->OnProjectClosed(project).ok());
  project.set_state(v1::PROJECT_STATE_OPEN);
  ASSERT_TRUE(service_->OnProjectReopened(project).ok());
  EXPECT_TRUE(AllChecks().empty());

  // Closed again later: a new check from the new close time.
  clock_.Advance(5 * kDay);
  *project.mutable_close_time() = ToProto(clock_.Now());
  ASSERT_TRUE(service_->OnProjectClosed(project).ok());
  auto checks = AllChecks();
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(FromProto(checks[0].verification.due_time()), clock_.Now() + hours(720));
}

TEST_F(VerificationServiceTest, TrackingMessagesAreDecoded) {
  queue::StreamMessage closed{"1-0", {{"event", "project_closed"}, {"payload", ClosedProject().SerializeAsString()}}};
  EXPECT_TRUE(consumer_->HandleTracking(closed).ok());
  EXPECT_EQ(AllChecks().size(), 1u);

  queue::StreamMessage garbage{"2-0", {{"event", "project_closed"}, {"payload", "\xff\xff\xff"}}};
  EXPECT_FALSE(consumer_->HandleTracking(garbage).ok());
  EXPECT_EQ(queue::DispositionOf(consumer_->HandleTracking(garbage)), queue::Disposition::kFail) << "a bad payload dead-letters";
  queue::StreamMessage other{"3-0", {{"event", "case_created"}, {"payload", ""}}};
  EXPECT_TRUE(consumer_->HandleTracking(other).ok());
  queue::StreamMessage missing{"4-0", {{"event", "project_closed"}}};
  EXPECT_FALSE(consumer_->HandleTracking(missing).ok());
}

TEST_F(VerificationServiceTest, ListChecksPages) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(service_->OnProjectClosed(ClosedProject("p" + std::to_string(i))).ok());
    clock_.Advance(hours(1));
  }
  auto after = [](const CheckRecord& last) {
    return ListAfter{ProtoToMillis(last.verification.due_time()), last.verification.id()};
  };
  auto first = store_.ListChecks("", 0, 2).value();
  auto second = store_.ListChecks("", 0, 2, after(first.back())).value();
  auto third = store_.ListChecks("", 0, 2, after(second.back())).value();
  ASSERT_EQ(first.size(), 2u);
  ASSERT_EQ(second.size(), 2u);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(first[0].verification.project(), "projects/p4") << "newest due first";
  EXPECT_EQ(third[0].verification.project(), "projects/p0");
  EXPECT_EQ(store_.ListChecks("p2", 0, 10)->size(), 1u);
  EXPECT_EQ(store_.ListChecks("", v1::VERIFICATION_STATE_VERIFIED, 10)->size(), 0u);
}

// --- re-surveys ---

class ResurveyTest : public VerificationServiceTest {
 protected:
  // The detractor's original score reaches verification on voc:triaged,
  // before assignment opens the callback and tracking resolves it.
  ResurveyTest() { EXPECT_TRUE(service_->OnTriaged(NewNps("f-orig", 3, clock_.Now() - kDay)).ok()); }

  v1::Case ResolvedCallback() {
    v1::Case c;
    c.set_name("cases/k1");
    c.set_id("k1");
    c.set_kind(v1::CASE_KIND_DETRACTOR_CALLBACK);
    c.set_feedback_id("f-orig");
    c.set_customer_id("c-42");
    c.set_title("Detractor callback");
    c.set_state(v1::CASE_STATE_RESOLVED);
    c.set_resolution_note("Refunded the delivery fee");
    *c.mutable_update_time() = ToProto(clock_.Now());
    return c;
  }

  v1::TriagedFeedback NewNps(const std::string& id, int nps, TimePoint when) {
    v1::TriagedFeedback t;
    t.mutable_feedback()->set_id(id);
    t.mutable_feedback()->set_nps(nps);
    t.mutable_feedback()->mutable_customer()->set_id("c-42");
    *t.mutable_feedback()->mutable_occurred_time() = ToProto(when);
    return t;
  }
};

TEST_F(ResurveyTest, ScheduledAtNinetyDaysAndAnsweredByTheNextNps) {
  const TimePoint resolved_at = clock_.Now();
  ASSERT_TRUE(service_->OnCaseResolved(ResolvedCallback()).ok());
  ASSERT_TRUE(service_->OnCaseResolved(ResolvedCallback()).ok());  // redelivery

  auto list = store_.ListResurveys("", 0, 10).value();
  ASSERT_EQ(list.size(), 1u);
  const v1::Resurvey r = list[0];
  EXPECT_EQ(r.customer_id(), "c-42");
  EXPECT_EQ(r.case_name(), "cases/k1");
  EXPECT_EQ(r.original_nps(), 3);
  EXPECT_EQ(FromProto(r.due_time()), resolved_at + 90 * kDay);
  EXPECT_EQ(r.state(), v1::RESURVEY_STATE_SCHEDULED);

  // An NPS 30 days later is too early: ignored for the re-survey.
  clock_.Advance(30 * kDay);
  ASSERT_TRUE(service_->OnTriaged(NewNps("f-early", 9, clock_.Now())).ok());
  EXPECT_EQ(store_.GetResurvey(r.id())->state(), v1::RESURVEY_STATE_SCHEDULED);

  clock_.Advance(60 * kDay);
  EXPECT_EQ(service_->RunDueChecks()->resurveys_due, 1);
  EXPECT_EQ(store_.GetResurvey(r.id())->state(), v1::RESURVEY_STATE_DUE);

  clock_.Advance(2 * kDay);
  const TimePoint answered_at = clock_.Now();
  ASSERT_TRUE(service_->OnTriaged(NewNps("f-new", 8, answered_at)).ok());
  ASSERT_TRUE(service_->OnTriaged(NewNps("f-later", 2, answered_at + kDay)).ok());  // only the first answer counts

  auto answered = store_.GetResurvey(r.id());
  ASSERT_TRUE(answered.ok()) << answered.status();
  EXPECT_EQ(answered->state(), v1::RESURVEY_STATE_ANSWERED);
  ASSERT_TRUE(answered->has_new_nps());
  EXPECT_EQ(answered->new_nps(), 8);
  EXPECT_EQ(answered->nps_change(), 5);
  EXPECT_EQ(answered->new_feedback_id(), "f-new");
  EXPECT_EQ(FromProto(answered->answer_time()), answered_at);
  EXPECT_EQ(store_.ListResurveys("c-42", v1::RESURVEY_STATE_ANSWERED, 10)->size(), 1u);
}

TEST_F(ResurveyTest, ScheduledButPastDueIsAnsweredWithoutASchedulerRun) {
  ASSERT_TRUE(service_->OnCaseResolved(ResolvedCallback()).ok());
  clock_.Advance(91 * kDay);
  ASSERT_TRUE(service_->OnTriaged(NewNps("f-new", 1, clock_.Now())).ok());
  auto r = store_.ListResurveys("c-42", 0, 10)->at(0);
  EXPECT_EQ(r.state(), v1::RESURVEY_STATE_ANSWERED);
  EXPECT_EQ(r.nps_change(), -2);
}

TEST_F(ResurveyTest, OtherCustomersAndNpsLessFeedbackDoNotAnswer) {
  ASSERT_TRUE(service_->OnCaseResolved(ResolvedCallback()).ok());
  clock_.Advance(91 * kDay);
  auto other = NewNps("f-x", 10, clock_.Now());
  other.mutable_feedback()->mutable_customer()->set_id("c-other");
  ASSERT_TRUE(service_->OnTriaged(other).ok());
  auto no_score = NewNps("f-y", 10, clock_.Now());
  no_score.mutable_feedback()->clear_nps();
  ASSERT_TRUE(service_->OnTriaged(no_score).ok());
  EXPECT_NE(store_.ListResurveys("c-42", 0, 10)->at(0).state(), v1::RESURVEY_STATE_ANSWERED);
}

TEST_F(ResurveyTest, OnlyDetractorCallbacksGetAResurvey) {
  auto complaint = ResolvedCallback();
  complaint.set_kind(v1::CASE_KIND_COMPLAINT);
  ASSERT_TRUE(service_->OnCaseResolved(complaint).ok());
  EXPECT_TRUE(store_.ListResurveys("", 0, 10).value().empty());
  // ... but its resolution is searchable know-how.
  auto found = Search("refunded");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].source(), "cases/k1");
}

TEST_F(ResurveyTest, CallbackResolvedBeforeItsOriginalWaitsForIt) {
  // This consumer of voc:triaged lags behind tracking: the callback's
  // original score arrives after the case was resolved.
  auto early = ResolvedCallback();
  early.set_name("cases/k2");
  early.set_id("k2");
  early.set_feedback_id("f-late");
  const TimePoint resolved_at = clock_.Now();
  ASSERT_TRUE(service_->OnCaseResolved(early).ok()) << "acknowledged, not retried: nothing is wrong";
  EXPECT_TRUE(store_.ListResurveys("", 0, 10)->empty());

  clock_.Advance(hours(2));
  ASSERT_TRUE(service_->OnTriaged(NewNps("f-late", 4, resolved_at - kDay)).ok());
  auto list = store_.ListResurveys("", 0, 10).value();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].case_name(), "cases/k2");
  EXPECT_EQ(list[0].original_feedback_id(), "f-late");
  EXPECT_EQ(list[0].original_nps(), 4);
  EXPECT_EQ(FromProto(list[0].due_time()), resolved_at + 90 * kDay) << "due from the resolve time";

  // Redelivery of either message schedules nothing more.
  ASSERT_TRUE(service_->OnTriaged(NewNps("f-late", 4, resolved_at - kDay)).ok());
  ASSERT_TRUE(service_->OnCaseResolved(early).ok());
  EXPECT_EQ(store_.ListResurveys("", 0, 10)->size(), 1u);
}

TEST_F(ResurveyTest, UnknownOriginalGetsNoResurveyAndPassivesAreNoOriginals) {
  auto unknown = ResolvedCallback();
  unknown.set_feedback_id("f-never-seen");
  EXPECT_TRUE(service_->OnCaseResolved(unknown).ok());
  EXPECT_TRUE(store_.ListResurveys("", 0, 10)->empty());

  // A passive score (7) is no detractor's original.
  ASSERT_TRUE(service_->OnTriaged(NewNps("f-passive", 7, clock_.Now())).ok());
  auto passive = ResolvedCallback();
  passive.set_feedback_id("f-passive");
  EXPECT_TRUE(service_->OnCaseResolved(passive).ok());
  EXPECT_TRUE(store_.ListResurveys("", 0, 10)->empty());
}

TEST_F(ResurveyTest, DatabaseDownIsRetriedNeverDeadLettered) {
  auto lock = LockDatabase();
  auto resolved = service_->OnCaseResolved(ResolvedCallback());
  EXPECT_EQ(resolved.code(), absl::StatusCode::kUnavailable) << resolved;
  EXPECT_EQ(queue::DispositionOf(resolved), queue::Disposition::kRetry) << "an outage must not dead-letter the message";
  auto triaged = service_->OnTriaged(NewNps("f-other", 2, clock_.Now()));
  EXPECT_EQ(queue::DispositionOf(triaged), queue::Disposition::kRetry) << triaged;
  lock.reset();
  EXPECT_TRUE(service_->OnCaseResolved(ResolvedCallback()).ok());
  EXPECT_EQ(store_.ListResurveys("", 0, 10)->size(), 1u);
}

}  // namespace
}  // namespace voc::verification

namespace voc::verification {
namespace {

TEST_F(VerificationServiceTest, UnreachableTriageStopsTheRunEarly) {
  counter_.available = false;
  ASSERT_TRUE(service_->OnProjectClosed(ClosedProject("p1")).ok());
  ASSERT_TRUE(service_->OnProjectClosed(ClosedProject("p2")).ok());
  clock_.Advance(hours(720));
  auto result = service_->RunDueChecks().value();
  EXPECT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(counter_.calls.size(), 1u) << "no second call waits out a deadline";
  counter_.available = true;
  EXPECT_EQ(service_->RunDueChecks()->completed.size(), 2u);
}

}  // namespace
}  // namespace voc::verification

namespace voc::verification {
namespace {

TEST_F(VerificationServiceTest, StorageFailureIsTransient) {
  auto lock = LockDatabase();
  queue::StreamMessage closed{"1-0", {{"event", "project_closed"}, {"payload", ClosedProject().SerializeAsString()}}};
  auto result = consumer_->HandleTracking(closed);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(queue::DispositionOf(result), queue::Disposition::kRetry) << result;
  EXPECT_EQ(queue::DispositionOf(service_->RunDueChecks().status()), queue::Disposition::kRetry);
}

}  // namespace
}  // namespace voc::verification
