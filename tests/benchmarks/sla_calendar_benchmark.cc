// What a business calendar costs per call, so tracking can compute due times
// and remaining business time on every case write (issue 11): Add and
// Between on the shipped cn-office calendar (working hours in Asia/Shanghai
// with the 2026/2027 holiday files) and on 24x7, from starts spread over two
// years; and LoadSlaPolicies itself (a start or a reload).
//   build/tests/benchmarks/sla_calendar_benchmark   (from the repository root)
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>
#include <vector>

#include "common/sla/sla_policy.h"

namespace {

using voc::sla::BusinessCalendar;
using voc::sla::TimeMs;

constexpr TimeMs kStart2026 = 1767196800000;  // 2026-01-01T00:00:00+08:00
constexpr TimeMs kTwoYears = 2LL * 365 * 86'400'000;

std::shared_ptr<const voc::sla::SlaPolicies> Policies() {
  static auto loaded = [] {
    auto p = voc::sla::LoadSlaPolicies("config/sla_policies.yaml");
    if (!p.ok()) {
      std::cerr << p.status() << "\n(run from the repository root)\n";
      std::exit(1);
    }
    return *p;
  }();
  return loaded;
}

// 4,096 pseudo-random instants over 2026-2027, so lookups do not hit one
// cache line.
const std::vector<TimeMs>& Starts() {
  static const std::vector<TimeMs> starts = [] {
    std::vector<TimeMs> out;
    std::uint64_t s = 42;
    for (int i = 0; i < 4096; ++i) {
      s = s * 6364136223846793005ULL + 1442695040888963407ULL;
      out.push_back(kStart2026 + static_cast<TimeMs>((s >> 20) % static_cast<std::uint64_t>(kTwoYears)));
    }
    return out;
  }();
  return starts;
}

void BM_Add(benchmark::State& state, const char* calendar_id) {
  const BusinessCalendar& c = *Policies()->FindCalendar(calendar_id);
  const auto& starts = Starts();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(c.Add(starts[i++ & 4095], 8 * 3'600'000));
  }
}

void BM_Between(benchmark::State& state, const char* calendar_id) {
  const BusinessCalendar& c = *Policies()->FindCalendar(calendar_id);
  const auto& starts = Starts();
  std::size_t i = 0;
  for (auto _ : state) {
    const TimeMs from = starts[i & 4095];
    benchmark::DoNotOptimize(c.Between(from, from + 3 * 86'400'000));
    ++i;
  }
}

// Find + Add + Between: what a case write does (choose the policy, its due
// time, the remaining business time).
void BM_CaseWrite(benchmark::State& state) {
  const auto policies = Policies();
  const auto& starts = Starts();
  std::size_t i = 0;
  for (auto _ : state) {
    auto policy = policies->Find({"complaint", "p3", "logistics", "email"});
    const BusinessCalendar* c = policies->FindCalendar((*policy)->calendar);
    const TimeMs now = starts[i++ & 4095];
    const TimeMs due = c->Add(now, (*policy)->resolution.target);
    benchmark::DoNotOptimize(c->Between(now + 3'600'000, due));
  }
}

void BM_LoadPolicies(benchmark::State& state) {
  for (auto _ : state) {
    auto p = voc::sla::LoadSlaPolicies("config/sla_policies.yaml");
    benchmark::DoNotOptimize(p);
  }
}

BENCHMARK_CAPTURE(BM_Add, cn_office, "cn-office");
BENCHMARK_CAPTURE(BM_Add, always_on, "24x7");
BENCHMARK_CAPTURE(BM_Between, cn_office, "cn-office");
BENCHMARK_CAPTURE(BM_Between, always_on, "24x7");
BENCHMARK(BM_CaseWrite);
BENCHMARK(BM_LoadPolicies)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
