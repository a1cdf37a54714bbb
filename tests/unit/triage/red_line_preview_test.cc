// Issue 10 item 4 ("marks"): the red-line preview over the last N days by
// the service clock: what the current and a candidate file flag, gained and
// lost, with de-identified sample texts.
#include <gtest/gtest.h>

#include "common/util/time.h"
#include "services/triage/triage_service.h"
#include "tests/unit/triage/triage_test_support.h"

namespace voc::triage {
namespace {

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kDay0 = 1772409600000LL;  // 2026-03-02T00:00:00Z

class RedLinePreviewTest : public TriageStoreTest {
 protected:
  RedLinePreviewTest() : TriageStoreTest(FromMillis(kDay0)) {}

  void SetUp() override {
    TriageStoreTest::SetUp();
    if (HasFatalFailure()) return;
    service_ = std::make_unique<TriageService>(*processor_, *store_, nullptr, clock_);
  }

  void Store(const std::string& id, const std::string& text) {
    v1::Feedback f;
    f.set_id(id);
    f.set_channel(v1::CHANNEL_REVIEW);
    f.set_text(text);
    *f.mutable_occurred_time() = voc::ToProto(clock_.Now());
    ASSERT_TRUE(service_->Triage(f).ok());
  }

  static const v1::RedLinePreview& Category(const v1::PreviewRedLinesResponse& r, const std::string& name) {
    for (const auto& c : r.categories()) {
      if (c.category() == name) return c;
    }
    static const v1::RedLinePreview none;
    ADD_FAILURE() << "no category " << name;
    return none;
  }

  std::unique_ptr<TriageService> service_;
};

// A candidate that flags only 爆炸 (safety) and 快递 (pr_crisis).
constexpr char kCandidate[] =
    "version: candidate\ncategories:\n  safety: [爆炸]\n  legal: [lawsuit]\n  regulatory: [\"12315\"]\n"
    "  pr_crisis: [快递]\n";

TEST_F(RedLinePreviewTest, TheLastDaysByTheServiceClockAreTriedNotOlderFeedback) {
  Store("old", "充电器起火了，太可怕了");
  clock_.Advance(std::chrono::hours(24 * 10));
  Store("recent-1", "快递太慢了，打电话13812345678也没人接");
  clock_.Advance(std::chrono::hours(24 * 2));
  Store("recent-2", "我家充电器起火了，联系我13912345678");

  v1::PreviewRedLinesRequest request;
  request.set_yaml(kCandidate);
  request.set_days(7);
  const auto week = service_->PreviewRedLines(request);
  ASSERT_TRUE(week.ok()) << week.status();
  EXPECT_EQ(week->sample_size(), 2) << "the feedback of ten days ago is outside the week";
  // [now - 7 days, now]: the end is exclusive, so it is a millisecond after now.
  EXPECT_EQ(ProtoToMillis(week->start_time()), kDay0 + 12 * kDay - 7 * kDay);
  EXPECT_EQ(ProtoToMillis(week->end_time()), kDay0 + 12 * kDay + 1);
  EXPECT_EQ(week->current_flagged(), 1);    // 起火
  EXPECT_EQ(week->candidate_flagged(), 1);  // 快递
  EXPECT_EQ(week->gained(), 1);
  EXPECT_EQ(week->lost(), 1);
  const v1::RedLinePreview& safety = Category(*week, "safety");
  EXPECT_EQ(safety.lost(), 1);
  ASSERT_EQ(safety.lost_examples_size(), 1);
  EXPECT_NE(safety.lost_examples(0).find("起火"), std::string::npos);
  EXPECT_EQ(safety.lost_examples(0).find("13912345678"), std::string::npos)
      << "examples leave triage de-identified: " << safety.lost_examples(0);
  const v1::RedLinePreview& pr = Category(*week, "pr_crisis");
  EXPECT_EQ(pr.gained(), 1);
  ASSERT_EQ(pr.gained_examples_size(), 1);
  EXPECT_EQ(pr.gained_examples(0).find("13812345678"), std::string::npos) << pr.gained_examples(0);

  request.set_days(30);
  const auto month = service_->PreviewRedLines(request);
  ASSERT_TRUE(month.ok()) << month.status();
  EXPECT_EQ(month->sample_size(), 3);
  EXPECT_EQ(month->current_flagged(), 2);
  EXPECT_EQ(Category(*month, "safety").lost(), 2);

  request.set_examples(1);
  request.set_sample_size(1);  // at most this many of the window, newest first
  const auto capped = service_->PreviewRedLines(request);
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(capped->sample_size(), 1);
  EXPECT_EQ(Category(*capped, "safety").lost(), 1);
}

TEST_F(RedLinePreviewTest, DaysOutOfRangeAreRefusedNamingTheField) {
  v1::PreviewRedLinesRequest request;
  request.set_yaml(kCandidate);
  request.set_days(-1);
  auto r = service_->PreviewRedLines(request);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(r.status().message()).rfind("days", 0), 0u) << r.status();
  request.set_days(367);
  r = service_->PreviewRedLines(request);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace voc::triage
