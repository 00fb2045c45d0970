"""Paired differences of the manufacturing share against the batch's base scenario.

    python3 tools/paired_diff.py out/compare.h5 -o out/diff.png [--csv out/diff.csv]

For every scenario compared with the base (group <scenario>/vs_base), it draws the mean of the
paired differences (scenario - base, replication by replication) with its 95% confidence band,
and dashed, the band the same runs would give if they were not paired (unpaired standard
error). The gap between the two is the gain from common random numbers (docs/batches.md).
--csv writes the numbers per year (a .md name gives a Markdown table). Exit codes: 0 ok,
2 usage (also an unknown scenario), 4 the input is missing, not a batch file or has no comparison.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import NamedTuple

from nisim._deps import need  # noqa: E402

# Before importing them, so that a missing module is one line, not a traceback.
need("numpy", "h5py", "matplotlib")

import numpy as np  # noqa: E402

from nisim.h5 import guarded, OutputError, check_scenarios, fail, open_batch  # noqa: E402

EXIT_USAGE = 2
COLUMNS = ["scenario", "base", "year", "diff_mean_pp", "se_paired_pp", "se_unpaired_pp",
           "ratio_unpaired_to_paired"]


class Comparison(NamedTuple):
    scenario: str
    base: str
    years: np.ndarray
    mean: np.ndarray
    se: np.ndarray
    se_unpaired: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    multiplier: float  # of the SE in the 95% interval: Student t, replications - 1 d.o.f.


def ratio(c: Comparison) -> np.ndarray:
    """se_unpaired / se_paired; inf where the paired runs are identical, NaN where both are 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return c.se_unpaired / c.se


def read(path: str, wanted: str | None) -> list[Comparison]:
    out = []
    with open_batch(path) as f:
        try:
            names = check_scenarios(f, wanted)
        except ValueError as e:
            fail(str(e), EXIT_USAGE)
        for name in names:
            g = f[name].get("vs_base")
            if g is None:
                continue
            base = g.attrs.get("base", f.attrs["base"])
            base = base.decode() if isinstance(base, bytes) else str(base)
            arrays = [np.asarray(g[f"mfg_share_diff_{k}"][:], dtype=float)
                      for k in ("mean", "se", "se_unpaired", "ci_low", "ci_high")]
            out.append(Comparison(name, base, np.asarray(g["year"][:], dtype=int), *arrays,
                                  ci_multiplier(g, *arrays)))
        if not out:
            compared = [n for n in check_scenarios(f, None) if "vs_base" in f[n]]
            if wanted is not None and compared:
                fail(f"{', '.join(names)}: not compared with the base '{f.attrs['base']}' "
                     f"(the base itself is not); compared: {', '.join(compared)}", EXIT_USAGE)
            if not f.attrs["base"]:
                raise OutputError(f"{path}: a sweep, which has no base scenario; paired "
                                  "differences need a batch of two or more [[scenario]]s")
            raise OutputError(f"{path}: a batch of one scenario ({', '.join(names)}); paired "
                              "differences need two or more")
    return out


def ci_multiplier(g, mean, se, _se_unpaired, _lo, hi) -> float:
    """The multiplier of the SE that nisim used for the stored 95% interval: the attribute
    ci_multiplier (Student t with replications - 1 degrees of freedom), or for a file written
    before it existed, (ci_high - mean) / se where se > 0 (then the normal quantile)."""
    if "ci_multiplier" in g.attrs:
        return float(g.attrs["ci_multiplier"])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = (hi - mean) / se
    ratios = ratios[np.isfinite(ratios) & (se > 0)]
    return float(np.median(ratios)) if ratios.size else float("nan")


def fmt(x: float, digits: int) -> str:
    return "" if np.isnan(x) else ("inf" if np.isinf(x) else f"{x:.{digits}g}")


def write_table(comparisons: list[Comparison], out: Path) -> None:
    """CSV, or a Markdown table if `out` ends in .md."""
    markdown = out.suffix.lower() == ".md"
    rows = [[c.scenario, c.base, str(y), *(fmt(v[t], 4 if markdown else 10)
                                          for v in (c.mean, c.se, c.se_unpaired, ratio(c)))]
            for c in comparisons for t, y in enumerate(c.years)]
    with open(out, "w", newline="") as f:
        if markdown:
            f.write("| " + " | ".join(COLUMNS) + " |\n|" + "---|" * len(COLUMNS) + "\n")
            f.writelines("| " + " | ".join(r) + " |\n" for r in rows)
        else:
            w = csv.writer(f)
            w.writerow(COLUMNS)
            w.writerows(rows)


def at_year(c: Comparison, year: int) -> int:
    """Index of `year` in c.years, or of the last year if it was not simulated."""
    hits = np.flatnonzero(c.years == year)
    return int(hits[0]) if hits.size else len(c.years) - 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("batch", help="nisim batch file (HDF5, from `nisim batch`)")
    ap.add_argument("-o", "--output", required=True, help="image file to write (.png, .pdf, .svg)")
    ap.add_argument("--csv", help="also write the numbers per year (.csv, or .md for Markdown)")
    ap.add_argument("--scenarios", help="comma-separated scenario names (default: all but base)")
    args = ap.parse_args(argv)

    try:
        comparisons = read(args.batch, args.scenarios)
    except OutputError as e:
        fail(str(e))
    outs = [Path(args.output)] + ([Path(args.csv)] if args.csv else [])
    for out in outs:
        if not out.parent.is_dir():
            fail(f"{out}: directory {out.parent} does not exist")

    import matplotlib  # only now: errors above are reported without paying for the import

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nisim.tools.plot_share import TARGET_YEAR

    n = len(comparisons)
    fig, axes = plt.subplots(n, 1, figsize=(8, 1.0 + 3.5 * n), dpi=120, sharex=True,
                             squeeze=False)
    for ax, c in zip(axes[:, 0], comparisons):
        ax.fill_between(c.years, c.ci_low, c.ci_high, color="C0", alpha=0.35, lw=0,
                        label="95% CI, paired (common random numbers)")
        for sign in (-1, 1):
            ax.plot(c.years, c.mean + sign * c.multiplier * c.se_unpaired, color="C3", ls="--",
                    lw=1,
                    label="95% CI if the runs were not paired" if sign < 0 else None)
        ax.plot(c.years, c.mean, color="C0", lw=2, label="mean paired difference")
        ax.axhline(0.0, color="k", lw=0.8)
        t = at_year(c, TARGET_YEAR)
        r = ratio(c)[t]
        note = (f"{c.years[t]}: SE paired {c.se[t]:.2g} pp, unpaired {c.se_unpaired[t]:.2g} pp")
        if np.isfinite(r):
            note += f"\n{r:.1f}× smaller: unpaired runs would need {r * r:.0f}× as many"
        ax.text(0.98, 0.04, note, transform=ax.transAxes, fontsize=8, va="bottom", ha="right",
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"})
        ax.set_title(f"{c.scenario} − {c.base}: manufacturing share of GDP", fontsize=10)
        ax.set_ylabel("difference, percentage points")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=7)
    axes[-1, 0].set_xlabel("year")
    fig.tight_layout()
    fig.savefig(outs[0])
    plt.close(fig)
    print(f"wrote {outs[0]}")
    if args.csv:
        write_table(comparisons, outs[1])
        print(f"wrote {outs[1]}")
    return 0


def cli() -> int:
    """Console entry point (pyproject.toml); the exit code of main() under guarded()."""
    return guarded(main)


if __name__ == "__main__":
    sys.exit(cli())
