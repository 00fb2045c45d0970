"""Fan chart of a batch: per scenario, the median across replications with 25-75% and 5-95% bands.

    python3 tools/fan_chart.py out/compare.h5 -o out/fan.png [--scenarios a,b] [--variable V]

For the manufacturing share (the default) it also draws the 5% target for 2032, the observed
shares (nisim/data/observed.csv) and, in the legend, P(share >= 5% by 2032) of each scenario.
Any per-run variable of the batch works (gdp, employment, smart_lines, ...); variables without
stored summaries are summarised here the way nisim does (numpy's linear percentiles). Exit codes:
0 ok, 2 usage (also an unknown scenario or variable), 4 the input is missing or not a batch file.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nisim._deps import need  # noqa: E402

# Before importing them, so that a missing module is one line, not a traceback.
need("numpy", "h5py", "matplotlib")
from nisim.h5 import (  # noqa: E402
    guarded, OutputError, Summary, check_scenarios, fail, open_batch, run_variables,
    summary)

EXIT_USAGE = 2
BANDS = ((5, 95, 0.15, "5–95%"), (25, 75, 0.35, "25–75%"))


def level(s: Summary, pct: int, path: str = "the batch") -> int:
    """Row of percentile `pct` in s.percentiles, or a file error if the batch lacks it."""
    hits = [k for k, v in enumerate(s.levels) if v == pct]
    if not hits:
        raise OutputError(f"{path}: the batch stores percentiles {', '.join(f'{v:g}' for v in s.levels)}; "
                          f"a fan chart needs 5, 25, 50, 75 and 95")
    return hits[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("batch", help="nisim batch file (HDF5, from `nisim batch`)")
    ap.add_argument("-o", "--output", required=True, help="image file to write (.png, .pdf, .svg)")
    ap.add_argument("--scenarios", help="comma-separated scenario names (default: all)")
    ap.add_argument("--variable", default="mfg_share", help="per-run variable (default mfg_share)")
    ap.add_argument("--title", help="plot title")
    args = ap.parse_args(argv)

    out = Path(args.output)
    try:
        with open_batch(args.batch) as f:
            try:
                names = check_scenarios(f, args.scenarios)
            except ValueError as e:
                fail(str(e), EXIT_USAGE)
            variables = run_variables(f, names[0])
            for n in names:  # the variable present but not [replication, year]: a bad file
                if args.variable in f[n] and args.variable not in run_variables(f, n):
                    raise OutputError(f"{args.batch}: dataset {f[n].name}/{args.variable} "
                                      "is not a per-run dataset [replication, year]")
            if args.variable not in variables:
                fail(f"unknown variable '{args.variable}'; the batch has: {', '.join(variables)}",
                     EXIT_USAGE)
            data = [(n, summary(f, n, args.variable), float(f[n].attrs.get("p_share_5pct_by_2032",
                                                                            float("nan"))))
                    for n in names]
            for _, s, _ in data:
                for pct in (5, 25, 50, 75, 95):
                    level(s, pct, args.batch)
            var = f[names[0]][args.variable]
            units = str(var.attrs.get("units", ""))
            long_name = str(var.attrs.get("long_name", args.variable))
            reps = int(f.attrs["replications"])
    except OutputError as e:
        fail(str(e))
    if not out.parent.is_dir():
        fail(f"{out}: directory {out.parent} does not exist")

    import matplotlib  # only now: errors above are reported without paying for the import

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from nisim.tools.plot_share import TARGET_PCT, TARGET_YEAR, observed_share

    share = args.variable == "mfg_share"
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=120)
    for k, (name, s, p) in enumerate(data):
        color = f"C{k}"
        for lo, hi, alpha, _ in BANDS:
            ax.fill_between(s.years, s.percentiles[level(s, lo)], s.percentiles[level(s, hi)],
                            color=color, alpha=alpha, lw=0)
        label = f"{name} (median)"
        if share:
            label += (f", P(share ≥ {TARGET_PCT:g}% by {TARGET_YEAR}) = {p:.2f}" if p == p
                      else f", {TARGET_YEAR} not simulated")
        ax.plot(s.years, s.percentiles[level(s, 50)], color=color, lw=2, label=label)
    handles, _ = ax.get_legend_handles_labels()
    handles += [Patch(color="grey", alpha=a, lw=0, label=f"{t} of replications")
                for _, _, a, t in BANDS]
    if share:
        oy, ov = observed_share()
        handles.append(ax.plot(oy, ov, "ko", ms=4, label="observed (Year Books)")[0])
        ax.axhline(TARGET_PCT, color="tab:red", ls="--", lw=1)
        handles.append(ax.plot([TARGET_YEAR], [TARGET_PCT], "r*", ms=12,
                               label=f"target {TARGET_PCT:g}% by {TARGET_YEAR}")[0])
        ax.set_ylim(bottom=0)
    ax.set_xlabel("year")
    ax.set_ylabel(f"{long_name}, {units}" if units else long_name)
    ax.set_title(args.title or f"{long_name}: {reps} replications per scenario", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(handles=handles, loc="best", fontsize=7)
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    print(f"wrote {out}")
    return 0


def cli() -> int:
    """Console entry point (pyproject.toml); the exit code of main() under guarded()."""
    return guarded(main)


if __name__ == "__main__":
    sys.exit(cli())
