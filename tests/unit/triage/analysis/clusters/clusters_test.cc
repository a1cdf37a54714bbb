#include <gtest/gtest.h>

#include <set>

#include "services/triage/analysis/clusters/similar_complaints.h"
#include "tests/unit/triage/analysis/clusters/same_clusters.h"

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

namespace voc::triage {
namespace {

// The caps (similar_complaints.h, "Caps").
ClusterOptions Capped(std::size_t per_cluster, std::size_t overall) {
  ClusterOptions options;
  options.max_members_per_cluster = per_cluster;
  options.max_members = overall;
  options.tally_period = 100;  // these tests' timestamps are small
  return options;
}

const char* kLeak[] = {"热水器漏水，师傅上门也没修好", "热水器漏水，师傅上门还是没修好", "热水器又漏水了，师傅上门也没修好"};

TEST(ClusterIndexCapTest, AClusterKeepsItsMostRecentMembersForMatchingAndStillCountsTheRest) {
  ClusterIndex index(Capped(2, 0));
  std::uint64_t next_id = 1;
  ClusterAssignment first;
  for (int i = 0; i < 6; ++i) {
    const auto placed = AssignText(index, "m" + std::to_string(i), kLeak[i % 3], 100 * (i + 1), 0, next_id);
    if (i == 0) first = placed;
    ASSERT_EQ(placed.cluster_id, first.cluster_id) << i;
  }
  EXPECT_EQ(index.member_count(), 2u) << "kept for matching";
  EXPECT_EQ(index.evicted_count(), 4u);
  auto cluster = index.Get(first.cluster_id);
  ASSERT_TRUE(cluster.has_value());
  EXPECT_EQ(cluster->size, 6u) << "evicted members still count";
  EXPECT_EQ(cluster->first_seen, 100);
  EXPECT_EQ(cluster->last_seen, 600);
  EXPECT_EQ(cluster->topic_counts.at("home.water_heater"), 6u);
  EXPECT_EQ(cluster->member_ids, (std::vector<std::string>{"m4", "m5"}));
  // A paraphrase still joins: the kept members match it.
  EXPECT_EQ(AssignText(index, "m6", kLeak[0], 700, 0, next_id).cluster_id, first.cluster_id);
  EXPECT_EQ(index.member_count(), 2u);

  // Pruning at 250: the tallies of periods starting before it go (100, 200),
  // those inside the window stay (300..500), the kept members stay (600, 700).
  EXPECT_EQ(index.PruneBefore(250), 0u) << "no kept member was before the cutoff";
  cluster = index.Get(first.cluster_id);
  ASSERT_TRUE(cluster.has_value());
  EXPECT_EQ(cluster->size, 5u);
  EXPECT_EQ(cluster->first_seen, 300);
  EXPECT_EQ(cluster->topic_counts.at("home.water_heater"), 5u);
  // Past every member: the cluster goes.
  EXPECT_EQ(index.PruneBefore(800), 2u);
  EXPECT_FALSE(index.Get(first.cluster_id).has_value());
  EXPECT_EQ(index.member_count(), 0u);
}

TEST(ClusterIndexCapTest, TheOverallCapEvictsTheOldestAndAClusterLeftWithNoKeptMemberGoes) {
  ClusterIndex index(Capped(0, 3));
  std::uint64_t next_id = 1;
  const char* unrelated[] = {"手机屏幕有划痕，包装也破损了", "酒店前台态度很差，房间还有异味", "停车场收费太贵了",
                             "app一登录就闪退，根本用不了"};
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(AssignText(index, "u" + std::to_string(i), unrelated[i], 10 + i, 0, next_id).cluster_id);
  EXPECT_EQ(index.member_count(), 3u);
  EXPECT_EQ(index.cluster_count(), 3u);
  EXPECT_FALSE(index.Get(ids[0]).has_value()) << "its only member was evicted";
  for (int i = 1; i < 4; ++i) EXPECT_TRUE(index.Get(ids[i]).has_value());
  // The evicted one is not matched any more: its paraphrase starts anew.
  EXPECT_TRUE(AssignText(index, "u4", unrelated[0], 20, 0, next_id).new_cluster);
}

TEST(ClusterIndexCapTest, TheBoundHoldsUnderAStreamOfMembers) {
  ClusterIndex index(Capped(20, 50));
  std::uint64_t next_id = 1;
  std::size_t bytes_at_1000 = 0;
  for (int i = 0; i < 5000; ++i) {
    const std::string text = std::string(kLeak[i % 3]) + " order " + std::to_string(i % 40) + " ticket" + std::to_string(i);
    AssignText(index, "s" + std::to_string(i), text, i, 0, next_id);
    ASSERT_LE(index.member_count(), 50u);
    ASSERT_LE(index.cluster_count(), 50u);
    if (i == 999) bytes_at_1000 = index.MemoryBytes();
  }
  // Evicted entries are compacted away: memory stays where it was.
  EXPECT_LT(index.MemoryBytes(), 2 * bytes_at_1000);
  for (const auto& cluster : index.List(1)) EXPECT_LE(cluster.member_ids.size(), 20u);
}

TEST(ClusterIndexCapTest, ARestoreThroughTheSameCapsKeepsTheSameMembersAndSizes) {
  const ClusterOptions options = Capped(2, 5);
  ClusterIndex live(options);
  std::uint64_t next_id = 1;
  struct Row {
    std::string id, text;
    std::int64_t ts;
    ClusterAssignment placed;
  };
  std::vector<Row> rows;
  const char* crash[] = {"app一登录就闪退，根本用不了", "app一登录就闪退，完全用不了", "app一登录就闪退，根本没法用"};
  for (int i = 0; i < 9; ++i) {
    Row row{"r" + std::to_string(i), i % 2 == 0 ? kLeak[i % 3] : crash[i % 3], 100 * (i + 1), {}};
    row.placed = AssignText(live, row.id, row.text, row.ts, 0, next_id);
    rows.push_back(row);
  }
  live.PruneBefore(250);
  ASSERT_GT(live.evicted_count(), 0u) << "the caps were reached";
  // A restart: the stored members inside the window, in their order,
  // through the same caps, then the same prune.
  ClusterIndex restored(options);
  const std::vector<std::string> topics = {"home.water_heater"};
  for (const auto& row : rows) {
    if (row.ts < 250) continue;
    restored.Restore(row.id, row.placed.signature, row.placed.cluster_id, row.ts, topics, row.text,
                     row.placed.best_match_id);
  }
  restored.PruneBefore(250);
  ExpectSameClusters(restored, live);

  // A restart that reads only the kept members (with their signatures) and
  // counts the others (RestoreEvicted, no signature) shows the same.
  std::set<std::string> kept_ids;
  for (const auto& cluster : live.List(1)) kept_ids.insert(cluster.member_ids.begin(), cluster.member_ids.end());
  ClusterIndex bounded(options);
  for (const auto& row : rows) {
    if (row.ts >= 250 && kept_ids.count(row.id)) {
      bounded.Restore(row.id, row.placed.signature, row.placed.cluster_id, row.ts, topics, row.text,
                      row.placed.best_match_id);
    }
  }
  std::size_t counted = 0;
  for (const auto& row : rows) {
    if (row.ts >= 250 && !kept_ids.count(row.id))
      counted += bounded.RestoreEvicted(row.placed.cluster_id, row.ts, topics, row.placed.best_match_id);
  }
  bounded.PruneBefore(250);
  EXPECT_GT(counted, 0u) << "some evicted members belong to kept clusters";
  ExpectSameClusters(bounded, live);
  // A member of a cluster that keeps none is not counted: that cluster went.
  EXPECT_FALSE(bounded.RestoreEvicted(999999, 900, topics));
  EXPECT_FALSE(bounded.Get(999999).has_value());
}

}  // namespace
}  // namespace voc::triage
