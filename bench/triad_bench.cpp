// BM_Triad: the memory-bandwidth reference for the firm update (docs/performance.md).
#include <benchmark/benchmark.h>

#include "bench/triad.hpp"

namespace {

void BM_Triad(benchmark::State& bs) {
  const auto n = static_cast<std::size_t>(bs.range(0));
  const int threads = static_cast<int>(bs.range(1));
  nisim::Parallel par(threads);
  std::vector<double> a(n, 0.0), b(n, 1.0), c(n, 2.0);
  for (auto _ : bs) {
    nisim::bench::triad_once(par, a, b, c);
    benchmark::ClobberMemory();
  }
  bs.SetBytesProcessed(static_cast<std::int64_t>(bs.iterations() * nisim::bench::k_triad_bytes *
                                                 static_cast<double>(n)));
}
BENCHMARK(BM_Triad)
    ->ArgsProduct({{1 << 25}, {1, 2}})
    ->ArgNames({"n", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
