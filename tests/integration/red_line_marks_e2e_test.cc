// Issue 10 item 4 ("marks") end to end: a red-line case marked a false alarm
// by its owner in tracking reaches triage over the real voc:tracking stream
// (Redis; tracking's outbox relay, triage's consumer group "triage") and
// shows in the term report against the term that flagged the feedback.
// Tracking and triage run in process, each on its own SQLite database.
#include <gtest/gtest.h>

#include "common/auth/scopes.h"
#include "common/clock/clock.h"
#include "common/queue/publisher.h"
#include "common/queue/stream.h"
#include "common/storage/outbox_relay.h"
#include "common/util/time.h"
#include "services/tracking/event_relay.h"
#include "services/tracking/store/migrations.h"
#include "services/tracking/store/tracking_store.h"
#include "services/tracking/tracking_service.h"
#include "services/triage/analysis/factory.h"
#include "services/triage/red_line_mark_consumer.h"
#include "services/triage/red_line_report.h"
#include "services/triage/store/red_line_marks_store.h"
#include "services/triage/store/triage_store.h"
#include "services/triage/triage_processor.h"
#include "services/triage/triage_service.h"
#include "tests/support/servers.h"

namespace voc {
namespace {

constexpr std::int64_t kDay0 = 1772409600000LL;  // 2026-03-02T00:00:00Z

auth::Principal Owner() {
  auth::Principal p;
  p.kind = auth::PrincipalKind::kPerson;
  p.id = "person:p-legal";
  p.person_id = "p-legal";
  p.roles = {auth::Role::kMember};
  p.departments = {"legal"};
  return p;
}

auth::Principal Assignment() {
  auth::Principal p;
  p.kind = auth::PrincipalKind::kService;
  p.id = "service:assignment";
  p.scopes = {auth::kCasesCreate, auth::kCasesRead};
  return p;
}

class RedLineMarksEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_options_.port = redis_.port();
    auto tracking_db = storage::Database::Open("sqlite3://" + dir_.path() + "/tracking.db");
    ASSERT_TRUE(tracking_db.ok()) << tracking_db.status();
    tracking_db_ = *std::move(tracking_db);
    ASSERT_TRUE(tracking_db_->Migrate("tracking", tracking::TrackingMigrations()).ok());
    auto triage_db = storage::Database::Open("sqlite3://" + dir_.path() + "/triage.db");
    ASSERT_TRUE(triage_db.ok()) << triage_db.status();
    triage_db_ = *std::move(triage_db);
    ASSERT_TRUE(triage_db_->Migrate("triage", triage::TriageMigrations()).ok());

    tracking_store_ = std::make_unique<tracking::TrackingStore>(*tracking_db_);
    publisher_ = std::make_unique<queue::StreamPublisher>(redis_options_, queue::kTrackingStream);
    relay_ = std::make_unique<storage::OutboxRelay>(tracking::TrackingRelayOptions(std::chrono::milliseconds(0)),
                                                    tracking::TrackingEventBatches(*tracking_store_, *publisher_));
    tracking_ = std::make_unique<tracking::TrackingService>(*tracking_store_, clock_, relay_.get());

    triage_store_ = std::make_unique<triage::TriageStore>(*triage_db_);
    analyzer_ = triage::MakeTriageAnalyzer(triage::ShippedAnalyzerOptions()).value();
    processor_ = std::make_unique<triage::TriageProcessor>(*analyzer_, *triage_store_, clock_);
    triage_ = std::make_unique<triage::TriageService>(*processor_, *triage_store_, nullptr, clock_);
    marks_ = std::make_unique<triage::RedLineMarkStore>(*triage_db_);
    handler_ = std::make_unique<triage::RedLineMarkConsumer>(*marks_);
    queue::ConsumerOptions options;
    options.stream = queue::kTrackingStream;
    options.group = "triage";
    options.consumer = "triage-test";
    options.block = std::chrono::milliseconds(50);
    consumer_ = std::make_unique<queue::StreamConsumer>(
        redis_options_, options, [this](const queue::StreamMessage& m) { return handler_->Handle(m); });
  }

  // The feedback as triage stores it from voc:feedback.
  v1::TriagedFeedback Triage(const std::string& id, const std::string& text) {
    v1::Feedback f;
    f.set_id(id);
    f.set_channel(v1::CHANNEL_REVIEW);
    f.set_text(text);
    *f.mutable_occurred_time() = ToProto(clock_.Now());
    auto triaged = triage_->Triage(f);
    EXPECT_TRUE(triaged.ok()) << triaged.status();
    return triaged.ok() ? *triaged : v1::TriagedFeedback();
  }

  // The red-line case assignment opens for it, owned by legal.
  v1::Case OpenRedLineCase(const v1::TriagedFeedback& t) {
    v1::CreateCaseRequest req;
    req.set_request_id("redline:" + t.feedback().id());
    v1::Case* c = req.mutable_case_();
    c->set_kind(v1::CASE_KIND_RED_LINE);
    c->set_feedback_id(t.feedback().id());
    c->set_priority(v1::PRIORITY_P1);
    c->set_summary(t.feedback().text());
    auto* legal = c->add_owners();
    legal->set_department("legal");
    legal->set_person("p-legal");
    *req.mutable_sla() = ToProto(std::chrono::hours(4));
    auto created = tracking_->CreateCase(Assignment(), req);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : v1::Case();
  }

  // Polls triage's consumer until the mark of `feedback_id` is stored.
  void DrainUntilMarked(const std::string& feedback_id, v1::RedLineVerdict verdict) {
    for (int i = 0; i < 100; ++i) {
      consumer_->PollOnce();
      const auto mark = marks_->GetMark(feedback_id);
      ASSERT_TRUE(mark.ok()) << mark.status();
      if (*mark && (*mark)->verdict == verdict) return;
    }
    FAIL() << "the mark of " << feedback_id << " never reached triage";
  }

  v1::RedLineReport Report() {
    triage::RedLineReporter reporter(*marks_);
    v1::GetRedLineReportRequest request;
    *request.mutable_start_time() = MillisToProto(kDay0);
    *request.mutable_end_time() = MillisToProto(kDay0 + 86'400'000);
    auto report = reporter.Report(request);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : v1::RedLineReport();
  }

  static const v1::RedLineTermReport* Term(const v1::RedLineReport& report, const std::string& term) {
    for (const auto& t : report.terms()) {
      if (t.term() == term) return &t;
    }
    return nullptr;
  }

  testing::RedisServer redis_;
  queue::RedisOptions redis_options_;
  testing::TempDir dir_;
  FakeClock clock_{FromMillis(kDay0 + 3'600'000)};
  std::unique_ptr<storage::Database> tracking_db_, triage_db_;
  std::unique_ptr<tracking::TrackingStore> tracking_store_;
  std::unique_ptr<queue::StreamPublisher> publisher_;
  std::unique_ptr<storage::OutboxRelay> relay_;
  std::unique_ptr<tracking::TrackingService> tracking_;
  std::unique_ptr<triage::TriageStore> triage_store_;
  std::unique_ptr<triage::TriageAnalyzer> analyzer_;
  std::unique_ptr<triage::TriageProcessor> processor_;
  std::unique_ptr<triage::TriageService> triage_;
  std::unique_ptr<triage::RedLineMarkStore> marks_;
  std::unique_ptr<triage::RedLineMarkConsumer> handler_;
  std::unique_ptr<queue::StreamConsumer> consumer_;
};

TEST_F(RedLineMarksEndToEndTest, MarkingACaseAFalseAlarmShowsInTheTermReport) {
  const v1::TriagedFeedback t = Triage("fb-hotline", "我要打12315投诉你们");
  ASSERT_GT(t.result().red_lines_size(), 0) << "the shipped lists flag the hotline";
  std::string term;
  for (const auto& hit : t.result().red_lines()) {
    if (hit.level() != v1::RED_LINE_LEVEL_WATCH && hit.category() == v1::RED_LINE_CATEGORY_REGULATORY) term = hit.term();
  }
  ASSERT_FALSE(term.empty());
  const v1::Case c = OpenRedLineCase(t);

  const v1::RedLineReport before = Report();
  const v1::RedLineTermReport* unmarked = Term(before, term);
  ASSERT_NE(unmarked, nullptr) << "flagged before anyone marks it";
  EXPECT_EQ(unmarked->flagged(), 1);
  EXPECT_EQ(unmarked->unmarked(), 1);
  EXPECT_FALSE(unmarked->has_precision());

  clock_.Advance(std::chrono::minutes(30));
  v1::MarkRedLineRequest mark;
  mark.set_name(c.name());
  mark.set_verdict(v1::RED_LINE_VERDICT_FALSE_ALARM);
  mark.set_reason("a test message from our own QA team");
  const auto marked = tracking_->MarkRedLine(Owner(), mark);
  ASSERT_TRUE(marked.ok()) << marked.status();
  DrainUntilMarked("fb-hotline", v1::RED_LINE_VERDICT_FALSE_ALARM);

  const v1::RedLineReport after = Report();
  const v1::RedLineTermReport* row = Term(after, term);
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->category(), "regulatory");
  EXPECT_EQ(row->flagged(), 1);
  EXPECT_EQ(row->false_alarms(), 1);
  EXPECT_EQ(row->confirmed(), 0);
  EXPECT_EQ(row->unmarked(), 0);
  ASSERT_TRUE(row->has_precision());
  EXPECT_DOUBLE_EQ(row->precision(), 0.0);
  EXPECT_EQ(after.terms(0).term(), term) << "the term with the most false alarms comes first";
  const auto stored = marks_->GetMark("fb-hotline").value();
  EXPECT_EQ(stored->actor, "p-legal");
  EXPECT_EQ(stored->case_id, c.id());

  // Confirmed after all (re-marked): the report follows the last mark.
  clock_.Advance(std::chrono::minutes(30));
  mark.set_verdict(v1::RED_LINE_VERDICT_CONFIRMED);
  mark.set_reason("the customer did file with 12315");
  ASSERT_TRUE(tracking_->MarkRedLine(Owner(), mark).ok());
  DrainUntilMarked("fb-hotline", v1::RED_LINE_VERDICT_CONFIRMED);
  const v1::RedLineTermReport* confirmed = Term(Report(), term);
  ASSERT_NE(confirmed, nullptr);
  EXPECT_EQ(confirmed->false_alarms(), 0);
  EXPECT_EQ(confirmed->confirmed(), 1);
  EXPECT_DOUBLE_EQ(confirmed->precision(), 1.0);
}

}  // namespace
}  // namespace voc
