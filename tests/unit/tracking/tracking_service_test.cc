#include <gtest/gtest.h>

#include "tests/unit/tracking/test_callers.h"

#include "tests/unit/tracking/tracking_test_support.h"

namespace voc::tracking {
namespace {

using testing::StartTime;
using testing::TrackingFixture;
using std::chrono::hours;

class TrackingServiceTest : public TrackingFixture {};

TEST_F(TrackingServiceTest, CreateCaseDueIsSlaAfterReferenceTime) {
  const TimePoint received = StartTime() - hours(2);
  const v1::Case c = MustCreate(CallbackRequest("fb-1", received));
  EXPECT_EQ(c.name(), "cases/" + c.id());
  EXPECT_EQ(c.state(), v1::CASE_STATE_OPEN);
  EXPECT_EQ(FromProto(c.due_time()), received + hours(24));
  EXPECT_EQ(FromProto(c.create_time()), StartTime());
  ASSERT_EQ(c.owners_size(), 1);
  EXPECT_EQ(c.owners(0).person(), "p-am");
  EXPECT_FALSE(c.overdue());
}

TEST_F(TrackingServiceTest, CreateCaseWithExplicitDueTimeAndNoReferenceUsesThem) {
  v1::CreateCaseRequest req = CallbackRequest("fb-2", StartTime());
  req.clear_sla();
  *req.mutable_case_()->mutable_due_time() = ToProto(StartTime() + hours(5));
  EXPECT_EQ(FromProto(MustCreate(req).due_time()), StartTime() + hours(5));

  v1::CreateCaseRequest from_now = CallbackRequest("fb-3", StartTime());
  from_now.clear_reference_time();
  clock_.Advance(hours(1));
  EXPECT_EQ(FromProto(MustCreate(from_now).due_time()), StartTime() + hours(25));
}

TEST_F(TrackingServiceTest, CreateCaseIsIdempotentOnRequestId) {
  const v1::Case first = MustCreate(CallbackRequest("fb-1", StartTime()));
  clock_.Advance(hours(1));
  v1::CreateCaseRequest again = CallbackRequest("fb-1", StartTime());
  again.mutable_case_()->set_title("a different title");
  const v1::Case second = MustCreate(again);
  EXPECT_EQ(second.id(), first.id());
  EXPECT_EQ(second.title(), first.title());

  v1::ListCasesRequest list;
  list.set_feedback_id("fb-1");
  auto listed = service_->ListCases(TestSystem(), list);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed.value().cases_size(), 1);
}

TEST_F(TrackingServiceTest, CreateCaseNamesTheBadField) {
  v1::CreateCaseRequest req = CallbackRequest("fb-1", StartTime());
  req.clear_request_id();
  auto r = service_->CreateCase(TestSystem(), req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(r.status().message()).rfind("request_id", 0), 0u) << std::string(r.status().message());

  req = CallbackRequest("fb-1", StartTime());
  req.mutable_case_()->clear_owners();
  r = service_->CreateCase(TestSystem(), req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(std::string(r.status().message()).rfind("case.owners", 0), 0u) << std::string(r.status().message());

  req = CallbackRequest("fb-1", StartTime());
  req.clear_sla();
  r = service_->CreateCase(TestSystem(), req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(std::string(r.status().message()).rfind("sla", 0), 0u) << std::string(r.status().message());

  req = CallbackRequest("fb-1", StartTime());
  req.mutable_case_()->set_kind(v1::CASE_KIND_UNSPECIFIED);
  r = service_->CreateCase(TestSystem(), req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(std::string(r.status().message()).rfind("case.kind", 0), 0u) << std::string(r.status().message());
}

TEST_F(TrackingServiceTest, LifecycleRecordsEveryChangeInHistory) {
  const v1::Case c = MustCreate(CallbackRequest("fb-1", StartTime()));

  // The person acting (issue 9) is recorded, not the request's actor.
  v1::AcknowledgeCaseRequest ack;
  ack.set_name(c.name());
  ack.set_actor("someone-else");
  ASSERT_TRUE(service_->AcknowledgeCase(TestPerson("p-am", "customer_success"), ack).ok());

  v1::LogCallbackRequest unreached;
  unreached.set_name(c.name());
  unreached.set_actor("p-am");
  unreached.set_reached(false);
  unreached.set_note("voicemail");
  auto r = service_->LogCallback(TestSystem(), unreached);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().state(), v1::CASE_STATE_WAITING_ON_CUSTOMER);

  v1::LogCallbackRequest reached = unreached;
  reached.set_reached(true);
  reached.set_note("apologised, voucher sent");
  r = service_->LogCallback(TestSystem(), reached);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().state(), v1::CASE_STATE_IN_PROGRESS);
  ASSERT_EQ(r.value().callbacks_size(), 2);
  EXPECT_FALSE(r.value().callbacks(0).reached());
  EXPECT_TRUE(r.value().callbacks(1).reached());

  v1::ResolveCaseRequest resolve;
  resolve.set_name(c.name());
  resolve.set_actor("p-am");
  resolve.set_resolution_note("customer satisfied");
  r = service_->ResolveCase(TestSystem(), resolve);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().state(), v1::CASE_STATE_RESOLVED);
  EXPECT_EQ(r.value().resolution_note(), "customer satisfied");

  v1::CloseCaseRequest close;
  close.set_name(c.name());
  close.set_actor("p-head-cs");
  ASSERT_TRUE(service_->CloseCase(TestSystem(), close).ok());

  auto got = service_->GetCase(TestSystem(), c.name());
  ASSERT_TRUE(got.ok());
  std::vector<std::string> actions;
  for (const auto& h : got.value().history()) actions.push_back(h.action());
  // The unreached callback put the case on waiting_on_customer: the
  // resolution clock paused there and resumed with the reached one.
  EXPECT_EQ(actions, (std::vector<std::string>{"created", "acknowledged", "callback_logged",
                                               "sla_paused", "callback_logged", "sla_resumed",
                                               "resolved", "closed"}));
  EXPECT_EQ(got.value().history(1).actor(), "p-am");
  EXPECT_EQ(got.value().state(), v1::CASE_STATE_CLOSED);
}

TEST_F(TrackingServiceTest, InvalidTransitionIsFailedPreconditionNamingTheState) {
  const v1::Case c = MustCreate(CallbackRequest("fb-1", StartTime()));
  v1::CloseCaseRequest close;
  close.set_name(c.name());
  auto r = service_->CloseCase(TestSystem(), close);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(r.status().message()).find("open"), std::string::npos) << std::string(r.status().message());

  v1::AcknowledgeCaseRequest ack;
  ack.set_name(c.name());
  ASSERT_TRUE(service_->AcknowledgeCase(TestSystem(), ack).ok());
  r = service_->AcknowledgeCase(TestSystem(), ack);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(r.status().message()).find("acknowledged"), std::string::npos) << std::string(r.status().message());
}

TEST_F(TrackingServiceTest, ResolveNeedsANoteAndPublishesCaseResolved) {
  const v1::Case c = MustCreate(CallbackRequest("fb-1", StartTime()));
  v1::ResolveCaseRequest resolve;
  resolve.set_name(c.name());
  resolve.set_resolution_note("   ");
  auto r = service_->ResolveCase(TestSystem(), resolve);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(r.status().message()).rfind("resolution_note", 0), 0u);
  EXPECT_TRUE(sink_.events.empty());

  resolve.set_resolution_note("refunded");
  ASSERT_TRUE(service_->ResolveCase(TestSystem(), resolve).ok());
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_EQ(sink_.events[0].first, "case_resolved");
  v1::Case published;
  ASSERT_TRUE(published.ParseFromString(sink_.events[0].second));
  EXPECT_EQ(published.id(), c.id());
  EXPECT_EQ(published.state(), v1::CASE_STATE_RESOLVED);
  EXPECT_EQ(published.feedback_id(), "fb-1");
}

TEST_F(TrackingServiceTest, EventsSurviveAQueueOutage) {
  const v1::Case c = MustCreate(CallbackRequest("fb-1", StartTime()));
  sink_.failing = true;
  v1::ResolveCaseRequest resolve;
  resolve.set_name(c.name());
  resolve.set_resolution_note("done");
  ASSERT_TRUE(service_->ResolveCase(TestSystem(), resolve).ok());
  EXPECT_TRUE(sink_.events.empty());
  sink_.failing = false;
  EXPECT_EQ(relay_->RelayPending(), 1u);
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_EQ(relay_->RelayPending(), 0u) << "published once only";
}

TEST_F(TrackingServiceTest, ReassignReplacesThePrimaryOwnerAndRecordsWhy) {
  const v1::Case c = MustCreate(CallbackRequest("fb-1", StartTime()));
  v1::ReassignCaseRequest req;
  req.set_name(c.name());
  req.set_actor("p-head-cs");
  req.mutable_owner()->set_person("p-head-cs");
  req.set_reason("account manager on leave");
  auto r = service_->ReassignCase(TestSystem(), req);
  ASSERT_TRUE(r.ok()) << std::string(r.status().message());
  EXPECT_EQ(r.value().owners(0).department(), "customer_success");
  EXPECT_EQ(r.value().owners(0).person(), "p-head-cs");
  const auto& last = r.value().history(r.value().history_size() - 1);
  EXPECT_EQ(last.action(), "reassigned");
  EXPECT_NE(last.detail().find("account manager on leave"), std::string::npos);

  req.clear_owner();
  r = service_->ReassignCase(TestSystem(), req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TrackingServiceTest, ListPutsOverdueFirstThenByDueTimeAndFilters) {
  // due at +30h, +10h, and one already overdue (-1h after the clock moves).
  MustCreate(CallbackRequest("late", StartTime() + hours(6)));    // due +30h
  MustCreate(CallbackRequest("soon", StartTime() - hours(14)));   // due +10h
  MustCreate(CallbackRequest("past", StartTime() - hours(25)));   // due -1h: overdue
  v1::CreateCaseRequest other = CallbackRequest("other-dept", StartTime());
  other.mutable_case_()->mutable_owners(0)->set_department("executive");
  other.mutable_case_()->mutable_owners(0)->set_person("p-ceo");
  MustCreate(other);

  v1::ListCasesRequest req;
  req.set_department("customer_success");
  auto r = service_->ListCases(TestSystem(), req);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value().cases_size(), 3);
  EXPECT_EQ(r.value().cases(0).feedback_id(), "past");
  EXPECT_TRUE(r.value().cases(0).overdue());
  EXPECT_EQ(r.value().cases(1).feedback_id(), "soon");
  EXPECT_EQ(r.value().cases(2).feedback_id(), "late");

  req.set_overdue_only(true);
  r = service_->ListCases(TestSystem(), req);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value().cases_size(), 1);

  v1::ListCasesRequest by_owner;
  by_owner.set_owner("p-ceo");
  r = service_->ListCases(TestSystem(), by_owner);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value().cases_size(), 1);
  EXPECT_EQ(r.value().cases(0).feedback_id(), "other-dept");

  // Paging: 2 + 2.
  v1::ListCasesRequest page;
  page.set_page_size(2);
  r = service_->ListCases(TestSystem(), page);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().cases_size(), 2);
  ASSERT_FALSE(r.value().next_page_token().empty());
  page.set_page_token(r.value().next_page_token());
  r = service_->ListCases(TestSystem(), page);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().cases_size(), 2);

  page.set_page_token("not-a-number");
  r = service_->ListCases(TestSystem(), page);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TrackingServiceTest, UnknownCaseIsNotFoundAndBadNameIsInvalid) {
  auto r = service_->GetCase(TestSystem(), "cases/nope");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  r = service_->GetCase(TestSystem(), "projects/x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace voc::tracking
