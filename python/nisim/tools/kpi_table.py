"""Government indicators against their targets, from a batch or a run file (Markdown or CSV).

    python3 tools/kpi_table.py out/compare.h5 [--format markdown|csv] [-o FILE] [--paid-to 2032]
    python3 tools/kpi_table.py out/baseline.h5 ...

For a batch file (`nisim batch`), per scenario and for every indicator of the `indicator`
dimension: its target year and target (nisim/data/targets.csv: 2024 Policy Address, I&T
Blueprint), the mean projection at the target year over replications and its 5-95% range
(percentiles of kpi_projected, linear method), and P(met), the share of replications that reach
the target (kpi_p_met). For a run file (`nisim run`, with its `kpi` group): the run's projection
and whether it meets the target. Both add the public money paid by all schemes from the base year
to 2032 (sum of public_spending; for a batch, the mean over runs). If 2032 is not simulated the
sum stops at the last simulated year and the table says so. Exit codes: 0 ok, 2 usage, 4 the
input is missing, damaged or not an nisim run or batch file.
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
import warnings
from pathlib import Path

from nisim._deps import need  # noqa: E402

# Before importing them, so that a missing module is one line, not a traceback.
need("numpy", "h5py")

import numpy as np  # noqa: E402

from nisim.h5 import (  # noqa: E402
    guarded, OutputError, fail, check_scenarios, labels, open_output, read, require,
    scenario_of, written_runs)

TARGETS = Path(__file__).resolve().parent.parent / "data" / "targets.csv"
PAID_TO = 2032
# CSV columns; the Markdown tables show the same values.
BATCH_COLUMNS = ["scenario", "indicator", "unit", "target_year", "target", "runs",
                 "projected_mean", "projected_p5", "projected_p95", "p_met",
                 "public_paid_to_year", "public_paid_mean_hkd_m"]
RUN_COLUMNS = ["scenario", "indicator", "unit", "target_year", "target", "projected", "met",
               "public_paid_to_year", "public_paid_hkd_m"]


def load_targets() -> dict[str, tuple[str, int, float]]:
    """indicator -> (unit, target year, target) from nisim/data/targets.csv."""
    out = {}
    with open(TARGETS, newline="") as f:
        for row in csv.DictReader(f):
            unit = "HK$ M" if row["unit"] == "HKD million" else row["unit"]
            out[row["indicator"]] = (unit, int(row["target_year"]), float(row["target_value"]))
    return out


def paid_to(years: np.ndarray, spending: np.ndarray, year: int) -> tuple[int, np.ndarray]:
    """(last year summed, sum of spending [..., year] from the first year to `year`), stopping
    at the last simulated year if `year` is beyond it."""
    last = int(min(year, years[-1]))
    return last, spending[..., years <= last].sum(axis=-1)


def batch_tables(f, path: str, paid_year: int) -> tuple[str, list[dict], list[str]]:
    """(title, one row per scenario and indicator with BATCH_COLUMNS, notes)."""
    targets = load_targets()
    title = (f"{Path(str(f.attrs.get('batch_path', path))).name}: "
             f"{int(f.attrs['replications'])} replications per scenario"
             + (f", seed {int(f.attrs['seed'])}" if "seed" in f.attrs else ""))
    rows: list[dict] = []
    notes: list[str] = []
    for name in check_scenarios(f, None):
        g = f[name]
        require(g, path, "indicator", "kpi_projected", "kpi_p_met", "public_spending",
                "mfg_share", "year",
                what="written by an nisim without the policy economy? Rerun `nisim batch`")
        indicators = labels(g, path, "indicator")
        years = read(g, path, "year", dtype=int)
        read(g, path, "kpi_projected")  # fails clearly on a damaged dataset
        kpi, spending = written_runs(f, name, "kpi_projected", "public_spending")
        p_met = read(g, path, "kpi_p_met")
        if kpi.ndim != 2 or kpi.shape[1] != len(indicators) or len(p_met) != len(indicators):
            raise OutputError(f"{path}: group {name}: kpi_projected, kpi_p_met and indicator "
                              "have inconsistent sizes")
        # Targets stored in the file win over targets.csv (batch files do not store them yet).
        stored_target = read(g, path, "kpi_target") if "kpi_target" in g else None
        stored_year = read(g, path, "kpi_target_year") if "kpi_target_year" in g else None
        last, paid = paid_to(years, spending, paid_year)
        paid_mean = float(paid.mean()) if len(paid) else np.nan
        with warnings.catch_warnings():  # an indicator not simulated is NaN in every run
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(kpi, axis=0) if len(kpi) else np.full(len(indicators), np.nan)
            p5, p95 = (np.nanpercentile(kpi, q, axis=0, method="linear") if len(kpi)
                       else np.full(len(indicators), np.nan) for q in (5, 95))
        for k, ind in enumerate(indicators):
            unit, year, target = targets.get(ind, ("", np.nan, np.nan))
            if ind not in targets and stored_target is None:
                note = f"{ind}: no target in {TARGETS.name}"
                notes += [note] if note not in notes else []
            if stored_target is not None:
                target = float(stored_target[k])
            if stored_year is not None:
                year = float(stored_year[k])
            rows.append({"scenario": name, "indicator": ind, "unit": unit,
                         "target_year": year, "target": target, "runs": len(kpi),
                         "projected_mean": mean[k], "projected_p5": p5[k],
                         "projected_p95": p95[k], "p_met": float(p_met[k]),
                         "public_paid_to_year": last, "public_paid_mean_hkd_m": paid_mean})
        note = (f"{paid_year} not simulated ({years[0]}-{years[-1]}); public money is summed "
                f"to {last}")
        notes += [note] if last != paid_year and note not in notes else []
    return title, rows, notes


def run_table(f, path: str, paid_year: int) -> tuple[str, list[dict], list[str]]:
    """(title, one row per indicator with RUN_COLUMNS, notes) of a run file."""
    g = f.get("kpi")
    if g is None:
        raise OutputError(f"{path}: an nisim run file without a 'kpi' group (written by an "
                          "nisim without the policy economy?); rerun `nisim run`")
    what = "the run's 'kpi' group is incomplete"
    require(g, path, "indicator", "target_year", "target", "projected", "met", what=what)
    require(f, path, "public_spending", "year",
            what="written by an nisim without the policy economy? Rerun `nisim run`")
    indicators = labels(g, path, "indicator")
    # one value per indicator, checked before reading (read names the dataset)
    cols = {k: read(g, path, k, ndim=1, length=len(indicators))
            for k in ("target_year", "target", "projected", "met")}
    units = str(g.attrs.get("units", ""))
    units = units.decode() if isinstance(units, bytes) else units
    unit_list = units.split(";") if units else []
    if len(unit_list) != len(indicators):
        unit_list = [load_targets().get(i, ("",))[0] for i in indicators]
    years = read(f, path, "year", dtype=int)
    last, paid = paid_to(years, read(f, path, "public_spending"), paid_year)
    name = scenario_of(f, path)
    seed = f.attrs.get("seed")
    title = f"{name}: one run" + (f", seed {int(seed)}" if seed is not None else "")
    rows = [{"scenario": name, "indicator": ind, "unit": unit_list[k],
             "target_year": cols["target_year"][k], "target": cols["target"][k],
             "projected": cols["projected"][k], "met": cols["met"][k],
             "public_paid_to_year": last, "public_paid_hkd_m": float(paid)}
            for k, ind in enumerate(indicators)]
    notes = ([f"{paid_year} not simulated ({years[0]}-{years[-1]}); public money is summed to "
              f"{last}"] if last != paid_year else [])
    return title, rows, notes


def table(path: str, paid_year: int = PAID_TO) -> tuple[str, str, list[dict], list[str]]:
    """(kind "batch" or "run", title, rows, notes) of an nisim output file."""
    f, kind = open_output(path)
    with f:
        try:
            if kind == "batch":
                return (kind, *batch_tables(f, path, paid_year))
            return (kind, *run_table(f, path, paid_year))
        except (OSError, KeyError) as e:  # a damaged file that h5py could open
            raise OutputError(f"{path}: cannot read the file ({e}); it is damaged or "
                              "truncated") from None


def num(x, digits: int) -> str:
    """A number for a table, with thousands separators: '' for NaN."""
    if isinstance(x, str):
        return x
    return "" if x is None or np.isnan(x) else f"{x:,.{digits}f}"


def digits_for(r: dict) -> int:
    """Decimals for one indicator's row: by the magnitude of its target (else its values)."""
    ref = r["target"]
    if np.isnan(ref):
        ref = r.get("projected_mean", r.get("projected", np.nan))
    return 2 if np.isnan(ref) else 3 if abs(ref) < 10 else 1 if abs(ref) < 1000 else 0


def year(x: float) -> str:
    return "" if np.isnan(x) else str(int(x))


def markdown(kind: str, title: str, rows: list[dict]) -> str:
    out = [f"**{title}**", ""]
    scenarios = list(dict.fromkeys(r["scenario"] for r in rows))
    for name in scenarios:
        mine = [r for r in rows if r["scenario"] == name]
        if kind == "batch":
            out += [f"### {name}", "",
                    "| indicator | unit | target year | target | projected, mean | "
                    "projected, 5–95% | P(met) |", "|---|---|---:|---:|---:|---:|---:|"]
            for r in mine:
                d = digits_for(r)
                if np.isnan(r["projected_mean"]):
                    proj, rng = "not simulated", ""
                else:
                    proj = num(r["projected_mean"], d)
                    rng = f"{num(r['projected_p5'], d)}–{num(r['projected_p95'], d)}"
                out.append(f"| {r['indicator']} | {r['unit']} | {year(r['target_year'])} | "
                           f"{num(r['target'], d)} | {proj} | {rng} | "
                           f"{num(r['p_met'], 2) or 'n/a'} |")
            paid = (f"Public money paid by all schemes up to and including "
                    f"{mine[0]['public_paid_to_year']}, mean over {mine[0]['runs']} runs: HK$ "
                    f"{num(mine[0]['public_paid_mean_hkd_m'], 0)} M")
        else:
            out += ["| indicator | unit | target year | target | projected | met |",
                    "|---|---|---:|---:|---:|---|"]
            for r in mine:
                d = digits_for(r)
                met = ("not simulated" if np.isnan(r["met"]) else
                       "yes" if r["met"] >= 1 else "no")
                out.append(f"| {r['indicator']} | {r['unit']} | {year(r['target_year'])} | "
                           f"{num(r['target'], d)} | {num(r['projected'], d)} | {met} |")
            paid = (f"Public money paid by all schemes up to and including "
                    f"{mine[0]['public_paid_to_year']}: "
                    f"HK$ {num(mine[0]['public_paid_hkd_m'], 0)} M")
        out += ["", paid, ""]
    if kind == "batch":
        out.append("Projected: the indicator's value at its target year. 5–95%: percentiles "
                   "over replications. P(met): share of replications reaching the target. "
                   "Targets: nisim/data/targets.csv (2024 Policy Address, I&T Blueprint).")
    else:
        out.append("Projected: the indicator's value at its target year; met: at least the "
                   "target (2024 Policy Address, I&T Blueprint).")
    return "\n".join(out) + "\n"


def as_csv(kind: str, rows: list[dict]) -> str:
    columns = BATCH_COLUMNS if kind == "batch" else RUN_COLUMNS
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        cells = []
        for c in columns:
            v = r[c]
            if isinstance(v, str):
                cells.append(v)
            elif c in ("target_year", "public_paid_to_year", "runs"):
                cells.append("" if np.isnan(v) else str(int(v)))
            else:
                cells.append("" if np.isnan(v) else repr(float(v)))
        w.writerow(cells)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file", help="nisim batch file (`nisim batch`) or run file (`nisim run`)")
    ap.add_argument("--format", choices=("markdown", "csv"), default="markdown")
    ap.add_argument("-o", "--output", help="file to write (default: standard output)")
    ap.add_argument("--paid-to", type=int, default=PAID_TO, metavar="YEAR",
                    help="sum public money from the base year to YEAR (default 2032)")
    args = ap.parse_args(argv)

    try:
        kind, title, rows, notes = table(args.file, args.paid_to)
    except OutputError as e:
        fail(str(e))
    for n in notes:
        print(f"kpi_table.py: note: {n}", file=sys.stderr)
    text = markdown(kind, title, rows) if args.format == "markdown" else as_csv(kind, rows)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    out = Path(args.output)
    if not out.parent.is_dir():
        fail(f"{out}: directory {out.parent} does not exist")
    out.write_text(text)
    print(f"wrote {out}")
    return 0


def cli() -> int:
    """Console entry point (pyproject.toml); the exit code of main() under guarded()."""
    return guarded(main)


if __name__ == "__main__":
    sys.exit(cli())
