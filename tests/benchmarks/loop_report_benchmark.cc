// The Loop report at scale (issue 12): LoopReporter::GetLoopReport (sums
// of the daily loop roll-up, store/loop_rollup_store.h, and the hot loop's
// awaiting cases from the last 24 h) over N cases opened in the last 90
// days, on SQLite (a file on /dev/shm) and on a PostgreSQL 15 started for
// the run (fsync off; VACUUM ANALYZE after the fill). After the fill the
// roll-up is rebuilt from the cases, and 10,000 cases are marked and
// refreshed, timed (stderr): the cost of keeping it as cases change.
//
// The fill: tests/support/tracking_case_generator.h's cases and owners, then
// (GenerateLoopFacts below, SQL run by the database) each case moved to an
// opening time spread over the 90 days before now, both SLA clocks
// (first response 4 h, one in three late, one in ten not met yet;
// resolution 72 h, met when the case is resolved or closed), the
// "resolved" history entry, an "escalated" entry and a recorded breach for
// every late resolution, and a callback (two in three reached) for every
// detractor case — so every statement of the report returns rows.
//
// Measured, the whole 90 days: every department as a service holding
// cases:read; one department ("d-big", one case in ten); the detractor
// callbacks only (59 %). Each iteration is timed on its own; p50_ms / p99_ms
// of the wall time and cpu_p50_ms of this thread's CPU time (all of the work
// on SQLite; the client's part on PostgreSQL) are counters.
//
// Sizes: VOC_LOOP_SIZES (default "100000,1000000"); backends:
// VOC_LOOP_BACKENDS (default "sqlite,postgres"). Built, not run by ctest:
//
//   ./build/tests/benchmarks/loop_report_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <time.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/storage/database.h"
#include "common/util/time.h"
#include "services/tracking/loop_reporter.h"
#include "services/tracking/store/loop_rollup_store.h"
#include "services/tracking/store/loop_report_store.h"
#include "services/tracking/store/migrations.h"
#include "tests/benchmarks/bench_main.h"
#include "tests/benchmarks/bench_support.h"
#include "tests/support/servers.h"
#include "tests/support/tracking_case_generator.h"
#include "tests/unit/tracking/test_callers.h"

namespace {

using namespace voc;

constexpr std::int64_t kNowMs = 1772409600000LL;  // 2026-03-02 00:00 UTC, 08:00 in UTC+8
constexpr long long kDays = 90;
// The report's days at the default report offset (UTC+8): the first case
// opened on 2025-12-02 after 08:00 local, the last before 2026-03-02 08:00.
constexpr char kStartDay[] = "2025-12-02";
constexpr char kEndDay[] = "2026-03-02";

// Adds to GenerateCases' rows what the loop report reads (see the file
// comment). One transaction; the same SQL on SQLite and PostgreSQL.
void GenerateLoopFacts(soci::session& s, std::int64_t now_ms) {
  const std::string now = std::to_string(now_ms);
  const std::string i = "CAST(SUBSTR(id, 6) AS BIGINT)";  // "case-<i>"
  // Resolved (5) or closed (6): the generator's 75 %.
  const std::string done = "(state IN (5, 6))";
  const std::string fr_used = "(1000 * ((" + i + " * 7919) % 21600))";     // 0–6 h, target 4 h
  const std::string rs_used = "(1000 * ((" + i + " * 104723) % 345600))";  // 0–96 h, target 72 h
  soci::transaction tx(s);
  s << "UPDATE cases SET create_ms = " + now + " - 1000 * ((" + i + " * 15485863) % " +
           std::to_string(kDays * 86400) + ") - 1, update_ms = " + now;
  s << "INSERT INTO case_clocks (case_id, clock, policy_id, calendar_id, target_ms, started_ms, due_ms,"
       " used_ms, paused_since_ms, met_ms, breached, next_check_ms)"
       " SELECT id, 'first_response', 'bench', 'bench', 14400000, create_ms, create_ms + 14400000, " +
           fr_used + ", NULL, CASE WHEN " + i + " % 10 = 0 THEN NULL ELSE create_ms + " + fr_used +
           " END, CASE WHEN " + fr_used + " > 14400000 THEN 1 ELSE 0 END, NULL FROM cases";
  s << "INSERT INTO case_clocks (case_id, clock, policy_id, calendar_id, target_ms, started_ms, due_ms,"
       " used_ms, paused_since_ms, met_ms, breached, next_check_ms)"
       " SELECT id, 'resolution', 'bench', 'bench', 259200000, create_ms, create_ms + 259200000, " +
           rs_used + ", NULL, CASE WHEN " + done + " THEN create_ms + " + rs_used +
           " ELSE NULL END, CASE WHEN " + rs_used + " > 259200000 THEN 1 ELSE 0 END, NULL FROM cases";
  s << "INSERT INTO case_history (case_id, seq, time_ms, actor, action, detail)"
       " SELECT id, 1, create_ms + " + rs_used + ", 'person:bench', 'resolved', '' FROM cases WHERE " + done;
  s << "INSERT INTO case_history (case_id, seq, time_ms, actor, action, detail)"
       " SELECT case_id, 2, started_ms + target_ms, 'system:sla', 'escalated', ''"
       " FROM case_clocks WHERE clock = 'resolution' AND breached = 1";
  s << "INSERT INTO sla_fired (case_id, clock, point, fired_ms, target, notify_state)"
       " SELECT case_id, clock, 'breach', started_ms + target_ms, 'owner', 1 FROM case_clocks WHERE breached = 1";
  s << "INSERT INTO case_callbacks (case_id, seq, time_ms, actor, reached, note)"
       " SELECT id, 1, create_ms + 1000 * ((" + i + " * 31) % 172800), 'person:bench',"
       " CASE WHEN " + i + " % 3 < 2 THEN 1 ELSE 0 END, '' FROM cases WHERE kind = 1";
  tx.commit();
}

struct Store {
  std::string backend;
  long long size = 0;
  std::string dir;
  std::unique_ptr<testing::PostgresServer> postgres;
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<tracking::LoopReportStore> store;
  std::unique_ptr<tracking::LoopRollupStore> rollup;
  FakeClock clock{FromMillis(kNowMs)};
  std::unique_ptr<tracking::LoopReporter> reporter;

  ~Store() {
    reporter.reset();
    rollup.reset();
    store.reset();
    db.reset();
    // VOC_LOOP_KEEP_DB=1 keeps the SQLite file for a look with sqlite3.
    if (std::getenv("VOC_LOOP_KEEP_DB")) {
      std::cerr << "kept " << dir << "/tracking.db\n";
    } else if (!dir.empty()) {
      std::filesystem::remove_all(dir);
    }
  }
};

std::unique_ptr<Store> current;

Store& StoreFor(const std::string& backend, long long size) {
  if (current && current->backend == backend && current->size == size) return *current;
  current.reset();
  auto s = std::make_unique<Store>();
  s->backend = backend;
  s->size = size;
  std::string url;
  if (backend == "postgres") {
    s->postgres = std::make_unique<testing::PostgresServer>();
    s->postgres->CreateDatabase("tracking");
    url = s->postgres->Url("tracking");
  } else {
    s->dir = bench::TempDirectory("voc-loop");
    url = "sqlite3://" + s->dir + "/tracking.db";
  }
  s->db = storage::Database::Open(url, 2).value();
  s->db->Migrate("tracking", tracking::TrackingMigrations()).value();
  const auto start = std::chrono::steady_clock::now();
  s->db->WithSession([&](soci::session& session) {
    testing::GenerateCases(session, size, kNowMs);
    GenerateLoopFacts(session, kNowMs);
    if (backend == "postgres") session << "VACUUM ANALYZE";
  });
  std::cerr << "filled " << backend << " with " << size << " cases and their loop facts in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
            << " s\n";
  s->store = std::make_unique<tracking::LoopReportStore>(*s->db);
  s->rollup = std::make_unique<tracking::LoopRollupStore>(*s->db, s->clock, 480);
  const auto rebuild_start = std::chrono::steady_clock::now();
  const auto rebuilt = s->rollup->Rebuild().value();
  std::cerr << "rebuilt the loop roll-up from " << rebuilt.cases << " cases: " << rebuilt.count_rows
            << " day rows, " << rebuilt.duration_rows << " duration rows in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - rebuild_start).count() << " s\n";
  // The incremental path: 10,000 cases marked as their writes mark them,
  // then refreshed in the service's batches.
  s->db->InTransaction([&](soci::session& session) {
    session << "INSERT INTO loop_rollup_dirty (case_id, marks) SELECT id, 1 FROM cases ORDER BY id LIMIT 10000";
  });
  const auto refresh_start = std::chrono::steady_clock::now();
  const std::int64_t refreshed = s->rollup->RefreshAll().value();
  const double refresh_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - refresh_start).count();
  std::cerr << "refreshed " << refreshed << " marked cases in " << refresh_s << " s ("
            << static_cast<long long>(refreshed / refresh_s) << " cases/s)\n";
  s->reporter = std::make_unique<tracking::LoopReporter>(*s->store, *s->rollup, s->clock);
  current = std::move(s);
  return *current;
}

enum class Report { kEveryDepartment, kOneDepartment, kDetractorCallbacks };

v1::GetLoopReportRequest Request(Report report) {
  v1::GetLoopReportRequest request;
  request.set_start_day(kStartDay);
  request.set_end_day(kEndDay);
  if (report == Report::kOneDepartment) request.set_department(testing::GeneratedCases::kBigDepartment);
  if (report == Report::kDetractorCallbacks) request.set_kind(v1::CASE_KIND_DETRACTOR_CALLBACK);
  return request;
}

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// The cases a report counted: its rows' openings summed.
long long CasesCounted(const v1::LoopReport& report) {
  long long n = 0;
  for (const auto& row : report.rows()) n += row.opened();
  return n;
}

void BM_LoopReport(benchmark::State& state, std::string backend, long long size, Report report) {
  Store& s = StoreFor(backend, size);
  const v1::GetLoopReportRequest request = Request(report);
  std::vector<double> ms, cpu_ms;
  long long cases = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = ThreadCpuMs();
    auto response = s.reporter->GetLoopReport(tracking::TestSystem(), request);
    cpu_ms.push_back(ThreadCpuMs() - cpu_start);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    if (!response.ok()) {
      state.SkipWithError(std::string(response.status().message()).c_str());
      return;
    }
    cases = CasesCounted(*response);
    benchmark::DoNotOptimize(response);
  }
  state.counters["p50_ms"] = bench::Percentile(ms, 0.50);
  state.counters["p99_ms"] = bench::Percentile(ms, 0.99);
  state.counters["cpu_p50_ms"] = bench::Percentile(cpu_ms, 0.50);
  state.counters["cases"] = static_cast<double>(cases);
}

void RegisterAll() {
  const std::pair<Report, const char*> reports[] = {{Report::kEveryDepartment, "every_department"},
                                                    {Report::kOneDepartment, "one_department"},
                                                    {Report::kDetractorCallbacks, "detractor_callbacks"}};
  for (const std::string& backend : bench::ListFromEnv("VOC_LOOP_BACKENDS", "sqlite,postgres")) {
    if (backend == "postgres" && !testing::PostgresServer::Available()) continue;
    for (const std::string& size_text : bench::ListFromEnv("VOC_LOOP_SIZES", "100000,1000000")) {
      const long long size = std::stoll(size_text);
      for (const auto& [report, name] : reports) {
        const std::string title = "LoopReport/" + backend + "/" + size_text + "/" + name;
        benchmark::RegisterBenchmark(title.c_str(), BM_LoopReport, backend, size, report)
            ->Iterations(size >= 1000000 ? 5 : 20)
            ->Unit(benchmark::kMillisecond);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  return voc::bench::RunRegistered(argc, argv, RegisterAll, [] { current.reset(); });
}
