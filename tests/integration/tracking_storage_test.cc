// The tracking store on both backends it must run on: SQLite (a temp file)
// and a real PostgreSQL started for the test. Covers the SQL that differs
// most between them: ON CONFLICT, conditional updates with affected-row
// counts, NULL handling, LIMIT/OFFSET, and truly concurrent sweepers.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "common/clock/clock.h"
#include "common/notify/notifier.h"
#include "common/storage/database.h"
#include "common/util/time.h"
#include "services/assignment/directory/org_directory.h"
#include "services/tracking/outbox_relay.h"
#include "services/tracking/sla_sweeper.h"
#include "services/tracking/store/migrations.h"
#include "services/tracking/store/tracking_store.h"
#include "services/tracking/tracking_service.h"
#include "tests/support/recording_notifier.h"
#include "tests/support/servers.h"

namespace voc::tracking {
namespace {

using std::chrono::hours;

using voc::testing::RecordingNotifier;

class NullSink final : public EventSink {
 public:
  bool Publish(const std::string& event, const std::string&) override {
    std::lock_guard lock(mu);
    events.push_back(event);
    return true;
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
    db_ = storage::Database::Open(url, 6);
    ASSERT_EQ(db_->Migrate("tracking", TrackingMigrations()), 1);
    store_ = std::make_unique<TrackingStore>(*db_);
    relay_ = std::make_unique<OutboxRelay>(*store_, sink_);
    service_ = std::make_unique<TrackingService>(*store_, clock_, relay_.get());
    directory_ =
        std::make_shared<const org::OrgDirectory>(org::OrgDirectory::FromString(kDirectory));
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
  std::unique_ptr<OutboxRelay> relay_;
  std::unique_ptr<TrackingService> service_;
  std::shared_ptr<const org::OrgDirectory> directory_;
};

std::unique_ptr<::voc::testing::PostgresServer> TrackingStorageTest::postgres_;
int TrackingStorageTest::database_counter_ = 0;

TEST_P(TrackingStorageTest, CaseRoundTripsAndCreateIsIdempotent) {
  auto first = service_->CreateCase(Callback("fb-1"));
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto again = service_->CreateCase(Callback("fb-1"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value().id(), first.value().id());

  auto got = service_->GetCase(first.value().name());
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
  EXPECT_EQ(service_->ListCases(list).value().cases_size(), 1);
}

TEST_P(TrackingStorageTest, ConcurrentCreatesOfOneRequestMakeOneCase) {
  std::vector<std::thread> threads;
  std::set<std::string> ids;
  std::mutex mu;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      auto r = service_->CreateCase(Callback("fb-race"));
      ASSERT_TRUE(r.ok()) << r.error().message;
      std::lock_guard lock(mu);
      ids.insert(r.value().id());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ids.size(), 1u);
}

TEST_P(TrackingStorageTest, TransitionsHistoryAndEventsPersist) {
  const v1::Case c = service_->CreateCase(Callback("fb-1")).value();
  v1::LogCallbackRequest cb;
  cb.set_name(c.name());
  cb.set_actor("p-am");
  cb.set_reached(true);
  cb.set_note("talked for 10 minutes");
  ASSERT_TRUE(service_->LogCallback(cb).ok());
  v1::ResolveCaseRequest resolve;
  resolve.set_name(c.name());
  resolve.set_actor("p-am");
  resolve.set_resolution_note("refund issued");
  const auto resolved = service_->ResolveCase(resolve);
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved.value().state(), v1::CASE_STATE_RESOLVED);
  EXPECT_EQ(resolved.value().callbacks_size(), 1);
  EXPECT_EQ(resolved.value().history_size(), 3);
  EXPECT_EQ(sink_.events, std::vector<std::string>{"case_resolved"});
  EXPECT_TRUE(store_->PendingEvents(10).empty());
}

TEST_P(TrackingStorageTest, ListOrdersOverdueFirstAndPages) {
  for (int i = 0; i < 5; ++i) {
    auto req = Callback("fb-" + std::to_string(i));
    // due in 24h - i*10h: fb-3 and fb-4 are already overdue.
    *req.mutable_reference_time() = ToProto(clock_.Now() - hours(10 * i));
    ASSERT_TRUE(service_->CreateCase(req).ok());
  }
  v1::ListCasesRequest list;
  list.set_page_size(3);
  list.set_open_only(true);
  auto page1 = service_->ListCases(list).value();
  ASSERT_EQ(page1.cases_size(), 3);
  EXPECT_EQ(page1.cases(0).feedback_id(), "fb-4");
  EXPECT_TRUE(page1.cases(0).overdue());
  EXPECT_EQ(page1.cases(1).feedback_id(), "fb-3");
  EXPECT_EQ(page1.cases(2).feedback_id(), "fb-2");
  EXPECT_FALSE(page1.cases(2).overdue());
  list.set_page_token(page1.next_page_token());
  auto page2 = service_->ListCases(list).value();
  ASSERT_EQ(page2.cases_size(), 2);
  EXPECT_EQ(page2.cases(1).feedback_id(), "fb-0");

  v1::ListCasesRequest overdue;
  overdue.set_overdue_only(true);
  overdue.set_department("customer_success");
  overdue.set_owner("p-am");
  overdue.set_kind(v1::CASE_KIND_DETRACTOR_CALLBACK);
  overdue.set_state(v1::CASE_STATE_OPEN);
  overdue.set_customer_id("c-1");
  EXPECT_EQ(service_->ListCases(overdue).value().cases_size(), 2);
}

TEST_P(TrackingStorageTest, ConcurrentSweepersEscalateEachBreachExactlyOnce) {
  for (int i = 0; i < 12; ++i) ASSERT_TRUE(service_->CreateCase(Callback("fb-" + std::to_string(i))).ok());
  clock_.Advance(hours(25));
  RecordingNotifier notifier;
  std::vector<std::unique_ptr<TrackingStore>> stores;
  std::vector<std::unique_ptr<SlaSweeper>> sweepers;
  for (int i = 0; i < 3; ++i) {
    stores.push_back(std::make_unique<TrackingStore>(*db_));
    sweepers.push_back(std::make_unique<SlaSweeper>(*stores.back(), clock_, notifier, directory_));
  }
  std::atomic<int> escalated{0};
  std::vector<std::thread> threads;
  for (auto& sweeper : sweepers) {
    threads.emplace_back([&, s = sweeper.get()] {
      for (int round = 0; round < 2; ++round) escalated += s->SweepOnce().escalated_cases.size();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(escalated.load(), 12);
  EXPECT_EQ(notifier.sent().size(), 12u);
  std::set<std::string> cases;
  for (const auto& n : notifier.sent()) {
    cases.insert(n.case_id);
    EXPECT_EQ(n.recipients, std::vector<std::string>{"p-head"});
  }
  EXPECT_EQ(cases.size(), 12u);
  // A restarted sweeper finds nothing left to do.
  TrackingStore fresh(*db_);
  SlaSweeper restarted(fresh, clock_, notifier, directory_);
  const SweepReport report = restarted.SweepOnce();
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
  const v1::Project p = service_->CreateProject(req).value();
  v1::Project last;
  for (const auto& item : p.action_items()) {
    v1::CompleteActionItemRequest done;
    done.set_name(item.name());
    auto r = service_->CompleteActionItem(done);
    ASSERT_TRUE(r.ok()) << r.error().message;
    last = r.value();
  }
  EXPECT_EQ(last.state(), v1::PROJECT_STATE_CLOSED);
  EXPECT_TRUE(last.has_close_time());
  v1::ReopenProjectRequest reopen;
  reopen.set_name(p.name());
  reopen.set_evidence("no significant drop");
  auto reopened = service_->ReopenProject(reopen);
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  EXPECT_EQ(reopened.value().reopen_count(), 1);
  EXPECT_FALSE(reopened.value().has_close_time());
  EXPECT_EQ(sink_.events, (std::vector<std::string>{"project_closed", "project_reopened"}));

  v1::ListProjectsRequest list;
  list.set_state(v1::PROJECT_STATE_OPEN);
  EXPECT_EQ(service_->ListProjects(list).value().projects_size(), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, TrackingStorageTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) {
                           return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace voc::tracking
