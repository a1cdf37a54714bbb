#include "services/tracking/sla_sweeper.h"

#include <gtest/gtest.h>

#include "tests/unit/tracking/test_callers.h"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <thread>

#include "tests/unit/tracking/sla_test_support.h"
#include "tests/unit/tracking/tracking_test_support.h"

namespace voc::tracking {
namespace {

using sla_test::ClockWriter;
using sla_test::kHourMs;
using sla_test::kMinuteMs;
using sla_test::Utc;
using std::chrono::hours;
using std::chrono::minutes;
using testing::RecordingNotifier;
using testing::TrackingFixture;

class SlaSweeperTest : public TrackingFixture {
 protected:
  void SetUp() override {
    TrackingFixture::SetUp();
    directory_ = std::make_shared<const org::OrgDirectory>(
        org::OrgDirectory::Parse(sla_test::kChainDirectoryYaml).value());
    policies_ = sla_test::TestPolicies();
    sla_store_ = std::make_unique<SlaStore>(*db_);
    clocks_ = std::make_unique<ClockWriter>(*db_, *policies_);
  }

  std::unique_ptr<SlaSweeper> MakeSweeper(SlaStore& sla_store, TrackingStore& store) {
    auto policies = policies_;
    return std::make_unique<SlaSweeper>(sla_store, store, clock_, notifier_, directory_,
                                        [policies] { return policies; });
  }
  SlaSweeper& sweeper() {
    if (!sweeper_) sweeper_ = MakeSweeper(*sla_store_, *store_);
    return *sweeper_;
  }

  void At(sla::TimeMs t) { clock_.Set(FromMillis(t)); }
  SweepReport SweepAt(sla::TimeMs t) {
    At(t);
    auto report = sweeper().SweepOnce();
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : SweepReport{};
  }

  // A P2 complaint owned by customer_success/p-am, opened now.
  v1::Case OpenComplaint(const std::string& feedback_id) {
    v1::CreateCaseRequest req;
    req.set_request_id("complaint:" + feedback_id);
    v1::Case* c = req.mutable_case_();
    c->set_kind(v1::CASE_KIND_COMPLAINT);
    c->set_priority(v1::PRIORITY_P2);
    c->set_feedback_id(feedback_id);
    c->set_customer_id("c-1");
    c->set_title("Parcel late " + feedback_id);
    auto* owner = c->add_owners();
    owner->set_department("customer_success");
    owner->set_person("p-am");
    *req.mutable_sla() = ToProto(hours(72));
    return Created(req);
  }
  // A case whose clocks the test starts itself.
  v1::Case Created(const v1::CreateCaseRequest& req) {
    const v1::Case c = MustCreate(req);
    clocks_->Clear(c.id());
    return c;
  }

  std::vector<v1::HistoryEntry> History(const v1::Case& c, const std::string& action) {
    std::vector<v1::HistoryEntry> out;
    const v1::Case stored = service_->GetCase(TestSystem(), c.name()).value();
    for (const auto& h : stored.history()) {
      if (h.action() == action) out.push_back(h);
    }
    return out;
  }
  std::vector<std::string> SentIds() {
    std::vector<std::string> ids;
    for (const auto& n : notifier_.sent()) ids.push_back(n.id);
    return ids;
  }
  const Notification* SentWithId(const std::string& id) {
    sent_copy_ = notifier_.sent();
    for (const auto& n : sent_copy_) {
      if (n.id == id) return &n;
    }
    return nullptr;
  }

  RecordingNotifier notifier_;
  std::shared_ptr<sla_test::FakePolicies> policies_;
  std::unique_ptr<SlaStore> sla_store_;
  std::unique_ptr<ClockWriter> clocks_;
  std::unique_ptr<SlaSweeper> sweeper_;
  std::vector<Notification> sent_copy_;
};

// Wednesday 2026-12-02 09:00 (a working day): first response 8 h -> due
// 17:00; 75 % at 15:00; 2 h before at 15:00 too, so the resolution clock
// (16 h: due Thursday 16:00; 75 % Thursday 12:00; 2 h before 14:00) shows
// them apart.
TEST_F(SlaSweeperTest, WarningsAt75PercentAndTwoHoursBeforeFireOnceEach) {
  At(Utc(2026, 12, 2, 9));
  const v1::Case c = OpenComplaint("fb-1");
  clocks_->Start(c.id(), kResolutionClock, "complaint", Utc(2026, 12, 2, 9));

  EXPECT_TRUE(SweepAt(Utc(2026, 12, 3, 11, 59)).fired.empty());
  SweepReport at_75 = SweepAt(Utc(2026, 12, 3, 12));
  EXPECT_EQ(at_75.fired, std::vector<std::string>{c.id() + ":resolution:warn:75pct"});
  EXPECT_EQ(at_75.warnings, 1);
  EXPECT_TRUE(SweepAt(Utc(2026, 12, 3, 13)).fired.empty()) << "fires once";
  EXPECT_EQ(SweepAt(Utc(2026, 12, 3, 14)).fired,
            std::vector<std::string>{c.id() + ":resolution:warn:2h-before"});
  EXPECT_TRUE(SweepAt(Utc(2026, 12, 3, 15, 59)).fired.empty());

  ASSERT_EQ(notifier_.sent().size(), 2u);
  const Notification* warning = SentWithId("sla:" + c.id() + ":resolution:warn:75pct");
  ASSERT_NE(warning, nullptr);
  EXPECT_EQ(warning->kind, "sla_warning");
  EXPECT_EQ(warning->recipients, std::vector<std::string>{"p-am"}) << "warnings go to the owner";
  EXPECT_EQ(warning->department, "customer_success");
  EXPECT_EQ(warning->params.at("case_title"), "Parcel late fb-1");
  EXPECT_EQ(warning->params.at("owner_people"), "p-am") << "the template names the owner";
  EXPECT_EQ(warning->params.at("clock"), "resolution");
  EXPECT_EQ(warning->params.at("due_time"), FormatRfc3339(FromMillis(Utc(2026, 12, 3, 16))));
  EXPECT_EQ(History(c, kWarningAction).size(), 2u);
}

// The issue's example: a complaint opened on Friday 17:00 with an 8-hour
// first-response target. One working hour is left on Friday, Monday is a
// holiday, so it breaches on Tuesday at 16:00; not at 01:00 on Saturday.
TEST_F(SlaSweeperTest, AFridayEveningComplaintBreachesOnTheNextWorkingDayNotOnSaturdayNight) {
  At(Utc(2026, 12, 4, 17));
  const v1::Case c = OpenComplaint("fb-1");
  const ClockRow row = clocks_->Start(c.id(), kFirstResponseClock, "complaint", Utc(2026, 12, 4, 17));
  EXPECT_EQ(*row.due_ms, Utc(2026, 12, 8, 16));

  EXPECT_EQ(SweepAt(Utc(2026, 12, 5, 1)).breaches, 0) << "Saturday 01:00 is not a working hour";
  EXPECT_EQ(SweepAt(Utc(2026, 12, 7, 23)).breaches, 0) << "Monday is a holiday";
  // Tuesday: 75 % (6 h used) at 14:00, 2 h before also at 14:00.
  EXPECT_EQ(SweepAt(Utc(2026, 12, 8, 14)).warnings, 2);
  EXPECT_EQ(SweepAt(Utc(2026, 12, 8, 15, 59)).breaches, 0);

  const SweepReport breach = SweepAt(Utc(2026, 12, 8, 16));
  EXPECT_EQ(breach.breaches, 1);
  EXPECT_EQ(breach.escalations, 1) << "level 1 fires with the breach";
  EXPECT_EQ(breach.escalated_cases, std::vector<std::string>{c.name()});
  const Notification* breached = SentWithId("sla:" + c.id() + ":first_response:breach");
  ASSERT_NE(breached, nullptr);
  EXPECT_EQ(breached->kind, "sla_breach");
  EXPECT_EQ(breached->recipients, std::vector<std::string>{"p-am"});

  const v1::Case after = service_->GetCase(TestSystem(), c.name()).value();
  EXPECT_EQ(ProtoToMillis(after.escalate_time()), Utc(2026, 12, 8, 16));
  ASSERT_EQ(History(c, kBreachAction).size(), 1u);
  EXPECT_NE(History(c, kBreachAction)[0].detail().find("first response"), std::string::npos);
}

TEST_F(SlaSweeperTest, EachLevelFiresOnceToItsTargetAndIsRecordedWithIt) {
  At(Utc(2026, 12, 2, 9));
  const v1::Case c = OpenComplaint("fb-1");
  clocks_->Start(c.id(), kFirstResponseClock, "complaint", Utc(2026, 12, 2, 9));
  // Warnings at 15:00; due Wednesday 17:00; level 2 four business hours
  // later (Thursday 12:00), level 3 eight (Thursday 16:00).
  EXPECT_EQ(SweepAt(Utc(2026, 12, 2, 15)).warnings, 2);
  EXPECT_EQ(SweepAt(Utc(2026, 12, 2, 17)).fired,
            (std::vector<std::string>{c.id() + ":first_response:breach",
                                      c.id() + ":first_response:level:1"}));
  EXPECT_EQ(SweepAt(Utc(2026, 12, 2, 23)).escalations, 0) << "the night is not business time";
  EXPECT_EQ(SweepAt(Utc(2026, 12, 3, 11, 59)).escalations, 0);
  EXPECT_EQ(SweepAt(Utc(2026, 12, 3, 12)).fired,
            std::vector<std::string>{c.id() + ":first_response:level:2"});
  EXPECT_EQ(SweepAt(Utc(2026, 12, 3, 16)).fired,
            std::vector<std::string>{c.id() + ":first_response:level:3"});
  // Nothing is left on this clock: it leaves the index.
  EXPECT_EQ(sla_store_->LoadClock({c.id(), kFirstResponseClock}).value()->next_check_ms, std::nullopt);
  EXPECT_TRUE(SweepAt(Utc(2026, 12, 10, 9)).fired.empty());

  const auto levels = History(c, kEscalationAction);
  ASSERT_EQ(levels.size(), 3u);
  EXPECT_NE(levels[0].detail().find("level 1 (manager) to p-lead-cs"), std::string::npos)
      << levels[0].detail();
  EXPECT_NE(levels[1].detail().find("level 2 (manager_of_manager) to p-head-cs"), std::string::npos)
      << levels[1].detail();
  EXPECT_NE(levels[2].detail().find("level 3 (person:p-ceo) to p-ceo"), std::string::npos)
      << levels[2].detail();
  for (int level = 1; level <= 3; ++level) {
    const Notification* n =
        SentWithId("sla:" + c.id() + ":first_response:level:" + std::to_string(level));
    ASSERT_NE(n, nullptr) << level;
    EXPECT_EQ(n->kind, "escalation");
    EXPECT_EQ(n->params.at("level"), std::to_string(level));
    EXPECT_EQ(n->params.at("target_person"), n->recipients.at(0));
  }
  // warn x2, breach, level x3: each once.
  EXPECT_EQ(notifier_.sent().size(), 6u);
}

TEST_F(SlaSweeperTest, AcknowledgementStopsTheFirstResponseChainNotTheResolutionOne) {
  At(Utc(2026, 12, 2, 9));
  const v1::Case c = OpenComplaint("fb-1");
  clocks_->Start(c.id(), kFirstResponseClock, "complaint", Utc(2026, 12, 2, 9));
  clocks_->Start(c.id(), kResolutionClock, "complaint", Utc(2026, 12, 2, 9));
  EXPECT_EQ(SweepAt(Utc(2026, 12, 2, 17)).escalations, 1);
  // Acknowledged at 18:00 (clocks meets the first-response clock).
  clocks_->Meet(c.id(), kFirstResponseClock, Utc(2026, 12, 2, 18));
  // Thursday 16:00: first response's levels 2 and 3 would be due, and the
  // resolution clock breaches (16 h: Wednesday 9 h + Thursday 7 h).
  const SweepReport thursday = SweepAt(Utc(2026, 12, 3, 16));
  for (const std::string& fired : thursday.fired) {
    EXPECT_EQ(fired.find(":first_response:"), std::string::npos) << fired;
  }
  EXPECT_EQ(thursday.breaches, 1);
  EXPECT_EQ(thursday.escalations, 1) << "the resolution clock's level 1";
  EXPECT_EQ(SentWithId("sla:" + c.id() + ":first_response:level:2"), nullptr);
  EXPECT_NE(SentWithId("sla:" + c.id() + ":resolution:level:1"), nullptr);
}

TEST_F(SlaSweeperTest, ResolutionStopsTheResolutionChain) {
  At(Utc(2026, 12, 2, 9));
  const v1::Case c = OpenComplaint("fb-1");
  clocks_->Start(c.id(), kResolutionClock, "complaint", Utc(2026, 12, 2, 9));
  EXPECT_EQ(SweepAt(Utc(2026, 12, 3, 16)).escalations, 1);

  v1::ResolveCaseRequest resolve;
  resolve.set_name(c.name());
  resolve.set_resolution_note("refunded the shipping");
  At(Utc(2026, 12, 3, 17));
  ASSERT_TRUE(service_->ResolveCase(TestSystem(), resolve).ok());
  clocks_->Meet(c.id(), kResolutionClock, Utc(2026, 12, 3, 17));

  EXPECT_TRUE(SweepAt(Utc(2026, 12, 10, 9)).fired.empty());
  EXPECT_EQ(History(c, kEscalationAction).size(), 1u);
}

TEST_F(SlaSweeperTest, AResolvedCaseWhoseClockWasLeftRunningIsNotEscalated) {
  At(Utc(2026, 12, 2, 9));
  const v1::Case c = OpenComplaint("fb-1");
  clocks_->Start(c.id(), kResolutionClock, "complaint", Utc(2026, 12, 2, 9));
  v1::ResolveCaseRequest resolve;
  resolve.set_name(c.name());
  resolve.set_resolution_note("done");
  ASSERT_TRUE(service_->ResolveCase(TestSystem(), resolve).ok());
  EXPECT_TRUE(SweepAt(Utc(2026, 12, 10, 9)).fired.empty());
  EXPECT_EQ(sla_store_->LoadClock({c.id(), kResolutionClock}).value()->next_check_ms, std::nullopt);
}

TEST_F(SlaSweeperTest, AReassignmentReTargetsTheLevelsNotFiredYet) {
  At(Utc(2026, 12, 2, 9));
  const v1::Case c = OpenComplaint("fb-1");
  clocks_->Start(c.id(), kFirstResponseClock, "complaint", Utc(2026, 12, 2, 9));
  SweepAt(Utc(2026, 12, 2, 17));
  ASSERT_NE(SentWithId("sla:" + c.id() + ":first_response:level:1"), nullptr);
  EXPECT_EQ(SentWithId("sla:" + c.id() + ":first_response:level:1")->recipients,
            std::vector<std::string>{"p-lead-cs"});

  v1::ReassignCaseRequest reassign;
  reassign.set_name(c.name());
  reassign.mutable_owner()->set_department("logistics");
  reassign.mutable_owner()->set_person("p-driver");
  reassign.set_reason("a carrier problem");
  ASSERT_TRUE(service_->ReassignCase(TestSystem(), reassign).ok());

  SweepAt(Utc(2026, 12, 3, 16));
  const Notification* level2 = SentWithId("sla:" + c.id() + ":first_response:level:2");
  ASSERT_NE(level2, nullptr);
  EXPECT_EQ(level2->recipients, std::vector<std::string>{"p-head-log"})
      << "the new owner's manager's manager";
  EXPECT_EQ(level2->department, "logistics");
  const auto levels = History(c, kEscalationAction);
  ASSERT_EQ(levels.size(), 3u);
  EXPECT_NE(levels[1].detail().find("to p-head-log, for owner logistics/p-driver"), std::string::npos)
      << levels[1].detail();
  EXPECT_EQ(levels.front().detail().find("p-head-log"), std::string::npos)
      << "a fired level keeps the target it had";
}

TEST_F(SlaSweeperTest, ASweepLateAfterTheBreachSkipsTheWarningsAndFiresTheBreachOnce) {
  At(Utc(2026, 12, 2, 9));
  const v1::Case c = OpenComplaint("fb-1");
  clocks_->Start(c.id(), kFirstResponseClock, "complaint", Utc(2026, 12, 2, 9));
  // The tracking service was down all afternoon.
  const SweepReport late = SweepAt(Utc(2026, 12, 2, 17, 30));
  EXPECT_EQ(late.warnings, 0) << "a warning after the breach would say 'soon' of the past";
  EXPECT_EQ(late.breaches, 1);
  EXPECT_EQ(late.escalations, 1);
  EXPECT_EQ(sla_store_->FiredPoints({c.id(), kFirstResponseClock}).value(),
            (std::set<std::string>{"warn:75pct", "warn:2h-before", "breach", "level:1"}));
  EXPECT_TRUE(History(c, kWarningAction).empty());
  EXPECT_EQ(notifier_.sent().size(), 2u);
}

TEST_F(SlaSweeperTest, ARestartBetweenFireAndNotifySendsTheNotificationOnceWithItsId) {
  At(Utc(2026, 12, 2, 9));
  const v1::Case c = OpenComplaint("fb-1");
  const ClockRow row = clocks_->Start(c.id(), kFirstResponseClock, "complaint", Utc(2026, 12, 2, 9));
  // What a sweeper does before it dies: the point's transaction commits (the
  // claim to send is taken), the process is killed before Send.
  PointFiring firing;
  firing.key = {c.id(), kFirstResponseClock};
  firing.expected_next_check_ms = *row.next_check_ms;
  firing.expected_due_ms = *row.due_ms;
  firing.next_check_ms = Utc(2026, 12, 2, 17);
  firing.point = "warn:75pct";
  firing.fired_ms = Utc(2026, 12, 2, 15);
  firing.target = "p-am";
  firing.history = HistoryRecord{firing.fired_ms, "system:sla-sweeper", kWarningAction, "warning"};
  ASSERT_EQ(sla_store_->FirePoint(firing).value(), FireOutcome::kFired);
  // A second fire of the same point (another replica) does not win.
  firing.expected_next_check_ms = Utc(2026, 12, 2, 17);
  ASSERT_EQ(sla_store_->FirePoint(firing).value(), FireOutcome::kAlreadyFired);

  // The restarted process: inside the lease the claim is the dead sender's.
  TrackingStore store_after_restart(*db_);
  SlaStore sla_store_after_restart(*db_);
  auto restarted = MakeSweeper(sla_store_after_restart, store_after_restart);
  At(Utc(2026, 12, 2, 15, 5));
  ASSERT_TRUE(restarted->SweepOnce().ok());
  EXPECT_TRUE(notifier_.sent().empty());
  // After the lease it is sent, once, with the point's stable id.
  At(Utc(2026, 12, 2, 15) + 11 * kMinuteMs);
  const SweepReport retried = restarted->SweepOnce().value();
  EXPECT_EQ(retried.notifications_sent, 1);
  EXPECT_TRUE(retried.fired.empty()) << "not fired again";
  At(Utc(2026, 12, 2, 16));
  ASSERT_TRUE(restarted->SweepOnce().ok());
  EXPECT_EQ(SentIds(), std::vector<std::string>{"sla:" + c.id() + ":first_response:warn:75pct"});
  EXPECT_EQ(notifier_.sent()[0].recipients, std::vector<std::string>{"p-am"});
  EXPECT_EQ(History(c, kWarningAction).size(), 1u);
}

TEST_F(SlaSweeperTest, AFailedNotificationIsRetriedNextSweepWithoutFiringAgain) {
  At(Utc(2026, 12, 2, 9));
  const v1::Case c = OpenComplaint("fb-1");
  clocks_->Start(c.id(), kFirstResponseClock, "complaint", Utc(2026, 12, 2, 9));
  notifier_.set_failing(true);
  SweepReport report = SweepAt(Utc(2026, 12, 2, 17));
  EXPECT_EQ(report.breaches, 1);
  EXPECT_EQ(report.notifications_failed, 2);
  EXPECT_TRUE(notifier_.sent().empty());

  notifier_.set_failing(false);
  report = SweepAt(Utc(2026, 12, 2, 17, 1));
  EXPECT_TRUE(report.fired.empty()) << "the points were already fired";
  EXPECT_EQ(report.notifications_sent, 2);
  SweepAt(Utc(2026, 12, 2, 17, 2));
  EXPECT_EQ(notifier_.sent().size(), 2u) << "delivered notifications are not repeated";
  EXPECT_EQ(History(c, kEscalationAction).size(), 1u);
}

TEST_F(SlaSweeperTest, AClockChangedAfterTheSweepReadItIsNotFired) {
  At(Utc(2026, 12, 2, 9));
  const v1::Case c = OpenComplaint("fb-1");
  const ClockRow row = clocks_->Start(c.id(), kFirstResponseClock, "complaint", Utc(2026, 12, 2, 9));
  clocks_->Meet(c.id(), kFirstResponseClock, Utc(2026, 12, 2, 14));
  PointFiring firing;
  firing.key = {c.id(), kFirstResponseClock};
  firing.expected_next_check_ms = *row.next_check_ms;
  firing.expected_due_ms = *row.due_ms;
  firing.point = "warn:75pct";
  firing.fired_ms = Utc(2026, 12, 2, 15);
  EXPECT_EQ(sla_store_->FirePoint(firing).value(), FireOutcome::kClockMoved);
  EXPECT_TRUE(sla_store_->FiredPoints(firing.key).value().empty());
}

TEST_F(SlaSweeperTest, ConcurrentSweepsFireEachPointOnce) {
  At(Utc(2026, 12, 2, 9));
  std::vector<v1::Case> cases;
  for (int i = 0; i < 10; ++i) {
    cases.push_back(OpenComplaint("fb-" + std::to_string(i)));
    clocks_->Start(cases.back().id(), kFirstResponseClock, "complaint", Utc(2026, 12, 2, 9));
  }
  // Two sweepers sharing nothing but the database, as two replicas would,
  // through the afternoon and the next day.
  TrackingStore other_store(*db_);
  SlaStore other_sla_store(*db_);
  auto a = MakeSweeper(*sla_store_, *store_);
  auto b = MakeSweeper(other_sla_store, other_store);
  for (sla::TimeMs t : {Utc(2026, 12, 2, 15), Utc(2026, 12, 2, 17), Utc(2026, 12, 3, 12),
                        Utc(2026, 12, 3, 16)}) {
    At(t);
    std::thread ta([&] { ASSERT_TRUE(a->SweepOnce().ok()); });
    std::thread tb([&] { ASSERT_TRUE(b->SweepOnce().ok()); });
    ta.join();
    tb.join();
  }
  const std::vector<std::string> ids = SentIds();
  EXPECT_EQ(ids.size(), 10u * 6) << "2 warnings, breach, 3 levels per case";
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  for (const v1::Case& c : cases) EXPECT_EQ(History(c, kEscalationAction).size(), 3u);
}

TEST_F(SlaSweeperTest, TheDetractorCallbackEscalatesOnceAfterTwentyFourHoursRoundTheClock) {
  At(Utc(2026, 12, 5, 10));  // a Saturday: 24x7
  const v1::Case c = Created(CallbackRequest("fb-1", FromMillis(Utc(2026, 12, 5, 10))));
  clocks_->Start(c.id(), kFirstResponseClock, "detractor_callback", Utc(2026, 12, 5, 10));
  EXPECT_TRUE(SweepAt(Utc(2026, 12, 6, 9, 59)).fired.empty());
  const SweepReport report = SweepAt(Utc(2026, 12, 6, 11));
  EXPECT_EQ(report.escalated_cases, std::vector<std::string>{c.name()});
  EXPECT_EQ(report.overdue_count, 1);
  EXPECT_TRUE(SweepAt(Utc(2026, 12, 6, 12)).fired.empty());
  const Notification* level1 = SentWithId("sla:" + c.id() + ":first_response:level:1");
  ASSERT_NE(level1, nullptr);
  EXPECT_EQ(level1->recipients, std::vector<std::string>{"p-lead-cs"}) << "p-am's manager";
  EXPECT_EQ(History(c, kEscalationAction).size(), 1u);
  EXPECT_EQ(History(c, kEscalationAction)[0].actor(), "system:sla-sweeper");
}

TEST_F(SlaSweeperTest, ADepartmentOwnedCaseEscalatesToTheHead) {
  At(Utc(2026, 12, 5, 10));
  v1::CreateCaseRequest req = CallbackRequest("fb-1", FromMillis(Utc(2026, 12, 5, 10)));
  req.mutable_case_()->mutable_owners(0)->clear_person();
  const v1::Case c = Created(req);
  clocks_->Start(c.id(), kFirstResponseClock, "detractor_callback", Utc(2026, 12, 5, 10));
  SweepAt(Utc(2026, 12, 6, 11));
  ASSERT_NE(SentWithId("sla:" + c.id() + ":first_response:level:1"), nullptr);
  EXPECT_EQ(SentWithId("sla:" + c.id() + ":first_response:level:1")->recipients,
            std::vector<std::string>{"p-head-cs"});
  EXPECT_EQ(SentWithId("sla:" + c.id() + ":first_response:breach")->recipients,
            std::vector<std::string>{"p-head-cs"})
      << "a department-wide owner is told through its head";
}

TEST_F(SlaSweeperTest, AnUnknownCalendarCountsWallTimeAsClocksDoes) {
  At(Utc(2026, 12, 2, 9));
  const v1::Case c = OpenComplaint("fb-1");
  clocks_->Start(c.id(), kFirstResponseClock, "complaint", Utc(2026, 12, 2, 9));
  db_->WithSession([&](soci::session& s) {
    s << "UPDATE case_clocks SET calendar_id = 'gone' WHERE case_id = :c", soci::use(c.id());
  });
  // Due 17:00 as stored; 75 % of 8 h leaves 2 h of wall time: 15:00.
  EXPECT_EQ(SweepAt(Utc(2026, 12, 2, 15)).warnings, 2);
  EXPECT_EQ(SweepAt(Utc(2026, 12, 2, 17)).breaches, 1);
}

TEST_F(SlaSweeperTest, ACaseNoPolicyMatchesStillBreachesAndEscalatesOnceToTheManager) {
  At(Utc(2026, 12, 2, 9));
  v1::CreateCaseRequest req = CallbackRequest("fb-1", FromMillis(Utc(2026, 12, 2, 9)));
  req.mutable_case_()->set_kind(v1::CASE_KIND_RED_LINE);  // the test policies have none
  const v1::Case c = Created(req);
  clocks_->Start(c.id(), kFirstResponseClock, "detractor_callback", Utc(2026, 12, 2, 9));
  const SweepReport report = SweepAt(Utc(2026, 12, 3, 10));
  EXPECT_EQ(report.fired, (std::vector<std::string>{c.id() + ":first_response:breach",
                                                    c.id() + ":first_response:level:1"}));
  EXPECT_EQ(SentWithId("sla:" + c.id() + ":first_response:level:1")->recipients,
            std::vector<std::string>{"p-lead-cs"});
  EXPECT_TRUE(SweepAt(Utc(2026, 12, 5, 10)).fired.empty());
}

// The same promise with the shipped policy file and its China office
// calendar (Asia/Shanghai, 09:00-12:00 and 13:00-18:00, holiday files): a
// complaint opened Friday 2026-12-04 17:00 Beijing time (09:00 UTC) with
// the 8-business-hour first-response target breaches on Monday 17:00
// Beijing time (1 h Friday, 3 h + 4 h Monday), not at 01:00 on Saturday.
TEST_F(SlaSweeperTest, TheShippedOfficeCalendarBreachesAFridayComplaintOnMondayAfternoon) {
  auto shipped = sla::LoadSlaPolicies("config/sla_policies.yaml");
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  std::shared_ptr<const sla::SlaPolicies> policies = *std::move(shipped);
  SlaSweeper sweeper(*sla_store_, *store_, clock_, notifier_, directory_,
                     [policies] { return policies; });
  ClockWriter clocks(*db_, *policies);
  const sla::TimeMs opened = Utc(2026, 12, 4, 9);  // Friday 17:00 in Beijing
  At(opened);
  const v1::Case c = OpenComplaint("fb-1");
  const ClockRow row = clocks.Start(c.id(), kFirstResponseClock, "complaint", opened);
  EXPECT_EQ(*row.due_ms, Utc(2026, 12, 7, 9));  // Monday 17:00 in Beijing

  auto sweep_at = [&](sla::TimeMs t) {
    At(t);
    return sweeper.SweepOnce().value();
  };
  EXPECT_TRUE(sweep_at(Utc(2026, 12, 4, 17)).fired.empty()) << "Saturday 01:00 in Beijing";
  // 75 % (6 h used) and 2 h before both fall on Monday 15:00 Beijing.
  EXPECT_EQ(sweep_at(Utc(2026, 12, 7, 7)).warnings, 2);
  EXPECT_EQ(sweep_at(Utc(2026, 12, 7, 8, 59)).breaches, 0);
  const SweepReport breach = sweep_at(Utc(2026, 12, 7, 9));
  EXPECT_EQ(breach.fired, (std::vector<std::string>{c.id() + ":first_response:breach",
                                                    c.id() + ":first_response:level:1"}));
  // Level 2, 4 business hours on: Monday 17-18 and Tuesday 09-12 Beijing.
  EXPECT_TRUE(sweep_at(Utc(2026, 12, 8, 3, 59)).fired.empty());
  EXPECT_EQ(sweep_at(Utc(2026, 12, 8, 4)).fired,
            std::vector<std::string>{c.id() + ":first_response:level:2"});
  // Level 3, 16 business hours on: Wednesday 17:00 Beijing, to the COO.
  EXPECT_EQ(sweep_at(Utc(2026, 12, 9, 9)).fired,
            std::vector<std::string>{c.id() + ":first_response:level:3"});
  EXPECT_EQ(SentWithId("sla:" + c.id() + ":first_response:level:3")->recipients,
            std::vector<std::string>{"p-zhao-min"});
  EXPECT_TRUE(sweep_at(Utc(2026, 12, 14, 9)).fired.empty()) << "each once";
}

TEST(SlaTargetsTest, LevelTargetsFollowTheChain) {
  const auto dir = org::OrgDirectory::Parse(sla_test::kChainDirectoryYaml).value();
  SlaCaseInfo info;
  info.owners = {{"customer_success", "p-am"}};
  EXPECT_EQ(LevelTarget("manager", info, dir), "p-lead-cs");
  EXPECT_EQ(LevelTarget("manager_of_manager", info, dir), "p-head-cs");
  EXPECT_EQ(LevelTarget("department_head", info, dir), "p-head-cs");
  EXPECT_EQ(LevelTarget("person:p-ceo", info, dir), "p-ceo");
  EXPECT_EQ(LevelTarget("nonsense", info, dir), "");
  info.owners = {{"customer_success", ""}};
  EXPECT_EQ(LevelTarget("manager", info, dir), "p-head-cs");
  EXPECT_EQ(LevelTarget("manager_of_manager", info, dir), "p-ceo");
  info.owners = {{"logistics", "p-driver"}, {"customer_success", ""}};
  EXPECT_EQ(OwnerRecipients(info, dir), (std::vector<std::string>{"p-driver", "p-head-cs"}));
}

TEST(SlaTargetsTest, LevelTargetsSkipAnInactiveManagerUpTheChain) {
  // p-lead-cs has left (active: false) and so has the logistics head.
  const auto dir = org::OrgDirectory::Parse(R"(
departments:
  - {id: customer_success, head: p-head-cs}
  - {id: logistics, head: p-head-log}
  - {id: executive, head: p-ceo}
people:
  - {id: p-ceo, department: executive}
  - {id: p-head-cs, department: customer_success, manager: p-ceo}
  - {id: p-lead-cs, department: customer_success, manager: p-head-cs, active: false}
  - {id: p-am, department: customer_success, manager: p-lead-cs}
  - {id: p-head-log, department: logistics, manager: p-ceo, active: false}
  - {id: p-driver, department: logistics, manager: p-head-log}
)").value();
  SlaCaseInfo info;
  info.owners = {{"customer_success", "p-am"}};
  EXPECT_EQ(LevelTarget("manager", info, dir), "p-head-cs") << "p-lead-cs is skipped";
  EXPECT_EQ(LevelTarget("manager_of_manager", info, dir), "p-ceo");
  EXPECT_EQ(LevelTarget("person:p-lead-cs", info, dir), "p-head-cs");
  info.owners = {{"logistics", "p-driver"}};
  EXPECT_EQ(LevelTarget("manager", info, dir), "p-ceo");
  EXPECT_EQ(LevelTarget("department_head", info, dir), "p-ceo") << "the head is inactive";
  info.owners = {{"logistics", ""}};
  EXPECT_EQ(LevelTarget("manager", info, dir), "p-ceo");
}

TEST(SlaTargetsTest, PolicyKeyUsesTheEnumNamesWithoutPrefix) {
  SlaCaseInfo info;
  info.kind = v1::CASE_KIND_RED_LINE;
  info.priority = v1::PRIORITY_P1;
  info.owners = {{"legal", ""}};
  const sla::PolicyKey key = PolicyKeyOf(info);
  EXPECT_EQ(key.kind, "red_line");
  EXPECT_EQ(key.priority, "p1");
  EXPECT_EQ(key.department, "legal");
}

TEST_F(SlaSweeperTest, ASweepDuringADatabaseOutageFailsUnavailableAndTheNextOneFiresOnce) {
  At(Utc(2026, 12, 5, 10));
  const v1::Case c = Created(CallbackRequest("fb-1", FromMillis(Utc(2026, 12, 5, 10))));
  clocks_->Start(c.id(), kFirstResponseClock, "detractor_callback", Utc(2026, 12, 5, 10));
  At(Utc(2026, 12, 6, 11));
  // The sweeper's own connection gives up on a lock after 50 ms.
  auto opened_db = storage::Database::Open("sqlite3://" + dir_.path() + "/tracking.db", 1);
  ASSERT_TRUE(opened_db.ok()) << opened_db.status();
  auto db = *std::move(opened_db);
  db->WithSession([](soci::session& s) { s << "PRAGMA busy_timeout=50"; });
  TrackingStore store(*db);
  SlaStore sla_store(*db);
  auto sweeper = MakeSweeper(sla_store, store);
  {
    // Another connection holds the write lock.
    soci::session blocker(soci::sqlite3, "db=" + dir_.path() + "/tracking.db");
    blocker << "BEGIN EXCLUSIVE";
    const auto failed = sweeper->SweepOnce();
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << failed.status();
    blocker << "ROLLBACK";
  }
  EXPECT_TRUE(notifier_.sent().empty());
  const SweepReport report = sweeper->SweepOnce().value();
  EXPECT_EQ(report.escalated_cases, std::vector<std::string>{c.name()});
  EXPECT_TRUE(sweeper->SweepOnce().value().fired.empty());
  EXPECT_EQ(notifier_.sent().size(), 2u) << "breach and level 1, once";
}

}  // namespace
}  // namespace voc::tracking
