// Per-clause topic matching and the topic context rules (not_in, negation),
// with the readings a reviewer would give next to each sentence.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/triage/analysis/topics/taxonomy.h"

namespace voc::triage {
namespace {

constexpr const char* kTaxonomy = R"(version: "clauses"
topics:
  - id: logistics
    name: {zh: 物流, en: Logistics}
    department: logistics
    query: {any: [送餐, 配送, delivery]}
  - id: logistics.delivery_delay
    name: {zh: 配送延迟, en: Delivery delay}
    query:
      any: [慢, 超时, late, delay*]
      none: [不慢]
  - id: logistics.damaged_package
    name: {zh: 包裹破损, en: Damaged package}
    query:
      any: [破损, 压坏, damaged]
      negation: skip
  - id: food
    name: {zh: 餐饮, en: Food}
    department: food_quality
    query:
      any: [餐, 难吃, 好吃, food]
      not_in: [送餐, 餐具]
  - id: price
    name: {zh: 价格, en: Price}
    department: pricing
    query: {any: [便宜, 贵, price*]}
)";

std::shared_ptr<const Taxonomy> Load() { return Taxonomy::Parse(kTaxonomy, "clauses.yaml").value(); }

// "topic@clause" for each (clause, topic) found.
std::vector<std::string> Found(const Taxonomy& t, const std::string& text) {
  std::vector<ClauseTopic> found;
  t.MatchClauses(text, text::SplitClauses(text), found);
  std::vector<std::string> out;
  for (const auto& f : found) out.push_back(t.topics()[f.topic].id + "@" + std::to_string(f.clause));
  return out;
}

TEST(ClauseTopicsTest, EachClauseGetsItsOwnTopics) {
  const auto t = Load();
  // Praise for price and delivery, a complaint about the taste: three clauses, three topics.
  EXPECT_EQ(Found(*t, "便宜,送餐快,难吃"), (std::vector<std::string>{"price@0", "logistics@1", "food@2"}));
  EXPECT_EQ(Found(*t, "the food was good but the delivery was late"),
            (std::vector<std::string>{"food@0", "logistics.delivery_delay@1"}));
}

TEST(ClauseTopicsTest, NoneLooksOnlyWithinItsClause) {
  const auto t = Load();
  // 不慢 vetoes the delay in its own clause ...
  EXPECT_EQ(Found(*t, "送餐不慢"), (std::vector<std::string>{"logistics@0"}));
  // ... but not a delay complained about in another clause.
  EXPECT_EQ(Found(*t, "上次送餐不慢,这次超时了"),
            (std::vector<std::string>{"logistics@0", "logistics.delivery_delay@1"}));
}

TEST(ClauseTopicsTest, NotInKeepsTheWrongSenseOut) {
  const auto t = Load();
  // 餐 inside 送餐 is the delivery, not the food: "送餐速度超级慢" is only a delay.
  EXPECT_EQ(Found(*t, "送餐速度超级慢"), (std::vector<std::string>{"logistics.delivery_delay@0"}));
  // 餐 on its own is the food.
  EXPECT_EQ(Found(*t, "这份餐太难吃"), (std::vector<std::string>{"food@0"}));
  // Both senses in one clause: the food still counts.
  EXPECT_EQ(Found(*t, "送餐的人把餐洒了"), (std::vector<std::string>{"logistics@0", "food@0"}));
}

TEST(ClauseTopicsTest, NegationSkipDropsNegatedOccurrences) {
  const auto t = Load();
  EXPECT_TRUE(Found(*t, "包装没有破损").empty());             // "not damaged": no complaint
  EXPECT_EQ(Found(*t, "包装破损了"), (std::vector<std::string>{"logistics.damaged_package@0"}));
  EXPECT_TRUE(Found(*t, "the box was not damaged").empty());
  EXPECT_EQ(Found(*t, "box damaged"), (std::vector<std::string>{"logistics.damaged_package@0"}));
}

TEST(ClauseTopicsTest, NoneInTextVetoesInEveryClause) {
  const auto t = Taxonomy::Parse(R"(version: "x"
topics:
  - id: logistics
    name: {zh: 物流, en: Logistics}
    department: logistics
    query: {any: [送餐, delivery]}
  - id: logistics.delivery_delay
    name: {zh: 配送延迟, en: Delivery delay}
    query:
      any: [等了一个小时, waited an hour]
      none_in_text: [酒店, hotel]
)", "x.yaml").value();
  // A delivery wait is a delay ...
  EXPECT_EQ(Found(*t, "送餐等了一个小时"), (std::vector<std::string>{"logistics.delivery_delay@0"}));
  EXPECT_EQ(Found(*t, "we waited an hour for the delivery"), (std::vector<std::string>{"logistics.delivery_delay@0"}));
  // ... a hotel guest's wait is not, even when the hotel is named in another clause;
  // `none` would only look in the clause itself.
  EXPECT_TRUE(Found(*t, "这家酒店太差,入住等了一个小时").empty());
  EXPECT_TRUE(Found(*t, "worst hotel ever. we waited an hour at the desk").empty());
  // The whole-text matcher honours it too.
  EXPECT_TRUE(t->Match("这家酒店太差,入住等了一个小时").empty());
  EXPECT_EQ(t->Match("送餐等了一个小时").size(), 1u);
}

TEST(ClauseTopicsTest, EvidenceIsTheMatchedTerms) {
  const auto t = Load();
  const std::string text = "价格便宜,送餐超时";
  std::vector<ClauseTopic> found;
  t->MatchClauses(text, text::SplitClauses(text), found);
  ASSERT_EQ(found.size(), 2u);
  ASSERT_EQ(found[1].evidence.size(), 1u);
  EXPECT_EQ(text.substr(found[1].evidence[0].first, found[1].evidence[0].second - found[1].evidence[0].first), "超时");
}

TEST(ClauseTopicsTest, MalformedContextRulesAreRejectedWithTheirLine) {
  const std::string bad_negation = R"(version: "x"
topics:
  - id: a
    name: {zh: 甲, en: A}
    department: d
    query:
      any: [破损]
      negation: sometimes
)";
  const auto r1 = Taxonomy::Parse(bad_negation, "bad.yaml");
  ASSERT_FALSE(r1.ok());
  EXPECT_NE(std::string(r1.status().message()).find("bad.yaml:8:"), std::string::npos) << r1.status();
  EXPECT_NE(std::string(r1.status().message()).find("negation"), std::string::npos);

  const std::string useless_not_in = R"(version: "x"
topics:
  - id: a
    name: {zh: 甲, en: A}
    department: d
    query:
      any: [餐]
      not_in: [送餐, 快递]
)";
  const auto r2 = Taxonomy::Parse(useless_not_in, "bad.yaml");
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(std::string(r2.status().message()).find("bad.yaml:8:"), std::string::npos) << r2.status();
  EXPECT_NE(std::string(r2.status().message()).find("快递"), std::string::npos);

  const std::string unknown_key = R"(version: "x"
topics:
  - id: a
    name: {zh: 甲, en: A}
    department: d
    query:
      any: [餐]
      unless: [送餐]
)";
  const auto r3 = Taxonomy::Parse(unknown_key, "bad.yaml");
  ASSERT_FALSE(r3.ok());
  EXPECT_NE(std::string(r3.status().message()).find("bad.yaml:"), std::string::npos) << r3.status();
}

}  // namespace
}  // namespace voc::triage
