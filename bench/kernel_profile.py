#!/usr/bin/env python3
"""Where the firm update's time goes: perf samples of the kernel split by the part of the update
they belong to (docs/performance.md, "Where the cycles go").

Usage (a binary whose kernel object has debug information, see docs/performance.md):

    perf record -e cpu-clock -F 4000 -o perf.data BINARY \
        --benchmark_filter='BM_FirmUpdate/firms:1000000/threads:1' --benchmark_min_time=3
    python3 bench/kernel_profile.py perf.data BINARY [--ns-per-firm NS] [--ghz GHZ]

Each sample in the kernel's two functions (update_chunk and update_rows of one kernel namespace)
is attributed to the innermost source line of its instruction (`addr2line -i`): a line of
engine/vecmath.hpp is exp or log, of engine/rng.hpp Philox, the uniforms or sin/cos, and a line
of models/kernel/firm_kernel_impl.inc the part of the update written there (classify()).
"""
import argparse
import collections
import re
import subprocess
import sys

def impl_regions(source):
    """Line ranges of the kernel's parts in firm_kernel_impl.inc's text, found by landmarks."""
    lines = source.splitlines()

    def first(pattern, start=0):
        for i in range(start, len(lines)):
            if pattern in lines[i]:
                return i + 1
        raise ValueError(f"landmark not found: {pattern}")

    lookup = first("void lookup_sector_site(")
    chunk = first("void update_chunk(")
    philox = first("philox_chunk<W>(", chunk)
    box_muller = first("Rng::sincos_2pi", philox) - 2
    production = first("eq. 3.2a", box_muller) - 2
    decisions = first("eq. 3.6a", production) - 2
    rows = first("void update_rows(", decisions)
    return [
        (lookup, chunk - 1, "sector and site lookups"),
        (chunk, box_muller - 1, "Philox words to uniforms"),
        (box_muller, production - 1, "Box-Muller loop: sqrt, products, loads and stores"),
        (production, decisions - 1, "TFP walk, targets, value added (arithmetic)"),
        (decisions, rows - 1, "floor space, profit, cash, decisions"),
        (rows, len(lines), "widening and narrowing (update_rows)"),
    ]


def classify(chain, regions, vecmath_log_line, rng_sincos_line, rng_philox_line,
             vecmath_exp_line=0):
    """The part of the update an instruction belongs to, from its inline chain (innermost first,
    each 'path:line'). Lines of engine/vecmath.hpp above exp (vecmath::madd, which exp, log and
    sincos_2pi all call) count for their caller."""
    for frame in chain:
        path, _, line = frame.rpartition(":")
        line = int(line) if line.isdigit() else 0
        if path.endswith("engine/vecmath.hpp"):
            if line < vecmath_exp_line:
                continue
            return "log" if line >= vecmath_log_line else "exp"
        if path.endswith("engine/rng.hpp"):
            if line >= rng_philox_line:
                return "Philox rounds"
            return "sin and cos (Rng::sincos_2pi)" if line >= rng_sincos_line else "uniforms"
        if path.endswith("models/kernel/firm_kernel_impl.inc"):
            for lo, hi, part in regions:
                if lo <= line <= hi:
                    return part
        # Library headers (std::min, intrinsics): look at the caller.
    return "other"


def first_line(path, pattern):
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if pattern in line:
                return i
    raise ValueError(f"{pattern} not in {path}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("perf_data")
    ap.add_argument("binary")
    ap.add_argument("--source", default=".", help="source tree (default: .)")
    ap.add_argument("--ns-per-firm", type=float, help="time per firm, to print ns per part")
    ap.add_argument("--ghz", type=float, help="clock, to print cycles per part")
    a = ap.parse_args(argv)
    impl = f"{a.source}/models/kernel/firm_kernel_impl.inc"
    with open(impl, encoding="utf-8") as f:
        regions = impl_regions(f.read())
    log_line = first_line(f"{a.source}/engine/vecmath.hpp", "inline double log(")
    exp_line = first_line(f"{a.source}/engine/vecmath.hpp", "inline double exp(")
    sincos_line = first_line(f"{a.source}/engine/rng.hpp", "static void sincos_2pi(")
    philox_line = first_line(f"{a.source}/engine/rng.hpp", "inline void philox_lane(")

    syms = {}
    nm = subprocess.run(["nm", "-C", a.binary], capture_output=True, text=True, check=True)
    for line in nm.stdout.splitlines():
        m = re.match(r"([0-9a-f]+) [tT] (nisim::hk::kernel_\w+::.*?(update_chunk|update_rows))\(", line)
        if m:
            syms[m.group(3)] = int(m.group(1), 16)
    script = subprocess.run(["perf", "script", "-i", a.perf_data, "-F", "ip,sym,symoff"],
                            capture_output=True, text=True, check=True).stdout
    counts = collections.Counter()
    for line in script.splitlines():
        m = re.search(r"kernel_\w+::.*?(update_chunk|update_rows)\+0x([0-9a-f]+)", line)
        if m and m.group(1) in syms:
            counts[syms[m.group(1)] + int(m.group(2), 16)] += 1
    if not counts:
        sys.exit("no samples in the kernel (is the binary the one perf recorded?)")
    addrs = sorted(counts)
    out = subprocess.run(["addr2line", "-e", a.binary, "-i", "-a"] + [hex(x) for x in addrs],
                         capture_output=True, text=True, check=True).stdout
    chains, cur = {}, None
    for line in out.splitlines():
        if line.startswith("0x"):
            cur = int(line, 16)
            chains[cur] = []
        else:
            chains[cur].append(line.split(" (")[0])
    parts = collections.Counter()
    for x in addrs:
        parts[classify(chains[x], regions, log_line, sincos_line, philox_line, exp_line)] += counts[x]
    total = sum(parts.values())
    print(f"{total} samples in the kernel")
    for part, n in parts.most_common():
        row = f"{100.0 * n / total:5.1f}%  {part}"
        if a.ns_per_firm:
            ns = a.ns_per_firm * n / total
            row += f"  {ns:.2f} ns/firm"
            if a.ghz:
                row += f"  {ns * a.ghz:.1f} cycles/firm"
        print(row)


if __name__ == "__main__":
    main()
