// BM_Batch: batch throughput, runs per second of the HK-scale baseline on all cores
// (docs/performance.md).
#include <benchmark/benchmark.h>

#include <unistd.h>
#include <filesystem>

#include "engine/batch_file.hpp"
#include "models/batch.hpp"

namespace {

void BM_Batch(benchmark::State& bs) {
  const nisim::Batch batch =
      nisim::load_batch(std::filesystem::path(NISIM_BENCH_DIR) / "batches" / "baseline_64.toml");
  const auto out = std::filesystem::temp_directory_path() /
                   ("nisim_bm_batch_" + std::to_string(::getpid()) + ".h5");
  nisim::hk::BatchOptions options;
  options.force = true;
  std::size_t runs = 0;
  for (auto _ : bs) runs += nisim::hk::run_batch(batch, out, options).runs;
  std::filesystem::remove(out);
  bs.counters["runs_per_second"] =
      benchmark::Counter(static_cast<double>(runs), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Batch)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
