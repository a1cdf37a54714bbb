#include <gtest/gtest.h>

#include <algorithm>

#include "services/triage/analysis/topics/taxonomy_store.h"

namespace voc::triage {
namespace {

constexpr const char* kTaxonomy = R"(version: "t1"
departments: [logistics, app_engineering]
topics:
  - id: logistics
    name: {zh: 物流, en: Logistics}
    department: logistics
    query: {any: [物流, 快递, courier*]}
  - id: logistics.delivery_delay
    name: {zh: 配送延迟, en: Delivery delay}
    query:
      any: [太慢, 还没到, late, delay*]
      none: [不慢]
  - id: logistics.wait
    name: {zh: 等待, en: Waiting}
    query:
      near: {terms: [等了, 小时], within: 3}
  - id: app
    name: {zh: 应用, en: App}
    department: app_engineering
  - id: app.crash
    name: {zh: 闪退, en: Crash}
    query:
      all: [app]
      any: [闪退, crash*]
)";

std::vector<std::string> Ids(const std::vector<TopicMatch>& m) {
  std::vector<std::string> ids;
  for (const auto& t : m) ids.push_back(t.path);
  return ids;
}

TEST(TaxonomyTest, ParsesAndResolvesInheritedDepartments) {
  auto t = Taxonomy::Parse(kTaxonomy, "test.yaml").value();
  EXPECT_EQ(t->version(), "t1");
  EXPECT_EQ(t->content_hash().size(), 16u);
  ASSERT_NE(t->Find("logistics.delivery_delay"), nullptr);
  EXPECT_EQ(t->Find("logistics.delivery_delay")->department, "logistics");
  EXPECT_EQ(t->Find("logistics.delivery_delay")->name_en, "Delivery delay");
  EXPECT_EQ(t->Find("app.crash")->department, "app_engineering");
}

TEST(TaxonomyTest, MostSpecificTopicsAreReported) {
  auto t = Taxonomy::Parse(kTaxonomy, "test.yaml").value();
  EXPECT_EQ(Ids(t->Match("快递太慢了")), std::vector<std::string>{"logistics.delivery_delay"});
  EXPECT_EQ(Ids(t->Match("快递小哥人很好")), std::vector<std::string>{"logistics"});
  EXPECT_EQ(Ids(t->Match("the courier was late again")), std::vector<std::string>{"logistics.delivery_delay"});
  EXPECT_TRUE(t->Match("我很满意").empty());
}

TEST(TaxonomyTest, NoneTermVetoesTheTopic) {
  auto t = Taxonomy::Parse(kTaxonomy, "test.yaml").value();
  EXPECT_EQ(Ids(t->Match("快递不慢，挺好")), std::vector<std::string>{"logistics"});
}

TEST(TaxonomyTest, AllTermsAreRequired) {
  auto t = Taxonomy::Parse(kTaxonomy, "test.yaml").value();
  EXPECT_TRUE(t->Match("游戏闪退").empty());
  EXPECT_EQ(Ids(t->Match("app一直闪退")), std::vector<std::string>{"app.crash"});
  EXPECT_EQ(Ids(t->Match("the APP keeps crashing")), std::vector<std::string>{"app.crash"});
}

TEST(TaxonomyTest, NearRequiresProximityInCharacters) {
  auto t = Taxonomy::Parse(kTaxonomy, "test.yaml").value();
  EXPECT_EQ(Ids(t->Match("等了两个小时")), std::vector<std::string>{"logistics.wait"});   // gap 两个 = 2
  EXPECT_TRUE(t->Match("等了很久很久终于一个小时后").empty());                              // gap 8
}

TEST(TaxonomyTest, MultiLabelAcrossBranches) {
  auto t = Taxonomy::Parse(kTaxonomy, "test.yaml").value();
  auto ids = Ids(t->Match("快递太慢，app还闪退"));
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"app.crash", "logistics.delivery_delay"}));
}

// Each malformed file must be rejected with its file name and the line of the fault.
struct Malformed {
  const char* name;
  const char* yaml;
  const char* expected;  // substring of the message, including "file:line"
};

class MalformedTaxonomyTest : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedTaxonomyTest, RejectedWithLineNumber) {
  const auto parsed = Taxonomy::Parse(GetParam().yaml, "bad.yaml").status();
  ASSERT_EQ(parsed.code(), absl::StatusCode::kInvalidArgument) << "accepted a malformed taxonomy";
  const std::string message(parsed.message());
  EXPECT_NE(message.find(GetParam().expected), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedTaxonomyTest,
    ::testing::Values(
        Malformed{"UnknownKey",
                  "version: 1\ntopics:\n  - id: a\n    name: {zh: 甲, en: A}\n    department: d\n    querry: {any: [x]}\n",
                  "bad.yaml:6: unknown key 'querry'"},
        Malformed{"UnknownQueryKey",
                  "version: 1\ntopics:\n  - id: a\n    name: {zh: 甲, en: A}\n    department: d\n    query:\n      anyof: [x]\n",
                  "bad.yaml:7: unknown key 'anyof'"},
        Malformed{"MissingDepartment",
                  "version: 1\ntopics:\n  - id: a\n    name: {zh: 甲, en: A}\n    query: {any: [x]}\n",
                  "bad.yaml:3: topic 'a' has no 'department'"},
        Malformed{"UndeclaredDepartment",
                  "version: 1\ndepartments: [d]\ntopics:\n  - id: a\n    name: {zh: 甲, en: A}\n    department: typo\n    query: {any: [x]}\n",
                  "bad.yaml:6: topic 'a': department 'typo'"},
        Malformed{"DuplicateId",
                  "version: 1\ntopics:\n  - id: a\n    name: {zh: 甲, en: A}\n    department: d\n    query: {any: [x]}\n"
                  "  - id: a\n    name: {zh: 乙, en: B}\n    department: d\n    query: {any: [y]}\n",
                  "bad.yaml:7: duplicate topic id 'a' (first defined at line 3)"},
        Malformed{"EmptyQuery",
                  "version: 1\ntopics:\n  - id: a\n    name: {zh: 甲, en: A}\n    department: d\n    query: {none: [x]}\n",
                  "bad.yaml:6: topic 'a' has an empty query"},
        Malformed{"NoQueryOnLeaf",
                  "version: 1\ntopics:\n  - id: a\n    name: {zh: 甲, en: A}\n    department: d\n",
                  "bad.yaml:3: topic 'a' has an empty query"},
        Malformed{"EmptyTerm",
                  "version: 1\ntopics:\n  - id: a\n    name: {zh: 甲, en: A}\n    department: d\n    query: {any: [x, \"\"]}\n",
                  "bad.yaml:6: query.any contains an empty term"},
        Malformed{"MissingParent",
                  "version: 1\ntopics:\n  - id: a.b\n    name: {zh: 甲, en: A}\n    department: d\n    query: {any: [x]}\n",
                  "bad.yaml:3: topic 'a.b' has no parent topic 'a'"},
        Malformed{"BadId",
                  "version: 1\ntopics:\n  - id: Logistics Delay\n    name: {zh: 甲, en: A}\n    department: d\n    query: {any: [x]}\n",
                  "bad.yaml:3: topic id 'Logistics Delay'"},
        Malformed{"MissingEnglishName",
                  "version: 1\ntopics:\n  - id: a\n    name: {zh: 甲}\n    department: d\n    query: {any: [x]}\n",
                  "bad.yaml:4: topic 'a' needs both"},
        Malformed{"NearNeedsTwoTerms",
                  "version: 1\ntopics:\n  - id: a\n    name: {zh: 甲, en: A}\n    department: d\n    query:\n      near: {terms: [x], within: 3}\n",
                  "bad.yaml:7: near.terms must list exactly two terms"},
        Malformed{"NoneInTextEmptyTerm",
                  "version: 1\ntopics:\n  - id: a\n    name: {zh: 甲, en: A}\n    department: d\n    query:\n      any: [x]\n      none_in_text: [\"\"]\n",
                  "bad.yaml:8: query.none_in_text contains an empty term"},
        Malformed{"NoneInTextNotAList",
                  "version: 1\ntopics:\n  - id: a\n    name: {zh: 甲, en: A}\n    department: d\n    query:\n      any: [x]\n      none_in_text: {a: b}\n",
                  "bad.yaml:8:"},
        Malformed{"SyntaxError",
                  "version: 1\ntopics:\n  - id: a\n    name: {zh: 甲, en: A\n    department: d\n",
                  "bad.yaml:"},
        Malformed{"MissingVersion",
                  "topics:\n  - id: a\n    name: {zh: 甲, en: A}\n    department: d\n    query: {any: [x]}\n",
                  "bad.yaml:1: missing 'version'"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(TaxonomyTest, LoadFileNamesTheFileOnError) {
  const auto loaded = Taxonomy::LoadFile("/nonexistent/taxonomy.yaml").status();
  ASSERT_EQ(loaded.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(loaded.message()).find("/nonexistent/taxonomy.yaml"), std::string::npos);
}

TEST(TaxonomyStoreTest, UpdateSwapsAtomicallyAndKeepsOldVersionOnError) {
  TaxonomyStore store(Taxonomy::Parse(kTaxonomy, "test.yaml").value());
  const auto before = store.Current();
  EXPECT_EQ(store.Update("version: 2\ntopics: []\n").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store.Current(), before);
  ASSERT_TRUE(store.Update("version: 2\ntopics:\n  - id: z\n    name: {zh: 丙, en: Z}\n    department: d\n    query: {any: [zzz]}\n").ok());
  EXPECT_EQ(store.Current()->version(), "2");
  EXPECT_NE(store.Current()->content_hash(), before->content_hash());
  // A reader holding the old snapshot still sees the old rules.
  EXPECT_EQ(Ids(before->Match("快递太慢")), std::vector<std::string>{"logistics.delivery_delay"});
  EXPECT_TRUE(store.Current()->Match("快递太慢").empty());
}

TEST(TaxonomyPreviewTest, CountsHowManyTextsAChangedRuleWouldMatch) {
  auto current = Taxonomy::Parse(kTaxonomy, "test.yaml").value();
  const std::vector<std::string> recent = {"快递太慢了", "物流很慢", "送货很慢，还没到", "app闪退", "物流很快"};
  const auto report = PreviewTopicRule(*current, R"(
id: logistics.delivery_delay
name: {zh: 配送延迟, en: Delivery delay}
query: {any: [太慢, 很慢, 还没到]}
)", recent).value();
  ASSERT_EQ(report.topics.size(), 1u);
  const TopicPreview& p = report.topics[0];
  EXPECT_EQ(report.texts, 5u);
  EXPECT_EQ(p.current_matches, 2u);    // 快递太慢了, 送货很慢，还没到
  EXPECT_EQ(p.candidate_matches, 3u);  // + 物流很慢
  EXPECT_EQ(p.gained, 1u);
  EXPECT_EQ(p.lost, 0u);
}

TEST(TaxonomyPreviewTest, InvalidRuleIsRejected) {
  auto current = Taxonomy::Parse(kTaxonomy, "test.yaml").value();
  EXPECT_EQ(PreviewTopicRule(*current, "id: x\nname: {zh: 甲, en: X}\ndepartment: d\nquery: {}\n", {"a"})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TaxonomyPreviewTest, WholeTaxonomyPreviewCoversAddedAndRemovedTopics) {
  auto current = Taxonomy::Parse(kTaxonomy, "test.yaml").value();
  auto candidate = Taxonomy::Parse(
      "version: 2\ntopics:\n  - id: logistics\n    name: {zh: 物流, en: L}\n    department: logistics\n"
      "    query: {any: [物流]}\n  - id: fresh\n    name: {zh: 新, en: New}\n    department: d\n    query: {any: [新鲜]}\n",
      "candidate").value();
  const auto report = PreviewTaxonomy(*current, *candidate, {"物流太慢", "不新鲜", "app闪退"});
  auto row = [&](const std::string& id) {
    return *std::find_if(report.topics.begin(), report.topics.end(),
                         [&](const TopicPreview& p) { return p.topic_id == id; });
  };
  EXPECT_EQ(row("fresh").candidate_matches, 1u);
  EXPECT_EQ(row("fresh").current_matches, 0u);
  EXPECT_EQ(row("app.crash").current_matches, 1u);
  EXPECT_EQ(row("app.crash").lost, 1u);
  EXPECT_EQ(row("logistics").candidate_matches, 1u);
}

}  // namespace
}  // namespace voc::triage
