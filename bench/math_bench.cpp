// BM_LaneExp, BM_LaneLog: exp and log on the firm update's 64-lane arrays, in cache: nisim's
// vector functions (engine/vecmath.hpp, what the firm update calls) against Eigen's vectorised
// ones (what it called before), per element (docs/performance.md).
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "engine/vecmath.hpp"

namespace {

constexpr int W = 64;
using Lanes = Eigen::Array<double, W, 1>;

enum class Impl { vecmath, eigen };

template <bool Exp, Impl How>
void lane_math(benchmark::State& bs) {
  std::vector<double> in(1 << 16), out(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) in[i] = 1.0 + static_cast<double>(i % 1000) * 1e-3;
  for (auto _ : bs) {
    for (std::size_t c = 0; c < in.size(); c += W) {
      const double* x = &in[c];
      double* y = &out[c];
      if constexpr (How == Impl::eigen) {
        Eigen::Map<Lanes> ys(y);
        const Eigen::Map<const Lanes> xs(x);
        if constexpr (Exp) {
          ys = xs.exp();
        } else {
          ys = xs.log();
        }
      } else {
        for (int j = 0; j < W; ++j)
          y[j] = Exp ? nisim::vecmath::exp(x[j]) : nisim::vecmath::log(x[j]);
      }
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  bs.SetItemsProcessed(bs.iterations() * static_cast<std::int64_t>(in.size()));
}

BENCHMARK(lane_math<true, Impl::vecmath>)->Name("BM_LaneExp/vecmath");
BENCHMARK(lane_math<true, Impl::eigen>)->Name("BM_LaneExp/eigen");
BENCHMARK(lane_math<false, Impl::vecmath>)->Name("BM_LaneLog/vecmath");
BENCHMARK(lane_math<false, Impl::eigen>)->Name("BM_LaneLog/eigen");

}  // namespace
