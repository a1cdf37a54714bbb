#include <gtest/gtest.h>

#include "services/triage/analysis/priority/priority_matrix.h"

namespace voc::triage {
namespace {

PriorityFacts Negative(int intensity = 1) {
  PriorityFacts f;
  f.sentiment = SentimentLabel::kNegative;
  f.sentiment_score = -0.6;
  f.intensity = intensity;
  return f;
}

TEST(PriorityDefaultTest, SafetyRedLineIsP1) {
  PriorityFacts f;  // even with neutral sentiment
  f.red_lines = {RedLineCategory::kSafety};
  const auto d = PriorityMatrix::Default()->Grade(f);
  EXPECT_EQ(d.priority, Priority::kP1);
  EXPECT_EQ(d.reason, "red line: safety");
}

TEST(PriorityDefaultTest, DetractorVipIsP2) {
  PriorityFacts f;
  f.nps = NpsCategory::kDetractor;
  f.customer_tier = "vip";
  const auto d = PriorityMatrix::Default()->Grade(f);
  EXPECT_EQ(d.priority, Priority::kP2);
  EXPECT_EQ(d.reason, "detractor + VIP customer");
}

TEST(PriorityDefaultTest, AngryPublicPostWithReachIsP1) {
  PriorityFacts f = Negative(3);
  f.channel = "social";
  f.reach = 52000;
  const auto d = PriorityMatrix::Default()->Grade(f);
  EXPECT_EQ(d.priority, Priority::kP1);
  EXPECT_EQ(d.reason, "intensity 3 (anger/threat) + public post reaching 52000 followers");
}

TEST(PriorityDefaultTest, SameAngerWithoutAudienceIsP2) {
  EXPECT_EQ(PriorityMatrix::Default()->Grade(Negative(3)).priority, Priority::kP2);
}

TEST(PriorityDefaultTest, PlainNegativeIsP3AndPositiveIsP4) {
  EXPECT_EQ(PriorityMatrix::Default()->Grade(Negative(1)).priority, Priority::kP3);
  PriorityFacts happy;
  happy.sentiment = SentimentLabel::kPositive;
  const auto d = PriorityMatrix::Default()->Grade(happy);
  EXPECT_EQ(d.priority, Priority::kP4);
  EXPECT_EQ(d.reason, "no escalation criteria met");
}

TEST(PriorityDefaultTest, ShippedFileMatchesBuiltInDefaults) {
  auto shipped = PriorityMatrix::LoadFile("config/priority.yaml").value();
  for (int intensity = 0; intensity <= 3; ++intensity) {
    for (std::int64_t reach : {0, 20000, 200000}) {
      for (auto nps : {NpsCategory::kNone, NpsCategory::kDetractor, NpsCategory::kPromoter}) {
        for (const char* tier : {"", "vip", "high"}) {
          PriorityFacts f = Negative(intensity);
          f.reach = reach;
          f.nps = nps;
          f.customer_tier = tier;
          EXPECT_EQ(shipped->Grade(f).priority, PriorityMatrix::Default()->Grade(f).priority);
        }
      }
    }
  }
}

TEST(PriorityMatrixTest, MostUrgentMatchingRuleWinsRegardlessOfOrder) {
  auto m = PriorityMatrix::Parse(R"(
rules:
  - when: {sentiment: negative}
    priority: P3
  - when: {sentiment: negative, channel: [app_store]}
    priority: P2
    reason: "negative app store review"
)", "p.yaml").value();
  PriorityFacts f = Negative();
  EXPECT_EQ(m->Grade(f).priority, Priority::kP3);
  f.channel = "app_store";
  const auto d = m->Grade(f);
  EXPECT_EQ(d.priority, Priority::kP2);
  EXPECT_EQ(d.reason, "negative app store review");
}

TEST(PriorityMatrixTest, AnyRedLineNamesTheCategoriesHit) {
  auto m = PriorityMatrix::Parse("rules:\n  - when: {red_line: any}\n    priority: P1\n", "p.yaml").value();
  PriorityFacts f;
  f.red_lines = {RedLineCategory::kLegal, RedLineCategory::kPrCrisis, RedLineCategory::kLegal};
  EXPECT_EQ(m->Grade(f).reason, "red line: legal, pr_crisis");
}

TEST(PriorityMatrixTest, ScoreThreshold) {
  auto m = PriorityMatrix::Parse("rules:\n  - when: {score_at_most: -0.8}\n    priority: P2\n", "p.yaml").value();
  PriorityFacts f = Negative();
  f.sentiment_score = -0.5;
  EXPECT_EQ(m->Grade(f).priority, Priority::kP4);
  f.sentiment_score = -0.9;
  EXPECT_EQ(m->Grade(f).reason, "sentiment score -0.90");
}

TEST(PriorityMatrixTest, InvalidFilesAreRejectedWithLine) {
  auto expect_error = [](const char* yaml, const char* fragment) {
    const auto parsed = PriorityMatrix::Parse(yaml, "p.yaml").status();
    EXPECT_EQ(parsed.code(), absl::StatusCode::kInvalidArgument) << "accepted: " << yaml;
    const std::string message(parsed.message());
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
  };
  expect_error("rules:\n  - when: {red_line: [fire]}\n    priority: P1\n", "p.yaml:2: unknown red-line category 'fire'");
  expect_error("rules:\n  - when: {sentiment: negative}\n    priority: P0\n", "p.yaml:3: priority must be one of");
  expect_error("rules:\n  - when: {mood: angry}\n    priority: P1\n", "p.yaml:2: unknown key 'mood'");
  expect_error("rules:\n  - priority: P1\n", "p.yaml:2: rule without 'when'");
  expect_error("rules:\n  - when: {nps: [grumpy]}\n    priority: P1\n", "p.yaml:2: unknown nps category");
}

TEST(PriorityMatrixTest, AbsentFileFallsBackToDefaults) {
  EXPECT_EQ(PriorityMatrix::LoadFileOrDefault("/nonexistent/priority.yaml").value(), PriorityMatrix::Default());
  EXPECT_EQ(PriorityMatrix::LoadFileOrDefault("").value(), PriorityMatrix::Default());
}

// Issue 9: the matrix in force is replaceable like the taxonomy; its text
// and content hash are what the rule history stores and compares.
TEST(PriorityStoreTest, AnUpdateReplacesTheMatrixAndABadOneKeepsIt) {
  PriorityStore store(PriorityMatrix::Default());
  const std::string urgent = "version: urgent\ndefault: {priority: P1}\nrules: []\n";
  const auto updated = store.Update(urgent, "yaml");
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(store.Current()->version(), "urgent");
  EXPECT_EQ(store.Current()->source_yaml(), urgent);
  EXPECT_NE(store.Current()->content_hash(), PriorityMatrix::Default()->content_hash());
  EXPECT_EQ(store.Current()->Grade(PriorityFacts{}).priority, Priority::kP1);

  const auto refused = store.Update("rules:\n  - when: {sentiment: negative}\n    priority: P0\n", "yaml");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(refused.status().message()).rfind("yaml:3: ", 0), 0u) << refused.status();
  EXPECT_EQ(store.Current()->version(), "urgent");
}

}  // namespace
}  // namespace voc::triage
