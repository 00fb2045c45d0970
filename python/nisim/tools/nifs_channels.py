"""Why the NIFS lowers the manufacturing share: its effect with each channel neutralised
(docs/analysis.md section 7, "Why the NIFS lowers the share"; docs/model.md sections 3.4, 4.1).

    /usr/bin/python3 tools/nifs_channels.py [--bin build/debug/app/nisim] [--seeds 1-20]
        [--year 2032] [--path 2020-2040] [--scenario scenarios/no_new_policy.toml]

The NIFS effect is the manufacturing share (percent of GDP) with `[schemes.nifs] enabled = true`
minus the share with it false, both on top of --scenario (default scenarios/no_new_policy.toml,
so the effect is the NIFS alone), mean over the seeds (common random numbers: the same seed in
both runs). Each row of the first table neutralises one channel by setting keys in both runs
(a channel of the whole economy: the technical wage, the floor space and staff a line takes, the
credit limit, the demand side) or in the NIFS run only (the scheme's own terms: the approval lag
and the success rate; the last row instead sets the grant to zero, leaving only the queue), and
gives the effect in --year with its standard error over seeds, the mean effect over the years of
--path, the change against the reference row (with its standard error over seeds, paired by
seed) and the smart lines the NIFS adds in --year. Below it the reference effect is split into
value added (at the GDP without the NIFS) and the GDP denominator, which add up to it, and a
second table gives the reference runs' line counts and factor prices in --year.

Exit codes: 0 ok, 2 usage (bad --seeds or --path, no binary), 4 the scenario is missing, a run
failed or a year of --year or --path is not simulated.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from nisim._deps import need
from nisim.tools._ranges import parse_range

need("numpy", "h5py")
import h5py  # noqa: E402
import numpy as np  # noqa: E402

# The repository checkout whose scenarios/ the runs inherit: $NISIM_SOURCE_DIR (tools/*.py set it
# to their checkout), else the current directory.
ROOT = Path(os.environ.get("NISIM_SOURCE_DIR") or Path.cwd())

# (row label, keys set in both runs, keys set in the NIFS run only). Sources of every default:
# docs/model.md 3.3 (credit limit), 3.6 (line floor), 3.9 (demand), 4.1 (NIFS terms), 4.6 (wage).
CHANNELS: list[tuple[str, dict[str, object], dict[str, object]]] = [
    ("reference (nothing neutralised)", {}, {}),
    ("technical wage held at base", {"talent.wage_elasticity": 0.0}, {}),
    ("lines hire no technical staff", {"schemes.nifs.jobs_per_line": 0.0}, {}),
    ("lines take no floor space", {"schemes.nifs.line_floor": 0.0}, {}),
    ("no credit limit (finance test and insolvency off)", {"firms.credit_limit": 10.0}, {}),
    ("prices fixed (no demand side)", {"demand.enabled": False}, {}),
    ("decision without lag", {}, {"schemes.nifs.approval_lag": 0}),
    ("every application approved", {}, {"schemes.nifs.success_rate": 1.0}),
    ("no queue (no lag, every application approved)", {},
     {"schemes.nifs.approval_lag": 0, "schemes.nifs.success_rate": 1.0}),
    # Not a neutralisation but the opposite: no grant, so every application is refused (eq.
    # 4.1c) and what is left of the scheme is its queue.
    ("the queue alone (no grant)", {}, {"schemes.nifs.share": 0.0}),
]

SERIES = ("mfg_share", "mfg_va", "gdp", "smart_lines", "nifs_funded_lines",
          "nifs_nonadditional_lines", "nifs_unfunded_lines", "tech_wage_factor", "cash", "exits")


def toml_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return repr(v)


def scenario_text(parent: Path, keys: dict[str, object]) -> str:
    """A scenario that inherits `parent` and sets `keys` (dotted), one table per prefix."""
    tables: dict[str, list[str]] = {}
    for key, value in keys.items():
        table, _, name = key.rpartition(".")
        tables.setdefault(table, []).append(f"{name} = {toml_value(value)}\n")
    text = f"inherit = {json.dumps(str(parent))}\n"
    for table, lines in tables.items():
        text += f"\n[{table}]\n" + "".join(lines)
    return text


class Runner:
    """Runs scenarios for every seed, each distinct scenario text once."""

    def __init__(self, binary: str, parent: Path, seeds: list[int], tmp: Path) -> None:
        self.binary, self.parent, self.seeds, self.tmp = binary, parent, seeds, tmp
        self.cache: dict[str, dict[str, np.ndarray]] = {}

    def runs(self, keys: dict[str, object]) -> dict[str, np.ndarray]:
        """Each series of SERIES (plus `year`), one row per seed."""
        text = scenario_text(self.parent, keys)
        if text in self.cache:
            return self.cache[text]
        path = self.tmp / f"s{len(self.cache)}.toml"
        path.write_text(text)
        got: dict[str, list[np.ndarray]] = {k: [] for k in SERIES}
        years = None
        for seed in self.seeds:
            out = self.tmp / f"{path.stem}_{seed}.h5"
            cmd = [self.binary, "run", str(path), "-o", str(out), "--seed", str(seed),
                   "--threads", "1", "--force", "-q"]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                sys.stderr.write(f"nifs_channels: {' '.join(cmd)} failed "
                                 f"(exit {done.returncode}):\n{done.stderr}")
                sys.exit(4)
            with h5py.File(out, "r") as f:
                years = np.asarray(f["year"][()])
                for k in SERIES:
                    got[k].append(np.asarray(f[k][()], dtype=float))
            out.unlink()
        result = {k: np.array(v) for k, v in got.items()}
        result["year"] = years
        self.cache[text] = result
        return result


def index_of(years: np.ndarray, year: int, what: str) -> int:
    hit = np.nonzero(years == year)[0]
    if hit.size == 0:
        sys.stderr.write(f"nifs_channels: {year} ({what}) is not a simulated year of the "
                         f"scenario (years {int(years[0])}-{int(years[-1])})\n")
        sys.exit(4)
    return int(hit[0])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=str(ROOT / "build/debug/app/nisim"))
    ap.add_argument("--seeds", default="1-20", help="first-last seed (default 1-20)")
    ap.add_argument("--year", type=int, default=2032)
    ap.add_argument("--path", default="2020-2040", help="first-last year of the path mean")
    ap.add_argument("--scenario", default=str(ROOT / "scenarios/no_new_policy.toml"),
                    help="the scenario the NIFS is switched off and on in")
    args = ap.parse_args()
    try:
        seeds = parse_range(args.seeds)
    except ValueError:
        ap.error(f"--seeds: expected FIRST-LAST, got {args.seeds!r}")
    try:
        path_years = parse_range(args.path, 1)
    except ValueError:
        ap.error(f"--path: expected FIRST-LAST years, got {args.path!r}")
    if not Path(args.bin).exists():
        ap.error(f"--bin: no binary at {args.bin}")
    parent = Path(args.scenario).resolve()
    if not parent.is_file():
        sys.stderr.write(f"nifs_channels: {args.scenario}: no such scenario file\n")
        return 4
    n = len(seeds)
    with tempfile.TemporaryDirectory() as name:
        runner = Runner(args.bin, parent, seeds, Path(name))
        print(f"NIFS effect = share with `schemes.nifs.enabled = true` - share with false, on top "
              f"of {parent.name}; mean over seeds {seeds[0]}-{seeds[-1]} (same seed in both "
              f"runs); s.e. over seeds; path = mean effect over {path_years[0]}-{path_years[-1]}"
              "; change = row's effect in the year - reference's\n")
        print(f"| channel neutralised | keys (both runs; NIFS run only) | effect {args.year} (pp) "
              f"| s.e. | effect, path mean (pp) | change against reference (pp) | s.e. of change "
              f"| smart lines added, {args.year} |")
        print("|---|---|---|---|---|---|---|---|")
        reference = None
        ref_runs = None
        ref_d = None
        for label, common, nifs_only in CHANNELS:
            off = runner.runs({**common, "schemes.nifs.enabled": False})
            on = runner.runs({**common, "schemes.nifs.enabled": True, **nifs_only})
            years = off["year"]
            i = index_of(years, args.year, "--year")
            cols = [index_of(years, y, "--path") for y in path_years]
            d = on["mfg_share"] - off["mfg_share"]
            effect = float(d[:, i].mean())
            se = float(d[:, i].std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
            path_mean = float(d[:, cols].mean())
            lines = float((on["smart_lines"] - off["smart_lines"])[:, i].mean())
            if reference is None:
                reference, ref_runs, ref_d = effect, (off, on, i), d[:, i]
            # The change is paired by seed: its s.e. is that of the per-seed differences.
            change = d[:, i] - ref_d
            change_se = float(change.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
            keys = "; ".join(
                part for part in (
                    ", ".join(f"`{k} = {toml_value(v)}`" for k, v in common.items()),
                    ", ".join(f"`{k} = {toml_value(v)}`" for k, v in nifs_only.items()))
                if part) or "none"
            print(f"| {label} | {keys} | {effect:+.5f} | {se:.5f} | {path_mean:+.5f} "
                  f"| {effect - reference:+.5f} | {change_se:.5f} | {lines:+.1f} |", flush=True)
        off, on, i = ref_runs
        # The reference effect split exactly: 100 (V1/G1 - V0/G0) = 100 (V1 - V0)/G0 (value
        # added at the GDP without the NIFS) + 100 V1 (1/G1 - 1/G0) (the GDP denominator).
        va_part = float((100 * (on["mfg_va"] - off["mfg_va"]) / off["gdp"])[:, i].mean())
        gdp_part = float((100 * on["mfg_va"] * (1 / on["gdp"] - 1 / off["gdp"]))[:, i].mean())
        print(f"\nreference effect in {args.year} = value added at the GDP without the NIFS "
              f"{va_part:+.6f} pp + GDP denominator {gdp_part:+.6f} pp = {reference:+.6f} pp")
        cum_own_off = off["nifs_unfunded_lines"].cumsum(axis=1)[:, i].mean()
        cum_own_on = on["nifs_unfunded_lines"].cumsum(axis=1)[:, i].mean()
        print(f"\nreference runs in {args.year}, mean over seeds (NIFS off, on, difference):\n")
        print("| quantity | NIFS off | NIFS on | difference |")
        print("|---|---|---|---|")
        table = [
            ("smart lines held by firms", off["smart_lines"][:, i].mean(),
             on["smart_lines"][:, i].mean()),
            ("lines funded by the NIFS, cumulative", 0.0, on["nifs_funded_lines"][:, i].mean()),
            ("of which non-additional (would pay without a grant, eq. 4.1h)", 0.0,
             on["nifs_nonadditional_lines"][:, i].mean()),
            ("lines built at the firms' own cost, cumulative", cum_own_off, cum_own_on),
            ("manufacturing value added (HK$ M)", off["mfg_va"][:, i].mean(),
             on["mfg_va"][:, i].mean()),
            ("technical wage factor (eq. 4.6d)", off["tech_wage_factor"][:, i].mean(),
             on["tech_wage_factor"][:, i].mean()),
            ("firms' cash (HK$ M)", off["cash"][:, i].mean(), on["cash"][:, i].mean()),
            ("exits, cumulative", off["exits"].cumsum(axis=1)[:, i].mean(),
             on["exits"].cumsum(axis=1)[:, i].mean()),
        ]
        for what, a, b in table:
            digits = 4 if "factor" in what else 1
            print(f"| {what} | {a:.{digits}f} | {b:.{digits}f} | {b - a:+.{digits}f} |")
    return 0


def cli() -> int:
    """Console entry point (pyproject.toml)."""
    return main()


if __name__ == "__main__":
    sys.exit(cli())
