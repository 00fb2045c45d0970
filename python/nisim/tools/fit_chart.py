"""Chart every fitted series of a calibration against the data: one panel per data series,
observed values as points, the simulated mean at the estimate as a line with its 5-95% band
across replications; held-out years (after fit_to, the out-of-sample check) drawn hollow.

    python3 tools/fit_chart.py FIT.h5 -o FIT.png

Exit codes: 0 ok, 2 usage, 4 the input is missing or not an nisim calibration output.
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from nisim._deps import need  # noqa: E402

need("numpy", "h5py", "matplotlib")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from nisim.tools.fit_h5 import read_fit, series_of  # noqa: E402
from nisim.h5 import guarded, OutputError, fail  # noqa: E402


def chart(fit: dict, out: Path) -> None:
    groups: dict[str, list[int]] = {}
    for i, m in enumerate(fit["moment"]):
        groups.setdefault(series_of(m), []).append(i)
    n = len(groups)
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 3.4 * rows), squeeze=False)
    for ax, (series, idx) in zip(axes.flat, groups.items()):
        idx.sort(key=lambda i: fit["moment_year"][i])
        years = [int(fit["moment_year"][i]) for i in idx]
        ax.fill_between(years, [fit["simulated_p05"][i] for i in idx],
                        [fit["simulated_p95"][i] for i in idx], color="C0", alpha=0.25,
                        label="simulated 5-95%")
        ax.plot(years, [fit["simulated_mean"][i] for i in idx], "-o", color="C0", ms=3,
                label="simulated mean")
        for i in idx:
            held = bool(fit["holdout"][i])
            ax.plot([fit["moment_year"][i]], [fit["observed"][i]], "s", ms=6,
                    mfc="none" if held else "C3", mec="C3")
        ax.plot([], [], "s", color="C3", label="observed (fitted)")
        if any(fit["holdout"][i] for i in idx):
            ax.plot([], [], "s", mfc="none", mec="C3", label="observed (held out)")
        ax.set_title(series, fontsize=8)
        ax.set_xlabel("year")
        ax.set_ylabel(fit["moment_output"][idx[0]], fontsize=8)
        ax.legend(fontsize=6)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    a = fit["attrs"]
    fig.suptitle(f"nisim calibrate: objective {a['objective']:.4g}, "
                 f"{a['replications']} replications (CRN), fit to {a['fit_to']}", fontsize=9)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("fit", help="FIT.h5 written by `nisim calibrate`")
    ap.add_argument("-o", "--output", required=True, help="PNG file to write")
    args = ap.parse_args(argv)
    out = Path(args.output)
    if not out.parent.is_dir():
        fail(f"{out}: directory {out.parent} does not exist")
    try:
        fit = read_fit(args.fit)
    except OutputError as e:
        fail(str(e))
    chart(fit, out)
    print(f"wrote {out}")
    return 0


def cli() -> int:
    """Console entry point (pyproject.toml); the exit code of main() under guarded()."""
    return guarded(main)


if __name__ == "__main__":
    sys.exit(cli())
