"""Sensitivity chart of a sweep batch: which swept parameters move the output.

    python3 tools/sensitivity_chart.py out/sweep_nifs.h5 -o out/sensitivity.png [--csv out/s.csv]

Reads the `sweep` group that `nisim batch` writes for a batch file with a [sweep] table
(docs/batches.md, section 6). A Morris design gives horizontal bars of mu* (mean absolute
elementary effect: importance, with its 95% bootstrap interval) and sigma (spread of the effects:
nonlinearity or interactions) per parameter, beside the classic sigma-against-mu* scatter. A Saltelli design gives grouped bars of
the first- and total-order Sobol' indices with their 95% bootstrap intervals. The grid, lhs and
sobol designs have no indices: the chart draws the output (mean over replications in the sweep's
year) against each parameter, one small panel per parameter. --csv writes the indices per
parameter (Morris: morris_mu, morris_mu_star, morris_sigma, morris_mu_star_conf; Saltelli: sobol_first, _low, _high,
sobol_total, _low, _high), or for a design without indices the design points and their output;
a .md name gives a Markdown table. Exit codes: 0 ok, 2 usage, 4 the input is missing or is not
the output of a sweep (a run file, a plain batch or a target output).
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

from nisim.h5 import (  # noqa: E402
    guarded, OutputError, fail, labels, open_sweep,
    read as read_dataset)

MORRIS = ("morris_mu", "morris_mu_star", "morris_sigma")
MORRIS_CONF = "morris_mu_star_conf"  # half-width of mu*'s interval (absent in older outputs)
SOBOL = ("sobol_first", "sobol_first_low", "sobol_first_high",
         "sobol_total", "sobol_total_low", "sobol_total_high")
SOBOL_AXIS = (-0.5, 1.5)  # Sobol' indices lie in [0, 1]; wider bootstrap intervals are cut here


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class Sweep(NamedTuple):
    design_name: str          # grid, lhs, sobol, morris or saltelli
    output: str               # the swept output variable, e.g. mfg_share
    year: int
    parameters: list[str]     # swept keys
    design: np.ndarray        # [point, parameter] parameter values
    output_mean: np.ndarray   # [point] output in `year`, mean over replications
    indices: dict[str, np.ndarray]  # MORRIS or SOBOL names -> [parameter]; empty otherwise
    long_name: str            # of the output variable
    units: str
    replications: int

    @property
    def kind(self) -> str:
        """'morris', 'saltelli' (indices stored) or 'points' (draw the outputs)."""
        if all(k in self.indices for k in MORRIS):
            return "morris"
        if all(k in self.indices for k in SOBOL):
            return "saltelli"
        return "points"

    @property
    def effect_units(self) -> str:
        return "percentage points" if self.units == "percent" else self.units


def read(path: str) -> Sweep:
    with open_sweep(path) as f:
        g = f["sweep"]
        params = labels(g, path, "parameter")
        n_points = len(read_dataset(g, path, "point", ndim=1))
        design = read_dataset(g, path, "design", ndim=2, length=n_points)
        if design.shape[1] != len(params):
            raise OutputError(f"{path}: dataset {g.name}/design has shape {design.shape}, "
                              f"expected ({n_points}, {len(params)}): point x parameter")
        outputs = read_dataset(g, path, "output_mean", ndim=1, length=n_points)
        indices = {k: np.asarray(g[k][:], dtype=float) for k in MORRIS + (MORRIS_CONF,) + SOBOL
                   if k in g}
        output = _text(g.attrs["output"])
        var = g.get(output)  # the per-run series [point, replication, year]
        attrs = var.attrs if var is not None else {}
        return Sweep(_text(g.attrs.get("design", "")), output, int(g.attrs["year"]), params,
                     design, outputs, indices, _text(attrs.get("long_name", output)),
                     _text(attrs.get("units", "")), int(f.attrs.get("replications", 0)))


def fmt(x: float, digits: int) -> str:
    return "" if np.isnan(x) else f"{x:.{digits}g}"


def write_table(s: Sweep, out: Path) -> None:
    """The indices per parameter (or, without indices, the design points), as CSV or .md."""
    markdown = out.suffix.lower() == ".md"
    digits = 4 if markdown else 10
    if s.kind == "points":
        columns = ["point", *s.parameters, f"{s.output}_mean_{s.year}"]
        rows = [[str(k), *(fmt(v, digits) for v in s.design[k]), fmt(s.output_mean[k], digits)]
                for k in range(len(s.output_mean))]
    else:
        names = SOBOL
        if s.kind == "morris":
            names = MORRIS + ((MORRIS_CONF,) if MORRIS_CONF in s.indices else ())
        columns = ["parameter", *names]
        rows = [[p, *(fmt(s.indices[n][j], digits) for n in names)]
                for j, p in enumerate(s.parameters)]
    with open(out, "w", newline="") as f:
        if markdown:
            f.write("| " + " | ".join(columns) + " |\n|" + "---|" * len(columns) + "\n")
            f.writelines("| " + " | ".join(r) + " |\n" for r in rows)
        else:
            w = csv.writer(f)
            w.writerow(columns)
            w.writerows(rows)


def draw_morris(plt, s: Sweep):
    mu, mu_star, sigma = (s.indices[k] for k in MORRIS)
    conf = s.indices.get(MORRIS_CONF, np.full_like(mu_star, np.nan))
    order = np.argsort(np.nan_to_num(mu_star, nan=-np.inf))  # most important on top
    d = len(s.parameters)
    trajectories = len(s.output_mean) // (d + 1)
    fig, (bars, scatter) = plt.subplots(1, 2, figsize=(11, 1.8 + 0.55 * d), dpi=120,
                                        gridspec_kw={"width_ratios": [3, 2]})
    y = np.arange(d)
    h = 0.38
    bars.barh(y + h / 2, np.nan_to_num(mu_star[order]), h, color="C0",
              label="μ*: mean |elementary effect| (importance), 95% bootstrap interval",
              xerr=np.nan_to_num(conf[order]), error_kw={"elinewidth": 1, "capsize": 3})
    bars.barh(y - h / 2, np.nan_to_num(sigma[order]), h, color="C1",
              label="σ: sd of the effects (nonlinearity, interactions)")
    for yi, j in zip(y, order):
        bars.text(np.nan_to_num(mu_star[j]) + np.nan_to_num(conf[j]), yi + h / 2,  # past the bar
                  f"  μ = {mu[j]:+.3g}", va="center", fontsize=7)
    bars.set_yticks(y, [s.parameters[j] for j in order], fontsize=8)
    bars.set_xlabel(f"effect on {s.output}, {s.effect_units} per full parameter range")
    bars.set_xlim(0, 1.25 * max(np.nanmax(np.r_[mu_star + np.nan_to_num(conf), sigma, 0.0]),
                                1e-12))
    bars.grid(axis="x", alpha=0.3)
    bars.legend(loc="lower right", fontsize=7)
    bars.set_title("Morris measures per parameter", fontsize=9)

    markers = "osD^v<>ph*"
    for k, j in enumerate(order[::-1]):  # a marker and colour per parameter: labels overlap
        scatter.errorbar(mu_star[j], sigma[j], xerr=np.nan_to_num(conf[j]), color=f"C{k % 10}",
                         marker=markers[k % 10], ls="none", elinewidth=0.8, capsize=2,
                         zorder=3, label=s.parameters[j])
    top = 1.15 * max(np.nanmax(np.r_[mu_star + np.nan_to_num(conf), sigma, 0.0]), 1e-12)
    scatter.plot([0, top], [0, top], color="grey", ls="--", lw=0.8, label="σ = μ*")
    scatter.set_xlim(0, top)
    scatter.set_ylim(0, top)
    scatter.set_xlabel(f"μ*, {s.effect_units}")
    scatter.set_ylabel(f"σ, {s.effect_units}")
    scatter.grid(alpha=0.3)
    scatter.legend(loc="upper left", fontsize=7, ncol=1 + d // 8)
    scatter.set_title("σ against μ*: above the line, effects vary", fontsize=9)
    note = (f"{trajectories} trajectories × {d + 1} points, {s.replications} replications each"
            + ("; σ needs 2 or more trajectories" if trajectories < 2 else ""))
    return fig, f"Morris screening of {s.long_name} in {s.year}", note


def draw_sobol(plt, s: Sweep):
    first, first_lo, first_hi, total, total_lo, total_hi = (s.indices[k] for k in SOBOL)
    d = len(s.parameters)
    order = np.argsort(np.nan_to_num(total, nan=-np.inf))
    fig, ax = plt.subplots(figsize=(8, 1.8 + 0.6 * d), dpi=120)
    y = np.arange(d)
    h = 0.38
    cut = False
    for offset, (v, lo, hi), color, label in (
            (h / 2, (total, total_lo, total_hi), "C3", "total order S_T (with interactions)"),
            (-h / 2, (first, first_lo, first_hi), "C0", "first order S_1 (alone)")):
        v, lo, hi = v[order], lo[order], hi[order]
        err = np.vstack([np.clip(v - lo, 0, None), np.clip(hi - v, 0, None)])
        ax.barh(y + offset, np.nan_to_num(v), h, color=color, alpha=0.8, label=label,
                xerr=np.nan_to_num(err), error_kw={"elinewidth": 1, "capsize": 3})
        cut |= bool(np.any(lo < SOBOL_AXIS[0]) or np.any(hi > SOBOL_AXIS[1]))
    ax.axvline(0, color="k", lw=0.8)
    ax.axvline(1, color="grey", lw=0.8, ls=":")
    ax.set_yticks(y, [s.parameters[j] for j in order], fontsize=8)
    values = np.r_[first, total, first_lo, first_hi, total_lo, total_hi]
    values = values[np.isfinite(values)]
    left = max(SOBOL_AXIS[0], min(-0.05, values.min(initial=0.0) - 0.05))
    right = min(SOBOL_AXIS[1], max(1.05, values.max(initial=0.0) + 0.05))
    ax.set_xlim(left, right)
    for offset, (v, lo, hi) in ((h / 2, (total, total_lo, total_hi)),
                                (-h / 2, (first, first_lo, first_hi))):
        for yi, j in zip(y, order):  # the numbers, also when the bar or interval is cut
            if np.isfinite(v[j]):
                ax.text(min(max(v[j], left), right), yi + offset,
                        f" {v[j]:.2f} [{lo[j]:.2f}, {hi[j]:.2f}] ", va="center",
                        ha="left" if v[j] < 0.5 * (left + right) else "right", fontsize=6,
                        bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none",
                              "pad": 0.5})
    ax.set_xlabel(f"share of the variance of {s.output} in {s.year}")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right", fontsize=7)
    n = len(s.output_mean) // (d + 2)
    note = (f"{n} base samples × {d + 2} blocks = {len(s.output_mean)} points, "
            f"{s.replications} replications each; bars: 95% bootstrap intervals")
    if cut:
        note += f" (some reach beyond the axis, cut at {SOBOL_AXIS[0]:g} and {SOBOL_AXIS[1]:g})"
    if not np.any(np.isfinite(values)):
        note += "; the output is constant: no indices"
    return fig, f"Sobol' indices of {s.long_name} in {s.year}", note


def draw_points(plt, s: Sweep):
    d = len(s.parameters)
    cols = min(d, 3)
    rows = -(-d // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 1.2 + 2.9 * rows), dpi=120,
                             sharey=True, squeeze=False)
    for j, p in enumerate(s.parameters):
        ax = axes.flat[j]
        x = s.design[:, j]
        ax.scatter(x, s.output_mean, s=14, color="C0", alpha=0.7, zorder=3)
        levels = np.unique(x)
        if 1 < len(levels) <= 12:  # a grid: the mean output at each level of the parameter
            ax.plot(levels, [np.nanmean(s.output_mean[x == v]) for v in levels], color="C3",
                    lw=1.2, label="mean over the other parameters")
            ax.legend(loc="best", fontsize=6)
        ax.set_xlabel(p, fontsize=8)
        ax.grid(alpha=0.3)
    for ax in axes.flat[d:]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel(f"{s.output}, {s.units}" if s.units else s.output, fontsize=8)
    note = (f"{s.design_name} design: {len(s.output_mean)} points, {s.replications} replications "
            "each; no sensitivity indices (use design = \"morris\" or \"saltelli\")")
    return fig, f"{s.long_name} in {s.year} at each design point", note


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sweep", help="output of a sweep batch (HDF5, from `nisim batch`)")
    ap.add_argument("-o", "--output", required=True, help="image file to write (.png, .pdf, .svg)")
    ap.add_argument("--csv", help="also write the indices table (.csv, or .md for Markdown)")
    ap.add_argument("--title", help="plot title")
    args = ap.parse_args(argv)

    try:
        s = read(args.sweep)
    except OutputError as e:
        fail(str(e))
    outs = [Path(args.output)] + ([Path(args.csv)] if args.csv else [])
    for out in outs:
        if not out.parent.is_dir():
            fail(f"{out}: directory {out.parent} does not exist")

    import matplotlib  # only now: errors above are reported without paying for the import

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    draw = {"morris": draw_morris, "saltelli": draw_sobol, "points": draw_points}[s.kind]
    fig, title, note = draw(plt, s)
    fig.suptitle(args.title or f"{title} ({s.output})", fontsize=10)
    fig.text(0.01, 0.01, note, fontsize=7, color="dimgrey", va="bottom")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(outs[0])
    plt.close(fig)
    print(f"wrote {outs[0]}")
    if args.csv:
        write_table(s, outs[1])
        print(f"wrote {outs[1]}")
    return 0


def cli() -> int:
    """Console entry point (pyproject.toml); the exit code of main() under guarded()."""
    return guarded(main)


if __name__ == "__main__":
    sys.exit(cli())
