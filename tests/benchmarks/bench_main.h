// The main() of the store benchmarks that register their runs at start
// (backends and sizes from the environment) and keep one data set open
// between runs: `release` closes it, and the database server it may hold,
// before the benchmark library shuts down. Header-only.
//
//   int main(int argc, char** argv) { return bench::RunRegistered(argc, argv, RegisterAll, [] { current.reset(); }); }
#pragma once

#include <benchmark/benchmark.h>

namespace voc::bench {

template <typename Register, typename Release>
int RunRegistered(int argc, char** argv, Register register_all, Release release) {
  register_all();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  release();
  benchmark::Shutdown();
  return 0;
}

}  // namespace voc::bench
