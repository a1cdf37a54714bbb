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
#include <random>
#include <set>
#include <sstream>

#include "cli/feedback_import.h"
#include "common/log/log.h"
#include "common/util/time.h"
#include "services/ingest/ingest_service.h"
#include "services/ingest/feedback_validator.h"
#include "services/triage/analysis/clusters/similar_complaints.h"
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

// One demo item as ingest stores it, and what triage made of it.
struct Item {
  v1::Feedback feedback;  // id = external id (unique across the demo files)
  std::string id;
  std::string text;
  std::string normalized;
  TimePoint occurred;  // as in the file, before any shift
  bool negative = false;
  std::set<std::string> departments;  // of its topics
};

// id -> cluster id of the negative items.
using Clusters = std::map<std::string, std::string>;

class DemoInsightsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log::Init("demo_insights_test", "json", "warn");  // not a line per triaged item
    std::ifstream in(kManifest);
    ASSERT_TRUE(in) << "cannot open " << kManifest;
    manifest_ = new nlohmann::json(nlohmann::json::parse(in));
    analyzer_ = triage::MakeTriageAnalyzer(triage::ShippedAnalyzerOptions()).value().release();

    ingest::FeedbackValidator validator;
    items_ = new std::vector<Item>;
    for (auto& row : ReadDemoRows()) {
      if (!row.ok() || !validator.Validate(row.feedback).ok()) continue;  // rejected by voc import or ingest
      Item item;
      item.feedback = row.feedback;
      ASSERT_TRUE(item.feedback.has_occurred_time()) << item.feedback.external_id() << ": every demo item is dated";
      item.id = item.feedback.external_id();
      item.feedback.set_id(item.id);
      item.text = item.feedback.text();
      item.occurred = FromProto(item.feedback.occurred_time());
      items_->push_back(std::move(item));
    }
    std::vector<std::size_t> file_order(items_->size());
    for (std::size_t i = 0; i < file_order.size(); ++i) file_order[i] = i;
    clusters_ = new Clusters(Triage(file_order, /*record=*/true));
  }
  static void TearDownTestSuite() {
    delete clusters_;
    delete items_;
    delete manifest_;
    delete analyzer_;
  }

  // Triages the items in `order` with a fresh store and cluster index.
  // `record` keeps each item's normalised text, sentiment and departments.
  static Clusters Triage(const std::vector<std::size_t>& order, bool record = false) {
    testing::TempDir dir;
    auto db = storage::Database::Open("sqlite3://" + dir.path() + "/triage.db").value();
    db->Migrate("triage", triage::TriageMigrations()).value();
    triage::TriageStore store(*db);
    FakeClock clock(At("2026-11-25T12:00:00Z"));
    triage::TriageProcessor processor(*analyzer_, store, clock);
    Clusters clusters;
    for (std::size_t i : order) {
      Item& item = (*items_)[i];
      std::string normalized;
      auto result = processor.Process(item.feedback, nullptr, &normalized).value().result();
      const bool negative = result.sentiment() == v1::SENTIMENT_NEGATIVE;
      if (negative) clusters[item.id] = result.cluster_id();
      if (record) {
        item.normalized = normalized;
        item.negative = negative;
        for (const auto& t : result.topics()) item.departments.insert(t.department());
      }
    }
    return clusters;
  }
  // The order voc-triage sees them in after `voc import FILE.jsonl FILE.csv`:
  // batches of 200 rows per file, and within a batch (one received time)
  // ingest's outbox relay publishes by feedback id.
  static std::vector<std::size_t> IngestOrder() {
    std::vector<std::size_t> order;
    std::vector<std::size_t> batch;
    auto flush = [&] {
      std::sort(batch.begin(), batch.end(), [](std::size_t a, std::size_t b) {
        const auto& fa = (*items_)[a].feedback;
        const auto& fb = (*items_)[b].feedback;
        return ingest::FeedbackIdFor(fa.channel(), fa.external_id()) <
               ingest::FeedbackIdFor(fb.channel(), fb.external_id());
      });
      order.insert(order.end(), batch.begin(), batch.end());
      batch.clear();
    };
    bool in_csv = false;
    for (std::size_t i = 0; i < items_->size(); ++i) {
      const bool csv = (*items_)[i].id.find("-2026-9") != std::string::npos;
      if (csv != in_csv || batch.size() == 200) flush();
      in_csv = csv;
      batch.push_back(i);
    }
    flush();
    return order;
  }

  static const Item* Find(const std::string& id) {
    for (const auto& item : *items_)
      if (item.id == id) return &item;
    return nullptr;
  }
  static std::vector<std::string> MembersOf(const Clusters& clusters, const std::string& cluster) {
    std::vector<std::string> ids;
    for (const auto& [id, c] : clusters)
      if (c == cluster) ids.push_back(id);
    return ids;
  }
  static std::string Describe(const Clusters& clusters, const std::vector<std::string>& ids) {
    std::ostringstream out;
    for (const auto& id : ids) {
      const Item* item = Find(id);
      out << "\n    " << id;
      if (!item) {
        out << " (not imported)";
        continue;
      }
      auto c = clusters.find(id);
      out << (c != clusters.end() ? " [cluster " + c->second + "] " : " [not negative] ") << item->text;
    }
    return out.str();
  }
  // Estimated Jaccard similarity of every pair, for a failure message.
  static std::string Similarities(const std::vector<std::string>& ids) {
    std::ostringstream out;
    for (std::size_t a = 0; a < ids.size(); ++a) {
      out << "\n    " << ids[a] << ":";
      for (std::size_t b = 0; b < ids.size(); ++b) {
        const Item* x = Find(ids[a]);
        const Item* y = Find(ids[b]);
        if (!x || !y) continue;
        out << " " << static_cast<int>(100 * triage::EstimatedSimilarity(triage::ComputeSignature(x->normalized),
                                                                         triage::ComputeSignature(y->normalized)));
      }
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
  static inline Clusters* clusters_ = nullptr;  // in the file's order
  static inline nlohmann::json* manifest_ = nullptr;
};

// Clustering is online, so it depends on the order triage sees the items
// in; the groups must come out the same in the file's order, in the order
// ingest queues them, and in any other.
TEST_F(DemoInsightsTest, EachNearDuplicateGroupIsExactlyOneClusterInAnyOrder) {
  ASSERT_GE((*manifest_)["clusters"].size(), 6u);
  std::vector<std::pair<std::string, std::vector<std::size_t>>> orders;
  std::vector<std::size_t> order(items_->size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  orders.emplace_back("file order", order);
  orders.emplace_back("ingest's order", IngestOrder());
  orders.emplace_back("reversed", std::vector<std::size_t>(order.rbegin(), order.rend()));
  for (unsigned seed = 1; seed <= 12; ++seed) {
    std::mt19937 random(seed);
    std::shuffle(order.begin(), order.end(), random);
    orders.emplace_back("shuffled, seed " + std::to_string(seed), order);
  }
  for (const auto& [order_name, sequence] : orders) {
    SCOPED_TRACE(order_name);
    const Clusters clusters = order_name == "file order" ? *clusters_ : Triage(sequence);
    std::set<std::string> clusters_seen;
    for (const auto& group : (*manifest_)["clusters"]) {
      const std::string name = group["name"];
      const auto expected = group["members"].get<std::vector<std::string>>();
      ASSERT_GE(expected.size(), 4u) << name;
      auto first = clusters.find(expected.front());
      ASSERT_NE(first, clusters.end()) << name << ": " << expected.front() << " is not negative or not in the demo"
                                       << Describe(clusters, expected);
      std::vector<std::string> actual = MembersOf(clusters, first->second);
      std::vector<std::string> sorted_expected = expected;
      std::sort(sorted_expected.begin(), sorted_expected.end());
      EXPECT_EQ(actual, sorted_expected) << name << "\n  expected:" << Describe(clusters, expected) << "\n  cluster "
                                         << first->second << ":" << Describe(clusters, actual)
                                         << "\n  similarity (%):" << Similarities(expected);
      EXPECT_TRUE(clusters_seen.insert(first->second).second) << name << " shares a cluster with another group";
      // The department's owner finds it under Insights (/api/clusters?department=...).
      const std::string department = group["department"];
      EXPECT_TRUE(std::any_of(actual.begin(), actual.end(),
                              [&](const std::string& id) { return Find(id)->departments.count(department) > 0; }))
          << name << ": no member has a topic of " << department;
    }
  }
}

TEST_F(DemoInsightsTest, PrintsTheClustersOfTwoOrMore) {
  // Not an assertion: what /api/clusters lists (size >= 2), for the docs.
  std::map<std::string, std::vector<std::string>> clusters;
  for (const auto& [id, cluster] : *clusters_) clusters[cluster].push_back(id);
  int listed = 0;
  std::cout << items_->size() << " items imported, " << clusters_->size() << " negative, " << clusters.size()
            << " clusters\n";
  for (const auto& [id, members] : clusters) {
    if (members.size() < 2) continue;
    ++listed;
    std::cout << "cluster " << id << ", " << members.size() << " members:" << Describe(*clusters_, members) << "\n";
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
    EXPECT_EQ(emerging[0].history_total, 0.0) << "the trend rises from nothing";
    EXPECT_LE(emerging[0].p_value, 1e-5);
    std::cout << now_text << ": " << listed.str().substr(3) << "\n";
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
  // Before: nothing, neither in the week before the trend nor in the baseline.
  for (int back = 4; back < 11; ++back) EXPECT_EQ(signals.Evaluate(key, today - back).count, 0u) << back;
  EXPECT_EQ(signals.Evaluate(key, today).history_total, 0.0);
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
