// The triage stage's logic on a real SQLite file with the shipped rule files
// (config/), a fake clock, and no network.
#include "services/triage/triage_processor.h"

#include <gtest/gtest.h>

#include <set>

#include "common/util/time.h"
#include "services/triage/analysis/factory.h"
#include "tests/support/servers.h"
#include "tests/unit/triage/triage_test_support.h"

namespace voc::triage {
namespace {

class TriageProcessorTest : public TriageStoreTest {
 protected:
  TriageProcessorTest() : TriageStoreTest(FromMillis(kDay0)) {}

  void SetUp() override {
    TriageStoreTest::SetUp();
    if (HasFatalFailure()) return;
  }

  voc::v1::Feedback Feedback(const std::string& id, const std::string& text, int occurred_day = 0) {
    voc::v1::Feedback f;
    f.set_id(id);
    f.set_channel(voc::v1::CHANNEL_REVIEW);
    f.set_text(text);
    *f.mutable_occurred_time() = voc::ToProto(FromMillis(kDay0 + occurred_day * 86400000LL));
    return f;
  }

  static constexpr std::int64_t kDay0 = 1764028800000;  // 2025-11-25T00:00Z
};

TEST_F(TriageProcessorTest, StoresExactlyOneResultPerFeedback) {
  auto f = Feedback("f1", "快递三天还没到，太慢了，非常失望");
  bool first_new = false, second_new = true;
  auto first = processor_->Process(f, &first_new).value();
  clock_.Advance(std::chrono::hours(1));
  auto second = processor_->Process(f, &second_new).value();
  EXPECT_TRUE(first_new);
  EXPECT_FALSE(second_new);
  // The redelivery returns the stored result, not a fresh analysis.
  EXPECT_EQ(ProtoToMillis(first.result().analyzed_time()), ProtoToMillis(second.result().analyzed_time()));
  EXPECT_EQ(store_->Count(0, kDay0 + 86400000LL, "").value().total, 1);
}

TEST_F(TriageProcessorTest, ReadsSentimentTopicsAndDepartment) {
  auto triaged = processor_->Process(Feedback("f2", "快递三天还没到，物流信息一直不更新，太慢了")).value();
  EXPECT_EQ(triaged.result().sentiment(), voc::v1::SENTIMENT_NEGATIVE);
  bool logistics = false;
  for (const auto& t : triaged.result().topics()) {
    if (t.topic().rfind("logistics", 0) == 0) {
      logistics = true;
      EXPECT_EQ(t.department(), "logistics");
    }
  }
  EXPECT_TRUE(logistics);
}

TEST_F(TriageProcessorTest, RedLineInTheMiddleOfAComplaintIsP1) {
  auto triaged = processor_->Process(
      Feedback("f3", "车开了两个月，昨天高速上刹车失灵，差点出事故，你们必须给个说法")).value();
  ASSERT_GT(triaged.result().red_lines_size(), 0);
  EXPECT_EQ(triaged.result().red_lines(0).category(), voc::v1::RED_LINE_CATEGORY_SAFETY);
  EXPECT_EQ(triaged.result().priority(), voc::v1::PRIORITY_P1);
}

TEST_F(TriageProcessorTest, DetractorScoreSetsTheNpsCategory) {
  auto f = Feedback("f4", "service was slow");
  f.set_channel(voc::v1::CHANNEL_NPS_SURVEY);
  f.set_nps(3);
  EXPECT_EQ(processor_->Process(f).value().result().nps_category(), voc::v1::NPS_CATEGORY_DETRACTOR);
  auto p = Feedback("f5", "great");
  p.set_nps(9);
  EXPECT_EQ(processor_->Process(p).value().result().nps_category(), voc::v1::NPS_CATEGORY_PROMOTER);
}

TEST_F(TriageProcessorTest, SimilarComplaintsShareAClusterThatSurvivesARestart) {
  auto a = processor_->Process(Feedback("c1", "快递三天了还没到，物流信息一直不更新，太慢了")).value();
  auto b = processor_->Process(Feedback("c2", "快递三天还没到，物流信息也一直不更新，太慢了吧")).value();
  auto c = processor_->Process(Feedback("c3", "app更新以后一登录就闪退，根本用不了")).value();
  ASSERT_FALSE(a.result().cluster_id().empty());
  EXPECT_EQ(a.result().cluster_id(), b.result().cluster_id());
  EXPECT_NE(a.result().cluster_id(), c.result().cluster_id());

  // A new process rebuilds the index from the stored members.
  TriageProcessor restarted(*analyzer_, *store_, clock_);
  ASSERT_TRUE(restarted.RestoreClusters().ok());
  auto cluster = restarted.clusters().Get(std::stoull(a.result().cluster_id()));
  ASSERT_TRUE(cluster.has_value());
  EXPECT_EQ(cluster->size, 2u);
  auto d = restarted.Process(Feedback("c4", "快递三天还没到，物流信息一直都不更新，太慢了")).value();
  EXPECT_EQ(d.result().cluster_id(), a.result().cluster_id());
}

TEST_F(TriageProcessorTest, CountsNegativeFeedbackPerTopicInAWindow) {
  processor_->Process(Feedback("w1", "快递三天还没到，太慢了", 0)).value();
  processor_->Process(Feedback("w2", "物流太慢了，快递一周才到", 1)).value();
  processor_->Process(Feedback("w3", "app一打开就闪退，太差了", 1)).value();
  processor_->Process(Feedback("w4", "快递很快，很满意", 1)).value();
  processor_->Process(Feedback("w5", "物流太慢了", 10)).value();  // outside the window
  auto counts = store_->Count(kDay0, kDay0 + 2 * 86400000LL, "logistics").value();
  EXPECT_EQ(counts.total, 4);
  EXPECT_EQ(counts.negative, 3);
  EXPECT_EQ(counts.topic_negative, 2);
  // Topic ids match exactly: '_' is no wildcard and case counts.
  EXPECT_EQ(store_->Count(kDay0, kDay0 + 2 * 86400000LL, "logistic_").value().topic_negative, 0);
  EXPECT_EQ(store_->Count(kDay0, kDay0 + 2 * 86400000LL, "LOGISTICS").value().topic_negative, 0);
}

TEST_F(TriageProcessorTest, TheCappedIndexKeepsItsBoundAndARestartKeepsTheSameMembersAndSizes) {
  ProcessorOptions options;
  options.clusters.max_members_per_cluster = 2;
  options.clusters.max_members = 3;
  TriageProcessor capped(*analyzer_, *store_, clock_, options);
  const char* late[] = {"快递三天了还没到，物流信息一直不更新，太慢了", "快递三天还没到，物流信息也一直不更新，太慢了吧",
                        "快递三天还没到，物流信息一直都不更新，太慢了"};
  std::string cluster_id;
  for (int i = 0; i < 6; ++i) {
    const auto triaged = capped.Process(Feedback("k" + std::to_string(i), late[i % 3])).value();
    if (i == 0) cluster_id = triaged.result().cluster_id();
    ASSERT_EQ(triaged.result().cluster_id(), cluster_id) << i;
  }
  capped.Process(Feedback("other", "app更新以后一登录就闪退，根本用不了")).value();
  EXPECT_EQ(capped.clusters().member_count(), 3u) << "the overall cap";
  const auto live = capped.clusters().Get(std::stoull(cluster_id));
  ASSERT_TRUE(live.has_value());
  EXPECT_EQ(live->size, 6u) << "evicted members still count";
  EXPECT_EQ(live->member_ids.size(), 2u);
  EXPECT_EQ(store_->LoadClusterMembers().value().size(), 7u) << "the database keeps the whole window";

  TriageProcessor restarted(*analyzer_, *store_, clock_, options);
  ASSERT_TRUE(restarted.RestoreClusters().ok());
  EXPECT_EQ(restarted.clusters().member_count(), 3u);
  const auto again = restarted.clusters().Get(std::stoull(cluster_id));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->size, live->size);
  EXPECT_EQ(again->member_ids, live->member_ids);
  EXPECT_EQ(again->first_seen, live->first_seen);
}

TEST_F(TriageProcessorTest, PruningKeepsOnlyTheClustersInsideTheWindowAndARestartRestoresOnlyThose) {
  ProcessorOptions options;
  options.cluster_window = std::chrono::hours(24 * 10);
  TriageProcessor windowed(*analyzer_, *store_, clock_, options);
  clock_.Advance(std::chrono::hours(24 * 8));
  const auto old_a = windowed.Process(Feedback("old-a", "快递三天了还没到，物流信息一直不更新，太慢了", 0)).value();
  const auto old_b = windowed.Process(Feedback("old-b", "快递三天还没到，物流信息也一直不更新，太慢了吧", 0)).value();
  const auto new_a = windowed.Process(Feedback("new-a", "app更新以后一登录就闪退，根本用不了", 8)).value();
  const auto new_b = windowed.Process(Feedback("new-b", "app更新以后一登录就闪退，完全用不了", 8)).value();
  ASSERT_EQ(old_a.result().cluster_id(), old_b.result().cluster_id());
  ASSERT_EQ(new_a.result().cluster_id(), new_b.result().cluster_id());
  const std::uint64_t old_cluster = std::stoull(old_a.result().cluster_id());
  const std::uint64_t new_cluster = std::stoull(new_a.result().cluster_id());

  // Day 13: the window (10 days) starts at day 3. Even before pruning, a
  // paraphrase of the old complaint starts a new cluster.
  clock_.Advance(std::chrono::hours(24 * 5));
  const auto late = windowed.Process(Feedback("late", "快递三天还没到，物流信息一直都不更新，太慢了", 13)).value();
  EXPECT_NE(late.result().cluster_id(), old_a.result().cluster_id());

  EXPECT_EQ(windowed.Prune().value(), 2u);
  EXPECT_FALSE(windowed.clusters().Get(old_cluster).has_value());
  ASSERT_TRUE(windowed.clusters().Get(new_cluster).has_value());
  EXPECT_EQ(windowed.clusters().Get(new_cluster)->size, 2u);
  std::set<std::string> stored;
  const auto members = store_->LoadClusterMembers().value();
  for (const auto& m : members) stored.insert(m.feedback_id);
  EXPECT_EQ(stored, (std::set<std::string>{"new-a", "new-b", "late"})) << "the database keeps the window too";
  // The results keep their cluster id.
  EXPECT_EQ(store_->GetResult("old-a").value()->triaged.result().cluster_id(), old_a.result().cluster_id());

  // A restart restores only the clusters inside the window.
  TriageProcessor restarted(*analyzer_, *store_, clock_, options);
  ASSERT_TRUE(restarted.RestoreClusters().ok());
  EXPECT_EQ(restarted.clusters().member_count(), 3u);
  EXPECT_EQ(restarted.clusters().cluster_count(), windowed.clusters().cluster_count());
  EXPECT_FALSE(restarted.clusters().Get(old_cluster).has_value());
  ASSERT_TRUE(restarted.clusters().Get(new_cluster).has_value());
  EXPECT_EQ(restarted.clusters().Get(new_cluster)->member_ids, windowed.clusters().Get(new_cluster)->member_ids);
  // And new ids still continue after every id ever given.
  const auto fresh = restarted.Process(Feedback("fresh", "酒店前台态度很差，入住等了一个小时", 13)).value();
  EXPECT_GT(std::stoull(fresh.result().cluster_id()), std::stoull(late.result().cluster_id()));
}

}  // namespace
}  // namespace voc::triage
