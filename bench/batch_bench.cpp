// BM_Batch: batch throughput, runs per second of the HK-scale baseline on all cores
// (docs/performance.md).
#include <benchmark/benchmark.h>

#include <unistd.h>
#include <filesystem>
#include <vector>

#include "analysis/batch.hpp"
#include "engine/batch_file.hpp"
#include "engine/hdf5.hpp"
#include "engine/journal.hpp"

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

/// What rank 0 does per finished run, whoever computed it (analysis/batch.cpp, engine/jobs.cpp):
/// write its 13 rows (12 series of 25 years and 10 indicators) and append its journal record.
/// Its inverse is the most runs per second one batch can record, however many ranks compute
/// (docs/cluster.md).
void BM_BatchRecord(benchmark::State& bs) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto out = dir / ("nisim_bm_record_" + std::to_string(::getpid()) + ".h5");
  const hsize_t rows = 1 << 16, years = 25, indicators = 10;
  std::uint64_t k = 0;
  {
    nisim::h5::AtomicFile file(out, true);
    std::vector<nisim::h5::RowWriter> writers;
    const auto axis = [&](const char* name, hsize_t n) {
      std::vector<std::int32_t> idx(n);
      for (hsize_t i = 0; i < n; ++i) idx[i] = static_cast<std::int32_t>(i);
      nisim::h5::write_dim_int(file.root(), name, idx, {"1", name});
    };
    axis("r", rows), axis("year", years), axis("indicator", indicators);
    for (int v = 0; v < 12; ++v) {
      std::string name = "v";  // appended, not "v" + string: GCC 12 bug 105329 (-Wrestrict)
      name += std::to_string(v);
      writers.emplace_back(file.root(), name, rows, std::vector<hsize_t>{years},
                           std::vector<std::string>{"r", "year"},
                           nisim::h5::VarInfo{"1", "series"});
    }
    writers.emplace_back(file.root(), "kpi", rows, std::vector<hsize_t>{indicators},
                         std::vector<std::string>{"r", "indicator"},
                         nisim::h5::VarInfo{"1", "indicators"});
    const std::size_t per_run = 12 * years + indicators;
    nisim::RunJournal journal(nisim::journal_path(out), {1, rows, per_run}, false, true,
                              [](std::uint64_t, std::span<const double>) {});
    std::vector<double> values(per_run, 0.5);
    for (auto _ : bs) {
      const hsize_t r = k++ % rows;
      for (std::size_t v = 0; v < 12; ++v) {
        writers[v].write_row(r, std::span<const double>(values).subspan(v * years, years));
      }
      writers.back().write_row(r, std::span<const double>(values).subspan(12 * years));
      journal.append(r, values);
    }
    journal.remove();
  }  // not committed: the temporary file is removed
  bs.counters["runs_per_second"] =
      benchmark::Counter(static_cast<double>(k), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BatchRecord)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
