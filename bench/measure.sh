#!/usr/bin/env bash
# Every number in docs/performance.md, from one command on an otherwise idle machine:
#   bash bench/measure.sh            (builds the release preset first; writes out/perf/)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p out/perf
cmake --preset release >/dev/null
cmake --build --preset release >/dev/null
bin=build/release/app/nisim
time_fmt="%e s wall, %M KB peak resident"

echo "== machine"
lscpu | grep -E "Model name|^CPU\(s\)" || true
free -g | head -2

echo "== Google Benchmark (JSON: out/perf/bench.json)"
build/release/bench/nisim_bench --benchmark_min_time=0.5 \
  --benchmark_filter='BM_Triad|BM_FirmUpdate|BM_YearlyStep|BM_Scenario|BM_Batch|BM_Lane' \
  --benchmark_out=out/perf/bench.json --benchmark_out_format=json

echo "== firm update, default build (no preset: runtime dispatch), then forced to each target"
cmake -S . -B build/plain -G Ninja -DCMAKE_BUILD_TYPE=Release -DNISIM_BUILD_TESTS=OFF >/dev/null
cmake --build build/plain --target nisim_bench >/dev/null
for target in "" baseline avx2 avx512; do  # "": the target the dispatcher picks
  NISIM_DISPATCH=$target build/plain/bench/nisim_bench --benchmark_min_time=0.5 \
    --benchmark_filter='BM_FirmUpdate/firms:(1000000|10000000)/' || echo "($target: not on this CPU)"
done

echo "== numpy peer (out/perf/numpy.json)"
/usr/bin/python3 bench/compare_numpy.py --json out/perf/numpy.json

echo "== baseline run, end to end"
/usr/bin/time -f "$time_fmt" $bin run scenarios/baseline.toml -o out/perf/baseline.h5 --force

echo "== 10 million firms, 2016-2040"
/usr/bin/time -f "$time_fmt" $bin run bench/scenarios/ten_million.toml -o out/perf/ten_million.h5 \
  --force --timings

echo "== 10,000-run batch of the baseline"
/usr/bin/time -f "$time_fmt" $bin batch bench/batches/baseline_10000.toml \
  -o out/perf/batch_10000.h5 --force --quiet

echo "== 1,000-replication two-scenario comparison, end to end (batch + summaries)"
sed 's/^replications = 100$/replications = 1000/' batches/compare.toml > out/perf/compare_1000.toml
sed -i 's|file = "../scenarios/|file = "../../scenarios/|' out/perf/compare_1000.toml
/usr/bin/time -f "$time_fmt" $bin batch out/perf/compare_1000.toml -o out/perf/compare_1000.h5 \
  --force --quiet
