// Shared fixtures for the tracking unit tests: a migrated SQLite file in a
// temp folder, a FakeClock, a recording notifier and a recording event sink.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "common/clock/clock.h"
#include "common/notify/notifier.h"
#include "common/storage/database.h"
#include "common/util/time.h"
#include "common/org/org_directory.h"
#include "common/queue/publisher.h"
#include "common/storage/outbox_relay.h"
#include "services/tracking/event_relay.h"
#include "services/tracking/store/migrations.h"
#include "services/tracking/store/tracking_store.h"
#include "services/tracking/tracking_service.h"
#include "tests/unit/tracking/test_callers.h"
#include "tests/support/recording_notifier.h"
#include "tests/support/servers.h"

namespace voc::tracking::testing {

// 2026-03-02T00:00:00Z
inline TimePoint StartTime() { return FromMillis(1772409600000LL); }

using voc::testing::RecordingNotifier;

// voc:tracking as a list of {event, payload}; `failing` is Redis down.
class RecordingPublisher final : public queue::Publisher {
 public:
  std::size_t Publish(const std::vector<queue::MessageFields>& batch) override {
    std::lock_guard lock(mu_);
    if (failing) return 0;
    for (const auto& fields : batch) events.emplace_back(fields.at("event"), fields.at("payload"));
    return batch.size();
  }
  std::mutex mu_;
  std::atomic<bool> failing{false};
  std::vector<std::pair<std::string, std::string>> events;
};

inline const char kDirectoryYaml[] = R"(
departments:
  - {id: customer_success, name: {zh: 客户成功部, en: Customer Success}, head: p-head-cs}
  - {id: executive, name: {zh: 总裁办, en: Executive}, head: p-ceo}
people:
  - {id: p-ceo, name: CEO, department: executive}
  - {id: p-head-cs, name: Head CS, department: customer_success, manager: p-ceo}
  - {id: p-am, name: Account Manager, department: customer_success, manager: p-head-cs}
  - {id: p-am-left, name: Former AM, department: customer_success, manager: p-head-cs, active: false}
)";

// A migrated tracking database on a temp SQLite file, plus the pieces every
// test needs.
class TrackingFixture : public ::testing::Test {
 protected:
  TrackingFixture() : clock_(StartTime()) {}

  void SetUp() override {
    auto opened_db = storage::Database::Open("sqlite3://" + dir_.path() + "/tracking.db");
    ASSERT_TRUE(opened_db.ok()) << opened_db.status();
    db_ = *std::move(opened_db);
    ASSERT_EQ(db_->Migrate("tracking", TrackingMigrations()).status(), absl::OkStatus());
    store_ = std::make_unique<TrackingStore>(*db_);
    // The relay's loop stays off: TrackingService relays after each change.
    relay_ = std::make_unique<storage::OutboxRelay>(TrackingRelayOptions(std::chrono::milliseconds(0)),
                                                    TrackingEventBatches(*store_, sink_));
    service_ = std::make_unique<TrackingService>(*store_, clock_, relay_.get());
    directory_ = std::make_shared<const org::OrgDirectory>(
        org::OrgDirectory::Parse(kDirectoryYaml).value());
  }

  // A detractor callback owned by p-am, due 24 h after the feedback arrived.
  v1::CreateCaseRequest CallbackRequest(const std::string& feedback_id,
                                        TimePoint received) const {
    v1::CreateCaseRequest req;
    req.set_request_id("callback:" + feedback_id);
    v1::Case* c = req.mutable_case_();
    c->set_kind(v1::CASE_KIND_DETRACTOR_CALLBACK);
    c->set_feedback_id(feedback_id);
    c->set_customer_id("c-1");
    c->set_title("Call back");
    auto* owner = c->add_owners();
    owner->set_department("customer_success");
    owner->set_person("p-am");
    *req.mutable_sla() = ToProto(std::chrono::hours(24));
    *req.mutable_reference_time() = ToProto(received);
    return req;
  }

  v1::Case MustCreate(const v1::CreateCaseRequest& req) {
    auto result = service_->CreateCase(TestSystem(), req);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : std::string(result.status().message()));
    return result.value();
  }

  ::voc::testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<TrackingStore> store_;
  RecordingPublisher sink_;
  std::unique_ptr<storage::OutboxRelay> relay_;
  std::unique_ptr<TrackingService> service_;
  std::shared_ptr<const org::OrgDirectory> directory_;
};

}  // namespace voc::tracking::testing
