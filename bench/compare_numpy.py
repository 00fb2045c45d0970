#!/usr/bin/python3
"""nisim's firm update against its numpy peer (bench/peer_numpy.py) on the same n.

For each n, runs BM_FirmUpdate of the nisim benchmark binary on 1 thread and on all cores
(os.cpu_count()), reads items_per_second (firm updates per second, best of --repeats
repetitions) from its JSON, times the
numpy peer on the same n (best of --repeats after one warm-up update), and prints a Markdown
table of the rates and their ratios.

    cmake --preset release && cmake --build --preset release --target nisim_bench
    /usr/bin/python3 bench/compare_numpy.py [--firms 1e4 1e5 1e6 1e7] [--json out.json]

Exit status: 0 on success, 2 if the benchmark binary is missing or fails.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import peer_numpy  # noqa: E402  (bench/peer_numpy.py, next to this file)

DEFAULT_BENCH = HERE.parent / "build" / "release" / "bench" / "nisim_bench"
DEFAULT_FIRMS = (10_000, 100_000, 1_000_000, 10_000_000)


class BenchError(RuntimeError):
    pass


def nisim_rate(bench: Path, n: int, threads: int, min_time: float, repeats: int) -> dict:
    """items_per_second (and the run's details) of BM_FirmUpdate/firms:n/threads:threads: the
    best of `repeats` repetitions, as for the numpy peer, so that a neighbour's burst on a shared
    machine weighs on both sides alike."""
    # Registered as BM_FirmUpdate/firms:N/threads:T/real_time (ArgNames + UseRealTime).
    pattern = f"^BM_FirmUpdate/firms:{n}/threads:{threads}(/|$)"
    cmd = [str(bench), f"--benchmark_filter={pattern}", "--benchmark_format=json",
           f"--benchmark_min_time={min_time:g}", f"--benchmark_repetitions={repeats}"]
    load = os.getloadavg()[0]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise BenchError(f"{' '.join(cmd)} exited with {r.returncode}:\n{r.stderr.strip()}")
    try:
        doc = json.loads(r.stdout)
    except json.JSONDecodeError as e:
        raise BenchError(f"{' '.join(cmd)} printed no valid JSON ({e}):\n{r.stdout[:500]}")
    runs = [b for b in doc.get("benchmarks", [])
            if b.get("run_type", "iteration") == "iteration" and "items_per_second" in b]
    if not runs:
        raise BenchError(f"no benchmark matched {pattern!r} in {bench} "
                         "(BM_FirmUpdate registers firms 1e4..1e7 on 1 and 2 threads)")
    b = max(runs, key=lambda r: float(r["items_per_second"]))
    return {"name": b["name"], "items_per_second": float(b["items_per_second"]),
            "iterations": int(b["iterations"]), "real_time": b.get("real_time"),
            "cpu_time": b.get("cpu_time"), "time_unit": b.get("time_unit"),
            "bandwidth_fraction": b.get("bandwidth_fraction"), "load_avg_before": load}


def fmt_rate(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3g}"


def fmt_ratio(a: float | None, b: float | None) -> str:
    return "n/a" if a is None or b is None or b == 0 else f"{a / b:.1f}"


def fmt_firms(n: int) -> str:
    k = len(str(n)) - 1
    return f"1e{k}" if n == 10 ** k else str(n)


def markdown(rows: list[dict], all_cores: int) -> str:
    head = ("| n | numpy firms/s | nisim 1 thread | nisim all cores "
            f"({all_cores}) | ratio (all cores / numpy) | ratio (1 thread / numpy) |")
    lines = [head, "|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {fmt_firms(r['firms'])} | {fmt_rate(r['numpy'])} | "
                     f"{fmt_rate(r['nisim_1'])} | {fmt_rate(r['nisim_all'])} | "
                     f"{fmt_ratio(r['nisim_all'], r['numpy'])} | "
                     f"{fmt_ratio(r['nisim_1'], r['numpy'])} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--firms", nargs="+", type=lambda s: int(float(s)), default=DEFAULT_FIRMS,
                    help="firm counts n (1e6 style accepted); default 1e4 1e5 1e6 1e7")
    ap.add_argument("--nisim-bench", type=Path, default=DEFAULT_BENCH,
                    help=f"nisim benchmark binary (default {DEFAULT_BENCH})")
    ap.add_argument("--min-time", type=float, default=0.5,
                    help="seconds per measurement: --benchmark_min_time for nisim, and each "
                         "numpy repeat (default 0.5)")
    ap.add_argument("--repeats", type=int, default=3,
                    help="repeats of each measurement, nisim and numpy, best kept (default 3)")
    ap.add_argument("--block", type=int, default=peer_numpy.DEFAULT_BLOCK,
                    help=f"rows per block of the numpy peer (default {peer_numpy.DEFAULT_BLOCK})")
    ap.add_argument("--normals", choices=peer_numpy.NORMALS, default=peer_numpy.DEFAULT_NORMALS,
                    help="how the numpy peer draws its normals "
                         f"(default {peer_numpy.DEFAULT_NORMALS})")
    ap.add_argument("--json", type=Path, metavar="OUT", help="also write the numbers to OUT")
    args = ap.parse_args(argv)

    bench = args.nisim_bench
    if not (bench.is_file() and os.access(bench, os.X_OK)):
        print(f"error: nisim benchmark binary not found or not executable: {bench}\n"
              "build it with: cmake --preset release && "
              "cmake --build --preset release --target nisim_bench", file=sys.stderr)
        return 2
    all_cores = os.cpu_count() or 1
    thread_counts = sorted({1, all_cores})

    rows = []
    for n in args.firms:
        row = {"firms": n}
        try:
            rates = {t: nisim_rate(bench, n, t, args.min_time, args.repeats) for t in thread_counts}
        except BenchError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        row["nisim_runs"] = {str(t): v for t, v in rates.items()}
        row["nisim_1"] = rates[1]["items_per_second"]
        row["nisim_all"] = rates[all_cores]["items_per_second"]
        row["numpy_load_avg_before"] = os.getloadavg()[0]
        row["numpy"] = peer_numpy.measure(n, args.repeats, args.min_time, block=args.block,
                                          normals=args.normals)
        rows.append(row)
        print(f"n = {n}: numpy {row['numpy']:.3g}, nisim 1 thread {row['nisim_1']:.3g}, "
              f"{all_cores} threads {row['nisim_all']:.3g} firm updates/s", file=sys.stderr)

    print(markdown(rows, all_cores))
    if args.json:
        doc = {
            "command": " ".join([sys.executable] + sys.argv),
            "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "host": platform.node(), "machine": platform.machine(),
            "cpu_count": all_cores, "python": platform.python_version(),
            "numpy": np.__version__, "nisim_bench": str(bench),
            "nisim_bench_mtime_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                   time.gmtime(bench.stat().st_mtime)),
            "min_time": args.min_time, "numpy_repeats": args.repeats,
            "numpy_block": args.block, "numpy_normals": args.normals,
            "unit": "firm updates per second", "rows": rows,
        }
        args.json.write_text(json.dumps(doc, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
