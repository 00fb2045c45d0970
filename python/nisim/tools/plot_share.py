"""Plot the manufacturing share of GDP per year from nisim run files, against the 5% target.

    python3 tools/plot_share.py out/baseline.h5 [more.h5 ...] -o out/baseline.png [--wide]

With --wide, the wider definitions legislators asked for are drawn beside each run's official
share as dashed lines of the same colour: manufacturing plus offshore production
(mfg_share_offshore) and that plus industrial support services (mfg_share_wide). Observed
shares (Hong Kong Year Books, nisim/data/observed.csv) are drawn as points. Exit codes: 0 ok,
2 usage, 4 an input file is missing or not an nisim output file (or, with --wide, lacks the
wider shares).
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from nisim._deps import need  # noqa: E402

# Before importing them, so that a missing module is one line, not a traceback.
need("numpy", "h5py", "matplotlib")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from nisim.h5 import guarded, OutputError, fail, open_run, read, share_path  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "data"  # nisim/data (tools/data links here)
TARGET_PCT, TARGET_YEAR = 5.0, 2032
# (dataset, legend label, dash pattern) of the wider definitions drawn by --wide
WIDE = [("mfg_share_offshore", "+ offshore", (5, 2)),
        ("mfg_share_wide", "+ offshore + support services", (2, 2))]


def wide_shares(path: str) -> list[np.ndarray]:
    """The wider shares of a run file, in percent, in the order of WIDE."""
    with open_run(path) as f:
        try:
            return [read(f, path, name) for name, _, _ in WIDE]
        except OutputError as e:
            raise OutputError(f"{e} (needed by --wide: an nisim run file written without "
                              "the wider share measures)") from None


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
    ap.add_argument("--wide", action="store_true",
                    help="also draw the wider definitions (mfg_share_offshore, mfg_share_wide) "
                         "as dashed lines of each run's colour")
    args = ap.parse_args(argv)

    try:
        paths = [share_path(p) for p in args.runs]
        wide = [wide_shares(p) for p in args.runs] if args.wide else []
    except OutputError as e:
        fail(str(e))
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=120)
    for k, (years, share, name) in enumerate(paths):
        line, = ax.plot(years, share, lw=2, label=f"{name} (model)")
        for (_, label, dashes), values in zip(WIDE, wide[k] if wide else []):
            ax.plot(years, values, lw=1.5, color=line.get_color(), dashes=dashes,
                    label=f"{name}, {label}")
    oy, ov = observed_share()
    ax.plot(oy, ov, "ko", ms=4, label="observed (Year Books)")
    ax.axhline(TARGET_PCT, color="tab:red", ls="--", lw=1)
    ax.plot([TARGET_YEAR], [TARGET_PCT], "r*", ms=12, label=f"target {TARGET_PCT:g}% by {TARGET_YEAR}")
    ax.set_xlabel("year")
    ax.set_ylabel("manufacturing value added, % of GDP at basic prices" if not args.wide else
                  "% of GDP at basic prices")
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


def cli() -> int:
    """Console entry point (pyproject.toml); the exit code of main() under guarded()."""
    return guarded(main)


if __name__ == "__main__":
    sys.exit(cli())
