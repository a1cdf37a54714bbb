// Issue 10 item 4 ("marks"): a red-line case marked confirmed or false alarm
// by its owners (and analysts), recorded in the history with the person
// acting, re-markable (the last mark counts), published as red_line_marked
// for triage's term report.
#include <gtest/gtest.h>

#include "common/erasure/privacy_service.h"
#include "services/tracking/store/erasure_store.h"
#include "tests/unit/tracking/test_callers.h"
#include "tests/unit/tracking/tracking_test_support.h"

namespace voc::tracking {
namespace {

using testing::StartTime;
using testing::TrackingFixture;
using std::chrono::hours;

class RedLineMarkTest : public TrackingFixture {
 protected:
  // A red-line case on fb-red owned by customer_success (p-am) and the
  // executive office (p-ceo).
  v1::Case CreateRedLine(const std::string& feedback_id = "fb-red") {
    v1::CreateCaseRequest req;
    req.set_request_id("redline:" + feedback_id);
    v1::Case* c = req.mutable_case_();
    c->set_kind(v1::CASE_KIND_RED_LINE);
    c->set_feedback_id(feedback_id);
    c->set_customer_id("c-1");
    c->set_priority(v1::PRIORITY_P1);
    c->set_summary("我要打12315投诉");
    auto* cs = c->add_owners();
    cs->set_department("customer_success");
    cs->set_person("p-am");
    auto* exec = c->add_owners();
    exec->set_department("executive");
    exec->set_person("p-ceo");
    *req.mutable_sla() = ToProto(hours(4));
    *req.mutable_reference_time() = ToProto(StartTime());
    return MustCreate(req);
  }

  static v1::MarkRedLineRequest Mark(const v1::Case& c, v1::RedLineVerdict verdict, const std::string& reason) {
    v1::MarkRedLineRequest req;
    req.set_name(c.name());
    req.set_verdict(verdict);
    req.set_reason(reason);
    return req;
  }

  std::vector<v1::Case> MarkedEvents() {
    std::vector<v1::Case> out;
    std::lock_guard lock(sink_.mu_);
    for (const auto& [event, payload] : sink_.events) {
      if (event != "red_line_marked") continue;
      v1::Case c;
      EXPECT_TRUE(c.ParseFromString(payload));
      out.push_back(c);
    }
    return out;
  }
};

TEST_F(RedLineMarkTest, AnOwnerMarksAFalseAlarmAndTheMarkIsStoredInHistoryAndPublished) {
  const v1::Case c = CreateRedLine();
  clock_.Advance(hours(1));
  const auto marked = service_->MarkRedLine(TestPerson("p-am", "customer_success"),
                                            Mark(c, v1::RED_LINE_VERDICT_FALSE_ALARM, "room number 315, not the hotline"));
  ASSERT_TRUE(marked.ok()) << marked.status();
  EXPECT_EQ(marked->red_line_mark().verdict(), v1::RED_LINE_VERDICT_FALSE_ALARM);
  EXPECT_EQ(marked->red_line_mark().reason(), "room number 315, not the hotline");
  EXPECT_EQ(marked->red_line_mark().actor(), "p-am");
  EXPECT_EQ(FromProto(marked->red_line_mark().mark_time()), StartTime() + hours(1));
  EXPECT_EQ(marked->state(), v1::CASE_STATE_OPEN) << "a mark is not a state change";

  const auto read = service_->GetCase(TestSystem(), c.name());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->red_line_mark().verdict(), v1::RED_LINE_VERDICT_FALSE_ALARM);
  const v1::HistoryEntry& last = read->history(read->history_size() - 1);
  EXPECT_EQ(last.action(), "red_line_marked");
  EXPECT_EQ(last.actor(), "p-am");
  EXPECT_EQ(last.detail(), "false alarm: room number 315, not the hotline");

  const auto events = MarkedEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].feedback_id(), "fb-red");
  EXPECT_EQ(events[0].red_line_mark().verdict(), v1::RED_LINE_VERDICT_FALSE_ALARM);
  EXPECT_EQ(events[0].red_line_mark().actor(), "p-am");
}

TEST_F(RedLineMarkTest, ACaseIsMarkedAgainAfterItIsClosedAndTheLastMarkCounts) {
  const v1::Case c = CreateRedLine();
  ASSERT_TRUE(service_->MarkRedLine(TestPerson("p-am", "customer_success"),
                                    Mark(c, v1::RED_LINE_VERDICT_FALSE_ALARM, "looked like a room number"))
                  .ok());
  v1::ResolveCaseRequest resolve;
  resolve.set_name(c.name());
  resolve.set_resolution_note("called the customer");
  ASSERT_TRUE(service_->ResolveCase(TestSystem(), resolve).ok());
  v1::CloseCaseRequest close;
  close.set_name(c.name());
  ASSERT_TRUE(service_->CloseCase(TestSystem(), close).ok());
  clock_.Advance(hours(2));
  const auto again = service_->MarkRedLine(TestPerson("p-ceo", "executive"),
                                           Mark(c, v1::RED_LINE_VERDICT_CONFIRMED, "the customer did call 12315"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->state(), v1::CASE_STATE_CLOSED);
  EXPECT_EQ(again->red_line_mark().verdict(), v1::RED_LINE_VERDICT_CONFIRMED);
  EXPECT_EQ(again->red_line_mark().actor(), "p-ceo");
  int marks = 0;
  for (const auto& h : again->history()) marks += h.action() == "red_line_marked";
  EXPECT_EQ(marks, 2) << "every mark stays in the history";
  const auto events = MarkedEvents();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].red_line_mark().verdict(), v1::RED_LINE_VERDICT_CONFIRMED);
  EXPECT_GT(ProtoToMillis(events[1].red_line_mark().mark_time()),
            ProtoToMillis(events[0].red_line_mark().mark_time()));
}

TEST_F(RedLineMarkTest, OnlyThoseWhoMayActOnTheCaseAndAnalystsMayMark) {
  const v1::Case c = CreateRedLine();
  const auto mark = Mark(c, v1::RED_LINE_VERDICT_CONFIRMED, "real");
  // Another department's member does not even see it.
  auto r = service_->MarkRedLine(TestPerson("p-x", "logistics"), mark);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << r.status();
  // An executive of another department reads every case but acts on none.
  r = service_->MarkRedLine(TestPerson("p-vp", "logistics", {auth::Role::kExecutive}), mark);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << r.status();
  // An analyst tunes the red-line lists from these marks: allowed.
  r = service_->MarkRedLine(TestPerson("p-analyst", "insights", {auth::Role::kAnalyst}), mark);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->red_line_mark().actor(), "p-analyst");
  // A missing case is refused the same way to someone who does not read all.
  v1::MarkRedLineRequest missing = mark;
  missing.set_name("cases/none");
  r = service_->MarkRedLine(TestPerson("p-am", "customer_success"), missing);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << r.status();
  EXPECT_EQ(MarkedEvents().size(), 1u) << "refused marks publish nothing";
}

TEST_F(RedLineMarkTest, ABadRequestNamesTheFieldAndOnlyRedLineCasesAreMarked) {
  const v1::Case c = CreateRedLine();
  const auth::Principal owner = TestPerson("p-am", "customer_success");
  auto r = service_->MarkRedLine(owner, Mark(c, v1::RED_LINE_VERDICT_UNSPECIFIED, "why"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(r.status().message()).rfind("verdict", 0), 0u) << r.status();
  r = service_->MarkRedLine(owner, Mark(c, v1::RED_LINE_VERDICT_CONFIRMED, "  "));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(r.status().message()).rfind("reason", 0), 0u) << r.status();
  v1::MarkRedLineRequest bad_name = Mark(c, v1::RED_LINE_VERDICT_CONFIRMED, "real");
  bad_name.set_name("feedback/1");
  r = service_->MarkRedLine(owner, bad_name);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(r.status().message()).rfind("name", 0), 0u) << r.status();

  const v1::Case callback = MustCreate(CallbackRequest("fb-1", StartTime()));
  r = service_->MarkRedLine(owner, Mark(callback, v1::RED_LINE_VERDICT_CONFIRMED, "real"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  EXPECT_FALSE(service_->GetCase(TestSystem(), c.name())->has_red_line_mark());
}

TEST_F(RedLineMarkTest, TheReasonIsDeIdentifiedForReadersOutsideTheCase) {
  service_ = std::make_unique<TrackingService>(*store_, clock_, relay_.get(), nullptr, nullptr,
                                               [](std::string_view) { return std::string("***"); });
  const v1::Case c = CreateRedLine();
  ASSERT_TRUE(service_->MarkRedLine(TestPerson("p-am", "customer_success"),
                                    Mark(c, v1::RED_LINE_VERDICT_CONFIRMED, "Mr Wang did call 12315"))
                  .ok());
  const auto outside = service_->GetCase(TestPerson("p-analyst", "insights", {auth::Role::kAnalyst}), c.name());
  ASSERT_TRUE(outside.ok()) << outside.status();
  EXPECT_EQ(outside->red_line_mark().reason(), "***");
  const auto inside = service_->GetCase(TestPerson("p-am", "customer_success"), c.name());
  EXPECT_EQ(inside->red_line_mark().reason(), "Mr Wang did call 12315");
}

TEST_F(RedLineMarkTest, ErasingTheCustomerErasesTheReasonAndKeepsTheVerdict) {
  const v1::Case c = CreateRedLine();
  sink_.failing = true;  // Redis away: the event stays in the outbox
  ASSERT_TRUE(service_->MarkRedLine(TestPerson("p-am", "customer_success"),
                                    Mark(c, v1::RED_LINE_VERDICT_FALSE_ALARM, "王先生 13812345678 说是误会"))
                  .ok());
  ASSERT_TRUE(CaseErasureStore(*db_).EraseCustomer("c-1", {"fb-red"}).ok());
  const auto read = service_->GetCase(TestSystem(), c.name());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->red_line_mark().verdict(), v1::RED_LINE_VERDICT_FALSE_ALARM);
  EXPECT_EQ(read->red_line_mark().reason(), erasure::kErasedText);
  EXPECT_EQ(read->history(read->history_size() - 1).detail(), std::string("false alarm: ") + erasure::kErasedText);
  // The queued event's snapshot is rewritten too.
  const auto pending = store_->PendingEvents(100).value();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].event, "red_line_marked");
  v1::Case snapshot;
  ASSERT_TRUE(snapshot.ParseFromString(pending[0].payload));
  EXPECT_EQ(snapshot.red_line_mark().reason(), erasure::kErasedText);
  EXPECT_EQ(snapshot.red_line_mark().verdict(), v1::RED_LINE_VERDICT_FALSE_ALARM);
}

}  // namespace
}  // namespace voc::tracking
