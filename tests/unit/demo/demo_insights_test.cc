// The demo feedback shows what the Insights tab is for. This feeds
// scripts/demo/feedback.jsonl and feedback.csv through the real triage
// library the way `./scripts/run.sh` loads them:
//   * `voc import --shift-to-now` (cli::ShiftToNow, "now" injected) moves
//     every occurred_at so the newest lands at now;
//   * ingest's validator drops the rows ingest would reject;
//   * TriageProcessor (shipped rules, SQLite in a temporary folder) triages
//     every row in import order and clusters the negative ones;
//   * a WeakSignalDetector with the default groups (DefaultSignalGroups of
//     the taxonomy, as services/triage/main.cc builds it without a signals
//     file) counts the negative ones, as TriageWorker does.
// What the demo is meant to show is listed in scripts/demo/insights.json
// (also read by scripts/check-demo-data.py): near-duplicate groups that must
// each form exactly one cluster, and a trend that must be the one emerging
// weak signal on the last day.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "cli/feedback_import.h"
#include "common/log/log.h"
#include "common/util/time.h"
#include "services/ingest/feedback_validator.h"
#include "services/triage/analysis/factory.h"
#include "services/triage/analysis/signals/weak_signals.h"
#include "services/triage/triage_processor.h"
#include "tests/support/servers.h"

namespace voc {
namespace {

constexpr char kJsonl[] = "scripts/demo/feedback.jsonl";
constexpr char kCsv[] = "scripts/demo/feedback.csv";
constexpr char kManifest[] = "scripts/demo/insights.json";

TimePoint At(const std::string& rfc3339) {
  TimePoint t;
  EXPECT_TRUE(ParseRfc3339(rfc3339, &t)) << rfc3339;
  return t;
}

// The rows of both files, in import order, as `voc import` reads them.
std::vector<cli::ImportRow> ReadDemoRows() {
  std::vector<cli::ImportRow> rows;
  for (auto [path, format] : {std::pair{kJsonl, cli::ImportFormat::kJsonl}, std::pair{kCsv, cli::ImportFormat::kCsv}}) {
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in) << "cannot open " << path << " (tests run from the repository root)";
    cli::FeedbackFileReader reader(in, format);
    cli::ImportRow row;
    while (reader.Next(&row)) rows.push_back(row);
    EXPECT_EQ(reader.fatal_error(), "") << path;
  }
  return rows;
}

// One triaged demo item.
struct Item {
  std::string id;  // external id (unique across the demo files)
  std::string text;
  std::string normalized;
  TimePoint occurred;  // as in the file, before any shift
  bool negative = false;
  std::string cluster;  // negative items only
  std::set<std::string> departments;  // of its topics
};

// Triage of the whole demo, done once: clusters do not depend on the shift.
class DemoInsightsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log::Init("demo_insights_test", "json", "warn");  // not a line per triaged item
    std::ifstream in(kManifest);
    ASSERT_TRUE(in) << "cannot open " << kManifest;
    manifest_ = new nlohmann::json(nlohmann::json::parse(in));

    testing::TempDir dir;
    auto db = storage::Database::Open("sqlite3://" + dir.path() + "/triage.db");
    db->Migrate("triage", triage::TriageMigrations());
    triage::TriageStore store(*db);
    analyzer_ = triage::MakeTriageAnalyzer(triage::ShippedAnalyzerOptions()).release();
    FakeClock clock(At("2026-11-25T12:00:00Z"));
    triage::TriageProcessor processor(*analyzer_, store, clock);

    ingest::FeedbackValidator validator;
    items_ = new std::vector<Item>;
    for (auto& row : ReadDemoRows()) {
      if (!row.ok() || validator.Validate(row.feedback)) continue;  // rejected by voc import or ingest
      auto& f = row.feedback;
      ASSERT_TRUE(f.has_occurred_time()) << f.external_id() << ": every demo item is dated";
      f.set_id(f.external_id());
      Item item;
      item.id = f.external_id();
      item.text = f.text();
      item.occurred = FromProto(f.occurred_time());
      auto triaged = processor.Process(f, nullptr, &item.normalized);
      item.negative = triaged.result().sentiment() == v1::SENTIMENT_NEGATIVE;
      item.cluster = triaged.result().cluster_id();
      for (const auto& t : triaged.result().topics()) item.departments.insert(t.department());
      items_->push_back(std::move(item));
    }
  }
  static void TearDownTestSuite() {
    delete items_;
    delete manifest_;
    delete analyzer_;
  }

  static const Item* Find(const std::string& id) {
    for (const auto& item : *items_)
      if (item.id == id) return &item;
    return nullptr;
  }
  static std::vector<std::string> MembersOf(const std::string& cluster) {
    std::vector<std::string> ids;
    for (const auto& item : *items_)
      if (item.negative && item.cluster == cluster) ids.push_back(item.id);
    return ids;
  }
  static std::string Describe(const std::vector<std::string>& ids) {
    std::ostringstream out;
    for (const auto& id : ids) {
      const Item* item = Find(id);
      out << "\n    " << id;
      if (!item) {
        out << " (not imported)";
        continue;
      }
      out << (item->negative ? " [cluster " + item->cluster + "] " : " [not negative] ") << item->text;
    }
    return out.str();
  }

  // The weak signals after importing the demo with --shift-to-now at `now`,
  // counted as TriageWorker counts them. Returns today's day index.
  static std::int64_t CountSignals(TimePoint now, triage::WeakSignalDetector& signals) {
    std::vector<cli::ImportRow> rows;
    for (const auto& item : *items_) {
      cli::ImportRow row;
      *row.feedback.mutable_occurred_time() = ToProto(item.occurred);
      rows.push_back(row);
    }
    cli::ShiftToNow(&rows, now);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const TimePoint shifted = FromProto(rows[i].feedback.occurred_time());
      EXPECT_LE(shifted, now) << (*items_)[i].id;
      if ((*items_)[i].negative) signals.Observe((*items_)[i].normalized, triage::DayIndex(ToMillis(shifted) / 1000));
    }
    return triage::DayIndex(ToMillis(now) / 1000);
  }
  static triage::WeakSignalOptions DefaultSignalOptions() {
    triage::WeakSignalOptions options;
    options.groups = triage::DefaultSignalGroups(*analyzer_->taxonomy().Current());
    return options;
  }
  static std::vector<std::string> SignalTerms() {
    std::vector<std::string> terms = (*manifest_)["signal"]["terms"].get<std::vector<std::string>>();
    std::sort(terms.begin(), terms.end());
    return terms;
  }

  static inline triage::TriageAnalyzer* analyzer_ = nullptr;
  static inline std::vector<Item>* items_ = nullptr;
  static inline nlohmann::json* manifest_ = nullptr;
};

TEST_F(DemoInsightsTest, EachNearDuplicateGroupIsExactlyOneCluster) {
  ASSERT_GE((*manifest_)["clusters"].size(), 6u);
  std::set<std::string> clusters_seen;
  for (const auto& group : (*manifest_)["clusters"]) {
    const std::string name = group["name"];
    const auto expected = group["members"].get<std::vector<std::string>>();
    ASSERT_GE(expected.size(), 4u) << name;
    const Item* first = Find(expected.front());
    ASSERT_NE(first, nullptr) << name << ": " << expected.front() << " is not in the demo";
    ASSERT_TRUE(first->negative) << name << Describe(expected);
    std::vector<std::string> actual = MembersOf(first->cluster);
    std::vector<std::string> sorted_expected = expected;
    std::sort(actual.begin(), actual.end());
    std::sort(sorted_expected.begin(), sorted_expected.end());
    EXPECT_EQ(actual, sorted_expected) << name << "\n  expected:" << Describe(expected) << "\n  cluster "
                                       << first->cluster << ":" << Describe(actual);
    EXPECT_TRUE(clusters_seen.insert(first->cluster).second) << name << " shares a cluster with another group";
    // The department's owner finds it under Insights (/api/clusters?department=...).
    const std::string department = group["department"];
    EXPECT_TRUE(std::any_of(actual.begin(), actual.end(),
                            [&](const std::string& id) { return Find(id)->departments.count(department) > 0; }))
        << name << ": no member has a topic of " << department;
  }
}

TEST_F(DemoInsightsTest, PrintsTheClustersOfTwoOrMore) {
  // Not an assertion: what /api/clusters lists (size >= 2), for the docs.
  std::map<std::string, std::vector<std::string>> clusters;
  for (const auto& item : *items_)
    if (item.negative) clusters[item.cluster].push_back(item.id);
  int listed = 0, negative = 0;
  for (const auto& item : *items_) negative += item.negative;
  std::cout << items_->size() << " items imported, " << negative << " negative, " << clusters.size()
            << " clusters\n";
  for (const auto& [id, members] : clusters) {
    if (members.size() < 2) continue;
    ++listed;
    std::cout << "cluster " << id << ", " << members.size() << " members:" << Describe(members) << "\n";
  }
  std::cout << listed << " clusters of two or more\n";
}

// "Today" is wherever the newest item lands; the trend's last-day mentions
// are in the newest 1 h 20 min of the data, so from 01:20 UTC on, at least
// four of them count today.
TEST_F(DemoInsightsTest, TheTrendIsTheOneEmergingSignalOnTheLastDay) {
  const std::vector<std::string> terms = SignalTerms();
  for (const char* now_text : {"2026-11-25T01:30:00Z", "2026-11-25T05:22:00Z", "2027-03-10T12:00:00Z",
                               "2026-12-31T23:59:59Z"}) {
    SCOPED_TRACE(now_text);
    triage::WeakSignalDetector signals(DefaultSignalOptions());
    const std::int64_t today = CountSignals(At(now_text), signals);
    auto emerging = signals.Emerging(today);
    std::ostringstream listed;
    for (const auto& s : emerging)
      listed << "\n  " << s.combination << ": " << s.count << " today, baseline " << s.history_total << " over "
             << s.history_days << " days, p = " << s.p_value;
    ASSERT_EQ(emerging.size(), 1u) << "emerging today:" << listed.str();
    std::vector<std::string> found = emerging[0].terms;
    std::sort(found.begin(), found.end());
    EXPECT_EQ(found, terms) << listed.str();
    EXPECT_GE(emerging[0].count, 4u);
    EXPECT_LE(emerging[0].history_total, 1.0) << "the trend rises from a near-zero base";
    EXPECT_LE(emerging[0].p_value, 1e-5);
  }
}

TEST_F(DemoInsightsTest, TheTrendGrowsDayByDayFromNothing) {
  // Late in the day the calendar days match the data's 24-hour steps back
  // from the newest item: 1, 2, 4, 7 in the last four days.
  const auto daily = (*manifest_)["signal"]["daily_counts"].get<std::vector<std::uint32_t>>();
  ASSERT_EQ(daily.size(), 4u);
  triage::WeakSignalDetector signals(DefaultSignalOptions());
  const std::int64_t today = CountSignals(At("2026-11-25T23:30:00Z"), signals);
  const std::vector<std::string> terms = SignalTerms();
  const std::string key = "key:" + terms[0] + " + key:" + terms[1];
  for (int back = 0; back < 4; ++back) {
    EXPECT_EQ(signals.Evaluate(key, today - back).count, daily[3 - back]) << back << " days back";
  }
  // Before: nothing in the week before the trend, at most one mention in the baseline.
  for (int back = 4; back < 11; ++back) EXPECT_EQ(signals.Evaluate(key, today - back).count, 0u) << back;
  EXPECT_LE(signals.Evaluate(key, today).history_total, 1.0);
  // The trend was not emerging before it began. (Other combinations may have
  // been, on their days: the 5.2 crash wave is one.)
  for (int back = 4; back < 30; ++back) {
    for (const auto& s : signals.Emerging(today - back)) {
      std::vector<std::string> found = s.terms;
      std::sort(found.begin(), found.end());
      EXPECT_NE(found, terms) << back << " days back";
    }
  }
  // Every trend item is negative (only negative feedback is counted).
  for (const auto& id : (*manifest_)["signal"]["members"]) {
    const Item* item = Find(id);
    ASSERT_NE(item, nullptr) << id;
    EXPECT_TRUE(item->negative) << id << " " << item->text;
  }
}

}  // namespace
}  // namespace voc
