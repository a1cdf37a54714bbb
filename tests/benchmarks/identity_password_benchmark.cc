// What a login costs in voc-identity (issue 9): one Argon2id verification
// with libsodium's moderate limits (what production uses), and for
// comparison the interactive limits the unit tests use. Results and the
// command in docs/operations.md, "Accounts and API keys".
//   build/tests/benchmarks/identity_password_benchmark --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include "services/identity/passwords.h"

namespace voc::identity {
namespace {

void Verify(benchmark::State& state, PasswordCost cost) {
  PasswordHasher hasher(cost, 1);
  const std::string hash = hasher.Hash("correct horse battery staple").value();
  for (auto _ : state) benchmark::DoNotOptimize(hasher.Verify(hash, "correct horse battery staple"));
}

void BM_VerifyModerate(benchmark::State& state) { Verify(state, PasswordCost::Moderate()); }
void BM_VerifyInteractive(benchmark::State& state) { Verify(state, PasswordCost::Interactive()); }

BENCHMARK(BM_VerifyModerate)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_VerifyInteractive)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace voc::identity

BENCHMARK_MAIN();
