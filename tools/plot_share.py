#!/usr/bin/python3
"""Plot the manufacturing share of GDP per year from nisim run files, against the 5% target.

    python3 tools/plot_share.py out/baseline.h5 [more.h5 ...] -o out/baseline.png

Observed shares (Hong Kong Year Books, tools/data/observed.csv) are drawn as points. Exit codes:
0 ok, 2 usage, 4 an input file is missing or not an nisim output file.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nisim_h5 import OutputError, fail, share_path  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
TARGET_PCT, TARGET_YEAR = 5.0, 2032


def observed_share() -> tuple[list[int], list[float]]:
    """Observed manufacturing share of GDP at basic prices, percent (Year Books)."""
    years, values = [], []
    with open(DATA / "observed.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["series"] == "manufacturing_share_of_gdp_basic_prices":
                years.append(int(row["year"]))
                values.append(float(row["value"]))
    return years, values


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="+", help="nisim run files (HDF5)")
    ap.add_argument("-o", "--output", required=True, help="image file to write (.png, .pdf, .svg)")
    ap.add_argument("--title", default="Hong Kong manufacturing share of GDP")
    args = ap.parse_args(argv)

    try:
        paths = [share_path(p) for p in args.runs]
    except OutputError as e:
        fail(str(e))
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=120)
    for years, share, name in paths:
        ax.plot(years, share, lw=2, label=f"{name} (model)")
    oy, ov = observed_share()
    ax.plot(oy, ov, "ko", ms=4, label="observed (Year Books)")
    ax.axhline(TARGET_PCT, color="tab:red", ls="--", lw=1)
    ax.plot([TARGET_YEAR], [TARGET_PCT], "r*", ms=12, label=f"target {TARGET_PCT:g}% by {TARGET_YEAR}")
    ax.set_xlabel("year")
    ax.set_ylabel("manufacturing value added, % of GDP at basic prices")
    ax.set_ylim(bottom=0)
    ax.set_title(args.title)
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    out = Path(args.output)
    if not out.parent.is_dir():
        fail(f"{out}: directory {out.parent} does not exist")
    fig.savefig(out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
