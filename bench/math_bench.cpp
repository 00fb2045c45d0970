// BM_LaneExp, BM_LaneLog: Eigen's vectorised exp and log on the firm update's 64-lane arrays,
// in cache: the floor on the kernel's cost per firm (docs/performance.md).
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <vector>

namespace {

using Lanes = Eigen::Array<double, 64, 1>;

template <bool Exp>
void lane_math(benchmark::State& bs) {
  std::vector<double> in(1 << 16), out(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) in[i] = 1.0 + static_cast<double>(i % 1000) * 1e-3;
  for (auto _ : bs) {
    for (std::size_t c = 0; c < in.size(); c += 64) {
      Eigen::Map<const Lanes> x(&in[c]);
      Eigen::Map<Lanes> y(&out[c]);
      if constexpr (Exp) {
        y = x.exp();
      } else {
        y = x.log();
      }
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  bs.SetItemsProcessed(bs.iterations() * static_cast<std::int64_t>(in.size()));
}

void BM_LaneExp(benchmark::State& bs) {
  lane_math<true>(bs);
}
void BM_LaneLog(benchmark::State& bs) {
  lane_math<false>(bs);
}
BENCHMARK(BM_LaneExp);
BENCHMARK(BM_LaneLog);

}  // namespace
