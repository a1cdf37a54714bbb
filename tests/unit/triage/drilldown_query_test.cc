// Drill-down over stored feedback reads the terms stored at triage time and
// finds what segmenting every stored text on each request found; rows
// stored before terms were kept still work. Also the weak-signal restore.
// A real SQLite file, the shipped rule files, a fake clock.
#include "services/triage/drilldown_query.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/storage/rows.h"
#include "common/util/time.h"
#include "services/triage/analysis/factory.h"
#include "services/triage/triage_processor.h"
#include "services/triage/triage_consumer.h"
#include "tests/support/servers.h"
#include "tests/unit/triage/triage_test_support.h"

namespace voc::triage {
namespace {

constexpr std::int64_t kDay0 = 1764028800000;  // 2025-11-25T00:00Z
constexpr std::int64_t kDayMs = 86400000;

// A factor as the RPC reports it.
struct Factor {
  std::string kind, value;
  std::size_t count = 0, baseline_count = 0;
  double g2 = 0;
  bool operator==(const Factor&) const = default;
};

std::vector<Factor> Factors(const std::vector<OverRepresented>& found) {
  std::vector<Factor> out;
  for (const auto& f : found) out.push_back({f.kind, f.value, f.target_count, f.baseline_count, f.g2});
  return out;
}

void PrintTo(const Factor& f, std::ostream* os) {
  *os << f.kind << "=" << f.value << " (" << f.count << " vs " << f.baseline_count << ", g2 " << f.g2 << ")";
}

class TriageDrillDownQueryTest : public TriageStoreTest {
 protected:
  TriageDrillDownQueryTest() : TriageStoreTest(FromMillis(kDay0)) {}

  void SetUp() override {
    TriageStoreTest::SetUp();
    if (HasFatalFailure()) return;

    // Parcels stuck in customs, all bought at store S07 ...
    const std::vector<std::string> stuck = {
        "快递卡在海关三天了，一直不动，太慢了", "包裹在海关停了好几天，物流太慢了",
        "快递一直在海关没动静，等了很久", "海关扣件，快递五天还没到，太慢了",
        "物流显示到了海关就不动了，等了好久", "快递在海关滞留，一周还没到，太差了",
        "海关又扣件了，快递太慢了", "快递卡在海关，客服也不管，太慢了"};
    for (std::size_t i = 0; i < stuck.size(); ++i) Process("stuck-" + std::to_string(i), stuck[i], "S07", i % 5);
    // ... against other complaints from every store, and some praise.
    const std::vector<std::string> others = {"app一登录就闪退，太差了", "菜送到的时候都凉了，太难吃了",
                                             "客服态度很差，问题一直没解决", "手机屏幕一直闪，太差了",
                                             "衣服质量太差了，洗一次就坏了"};
    for (int i = 0; i < 40; ++i) {
      Process("other-" + std::to_string(i), others[i % others.size()], "S" + std::to_string(10 + i % 9), i % 7);
    }
    for (int i = 0; i < 6; ++i) Process("praise-" + std::to_string(i), "快递很快，包装很好，非常满意", "S07", i);
  }

  void Process(const std::string& id, const std::string& text, const std::string& shop, int days_ago) {
    voc::v1::Feedback f;
    f.set_id(id);
    f.set_channel(voc::v1::CHANNEL_REVIEW);
    f.set_text(text);
    f.set_product("phone");
    f.mutable_customer()->set_store(shop);
    *f.mutable_occurred_time() = MillisToProto(kDay0 - days_ago * kDayMs);
    std::string normalized;
    auto triaged = processor_->Process(f, nullptr, &normalized).value();
    results_.push_back({triaged, normalized});
  }

  // What DrillDown found before terms were stored: every negative result's
  // normalised text segmented again, its topics read from the result.
  std::vector<Factor> SegmentingEveryText(const std::string& topic, const std::string& cluster_id) {
    std::vector<DrillDocument> target, baseline;
    for (const auto& [triaged, normalized] : results_) {
      if (triaged.result().sentiment() != voc::v1::SENTIMENT_NEGATIVE) continue;
      bool in_target = !cluster_id.empty() && triaged.result().cluster_id() == cluster_id;
      for (const auto& t : triaged.result().topics()) {
        if (!topic.empty() && (t.topic() == topic || t.topic().rfind(topic + ".", 0) == 0)) in_target = true;
      }
      DrillDocument doc;
      doc.terms = analyzer_->Terms(normalized);
      doc.attributes = {{"product", "phone"},
                        {"store", triaged.feedback().customer().store()},
                        {"channel", "CHANNEL_REVIEW"}};
      (in_target ? target : baseline).push_back(std::move(doc));
    }
    return Factors(DrillDown(target, baseline, Options()));
  }

  static DrillDownOptions Options() {
    DrillDownOptions options;
    options.limit = 0;  // compare every factor, not just the top 20
    return options;
  }

  DrillDownAnswer Run(const std::string& topic, const std::string& cluster_id = "") {
    DrillDownQuery query;
    query.topic = topic;
    query.cluster_id = cluster_id;
    query.start_ms = kDay0 - 30 * kDayMs;
    query.end_ms = kDay0 + 1;
    query.options = Options();
    return RunDrillDown(query, *store_, *analyzer_).value();
  }

  std::string ClusterOf(const std::string& feedback_id) {
    for (const auto& [triaged, normalized] : results_) {
      if (triaged.feedback().id() == feedback_id) return triaged.result().cluster_id();
    }
    return "";
  }

  void ForgetStoredTerms() {
    db_->InTransaction([](soci::session& s) { s << "UPDATE triage_results SET drill_terms = NULL"; });
  }

  std::map<std::string, std::optional<std::vector<std::string>>> StoredTerms() {
    std::map<std::string, std::optional<std::vector<std::string>>> terms;
    auto rows = store_->LoadDrillDownRows(0, kDay0 + 1, 1000).value();
    for (auto& row : rows) terms[row.feedback_id] = row.terms;
    return terms;
  }

  std::vector<std::pair<voc::v1::TriagedFeedback, std::string>> results_;
};

TEST_F(TriageDrillDownQueryTest, StoresTheTermsOfEachNegativeFeedbackAtTriageTime) {
  auto stored = StoredTerms();  // negative rows only
  std::size_t negatives = 0;
  for (const auto& [triaged, normalized] : results_) {
    const bool negative = triaged.result().sentiment() == voc::v1::SENTIMENT_NEGATIVE;
    EXPECT_EQ(stored.count(triaged.feedback().id()), negative ? 1u : 0u) << triaged.feedback().text();
    if (!negative) continue;
    ++negatives;
    const auto& terms = stored[triaged.feedback().id()];
    ASSERT_TRUE(terms.has_value()) << triaged.feedback().text();
    EXPECT_EQ(*terms, analyzer_->Terms(normalized)) << triaged.feedback().text();
    EXPECT_FALSE(terms->empty());
  }
  EXPECT_GE(negatives, 40u);
}

TEST_F(TriageDrillDownQueryTest, FindsWhatSegmentingEveryStoredTextFound) {
  auto expected = SegmentingEveryText("logistics", "");
  // The test means something: the stuck parcels stand out by store and by a term.
  ASSERT_TRUE(std::count_if(expected.begin(), expected.end(),
                            [](const Factor& f) { return f.kind == "store" && f.value == "S07"; }) == 1);
  ASSERT_TRUE(std::count_if(expected.begin(), expected.end(), [](const Factor& f) {
                return f.kind == "term" && f.value == "海关";
              }) >= 1);

  auto answer = Run("logistics");
  EXPECT_EQ(Factors(answer.factors), expected);
  EXPECT_GE(answer.focus_size, 8u);

  const std::string cluster = ClusterOf("stuck-0");
  ASSERT_FALSE(cluster.empty());
  EXPECT_EQ(Factors(Run("", cluster).factors), SegmentingEveryText("", cluster));
}

TEST_F(TriageDrillDownQueryTest, CountsTheStoredTermsNotTheText) {
  // Give the stuck parcels a stored term that is nowhere in their text: a
  // drill-down that segmented the text again would not report it.
  std::vector<std::pair<std::string, std::vector<std::string>>> marked;
  for (auto& [id, terms] : StoredTerms()) {
    if (id.rfind("stuck-", 0) != 0) continue;
    terms->push_back("stored-only-term");
    marked.emplace_back(id, *terms);
  }
  ASSERT_EQ(marked.size(), 8u);
  ForgetStoredTerms();
  ASSERT_TRUE(store_->BackfillDrillTerms(marked).ok());

  auto answer = Run("logistics");
  auto it = std::find_if(answer.factors.begin(), answer.factors.end(),
                         [](const OverRepresented& f) { return f.kind == "term" && f.value == "stored-only-term"; });
  ASSERT_NE(it, answer.factors.end());
  EXPECT_EQ(it->target_count, 8u);
  EXPECT_EQ(it->baseline_count, 0u);
}

TEST_F(TriageDrillDownQueryTest, RowsStoredWithoutTermsGetThemOnceAndAnswerTheSame) {
  const auto expected = SegmentingEveryText("logistics", "");
  const auto stored_before = StoredTerms();
  ForgetStoredTerms();  // as rows stored before migration 3
  for (const auto& [id, terms] : StoredTerms()) EXPECT_FALSE(terms.has_value()) << id;

  EXPECT_EQ(Factors(Run("logistics").factors), expected);
  // The terms computed for the request were written back ...
  EXPECT_EQ(StoredTerms(), stored_before);
  // ... and the next request reads them.
  EXPECT_EQ(Factors(Run("logistics").factors), expected);
}

TEST_F(TriageDrillDownQueryTest, AClusterOrTopicNobodyHasIsAnEmptyFocus) {
  EXPECT_EQ(Run("no_such_topic").focus_size, 0u);
  EXPECT_EQ(Run("", "999999").focus_size, 0u);
  // "logistic" is a prefix of "logistics" but not the topic or a parent of it.
  EXPECT_EQ(Run("logistic").focus_size, 0u);
}

TEST(TriageSignalRestoreTest, ReplaysStoredNegativeFeedbackOfTheLast36Days) {
  testing::TempDir dir;
  auto opened_db = storage::Database::Open("sqlite3://" + dir.path() + "/triage.db");
  ASSERT_TRUE(opened_db.ok()) << opened_db.status();
  auto db = *std::move(opened_db);
  ASSERT_EQ(db->Migrate("triage", TriageMigrations()).status(), absl::OkStatus());
  TriageStore store(*db);
  auto analyzer = MakeTriageAnalyzer(ShippedAnalyzerOptions()).value();
  FakeClock clock{FromMillis(kDay0)};
  TriageProcessor processor(*analyzer, store, clock);
  WeakSignalOptions signal_options;
  signal_options.groups = DefaultSignalGroups(*analyzer->taxonomy().Current());

  WeakSignalDetector live(signal_options);  // fed as the worker feeds it
  std::set<std::pair<std::string, std::int64_t>> seen;  // combination, day
  auto feed = [&](const std::string& id, const std::string& text, int days_ago) {
    voc::v1::Feedback f;
    f.set_id(id);
    f.set_channel(voc::v1::CHANNEL_REVIEW);
    f.set_text(text);
    *f.mutable_occurred_time() = MillisToProto(kDay0 - days_ago * kDayMs);
    std::string normalized;
    auto triaged = processor.Process(f, nullptr, &normalized).value();
    const std::int64_t day = DayIndex((kDay0 - days_ago * kDayMs) / 1000);
    if (days_ago <= 35 && triaged.result().sentiment() == voc::v1::SENTIMENT_NEGATIVE) live.Observe(normalized, day);
    for (const auto& c : live.Combinations(normalized)) seen.insert({c, day});
  };
  for (int i = 0; i < 30; ++i) feed("late-" + std::to_string(i), "外卖送得太慢了，菜都凉了", i % 10);
  for (int i = 0; i < 5; ++i) feed("praise-" + std::to_string(i), "送得很快，菜还是热的", i);  // positive: not replayed
  for (int i = 0; i < 5; ++i) feed("old-" + std::to_string(i), "外卖送得太慢了，菜都凉了", 40);  // outside the window

  WeakSignalDetector restored(signal_options);
  EXPECT_EQ(RestoreSignalHistory(store, restored, kDay0).value(), 30u);
  ASSERT_FALSE(seen.empty());
  for (const auto& [combination, day] : seen) {
    EXPECT_EQ(restored.Evaluate(combination, day).count, live.Evaluate(combination, day).count) << combination;
  }
}

}  // namespace
}  // namespace voc::triage
