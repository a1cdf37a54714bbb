// The weeks of score-only NPS answers run.sh adds to the demo (issue 12,
// scripts/demo/nps_weeks.py) keep their promises: through the real importer,
// ingest's validator and triage library, every answer is accepted, none
// joins a near-duplicate cluster or feeds a weak signal (so the Insights tab
// of demo_insights_test.cc is unchanged), none is newer than the newest
// hand-written item (so --shift-to-now moves all files alike), every week
// has enough answers for a weekly NPS, and the trends the Dashboard and the
// demo's goals rely on are there: the Xingchen E7's NPS rises, the Mall
// App's falls after 5.2.0.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>

#include "cli/feedback_import.h"
#include "common/log/log.h"
#include "common/reports/nps.h"
#include "common/util/time.h"
#include "services/ingest/feedback_validator.h"
#include "services/triage/analysis/factory.h"
#include "services/triage/analysis/signals/weak_signals.h"
#include "services/triage/triage_processor.h"
#include "tests/support/servers.h"

namespace voc {
namespace {

TimePoint At(const std::string& rfc3339) {
  TimePoint t;
  EXPECT_TRUE(ParseRfc3339(rfc3339, &t)) << rfc3339;
  return t;
}

std::vector<v1::Feedback> GeneratedWeeks(const std::string& dir) {
  const std::string path = dir + "/nps_weeks.jsonl";
  EXPECT_EQ(std::system(("python3 scripts/demo/nps_weeks.py " + path).c_str()), 0)
      << "tests run from the repository root";
  std::ifstream in(path, std::ios::binary);
  cli::FeedbackFileReader reader(in, cli::ImportFormat::kJsonl);
  std::vector<v1::Feedback> out;
  cli::ImportRow row;
  while (reader.Next(&row)) {
    EXPECT_TRUE(row.ok()) << row.error;
    out.push_back(row.feedback);
  }
  EXPECT_EQ(reader.fatal_error(), "");
  return out;
}

TEST(DemoWeeksTest, ScoreOnlyAnswersShowTrendsAndLeaveTheInsightsAlone) {
  log::Init("demo_weeks_test", "json", "warn");
  testing::TempDir dir;
  const auto weeks = GeneratedWeeks(dir.path());
  ASSERT_GE(weeks.size(), 700u);

  auto analyzer = triage::MakeTriageAnalyzer(triage::ShippedAnalyzerOptions()).value();
  auto db = storage::Database::Open("sqlite3://" + dir.path() + "/triage.db").value();
  db->Migrate("triage", triage::TriageMigrations()).value();
  triage::TriageStore store(*db);
  FakeClock clock(At("2026-11-25T12:00:00Z"));
  triage::TriageProcessor processor(*analyzer, store, clock);
  triage::WeakSignalOptions signal_options;
  signal_options.groups = triage::DefaultSignalGroups(*analyzer->taxonomy().Current());
  triage::WeakSignalDetector signals(signal_options);

  ingest::FeedbackValidator validator;
  const TimePoint newest_hand_written = At("2026-11-24T15:10:00Z");
  // (product, ISO week Monday as a day number) -> NPS counts.
  std::map<std::pair<std::string, long>, reports::NpsCounts> by_week;
  for (auto feedback : weeks) {
    ASSERT_TRUE(validator.Validate(feedback).ok()) << feedback.external_id();
    EXPECT_LT(FromProto(feedback.occurred_time()), newest_hand_written) << feedback.external_id();
    feedback.set_id(feedback.external_id());
    std::string normalized;
    const auto result = processor.Process(feedback, nullptr, &normalized).value().result();
    EXPECT_EQ(result.cluster_id(), "") << feedback.external_id();
    EXPECT_EQ(normalized, "") << feedback.external_id();
    if (result.sentiment() == v1::SENTIMENT_NEGATIVE) {
      signals.Observe(normalized, triage::DayIndex(ProtoToMillis(feedback.occurred_time()) / 1000));
    }
    const long day = ProtoToMillis(feedback.occurred_time()) / (24LL * 3600 * 1000);
    const long monday = day - (day + 3) % 7;  // 1970-01-01 was a Thursday
    ASSERT_TRUE(reports::CountAnswer(feedback.nps(), by_week[{feedback.product(), monday}]));
  }
  for (std::int64_t day = triage::DayIndex(ToMillis(At("2026-09-01T00:00:00Z")) / 1000);
       day <= triage::DayIndex(ToMillis(At("2026-11-25T00:00:00Z")) / 1000); ++day) {
    EXPECT_TRUE(signals.Emerging(day).empty()) << "day " << day;
  }

  // The ten full weeks in the middle (the first and last are cut): at least
  // 30 answers a week of each product, so a weekly NPS is shown.
  std::map<std::string, std::vector<double>> nps;
  for (const auto& [key, counts] : by_week) nps[key.first].push_back(reports::ComputeNps(counts, 1).nps);
  for (const auto& [key, counts] : by_week) {
    if (key.second == by_week.begin()->first.second) continue;
    if (key.second == by_week.rbegin()->first.second) continue;
    EXPECT_GE(counts.answers(), 30) << key.first << " week " << key.second;
  }
  auto mean = [](const std::vector<double>& v, std::size_t from, std::size_t to) {
    double sum = 0;
    for (std::size_t i = from; i < to; ++i) sum += v[i];
    return sum / static_cast<double>(to - from);
  };
  const auto& e7 = nps["Xingchen E7"];
  ASSERT_GE(e7.size(), 12u);
  EXPECT_GT(mean(e7, e7.size() - 5, e7.size() - 1), mean(e7, 1, 5) + 20) << "the E7's NPS rises";
  const auto& app = nps["Huaxing Mall App"];
  ASSERT_GE(app.size(), 12u);
  EXPECT_LT(mean(app, app.size() - 3, app.size() - 1), mean(app, 1, 9)) << "the App's NPS falls after 5.2.0";
}

}  // namespace
}  // namespace voc
