// What one triaged feedback adds to the voice roll-up (issue 12).
#include "services/triage/reports/voice_rollup.h"

#include <gtest/gtest.h>

namespace voc::triage {
namespace {

// 2026-12-01 00:00 in China (UTC+8) is 2026-11-30 16:00 UTC.
constexpr long long kDec1ChinaMidnightSeconds = 1'796'083'200 - 8 * 3600;

v1::TriagedFeedback Feedback(long long occurred_seconds) {
  v1::TriagedFeedback t;
  auto& f = *t.mutable_feedback();
  f.set_id("f1");
  f.set_channel(v1::CHANNEL_NPS_SURVEY);
  f.set_product("E7");
  f.mutable_customer()->set_region("east");
  f.mutable_customer()->set_value_tier("vip");
  f.mutable_customer()->set_store("sh-01");
  f.set_nps(3);
  f.mutable_occurred_time()->set_seconds(occurred_seconds);
  auto& r = *t.mutable_result();
  r.set_sentiment(v1::SENTIMENT_NEGATIVE);
  r.set_intensity(2);
  auto* a = r.add_topics();
  a->set_topic("logistics.delivery_delay");
  a->set_department("logistics");
  auto* b = r.add_topics();
  b->set_topic("logistics.damaged_parcel");
  b->set_department("logistics");
  auto* c = r.add_topics();
  c->set_topic("price");
  c->set_department("pricing");
  return t;
}

VoiceKey Summary(VoiceSlice slice, std::string value, reports::DayNumber day) {
  VoiceKey k;
  k.slice = slice;
  k.value = std::move(value);
  k.day = day;
  return k;
}

TEST(VoiceRollupTest, OneFeedbackAddsOnceToEverySliceItBelongsTo) {
  const reports::DayNumber dec1 = *reports::ParseDay("2026-12-01");
  ASSERT_EQ(reports::DayOfMoment(kDec1ChinaMidnightSeconds * 1000, 480), dec1);
  VoiceRollup rollup;
  AddToVoiceRollup(Feedback(kDec1ChinaMidnightSeconds), 480, rollup);

  // all + 4 topics (two leaves, their shared parent once, price) + 2
  // departments (logistics once): 7 slices with a summary row and four
  // narrowed ones (channel, product, region, all three); the store and the
  // tier: a summary row each.
  EXPECT_EQ(rollup.size(), 7u * 5 + 2);
  EXPECT_EQ(rollup.at(Summary(VoiceSlice::kTier, "vip", dec1)).total, 1);
  const VoiceCounts& logistics = rollup.at(Summary(VoiceSlice::kTopic, "logistics", dec1));
  EXPECT_EQ(logistics.total, 1);
  EXPECT_EQ(logistics.negative, 1);
  EXPECT_EQ(logistics.negative_intensity, 2);
  EXPECT_EQ(logistics.nps.detractors, 1);
  EXPECT_EQ(rollup.at(Summary(VoiceSlice::kDepartment, "logistics", dec1)).total, 1);
  EXPECT_EQ(rollup.at(Summary(VoiceSlice::kDepartment, "pricing", dec1)).total, 1);
  EXPECT_EQ(rollup.at(Summary(VoiceSlice::kStore, "sh-01", dec1)).total, 1);
  EXPECT_EQ(rollup.count(Summary(VoiceSlice::kAll, "", dec1)), 1u);

  VoiceKey detail = Summary(VoiceSlice::kAll, "", dec1);
  detail.detail = VoiceDetail::kAll;
  detail.channel = v1::CHANNEL_NPS_SURVEY;
  detail.product = "E7";
  detail.region = "east";
  ASSERT_EQ(rollup.count(detail), 1u);
  EXPECT_EQ(rollup.at(detail).nps.answers(), 1);
  VoiceKey by_product = Summary(VoiceSlice::kTopic, "price", dec1);
  by_product.detail = VoiceDetail::kProduct;
  by_product.product = "E7";
  EXPECT_EQ(rollup.at(by_product).total, 1);
}

TEST(VoiceRollupTest, TheDayIsTheReportZonesDay) {
  VoiceRollup rollup;
  // One second before midnight in China: still Nov 30 there, and on Nov 30
  // in UTC too; one second after: Dec 1 in China, Nov 30 in UTC.
  AddToVoiceRollup(Feedback(kDec1ChinaMidnightSeconds - 1), 480, rollup);
  AddToVoiceRollup(Feedback(kDec1ChinaMidnightSeconds + 1), 480, rollup);
  AddToVoiceRollup(Feedback(kDec1ChinaMidnightSeconds + 1), 0, rollup);
  const reports::DayNumber dec1 = *reports::ParseDay("2026-12-01");
  EXPECT_EQ(rollup.at(Summary(VoiceSlice::kAll, "", dec1 - 1)).total, 2);
  EXPECT_EQ(rollup.at(Summary(VoiceSlice::kAll, "", dec1)).total, 1);
}

TEST(VoiceRollupTest, SentimentAndAnswersAreCountedAsTheyAre) {
  VoiceRollup rollup;
  v1::TriagedFeedback positive = Feedback(kDec1ChinaMidnightSeconds);
  positive.mutable_result()->set_sentiment(v1::SENTIMENT_POSITIVE);
  positive.mutable_feedback()->set_nps(10);
  v1::TriagedFeedback unanswered = Feedback(kDec1ChinaMidnightSeconds);
  unanswered.mutable_result()->set_sentiment(v1::SENTIMENT_NEUTRAL);
  unanswered.mutable_feedback()->clear_nps();
  v1::TriagedFeedback out_of_range = Feedback(kDec1ChinaMidnightSeconds);
  out_of_range.mutable_feedback()->set_nps(11);
  for (const auto* t : {&positive, &unanswered, &out_of_range}) AddToVoiceRollup(*t, 480, rollup);
  const VoiceCounts& all = rollup.at(Summary(VoiceSlice::kAll, "", *reports::ParseDay("2026-12-01")));
  EXPECT_EQ(all.total, 3);
  EXPECT_EQ(all.positive, 1);
  EXPECT_EQ(all.neutral, 1);
  EXPECT_EQ(all.negative, 1);
  EXPECT_EQ(all.negative_intensity, 2);
  EXPECT_EQ(all.nps.promoters, 1);
  EXPECT_EQ(all.nps.answers(), 1);  // no answer, and 11, count nothing
}

}  // namespace
}  // namespace voc::triage
