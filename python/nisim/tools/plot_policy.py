"""The policy economy of nisim run files on one 2x2 figure: money, floor space, targets, staff.

    python3 tools/plot_policy.py out/baseline.h5 [more.h5 ...] -o out/policy.png

Panels: (1) public money paid per year by scheme, stacked (scheme_paid, HK$ M; one bar per
scenario and year, scenarios told apart by hatching); (2) floor space available to production
(supply_by_site, solid) and occupied (occupied_by_site, dashed) per site; (3) NIFS funded lines
(nifs_funded_lines, solid) and NIAS-funded enterprises (nias_enterprises, dashed) against their
targets, from the run's `kpi` group (dotted line at the target, star at the target year); (4) the
pool of technical staff free to hire (talent_pool, solid) and staff hired by new projects
(talent_hired, dashed). Several files are several scenarios: each has its own colour in panels
3 and 4 (legend: the scenario_name attribute) and marker in panel 2. Exit codes: 0 ok, 2 usage,
4 an input is missing, damaged, not an nisim run file, or lacks a dataset the figure needs.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NamedTuple

from nisim._deps import need  # noqa: E402

# Before importing them, so that a missing module is one line, not a traceback.
need("numpy", "h5py", "matplotlib")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from nisim.h5 import (  # noqa: E402
    guarded, OutputError, fail, labels, open_output, read, require, scenario_of)

NIFS_KPI = "smart_production_lines_funded_cumulative"
NIAS_KPI = "nias_enterprises_with_new_smart_facilities"
SERIES = ("year", "scheme", "scheme_paid", "site", "supply_by_site", "occupied_by_site",
          "nifs_funded_lines", "nias_enterprises", "talent_pool", "talent_hired")
HATCHES = ["", "//", "..", "xx", "\\\\", "oo", "++", "--"]
MARKERS = [None, "o", "s", "^", "D", "v", "P", "X"]


class Target(NamedTuple):
    value: float
    year: int


class Run(NamedTuple):
    name: str
    years: np.ndarray
    schemes: list[str]
    paid: np.ndarray       # [year, scheme], HK$ M
    sites: list[str]
    supply: np.ndarray     # [year, site], m2
    occupied: np.ndarray   # [year, site], m2
    lines: np.ndarray
    nias: np.ndarray
    pool: np.ndarray
    hired: np.ndarray
    lines_target: Target
    nias_target: Target


def load(path: str) -> Run:
    """The series of one run file the figure needs, or OutputError naming what is missing."""
    f, kind = open_output(path)
    with f:
        if kind != "run":
            raise OutputError(f"{path}: an nisim batch file; plot_policy.py draws run files "
                              "(`nisim run SCENARIO.toml -o OUT.h5`)")
        why = ("plot_policy.py needs the policy-economy datasets of an nisim run file "
               "(docs/output.md)")
        try:
            require(f, path, *SERIES, what=why)
            kpi = f.get("kpi")
            if not hasattr(kpi, "keys"):
                raise OutputError(f"{path}: no 'kpi' group; {why}")
            require(kpi, path, "indicator", "target", "target_year", what=why)
            indicators = labels(kpi, path, "indicator")
            target, target_year = read(kpi, path, "target"), read(kpi, path, "target_year")
            targets = {}
            for ind in (NIFS_KPI, NIAS_KPI):
                if ind not in indicators:
                    raise OutputError(f"{path}: the 'kpi' group has no indicator {ind}")
                k = indicators.index(ind)
                targets[ind] = Target(float(target[k]), int(target_year[k]))
            run = Run(scenario_of(f, path), read(f, path, "year", dtype=int),
                      labels(f, path, "scheme"), read(f, path, "scheme_paid"),
                      labels(f, path, "site"), read(f, path, "supply_by_site"),
                      read(f, path, "occupied_by_site"), read(f, path, "nifs_funded_lines"),
                      read(f, path, "nias_enterprises"), read(f, path, "talent_pool"),
                      read(f, path, "talent_hired"), targets[NIFS_KPI], targets[NIAS_KPI])
        except (OSError, KeyError) as e:  # a damaged file that h5py could open
            raise OutputError(f"{path}: cannot read the file ({e}); it is damaged or "
                              "truncated") from None
    t = len(run.years)
    shapes = {"scheme_paid": (run.paid.shape, (t, len(run.schemes))),
              "supply_by_site": (run.supply.shape, (t, len(run.sites))),
              "occupied_by_site": (run.occupied.shape, (t, len(run.sites)))}
    shapes.update({k: (getattr(run, a).shape, (t,)) for k, a in
                   (("nifs_funded_lines", "lines"), ("nias_enterprises", "nias"),
                    ("talent_pool", "pool"), ("talent_hired", "hired"))})
    for name, (got, want) in shapes.items():
        if got != want:
            raise OutputError(f"{path}: dataset {name} has shape {got}, expected {want} "
                              "(year x scheme/site)")
    return run


def unique_names(runs: list[Run], paths: list[str]) -> list[str]:
    """Scenario names for the legend; the file name is added where two runs share a name."""
    names = [r.name for r in runs]
    return [f"{n} ({Path(p).name})" if names.count(n) > 1 else n for n, p in zip(names, paths)]


def draw_money(ax, runs: list[Run], names: list[str]) -> None:
    schemes = list(dict.fromkeys(s for r in runs for s in r.schemes))
    paying = [s for s in schemes
              if any(np.nansum(r.paid[:, r.schemes.index(s)]) > 0 for r in runs if s in r.schemes)]
    cmap = plt.get_cmap("tab20")
    colour = {s: cmap(k % 20) for k, s in enumerate(paying)}
    n = len(runs)
    width = 0.8 / n
    for j, r in enumerate(runs):
        x = r.years + (j - (n - 1) / 2) * width
        bottom = np.zeros(len(r.years))
        for s in paying:
            if s not in r.schemes:
                continue
            v = np.nan_to_num(r.paid[:, r.schemes.index(s)])
            ax.bar(x, v, width, bottom=bottom, color=colour[s], hatch=HATCHES[j % len(HATCHES)],
                   edgecolor="white" if j == 0 else "black", linewidth=0.2)
            bottom += v
    handles = [Patch(facecolor=colour[s], label=s) for s in paying]
    if n > 1:
        handles += [Patch(facecolor="white", edgecolor="black", hatch=HATCHES[j % len(HATCHES)],
                          label=name) for j, name in enumerate(names)]
    ax.legend(handles=handles, fontsize=6, ncol=2, loc="upper left")
    ax.set_title("Public money paid per year, by scheme")
    ax.set_ylabel("HK$ M per year")


def draw_floor(ax, runs: list[Run], names: list[str]) -> None:
    sites = list(dict.fromkeys(s for r in runs for s in r.sites))
    used = [s for s in sites if any(np.nanmax(np.r_[r.supply[:, r.sites.index(s)],
                                                   r.occupied[:, r.sites.index(s)]]) > 0
                                    for r in runs if s in r.sites)]
    colour = {s: f"C{k % 10}" for k, s in enumerate(used)}
    for j, r in enumerate(runs):
        marker = MARKERS[j % len(MARKERS)]
        every = max(1, len(r.years) // 6)
        for s in used:
            if s not in r.sites:
                continue
            k = r.sites.index(s)
            ax.plot(r.years, r.supply[:, k] / 1e3, color=colour[s], lw=1.5, marker=marker,
                    ms=3, markevery=every)
            ax.plot(r.years, r.occupied[:, k] / 1e3, color=colour[s], lw=1.2, ls="--",
                    marker=marker, ms=3, markevery=every)
    handles = [Line2D([], [], color=colour[s], lw=1.5, label=s) for s in used]
    handles += [Line2D([], [], color="grey", lw=1.5, label="supply"),
                Line2D([], [], color="grey", lw=1.2, ls="--", label="occupied")]
    if len(runs) > 1:
        handles += [Line2D([], [], color="black", lw=0, marker=MARKERS[j % len(MARKERS)] or ".",
                           ms=4, label=name) for j, name in enumerate(names)]
    ax.legend(handles=handles, fontsize=6, ncol=2, loc="best")
    ax.set_title("Floor space by site: supply and occupied")
    ax.set_ylabel("thousand m²")


def draw_targets(ax, runs: list[Run]) -> None:
    for j, r in enumerate(runs):
        ax.plot(r.years, r.lines, color=f"C{j % 10}", lw=2)
        ax.plot(r.years, r.nias, color=f"C{j % 10}", lw=2, ls="--")
    drawn = set()
    for r in runs:
        for what, t in (("NIFS", r.lines_target), ("NIAS", r.nias_target)):
            if (what, t) in drawn:
                continue
            drawn.add((what, t))
            ax.axhline(t.value, color="tab:red", ls=":", lw=1)
            ax.plot([t.year], [t.value], "r*", ms=11)
            ax.annotate(f"{what} target: {t.value:g} by {t.year}", (t.year, t.value),
                        xytext=(6, 3), textcoords="offset points", fontsize=7, color="tab:red")
    handles = [Line2D([], [], color="black", lw=2, label="NIFS funded lines, cumulative"),
               Line2D([], [], color="black", lw=2, ls="--",
                      label="NIAS-funded enterprises, cumulative"),
               Line2D([], [], color="tab:red", ls=":", marker="*", ms=9,
                      label="target (2024 Policy Address), at its year")]
    ax.legend(handles=handles, fontsize=7, loc="upper left")
    ax.set_title("NIFS and NIAS against their targets")
    ax.set_ylabel("lines / enterprises")
    ax.set_ylim(bottom=0)


def draw_talent(ax, runs: list[Run]) -> None:
    for j, r in enumerate(runs):
        ax.plot(r.years, r.pool, color=f"C{j % 10}", lw=2)
        ax.plot(r.years, r.hired, color=f"C{j % 10}", lw=1.5, ls="--")
    handles = [Line2D([], [], color="black", lw=2, label="pool free to hire, year end"),
               Line2D([], [], color="black", lw=1.5, ls="--",
                      label="hired by new projects this year")]
    ax.legend(handles=handles, fontsize=7, loc="upper left")
    ax.set_title("Technical staff")
    ax.set_ylabel("persons")
    ax.set_ylim(bottom=0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="+", help="nisim run files (HDF5, from `nisim run`)")
    ap.add_argument("-o", "--output", required=True, help="image file to write (.png, .pdf, .svg)")
    ap.add_argument("--title", default="Hong Kong New Industrialisation: the policy economy")
    args = ap.parse_args(argv)

    try:
        runs = [load(p) for p in args.runs]
    except OutputError as e:
        fail(str(e))
    out = Path(args.output)
    if not out.parent.is_dir():
        fail(f"{out}: directory {out.parent} does not exist")
    names = unique_names(runs, args.runs)
    fig, axes = plt.subplots(2, 2, figsize=(13, 8.5), dpi=120)
    draw_money(axes[0, 0], runs, names)
    draw_floor(axes[0, 1], runs, names)
    draw_targets(axes[1, 0], runs)
    draw_talent(axes[1, 1], runs)
    for ax in axes.flat:
        ax.set_xlabel("year")
        ax.grid(alpha=0.3)
    scen = [Line2D([], [], color=f"C{j % 10}", lw=2, label=name) for j, name in enumerate(names)]
    fig.legend(handles=scen, loc="upper right", ncol=min(len(scen), 4), fontsize=8,
               title="scenario (colours of the lower panels)", title_fontsize=7)
    fig.suptitle(args.title, x=0.02, ha="left")
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    fig.savefig(out)
    plt.close(fig)
    print(f"wrote {out}")
    return 0


def cli() -> int:
    """Console entry point (pyproject.toml); the exit code of main() under guarded()."""
    return guarded(main)


if __name__ == "__main__":
    sys.exit(cli())
