// The two SLA clocks of a case: the arithmetic on a working-hours calendar
// (case_clocks.h), and what the case events do to them through
// TrackingService with a FakeClock and policies of the test's own (the
// policy file's loader is the outside edge here; common/sla tests its own).
#include <gtest/gtest.h>

#include "tests/unit/tracking/test_callers.h"

#include <map>

#include "services/tracking/case_clocks.h"
#include "services/tracking/sla_policy_source.h"
#include "tests/unit/tracking/fake_business_calendar.h"
#include "tests/unit/tracking/tracking_test_support.h"

namespace voc::tracking {
namespace {

using sla_test::FakeWorkingHoursCalendar;
using sla_test::kHourMs;
using sla_test::kMinuteMs;
using sla_test::Utc;

sla::SlaPolicy Policy(const std::string& id, const std::string& calendar, sla::DurationMs first,
                      sla::DurationMs resolution) {
  sla::SlaPolicy p;
  p.id = id;
  p.calendar = calendar;
  p.first_response.target = first;
  p.first_response.warnings = {{"75pct", 0.75, 0}};
  p.first_response.escalation = {{1, 0, "manager"}};
  p.resolution.target = resolution;
  return p;
}

// ---------------------------------------------------------------- arithmetic

class ClockArithmeticTest : public ::testing::Test {
 protected:
  FakeWorkingHoursCalendar calendar_{"cn-office"};
  sla::SlaPolicy policy_ = Policy("complaint-p3", "cn-office", 8 * kHourMs, 16 * kHourMs);
};

TEST_F(ClockArithmeticTest, AClockStartedFridayEveningIsDueInWorkingHoursOnMonday) {
  // Friday 2026-03-06 17:00: one working hour left that day, seven on Monday.
  const CaseClock c = StartClock(kFirstResponseClock, policy_, policy_.first_response, calendar_,
                                 Utc(2026, 3, 6, 17));
  ASSERT_TRUE(c.due_ms);
  EXPECT_EQ(*c.due_ms, Utc(2026, 3, 9, 16));
  EXPECT_EQ(c.policy_id, "complaint-p3");
  EXPECT_EQ(c.calendar_id, "cn-office");
  EXPECT_EQ(RemainingAt(c, calendar_, Utc(2026, 3, 7, 12)), 7 * kHourMs) << "Saturday counts nothing";
}

TEST_F(ClockArithmeticTest, PauseKeepsTheBusinessTimeUsedAndResumeMovesTheDue) {
  CaseClock c = StartClock(kResolutionClock, policy_, policy_.resolution, calendar_,
                           Utc(2026, 3, 6, 17));
  // Monday 10:00: 1 h on Friday + 1 h on Monday used.
  ASSERT_TRUE(PauseClock(c, calendar_, Utc(2026, 3, 9, 10)));
  EXPECT_FALSE(c.due_ms) << "no due while paused";
  EXPECT_EQ(c.used_ms, 2 * kHourMs);
  EXPECT_EQ(c.paused_since_ms, Utc(2026, 3, 9, 10));
  EXPECT_FALSE(PauseClock(c, calendar_, Utc(2026, 3, 9, 11))) << "paused once";
  EXPECT_EQ(RemainingAt(c, calendar_, Utc(2026, 3, 11, 12)), 14 * kHourMs)
      << "the paused days use nothing";

  // Resumed Wednesday 09:00 with 14 h left: all Wednesday (9 h) + 5 h Thursday.
  ASSERT_TRUE(ResumeClock(c, calendar_, Utc(2026, 3, 11, 9)));
  EXPECT_FALSE(c.paused_since_ms);
  EXPECT_EQ(c.started_ms, Utc(2026, 3, 11, 9));
  EXPECT_EQ(c.due_ms, Utc(2026, 3, 12, 14));
  EXPECT_EQ(UsedAt(c, calendar_, Utc(2026, 3, 11, 10)), 3 * kHourMs);
  EXPECT_FALSE(ResumeClock(c, calendar_, Utc(2026, 3, 11, 10))) << "only a paused clock resumes";
}

TEST_F(ClockArithmeticTest, AClockPastDueWhenPausedIsDueAgainAtOnceOnResume) {
  CaseClock c = StartClock(kFirstResponseClock, policy_, policy_.first_response, calendar_,
                           Utc(2026, 3, 9, 9));
  ASSERT_TRUE(PauseClock(c, calendar_, Utc(2026, 3, 10, 12)));  // 9 h + 3 h: 4 h past due
  EXPECT_EQ(RemainingAt(c, calendar_, Utc(2026, 3, 10, 12)), -4 * kHourMs);
  ASSERT_TRUE(ResumeClock(c, calendar_, Utc(2026, 3, 10, 19)));  // after hours
  EXPECT_EQ(c.due_ms, Utc(2026, 3, 11, 9)) << "the next working moment";
}

TEST_F(ClockArithmeticTest, MetFreezesTheClockAndNeverChangesAgain) {
  CaseClock c = StartClock(kFirstResponseClock, policy_, policy_.first_response, calendar_,
                           Utc(2026, 3, 9, 9));
  ASSERT_TRUE(MeetClock(c, calendar_, Utc(2026, 3, 9, 10, 30)));
  EXPECT_EQ(c.met_ms, Utc(2026, 3, 9, 10, 30));
  EXPECT_EQ(c.used_ms, 90 * kMinuteMs);
  EXPECT_EQ(UsedAt(c, calendar_, Utc(2026, 3, 20)), 90 * kMinuteMs);
  EXPECT_FALSE(MeetClock(c, calendar_, Utc(2026, 3, 9, 11)));
  EXPECT_FALSE(PauseClock(c, calendar_, Utc(2026, 3, 9, 11)));
  EXPECT_FALSE(RetargetClock(c, policy_, policy_.resolution, calendar_, calendar_, Utc(2026, 3, 9, 11)));
  EXPECT_EQ(c.met_ms, Utc(2026, 3, 9, 10, 30));
}

TEST_F(ClockArithmeticTest, AClockMetWhilePausedIsNoLongerPaused) {
  CaseClock c = StartClock(kResolutionClock, policy_, policy_.resolution, calendar_,
                           Utc(2026, 3, 9, 9));
  ASSERT_TRUE(PauseClock(c, calendar_, Utc(2026, 3, 9, 11)));
  ASSERT_TRUE(MeetClock(c, calendar_, Utc(2026, 3, 12, 11)));
  EXPECT_FALSE(c.paused_since_ms);
  EXPECT_EQ(c.used_ms, 2 * kHourMs);
}

TEST_F(ClockArithmeticTest, RetargetCountsTheTimeUsedAgainstTheNewTarget) {
  CaseClock c = StartClock(kResolutionClock, policy_, policy_.resolution, calendar_,
                           Utc(2026, 3, 9, 9));
  const sla::SlaPolicy urgent = Policy("complaint-p1", "24x7", kHourMs, 4 * kHourMs);
  // Monday 12:00, 3 h used; 4 h target on the wall clock: due 13:00.
  ASSERT_TRUE(RetargetClock(c, urgent, urgent.resolution, calendar_,
                            WallClockCalendar::Instance(), Utc(2026, 3, 9, 12)));
  EXPECT_EQ(c.policy_id, "complaint-p1");
  EXPECT_EQ(c.calendar_id, "24x7");
  EXPECT_EQ(c.target_ms, 4 * kHourMs);
  EXPECT_EQ(c.used_ms, 3 * kHourMs);
  EXPECT_EQ(c.due_ms, Utc(2026, 3, 9, 13));

  // A paused clock takes the new target and stays paused.
  CaseClock paused = StartClock(kResolutionClock, policy_, policy_.resolution, calendar_,
                                Utc(2026, 3, 9, 9));
  ASSERT_TRUE(PauseClock(paused, calendar_, Utc(2026, 3, 9, 10)));
  ASSERT_TRUE(RetargetClock(paused, urgent, urgent.resolution, calendar_,
                            WallClockCalendar::Instance(), Utc(2026, 3, 9, 12)));
  EXPECT_EQ(paused.target_ms, 4 * kHourMs);
  EXPECT_FALSE(paused.due_ms);
  EXPECT_TRUE(paused.paused_since_ms);
}

TEST_F(ClockArithmeticTest, DuesOfTakeOnlyRunningClocks) {
  CaseClock first = StartClock(kFirstResponseClock, policy_, policy_.first_response, calendar_,
                               Utc(2026, 3, 9, 9));
  CaseClock resolution = StartClock(kResolutionClock, policy_, policy_.resolution, calendar_,
                                    Utc(2026, 3, 9, 9));
  CaseDues d = DuesOf({first, resolution});
  EXPECT_EQ(d.first_response_ms, Utc(2026, 3, 9, 17));
  EXPECT_EQ(d.resolution_ms, Utc(2026, 3, 10, 16));
  EXPECT_EQ(d.nearest_ms, Utc(2026, 3, 9, 17));
  MeetClock(first, calendar_, Utc(2026, 3, 9, 10));
  PauseClock(resolution, calendar_, Utc(2026, 3, 9, 10));
  d = DuesOf({first, resolution});
  EXPECT_EQ(d.first_response_ms, kNoOpenDueMs);
  EXPECT_EQ(d.resolution_ms, kNoOpenDueMs);
  EXPECT_EQ(d.nearest_ms, kNoOpenDueMs);
}

// ---------------------------------------------------------------- on case events

// Policies by kind x priority over two calendars; Find narrows nothing.
class TestPolicies final : public sla::SlaPolicies {
 public:
  TestPolicies() {
    Add("complaint", "p3", Policy("complaint-p3", "cn-office", 8 * kHourMs, 16 * kHourMs));
    Add("complaint", "p1", Policy("complaint-p1", "24x7", kHourMs, 4 * kHourMs));
    Add("detractor_callback", "p3", Policy("callback-p3", "24x7", 24 * kHourMs, 72 * kHourMs));
  }
  void Add(const std::string& kind, const std::string& priority, sla::SlaPolicy p) {
    policies_[{kind, priority}] = std::move(p);
  }
  absl::StatusOr<const sla::SlaPolicy*> Find(const sla::PolicyKey& key) const override {
    auto found = policies_.find({key.kind, key.priority});
    if (found == policies_.end()) return absl::NotFoundError("no policy for " + key.kind + "/" + key.priority);
    return &found->second;
  }
  const sla::BusinessCalendar* FindCalendar(const std::string& id) const override {
    if (id == office_.id()) return &office_;
    if (id == wall_.id()) return &wall_;
    return nullptr;
  }

 private:
  std::map<std::pair<std::string, std::string>, sla::SlaPolicy> policies_;
  FakeWorkingHoursCalendar office_{"cn-office"};
  WallClockCalendar wall_;
};

class CaseClockEventsTest : public testing::TrackingFixture {
 protected:
  void SetUp() override {
    TrackingFixture::SetUp();
    // Friday 2026-03-06 17:00 UTC.
    clock_.Set(FromMillis(Utc(2026, 3, 6, 17)));
    policies_ = std::make_unique<SlaPolicySource>(std::make_shared<TestPolicies>());
    service_ = std::make_unique<TrackingService>(*store_, clock_, relay_.get(), policies_.get(),
                                                 directory_);
  }

  v1::Case CreateComplaint(const std::string& id, v1::Priority priority = v1::PRIORITY_P3) {
    v1::CreateCaseRequest req;
    req.set_request_id("complaint:" + id);
    v1::Case* c = req.mutable_case_();
    c->set_kind(v1::CASE_KIND_COMPLAINT);
    c->set_feedback_id(id);
    c->set_customer_id("c-1");
    c->set_priority(priority);
    auto* owner = c->add_owners();
    owner->set_department("customer_success");
    owner->set_person("p-am");
    return MustCreate(req);
  }
  v1::Case Ack(const v1::Case& c) {
    v1::AcknowledgeCaseRequest req;
    req.set_name(c.name());
    req.set_actor("p-am");
    return service_->AcknowledgeCase(TestSystem(), req).value();
  }
  v1::Case Callback(const v1::Case& c, bool reached) {
    v1::LogCallbackRequest req;
    req.set_name(c.name());
    req.set_actor("p-am");
    req.set_reached(reached);
    return service_->LogCallback(TestSystem(), req).value();
  }
  void AdvanceTo(sla::TimeMs t) { clock_.Set(FromMillis(t)); }
  static sla::TimeMs Ms(const google::protobuf::Timestamp& t) { return ProtoToMillis(t); }
  static sla::DurationMs Ms(const google::protobuf::Duration& d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(FromProto(d)).count();
  }
  std::vector<std::string> Actions(const v1::Case& c) {
    std::vector<std::string> out;
    const v1::Case got = service_->GetCase(TestSystem(), c.name()).value();
    for (const auto& h : got.history()) out.push_back(h.action());
    return out;
  }

  std::unique_ptr<SlaPolicySource> policies_;
};

TEST_F(CaseClockEventsTest, ANewCaseStartsBothClocksOfItsPolicy) {
  const v1::Case c = CreateComplaint("fb-1");
  EXPECT_EQ(c.first_response().policy_id(), "complaint-p3");
  EXPECT_EQ(c.first_response().calendar_id(), "cn-office");
  EXPECT_EQ(Ms(c.first_response().due_time()), Utc(2026, 3, 9, 16)) << "8 working hours";
  EXPECT_EQ(Ms(c.resolution().due_time()), Utc(2026, 3, 10, 15))
      << "16 working hours: 1 on Friday, 9 on Monday, 6 on Tuesday";
  EXPECT_EQ(Ms(c.due_time()), Utc(2026, 3, 9, 16)) << "due_time: the nearer open due";
  EXPECT_EQ(Ms(c.first_response().remaining()), 8 * kHourMs);
  EXPECT_FALSE(c.first_response().met());
  EXPECT_FALSE(c.resolution().paused());

  // Saturday noon: no business time passed, the countdown stands.
  AdvanceTo(Utc(2026, 3, 7, 12));
  const v1::Case saturday = service_->GetCase(TestSystem(), c.name()).value();
  EXPECT_EQ(Ms(saturday.first_response().remaining()), 7 * kHourMs);
  EXPECT_FALSE(saturday.first_response().overdue());
  // Monday 16:30: past the first-response due, not the resolution's.
  AdvanceTo(Utc(2026, 3, 9, 16, 30));
  const v1::Case monday = service_->GetCase(TestSystem(), c.name()).value();
  EXPECT_TRUE(monday.first_response().overdue());
  EXPECT_EQ(Ms(monday.first_response().remaining()), -30 * kMinuteMs);
  EXPECT_FALSE(monday.resolution().overdue());
  EXPECT_TRUE(monday.overdue());
}

TEST_F(CaseClockEventsTest, AcknowledgementMeetsTheFirstResponse) {
  const v1::Case c = CreateComplaint("fb-1");
  AdvanceTo(Utc(2026, 3, 9, 10));
  const v1::Case acked = Ack(c);
  EXPECT_TRUE(acked.first_response().met());
  EXPECT_EQ(Ms(acked.first_response().met_time()), Utc(2026, 3, 9, 10));
  EXPECT_EQ(Ms(acked.first_response().used()), 2 * kHourMs);
  EXPECT_FALSE(acked.resolution().met());
  EXPECT_EQ(Ms(acked.due_time()), Utc(2026, 3, 10, 15)) << "now the resolution due is the nearer";
  // Long after: a met clock is never overdue.
  AdvanceTo(Utc(2026, 3, 20));
  EXPECT_FALSE(service_->GetCase(TestSystem(), c.name()).value().first_response().overdue());
}

TEST_F(CaseClockEventsTest, AnUnreachedCallbackMeetsTheFirstResponseAndPausesTheResolution) {
  const v1::Case c = CreateComplaint("fb-1");
  AdvanceTo(Utc(2026, 3, 9, 10));  // 2 h used
  const v1::Case waiting = Callback(c, /*reached=*/false);
  EXPECT_EQ(waiting.state(), v1::CASE_STATE_WAITING_ON_CUSTOMER);
  EXPECT_TRUE(waiting.first_response().met()) << "a logged callback attempt is a first response";
  EXPECT_TRUE(waiting.resolution().paused());
  EXPECT_FALSE(waiting.resolution().has_due_time());
  EXPECT_FALSE(waiting.has_due_time()) << "no clock running";
  EXPECT_EQ(Ms(waiting.resolution().remaining()), 14 * kHourMs);

  // Two days on the customer's side count nothing.
  AdvanceTo(Utc(2026, 3, 11, 9));
  EXPECT_EQ(Ms(service_->GetCase(TestSystem(), c.name()).value().resolution().remaining()), 14 * kHourMs);
  v1::ResumeCaseRequest resume;
  resume.set_name(c.name());
  resume.set_actor("p-am");
  resume.set_note("customer wrote back");
  const auto resumed_or = service_->ResumeCase(TestSystem(), resume);
  ASSERT_TRUE(resumed_or.ok()) << resumed_or.status();
  const v1::Case resumed = *resumed_or;
  EXPECT_EQ(resumed.state(), v1::CASE_STATE_IN_PROGRESS);
  EXPECT_FALSE(resumed.resolution().paused());
  EXPECT_EQ(Ms(resumed.resolution().due_time()), Utc(2026, 3, 12, 14));
  EXPECT_EQ(Ms(resumed.due_time()), Utc(2026, 3, 12, 14));
  EXPECT_EQ(Actions(c), (std::vector<std::string>{"created", "callback_logged", "sla_paused",
                                                  "resumed", "sla_resumed"}));

  // Resolve: the resolution clock is met with the business time it took.
  AdvanceTo(Utc(2026, 3, 11, 12));
  v1::ResolveCaseRequest resolve;
  resolve.set_name(c.name());
  resolve.set_resolution_note("refunded");
  const v1::Case resolved = service_->ResolveCase(TestSystem(), resolve).value();
  EXPECT_TRUE(resolved.resolution().met());
  EXPECT_EQ(Ms(resolved.resolution().used()), 5 * kHourMs);
}

TEST_F(CaseClockEventsTest, AReachedCallbackFromWaitingResumesTheResolution) {
  const v1::Case c = CreateComplaint("fb-1");
  AdvanceTo(Utc(2026, 3, 9, 10));
  Callback(c, false);
  AdvanceTo(Utc(2026, 3, 11, 9));
  const v1::Case reached = Callback(c, true);
  EXPECT_EQ(reached.state(), v1::CASE_STATE_IN_PROGRESS);
  EXPECT_EQ(Ms(reached.resolution().due_time()), Utc(2026, 3, 12, 14));
}

TEST_F(CaseClockEventsTest, APriorityChangeRetargetsTheOpenClocksInHistory) {
  const v1::Case c = CreateComplaint("fb-1");
  AdvanceTo(Utc(2026, 3, 9, 9, 30));  // 1.5 h of business time used
  Ack(c);                             // first response met: stays as it was
  v1::ChangePriorityRequest change;
  change.set_name(c.name());
  change.set_actor("p-head-cs");
  change.set_priority(v1::PRIORITY_P1);
  change.set_reason("press enquiry");
  const v1::Case urgent = service_->ChangePriority(TestSystem(), change).value();
  EXPECT_EQ(urgent.priority(), v1::PRIORITY_P1);
  EXPECT_EQ(urgent.first_response().policy_id(), "complaint-p3") << "met clocks keep their policy";
  EXPECT_EQ(urgent.resolution().policy_id(), "complaint-p1");
  EXPECT_EQ(urgent.resolution().calendar_id(), "24x7");
  EXPECT_EQ(Ms(urgent.resolution().target()), 4 * kHourMs);
  // 1.5 h used against 4 h on the wall clock: due 2.5 h from now.
  EXPECT_EQ(Ms(urgent.resolution().due_time()), Utc(2026, 3, 9, 12));
  const v1::Case got = service_->GetCase(TestSystem(), c.name()).value();
  ASSERT_GE(got.history_size(), 2);
  EXPECT_EQ(got.history(got.history_size() - 2).action(), "priority_changed");
  EXPECT_EQ(got.history(got.history_size() - 2).detail(), "P3 -> P1: press enquiry");
  EXPECT_EQ(got.history(got.history_size() - 1).action(), "sla_retargeted");
  EXPECT_NE(got.history(got.history_size() - 1).detail().find("complaint-p1"), std::string::npos);

  v1::ChangePriorityRequest bad = change;
  bad.set_priority(v1::PRIORITY_UNSPECIFIED);
  const auto refused = service_->ChangePriority(TestSystem(), bad);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("priority"), std::string::npos);
}

TEST_F(CaseClockEventsTest, ACallersDueTimeOverridesTheResolutionClock) {
  v1::CreateCaseRequest req = CallbackRequest("fb-9", FromMillis(Utc(2026, 3, 6, 16)));
  req.clear_sla();
  *req.mutable_case_()->mutable_due_time() = MillisToProto(Utc(2026, 3, 6, 20));
  const v1::Case c = MustCreate(req);
  EXPECT_EQ(c.resolution().policy_id(), kOverridePolicy);
  EXPECT_EQ(Ms(c.resolution().due_time()), Utc(2026, 3, 6, 20));
  EXPECT_EQ(c.first_response().policy_id(), "callback-p3");
  EXPECT_EQ(Ms(c.first_response().due_time()), Utc(2026, 3, 7, 16)) << "24 h from arrival, 24x7";
  EXPECT_EQ(Ms(c.due_time()), Utc(2026, 3, 6, 20));
}

TEST_F(CaseClockEventsTest, WithoutAMatchingPolicyADueIsRequired) {
  v1::CreateCaseRequest req;
  req.set_request_id("redline:fb-2");
  req.mutable_case_()->set_kind(v1::CASE_KIND_RED_LINE);
  req.mutable_case_()->add_owners()->set_department("customer_success");
  const auto refused = service_->CreateCase(TestSystem(), req);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("red_line"), std::string::npos);
}

TEST_F(CaseClockEventsTest, ARefusedReloadKeepsThePoliciesInForce) {
  int loads = 0;
  SlaPolicySource source("config/sla_policies.yaml",
                         [&](const std::string& path)
                             -> absl::StatusOr<std::shared_ptr<const sla::SlaPolicies>> {
                           if (++loads == 1) return std::make_shared<TestPolicies>();
                           return absl::InvalidArgumentError(path + ":7: target must be positive");
                         });
  ASSERT_TRUE(source.Reload().ok());
  const auto first = source.Current();
  ASSERT_NE(first, nullptr);
  TrackingService service(*store_, clock_, relay_.get(), &source, directory_);
  const auto refused = service.ReloadSlaPolicies(TestSystem());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("config/sla_policies.yaml:7:"), std::string::npos);
  EXPECT_EQ(source.Current(), first) << "the policies in force stay";
}

// ---------------------------------------------------------------- ReassignCase

TEST_F(CaseClockEventsTest, ReassignCaseTakesOnlyOwnersOfTheDirectoryInTheirDepartment) {
  const v1::Case c = CreateComplaint("fb-1");
  v1::ReassignCaseRequest req;
  req.set_name(c.name());
  req.set_actor("p-head-cs");
  req.mutable_owner()->set_department("customer_success");
  req.mutable_owner()->set_person("p-nobody-at-all");
  auto r = service_->ReassignCase(TestSystem(), req);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("owner.person"), std::string::npos) << r.status();
  EXPECT_NE(r.status().message().find("p-nobody-at-all"), std::string::npos);

  req.mutable_owner()->set_person("p-am-left");  // of customer_success, but inactive
  r = service_->ReassignCase(TestSystem(), req);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("owner.person"), std::string::npos) << r.status();
  EXPECT_NE(r.status().message().find("p-am-left is not active"), std::string::npos) << r.status();

  req.mutable_owner()->set_person("p-ceo");  // in the directory, but of executive
  r = service_->ReassignCase(TestSystem(), req);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("executive"), std::string::npos) << r.status();

  req.mutable_owner()->set_department("no-such-department");
  req.mutable_owner()->set_person("");
  r = service_->ReassignCase(TestSystem(), req);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("owner.department"), std::string::npos) << r.status();

  // Only a person: the case's own department must be theirs.
  req.mutable_owner()->set_department("");
  req.mutable_owner()->set_person("p-ceo");
  EXPECT_EQ(service_->ReassignCase(TestSystem(), req).status().code(), absl::StatusCode::kInvalidArgument);

  req.mutable_owner()->set_person("p-head-cs");
  r = service_->ReassignCase(TestSystem(), req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->owners(0).person(), "p-head-cs");
  EXPECT_EQ(r->owners(0).department(), "customer_success");
  EXPECT_EQ(service_->GetCase(TestSystem(), c.name()).value().history_size(), 2) << "refusals leave no trace";
}

// ---------------------------------------------------------------- ListCases

TEST_F(CaseClockEventsTest, ListCasesSortsAndFiltersByEitherClock) {
  // a: first response due Mon 16:00, resolution Tue 15:00 (office hours).
  // b: P1 on 24x7: first response Fri 18:00, resolution Fri 21:00.
  // c: acknowledged: first response met, resolution Tue 15:00.
  const v1::Case a = CreateComplaint("fb-a");
  const v1::Case b = CreateComplaint("fb-b", v1::PRIORITY_P1);
  const v1::Case c = CreateComplaint("fb-c");
  Ack(c);
  AdvanceTo(Utc(2026, 3, 6, 19));  // b's first response is overdue

  auto names = [&](v1::DueClock clock, bool overdue_only) {
    v1::ListCasesRequest req;
    req.set_due_clock(clock);
    req.set_overdue_only(overdue_only);
    std::vector<std::string> out;
    const v1::ListCasesResponse got = service_->ListCases(TestSystem(), req).value();
    for (const auto& x : got.cases()) out.push_back(x.feedback_id());
    return out;
  };
  EXPECT_EQ(names(v1::DUE_CLOCK_FIRST_RESPONSE, false),
            (std::vector<std::string>{"fb-b", "fb-a", "fb-c"}))
      << "overdue first, then by first-response due; met clocks last";
  EXPECT_EQ(names(v1::DUE_CLOCK_FIRST_RESPONSE, true), (std::vector<std::string>{"fb-b"}));
  EXPECT_TRUE(names(v1::DUE_CLOCK_RESOLUTION, true).empty());
  const auto by_resolution = names(v1::DUE_CLOCK_RESOLUTION, false);
  ASSERT_EQ(by_resolution.size(), 3u);
  EXPECT_EQ(by_resolution[0], "fb-b");

  AdvanceTo(Utc(2026, 3, 6, 22));  // b's resolution too
  EXPECT_EQ(names(v1::DUE_CLOCK_RESOLUTION, true), (std::vector<std::string>{"fb-b"}));
  // The department's worklist reads its own index by either due.
  v1::ListCasesRequest dept;
  dept.set_department("customer_success");
  dept.set_due_clock(v1::DUE_CLOCK_FIRST_RESPONSE);
  dept.set_page_size(2);
  const auto page = service_->ListCases(TestSystem(), dept).value();
  ASSERT_EQ(page.cases_size(), 2);
  EXPECT_EQ(page.cases(0).feedback_id(), "fb-b");
  EXPECT_EQ(page.cases(1).feedback_id(), "fb-a");
  dept.set_page_token(page.next_page_token());
  const auto rest = service_->ListCases(TestSystem(), dept).value();
  ASSERT_EQ(rest.cases_size(), 1);
  EXPECT_EQ(rest.cases(0).feedback_id(), "fb-c");

  v1::ListCasesRequest bad;
  bad.set_due_clock(static_cast<v1::DueClock>(9));
  EXPECT_EQ(service_->ListCases(TestSystem(), bad).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace voc::tracking
