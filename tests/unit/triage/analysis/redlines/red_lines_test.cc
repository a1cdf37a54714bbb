#include <gtest/gtest.h>

#include "services/triage/analysis/redlines/red_lines.h"

namespace voc::triage {
namespace {

constexpr const char* kList = R"(version: r1
categories:
  safety: [起火, 刹车失灵, caught fire, explod*]
  legal: [起诉, lawsuit, sue]
  regulatory: ["12315", 市场监管]
  pr_crisis: [曝光, 媒体, go viral]
)";

TEST(RedLinesTest, FindsRedLineInTheMiddleOfALongChineseText) {
  auto list = RedLineList::Parse(kList, "redlines.yaml").value();
  std::string text;
  for (int i = 0; i < 40; ++i) text += "这款车开了三个月，整体感觉还可以，内饰做工一般，油耗偏高。";
  const std::size_t begin = text.size();
  text += "昨天高速上刹车失灵";
  const std::size_t end = text.size();
  for (int i = 0; i < 40; ++i) text += "售后说要等配件，等了两周还没有消息。";
  const auto hits = list->Find(text);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].category, RedLineCategory::kSafety);
  EXPECT_EQ(hits[0].term, "刹车失灵");
  EXPECT_EQ(hits[0].end, end);
  EXPECT_EQ(hits[0].begin, end - std::string("刹车失灵").size());
  EXPECT_GT(hits[0].begin, begin);
  EXPECT_EQ(text.substr(hits[0].begin, hits[0].end - hits[0].begin), "刹车失灵");
}

TEST(RedLinesTest, FindsEveryCategoryInOnePassWithSpansInOrder) {
  auto list = RedLineList::Parse(kList, "redlines.yaml").value();
  const std::string text = "the battery exploded and caught fire. i will sue you and go viral, 还要打12315";
  const auto hits = list->Find(text);
  ASSERT_EQ(hits.size(), 5u);
  EXPECT_EQ(hits[0].term, "explod*");
  EXPECT_EQ(text.substr(hits[0].begin, hits[0].end - hits[0].begin), "explod");
  EXPECT_EQ(hits[1].term, "caught fire");
  EXPECT_EQ(hits[2].category, RedLineCategory::kLegal);
  EXPECT_EQ(hits[3].category, RedLineCategory::kPrCrisis);
  EXPECT_EQ(hits[4].category, RedLineCategory::kRegulatory);
  for (std::size_t i = 1; i < hits.size(); ++i) EXPECT_LE(hits[i - 1].begin, hits[i].begin);
}

TEST(RedLinesTest, EnglishTermsNeedWholeWords) {
  auto list = RedLineList::Parse(kList, "redlines.yaml").value();
  EXPECT_TRUE(list->Find("i am pursuing a refund, sue-ann helped").size() == 1);  // "sue" in "sue-ann" is a word
  EXPECT_TRUE(list->Find("pursue issue suede").empty());
}

TEST(RedLinesTest, EmptyTextHasNoHits) {
  auto list = RedLineList::Parse(kList, "redlines.yaml").value();
  EXPECT_TRUE(list->Find("").empty());
}

TEST(RedLinesTest, ValidationNamesFileAndLine) {
  auto expect_error = [](const char* yaml, const char* fragment) {
    const auto parsed = RedLineList::Parse(yaml, "rl.yaml").status();
    EXPECT_EQ(parsed.code(), absl::StatusCode::kInvalidArgument) << "accepted: " << yaml;
    const std::string message(parsed.message());
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
  };
  expect_error("version: 1\ncategories:\n  safety: [起火]\n  rumours: [谣言]\n", "rl.yaml:4: unknown key 'rumours'");
  expect_error("version: 1\ncategories:\n  safety: [起火, 爆炸, 起火]\n", "rl.yaml:3: term '起火' listed twice");
  expect_error("version: 1\ncategories:\n  safety: []\n", "rl.yaml:3: category 'safety' has no terms");
  expect_error("categories:\n  safety: [起火]\n", "rl.yaml:1: missing 'version'");
  expect_error("version: 1\ncategory:\n  safety: [起火]\n", "rl.yaml:2: unknown key 'category'");
}

TEST(RedLineStoreTest, ReloadKeepsCurrentListOnError) {
  RedLineStore store(RedLineList::Parse(kList, "redlines.yaml").value());
  EXPECT_EQ(store.Update("version: 2\ncategories: {safety: [x, x]}\n").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store.Current()->version(), "r1");
  ASSERT_TRUE(store.Update("version: r2\ncategories: {safety: [冒烟]}\n").ok());
  EXPECT_EQ(store.Current()->version(), "r2");
  EXPECT_EQ(store.Current()->Find("充电器冒烟了").size(), 1u);
  EXPECT_TRUE(store.Current()->Find("刹车失灵").empty());
}

TEST(RedLinePreviewTest, CountsTextsPerCategoryBeforeAndAfter) {
  auto current = RedLineList::Parse(kList, "a").value();
  auto candidate = RedLineList::Parse("version: 2\ncategories: {safety: [起火, 冒烟], legal: [律师]}\n", "b").value();
  const auto p = PreviewRedLines(*current, *candidate, {"冒烟了", "起火了", "找律师起诉", "一切正常"});
  EXPECT_EQ(p.texts, 4u);
  EXPECT_EQ(p.current_matches[static_cast<int>(RedLineCategory::kSafety)], 1u);
  EXPECT_EQ(p.candidate_matches[static_cast<int>(RedLineCategory::kSafety)], 2u);
  EXPECT_EQ(p.current_matches[static_cast<int>(RedLineCategory::kLegal)], 1u);
  EXPECT_EQ(p.candidate_matches[static_cast<int>(RedLineCategory::kLegal)], 1u);
}

TEST(RedLinesTest, ShippedListLoads) {
  auto list = RedLineList::LoadFile("config/redlines.yaml").value();
  EXPECT_FALSE(list->terms().empty());
  const auto hits = list->Find("吃出蟑螂，我要打12315投诉，还要找媒体曝光");
  bool safety = false, regulatory = false, pr = false;
  for (const auto& h : hits) {
    safety |= h.category == RedLineCategory::kSafety;
    regulatory |= h.category == RedLineCategory::kRegulatory;
    pr |= h.category == RedLineCategory::kPrCrisis;
  }
  EXPECT_TRUE(safety && regulatory && pr);
}

}  // namespace
}  // namespace voc::triage
