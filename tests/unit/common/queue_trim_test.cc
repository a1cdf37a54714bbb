// The pieces of the stream trimmer that need no Redis: entry ids (parsed and
// ordered as Redis orders them, the bound after an id), the consumer groups
// each loop stream must wait for, and the `queue` configuration section.
// The trimming itself is tested against a real Redis in
// tests/integration/queue_integration_test.cc.
#include <gtest/gtest.h>

#include "common/config/config.h"
#include "common/queue/stream.h"
#include "common/queue/stream_trim_worker.h"
#include "common/queue/stream_trimmer.h"

namespace voc::queue {
namespace {

TEST(StreamIdTest, ParsesOnlyCompleteIds) {
  auto id = StreamId::Parse("1700000000000-12");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->ms, 1700000000000u);
  EXPECT_EQ(id->seq, 12u);
  EXPECT_EQ(id->ToString(), "1700000000000-12");
  for (const char* bad : {"", "-", "17-", "-3", "17", "17-3x", "a-1", "1-2-3", "+", "$"}) {
    EXPECT_FALSE(StreamId::Parse(bad).has_value()) << bad;
  }
}

TEST(StreamIdTest, OrdersByTimeThenSequenceNotAsText) {
  EXPECT_LT(*StreamId::Parse("9-5"), *StreamId::Parse("10-0"));  // "9-5" > "10-0" as text
  EXPECT_LT(*StreamId::Parse("10-2"), *StreamId::Parse("10-10"));
  EXPECT_EQ(*StreamId::Parse("10-2"), (StreamId{10, 2}));
}

TEST(StreamIdTest, NextIsTheSmallestIdAfter) {
  EXPECT_EQ(StreamId::Parse("0-0")->Next().ToString(), "0-1");
  EXPECT_EQ((StreamId{5, UINT64_MAX}).Next().ToString(), "6-0");
}

TEST(ConsumerGroupsOfTest, NamesTheGroupsEveryLoopStreamWaitsFor) {
  EXPECT_EQ(ConsumerGroupsOf(kFeedbackStream), (std::vector<std::string>{"triage"}));
  EXPECT_EQ(ConsumerGroupsOf(kTriagedStream), (std::vector<std::string>{"assignment", "verification"}));
  EXPECT_EQ(ConsumerGroupsOf(kTrackingStream), (std::vector<std::string>{"verification", "triage"}));
  EXPECT_EQ(ConsumerGroupsOf(kOutreachStream), (std::vector<std::string>{"verification"}));
  EXPECT_TRUE(ConsumerGroupsOf("voc:unknown").empty());
  EXPECT_EQ(DeadLetterKey(kFeedbackStream), "voc:feedback:dead");
  EXPECT_EQ(FailureKey(kTriagedStream, "assignment"), "voc:triaged:failures:assignment");
}

TEST(TrimSettingsTest, DefaultsWhenTheSectionIsMissing) {
  const TrimSettings settings = TrimSettingsFrom(Config::FromString("data_dir: ./var\n", "ingest").value());
  EXPECT_TRUE(settings.enabled);
  EXPECT_EQ(settings.interval, std::chrono::milliseconds(1000));
  EXPECT_EQ(settings.dead_letter_max_len, kDefaultDeadLetterMaxLen);
}

TEST(TrimSettingsTest, ReadsTheQueueSection) {
  const TrimSettings settings = TrimSettingsFrom(
      Config::FromString("queue:\n  trim_enabled: false\n  trim_interval_ms: 250\n  dead_letter_max_len: 42\n",
                         "triage")
          .value());
  EXPECT_FALSE(settings.enabled);
  EXPECT_EQ(settings.interval, std::chrono::milliseconds(250));
  EXPECT_EQ(settings.dead_letter_max_len, 42);
}

TEST(TrimSettingsTest, ABadValueIsAConfigError) {
  const Config config = Config::FromString("queue:\n  trim_interval_ms: soon\n", "triage").value();
  EXPECT_THROW(TrimSettingsFrom(config), ConfigError);
}

}  // namespace
}  // namespace voc::queue
