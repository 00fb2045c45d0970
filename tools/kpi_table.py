#!/usr/bin/python3
"""Key indicators of a batch per scenario and year, against the policy targets (Markdown or CSV).

    python3 tools/kpi_table.py out/compare.h5 [--format markdown|csv] [-o FILE] [--years Y,Y]

For each scenario and each of the years (default 2027 and 2032, those simulated): mean and
5-95% range across replications of the manufacturing share and of the smart production lines,
whether the mean reaches 130 lines and the share of runs that do (the NIFS indicator is at least
130 funded lines by 2027), the lines installed with a grant and the grants paid from the base
year to that year (means over runs; HK$ M), and the probability that the share reaches 5% in
2032 (the I&T Blueprint target). If no requested year was simulated, the last simulated year is
shown. Exit codes: 0 ok, 2 usage, 4 the input is missing or not a batch file.
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nisim_h5 import (OutputError, fail, open_batch, scenario_names, summary,  # noqa: E402
                      written_runs)

LINES_TARGET, LINES_YEAR = 130, 2027
SHARE_TARGET, SHARE_YEAR = 5.0, 2032
# (CSV column, Markdown heading)
COLUMNS = [
    ("scenario", "scenario"),
    ("year", "year"),
    ("share_mean_pct", "share %, mean"),
    ("share_p5_pct", None),
    ("share_p95_pct", "share %, 5–95%"),
    ("smart_lines_mean", "smart lines, mean"),
    ("smart_lines_p5", None),
    ("smart_lines_p95", "smart lines, 5–95%"),
    ("smart_lines_mean_ge_130", "mean ≥ 130 lines"),
    ("p_smart_lines_ge_130", "P(lines ≥ 130)"),
    ("funded_lines_cum_mean", "funded lines to year, mean"),
    ("line_grants_cum_mean_hkd_m", "line grants to year, HK$ M"),
    ("p_share_ge_5pct_2032", "P(share ≥ 5% in 2032)"),
]


def parse_years(text: str) -> list[int]:
    try:
        years = [int(y) for y in text.split(",") if y.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected years like 2027,2032, got '{text}'") from None
    if not years:
        raise argparse.ArgumentTypeError("expected at least one year")
    return years


def rows(path: str, wanted: list[int]) -> tuple[str, list[dict]]:
    """(title, one dict per scenario and year with the COLUMNS keys)."""
    out = []
    with open_batch(path) as f:
        title = (f"{Path(str(f.attrs['batch_path'])).name}: {int(f.attrs['replications'])} "
                 f"replications per scenario, seed {int(f.attrs['seed'])}")
        for name in scenario_names(f):
            g = f[name]
            share, lines = summary(f, name, "mfg_share"), summary(f, name, "smart_lines")
            years = list(share.years)
            chosen = [y for y in wanted if y in years] or [years[-1]]
            missing = [str(y) for y in wanted if y not in years]
            if missing and not out:  # all scenarios of a batch share their years
                print(f"kpi_table.py: note: {', '.join(missing)} not simulated ({years[0]}-"
                      f"{years[-1]}); showing {', '.join(map(str, chosen))}", file=sys.stderr)
            p5, p95 = (list(share.levels).index(v) for v in (5, 95))
            line_runs, new_runs, grant_runs = written_runs(f, name, "smart_lines", "new_lines",
                                                           "line_grants")
            funded = new_runs * (grant_runs > 0)  # installed with a grant: the NIFS indicator
            p_share = float(g.attrs.get("p_share_5pct_by_2032", np.nan))
            for y in chosen:
                t = years.index(y)
                out.append({
                    "scenario": name, "year": y,
                    "share_mean_pct": share.mean[t],
                    "share_p5_pct": share.percentiles[p5, t],
                    "share_p95_pct": share.percentiles[p95, t],
                    "smart_lines_mean": lines.mean[t],
                    "smart_lines_p5": lines.percentiles[p5, t],
                    "smart_lines_p95": lines.percentiles[p95, t],
                    "smart_lines_mean_ge_130": "yes" if lines.mean[t] >= LINES_TARGET else "no",
                    "p_smart_lines_ge_130": (np.mean(line_runs[:, t] >= LINES_TARGET)
                                             if len(line_runs) else np.nan),
                    "funded_lines_cum_mean": (funded[:, :t + 1].sum(axis=1).mean()
                                              if len(funded) else np.nan),
                    "line_grants_cum_mean_hkd_m": (grant_runs[:, :t + 1].sum(axis=1).mean()
                                                   if len(grant_runs) else np.nan),
                    "p_share_ge_5pct_2032": p_share,
                })
    return title, out


def num(x, digits: int) -> str:
    if isinstance(x, str):
        return x
    return "" if x is None or np.isnan(x) else f"{x:.{digits}f}"


def markdown(table: list[dict], title: str) -> str:
    heads = [h for _, h in COLUMNS if h]
    lines = [f"**{title}**", "", "| " + " | ".join(heads) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(heads) - 1)) + "|"]
    for r in table:
        cells = [r["scenario"], str(r["year"]),
                 num(r["share_mean_pct"], 3),
                 f"{num(r['share_p5_pct'], 3)}–{num(r['share_p95_pct'], 3)}",
                 num(r["smart_lines_mean"], 1),
                 f"{num(r['smart_lines_p5'], 0)}–{num(r['smart_lines_p95'], 0)}",
                 r["smart_lines_mean_ge_130"],
                 num(r["p_smart_lines_ge_130"], 2),
                 num(r["funded_lines_cum_mean"], 1),
                 num(r["line_grants_cum_mean_hkd_m"], 1),
                 num(r["p_share_ge_5pct_2032"], 2) or "n/a"]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"Targets: at least {LINES_TARGET} NIFS-funded lines by {LINES_YEAR} (2024 "
              f"Policy Address) and manufacturing at least {SHARE_TARGET:g}% of GDP by "
              f"{SHARE_YEAR} (I&T Blueprint). Smart lines are the lines held by active firms in "
              "the row's year, funded or not; funded lines and line grants are summed from the "
              "base year to the row's year (funded: installed in a year with grants)."]
    return "\n".join(lines) + "\n"


def as_csv(table: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c for c, _ in COLUMNS])
    for r in table:
        w.writerow([r["scenario"], r["year"]] + [num(r[c], 10) for c, _ in COLUMNS[2:]])
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("batch", help="nisim batch file (HDF5, from `nisim batch`)")
    ap.add_argument("--format", choices=("markdown", "csv"), default="markdown")
    ap.add_argument("-o", "--output", help="file to write (default: standard output)")
    ap.add_argument("--years", type=parse_years, default=[LINES_YEAR, SHARE_YEAR],
                    help="comma-separated years (default 2027,2032)")
    args = ap.parse_args(argv)

    try:
        title, table = rows(args.batch, args.years)
    except OutputError as e:
        fail(str(e))
    text = markdown(table, title) if args.format == "markdown" else as_csv(table)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    out = Path(args.output)
    if not out.parent.is_dir():
        fail(f"{out}: directory {out.parent} does not exist")
    out.write_text(text)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
