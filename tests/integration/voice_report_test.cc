// The voice figures (issue 12) on SQLite and PostgreSQL: a fixed generated
// dataset is stored through TriageStore::SaveResults (the roll-up is kept
// in the same transaction), and every figure VoiceReportService answers is
// compared with the same figure computed here, directly from the generated
// records. A rebuild from the stored results gives the same rows as the
// incremental roll-up, and each caller reads only what they may.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/storage/database.h"
#include "proto/api/topic_id.h"
#include "services/triage/reports/voice_report_service.h"
#include "services/triage/store/erasure_store.h"
#include "services/triage/store/triage_store.h"
#include "services/triage/store/voice_rollup_store.h"
#include "tests/support/servers.h"
#include "tests/support/test_principals.h"

namespace voc::triage {
namespace {

enum class Backend { kSqlite, kPostgres };

// The generated records, as the test knows them (not read back from the
// store).
struct Record {
  std::string id;
  reports::DayNumber day = 0;  // report day (UTC+8)
  long long occurred_ms = 0;
  v1::Channel channel = v1::CHANNEL_REVIEW;
  std::string product, region, tier, store;
  v1::Sentiment sentiment = v1::SENTIMENT_NEUTRAL;
  int intensity = 0;
  std::optional<int> nps;
  std::vector<std::string> topics;
};

const std::map<std::string, std::string> kDepartments = {
    {"logistics", "logistics"},         {"logistics.delivery_delay", "logistics"},
    {"logistics.damaged_parcel", "logistics"}, {"price", "pricing"},
    {"app", "app_engineering"},          {"app.login", "app_engineering"}};

const reports::DayNumber kFirstDay = *reports::ParseDay("2026-11-02");  // a Monday
constexpr int kDays = 28;

// A small linear congruential generator: the same records on every run.
struct Lcg {
  unsigned long long state = 12345;
  unsigned Next(unsigned n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<unsigned>((state >> 33) % n);
  }
};

std::vector<Record> Generate(int n) {
  Lcg rng;
  const std::vector<std::string> products = {"E7", "S5", "X1"};
  const std::vector<std::string> regions = {"east", "north"};
  const std::vector<std::string> tiers = {"vip", "standard"};
  const std::vector<std::string> stores = {"sh-01", "bj-02", ""};
  const std::vector<std::vector<std::string>> topic_sets = {
      {"logistics.delivery_delay"}, {"logistics.delivery_delay", "logistics.damaged_parcel"}, {"price"},
      {"app.login", "price"}, {}, {"logistics.damaged_parcel"}};
  std::vector<Record> out;
  for (int i = 0; i < n; ++i) {
    Record r;
    r.id = "fb-" + std::to_string(i);
    r.day = kFirstDay + rng.Next(kDays);
    // A moment inside the report day, UTC+8: [day 00:00, day 24:00) local.
    r.occurred_ms = reports::DayStartMs(r.day, 480) + static_cast<long long>(rng.Next(86'400)) * 1000;
    r.channel = rng.Next(2) ? v1::CHANNEL_NPS_SURVEY : v1::CHANNEL_APP_REVIEW;
    r.product = products[rng.Next(3)];
    r.region = regions[rng.Next(2)];
    r.tier = tiers[rng.Next(2)];
    r.store = stores[rng.Next(3)];
    const unsigned s = rng.Next(10);
    r.sentiment = s < 5 ? v1::SENTIMENT_NEGATIVE : (s < 8 ? v1::SENTIMENT_NEUTRAL : v1::SENTIMENT_POSITIVE);
    r.intensity = r.sentiment == v1::SENTIMENT_NEGATIVE ? static_cast<int>(rng.Next(4)) : 0;
    if (r.channel == v1::CHANNEL_NPS_SURVEY) r.nps = static_cast<int>(rng.Next(11));
    // Later weeks complain more about price: a rise the growth test sees.
    const unsigned pick = rng.Next(r.day - kFirstDay >= 21 ? 8 : 6);
    r.topics = pick >= 6 ? std::vector<std::string>{"price"} : topic_sets[pick];
    out.push_back(r);
  }
  return out;
}

// Every text carries a phone number, which the masker de-identifies.
std::string TextOf(const Record& r) { return "delivery late, call me 13812345678 (" + r.id + ")"; }

v1::TriagedFeedback ToTriaged(const Record& r) {
  v1::TriagedFeedback t;
  auto& f = *t.mutable_feedback();
  f.set_id(r.id);
  f.set_channel(r.channel);
  f.set_product(r.product);
  f.mutable_customer()->set_id("c-" + r.id);
  f.mutable_customer()->set_region(r.region);
  f.mutable_customer()->set_value_tier(r.tier);
  f.mutable_customer()->set_store(r.store);
  if (r.nps) f.set_nps(*r.nps);
  f.set_text(TextOf(r));
  f.mutable_occurred_time()->set_seconds(r.occurred_ms / 1000);
  auto& result = *t.mutable_result();
  result.set_feedback_id(r.id);
  result.set_sentiment(r.sentiment);
  result.set_intensity(r.intensity);
  for (const auto& topic : r.topics) {
    auto* m = result.add_topics();
    m->set_topic(topic);
    m->set_department(kDepartments.at(topic));
  }
  return t;
}

// The figures of a set of records, computed directly.
struct Expected {
  long long total = 0, negative = 0, neutral = 0, positive = 0, intensity = 0;
  long long promoters = 0, passives = 0, detractors = 0;
  void Add(const Record& r) {
    ++total;
    if (r.sentiment == v1::SENTIMENT_NEGATIVE) {
      ++negative;
      intensity += r.intensity;
    } else if (r.sentiment == v1::SENTIMENT_POSITIVE) {
      ++positive;
    } else {
      ++neutral;
    }
    if (r.nps) {
      if (*r.nps >= 9) ++promoters;
      else if (*r.nps >= 7) ++passives;
      else ++detractors;
    }
  }
};

bool OnTopic(const Record& r, const std::string& topic) {
  for (const auto& t : r.topics)
    if (api::IsSameOrDescendant(t, topic)) return true;
  return false;
}
bool InDepartment(const Record& r, const std::string& department) {
  for (const auto& t : r.topics)
    if (kDepartments.at(t) == department) return true;
  return false;
}

void ExpectPoint(const v1::VoicePoint& p, const Expected& e, const std::string& where) {
  SCOPED_TRACE(where);
  EXPECT_EQ(p.total(), e.total);
  EXPECT_EQ(p.negative(), e.negative);
  EXPECT_EQ(p.neutral(), e.neutral);
  EXPECT_EQ(p.positive(), e.positive);
  if (e.total > 0) EXPECT_NEAR(p.negative_share(), double(e.negative) / double(e.total), 1e-12);
  if (e.negative > 0) EXPECT_NEAR(p.mean_negative_intensity(), double(e.intensity) / double(e.negative), 1e-12);
  const long long n = e.promoters + e.passives + e.detractors;
  EXPECT_EQ(p.nps().answers(), n);
  EXPECT_EQ(p.nps().promoters(), e.promoters);
  EXPECT_EQ(p.nps().detractors(), e.detractors);
  EXPECT_EQ(p.nps().shown(), n >= 30);
  if (n >= 30) {
    // NPS = 100 (P - D) / n; the interval from the variance of the
    // per-answer score (+100, 0, -100) around its mean.
    const double mean = 100.0 * double(e.promoters - e.detractors) / double(n);
    const double variance =
        (double(e.promoters) * std::pow(100 - mean, 2) + double(e.passives) * std::pow(mean, 2) +
         double(e.detractors) * std::pow(-100 - mean, 2)) / double(n);
    const double half = 1.959963984540054 * std::sqrt(variance / double(n));  // z of the 97.5th percentile
    EXPECT_NEAR(p.nps().nps(), mean, 1e-9);
    EXPECT_NEAR(p.nps().ci_low(), std::max(-100.0, mean - half), 1e-9);
    EXPECT_NEAR(p.nps().ci_high(), std::min(100.0, mean + half), 1e-9);
    EXPECT_NEAR(p.nps().promoter_share(), double(e.promoters) / double(n), 1e-12);
  }
}

class VoiceReportTest : public ::testing::TestWithParam<Backend> {
 protected:
  static void TearDownTestSuite() { postgres_.reset(); }

  void SetUp() override {
    std::string url;
    if (GetParam() == Backend::kPostgres) {
      if (!voc::testing::PostgresServer::Available()) GTEST_SKIP() << "PostgreSQL server binaries not installed";
      if (!postgres_) postgres_ = std::make_unique<voc::testing::PostgresServer>();
      const std::string name = "voice_" + std::to_string(++counter_);
      postgres_->CreateDatabase(name);
      url = postgres_->Url(name);
    } else {
      url = "sqlite3://" + dir_.path() + "/triage.db";
    }
    auto db = storage::Database::Open(url, 2);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    ASSERT_TRUE(db_->Migrate("triage", TriageMigrations()).ok());
    store_ = std::make_unique<TriageStore>(*db_, 480);
    rollups_ = std::make_unique<VoiceRollupStore>(*db_);
    service_ = std::make_unique<VoiceReportService>(
        *store_, *rollups_,
        [](const std::string& topic) {
          const auto it = kDepartments.find(topic);
          return it == kDepartments.end() ? std::string() : it->second;
        },
        clock_);
    records_ = Generate(900);
    Store(records_);
  }

  void Store(const std::vector<Record>& records) {
    const ClusterStep no_clusters = [](const auto&, const auto&, std::uint64_t&) {};
    std::uint64_t seq = 0;
    for (std::size_t i = 0; i < records.size(); i += 64) {
      std::vector<PendingResult> batch;
      for (std::size_t j = i; j < std::min(records.size(), i + 64); ++j) {
        PendingResult p;
        p.triaged = ToTriaged(records[j]);
        p.normalized_text = TextOf(records[j]);
        batch.push_back(std::move(p));
      }
      ASSERT_TRUE(store_->SaveResults(batch, seq, no_clusters, &seq).ok());
    }
  }

  v1::VoiceFilter Range(reports::DayNumber start, reports::DayNumber end) const {
    v1::VoiceFilter f;
    f.set_start_day(reports::FormatDay(start));
    f.set_end_day(reports::FormatDay(end));
    return f;
  }

  const auth::Principal analyst_ = voc::testing::DemoPerson("p-emily-carter");
  static inline std::unique_ptr<voc::testing::PostgresServer> postgres_;
  static inline int counter_ = 0;
  voc::testing::TempDir dir_;
  FakeClock clock_{TimePoint{} + std::chrono::hours(24 * 20'000)};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<TriageStore> store_;
  std::unique_ptr<VoiceRollupStore> rollups_;
  std::unique_ptr<VoiceReportService> service_;
  std::vector<Record> records_;
};

TEST_P(VoiceReportTest, DailyAndWeeklyFiguresEqualTheRecords) {
  v1::GetVoiceTrendRequest request;
  *request.mutable_filter() = Range(kFirstDay, kFirstDay + kDays - 1);
  auto daily = service_->GetVoiceTrend(analyst_, request);
  ASSERT_TRUE(daily.ok()) << daily.status();
  ASSERT_EQ(daily->points_size(), kDays);
  Expected whole;
  for (int d = 0; d < kDays; ++d) {
    Expected e;
    for (const auto& r : records_)
      if (r.day == kFirstDay + d) e.Add(r);
    ExpectPoint(daily->points(d), e, "day " + std::to_string(d));
    EXPECT_EQ(daily->points(d).period_start(), reports::FormatDay(kFirstDay + d));
  }
  for (const auto& r : records_) whole.Add(r);
  ExpectPoint(daily->total(), whole, "total");
  EXPECT_EQ(daily->total().total(), 900);

  request.set_granularity(v1::REPORT_GRANULARITY_WEEK);
  // From a Wednesday: the first week is cut to Wednesday .. Sunday.
  *request.mutable_filter() = Range(kFirstDay + 2, kFirstDay + kDays - 1);
  auto weekly = service_->GetVoiceTrend(analyst_, request);
  ASSERT_TRUE(weekly.ok()) << weekly.status();
  ASSERT_EQ(weekly->points_size(), 4);
  EXPECT_EQ(weekly->points(0).period_start(), "2026-11-02");
  EXPECT_EQ(weekly->points(0).period_end(), "2026-11-08");
  for (int w = 0; w < 4; ++w) {
    Expected e;
    for (const auto& r : records_)
      if (r.day >= std::max(kFirstDay + 2, kFirstDay + 7 * w) && r.day < kFirstDay + 7 * (w + 1)) e.Add(r);
    ExpectPoint(weekly->points(w), e, "week " + std::to_string(w));
  }
}

TEST_P(VoiceReportTest, SlicesAndNarrowingCountWhatTheyName) {
  const reports::DayNumber start = kFirstDay + 3, end = kFirstDay + 17;
  struct Case {
    std::string name;
    std::function<void(v1::VoiceFilter&)> set;
    std::function<bool(const Record&)> counts;
  };
  const std::vector<Case> cases = {
      {"channel + region", [](auto& f) { f.set_channel(v1::CHANNEL_NPS_SURVEY); f.set_region("east"); },
       [](const Record& r) { return r.channel == v1::CHANNEL_NPS_SURVEY && r.region == "east"; }},
      {"product + region + channel", [](auto& f) { f.set_product("E7"); f.set_region("north"); f.set_channel(v1::CHANNEL_APP_REVIEW); },
       [](const Record& r) { return r.product == "E7" && r.region == "north" && r.channel == v1::CHANNEL_APP_REVIEW; }},
      {"channel alone", [](auto& f) { f.set_channel(v1::CHANNEL_APP_REVIEW); },
       [](const Record& r) { return r.channel == v1::CHANNEL_APP_REVIEW; }},
      {"department + region", [](auto& f) { f.set_department("logistics"); f.set_region("north"); },
       [](const Record& r) { return InDepartment(r, "logistics") && r.region == "north"; }},
      {"customer tier", [](auto& f) { f.set_customer_tier("vip"); }, [](const Record& r) { return r.tier == "vip"; }},
      {"topic + channel", [](auto& f) { f.set_topic("logistics.damaged_parcel"); f.set_channel(v1::CHANNEL_NPS_SURVEY); },
       [](const Record& r) { return OnTopic(r, "logistics.damaged_parcel") && r.channel == v1::CHANNEL_NPS_SURVEY; }},
      {"topic with descendants", [](auto& f) { f.set_topic("logistics"); },
       [](const Record& r) { return OnTopic(r, "logistics"); }},
      {"department + product", [](auto& f) { f.set_department("pricing"); f.set_product("S5"); },
       [](const Record& r) { return InDepartment(r, "pricing") && r.product == "S5"; }},
      {"store", [](auto& f) { f.set_store("sh-01"); }, [](const Record& r) { return r.store == "sh-01"; }},
  };
  for (const auto& c : cases) {
    v1::GetVoiceTrendRequest request;
    *request.mutable_filter() = Range(start, end);
    c.set(*request.mutable_filter());
    auto trend = service_->GetVoiceTrend(analyst_, request);
    ASSERT_TRUE(trend.ok()) << c.name << ": " << trend.status();
    Expected e;
    for (const auto& r : records_)
      if (r.day >= start && r.day <= end && c.counts(r)) e.Add(r);
    ASSERT_GT(e.total, 0) << c.name;
    ExpectPoint(trend->total(), e, c.name);
  }
}

TEST_P(VoiceReportTest, TopicsRankByVolumeAndByTheirShareRise) {
  v1::ListTopTopicsRequest request;
  const reports::DayNumber start = kFirstDay + 21, end = kFirstDay + 27;  // the last week, against the one before
  *request.mutable_filter() = Range(start, end);
  request.set_negative_only(true);
  auto volume = service_->ListTopTopics(analyst_, request);
  ASSERT_TRUE(volume.ok()) << volume.status();
  EXPECT_EQ(volume->previous_start_day(), reports::FormatDay(start - 7));
  EXPECT_EQ(volume->previous_end_day(), reports::FormatDay(start - 1));

  std::map<std::string, long long> now, before;
  long long now_total = 0, before_total = 0;
  for (const auto& r : records_) {
    if (r.sentiment != v1::SENTIMENT_NEGATIVE) continue;
    const bool in_now = r.day >= start && r.day <= end, in_before = r.day >= start - 7 && r.day < start;
    if (in_now) ++now_total;
    if (in_before) ++before_total;
    std::set<std::string> topics;
    for (const auto& t : r.topics)
      for (std::string_view x = t; !x.empty(); x = api::ParentTopic(x)) topics.emplace(x);
    for (const auto& t : topics) {
      if (in_now) ++now[t];
      if (in_before) ++before[t];
    }
  }
  ASSERT_EQ(volume->total_size(), static_cast<int>(now.size()));
  for (int i = 0; i < volume->topics_size(); ++i) {
    const auto& f = volume->topics(i);
    EXPECT_EQ(f.count(), now[f.topic()]) << f.topic();
    EXPECT_EQ(f.previous_count(), before[f.topic()]) << f.topic();
    EXPECT_EQ(f.department(), kDepartments.at(f.topic()));
    if (i > 0) EXPECT_GE(volume->topics(i - 1).count(), f.count());
    // z of the share's rise, pooled, computed here from the records.
    const double p1 = double(now[f.topic()]) / now_total, p0 = double(before[f.topic()]) / before_total;
    const double pooled = double(now[f.topic()] + before[f.topic()]) / double(now_total + before_total);
    const double z = (p1 - p0) / std::sqrt(pooled * (1 - pooled) * (1.0 / now_total + 1.0 / before_total));
    EXPECT_NEAR(f.z(), z, 1e-9) << f.topic();
  }

  request.set_order_by(v1::TOPIC_ORDER_GROWTH);
  auto growth = service_->ListTopTopics(analyst_, request);
  ASSERT_TRUE(growth.ok()) << growth.status();
  ASSERT_GT(growth->topics_size(), 0);
  // The generator makes price complaints commoner in the last week.
  EXPECT_EQ(growth->topics(0).topic(), "price");
  EXPECT_TRUE(growth->topics(0).significant_rise());
  for (int i = 0; i < growth->topics_size(); ++i) {
    EXPECT_GT(growth->topics(i).z(), 0);
    if (i > 0) EXPECT_GE(growth->topics(i - 1).z(), growth->topics(i).z());
  }

  // A department's ranking holds only its topics; pages walk all of them once.
  request.set_order_by(v1::TOPIC_ORDER_VOLUME);
  request.mutable_filter()->set_department("logistics");
  request.set_page_size(1);
  std::vector<std::string> walked;
  for (int page = 0; page < 10; ++page) {
    auto got = service_->ListTopTopics(analyst_, request);
    ASSERT_TRUE(got.ok()) << got.status();
    for (const auto& f : got->topics()) walked.push_back(f.topic());
    if (got->next_page_token().empty()) break;
    request.set_page_token(got->next_page_token());
  }
  EXPECT_EQ(std::set<std::string>(walked.begin(), walked.end()),
            (std::set<std::string>{"logistics", "logistics.damaged_parcel", "logistics.delivery_delay"}));
  EXPECT_EQ(walked.size(), 3u);
}

TEST_P(VoiceReportTest, ARedeliveredBatchCountsOnceAndARebuildEqualsTheIncrementalRows) {
  Store(std::vector<Record>(records_.begin(), records_.begin() + 100));  // delivered again
  auto incremental = rollups_->All();
  ASSERT_TRUE(incremental.ok()) << incremental.status();
  long long all = 0;
  for (const auto& [k, c] : *incremental)
    if (k.slice == VoiceSlice::kAll && k.detail == VoiceDetail::kSummary) all += c.total;
  EXPECT_EQ(all, 900);

  v1::RebuildVoiceRollupsRequest rebuild;
  EXPECT_EQ(service_->RebuildVoiceRollups(analyst_, rebuild).status().code(), absl::StatusCode::kPermissionDenied);
  auto done = service_->RebuildVoiceRollups(voc::testing::DemoPerson("p-sun-li"), rebuild);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->results_read(), 900);
  EXPECT_EQ(done->rows_written(), static_cast<long long>(incremental->size()));
  auto rebuilt = rollups_->All();
  ASSERT_TRUE(rebuilt.ok());
  EXPECT_TRUE(*rebuilt == *incremental);
  EXPECT_FALSE(*store_->VoiceRollupMissing());

  // A database from before the roll-up (results, no rows) is what triage
  // rebuilds at start.
  db_->WithSession([](soci::session& s) { s << "DELETE FROM voice_daily"; });
  ASSERT_TRUE(*store_->VoiceRollupMissing());
  std::vector<std::int64_t> progress;
  ASSERT_TRUE(store_->RebuildVoiceRollups([&](std::int64_t read) { progress.push_back(read); }).ok());
  EXPECT_TRUE(*rollups_->All() == *incremental);
  EXPECT_TRUE(progress.empty());  // reported every 10,000 results; 900 are stored
}

TEST_P(VoiceReportTest, AMemberReadsOnlyTheirDepartmentsFigures) {
  const auth::Principal member = voc::testing::DemoPerson("p-xu-gang");  // logistics
  v1::GetVoiceTrendRequest request;
  *request.mutable_filter() = Range(kFirstDay, kFirstDay + kDays - 1);
  // Without a slice, their one department's figures.
  auto own = service_->GetVoiceTrend(member, request);
  ASSERT_TRUE(own.ok()) << own.status();
  Expected e;
  for (const auto& r : records_)
    if (InDepartment(r, "logistics")) e.Add(r);
  ExpectPoint(own->total(), e, "logistics");
  EXPECT_LT(own->total().total(), 900);

  request.mutable_filter()->set_topic("logistics.delivery_delay");
  EXPECT_TRUE(service_->GetVoiceTrend(member, request).ok());
  for (auto set : std::vector<std::function<void(v1::VoiceFilter&)>>{
           [](auto& f) { f.set_department("pricing"); }, [](auto& f) { f.set_topic("price"); },
           [](auto& f) { f.set_store("sh-01"); }, [](auto& f) { f.set_customer_tier("vip"); }}) {
    v1::GetVoiceTrendRequest other = request;
    other.mutable_filter()->clear_topic();
    set(*other.mutable_filter());
    EXPECT_EQ(service_->GetVoiceTrend(member, other).status().code(), absl::StatusCode::kPermissionDenied)
        << other.filter().ShortDebugString();
  }
  // A key without analytics:read, and an admin who is neither analyst nor
  // member, read nothing.
  EXPECT_EQ(service_->GetVoiceTrend(voc::testing::ApiKeyCaller({"feedback:write"}), request).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::GetVoiceTrendRequest plain;
  *plain.mutable_filter() = Range(kFirstDay, kFirstDay + 1);
  EXPECT_TRUE(service_->GetVoiceTrend(voc::testing::ApiKeyCaller({"analytics:read"}), plain).ok());
}

TEST_P(VoiceReportTest, BadFiltersNameTheirField) {
  auto code_and = [&](v1::VoiceFilter f, const std::string& field) {
    v1::GetVoiceTrendRequest request;
    *request.mutable_filter() = std::move(f);
    const absl::Status s = service_->GetVoiceTrend(analyst_, request).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_NE(s.message().find(field), std::string::npos) << s.message();
  };
  v1::VoiceFilter f = Range(kFirstDay, kFirstDay + 3);
  f.set_end_day("2026-13-01");
  code_and(f, "filter.end_day");
  f = Range(kFirstDay + 3, kFirstDay);
  code_and(f, "filter.end_day");
  f = Range(kFirstDay, kFirstDay + 3);
  f.set_topic("price");
  f.set_department("pricing");
  code_and(f, "filter:");
  f = Range(kFirstDay, kFirstDay + 3);
  f.set_channel(static_cast<v1::Channel>(99));
  code_and(f, "filter.channel");
  f = Range(kFirstDay, kFirstDay + 3);
  f.set_store("sh-01");
  f.set_region("east");
  code_and(f, "filter: a store");
}

// ---- ListVoiceFeedback: the feedback behind a figure.

// Every row of a ListVoiceFeedback walk, page by page.
std::vector<v1::VoiceFeedbackRow> ListAll(VoiceReportService& service, const auth::Principal& caller,
                                          v1::ListVoiceFeedbackRequest request, int* pages = nullptr) {
  std::vector<v1::VoiceFeedbackRow> rows;
  for (int n = 0; n < 1000; ++n) {
    auto page = service.ListVoiceFeedback(caller, request);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) break;
    EXPECT_LE(page->rows_size(), request.page_size() > 0 ? request.page_size() : 50);
    for (const auto& r : page->rows()) rows.push_back(r);
    if (pages) *pages = n + 1;
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  return rows;
}

// The ids of the records `counts` keeps, newest first (ties by id, descending).
std::vector<std::string> ExpectedIds(const std::vector<Record>& records,
                                     const std::function<bool(const Record&)>& counts) {
  std::vector<const Record*> kept;
  for (const auto& r : records)
    if (counts(r)) kept.push_back(&r);
  std::sort(kept.begin(), kept.end(), [](const Record* a, const Record* b) {
    return a->occurred_ms != b->occurred_ms ? a->occurred_ms > b->occurred_ms : a->id > b->id;
  });
  std::vector<std::string> ids;
  for (const Record* r : kept) ids.push_back(r->id);
  return ids;
}

std::vector<std::string> IdsOf(const std::vector<v1::VoiceFeedbackRow>& rows) {
  std::vector<std::string> ids;
  for (const auto& r : rows) ids.push_back(r.feedback_id());
  return ids;
}

TEST_P(VoiceReportTest, FeedbackOfADayIsListedNewestFirstAndPagedThroughEveryRow) {
  const reports::DayNumber day = kFirstDay + 9;
  v1::ListVoiceFeedbackRequest request;
  *request.mutable_filter() = Range(day, day);
  request.set_page_size(7);
  int pages = 0;
  const auto rows = ListAll(*service_, analyst_, request, &pages);
  const auto expected = ExpectedIds(records_, [&](const Record& r) { return r.day == day; });
  ASSERT_GT(expected.size(), 14u);
  EXPECT_EQ(IdsOf(rows), expected);
  EXPECT_EQ(pages, static_cast<int>((expected.size() + 6) / 7));
  auto first = service_->ListVoiceFeedback(analyst_, request);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->total(), static_cast<long long>(expected.size()));
  EXPECT_FALSE(first->total_is_estimate());
  // An analyst reads the text as written, with every field of the record.
  const Record& newest = *std::find_if(records_.begin(), records_.end(),
                                       [&](const Record& r) { return r.id == expected.front(); });
  const v1::VoiceFeedbackRow& row = first->rows(0);
  EXPECT_EQ(row.text(), TextOf(newest));
  EXPECT_FALSE(row.text_masked());
  EXPECT_EQ(row.channel(), newest.channel);
  EXPECT_EQ(row.product(), newest.product);
  EXPECT_EQ(row.region(), newest.region);
  EXPECT_EQ(row.sentiment(), newest.sentiment);
  EXPECT_EQ(row.intensity(), newest.intensity);
  EXPECT_EQ(row.has_nps(), newest.nps.has_value());
  EXPECT_EQ(std::vector<std::string>(row.topics().begin(), row.topics().end()), newest.topics);
  EXPECT_EQ(row.occurred_time().seconds() * 1000, newest.occurred_ms);
}

TEST_P(VoiceReportTest, FeedbackListFiltersCountWhatTheyName) {
  const reports::DayNumber start = kFirstDay + 3, end = kFirstDay + 12;
  auto in_range = [=](const Record& r) { return r.day >= start && r.day <= end; };
  auto category = [](const Record& r) {
    return !r.nps ? v1::NPS_CATEGORY_UNSPECIFIED
                  : (*r.nps >= 9 ? v1::NPS_CATEGORY_PROMOTER
                                 : (*r.nps >= 7 ? v1::NPS_CATEGORY_PASSIVE : v1::NPS_CATEGORY_DETRACTOR));
  };
  struct Case {
    std::string name;
    std::function<void(v1::ListVoiceFeedbackRequest&)> set;
    std::function<bool(const Record&)> counts;
  };
  const std::vector<Case> cases = {
      {"channel + region", [](auto& q) { q.mutable_filter()->set_channel(v1::CHANNEL_NPS_SURVEY); q.mutable_filter()->set_region("east"); },
       [](const Record& r) { return r.channel == v1::CHANNEL_NPS_SURVEY && r.region == "east"; }},
      {"product", [](auto& q) { q.mutable_filter()->set_product("E7"); }, [](const Record& r) { return r.product == "E7"; }},
      {"topic with descendants + negative", [](auto& q) { q.mutable_filter()->set_topic("logistics"); q.set_sentiment(v1::SENTIMENT_NEGATIVE); },
       [](const Record& r) { return OnTopic(r, "logistics") && r.sentiment == v1::SENTIMENT_NEGATIVE; }},
      {"department + positive", [](auto& q) { q.mutable_filter()->set_department("pricing"); q.set_sentiment(v1::SENTIMENT_POSITIVE); },
       [](const Record& r) { return InDepartment(r, "pricing") && r.sentiment == v1::SENTIMENT_POSITIVE; }},
      {"store", [](auto& q) { q.mutable_filter()->set_store("sh-01"); }, [](const Record& r) { return r.store == "sh-01"; }},
      {"tier + detractors", [](auto& q) { q.mutable_filter()->set_customer_tier("vip"); q.set_nps_category(v1::NPS_CATEGORY_DETRACTOR); },
       [&](const Record& r) { return r.tier == "vip" && category(r) == v1::NPS_CATEGORY_DETRACTOR; }},
      {"promoters", [](auto& q) { q.set_nps_category(v1::NPS_CATEGORY_PROMOTER); },
       [&](const Record& r) { return category(r) == v1::NPS_CATEGORY_PROMOTER; }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    v1::ListVoiceFeedbackRequest request;
    *request.mutable_filter() = Range(start, end);
    request.set_page_size(25);
    c.set(request);
    const auto expected = ExpectedIds(records_, [&](const Record& r) { return in_range(r) && c.counts(r); });
    EXPECT_FALSE(expected.empty());
    EXPECT_EQ(IdsOf(ListAll(*service_, analyst_, request)), expected);
    auto first = service_->ListVoiceFeedback(analyst_, request);
    ASSERT_TRUE(first.ok()) << first.status();
    EXPECT_EQ(first->total(), static_cast<long long>(expected.size()));
  }
}

TEST_P(VoiceReportTest, AMemberListsOnlyTheirDepartmentsFeedbackDeIdentified) {
  const auth::Principal member = voc::testing::DemoPerson("p-xu-gang");  // logistics
  v1::ListVoiceFeedbackRequest request;
  *request.mutable_filter() = Range(kFirstDay, kFirstDay + 6);
  request.set_page_size(40);
  const auto rows = ListAll(*service_, member, request);
  const auto expected = ExpectedIds(records_, [&](const Record& r) {
    return r.day <= kFirstDay + 6 && InDepartment(r, "logistics");
  });
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(IdsOf(rows), expected);
  for (const auto& row : rows) {
    EXPECT_TRUE(row.text_masked());
    EXPECT_EQ(row.text().find("13812345678"), std::string::npos) << row.text();
    EXPECT_NE(row.text().find(row.feedback_id()), std::string::npos) << row.text();
  }
  for (auto set : std::vector<std::function<void(v1::VoiceFilter&)>>{
           [](auto& f) { f.set_department("pricing"); }, [](auto& f) { f.set_topic("price"); },
           [](auto& f) { f.set_store("sh-01"); }}) {
    v1::ListVoiceFeedbackRequest other = request;
    set(*other.mutable_filter());
    EXPECT_EQ(service_->ListVoiceFeedback(member, other).status().code(), absl::StatusCode::kPermissionDenied)
        << other.filter().ShortDebugString();
  }
  EXPECT_EQ(service_->ListVoiceFeedback(voc::testing::ApiKeyCaller({"feedback:write"}), request).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_P(VoiceReportTest, ErasedFeedbackIsListedWithoutItsText) {
  const reports::DayNumber day = kFirstDay + 4;
  v1::ListVoiceFeedbackRequest request;
  *request.mutable_filter() = Range(day, day);
  request.set_page_size(1000);
  const auto before = ListAll(*service_, analyst_, request);
  ASSERT_GE(before.size(), 2u);
  const std::string erased = before[1].feedback_id();
  ErasureStore erasure(*db_);
  ASSERT_TRUE(erasure.EraseFeedback({erased}).ok());
  const auto after = ListAll(*service_, analyst_, request);
  ASSERT_EQ(IdsOf(after), IdsOf(before));
  EXPECT_TRUE(after[1].erased());
  EXPECT_EQ(after[1].text(), "");
  EXPECT_FALSE(after[0].erased());
  EXPECT_FALSE(after[0].text().empty());
}

TEST_P(VoiceReportTest, BadFeedbackListRequestsNameTheirField) {
  auto expect_invalid = [&](const v1::ListVoiceFeedbackRequest& request, const std::string& field) {
    const absl::Status s = service_->ListVoiceFeedback(analyst_, request).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_NE(s.message().find(field), std::string::npos) << s.message();
  };
  v1::ListVoiceFeedbackRequest request;
  *request.mutable_filter() = Range(kFirstDay + 3, kFirstDay);
  expect_invalid(request, "filter.end_day");
  *request.mutable_filter() = Range(kFirstDay, kFirstDay + 3);
  request.set_sentiment(static_cast<v1::Sentiment>(9));
  expect_invalid(request, "sentiment");
  request.clear_sentiment();
  request.set_nps_category(static_cast<v1::NpsCategory>(9));
  expect_invalid(request, "nps_category");
  request.clear_nps_category();
  request.set_page_token("not-a-token");
  expect_invalid(request, "page_token");
}

INSTANTIATE_TEST_SUITE_P(Backends, VoiceReportTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return info.param == Backend::kSqlite ? "Sqlite" : "Postgres"; });

}  // namespace
}  // namespace voc::triage
