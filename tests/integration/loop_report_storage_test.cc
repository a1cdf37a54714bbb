// GetLoopReport (issue 12) on both backends it must run on: SQLite (a temp
// file) and a real PostgreSQL started for the test. Cases are opened,
// acknowledged, called back and resolved through TrackingService at known
// moments of a FakeClock on the tests' working-hours calendar (Mon-Fri
// 09:00-18:00 UTC), the SLA sweeper records breaches and escalations, and
// the report's figures are compared with values worked out by hand below.
#include <gtest/gtest.h>

#include <absl/strings/match.h>
#include <google/protobuf/util/message_differencer.h>

#include <memory>
#include <string>

#include "common/storage/rows.h"
#include "common/util/time.h"
#include "services/tracking/loop_reporter.h"
#include "services/tracking/sla_policy_source.h"
#include "services/tracking/sla_sweeper.h"
#include "services/tracking/store/histogram_text.h"
#include "services/tracking/store/loop_report_store.h"
#include "services/tracking/store/loop_rollup_store.h"
#include "services/tracking/store/migrations.h"
#include "services/tracking/store/sla_store.h"
#include "services/tracking/store/tracking_store.h"
#include "services/tracking/tracking_service.h"
#include "tests/support/recording_notifier.h"
#include "tests/support/servers.h"
#include "tests/unit/tracking/sla_test_support.h"
#include "tests/unit/tracking/test_callers.h"

namespace voc::tracking {
namespace {

using sla_test::kHourMs;
using sla_test::kMinuteMs;
using sla_test::Utc;

enum class Backend { kSqlite, kPostgres };

constexpr int kUtc8 = 480;  // the report offset, the default

std::int64_t Ms(const google::protobuf::Duration& d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(FromProto(d)).count();
}
// What a percentile reports for an exact duration: its histogram bucket's
// middle (reports.proto, DurationFigures; the bucket rules are unit-tested).
std::int64_t Mid(std::int64_t ms) { return DurationBucketMidpoint(DurationBucket(ms)); }

class LoopReportStorageTest : public ::testing::TestWithParam<Backend> {
 protected:
  static void TearDownTestSuite() { postgres_.reset(); }

  void SetUp() override {
    std::string url;
    if (GetParam() == Backend::kPostgres) {
      if (!::voc::testing::PostgresServer::Available()) {
        GTEST_SKIP() << "PostgreSQL server binaries not installed";
      }
      if (!postgres_) postgres_ = std::make_unique<::voc::testing::PostgresServer>();
      const std::string dbname = "loop_report_" + std::to_string(++database_counter_);
      postgres_->CreateDatabase(dbname);
      url = postgres_->Url(dbname);
    } else {
      url = "sqlite3://" + dir_.path() + "/tracking.db";
    }
    db_ = storage::Database::Open(url, 4).value();
    const absl::StatusOr<int> version = db_->Migrate("tracking", TrackingMigrations());
    ASSERT_TRUE(version.ok()) << version.status();
    ASSERT_GE(*version, 8);  // 6: the loop report's index; 8: its roll-up
    policies_ = sla_test::TestPolicies();
    policy_source_ = std::make_unique<SlaPolicySource>(policies_);
    directory_ = std::make_shared<const org::OrgDirectory>(
        org::OrgDirectory::Parse(sla_test::kChainDirectoryYaml).value());
    store_ = std::make_unique<TrackingStore>(*db_);
    service_ = std::make_unique<TrackingService>(*store_, clock_, nullptr, policy_source_.get());
    sla_store_ = std::make_unique<SlaStore>(*db_);
    sweeper_ = std::make_unique<SlaSweeper>(*sla_store_, *store_, clock_, notifier_, directory_,
                                            [this] { return policies_; });
    loop_store_ = std::make_unique<LoopReportStore>(*db_);
    rollup_ = std::make_unique<LoopRollupStore>(*db_, clock_, kUtc8);
    reporter_ = std::make_unique<LoopReporter>(*loop_store_, *rollup_, clock_);
  }

  void At(sla::TimeMs t) { clock_.Set(FromMillis(t)); }

  v1::Case Open(const std::string& id, v1::CaseKind kind, const std::string& department,
                const std::string& person, sla::TimeMs at) {
    At(at);
    v1::CreateCaseRequest req;
    req.set_request_id("loop:" + id);
    v1::Case* c = req.mutable_case_();
    c->set_kind(kind);
    c->set_feedback_id(id);
    c->set_customer_id("c-" + id);
    c->set_priority(v1::PRIORITY_P2);
    auto* owner = c->add_owners();
    owner->set_department(department);
    owner->set_person(person);
    auto made = service_->CreateCase(TestSystem(), req);
    EXPECT_TRUE(made.ok()) << made.status();
    return made.value_or(v1::Case());
  }
  void Ack(const v1::Case& c, sla::TimeMs at) {
    At(at);
    v1::AcknowledgeCaseRequest req;
    req.set_name(c.name());
    ASSERT_TRUE(service_->AcknowledgeCase(TestSystem(), req).ok());
  }
  void CallBack(const v1::Case& c, bool reached, sla::TimeMs at) {
    At(at);
    v1::LogCallbackRequest req;
    req.set_name(c.name());
    req.set_reached(reached);
    ASSERT_TRUE(service_->LogCallback(TestSystem(), req).ok());
  }
  void Resolve(const v1::Case& c, sla::TimeMs at) {
    At(at);
    v1::ResolveCaseRequest req;
    req.set_name(c.name());
    req.set_resolution_note("fixed");
    ASSERT_TRUE(service_->ResolveCase(TestSystem(), req).ok());
  }
  int EscalationsInHistory(const v1::Case& c) {
    int n = 0;
    const v1::Case got = service_->GetCase(TestSystem(), c.name()).value();
    for (const auto& h : got.history()) {
      n += h.action() == "escalated";
    }
    return n;
  }

  v1::LoopReport Report(const std::string& start_day, const std::string& end_day,
                        const std::string& department = "",
                        v1::CaseKind kind = v1::CASE_KIND_UNSPECIFIED) {
    v1::GetLoopReportRequest req;
    req.set_start_day(start_day);
    req.set_end_day(end_day);
    req.set_department(department);
    req.set_kind(kind);
    // The roll-up follows the cases one refresh behind: the service runs one
    // every sweep interval, the test before each report.
    const auto refreshed = rollup_->RefreshAll();
    EXPECT_TRUE(refreshed.ok()) << refreshed.status();
    auto report = reporter_->GetLoopReport(TestSystem(), req);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.value_or(v1::LoopReport());
  }

  std::string OpenSums();

  // The week of Monday 2026-12-14 (the tests' holiday is the 7th). The
  // report's days are at UTC+8: local 2026-12-14 starts 2026-12-13 16:00 UTC.
  void OpenTheWeek() {
    // Just before local 2026-12-14: not in a range starting that day.
    Open("b0", v1::CASE_KIND_COMPLAINT, "logistics", "p-driver", Utc(2026, 12, 13, 16) - 1);
    // Exactly local 00:00 on the 14th (a Sunday: its clocks start Monday
    // 09:00 UTC); never answered.
    b1_ = Open("b1", v1::CASE_KIND_COMPLAINT, "logistics", "p-driver", Utc(2026, 12, 13, 16));
    d1_ = Open("d1", v1::CASE_KIND_DETRACTOR_CALLBACK, "customer_success", "p-am", Utc(2026, 12, 14, 8));
    c1_ = Open("c1", v1::CASE_KIND_COMPLAINT, "logistics", "p-driver", Utc(2026, 12, 14, 9));
    c2_ = Open("c2", v1::CASE_KIND_COMPLAINT, "logistics", "p-driver", Utc(2026, 12, 14, 10));
    Ack(c1_, Utc(2026, 12, 14, 11));  // 2 business hours
    d2_ = Open("d2", v1::CASE_KIND_DETRACTOR_CALLBACK, "customer_success", "p-am", Utc(2026, 12, 15, 0));
    // d1 called exactly 24 h after opening (not reached: its resolution
    // pauses), then reached an hour later (resumes).
    CallBack(d1_, false, Utc(2026, 12, 15, 8));
    CallBack(d1_, true, Utc(2026, 12, 15, 9));
    // c1 resolved: Monday 09-18 (9 h) + Tuesday 09-10 (1 h) = 10 business hours.
    Resolve(c1_, Utc(2026, 12, 15, 10));
    // The sweep at Tuesday 11:00: b1's first response (due Monday 17:00) and
    // c2's (due Tuesday 10:00) are breached, each escalated to level 1.
    At(Utc(2026, 12, 15, 11));
    ASSERT_TRUE(sweeper_->SweepOnce().ok());
    // c2 answered late: Monday 10-18 (8 h) + Tuesday 09-12 (3 h) = 11 h.
    Ack(c2_, Utc(2026, 12, 15, 12));
    // d2 called back 24 h and a minute after opening, reached.
    CallBack(d2_, true, Utc(2026, 12, 16, 0, 1));
    // d1 resolved: 24 h used before its pause, 23 h after = 47 h (24x7).
    Resolve(d1_, Utc(2026, 12, 16, 8));
    c3_ = Open("c3", v1::CASE_KIND_COMPLAINT, "app_engineering", "", Utc(2026, 12, 16, 9));
    Ack(c3_, Utc(2026, 12, 16, 9, 30));
    d3_ = Open("d3", v1::CASE_KIND_DETRACTOR_CALLBACK, "customer_success", "p-am", Utc(2026, 12, 17, 6));
    // Now: Thursday 12:00 UTC (20:00 local), inside the range's last day.
    At(Utc(2026, 12, 17, 12));
  }

  static std::unique_ptr<::voc::testing::PostgresServer> postgres_;
  static int database_counter_;
  ::voc::testing::TempDir dir_;
  FakeClock clock_{FromMillis(Utc(2026, 12, 13, 12))};
  voc::testing::RecordingNotifier notifier_;
  std::unique_ptr<storage::Database> db_;
  std::shared_ptr<sla_test::FakePolicies> policies_;
  std::unique_ptr<SlaPolicySource> policy_source_;
  std::shared_ptr<const org::OrgDirectory> directory_;
  std::unique_ptr<TrackingStore> store_;
  std::unique_ptr<TrackingService> service_;
  std::unique_ptr<SlaStore> sla_store_;
  std::unique_ptr<SlaSweeper> sweeper_;
  std::unique_ptr<LoopReportStore> loop_store_;
  std::unique_ptr<LoopRollupStore> rollup_;
  std::unique_ptr<LoopReporter> reporter_;
  v1::Case b1_, c1_, c2_, c3_, d1_, d2_, d3_;
};

std::unique_ptr<::voc::testing::PostgresServer> LoopReportStorageTest::postgres_;
int LoopReportStorageTest::database_counter_ = 0;

TEST_P(LoopReportStorageTest, TheWeeksFiguresAreThoseWorkedOutByHand) {
  OpenTheWeek();
  // The sweep's escalations as the cases' own histories hold them.
  ASSERT_EQ(EscalationsInHistory(b1_), 1);
  ASSERT_EQ(EscalationsInHistory(c2_), 1);

  const v1::LoopReport r = Report("2026-12-14", "2026-12-17");
  EXPECT_EQ(r.as_of_day(), "2026-12-17");
  EXPECT_EQ(r.utc_offset_minutes(), 480);
  ASSERT_EQ(r.rows_size(), 3);

  const v1::LoopFigures& app = r.rows(0);
  EXPECT_EQ(app.department(), "app_engineering");
  EXPECT_EQ(app.kind(), v1::CASE_KIND_COMPLAINT);
  EXPECT_EQ(app.opened(), 1);
  EXPECT_EQ(app.resolved(), 0);
  EXPECT_EQ(app.first_response().due(), 1);
  EXPECT_EQ(app.first_response().met(), 1);
  EXPECT_EQ(Ms(app.first_response().used().median()), Mid(30 * kMinuteMs));
  // Resolution due Thursday 16:00 (Wednesday 9 h + Thursday 7 h): not yet.
  EXPECT_EQ(app.resolution().due(), 0);

  const v1::LoopFigures& cs = r.rows(1);
  EXPECT_EQ(cs.department(), "customer_success");
  EXPECT_EQ(cs.kind(), v1::CASE_KIND_DETRACTOR_CALLBACK);
  EXPECT_EQ(cs.opened(), 3);
  EXPECT_EQ(cs.resolved(), 1);
  // d1 met at exactly its 24 h, d2 a minute late, d3 still running.
  EXPECT_EQ(cs.first_response().due(), 2);
  EXPECT_EQ(cs.first_response().met(), 1);
  EXPECT_DOUBLE_EQ(cs.first_response().met_share(), 0.5);
  EXPECT_EQ(cs.first_response().used().count(), 2);
  EXPECT_EQ(Ms(cs.first_response().used().median()), Mid(24 * kHourMs));
  EXPECT_EQ(Ms(cs.first_response().used().p90()), Mid(24 * kHourMs + kMinuteMs));
  EXPECT_EQ(cs.resolution().due(), 1);
  EXPECT_EQ(cs.resolution().met(), 1);
  EXPECT_EQ(Ms(cs.resolution().used().median()), Mid(47 * kHourMs));
  EXPECT_EQ(cs.breaches(), 0);
  EXPECT_EQ(cs.escalations(), 0);

  const v1::LoopFigures& log = r.rows(2);
  EXPECT_EQ(log.department(), "logistics");
  EXPECT_EQ(log.opened(), 3);  // b1 c1 c2; b0 is before the range
  EXPECT_EQ(log.resolved(), 1);
  // First response: b1 never (missed), c1 2 h, c2 11 h (late).
  EXPECT_EQ(log.first_response().due(), 3);
  EXPECT_EQ(log.first_response().met(), 1);
  EXPECT_DOUBLE_EQ(log.first_response().met_share(), 1.0 / 3.0);
  EXPECT_EQ(log.first_response().used().count(), 2);
  EXPECT_EQ(Ms(log.first_response().used().median()), Mid(2 * kHourMs));
  EXPECT_EQ(Ms(log.first_response().used().p90()), Mid(11 * kHourMs));
  // Resolution: c1 10 h; b1 (due Tuesday 16:00) and c2 (Tuesday 17:00) past due.
  EXPECT_EQ(log.resolution().due(), 3);
  EXPECT_EQ(log.resolution().met(), 1);
  EXPECT_EQ(log.resolution().used().count(), 1);
  EXPECT_EQ(Ms(log.resolution().used().median()), Mid(10 * kHourMs));
  EXPECT_EQ(log.breaches(), 2);
  EXPECT_EQ(log.escalations(), 2);

  // Open on local Thursday the 17th, in days since their opening day: d3
  // opened that day; c3 on the 16th, d2 the 15th; c2 and b1 the 14th.
  const std::vector<std::int64_t> backlog = {1, 2, 2, 0, 0};
  ASSERT_EQ(r.backlog_size(), 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(r.backlog(i).open(), backlog[i]) << r.backlog(i).label();

  // d1 within 24 h (exactly), d2 not, d3 still inside its 24 h.
  EXPECT_EQ(r.hot_loop().detractor_cases(), 3);
  EXPECT_EQ(r.hot_loop().called_back_within_24h(), 1);
  EXPECT_EQ(r.hot_loop().awaiting(), 1);
  EXPECT_DOUBLE_EQ(r.hot_loop().rate(), 0.5);
  EXPECT_EQ(r.hot_loop().reached(), 2);
  EXPECT_DOUBLE_EQ(r.hot_loop().reached_share(), 2.0 / 3.0);
}

TEST_P(LoopReportStorageTest, APastRangeIsAsOfItsEnd) {
  OpenTheWeek();
  // Local 2026-12-14 ends Monday 16:00 UTC: b1, d1, c1, c2 were opened by
  // then; only c1 had been acknowledged.
  const v1::LoopReport r = Report("2026-12-14", "2026-12-14");
  EXPECT_EQ(r.as_of_day(), "2026-12-14");
  ASSERT_EQ(r.rows_size(), 2);
  const v1::LoopFigures& log = r.rows(1);
  EXPECT_EQ(log.department(), "logistics");
  EXPECT_EQ(log.opened(), 3);
  EXPECT_EQ(log.resolved(), 0);
  EXPECT_EQ(log.first_response().due(), 1);  // b1 due 17:00, c2 Tuesday: pending
  EXPECT_EQ(log.first_response().met(), 1);
  EXPECT_EQ(log.resolution().due(), 0);
  EXPECT_EQ(log.breaches(), 0);     // recorded on Tuesday
  EXPECT_EQ(log.escalations(), 0);
  // Ages in days at the end of the 14th: all four were opened that day
  // (b1 at its first moment), so all are "<1d".
  EXPECT_EQ(r.backlog(0).open(), 4);
  EXPECT_EQ(r.backlog(1).open(), 0);
  EXPECT_EQ(r.hot_loop().detractor_cases(), 1);
  EXPECT_EQ(r.hot_loop().called_back_within_24h(), 0);
  EXPECT_EQ(r.hot_loop().awaiting(), 1);
  EXPECT_EQ(r.hot_loop().reached(), 0);
}

TEST_P(LoopReportStorageTest, DepartmentAndKindNarrowTheReport) {
  OpenTheWeek();
  const v1::LoopReport logistics = Report("2026-12-14", "2026-12-17", "logistics");
  ASSERT_EQ(logistics.rows_size(), 1);
  EXPECT_EQ(logistics.rows(0).department(), "logistics");
  EXPECT_EQ(logistics.hot_loop().detractor_cases(), 0);
  // b1 and c2 are open, both 3-7 days old.
  EXPECT_EQ(logistics.backlog(2).open(), 2);

  const v1::LoopReport callbacks =
      Report("2026-12-14", "2026-12-17", "", v1::CASE_KIND_DETRACTOR_CALLBACK);
  ASSERT_EQ(callbacks.rows_size(), 1);
  EXPECT_EQ(callbacks.rows(0).kind(), v1::CASE_KIND_DETRACTOR_CALLBACK);
  EXPECT_EQ(callbacks.hot_loop().detractor_cases(), 3);
  // The range's first local day holds b0 only when it starts a day earlier.
  const v1::LoopReport earlier = Report("2026-12-13", "2026-12-13", "logistics");
  ASSERT_EQ(earlier.rows_size(), 1);
  EXPECT_EQ(earlier.rows(0).opened(), 1);
}

TEST_P(LoopReportStorageTest, ABadDayNamesItsField) {
  v1::GetLoopReportRequest req;
  req.set_start_day("2026-12-14");
  req.set_end_day("2026-13-01");
  auto got = reporter_->GetLoopReport(TestSystem(), req);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(got.status().message(), "end_day")) << got.status();
  req.set_start_day("14/12/2026");
  got = reporter_->GetLoopReport(TestSystem(), req);
  EXPECT_TRUE(absl::StartsWith(got.status().message(), "start_day")) << got.status();
  // 401 days.
  req.set_start_day("2026-01-01");
  req.set_end_day("2027-02-05");
  got = reporter_->GetLoopReport(TestSystem(), req);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  req.set_end_day("2026-01-31");
  req.set_kind(static_cast<v1::CaseKind>(42));
  got = reporter_->GetLoopReport(TestSystem(), req);
  EXPECT_TRUE(absl::StartsWith(got.status().message(), "kind")) << got.status();
}

TEST_P(LoopReportStorageTest, TheCaseReadSeeksTheOpeningTimeIndex) {
  // 20,000 cases half an hour apart (about 417 days), written in one
  // statement both backends accept (the casts: PostgreSQL would take the
  // parameter and the product for 32-bit integers), then the planners'
  // statistics.
  const std::int64_t base = Utc(2026, 1, 1);
  db_->WithSession([&](soci::session& s) {
    long long from = base;
    s << "INSERT INTO cases (id, request_id, kind, feedback_id, customer_id, title, summary,"
         " priority, state, topics, create_ms, update_ms, due_ms)"
         " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
         " SELECT 'gen-' || i, 'gen-' || i, 1 + i % 3, 'f', 'c', 't', 's', 2, 1, '',"
         " CAST(:base AS BIGINT) + CAST(i AS BIGINT) * 1800000,"
         " CAST(:base2 AS BIGINT) + CAST(i AS BIGINT) * 1800000, 0 FROM n",
        soci::use(from), soci::use(from);
    // Each with a primary owner in one of ten departments (none of them
    // logistics), so that the planners weigh a real owners table.
    s << "INSERT INTO case_owners (case_id, ordinal, department, person)"
         " SELECT id, 0, 'dept-' || CAST(create_ms / 1800000 % 10 AS TEXT), 'p' FROM cases";
    s << "ANALYZE";
  });
  LoopCaseQuery one_day;
  one_day.from_ms = base + 200 * sla_test::kDayMs;
  one_day.to_ms = one_day.from_ms + sla_test::kDayMs;
  const absl::StatusOr<std::string> plan = loop_store_->ExplainCasesOpened(one_day);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_NE(plan->find("cases_create"), std::string::npos) << *plan;
  // And the read itself: 48 cases a day.
  const auto rows = loop_store_->CasesOpened(one_day);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(rows->size(), 48u);

  // The awaiting-callback count of a 90-day detractor report reads only the
  // last 24 hours: through the (kind, opening time, id) index, or (as
  // PostgreSQL may cost it at this size) the opening-time index — not the
  // kind's list index (every detractor case) nor a department's.
  LoopCaseQuery quarter;
  quarter.to_ms = one_day.to_ms;
  quarter.from_ms = quarter.to_ms - 90 * sla_test::kDayMs;
  quarter.kind = v1::CASE_KIND_DETRACTOR_CALLBACK;
  const std::int64_t as_of = quarter.to_ms;
  auto reads_the_last_day = [&](const std::string& plan) {
    if (GetParam() == Backend::kSqlite) return plan.find("cases_kind_opened") != std::string::npos;
    return plan.find("cases_kind_opened") != std::string::npos || plan.find("cases_create") != std::string::npos;
  };
  const absl::StatusOr<std::string> awaiting_plan = loop_store_->ExplainAwaitingCallbacks(quarter, as_of, as_of - 1);
  ASSERT_TRUE(awaiting_plan.ok()) << awaiting_plan.status();
  EXPECT_TRUE(reads_the_last_day(*awaiting_plan)) << *awaiting_plan;
  EXPECT_EQ(awaiting_plan->find("cases_kind_list"), std::string::npos) << *awaiting_plan;
  quarter.departments = std::set<std::string>{"logistics"};
  const absl::StatusOr<std::string> department_plan = loop_store_->ExplainAwaitingCallbacks(quarter, as_of, as_of - 1);
  ASSERT_TRUE(department_plan.ok()) << department_plan.status();
  EXPECT_TRUE(reads_the_last_day(*department_plan)) << *department_plan;
  EXPECT_EQ(department_plan->find("cases_kind_list"), std::string::npos) << *department_plan;
  EXPECT_EQ(department_plan->find("case_owners_department"), std::string::npos) << *department_plan;
  // As detractor cases without a callback, the 47 opened in the
  // 24 hours before the end (after its start, before its last millisecond:
  // the cases on both edges are not) await theirs; none in logistics.
  db_->WithSession([&](soci::session& s) { s << "UPDATE cases SET kind = 1"; });
  quarter.departments.reset();
  EXPECT_EQ(loop_store_->CountAwaitingCallbacks(quarter, as_of, as_of - 1).value_or(-1), 47);
  quarter.departments = std::set<std::string>{"logistics"};
  EXPECT_EQ(loop_store_->CountAwaitingCallbacks(quarter, as_of, as_of - 1).value_or(-1), 0);
}


// The roll-up summed per request equals the cases summed one by one
// (ComputeLoopFigures, the rules' unit-tested form) for every end day of
// the week, for each department and kind, past ranges and today alike.
TEST_P(LoopReportStorageTest, TheRollUpEqualsTheCasesSummedOneByOne) {
  OpenTheWeek();
  const std::vector<std::string> days = {"2026-12-13", "2026-12-14", "2026-12-15", "2026-12-16", "2026-12-17"};
  for (const std::string& end : days) {
    for (const std::string& department : {std::string(""), std::string("logistics"), std::string("customer_success")}) {
      for (const v1::CaseKind kind : {v1::CASE_KIND_UNSPECIFIED, v1::CASE_KIND_DETRACTOR_CALLBACK}) {
        const v1::LoopReport summed = Report("2026-12-13", end, department, kind);
        const LoopReportRange range = LoopReportRangeOf("2026-12-13", end, kUtc8).value();
        LoopCaseQuery q;
        q.from_ms = range.from_ms;
        q.to_ms = range.to_ms;
        q.kind = kind;
        if (!department.empty()) q.departments = std::set<std::string>{department};
        const auto cases = loop_store_->CasesOpened(q);
        ASSERT_TRUE(cases.ok()) << cases.status();
        const std::int64_t as_of = std::min(ToMillis(clock_.Now()), range.to_ms);
        v1::LoopReport expected = ComputeLoopFigures(*cases, as_of, kUtc8);
        expected.set_as_of_day(summed.as_of_day());
        expected.set_utc_offset_minutes(kUtc8);
        std::string diff;
        google::protobuf::util::MessageDifferencer differ;
        differ.ReportDifferencesToString(&diff);
        EXPECT_TRUE(differ.Compare(expected, summed)) << "to " << end << " department '" << department
                                                      << "' kind " << kind << ": " << diff;
      }
    }
  }
}

// The rows a rebuild sums from the cases are the rows the refreshes kept
// while the week happened (zero rows left by moved events aside).
TEST_P(LoopReportStorageTest, ARebuildEqualsTheIncrementalRollUp) {
  OpenTheWeek();
  // A reassignment moves c2's figures from logistics to app_engineering.
  At(Utc(2026, 12, 17, 11));
  v1::ReassignCaseRequest reassign;
  reassign.set_name(c2_.name());
  reassign.mutable_owner()->set_department("app_engineering");
  reassign.set_reason("app bug");
  ASSERT_TRUE(service_->ReassignCase(TestSystem(), reassign).ok());
  At(Utc(2026, 12, 17, 12));
  const v1::LoopReport before = Report("2026-12-14", "2026-12-17");
  auto rows = [&] {
    std::string out;
    db_->WithSession([&](soci::session& s) {
      soci::rowset<soci::row> counts = (s.prepare <<
          "SELECT open_day, department, kind, event_day, opened, resolved, first_response_due,"
          " first_response_met, resolution_due, resolution_met, breaches, escalations,"
          " called_back_within_24h, reached FROM loop_daily_counts ORDER BY open_day, department, kind, event_day");
      for (const soci::row& r : counts) {
        std::string line;
        bool any = false;
        for (std::size_t i = 0; i < r.size(); ++i) {
          const std::string v = i == 1 ? storage::AsString(r, i) : std::to_string(storage::AsInt(r, i));
          if (i >= 4 && v != "0") any = true;
          line += v + " ";
        }
        if (any) out += line + "\n";
      }
      soci::rowset<soci::row> durations = (s.prepare <<
          "SELECT open_day, department, kind, event_day, clock, bucket_ms, clocks FROM loop_daily_durations"
          " WHERE clocks <> 0 ORDER BY open_day, department, kind, event_day, clock, bucket_ms");
      for (const soci::row& r : durations) {
        out += "d";
        for (std::size_t i = 0; i < r.size(); ++i) {
          out += " " + (i == 1 ? storage::AsString(r, i) : std::to_string(storage::AsInt(r, i)));
        }
        out += "\n";
      }
    });
    return out + OpenSums();
  };
  const std::string incremental = rows();
  EXPECT_NE(incremental.find("app_engineering"), std::string::npos);
  const auto rebuilt = rollup_->Rebuild();
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_EQ(rebuilt->cases, 8);  // b0 b1 c1 c2 c3 d1 d2 d3
  EXPECT_EQ(rows(), incremental);
  const v1::LoopReport after = Report("2026-12-14", "2026-12-17");
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(before, after));
  // c2 now counts under app_engineering: two complaints there, one in logistics' place.
  ASSERT_EQ(after.rows_size(), 3);
  EXPECT_EQ(after.rows(0).department(), "app_engineering");
  EXPECT_EQ(after.rows(0).opened(), 2);
  EXPECT_EQ(after.rows(2).department(), "logistics");
  EXPECT_EQ(after.rows(2).opened(), 2);
  EXPECT_EQ(after.rows(2).escalations(), 1);  // b1's; c2's went with it
  EXPECT_EQ(after.rows(0).escalations(), 1);
}

// The sums without the event day (loop_open_counts; loop_block_counts and
// loop_block_histograms, the histograms normalised through ParseHistogram),
// one line a non-zero row, in key order.
std::string LoopReportStorageTest::OpenSums() {
  std::string out;
  std::string counters =
      " opened, resolved, first_response_due, first_response_met, resolution_due, resolution_met, breaches,"
      " escalations, called_back_within_24h, reached";
  auto add_counts = [&](soci::session& s, const std::string& tag, const std::string& key, std::size_t keys) {
    soci::rowset<soci::row> counts =
        (s.prepare << "SELECT " + key + "," + counters + " FROM " + tag + " ORDER BY " + key);
    for (const soci::row& r : counts) {
      std::string line = tag;
      bool any = false;
      for (std::size_t i = 0; i < r.size(); ++i) {
        const bool text = r.get_properties(i).get_data_type() == soci::dt_string;
        const std::string v = text ? storage::AsString(r, i) : std::to_string(storage::AsInt(r, i));
        if (i >= keys && v != "0") any = true;
        line += " " + v;
      }
      if (any) out += line + "\n";
    }
  };
  db_->WithSession([&](soci::session& s) {
    add_counts(s, "loop_open_counts", "open_day, department, kind", 3);
    add_counts(s, "loop_block_counts", "span, block, department, kind", 4);
    soci::rowset<soci::row> blocks = (s.prepare <<
        "SELECT span, block, department, kind, clock, buckets FROM loop_block_histograms"
        " ORDER BY span, block, department, kind, clock");
    for (const soci::row& r : blocks) {
      HistogramRun run;
      EXPECT_TRUE(ParseHistogram(storage::AsString(r, 5), run)) << storage::AsString(r, 5);
      if (run.empty()) continue;
      out += "h";
      for (std::size_t i = 0; i < 5; ++i) {
        out += " " + (i == 2 ? storage::AsString(r, i) : std::to_string(storage::AsInt(r, i)));
      }
      out += " " + EncodeHistogram(run) + "\n";
    }
  });
  return out;
}

// Migrations 11 and 12 fill the sums without the event day from the daily
// rows a database already has (11: per opening day and a row per bucket of
// a block; 12: those as block counters and one row per histogram, in each
// backend's own SQL): they equal the sums the refreshes keep, and so does
// every report.
TEST_P(LoopReportStorageTest, MigrationsElevenAndTwelveFillTheSumsFromTheDailyRows) {
  OpenTheWeek();
  const v1::LoopReport before = Report("2026-12-13", "2026-12-17");  // refreshes the roll-up
  const v1::LoopReport past = Report("2026-12-13", "2026-12-15");
  const std::string kept = OpenSums();
  ASSERT_NE(kept.find("\nh 6 "), std::string::npos) << kept;  // 64-day blocks are kept too
  ASSERT_NE(kept.find("\nloop_block_counts 6 "), std::string::npos) << kept;
  const bool sqlite = GetParam() == Backend::kSqlite;
  auto run = [&](soci::session& s, const storage::Migration& m, bool creates) {
    const auto& statements = sqlite && !m.sqlite_statements.empty() ? m.sqlite_statements : m.statements;
    for (const std::string& statement : statements) {
      const bool fills = statement.rfind("INSERT", 0) == 0 || statement.rfind("DROP", 0) == 0;
      const bool makes_blocks = statement.find("CREATE TABLE loop_block_durations") != std::string::npos;
      if (fills || (creates && makes_blocks)) s << statement;
    }
  };
  db_->WithSession([&](soci::session& s) {
    s << "DELETE FROM loop_open_counts";
    s << "DELETE FROM loop_block_counts";
    s << "DELETE FROM loop_block_histograms";
    run(s, LoopOpenSumsMigration(), true);  // loop_block_durations again, as at migration 11
    run(s, LoopBlockHistogramsMigration(), false);
  });
  EXPECT_EQ(OpenSums(), kept);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(before, Report("2026-12-13", "2026-12-17")));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(past, Report("2026-12-13", "2026-12-15")));
}

// Tracking started with another report offset than the roll-up's rows were
// made with: EnsureOffset rebuilds them at the new one.
TEST_P(LoopReportStorageTest, ANewReportOffsetRebuildsTheRollUp) {
  OpenTheWeek();
  const v1::LoopReport utc8 = Report("2026-12-14", "2026-12-17");
  const absl::Status ensured = rollup_->EnsureOffset();  // records +480: nothing to do
  ASSERT_TRUE(ensured.ok()) << ensured;
  // Tracking restarted at UTC+0.
  LoopRollupStore utc(*db_, clock_, 0);
  const absl::Status rebuilt = utc.EnsureOffset();
  ASSERT_TRUE(rebuilt.ok()) << rebuilt;
  db_->WithSession([&](soci::session& s) {
    long long v = 0;
    s << "SELECT value FROM loop_rollup_settings", soci::into(v);
    EXPECT_EQ(v, 0);
  });
  EXPECT_EQ(utc.MarkedCases().value(), 0);
  LoopReporter at_utc(*loop_store_, utc, clock_);
  v1::GetLoopReportRequest req;
  req.set_start_day("2026-12-14");
  req.set_end_day("2026-12-17");
  const auto got = at_utc.GetLoopReport(TestSystem(), req);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->utc_offset_minutes(), 0);
  // b1 (16:00 UTC on the 13th) opened on the 14th at UTC+8, on the 13th
  // at UTC: out of the range now.
  std::int64_t opened8 = 0, opened0 = 0;
  for (const auto& row : utc8.rows()) opened8 += row.opened();
  for (const auto& row : got->rows()) opened0 += row.opened();
  EXPECT_EQ(opened8, 7);
  EXPECT_EQ(opened0, 6);
}

INSTANTIATE_TEST_SUITE_P(Backends, LoopReportStorageTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) {
                           return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace voc::tracking
