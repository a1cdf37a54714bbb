#include <gtest/gtest.h>

#include <set>

#include "services/triage/analysis/clusters/similar_complaints.h"

namespace voc::triage {
namespace {

TEST(SignatureTest, IdenticalAfterPunctuationAndCaseAreIdentical) {
  EXPECT_EQ(ComputeSignature("快递太慢了!!!"), ComputeSignature("快递太慢了"));
  EXPECT_EQ(ComputeSignature("Flight DELAYED again"), ComputeSignature("flight delayed again."));
}

TEST(SignatureTest, SimilarityTracksOverlap) {
  const auto a = ComputeSignature("外卖送了一个半小时才到，饭菜全都凉了");
  const auto b = ComputeSignature("一个半小时才送到，饭菜全都凉了，太慢");
  const auto c = ComputeSignature("手机屏幕有划痕，包装也破损了");
  EXPECT_GT(EstimatedSimilarity(a, b), 0.4);
  EXPECT_LT(EstimatedSimilarity(a, c), 0.15);
}

TEST(SignatureTest, EncodeDecodeRoundTrip) {
  const auto s = ComputeSignature("酒店前台态度很差");
  const std::string hex = EncodeSignature(s);
  EXPECT_EQ(hex.size(), 256u);
  EXPECT_EQ(DecodeSignature(hex), s);
  EXPECT_FALSE(DecodeSignature("xyz").has_value());
  EXPECT_FALSE(DecodeSignature(std::string(256, 'g')).has_value());
}

TEST(ClusterIndexTest, ParaphrasesJoinAndUnrelatedComplaintsDoNot) {
  ClusterIndex index;
  // Chinese: courier delay paraphrases.
  const auto c1 = index.Add("f1", "外卖送了一个半小时才到，饭菜全都凉了", 100, {"logistics.delivery_delay"});
  const auto c2 = index.Add("f2", "一个半小时才送到，饭菜全都凉了，太慢", 110, {"logistics.delivery_delay", "food.temperature"});
  const auto c3 = index.Add("f3", "送了一个半小时才到!饭菜全凉了", 120, {"food.temperature"});
  // English: app crash paraphrases.
  const auto e1 = index.Add("f4", "the app crashes every time I open my boarding pass", 130);
  const auto e2 = index.Add("f5", "app crashes every time i try to open the boarding pass", 140);
  // Unrelated complaints.
  const auto u1 = index.Add("f6", "手机屏幕有划痕，包装也破损了", 150);
  const auto u2 = index.Add("f7", "酒店前台态度很差，房间还有异味", 160);
  const auto u3 = index.Add("f8", "lost my luggage and nobody answers the phone", 170);

  EXPECT_TRUE(c1.new_cluster);
  EXPECT_FALSE(c2.new_cluster);
  EXPECT_FALSE(c3.new_cluster);
  EXPECT_EQ(c2.cluster_id, c1.cluster_id);
  EXPECT_EQ(c3.cluster_id, c1.cluster_id);
  EXPECT_GE(c2.similarity, 0.4);
  EXPECT_TRUE(e1.new_cluster);
  EXPECT_EQ(e2.cluster_id, e1.cluster_id);
  EXPECT_NE(e1.cluster_id, c1.cluster_id);
  const std::set<std::uint64_t> distinct = {c1.cluster_id, e1.cluster_id, u1.cluster_id, u2.cluster_id, u3.cluster_id};
  EXPECT_EQ(distinct.size(), 5u);
  EXPECT_TRUE(u1.new_cluster && u2.new_cluster && u3.new_cluster);

  const auto cluster = index.Get(c1.cluster_id);
  ASSERT_TRUE(cluster.has_value());
  EXPECT_EQ(cluster->size, 3u);
  EXPECT_EQ(cluster->first_seen, 100);
  EXPECT_EQ(cluster->last_seen, 120);
  EXPECT_EQ(cluster->member_ids, (std::vector<std::string>{"f1", "f2", "f3"}));
  EXPECT_EQ(cluster->topic_counts.at("logistics.delivery_delay"), 2u);
  EXPECT_EQ(cluster->topic_counts.at("food.temperature"), 2u);
  EXPECT_FALSE(cluster->representative_text.empty());

  const auto listed = index.List(/*min_size=*/2);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, c1.cluster_id);  // largest first
  EXPECT_EQ(listed[1].id, e1.cluster_id);
}

TEST(ClusterIndexTest, RestoredStateClustersLikeTheOriginal) {
  ClusterIndex original;
  struct Row {
    std::string id;
    std::string signature;
    std::uint64_t cluster;
    std::int64_t ts;
  };
  std::vector<Row> persisted;
  const char* texts[] = {"房间隔音太差，晚上根本睡不着", "隔音太差了，晚上吵得睡不着", "早餐种类太少，味道一般"};
  std::int64_t ts = 1;
  for (const char* t : texts) {
    const auto a = original.Add("r" + std::to_string(ts), t, ts);
    persisted.push_back({"r" + std::to_string(ts), EncodeSignature(a.signature), a.cluster_id, ts});
    ++ts;
  }
  ClusterIndex restored;
  for (const auto& row : persisted)
    restored.Restore(row.id, *DecodeSignature(row.signature), row.cluster, row.ts);
  EXPECT_EQ(restored.cluster_count(), original.cluster_count());
  EXPECT_EQ(restored.member_count(), 3u);
  const auto next = restored.Add("r9", "房间隔音太差，晚上睡不着觉", 9);
  EXPECT_EQ(next.cluster_id, persisted[0].cluster);
  EXPECT_FALSE(next.new_cluster);
  const auto fresh = restored.Add("r10", "停车场收费太贵了", 10);
  EXPECT_TRUE(fresh.new_cluster);
  EXPECT_GT(fresh.cluster_id, persisted[2].cluster) << "new ids continue after restored ones";
}

TEST(ClusterIndexTest, EmptyAndEmojiOnlyTextsDoNotCollapseTogether) {
  ClusterIndex index;
  const auto a = index.Add("a", "😡😡", 1);
  const auto b = index.Add("b", "👎", 2);
  EXPECT_NE(a.cluster_id, b.cluster_id);
  const auto c = index.Add("c", "😡😡", 3);
  EXPECT_EQ(c.cluster_id, a.cluster_id);
}

}  // namespace
}  // namespace voc::triage

namespace voc::triage {
namespace {

TEST(ClusterIndexTest, ForgottenMembersAreNoLongerMatchedButClustersRemain) {
  ClusterIndex index;
  const auto old = index.Add("a", "热水器漏水，师傅上门也没修好", 100);
  index.ForgetBefore(200);
  const auto again = index.Add("b", "热水器漏水，师傅上门也没修好", 300);
  EXPECT_TRUE(again.new_cluster);
  EXPECT_NE(again.cluster_id, old.cluster_id);
  EXPECT_TRUE(index.Get(old.cluster_id).has_value());
  const auto third = index.Add("c", "热水器漏水，师傅上门还是没修好", 310);
  EXPECT_EQ(third.cluster_id, again.cluster_id) << "recent members still match";
}

}  // namespace
}  // namespace voc::triage

namespace voc::triage {
namespace {

ClusterAssignment AssignText(ClusterIndex& index, const std::string& id, const std::string& text, std::int64_t ts,
                             std::int64_t not_before, std::uint64_t& next_id) {
  const std::vector<std::string> topics = {"home.water_heater"};
  return index.Assign(NewMember{id, ComputeSignature(text), text, ts, &topics}, not_before,
                      [&] { return next_id++; });
}

TEST(ClusterIndexTest, AssignTakesNewIdsFromTheCallerAndSkipsMembersBeforeTheWindow) {
  ClusterIndex index;
  std::uint64_t next_id = 500;  // e.g. a counter shared by every replica
  const auto first = AssignText(index, "a", "热水器漏水，师傅上门也没修好", 100, 0, next_id);
  EXPECT_TRUE(first.new_cluster);
  EXPECT_EQ(first.cluster_id, 500u);
  const auto joined = AssignText(index, "b", "热水器漏水，师傅上门还是没修好", 150, 0, next_id);
  EXPECT_EQ(joined.cluster_id, 500u);
  EXPECT_EQ(joined.best_match_id, "a");
  // With the window starting after both, neither is matched (pruned or not).
  const auto late = AssignText(index, "c", "热水器漏水，师傅上门也没修好", 300, 200, next_id);
  EXPECT_TRUE(late.new_cluster);
  EXPECT_EQ(late.cluster_id, 501u);
  EXPECT_EQ(next_id, 502u);
}

TEST(ClusterIndexTest, PruningDropsMembersBeforeTheCutoffAndMatchesARestoreOfTheKeptOnes) {
  ClusterIndex index;
  std::uint64_t next_id = 1;
  const auto old = AssignText(index, "a", "热水器漏水，师傅上门也没修好", 100, 0, next_id);
  AssignText(index, "b", "热水器漏水，师傅上门还是没修好", 110, 0, next_id);
  const auto mixed = AssignText(index, "c", "app一登录就闪退，根本用不了", 120, 0, next_id);
  AssignText(index, "d", "app一登录就闪退，完全用不了", 400, 0, next_id);
  AssignText(index, "e", "app一登录就闪退，根本没法用", 410, 0, next_id);
  EXPECT_EQ(index.PruneBefore(200), 3u);
  EXPECT_EQ(index.member_count(), 2u);
  EXPECT_FALSE(index.Get(old.cluster_id).has_value()) << "a cluster with no member left goes";
  const auto kept = index.Get(mixed.cluster_id);
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->size, 2u);
  EXPECT_EQ(kept->first_seen, 400);
  EXPECT_EQ(kept->member_ids, (std::vector<std::string>{"d", "e"}));
  EXPECT_EQ(kept->topic_counts.at("home.water_heater"), 2u);
  EXPECT_EQ(index.oldest_timestamp(), 400);
  EXPECT_EQ(index.PruneBefore(200), 0u) << "nothing left to drop";

  // What a restart restoring only the kept members shows.
  ClusterIndex restored;
  const std::vector<std::string> topics = {"home.water_heater"};
  restored.Restore("d", ComputeSignature("app一登录就闪退，完全用不了"), mixed.cluster_id, 400, topics,
                   "app一登录就闪退，完全用不了", "c");
  restored.Restore("e", ComputeSignature("app一登录就闪退，根本没法用"), mixed.cluster_id, 410, topics,
                   "app一登录就闪退，根本没法用", "d");
  const auto again = restored.Get(mixed.cluster_id);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->size, kept->size);
  EXPECT_EQ(again->member_ids, kept->member_ids);
  EXPECT_EQ(again->representative_text, kept->representative_text);
}

}  // namespace
}  // namespace voc::triage
