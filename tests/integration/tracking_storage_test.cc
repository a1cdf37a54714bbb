// The tracking store on both backends it must run on: SQLite (a temp file)
// and a real PostgreSQL started for the test. Covers the SQL that differs
// most between them: ON CONFLICT, conditional updates with affected-row
// counts, NULL handling, LIMIT/OFFSET, and truly concurrent sweepers. Then
// two outbox relays (two replicas) on one PostgreSQL database and a real
// redis-server.
#include <gtest/gtest.h>

#include "tests/unit/tracking/test_callers.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "common/clock/clock.h"
#include "common/notify/notifier.h"
#include "common/queue/redis_client.h"
#include "common/queue/stream.h"
#include "common/storage/database.h"
#include "common/util/time.h"
#include "common/org/org_directory.h"
#include "common/sla/sla_policy.h"
#include "common/queue/publisher.h"
#include "common/storage/outbox_relay.h"
#include "services/tracking/event_relay.h"
#include "services/tracking/sla_policy_source.h"
#include "services/tracking/sla_sweeper.h"
#include "tests/unit/tracking/sla_test_support.h"
#include "services/tracking/store/migrations.h"
#include "services/tracking/store/project_store.h"
#include "services/tracking/tasks/project_workflow.h"
#include "services/tracking/store/tracking_store.h"
#include "services/tracking/tracking_service.h"
#include "tests/support/recording_notifier.h"
#include "tests/support/servers.h"

namespace voc::tracking {
namespace {

using std::chrono::hours;

using voc::testing::RecordingNotifier;

class NullSink final : public queue::Publisher {
 public:
  std::size_t Publish(const std::vector<queue::MessageFields>& batch) override {
    std::lock_guard lock(mu);
    for (const auto& fields : batch) events.push_back(fields.at("event"));
    return batch.size();
  }
  std::mutex mu;
  std::vector<std::string> events;
};

const char kDirectory[] = R"(
departments:
  - {id: customer_success, name: CS, head: p-head}
people:
  - {id: p-head, name: Head, department: customer_success}
  - {id: p-am, name: AM, department: customer_success, manager: p-head}
)";

enum class Backend { kSqlite, kPostgres };

class TrackingStorageTest : public ::testing::TestWithParam<Backend> {
 protected:
  static void TearDownTestSuite() { postgres_.reset(); }

  void SetUp() override {
    std::string url;
    if (GetParam() == Backend::kPostgres) {
      if (!::voc::testing::PostgresServer::Available()) {
        GTEST_SKIP() << "PostgreSQL server binaries not installed";
      }
      if (!postgres_) postgres_ = std::make_unique<::voc::testing::PostgresServer>();
      const std::string dbname = "tracking_" + std::to_string(++database_counter_);
      postgres_->CreateDatabase(dbname);
      url = postgres_->Url(dbname);
    } else {
      url = "sqlite3://" + dir_.path() + "/tracking.db";
    }
    auto opened_db = storage::Database::Open(url, 6);
    ASSERT_TRUE(opened_db.ok()) << opened_db.status();
    db_ = *std::move(opened_db);
    const absl::StatusOr<int> version_db = db_->Migrate("tracking", TrackingMigrations());
    ASSERT_TRUE(version_db.ok()) << version_db.status();
    ASSERT_EQ(*version_db, TrackingMigrations().back().version);
    store_ = std::make_unique<TrackingStore>(*db_);
    relay_ = std::make_unique<storage::OutboxRelay>(TrackingRelayOptions(std::chrono::milliseconds(0)),
                                                    TrackingEventBatches(*store_, sink_));
    service_ = std::make_unique<TrackingService>(*store_, clock_, relay_.get());
    directory_ =
        std::make_shared<const org::OrgDirectory>(org::OrgDirectory::Parse(kDirectory).value());
  }

  // CreateProject stores a proposal (issue 11); the committee (p-head)
  // approves it and it starts.
  v1::Project StartedProject(const v1::CreateProjectRequest& req) {
    const v1::Project proposed = service_->CreateProject(TestSystem(), req).value();
    EXPECT_EQ(proposed.state(), v1::PROJECT_STATE_PROPOSED);
    ProjectStore project_store(*db_);
    tasks::ProjectWorkflow workflow(*store_, project_store, clock_, directory_,
                                    tasks::ParseCommittee("p-head", *directory_).value());
    v1::DecideProjectRequest decide;
    decide.set_name(proposed.name());
    decide.set_approve(true);
    EXPECT_TRUE(workflow.DecideProject(TestPerson("p-head", "customer_success", {}, true), decide).ok());
    v1::StartProjectRequest start;
    start.set_name(proposed.name());
    return workflow.StartProject(TestSystem(), start).value();
  }

  v1::CreateCaseRequest Callback(const std::string& feedback_id) {
    v1::CreateCaseRequest req;
    req.set_request_id("callback:" + feedback_id);
    req.mutable_case_()->set_kind(v1::CASE_KIND_DETRACTOR_CALLBACK);
    req.mutable_case_()->set_feedback_id(feedback_id);
    req.mutable_case_()->set_customer_id("c-1");
    req.mutable_case_()->add_topics("logistics.delivery_delay");
    req.mutable_case_()->add_topics("service.response_time");
    auto* owner = req.mutable_case_()->add_owners();
    owner->set_department("customer_success");
    owner->set_person("p-am");
    auto* task = req.mutable_case_()->add_tasks();
    task->set_title("call the customer");
    *req.mutable_sla() = ToProto(hours(24));
    *req.mutable_reference_time() = ToProto(clock_.Now());
    return req;
  }

  static std::unique_ptr<::voc::testing::PostgresServer> postgres_;
  static int database_counter_;
  ::voc::testing::TempDir dir_;
  FakeClock clock_{FromMillis(1772409600000LL)};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<TrackingStore> store_;
  NullSink sink_;
  std::unique_ptr<storage::OutboxRelay> relay_;
  std::unique_ptr<TrackingService> service_;
  std::shared_ptr<const org::OrgDirectory> directory_;
};

std::unique_ptr<::voc::testing::PostgresServer> TrackingStorageTest::postgres_;
int TrackingStorageTest::database_counter_ = 0;

TEST_P(TrackingStorageTest, CaseRoundTripsAndCreateIsIdempotent) {
  auto first = service_->CreateCase(TestSystem(), Callback("fb-1"));
  ASSERT_TRUE(first.ok()) << std::string(first.status().message());
  auto again = service_->CreateCase(TestSystem(), Callback("fb-1"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value().id(), first.value().id());

  auto got = service_->GetCase(TestSystem(), first.value().name());
  ASSERT_TRUE(got.ok());
  const v1::Case& c = got.value();
  EXPECT_EQ(c.topics_size(), 2);
  EXPECT_EQ(c.tasks_size(), 1);
  EXPECT_EQ(c.tasks(0).id(), "task-1");
  EXPECT_FALSE(c.has_escalate_time());
  EXPECT_EQ(FromProto(c.due_time()), clock_.Now() + hours(24));
  ASSERT_EQ(c.history_size(), 1);
  EXPECT_EQ(c.history(0).action(), "created");

  v1::ListCasesRequest list;
  list.set_feedback_id("fb-1");
  EXPECT_EQ(service_->ListCases(TestSystem(), list).value().cases_size(), 1);
}

TEST_P(TrackingStorageTest, ConcurrentCreatesOfOneRequestMakeOneCase) {
  std::vector<std::thread> threads;
  std::set<std::string> ids;
  std::mutex mu;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      auto r = service_->CreateCase(TestSystem(), Callback("fb-race"));
      ASSERT_TRUE(r.ok()) << std::string(r.status().message());
      std::lock_guard lock(mu);
      ids.insert(r.value().id());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ids.size(), 1u);
}

TEST_P(TrackingStorageTest, TransitionsHistoryAndEventsPersist) {
  const v1::Case c = service_->CreateCase(TestSystem(), Callback("fb-1")).value();
  v1::LogCallbackRequest cb;
  cb.set_name(c.name());
  cb.set_actor("p-am");
  cb.set_reached(true);
  cb.set_note("talked for 10 minutes");
  ASSERT_TRUE(service_->LogCallback(TestSystem(), cb).ok());
  v1::ResolveCaseRequest resolve;
  resolve.set_name(c.name());
  resolve.set_actor("p-am");
  resolve.set_resolution_note("refund issued");
  const auto resolved = service_->ResolveCase(TestSystem(), resolve);
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved.value().state(), v1::CASE_STATE_RESOLVED);
  EXPECT_EQ(resolved.value().callbacks_size(), 1);
  EXPECT_EQ(resolved.value().history_size(), 3);
  EXPECT_EQ(sink_.events, std::vector<std::string>{"case_resolved"});
  EXPECT_TRUE(store_->PendingEvents(10).value().empty());
}

TEST_P(TrackingStorageTest, ListOrdersOverdueFirstAndPages) {
  for (int i = 0; i < 5; ++i) {
    auto req = Callback("fb-" + std::to_string(i));
    // due in 24h - i*10h: fb-3 and fb-4 are already overdue.
    *req.mutable_reference_time() = ToProto(clock_.Now() - hours(10 * i));
    ASSERT_TRUE(service_->CreateCase(TestSystem(), req).ok());
  }
  v1::ListCasesRequest list;
  list.set_page_size(3);
  list.set_open_only(true);
  auto page1 = service_->ListCases(TestSystem(), list).value();
  ASSERT_EQ(page1.cases_size(), 3);
  EXPECT_EQ(page1.cases(0).feedback_id(), "fb-4");
  EXPECT_TRUE(page1.cases(0).overdue());
  EXPECT_EQ(page1.cases(1).feedback_id(), "fb-3");
  EXPECT_EQ(page1.cases(2).feedback_id(), "fb-2");
  EXPECT_FALSE(page1.cases(2).overdue());
  list.set_page_token(page1.next_page_token());
  auto page2 = service_->ListCases(TestSystem(), list).value();
  ASSERT_EQ(page2.cases_size(), 2);
  EXPECT_EQ(page2.cases(1).feedback_id(), "fb-0");
  // Issue 12: every page carries the walk's true total.
  EXPECT_EQ(page1.total_size(), 5);
  EXPECT_EQ(page2.total_size(), 5);

  v1::ListCasesRequest overdue;
  overdue.set_overdue_only(true);
  overdue.set_department("customer_success");
  overdue.set_owner("p-am");
  overdue.set_kind(v1::CASE_KIND_DETRACTOR_CALLBACK);
  overdue.set_state(v1::CASE_STATE_OPEN);
  overdue.set_customer_id("c-1");
  const auto overdue_page = service_->ListCases(TestSystem(), overdue).value();
  EXPECT_EQ(overdue_page.cases_size(), 2);
  // The count honours every filter at once (driving index plus residuals).
  EXPECT_EQ(overdue_page.total_size(), 2);
}

TEST_P(TrackingStorageTest, ConcurrentSweepersEscalateEachBreachExactlyOnce) {
  // escalation (issue 11): each case's resolution clock (24 h from `sla`)
  // escalates by the detractor-callback chain of the test policies.
  const auto policies = sla_test::TestPolicies();
  for (int i = 0; i < 12; ++i) ASSERT_TRUE(service_->CreateCase(TestSystem(), Callback("fb-" + std::to_string(i))).ok());
  clock_.Advance(hours(25));
  RecordingNotifier notifier;
  std::vector<std::unique_ptr<TrackingStore>> stores;
  std::vector<std::unique_ptr<SlaStore>> sla_stores;
  std::vector<std::unique_ptr<SlaSweeper>> sweepers;
  for (int i = 0; i < 3; ++i) {
    stores.push_back(std::make_unique<TrackingStore>(*db_));
    sla_stores.push_back(std::make_unique<SlaStore>(*db_));
    sweepers.push_back(std::make_unique<SlaSweeper>(*sla_stores.back(), *stores.back(), clock_,
                                                    notifier, directory_, [policies] { return policies; }));
  }
  std::atomic<int> escalated{0};
  std::vector<std::thread> threads;
  for (auto& sweeper : sweepers) {
    threads.emplace_back([&, s = sweeper.get()] {
      for (int round = 0; round < 2; ++round) escalated += s->SweepOnce().value().escalated_cases.size();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(escalated.load(), 12);
  EXPECT_EQ(notifier.sent().size(), 24u) << "the breach to the owner, level 1 to the manager";
  std::set<std::string> cases;
  for (const auto& n : notifier.sent()) {
    if (n.kind != "escalation") continue;
    cases.insert(n.case_id);
    EXPECT_EQ(n.recipients, std::vector<std::string>{"p-head"});
  }
  EXPECT_EQ(cases.size(), 12u);
  // A restarted sweeper finds nothing left to do.
  TrackingStore fresh(*db_);
  SlaStore fresh_sla(*db_);
  SlaSweeper restarted(fresh_sla, fresh, clock_, notifier, directory_, [policies] { return policies; });
  const SweepReport report = restarted.SweepOnce().value();
  EXPECT_TRUE(report.escalated_cases.empty());
  EXPECT_EQ(report.overdue_count, 12);
}

TEST_P(TrackingStorageTest, ProjectClosesOnLastItemAndReopens) {
  v1::CreateProjectRequest req;
  req.set_request_id("p-1");
  req.mutable_project()->set_title("Faster deliveries");
  req.mutable_project()->set_topic("logistics.delivery_delay");
  for (const char* dept : {"logistics", "customer_service", "app_engineering"}) {
    auto* item = req.mutable_project()->add_action_items();
    item->set_title(std::string("act in ") + dept);
    item->mutable_owner()->set_department(dept);
  }
  const v1::Project p = StartedProject(req);
  v1::Project last;
  for (const auto& item : p.action_items()) {
    v1::CompleteActionItemRequest done;
    done.set_name(item.name());
    auto r = service_->CompleteActionItem(TestSystem(), done);
    ASSERT_TRUE(r.ok()) << std::string(r.status().message());
    last = r.value();
  }
  EXPECT_EQ(last.state(), v1::PROJECT_STATE_CLOSED);
  EXPECT_TRUE(last.has_close_time());
  v1::ReopenProjectRequest reopen;
  reopen.set_name(p.name());
  reopen.set_evidence("no significant drop");
  auto reopened = service_->ReopenProject(TestSystem(), reopen);
  ASSERT_TRUE(reopened.ok()) << std::string(reopened.status().message());
  EXPECT_EQ(reopened.value().reopen_count(), 1);
  EXPECT_FALSE(reopened.value().has_close_time());
  EXPECT_EQ(sink_.events, (std::vector<std::string>{"project_closed", "project_reopened"}));

  v1::ListProjectsRequest list;
  list.set_state(v1::PROJECT_STATE_OPEN);
  EXPECT_EQ(service_->ListProjects(TestSystem(), list).value().projects_size(), 1);
}

// A token edited by hand, or sent with other filters than the page it came
// from, is refused naming page_token.
void ExpectRefusedToken(const absl::Status& status) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(std::string(status.message()).rfind("page_token: ", 0), 0u) << status;
}

std::string Tampered(std::string token) {
  token[token.size() / 2] = token[token.size() / 2] == 'A' ? 'B' : 'A';
  return token;
}

TEST_P(TrackingStorageTest, ListCasesPageTokensAreOpaqueBoundAndWalkEveryCaseOnce) {
  std::set<std::string> present;
  for (int i = 0; i < 7; ++i) {
    auto req = Callback("fb-" + std::to_string(i));
    // Due from -26h to +10h around now: the first ones are overdue.
    *req.mutable_reference_time() = ToProto(clock_.Now() - hours(50) + hours(6 * i));
    present.insert(service_->CreateCase(TestSystem(), req).value().id());
  }
  v1::ListCasesRequest list;
  list.set_page_size(2);
  list.set_open_only(true);
  const auto first = service_->ListCases(TestSystem(), list).value();
  ASSERT_FALSE(first.next_page_token().empty());

  v1::ListCasesRequest tampered = list;
  tampered.set_page_token(Tampered(first.next_page_token()));
  ExpectRefusedToken(service_->ListCases(TestSystem(), tampered).status());
  v1::ListCasesRequest other_filter = list;
  other_filter.set_department("executive");
  other_filter.set_page_token(first.next_page_token());
  ExpectRefusedToken(service_->ListCases(TestSystem(), other_filter).status());

  // Walk while cases keep arriving (due before and after the cursor) and the
  // clock moves, so cases fall overdue mid-walk.
  std::map<std::string, int> seen;
  v1::ListCasesRequest walk = list;
  for (int page = 0; page < 20; ++page) {
    const auto response = service_->ListCases(TestSystem(), walk).value();
    for (const auto& c : response.cases()) ++seen[c.id()];
    auto added = Callback("fb-added-" + std::to_string(page));
    *added.mutable_reference_time() = ToProto(clock_.Now() - hours(page % 2 ? 40 : 0));
    ASSERT_TRUE(service_->CreateCase(TestSystem(), added).ok());
    clock_.Advance(hours(7));
    if (response.next_page_token().empty()) break;
    walk.set_page_token(response.next_page_token());
  }
  for (const auto& id : present) EXPECT_EQ(seen[id], 1) << id;
  for (const auto& [id, count] : seen) EXPECT_EQ(count, 1) << id << " returned twice";
}

TEST_P(TrackingStorageTest, ACaseFallingOverdueMidWalkIsNeitherSkippedNorRepeated) {
  // Due -1h (overdue), +1h and +5h. The walk passes the overdue ones, then
  // the +5h case falls due: the walk keeps its first page's order.
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto req = Callback("fb-" + std::to_string(i));
    const int due_in_hours[] = {-1, 1, 5};
    *req.mutable_reference_time() = ToProto(clock_.Now() - hours(24) + hours(due_in_hours[i]));
    ids.push_back(service_->CreateCase(TestSystem(), req).value().id());
  }
  v1::ListCasesRequest walk;
  walk.set_page_size(1);
  std::vector<std::string> seen;
  for (int page = 0; page < 5; ++page) {
    const auto response = service_->ListCases(TestSystem(), walk).value();
    for (const auto& c : response.cases()) seen.push_back(c.id());
    if (page == 1) clock_.Advance(hours(6));
    if (response.next_page_token().empty()) break;
    walk.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(seen, ids);
}

// Issue 12: the Dashboard's backlog bars list the cases opened in their age
// range: ListCases' opened_after (inclusive) and opened_before (exclusive),
// by whichever index drives the list (cases, case_owners, a person's view),
// with the total counted under the same filter.
TEST_P(TrackingStorageTest, ListCasesFiltersByWhenTheCaseWasOpened) {
  // fb-0 .. fb-4 opened a day apart; fb-4 is resolved.
  const TimePoint t0 = clock_.Now();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(service_->CreateCase(TestSystem(), Callback("fb-" + std::to_string(i))).ok());
    clock_.Advance(hours(24));
  }
  v1::ListCasesRequest find;
  find.set_feedback_id("fb-4");
  v1::ResolveCaseRequest resolve;
  resolve.set_name(service_->ListCases(TestSystem(), find).value().cases(0).name());
  resolve.set_actor("p-am");
  resolve.set_resolution_note("done");
  ASSERT_TRUE(service_->ResolveCase(TestSystem(), resolve).ok());

  // The feedback ids of every page of the walk (pages of 2), sorted, and
  // checks each page's total against them.
  auto opened = [&](const auth::Principal& caller, std::optional<TimePoint> after,
                    std::optional<TimePoint> before, const std::string& department, bool open_only = true) {
    v1::ListCasesRequest r;
    r.set_page_size(2);
    r.set_open_only(open_only);
    r.set_department(department);
    if (after) *r.mutable_opened_after() = ToProto(*after);
    if (before) *r.mutable_opened_before() = ToProto(*before);
    std::vector<std::string> ids;
    std::int64_t total = -1;
    for (int page = 0; page < 10; ++page) {
      const auto response = service_->ListCases(caller, r);
      EXPECT_TRUE(response.ok()) << response.status();
      if (!response.ok()) break;
      for (const auto& c : response->cases()) ids.push_back(c.feedback_id());
      total = response->total_size();
      if (response->next_page_token().empty()) break;
      r.set_page_token(response->next_page_token());
    }
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(total, static_cast<std::int64_t>(ids.size()));
    return ids;
  };
  using Ids = std::vector<std::string>;
  const auto day = [&](int d) { return t0 + hours(24 * d); };
  const auth::Principal member = TestPerson("p-am", "customer_success");
  for (const std::string department : {"", "customer_success"}) {
    SCOPED_TRACE("department '" + department + "'");
    // From the moment fb-1 was opened (included) to fb-3's (excluded).
    EXPECT_EQ(opened(TestSystem(), day(1), day(3), department), (Ids{"fb-1", "fb-2"}));
    EXPECT_EQ(opened(TestSystem(), day(1), day(3) + std::chrono::milliseconds(1), department),
              (Ids{"fb-1", "fb-2", "fb-3"}));
    // One side only.
    EXPECT_EQ(opened(TestSystem(), day(3), std::nullopt, department), (Ids{"fb-3"})) << "fb-4 is resolved";
    EXPECT_EQ(opened(TestSystem(), day(3), std::nullopt, department, false), (Ids{"fb-3", "fb-4"}));
    EXPECT_EQ(opened(TestSystem(), std::nullopt, day(1), department), (Ids{"fb-0"}));
    EXPECT_EQ(opened(TestSystem(), std::nullopt, std::nullopt, department), (Ids{"fb-0", "fb-1", "fb-2", "fb-3"}));
    // A person's view reads its own indexes; the filter holds there too.
    EXPECT_EQ(opened(member, day(0), day(2), department), (Ids{"fb-0", "fb-1"}));
    EXPECT_TRUE(opened(TestSystem(), day(5), std::nullopt, department).empty());
  }
  EXPECT_TRUE(opened(TestSystem(), day(0), day(9), "executive").empty());

  // Bad values name their field.
  auto refused = [&](const v1::ListCasesRequest& r) {
    const absl::Status status = service_->ListCases(TestSystem(), r).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    return std::string(status.message());
  };
  v1::ListCasesRequest bad;
  bad.mutable_opened_after()->set_nanos(-1);
  EXPECT_EQ(refused(bad).rfind("opened_after: ", 0), 0u) << refused(bad);
  bad.Clear();
  bad.mutable_opened_before()->set_seconds(253402300800LL);  // 10000-01-01
  EXPECT_EQ(refused(bad).rfind("opened_before: ", 0), 0u) << refused(bad);
  bad.Clear();
  *bad.mutable_opened_after() = ToProto(day(2));
  *bad.mutable_opened_before() = ToProto(day(2));
  EXPECT_EQ(refused(bad), "opened_before: must be after opened_after");
  // A page token is bound to its opened range like to any other filter.
  v1::ListCasesRequest walk;
  walk.set_page_size(1);
  *walk.mutable_opened_after() = ToProto(day(0));
  const auto first = service_->ListCases(TestSystem(), walk).value();
  ASSERT_FALSE(first.next_page_token().empty());
  walk.set_page_token(first.next_page_token());
  *walk.mutable_opened_after() = ToProto(day(1));
  ExpectRefusedToken(service_->ListCases(TestSystem(), walk).status());
}

TEST_P(TrackingStorageTest, ListProjectsPageTokensAreOpaqueBoundAndWalkEveryProjectOnce) {
  auto create = [&](const std::string& request_id, const std::string& topic) {
    v1::CreateProjectRequest req;
    req.set_request_id(request_id);
    req.mutable_project()->set_title("Project " + request_id);
    req.mutable_project()->set_topic(topic);
    auto* item = req.mutable_project()->add_action_items();
    item->set_title("act");
    item->mutable_owner()->set_department("logistics");
    return service_->CreateProject(TestSystem(), req).value().id();
  };
  std::set<std::string> present;
  for (int i = 0; i < 7; ++i) {
    present.insert(create("p-" + std::to_string(i), "logistics.delivery_delay"));
    if (i % 3 == 0) clock_.Advance(std::chrono::minutes(1));  // some share a create time
  }
  v1::ListProjectsRequest list;
  list.set_page_size(3);
  list.set_topic("logistics.delivery_delay");
  const auto first = service_->ListProjects(TestSystem(), list).value();
  ASSERT_EQ(first.projects_size(), 3);
  ASSERT_FALSE(first.next_page_token().empty());

  v1::ListProjectsRequest tampered = list;
  tampered.set_page_token(Tampered(first.next_page_token()));
  ExpectRefusedToken(service_->ListProjects(TestSystem(), tampered).status());
  v1::ListProjectsRequest other_filter = list;
  other_filter.set_topic("app");
  other_filter.set_page_token(first.next_page_token());
  ExpectRefusedToken(service_->ListProjects(TestSystem(), other_filter).status());

  std::map<std::string, int> seen;
  v1::ListProjectsRequest walk = list;
  for (int page = 0; page < 20; ++page) {
    const auto response = service_->ListProjects(TestSystem(), walk).value();
    for (const auto& p : response.projects()) ++seen[p.id()];
    create("p-added-" + std::to_string(page), "logistics.delivery_delay");
    if (page % 2) clock_.Advance(std::chrono::minutes(1));
    if (response.next_page_token().empty()) break;
    walk.set_page_token(response.next_page_token());
  }
  for (const auto& id : present) EXPECT_EQ(seen[id], 1) << id;
  for (const auto& [id, count] : seen) EXPECT_EQ(count, 1) << id << " returned twice";
}

// ---- the SLA clocks (issue 11) with the shipped policies and calendars ----

// One case_clocks row as stored, read with plain SQL.
struct StoredClock {
  std::string policy_id;
  std::optional<long long> due_ms, paused_since_ms, met_ms, next_check_ms;
  long long used_ms = 0;
};

class TrackingClocksStorageTest : public TrackingStorageTest {
 protected:
  void SetUp() override {
    TrackingStorageTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_TRUE(policies_.Reload().ok());
    clocked_ = std::make_unique<TrackingService>(*store_, clock_, relay_.get(), &policies_,
                                                 directory_);
  }

  v1::Case Complaint(const std::string& feedback_id, v1::Priority priority = v1::PRIORITY_P3) {
    v1::CreateCaseRequest req;
    req.set_request_id("complaint:" + feedback_id);
    req.mutable_case_()->set_kind(v1::CASE_KIND_COMPLAINT);
    req.mutable_case_()->set_feedback_id(feedback_id);
    req.mutable_case_()->set_customer_id("c-1");
    req.mutable_case_()->set_priority(priority);
    auto* owner = req.mutable_case_()->add_owners();
    owner->set_department("customer_success");
    owner->set_person("p-am");
    return clocked_->CreateCase(TestSystem(), req).value();
  }

  StoredClock Row(const std::string& case_id, const std::string& clock) {
    return db_->WithSession([&](soci::session& s) {
      StoredClock out;
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT policy_id, due_ms, used_ms, paused_since_ms, met_ms, next_check_ms"
                        " FROM case_clocks WHERE case_id = :id AND clock = :c",
           soci::use(case_id), soci::use(clock));
      auto optional_int = [](const soci::row& r, std::size_t i) -> std::optional<long long> {
        if (r.get_indicator(i) == soci::i_null) return std::nullopt;
        return r.get<long long>(i);
      };
      for (const soci::row& r : rows) {
        out.policy_id = r.get<std::string>(0);
        out.due_ms = optional_int(r, 1);
        out.used_ms = r.get<long long>(2);
        out.paused_since_ms = optional_int(r, 3);
        out.met_ms = optional_int(r, 4);
        out.next_check_ms = optional_int(r, 5);
      }
      return out;
    });
  }

  static long long Utc(int day, int hour, int minute = 0) {  // 2026-03-<day> hh:mm UTC
    return 1772409600000LL + (day - 2) * 86400000LL + hour * 3600000LL + minute * 60000LL;
  }

  SlaPolicySource policies_{"config/sla_policies.yaml", &sla::LoadSlaPolicies};
  std::unique_ptr<TrackingService> clocked_;
};

TEST_P(TrackingClocksStorageTest, ClockRowsFollowTheCaseEventsOnEachBackend) {
  // Monday 2026-03-02 09:00 in Shanghai (01:00 UTC): the complaint policy on
  // cn-office hours (09-12, 13-18): 8 h first response, 40 h resolution.
  clock_.Set(FromMillis(Utc(2, 1)));
  const v1::Case c = Complaint("fb-1");
  StoredClock first = Row(c.id(), "first_response");
  EXPECT_EQ(first.policy_id, "complaint");
  EXPECT_EQ(first.due_ms, Utc(2, 10)) << "Monday 18:00 Shanghai";
  ASSERT_TRUE(first.next_check_ms);
  EXPECT_LT(*first.next_check_ms, *first.due_ms) << "a warning comes before the breach";
  EXPECT_EQ(Row(c.id(), "resolution").due_ms, Utc(6, 10)) << "five working days: Friday 18:00";

  // Acknowledged Monday 11:00 Shanghai: 2 h of business time used.
  clock_.Set(FromMillis(Utc(2, 3)));
  v1::AcknowledgeCaseRequest ack;
  ack.set_name(c.name());
  ASSERT_TRUE(clocked_->AcknowledgeCase(TestSystem(), ack).ok());
  first = Row(c.id(), "first_response");
  EXPECT_EQ(first.met_ms, Utc(2, 3));
  EXPECT_EQ(first.used_ms, 2 * 3600000LL);
  EXPECT_FALSE(first.next_check_ms) << "nothing left for the sweeper";

  // Waiting on the customer from Monday 14:00 Shanghai: 4 h used (lunch excluded).
  clock_.Set(FromMillis(Utc(2, 6)));
  v1::LogCallbackRequest unreached;
  unreached.set_name(c.name());
  unreached.set_reached(false);
  ASSERT_TRUE(clocked_->LogCallback(TestSystem(), unreached).ok());
  StoredClock resolution = Row(c.id(), "resolution");
  EXPECT_FALSE(resolution.due_ms);
  EXPECT_FALSE(resolution.next_check_ms);
  EXPECT_EQ(resolution.paused_since_ms, Utc(2, 6));
  EXPECT_EQ(resolution.used_ms, 4 * 3600000LL);

  // Resumed Wednesday 09:00 Shanghai with 36 h left: 4.5 working days.
  clock_.Set(FromMillis(Utc(4, 1)));
  v1::ResumeCaseRequest resume;
  resume.set_name(c.name());
  ASSERT_TRUE(clocked_->ResumeCase(TestSystem(), resume).ok());
  resolution = Row(c.id(), "resolution");
  EXPECT_FALSE(resolution.paused_since_ms);
  EXPECT_EQ(resolution.due_ms, Utc(10, 6)) << "Tuesday 2026-03-10 14:00 Shanghai";
  EXPECT_TRUE(resolution.next_check_ms);

  // P1: complaint-urgent's 16 h, 4 h already used: 12 h from Wednesday 09:00.
  v1::ChangePriorityRequest urgent;
  urgent.set_name(c.name());
  urgent.set_priority(v1::PRIORITY_P1);
  const auto changed = clocked_->ChangePriority(TestSystem(), urgent);
  ASSERT_TRUE(changed.ok()) << changed.status();
  resolution = Row(c.id(), "resolution");
  EXPECT_EQ(resolution.policy_id, "complaint-urgent");
  EXPECT_EQ(resolution.due_ms, Utc(5, 6)) << "Thursday 14:00 Shanghai";
  EXPECT_EQ(ProtoToMillis(changed->due_time()), Utc(5, 6));
  EXPECT_EQ(changed->history(changed->history_size() - 1).action(), "sla_retargeted");

  v1::ResolveCaseRequest resolve;
  resolve.set_name(c.name());
  resolve.set_resolution_note("fixed");
  ASSERT_TRUE(clocked_->ResolveCase(TestSystem(), resolve).ok());
  resolution = Row(c.id(), "resolution");
  EXPECT_EQ(resolution.met_ms, Utc(4, 1));
  EXPECT_FALSE(resolution.next_check_ms);
  EXPECT_FALSE(clocked_->GetCase(TestSystem(), c.name()).value().has_due_time()) << "no clock left running";
}

TEST_P(TrackingClocksStorageTest, ListCasesOrdersAndFiltersByEitherDue) {
  clock_.Set(FromMillis(Utc(2, 1)));
  const v1::Case slow = Complaint("fb-slow");                     // first response Mon 18:00
  const v1::Case urgent = Complaint("fb-urgent", v1::PRIORITY_P1);  // first response Mon 11:00
  const v1::Case answered = Complaint("fb-answered");
  v1::AcknowledgeCaseRequest ack;
  ack.set_name(answered.name());
  ASSERT_TRUE(clocked_->AcknowledgeCase(TestSystem(), ack).ok());
  clock_.Set(FromMillis(Utc(2, 4)));  // Monday 12:00 Shanghai: urgent's first response is late

  auto list = [&](v1::DueClock clock, bool overdue_only, const std::string& department) {
    v1::ListCasesRequest req;
    req.set_due_clock(clock);
    req.set_overdue_only(overdue_only);
    req.set_department(department);
    std::vector<std::string> out;
    const v1::ListCasesResponse got = clocked_->ListCases(TestSystem(), req).value();
    for (const auto& c : got.cases()) out.push_back(c.feedback_id());
    return out;
  };
  for (const std::string department : {"", "customer_success"}) {
    EXPECT_EQ(list(v1::DUE_CLOCK_FIRST_RESPONSE, false, department),
              (std::vector<std::string>{"fb-urgent", "fb-slow", "fb-answered"}))
        << department;
    EXPECT_EQ(list(v1::DUE_CLOCK_FIRST_RESPONSE, true, department),
              (std::vector<std::string>{"fb-urgent"}));
    EXPECT_TRUE(list(v1::DUE_CLOCK_RESOLUTION, true, department).empty());
    // Resolution: urgent (16 h) before the two 40 h ones.
    EXPECT_EQ(list(v1::DUE_CLOCK_RESOLUTION, false, department).front(), "fb-urgent");
  }
  // The nearer open due, as before: the answered case by its resolution.
  EXPECT_EQ(list(v1::DUE_CLOCK_NEAREST, false, ""),
            (std::vector<std::string>{"fb-urgent", "fb-slow", "fb-answered"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, TrackingClocksStorageTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) {
                           return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

INSTANTIATE_TEST_SUITE_P(Backends, TrackingStorageTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) {
                           return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

// ---- two replicas' outbox relays on one PostgreSQL database ----

using namespace std::chrono_literals;

// One replica's publisher: real Redis, plus a hook that runs while the relay
// holds its first claimed batch, and optionally one event Redis "refuses"
// (the n-th event offered is not sent, nor any after it in its batch).
class ReplicaSink final : public queue::Publisher {
 public:
  ReplicaSink(queue::RedisOptions redis) : redis_(std::move(redis), queue::kTrackingStream) {}
  std::size_t Publish(const std::vector<queue::MessageFields>& batch) override {
    if (calls_++ == 0 && on_first_event) on_first_event();
    std::size_t take = batch.size();
    if (fail_call > offered_ && fail_call <= offered_ + static_cast<int>(batch.size())) {
      take = static_cast<std::size_t>(fail_call - offered_ - 1);
    }
    offered_ += static_cast<int>(batch.size());
    const std::vector<queue::MessageFields> accepted(batch.begin(), batch.begin() + static_cast<long>(take));
    const std::size_t sent = accepted.empty() ? 0 : redis_.Publish(accepted);
    published += static_cast<int>(sent);
    return sent;
  }
  std::function<void()> on_first_event;
  int fail_call = 0;  // 0: never
  std::atomic<int> published{0};

 private:
  int calls_ = 0;    // the relay runs one pass at a time
  int offered_ = 0;  // events offered so far
  queue::StreamPublisher redis_;
};

class TrackingRelayReplicasTest : public ::testing::Test {
 protected:
  static constexpr int kEvents = 2000;

  struct Replica {
    std::unique_ptr<storage::Database> db;
    std::unique_ptr<TrackingStore> store;
    std::unique_ptr<ReplicaSink> sink;
    std::unique_ptr<storage::OutboxRelay> relay;
  };

  void SetUp() override {
    if (!::voc::testing::PostgresServer::Available()) {
      GTEST_SKIP() << "PostgreSQL server binaries not installed";
    }
    postgres_ = std::make_unique<::voc::testing::PostgresServer>();
    postgres_->CreateDatabase("tracking");
    auto opened_db = storage::Database::Open(postgres_->Url("tracking"));
    ASSERT_TRUE(opened_db.ok()) << opened_db.status();
    db_ = *std::move(opened_db);
    const absl::StatusOr<int> version_db = db_->Migrate("tracking", TrackingMigrations());
    ASSERT_TRUE(version_db.ok()) << version_db.status();
    ASSERT_EQ(*version_db, TrackingMigrations().back().version);
    store_ = std::make_unique<TrackingStore>(*db_);
    // Events as the store writes them (payload as hex); the payload names
    // the event's position so the stream's order can be checked.
    db_->InTransaction([&](soci::session& s) {
      std::vector<std::string> ids, events, payloads;
      std::vector<long long> created;
      for (int i = 0; i < kEvents; ++i) {
        ids.push_back("ev-" + std::to_string(10000 + i));
        created.push_back(1772409600000LL + i);
        events.push_back("case_resolved");
        payloads.push_back(Hex(Payload(i)));
      }
      s << "INSERT INTO tracking_outbox (id, created_ms, event, payload_hex, published)"
           " VALUES (:id, :c, :e, :p, 0)",
          soci::use(ids), soci::use(created), soci::use(events), soci::use(payloads);
    });
    ASSERT_EQ(store_->PendingEvents(kEvents + 1).value().size(), static_cast<std::size_t>(kEvents));
    for (Replica* r : {&a_, &b_}) {
      auto opened_r_db = storage::Database::Open(postgres_->Url("tracking"), 2);
      ASSERT_TRUE(opened_r_db.ok()) << opened_r_db.status();
      r->db = *std::move(opened_r_db);
      r->store = std::make_unique<TrackingStore>(*r->db);
      queue::RedisOptions redis;
      redis.port = redis_.port();
      r->sink = std::make_unique<ReplicaSink>(redis);
      r->relay = std::make_unique<storage::OutboxRelay>(TrackingRelayOptions(std::chrono::milliseconds(0)),
                                                       TrackingEventBatches(*r->store, *r->sink));
    }
  }

  static std::string Payload(int i) { return "event-" + std::to_string(10000 + i); }
  static std::string Hex(const std::string& bytes) {
    static const char* kDigits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
    return out;
  }

  // Drains until nothing is pending (the other replica may still hold the
  // last events for a moment). Returns the events this relay published.
  int DrainUntilDone(Replica& r) {
    int published = 0;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (!store_->PendingEvents(1).value().empty() && std::chrono::steady_clock::now() < deadline) {
      published += static_cast<int>(r.relay->RelayPending());
    }
    return published;
  }

  // True once another session waits for a row lock in this database.
  bool SomeoneWaitsForARowLock() {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
      long long waiting = 0;
      db_->WithSession([&](soci::session& s) {
        s << "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
             " AND wait_event_type = 'Lock'",
            soci::into(waiting);
      });
      if (waiting > 0) return true;
    }
    return false;
  }

  // The payloads on voc:tracking, in stream order.
  std::vector<std::string> StreamPayloads() {
    queue::RedisOptions options;
    options.port = redis_.port();
    queue::RedisClient client(options);
    auto reply = client.Command({"XRANGE", queue::kTrackingStream, "-", "+"});
    std::vector<std::string> out;
    if (!reply || reply->type != REDIS_REPLY_ARRAY) return out;
    for (const auto& m : queue::ParseEntries(reply.get())) out.push_back(m.fields.at("payload"));
    return out;
  }

  void ExpectEveryEventOnTheStreamOnceInOrder() {
    const auto payloads = StreamPayloads();
    std::map<std::string, int> counts;
    for (const auto& p : payloads) ++counts[p];
    EXPECT_EQ(counts.size(), static_cast<std::size_t>(kEvents));
    int repeated = 0;
    for (const auto& [p, n] : counts) repeated += n != 1;
    EXPECT_EQ(repeated, 0) << "events published more than once";
    int out_of_order = 0;
    for (std::size_t i = 0; i < payloads.size(); ++i) out_of_order += payloads[i] != Payload(static_cast<int>(i));
    EXPECT_EQ(out_of_order, 0) << "events on the stream out of their order";
    EXPECT_TRUE(store_->PendingEvents(1).value().empty());
  }

  ::voc::testing::RedisServer redis_;
  std::unique_ptr<::voc::testing::PostgresServer> postgres_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<TrackingStore> store_;
  Replica a_, b_;
};

TEST_F(TrackingRelayReplicasTest, TwoRelaysPublishEachEventOnceAndInOrder) {
  // Relay A claims a batch and holds it until relay B is seen waiting for
  // A's row locks: B must neither take A's events too nor jump ahead of
  // them. Then both run freely over the rest.
  std::mutex mu;
  std::condition_variable cv;
  bool a_holds_batch = false;
  bool b_waited = false;
  a_.sink->on_first_event = [&] {
    {
      std::lock_guard lock(mu);
      a_holds_batch = true;
    }
    cv.notify_all();
    b_waited = SomeoneWaitsForARowLock();
  };

  int published_a = 0, published_b = 0;
  std::thread ta([&] { published_a = DrainUntilDone(a_); });
  std::thread tb([&] {
    {
      std::unique_lock lock(mu);
      cv.wait_for(lock, 30s, [&] { return a_holds_batch; });
    }
    published_b = DrainUntilDone(b_);
  });
  ta.join();
  tb.join();

  EXPECT_TRUE(b_waited) << "relay B never waited for the events relay A held";
  EXPECT_GT(published_a, 0);
  EXPECT_GT(published_b, 0);
  EXPECT_EQ(published_a + published_b, kEvents);
  EXPECT_EQ(a_.sink->published + b_.sink->published, kEvents);
  ExpectEveryEventOnTheStreamOnceInOrder();
}

TEST_F(TrackingRelayReplicasTest, EventsRedisDidNotTakeStayPendingAndGoOutOnceInOrder) {
  // A's 30th event is refused: the 29 before it are marked, the rest of the
  // batch is released, and the next drains (of either relay) carry on from
  // the refused event.
  a_.sink->fail_call = 30;
  EXPECT_EQ(a_.relay->RelayPending(), 29u);
  EXPECT_EQ(store_->PendingEvents(kEvents).value().size(), static_cast<std::size_t>(kEvents - 29));
  EXPECT_EQ(StreamPayloads().size(), 29u);

  int published_a = 0, published_b = 0;
  std::thread ta([&] { published_a = DrainUntilDone(a_); });
  std::thread tb([&] { published_b = DrainUntilDone(b_); });
  ta.join();
  tb.join();
  EXPECT_EQ(published_a + published_b, kEvents - 29);
  ExpectEveryEventOnTheStreamOnceInOrder();
}

}  // namespace
}  // namespace voc::tracking
