// Issue 11: triage's weak_signal and cluster_threshold alerts, on a real
// SQLite file with the shipped rule files and a recording notifier: each
// alert is sent once, through redelivery, a second instance (a replica or a
// restart) and a notifier outage.
#include "services/triage/triage_alerts.h"

#include <gtest/gtest.h>

#include <set>

#include "common/util/time.h"
#include "services/triage/analysis/factory.h"
#include "services/triage/triage_processor.h"
#include "tests/support/recording_notifier.h"
#include "tests/support/servers.h"
#include "tests/unit/triage/triage_test_support.h"

namespace voc::triage {
namespace {

using voc::testing::RecordingNotifier;

constexpr std::int64_t kDay0 = 1764028800000;  // 2025-11-25T00:00Z
constexpr std::int64_t kDayMs = 86400000;

class TriageAlertsTest : public TriageStoreTest {
 protected:
  TriageAlertsTest() : TriageStoreTest(FromMillis(kDay0 + 12 * 3600000)) {}
  void SetUp() override {
    TriageStoreTest::SetUp();
    if (HasFatalFailure()) return;
    outbox_ = std::make_unique<AlertOutbox>(*db_);
    alerts_ = std::make_unique<TriageAlerts>(*outbox_, notifier_, clock_);
    processor_->AttachAlerts(alerts_.get());
  }
  voc::v1::Feedback Feedback(const std::string& id, const std::string& text, int days_ago = 0) {
    voc::v1::Feedback f;
    f.set_id(id);
    f.set_channel(voc::v1::CHANNEL_REVIEW);
    f.set_text(text);
    *f.mutable_occurred_time() = voc::ToProto(FromMillis(kDay0 - days_ago * kDayMs));
    return f;
  }
  static WeakSignal Signal() {
    WeakSignal s;
    s.combination = "speed:慢 + food:凉";
    s.terms = {"慢", "凉"};
    s.day = kDay0 / kDayMs;
    s.count = 6;
    s.history_days = 28;
    s.expected = 0.1;
    s.p_value = 1e-7;
    s.first_seen_day = s.day;
    return s;
  }
  std::vector<Notification> SentOfKind(const std::string& kind) {
    std::vector<Notification> out;
    for (const Notification& n : notifier_.sent())
      if (n.kind == kind) out.push_back(n);
    return out;
  }

  RecordingNotifier notifier_;
  std::unique_ptr<AlertOutbox> outbox_;
  std::unique_ptr<TriageAlerts> alerts_;
};

TEST_F(TriageAlertsTest, AWeakSignalIsSentOnceWithItsTermsCountsAndWindow) {
  alerts_->WeakSignalEmerged(Signal());
  alerts_->WeakSignalEmerged(Signal());
  // A second replica (or a restart) announcing the same signal.
  TriageAlerts replica(*outbox_, notifier_, clock_);
  replica.WeakSignalEmerged(Signal());
  const auto sent = notifier_.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].kind, "weak_signal");
  EXPECT_EQ(sent[0].id, "triage:weak_signal:speed:慢 + food:凉:" + std::to_string(kDay0 / kDayMs));
  EXPECT_EQ(sent[0].params.at("signal"), "speed:慢 + food:凉");
  EXPECT_EQ(sent[0].params.at("terms"), "慢, 凉");
  EXPECT_EQ(sent[0].params.at("count"), "6");
  EXPECT_EQ(sent[0].params.at("window_days"), "28");
  EXPECT_EQ(sent[0].params.at("day"), "2025-11-25");
  EXPECT_NE(sent[0].params.at("detail").find("6 today (2025-11-25)"), std::string::npos) << sent[0].params.at("detail");
}

TEST_F(TriageAlertsTest, AnAlertTheNotifierRefusedIsSentOnceWhenItIsBack) {
  notifier_.set_failing(true);
  alerts_->WeakSignalEmerged(Signal());
  EXPECT_TRUE(notifier_.sent().empty());
  ASSERT_TRUE(alerts_->RetryUnsent().ok());  // still down
  EXPECT_TRUE(notifier_.sent().empty());
  notifier_.set_failing(false);
  // A restarted triage finds it in the database.
  TriageAlerts restarted(*outbox_, notifier_, clock_);
  ASSERT_TRUE(restarted.RetryUnsent().ok());
  ASSERT_TRUE(restarted.RetryUnsent().ok());
  alerts_->WeakSignalEmerged(Signal());
  const auto sent = notifier_.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].params.at("signal"), "speed:慢 + food:凉") << "the parameters survive the database";
  EXPECT_EQ(notifier_.attempts().size(), 3u) << "two refused tries, then the one delivery";
}

TEST_F(TriageAlertsTest, ClusterSizeStepsAreTheDocumentedOnes) {
  EXPECT_FALSE(IsClusterAlertStep(9));
  EXPECT_TRUE(IsClusterAlertStep(10));
  EXPECT_FALSE(IsClusterAlertStep(11));
  EXPECT_TRUE(IsClusterAlertStep(20));
  EXPECT_TRUE(IsClusterAlertStep(50));
  EXPECT_TRUE(IsClusterAlertStep(10000));
}

TEST_F(TriageAlertsTest, AClusterReachingTenAndTwentyIsAnnouncedOncePerStepThroughRedelivery) {
  const std::string text = "快递三天了还没到，物流信息一直不更新，太慢了";
  std::vector<voc::v1::Feedback> batch;
  for (int i = 0; i < 25; ++i) batch.push_back(Feedback("k" + std::to_string(i), text));
  for (const auto& f : batch) ASSERT_TRUE(processor_->Process(f).ok());
  for (const auto& result : processor_->ProcessBatch(batch)) ASSERT_TRUE(result.ok());  // redelivered
  const auto sent = SentOfKind("cluster_threshold");
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].params.at("cluster_size"), "10");
  EXPECT_EQ(sent[1].params.at("cluster_size"), "20");
  EXPECT_EQ(sent[0].params.at("cluster"), sent[1].params.at("cluster"));
  EXPECT_EQ(sent[0].id, "triage:cluster_threshold:" + sent[0].params.at("cluster") + ":10");
  EXPECT_EQ(sent[0].params.at("cluster_title").rfind("logistics", 0), 0u) << sent[0].params.at("cluster_title");
  EXPECT_EQ(sent[0].params.find("representative_text"), sent[0].params.end()) << "no customer text";
}

TEST_F(TriageAlertsTest, AnEmergingSignalFromStoredFeedbackIsAnnouncedOnceThroughRedelivery) {
  WeakSignalOptions options;
  options.groups = DefaultSignalGroups(*analyzer_->taxonomy().Current());
  WeakSignalDetector detector(options);
  processor_->AttachSignals(&detector);
  // A quiet history of another complaint, then a burst today.
  for (int d = 1; d <= 20; ++d) {
    ASSERT_TRUE(processor_->Process(Feedback("h" + std::to_string(d), "app更新以后一登录就闪退，根本用不了", d)).ok());
  }
  std::vector<voc::v1::Feedback> burst;
  for (int i = 0; i < 8; ++i) burst.push_back(Feedback("b" + std::to_string(i), "外卖送得太慢了，菜都凉了"));
  for (const auto& result : processor_->ProcessBatch(burst)) ASSERT_TRUE(result.ok());
  const auto first = SentOfKind("weak_signal");
  ASSERT_FALSE(first.empty()) << "the burst emerges";
  std::set<std::string> ids;
  for (const Notification& n : first) {
    EXPECT_TRUE(ids.insert(n.id).second) << "one alert per signal: " << n.id;
    EXPECT_GE(std::stoi(n.params.at("count")), 3);
    EXPECT_EQ(n.params.at("day"), "2025-11-25");
  }
  EXPECT_LT(first.size(), burst.size()) << "per signal, not per feedback";
  for (const auto& result : processor_->ProcessBatch(burst)) ASSERT_TRUE(result.ok());  // redelivered
  EXPECT_EQ(SentOfKind("weak_signal").size(), first.size());
}

}  // namespace
}  // namespace voc::triage
