"""Tables of an attribution (`nisim attribute`, docs/batches.md "Attribution") in Markdown.

    /usr/bin/python3 tools/attribution_table.py OUT.h5 [OUT2.h5 ...] [--update docs/analysis.md]

For each file: per scheme group, the Shapley value of the manufacturing share (pp), of
manufacturing employment (persons) and of public money (HK$ M), the additionality of the share
(the effect of removing the group from the full package), and the cost per percentage point
of share attributed, on all public money and on the manufacturing-relevant part; each as the
mean over replications with its 95% interval (Student t; the cost: delta method). A last row
gives the whole package (base - counterfactual). --update FILE replaces the text between the
lines `<!-- attribution-table:begin -->` and `<!-- attribution-table:end -->` of FILE with the
tables, so a doc can be regenerated. Exit codes: 0 ok, 2 usage, 4 an input is missing, damaged
or not an attribution file, or FILE has no markers.
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from nisim._deps import need  # noqa: E402

need("numpy", "h5py")

import h5py  # noqa: E402

from nisim.h5 import guarded, OutputError, labels, read  # noqa: E402
from nisim.tools._blocks import replace_block  # noqa: E402

OUTCOMES = ["mfg_share", "employment", "public_money", "public_money_mfg"]


def cell(mean: float, low: float, high: float, digits: int) -> str:
    if math.isnan(mean):
        return "undefined"
    if math.isnan(low):
        return f"{mean:+.{digits}f}"
    return f"{mean:+.{digits}f} [{low:+.{digits}f}, {high:+.{digits}f}]"


def money(mean: float, low: float, high: float) -> str:
    if math.isnan(mean):
        return "undefined (no share)"
    if math.isnan(low):
        return f"{mean:,.0f}"
    return f"{mean:,.0f} [{low:,.0f}, {high:,.0f}]"


def attr(f: h5py.File, name: str, path: Path):
    if name not in f.attrs:
        raise OutputError(f"{path}: no attribute {name}; not an nisim attribution file")
    v = f.attrs[name]
    return v.decode() if isinstance(v, bytes) else v


def table(path: Path) -> str:
    try:
        f = h5py.File(path, "r")
    except (OSError, ValueError) as e:
        raise OutputError(f"{path}: not a readable HDF5 file ({e})") from None
    with f:
        method = attr(f, "method", path)
        groups = labels(f, path, "group")
        outcomes = labels(f, path, "outcome")
        if outcomes != OUTCOMES:
            raise OutputError(f"{path}: outcomes {outcomes}, expected {OUTCOMES}")
        k = len(groups)
        stats = {}
        for what in ("shapley", "additionality"):
            for part in ("mean", "ci_low", "ci_high"):
                stats[what, part] = read(f, path, f"{what}_{part}", ndim=2, length=k)
        total = {p: read(f, path, f"total_effect_{p}", ndim=1) for p in ("mean", "ci_low", "ci_high")}
        cost = {}
        for scope in ("all", "mfg"):
            for part in ("", "_ci_low", "_ci_high"):
                cost[scope, part] = read(f, path, f"cost_per_pp_{scope}{part}", ndim=1, length=k)
        package = {(s, p): float(attr(f, f"package_cost_per_pp_{s}{p}", path))
                   for s in ("all", "mfg") for p in ("", "_ci_low", "_ci_high")}
        text = attr(f, "attribution_text", path)
        sets = [line.strip() for line in _set_lines(text)]
        head = (f"`{Path(attr(f, 'attribution_path', path)).name}`: effect in "
                f"{int(attr(f, 'year', path))}, mean [95% CI] over {int(attr(f, 'replications', path))} "
                f"replications (seed {int(attr(f, 'seed', path))}), "
                f"{'exact Shapley values' if method == 'exact' else 'Shapley values from ' + str(int(attr(f, 'permutations', path))) + ' sampled permutations per replication'}"
                f"{', common random numbers' if int(attr(f, 'common_random_numbers', path)) else ', independent seeds per coalition'}"
                f"{'; set in every run: ' + ', '.join(f'`{s}`' for s in sets) if sets else ''}.")
    rows = [head, "",
            "| scheme group | share, Shapley (pp) | share, additionality (pp) | employment, Shapley "
            "(persons) | public money, Shapley (HK$ M) | cost per pp, all money (HK$ M) "
            "| cost per pp, mfg-relevant money (HK$ M) |",
            "|---|---|---|---|---|---|---|"]
    S = stats
    for i, g in enumerate(groups):
        rows.append(
            f"| {g} | {cell(S['shapley', 'mean'][i, 0], S['shapley', 'ci_low'][i, 0], S['shapley', 'ci_high'][i, 0], 4)} "
            f"| {cell(S['additionality', 'mean'][i, 0], S['additionality', 'ci_low'][i, 0], S['additionality', 'ci_high'][i, 0], 4)} "
            f"| {cell(S['shapley', 'mean'][i, 1], S['shapley', 'ci_low'][i, 1], S['shapley', 'ci_high'][i, 1], 0)} "
            f"| {cell(S['shapley', 'mean'][i, 2], S['shapley', 'ci_low'][i, 2], S['shapley', 'ci_high'][i, 2], 0)} "
            f"| {money(cost['all', ''][i], cost['all', '_ci_low'][i], cost['all', '_ci_high'][i])} "
            f"| {money(cost['mfg', ''][i], cost['mfg', '_ci_low'][i], cost['mfg', '_ci_high'][i])} |")
    rows.append(
        f"| **whole package** (base − counterfactual) "
        f"| {cell(total['mean'][0], total['ci_low'][0], total['ci_high'][0], 4)} "
        f"| {cell(total['mean'][0], total['ci_low'][0], total['ci_high'][0], 4)} "
        f"| {cell(total['mean'][1], total['ci_low'][1], total['ci_high'][1], 0)} "
        f"| {cell(total['mean'][2], total['ci_low'][2], total['ci_high'][2], 0)} "
        f"| {money(package['all', ''], package['all', '_ci_low'], package['all', '_ci_high'])} "
        f"| {money(package['mfg', ''], package['mfg', '_ci_low'], package['mfg', '_ci_high'])} |")
    return "\n".join(rows) + "\n"


def _set_lines(text: str) -> list[str]:
    """The key = value lines of the [attribution.set] table of an attribution file's text."""
    out, inside = [], False
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("["):
            inside = s == "[attribution.set]"
            continue
        if inside and "=" in s and not s.startswith("#"):
            out.append(s.replace('"', ""))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path, help="attribution files (nisim attribute)")
    ap.add_argument("--update", type=Path, help="replace the marked section of this file")
    args = ap.parse_args()
    body = "\n".join(table(p) for p in args.files)
    if args.update:
        replace_block(args.update, "attribution-table", body)
    else:
        sys.stdout.write(body)
    return 0


def cli() -> int:
    """Console entry point (pyproject.toml); the exit code of main() under guarded()."""
    return guarded(main)


if __name__ == "__main__":
    sys.exit(cli())
