// The yearly firm update (the hot path) and whole runs. docs/performance.md has the numbers and
// the commands; nothing here is a test.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <string>

#include "bench/triad.hpp"
#include "engine/parallel.hpp"
#include "engine/scenario.hpp"
#include "engine/simd_target.hpp"
#include "models/firms.hpp"
#include "models/kpi.hpp"
#include "models/model.hpp"
#include "models/phases.hpp"

namespace {

using namespace nisim;
using namespace nisim::hk;

/// One year's firm update over n firms on `threads` threads (args: n, threads).
void BM_FirmUpdate(benchmark::State& bs) {
  const auto n = bs.range(0);
  const int threads = static_cast<int>(bs.range(1));
  Params p;
  p.firm_count = n;
  p.employment = 10.65 * static_cast<double>(n);
  // The table is updated again and again, a year later each time: the year is part of the
  // draws' key, so every update draws new shocks and, without drift, log TFP is a driftless
  // random walk (spread sigma sqrt(iterations)), as in the numpy peer. With the year fixed each
  // update repeated every firm's shock, log TFP moved in a straight line, and after a few
  // thousand updates (the 1e4-firm case) values underflowed and the rate halved
  // (docs/performance.md, "Eighth round").
  p.tfp_drift = 0.0;
  Parallel par(threads);
  State st(par, 1);
  initialise(st, p);
  st.year = 2017;
  set_environment(st, p);
  for (auto _ : bs) {
    update_firms(st, p);
    ++st.env.year;  // only the draws' key: the environment is otherwise the same
    benchmark::DoNotOptimize(st.firms.value_added.data());
    benchmark::ClobberMemory();
  }
  bs.SetItemsProcessed(bs.iterations() * n);
  bs.SetBytesProcessed(bs.iterations() * n * static_cast<std::int64_t>(k_update_bytes));
  bs.counters["threads"] = threads;
  bs.SetLabel(simd_target_name(simd_target()));  // the kernel build (NISIM_DISPATCH)
  bs.counters["bytes_per_firm"] = static_cast<double>(k_update_bytes);
  // Fraction of the triad bandwidth on the same threads: the highest measured in this process,
  // including a measurement made now, right after the timed loop (bench/triad.hpp).
  bs.counters["bandwidth_fraction"] =
      benchmark::Counter(static_cast<double>(n) * k_update_bytes / bench::triad_bandwidth(threads),
                         benchmark::Counter::kIsIterationInvariantRate);
}
// Sizes from in-cache to DRAM; 5e5, 2e6 and 4e6 show where the table (106 bytes per firm) leaves
// the caches (docs/performance.md, "Fifth round").
BENCHMARK(BM_FirmUpdate)
    ->ArgsProduct({{10'000, 100'000, 500'000, 1'000'000, 2'000'000, 4'000'000, 10'000'000}, {1, 2}})
    ->ArgNames({"firms", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

/// The whole yearly step (every phase) of the baseline scaled to n firms, on all cores.
void BM_YearlyStep(benchmark::State& bs) {
  const auto n = bs.range(0);
  const std::string text =
      "inherit = \"baseline.toml\"\n[firms]\ncount = " + std::to_string(n) +
      "\nemployment = " + std::to_string(10.65 * static_cast<double>(n)) +
      "\n[macro]\ngdp_base = " + std::to_string(2418000.0 * static_cast<double>(n) / 8600.0) + "\n";
  const Scenario sc =
      load_scenario_text(text, std::filesystem::path(NISIM_SCENARIO_DIR) / "bench_step.toml");
  auto sim = std::make_unique<Simulation>(sc, RunOptions{});
  for (auto _ : bs) {
    if (sim->done()) {
      bs.PauseTiming();
      sim = std::make_unique<Simulation>(sc, RunOptions{});
      bs.ResumeTiming();
    }
    sim->step();
  }
  bs.SetItemsProcessed(bs.iterations() * n);
}
BENCHMARK(BM_YearlyStep)
    ->Arg(1'000'000)
    ->ArgName("firms")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

/// A whole scenario run from scenarios/, base year to horizon, with its outcome as counters.
void BM_Scenario(benchmark::State& bs, const std::string& file) {
  const Scenario sc = load_scenario(std::filesystem::path(NISIM_SCENARIO_DIR) / file);
  RunResult r;
  for (auto _ : bs) {
    r = run(sc, RunOptions{});
    benchmark::DoNotOptimize(r.history.gdp.data());
  }
  for (std::size_t k = 0; k < r.history.years(); ++k) {
    if (r.history.year[k] == 2032) bs.counters["share_2032_pct"] = r.history.mfg_share_pct[k];
  }
  double grants = 0.0;
  for (double g : nisim::hk::public_spending(r.history)) grants += g;
  bs.counters["public_money_hkd_m"] = grants;
}

int register_scenarios() {
  for (const auto& e : std::filesystem::directory_iterator(NISIM_SCENARIO_DIR)) {
    if (e.path().extension() != ".toml") continue;
    const std::string file = e.path().filename().string();
    benchmark::RegisterBenchmark(("BM_Scenario/" + e.path().stem().string()).c_str(),
                                 [file](benchmark::State& bs) { BM_Scenario(bs, file); })
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  return 0;
}
const int registered = register_scenarios();

}  // namespace
