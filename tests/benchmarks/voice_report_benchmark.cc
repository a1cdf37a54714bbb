// The 90-day voice dashboard over 10,000,000 feedback (issue 12): what
// VoiceReportService answers from the roll-up (voice_daily) that
// SaveResults keeps, on SQLite (a file on /dev/shm: the fill does not wait
// for fsync; reads come from the page cache either way) and on a
// PostgreSQL 15 started for the run (fsync off; VACUUM ANALYZE after the
// fill, as autovacuum would do).
//
// The fill folds N generated feedback (VOC_VOICE_FEEDBACK, default
// 10,000,000) spread evenly over the 90 days asked, plus N/5 over the 90
// days before (so the growth ranking compares with something), through
// AddToVoiceRollup — the function SaveResults uses — and writes each day's
// rows with AddVoiceRollup, one transaction a day. No triage_results rows are written: the reports never
// read them. The shape: 7 channels, 12 products, 8 regions, 3 tiers, 200
// stores, 40 leaf topics under 8 parents routed to 8 departments, one or two
// topics a feedback, 40 % negative, a third NPS answers.
//
// Measured, each as an analyst (every department): the daily trend,
// unfiltered and narrowed by channel and region; the weekly trend of one
// department and of one topic narrowed by product; the complaint ranking
// by volume unfiltered and narrowed by channel; the growth ranking of one
// department. p50_ms / p99_ms of the wall time per call. Built, not run by
// ctest:
//
//   ./build/tests/benchmarks/voice_report_benchmark --benchmark_counters_tabular=true
//   VOC_VOICE_FEEDBACK=1000000 VOC_VOICE_BACKENDS=sqlite ./build/tests/benchmarks/voice_report_benchmark
#include <benchmark/benchmark.h>

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/storage/database.h"
#include "services/triage/reports/voice_report_service.h"
#include "services/triage/store/triage_store.h"
#include "services/triage/store/voice_rollup_store.h"
#include "tests/benchmarks/bench_main.h"
#include "tests/benchmarks/bench_support.h"
#include "tests/support/servers.h"

namespace {

using namespace voc;

const reports::DayNumber kFirstDay = *reports::ParseDay("2026-09-03");
constexpr int kDays = 90;
constexpr int kTopicsPerParent = 5;
constexpr int kParents = 8;

std::string Leaf(int i) { return "t" + std::to_string(i / kTopicsPerParent) + ".s" + std::to_string(i % kTopicsPerParent); }
std::string DepartmentOfParent(int parent) { return "dept-" + std::to_string(parent); }

struct Lcg {
  unsigned long long state = 42;
  unsigned Next(unsigned n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<unsigned>((state >> 33) % n);
  }
};

std::vector<std::string> Names(const char* prefix, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

// Folds `count` generated feedback on `day` into `rollup`.
void Generate(long long count, reports::DayNumber day, Lcg& rng, triage::VoiceRollup& rollup) {
  static const std::vector<std::string> products = Names("P", 12), regions = Names("R", 8), stores = Names("S", 200);
  static const std::vector<std::string> tiers = {"vip", "high", "standard"};
  v1::TriagedFeedback t;
  auto& f = *t.mutable_feedback();
  auto& r = *t.mutable_result();
  const int kLeaves = kParents * kTopicsPerParent;
  for (long long i = 0; i < count; ++i) {
    f.mutable_occurred_time()->set_seconds(reports::DayStartMs(day, 480) / 1000 + rng.Next(86'400));
    f.set_channel(static_cast<v1::Channel>(1 + rng.Next(7)));
    f.set_product(products[rng.Next(12)]);
    f.mutable_customer()->set_region(regions[rng.Next(8)]);
    f.mutable_customer()->set_value_tier(tiers[rng.Next(3)]);
    f.mutable_customer()->set_store(stores[rng.Next(200)]);
    if (rng.Next(3) == 0) {
      f.set_nps(static_cast<int>(rng.Next(11)));
    } else {
      f.clear_nps();
    }
    const unsigned s = rng.Next(10);
    r.set_sentiment(s < 4 ? v1::SENTIMENT_NEGATIVE : (s < 7 ? v1::SENTIMENT_NEUTRAL : v1::SENTIMENT_POSITIVE));
    r.set_intensity(static_cast<int>(rng.Next(4)));
    r.clear_topics();
    for (unsigned k = 0, n = 1 + rng.Next(2); k < n; ++k) {
      const int leaf = static_cast<int>(rng.Next(kLeaves));
      auto* m = r.add_topics();
      m->set_topic(Leaf(leaf));
      m->set_department(DepartmentOfParent(leaf / kTopicsPerParent));
    }
    triage::AddToVoiceRollup(t, 480, rollup);
  }
}

struct Store {
  std::string backend;
  std::string dir;
  std::unique_ptr<testing::PostgresServer> postgres;
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<triage::TriageStore> triage_store;
  std::unique_ptr<triage::VoiceRollupStore> rollups;
  FakeClock clock{TimePoint{}};
  std::unique_ptr<triage::VoiceReportService> service;
  ~Store() {
    service.reset();
    db.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
};

std::unique_ptr<Store> current;
Store& StoreFor(const std::string& backend) {
  if (current && current->backend == backend) return *current;
  current.reset();
  const long long n = std::stoll(bench::ListFromEnv("VOC_VOICE_FEEDBACK", "10000000").front());
  auto s = std::make_unique<Store>();
  s->backend = backend;
  std::string url;
  if (backend == "postgres") {
    s->postgres = std::make_unique<testing::PostgresServer>();
    s->postgres->CreateDatabase("triage");
    url = s->postgres->Url("triage");
  } else {
    s->dir = bench::TempDirectory("voc-voice");
    url = "sqlite3://" + s->dir + "/triage.db";
  }
  s->db = storage::Database::Open(url, 2).value();
  s->db->Migrate("triage", triage::TriageMigrations()).value();
  // Day by day (n / 90 feedback a day in the 90 days asked, n / 450 in the
  // 90 before), one transaction a day, the same records on every backend.
  const auto start = std::chrono::steady_clock::now();
  Lcg rng;
  long long rows = 0;
  for (reports::DayNumber day = kFirstDay - kDays; day < kFirstDay + kDays; ++day) {
    triage::VoiceRollup rollup;
    Generate(day < kFirstDay ? n / 5 / kDays : n / kDays, day, rng, rollup);
    rows += static_cast<long long>(rollup.size());
    s->db->InTransaction([&](soci::session& session) { triage::AddVoiceRollup(session, rollup); });
  }
  if (backend == "postgres") s->db->WithSession([](soci::session& session) { session << "VACUUM ANALYZE"; });
  std::cerr << "generated " << n << " + " << n / 5 << " feedback into " << backend << ": " << rows
            << " roll-up rows in " << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
            << " s\n";
  s->triage_store = std::make_unique<triage::TriageStore>(*s->db);
  s->rollups = std::make_unique<triage::VoiceRollupStore>(*s->db);
  s->service = std::make_unique<triage::VoiceReportService>(
      *s->triage_store, *s->rollups,
      [](const std::string& topic) { return DepartmentOfParent(std::stoi(topic.substr(1, topic.find('.') - 1))); },
      s->clock);
  current = std::move(s);
  return *current;
}

auth::Principal Analyst() {
  auth::Principal p;
  p.kind = auth::PrincipalKind::kApiKey;
  p.id = "key:bench";
  p.scopes = {"analytics:read"};
  return p;
}

v1::VoiceFilter NinetyDays() {
  v1::VoiceFilter f;
  f.set_start_day(reports::FormatDay(kFirstDay));
  f.set_end_day(reports::FormatDay(kFirstDay + kDays - 1));
  return f;
}

// `call` returns how many points or topics it answered, or -1 on error.
void BM_Voice(benchmark::State& state, std::string backend, std::function<long(triage::VoiceReportService&)> call) {
  Store& s = StoreFor(backend);
  std::vector<double> ms;
  long answered = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    answered = call(*s.service);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    if (answered < 0) {
      state.SkipWithError("the call failed");
      return;
    }
  }
  state.counters["p50_ms"] = bench::Percentile(ms, 0.50);
  state.counters["p99_ms"] = bench::Percentile(ms, 0.99);
  state.counters["answered"] = static_cast<double>(answered);
}

long Trend(triage::VoiceReportService& service, const v1::VoiceFilter& filter, v1::ReportGranularity g) {
  v1::GetVoiceTrendRequest request;
  *request.mutable_filter() = filter;
  request.set_granularity(g);
  auto got = service.GetVoiceTrend(Analyst(), request);
  if (!got.ok()) std::cerr << got.status() << "\n";
  return got.ok() ? got->points_size() : -1;
}

long Ranking(triage::VoiceReportService& service, const v1::VoiceFilter& filter, v1::TopicOrder order) {
  v1::ListTopTopicsRequest request;
  *request.mutable_filter() = filter;
  request.set_order_by(order);
  request.set_negative_only(true);
  request.set_page_size(10);
  auto got = service.ListTopTopics(Analyst(), request);
  if (!got.ok()) std::cerr << got.status() << "\n";
  return got.ok() ? got->total_size() : -1;
}

void RegisterAll() {
  v1::VoiceFilter all = NinetyDays();
  v1::VoiceFilter channel_region = all;
  channel_region.set_channel(v1::CHANNEL_NPS_SURVEY);
  channel_region.set_region("R3");
  v1::VoiceFilter department = all;
  department.set_department("dept-2");
  v1::VoiceFilter topic_product = all;
  topic_product.set_topic("t4");
  topic_product.set_product("P7");
  v1::VoiceFilter channel = all;
  channel.set_channel(v1::CHANNEL_APP_REVIEW);
  const std::vector<std::pair<std::string, std::function<long(triage::VoiceReportService&)>>> calls = {
      {"trend_daily", [=](auto& s) { return Trend(s, all, v1::REPORT_GRANULARITY_DAY); }},
      {"trend_daily_channel_region", [=](auto& s) { return Trend(s, channel_region, v1::REPORT_GRANULARITY_DAY); }},
      {"trend_weekly_department", [=](auto& s) { return Trend(s, department, v1::REPORT_GRANULARITY_WEEK); }},
      {"trend_weekly_topic_product", [=](auto& s) { return Trend(s, topic_product, v1::REPORT_GRANULARITY_WEEK); }},
      {"top_topics_volume", [=](auto& s) { return Ranking(s, all, v1::TOPIC_ORDER_VOLUME); }},
      {"top_topics_volume_channel", [=](auto& s) { return Ranking(s, channel, v1::TOPIC_ORDER_VOLUME); }},
      {"top_topics_growth_department", [=](auto& s) { return Ranking(s, department, v1::TOPIC_ORDER_GROWTH); }},
  };
  for (const std::string& backend : bench::ListFromEnv("VOC_VOICE_BACKENDS", "sqlite,postgres")) {
    if (backend == "postgres" && !testing::PostgresServer::Available()) continue;
    for (const auto& [name, call] : calls) {
      benchmark::RegisterBenchmark(("Voice/" + backend + "/" + name).c_str(), BM_Voice, backend, call)
          ->Iterations(50)
          ->Unit(benchmark::kMillisecond);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  return voc::bench::RunRegistered(argc, argv, RegisterAll, [] { current.reset(); });
}
