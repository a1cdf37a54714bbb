// Issue 10 item 4 ("marks"): triage's red-line hits and marks (triage
// migration 8) on SQLite and PostgreSQL: the term report's counts and
// precision per term from the marks, the newest mark winning over a
// redelivered or late older one, watch-level hits and feedback outside the
// period left out.
#include <gtest/gtest.h>

#include "common/util/time.h"
#include "services/triage/red_line_report.h"
#include "services/triage/store/red_line_marks_store.h"
#include "services/triage/store/triage_store.h"
#include "tests/support/backend_database.h"
#include "tests/support/servers.h"
#include "voc/v1/tracking.pb.h"

namespace voc::triage {
namespace {

using voc::testing::Backend;

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kDay0 = 1772409600000LL;  // 2026-03-02T00:00:00Z

class RedLineMarksStorageTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (voc::testing::BackendMissing(GetParam())) GTEST_SKIP() << "PostgreSQL server binaries not installed";
    auto db = storage::Database::Open(voc::testing::FreshDatabaseUrl(GetParam(), dir_.path(), "triage"), 2);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    ASSERT_TRUE(db_->Migrate("triage", TriageMigrations()).ok());
    store_ = std::make_unique<TriageStore>(*db_);
    marks_ = std::make_unique<RedLineMarkStore>(*db_);
  }

  struct Hit {
    v1::RedLineCategory category;
    std::string term;
    v1::RedLineLevel level = v1::RED_LINE_LEVEL_RED_LINE;
  };

  // Stores a result for `id` that occurred at `occurred_ms` with `hits`.
  void StoreResult(const std::string& id, std::int64_t occurred_ms, const std::vector<Hit>& hits) {
    std::vector<PendingResult> batch(1);
    v1::TriagedFeedback& t = batch[0].triaged;
    t.mutable_feedback()->set_id(id);
    t.mutable_feedback()->set_channel(v1::CHANNEL_REVIEW);
    *t.mutable_feedback()->mutable_occurred_time() = MillisToProto(occurred_ms);
    t.mutable_result()->set_feedback_id(id);
    t.mutable_result()->set_sentiment(v1::SENTIMENT_NEGATIVE);
    *t.mutable_result()->mutable_analyzed_time() = MillisToProto(occurred_ms);
    for (const Hit& h : hits) {
      v1::RedLineHit* hit = t.mutable_result()->add_red_lines();
      hit->set_category(h.category);
      hit->set_term(h.term);
      hit->set_level(h.level);
    }
    batch[0].normalized_text = "text of " + id;
    std::uint64_t last_seq = 0;
    ASSERT_TRUE(store_->SaveResults(batch, 0, [](const auto&, const auto&, std::uint64_t&) {}, &last_seq).ok());
  }

  bool Mark(const std::string& feedback_id, v1::RedLineVerdict verdict, std::int64_t marked_ms,
            const std::string& reason = "why") {
    RedLineMarkRecord m{feedback_id, "case-" + feedback_id, verdict, reason, "p-owner", marked_ms};
    auto recorded = marks_->RecordMark(m);
    EXPECT_TRUE(recorded.ok()) << recorded.status();
    return recorded.ok() && *recorded;
  }

  v1::RedLineReport Report(std::int64_t start_ms, std::int64_t end_ms) {
    RedLineReporter reporter(*marks_);
    v1::GetRedLineReportRequest request;
    *request.mutable_start_time() = MillisToProto(start_ms);
    *request.mutable_end_time() = MillisToProto(end_ms);
    auto report = reporter.Report(request);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : v1::RedLineReport();
  }

  voc::testing::TempDir dir_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<TriageStore> store_;
  std::unique_ptr<RedLineMarkStore> marks_;
};

TEST_P(RedLineMarksStorageTest, EachTermsPrecisionComesFromTheMarksAndFalseAlarmsLead) {
  StoreResult("fb-hotline", kDay0 + 1, {{v1::RED_LINE_CATEGORY_REGULATORY, "12315"}});
  StoreResult("fb-room", kDay0 + 2, {{v1::RED_LINE_CATEGORY_REGULATORY, "315"}});
  // Two terms on one feedback; 315 listed twice counts once.
  StoreResult("fb-station", kDay0 + 3,
              {{v1::RED_LINE_CATEGORY_REGULATORY, "315"},
               {v1::RED_LINE_CATEGORY_SAFETY, "着火"},
               {v1::RED_LINE_CATEGORY_REGULATORY, "315"}});
  StoreResult("fb-unmarked", kDay0 + 4, {{v1::RED_LINE_CATEGORY_SAFETY, "着火"}});
  // A watch-level hit opens no red-line case: not in the report.
  StoreResult("fb-watch", kDay0 + 5, {{v1::RED_LINE_CATEGORY_PR_CRISIS, "媒体", v1::RED_LINE_LEVEL_WATCH}});
  // Outside the period.
  StoreResult("fb-old", kDay0 - 2 * kDay, {{v1::RED_LINE_CATEGORY_REGULATORY, "315"}});
  StoreResult("fb-quiet", kDay0 + 6, {});

  EXPECT_TRUE(Mark("fb-hotline", v1::RED_LINE_VERDICT_CONFIRMED, 100));
  EXPECT_TRUE(Mark("fb-room", v1::RED_LINE_VERDICT_FALSE_ALARM, 100));
  EXPECT_TRUE(Mark("fb-station", v1::RED_LINE_VERDICT_CONFIRMED, 100));
  EXPECT_TRUE(Mark("fb-station", v1::RED_LINE_VERDICT_FALSE_ALARM, 200, "挨着火车站")) << "re-marked";
  EXPECT_FALSE(Mark("fb-station", v1::RED_LINE_VERDICT_CONFIRMED, 150)) << "an older mark arriving late";
  EXPECT_FALSE(Mark("fb-station", v1::RED_LINE_VERDICT_FALSE_ALARM, 200, "挨着火车站")) << "redelivered";
  EXPECT_TRUE(Mark("fb-old", v1::RED_LINE_VERDICT_FALSE_ALARM, 100));
  const auto kept = marks_->GetMark("fb-station").value();
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->verdict, v1::RED_LINE_VERDICT_FALSE_ALARM);
  EXPECT_EQ(kept->reason, "挨着火车站");
  EXPECT_EQ(kept->marked_ms, 200);

  const v1::RedLineReport report = Report(kDay0, kDay0 + kDay);
  ASSERT_EQ(report.terms_size(), 3);
  // 315: two flagged, both false alarms.
  EXPECT_EQ(report.terms(0).category(), "regulatory");
  EXPECT_EQ(report.terms(0).term(), "315");
  EXPECT_EQ(report.terms(0).flagged(), 2);
  EXPECT_EQ(report.terms(0).false_alarms(), 2);
  EXPECT_EQ(report.terms(0).confirmed(), 0);
  EXPECT_EQ(report.terms(0).unmarked(), 0);
  ASSERT_TRUE(report.terms(0).has_precision());
  EXPECT_DOUBLE_EQ(report.terms(0).precision(), 0.0);
  // 着火: one false alarm, one unmarked.
  EXPECT_EQ(report.terms(1).term(), "着火");
  EXPECT_EQ(report.terms(1).category(), "safety");
  EXPECT_EQ(report.terms(1).flagged(), 2);
  EXPECT_EQ(report.terms(1).false_alarms(), 1);
  EXPECT_EQ(report.terms(1).unmarked(), 1);
  EXPECT_DOUBLE_EQ(report.terms(1).precision(), 0.0);
  // 12315: confirmed.
  EXPECT_EQ(report.terms(2).term(), "12315");
  EXPECT_EQ(report.terms(2).confirmed(), 1);
  EXPECT_DOUBLE_EQ(report.terms(2).precision(), 1.0);
  // Over distinct feedback: hotline, room, station, unmarked.
  EXPECT_EQ(report.flagged(), 4);
  EXPECT_EQ(report.confirmed(), 1);
  EXPECT_EQ(report.false_alarms(), 2);
  EXPECT_NEAR(report.precision(), 1.0 / 3.0, 1e-12);
}

TEST_P(RedLineMarksStorageTest, AnEmptyPeriodHasNoPrecisionAndABadPeriodNamesTheField) {
  StoreResult("fb-1", kDay0, {{v1::RED_LINE_CATEGORY_LEGAL, "起诉"}});
  const v1::RedLineReport unmarked = Report(kDay0, kDay0 + kDay);
  ASSERT_EQ(unmarked.terms_size(), 1);
  EXPECT_FALSE(unmarked.terms(0).has_precision()) << "nobody marked it yet";
  EXPECT_EQ(unmarked.terms(0).unmarked(), 1);
  EXPECT_FALSE(unmarked.has_precision());
  const v1::RedLineReport empty = Report(kDay0 + kDay, kDay0 + 2 * kDay);
  EXPECT_EQ(empty.terms_size(), 0);
  EXPECT_EQ(empty.flagged(), 0);

  RedLineReporter reporter(*marks_);
  v1::GetRedLineReportRequest request;
  *request.mutable_start_time() = MillisToProto(kDay0);
  auto r = reporter.Report(request);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(r.status().message()).rfind("end_time", 0), 0u) << r.status();
  *request.mutable_end_time() = MillisToProto(kDay0);
  r = reporter.Report(request);
  EXPECT_EQ(std::string(r.status().message()).rfind("end_time", 0), 0u) << r.status();
}

INSTANTIATE_TEST_SUITE_P(Backends, RedLineMarksStorageTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return voc::testing::BackendName(info.param); });

}  // namespace
}  // namespace voc::triage
