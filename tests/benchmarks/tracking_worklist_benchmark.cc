// The owner's worklist at scale: TrackingService::ListCases (token parsing,
// the store's list queries, loading the 50 cases, the next token) over a
// store holding N generated cases (tests/support/tracking_case_generator.h:
// 201 departments, "d-big" holding one case in ten, 7.5 % overdue, 2 % red
// line with a second owner), on SQLite (a file on /dev/shm: the fill does
// not wait for fsync, the reads come from the page cache either way) and on
// a PostgreSQL 15 started for the run (fsync off, defaults otherwise; VACUUM
// ANALYZE after the fill, as autovacuum would do; no planner setting
// changed).
//
// Measured, each a page of 50: the department's first page and the page its
// token continues to; the same with overdue_only; one owner's first and
// continued page. Each iteration is timed on its own and the run reports
// p50_ms and p99_ms of the wall times as counters (the mean is Google
// Benchmark's own Time column), and cpu_p50_ms / cpu_p99_ms of this thread's
// CPU time per call (all of the work on SQLite; the client's part on
// PostgreSQL), which a shared machine does not inflate.
//
// Sizes: VOC_WORKLIST_SIZES (default "1000,100000,1000000"); backends:
// VOC_WORKLIST_BACKENDS (default "sqlite,postgres"). The plans of the first
// pages are printed to stderr once per store. Built, not run by ctest:
//
//   ./build/tests/benchmarks/tracking_worklist_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <stdlib.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/storage/database.h"
#include "common/util/time.h"
#include "services/tracking/store/migrations.h"
#include "services/tracking/store/tracking_store.h"
#include "services/tracking/tracking_service.h"
#include "tests/unit/tracking/test_callers.h"
#include "tests/benchmarks/bench_main.h"
#include "tests/benchmarks/bench_support.h"
#include "tests/support/servers.h"
#include "tests/support/tracking_case_generator.h"

namespace {

using namespace voc;
using voc::testing::GeneratedCases;

constexpr std::int64_t kNowMs = 1772409600000LL;

// One filled store; the benchmarks of one (backend, size) share it, and the
// next (backend, size) replaces it.
struct Store {
  std::string backend;
  long long size = 0;
  std::string dir;
  std::unique_ptr<testing::PostgresServer> postgres;
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<tracking::TrackingStore> store;
  FakeClock clock{FromMillis(kNowMs)};
  std::unique_ptr<tracking::TrackingService> service;

  ~Store() {
    service.reset();
    store.reset();
    db.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
};

std::unique_ptr<Store> current;

void PrintPlans(Store& s) {
  tracking::CaseFilter department;
  department.department = GeneratedCases::kBigDepartment;
  tracking::CaseFilter overdue = department;
  overdue.overdue_only = true;
  tracking::CaseFilter owner;
  owner.owner = GeneratedCases::kBusyPerson;
  for (const auto& [name, filter] : {std::pair{"department", department},
                                     std::pair{"department overdue", overdue},
                                     std::pair{"owner", owner}}) {
    const auto plans = s.store->ExplainListCases(filter, kNowMs, 50, std::nullopt).value();
    std::cerr << "== " << s.backend << ", " << s.size << " cases, " << name
              << ": the first page's statement\n"
              << plans.front();
  }
}

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
    s->dir = bench::TempDirectory("voc-worklist");
    url = "sqlite3://" + s->dir + "/tracking.db";
  }
  s->db = storage::Database::Open(url, 2).value();
  s->db->Migrate("tracking", tracking::TrackingMigrations()).value();
  const auto start = std::chrono::steady_clock::now();
  s->db->WithSession([&](soci::session& session) {
    testing::GenerateCases(session, size, kNowMs);
    if (backend == "postgres") session << "VACUUM ANALYZE";
  });
  std::cerr << "filled " << backend << " with " << size << " cases in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
            << " s\n";
  s->store = std::make_unique<tracking::TrackingStore>(*s->db);
  s->service = std::make_unique<tracking::TrackingService>(*s->store, s->clock);
  PrintPlans(*s);
  current = std::move(s);
  return *current;
}

enum class Worklist { kDepartment, kDepartmentOverdue, kOwner };

v1::ListCasesRequest Request(Worklist list) {
  v1::ListCasesRequest request;
  request.set_page_size(50);
  if (list == Worklist::kOwner) {
    request.set_owner(GeneratedCases::kBusyPerson);
  } else {
    request.set_department(GeneratedCases::kBigDepartment);
  }
  request.set_overdue_only(list == Worklist::kDepartmentOverdue);
  return request;
}

// This thread's CPU time: on SQLite the whole of a call's work (the
// database runs in the thread), on PostgreSQL the client's share. Unlike the
// wall time it does not grow while other processes hold the cores.
double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

void BM_ListCases(benchmark::State& state, std::string backend, long long size, Worklist list,
                  bool continued) {
  Store& s = StoreFor(backend, size);
  v1::ListCasesRequest request = Request(list);
  if (continued) {
    request.set_page_token(s.service->ListCases(voc::tracking::TestSystem(), request).value().next_page_token());
    if (request.page_token().empty()) {
      state.SkipWithError("the list has a single page");
      return;
    }
  }
  std::vector<double> ms, cpu_ms;
  int returned = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = ThreadCpuMs();
    auto response = s.service->ListCases(voc::tracking::TestSystem(), request);
    cpu_ms.push_back(ThreadCpuMs() - cpu_start);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    if (!response.ok()) {
      state.SkipWithError(std::string(response.status().message()).c_str());
      return;
    }
    returned = response->cases_size();
    benchmark::DoNotOptimize(response);
  }
  state.counters["p50_ms"] = bench::Percentile(ms, 0.50);
  state.counters["p99_ms"] = bench::Percentile(ms, 0.99);
  state.counters["cpu_p50_ms"] = bench::Percentile(cpu_ms, 0.50);
  state.counters["cpu_p99_ms"] = bench::Percentile(cpu_ms, 0.99);
  state.counters["cases"] = returned;
}

void RegisterAll() {
  const std::pair<Worklist, const char*> lists[] = {{Worklist::kDepartment, "department"},
                                                    {Worklist::kDepartmentOverdue, "department_overdue"},
                                                    {Worklist::kOwner, "owner"}};
  for (const std::string& backend : bench::ListFromEnv("VOC_WORKLIST_BACKENDS", "sqlite,postgres")) {
    if (backend == "postgres" && !testing::PostgresServer::Available()) continue;
    for (const std::string& size_text : bench::ListFromEnv("VOC_WORKLIST_SIZES", "1000,100000,1000000")) {
      const long long size = std::stoll(size_text);
      for (const auto& [list, name] : lists) {
        for (bool continued : {false, true}) {
          const std::string title = "ListCases/" + backend + "/" + size_text + "/" + name + "/" +
                                    (continued ? "next_page" : "first_page");
          benchmark::RegisterBenchmark(title.c_str(), BM_ListCases, backend, size, list, continued)
              ->Iterations(300)
              ->Unit(benchmark::kMillisecond);
        }
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  return voc::bench::RunRegistered(argc, argv, RegisterAll, [] { current.reset(); });
}
