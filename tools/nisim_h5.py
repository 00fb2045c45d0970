"""Reading nisim HDF5 output files (schema: docs/output.md) with clear errors.

Run files come from `nisim run`, batch files from `nisim batch` (docs/batches.md). Used by the
plotting and analysis tools; depends only on h5py and numpy.
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import NamedTuple

import h5py
import numpy as np

EXIT_IO = 4  # same meaning as the nisim binary's exit code 4 (file error)


class OutputError(Exception):
    """A file is missing, unreadable or not an nisim output file."""


def _open_h5(p: Path) -> h5py.File:
    if not p.is_file():
        raise OutputError(f"{p}: no such file")
    try:
        return h5py.File(p, "r")
    except OSError as e:
        raise OutputError(f"{p}: not a readable HDF5 file ({e})") from None


def open_run(path: str | Path) -> h5py.File:
    """Open an nisim run file for reading, or raise OutputError naming the file."""
    p = Path(path)
    f = _open_h5(p)
    if "nisim_version" not in f.attrs or "mfg_share" not in f or "year" not in f:
        f.close()
        raise OutputError(f"{p}: an HDF5 file, but not an nisim run output (no mfg_share/year)")
    return f


def share_path(path: str | Path) -> tuple[np.ndarray, np.ndarray, str]:
    """(years, manufacturing share in percent, scenario name) of one run file."""
    with open_run(path) as f:
        years = np.asarray(f["year"][:], dtype=int)
        share = np.asarray(f["mfg_share"][:], dtype=float)
        name = f.attrs.get("scenario_name", Path(path).stem)
        if isinstance(name, bytes):
            name = name.decode()
    return years, share, str(name)


def open_batch(path: str | Path) -> h5py.File:
    """Open an nisim batch file (`nisim batch`) for reading, or raise OutputError naming it."""
    p = Path(path)
    f = _open_h5(p)
    if "replications" not in f.attrs or "scenarios" not in f.attrs:
        is_run = "nisim_version" in f.attrs and "mfg_share" in f
        f.close()
        if is_run:
            raise OutputError(f"{p}: an nisim run file, not a batch output; make one with "
                              "`nisim batch BATCH.toml -o OUT.h5` (docs/batches.md)")
        raise OutputError(f"{p}: an HDF5 file, but not an nisim batch output "
                          "(no replications/scenarios attributes)")
    missing = [s for s in scenario_names(f) if not isinstance(f.get(s), h5py.Group)]
    if missing:
        f.close()
        raise OutputError(f"{p}: a batch output without the group of scenario(s) "
                          f"{', '.join(missing)}")
    return f


SWEEP_DATASETS = ("point", "parameter", "design", "output_mean")


def open_sweep(path: str | Path) -> h5py.File:
    """Open the output of a sweep batch (a batch file with a [sweep] table) for reading, or raise
    OutputError naming the file and saying what it is instead. The caller reads f["sweep"]."""
    p = Path(path)
    f = _open_h5(p)
    g = f.get("sweep")
    if not isinstance(g, h5py.Group):
        if "replications" in f.attrs and "scenarios" in f.attrs:
            kind = ("an nisim batch output without a sweep group (its batch file has "
                    "[[scenario]] tables)")
        elif "target_share_pct" in f.attrs:
            kind = "an nisim target output (`nisim target`), not a sweep"
        elif "nisim_version" in f.attrs and "mfg_share" in f:
            kind = "an nisim run file, not a sweep"
        else:
            kind = "an HDF5 file, but not an nisim sweep output (no 'sweep' group)"
        f.close()
        raise OutputError(f"{p}: {kind}; make one with `nisim batch SWEEP.toml -o OUT.h5` "
                          "from a batch file with a [sweep] table (docs/batches.md)")
    missing = [k for k in SWEEP_DATASETS if not isinstance(g.get(k), h5py.Dataset)]
    if missing or "output" not in g.attrs or "year" not in g.attrs:
        f.close()
        raise OutputError(f"{p}: a 'sweep' group without "
                          f"{', '.join(missing) or 'its output/year attributes'}")
    return f


def open_output(path: str | Path) -> tuple[h5py.File, str]:
    """Open a run file or a batch file: (file, "run" or "batch"), or raise OutputError naming
    the file and saying what it is instead (missing, not HDF5, truncated, foreign)."""
    p = Path(path)
    f = _open_h5(p)
    if "replications" in f.attrs and "scenarios" in f.attrs:
        f.close()
        return open_batch(p), "batch"
    if "nisim_version" in f.attrs and "mfg_share" in f and "year" in f:
        return f, "run"
    f.close()
    raise OutputError(f"{p}: an HDF5 file, but neither an nisim run output nor a batch output "
                      "(no mfg_share/year, no replications/scenarios attributes)")


def require(f: h5py.File | h5py.Group, path: str | Path, *names: str, what: str = "") -> None:
    """Raise OutputError naming the file and every dataset of `names` missing from `f`."""
    missing = [n for n in names if not isinstance(f.get(n), h5py.Dataset)]
    if missing:
        where = f" in group {f.name}" if f.name != "/" else ""
        raise OutputError(f"{path}: no dataset {', '.join(missing)}{where}"
                          + (f"; {what}" if what else ""))


def read(f: h5py.File | h5py.Group, path: str | Path, name: str,
         dtype: type = float) -> np.ndarray:
    """Dataset `name` of `f` as an array, or OutputError naming the file if it is missing or
    cannot be read (a damaged or truncated file)."""
    require(f, path, name)
    try:
        return np.asarray(f[name][()], dtype=dtype)
    except (OSError, ValueError, TypeError) as e:
        raise OutputError(f"{path}: cannot read dataset {f[name].name} ({e}); the file is "
                          "damaged or truncated") from None


def labels(f: h5py.File | h5py.Group, path: str | Path, name: str) -> list[str]:
    """A string dimension scale (scheme, site, indicator, sector) as a list of str."""
    return [_text(v) for v in read(f, path, name, dtype=object)]


def scenario_of(f: h5py.File, path: str | Path) -> str:
    """The scenario name of a run file (attribute scenario_name), else the file stem."""
    return _text(f.attrs.get("scenario_name", Path(path).stem))


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def scenario_names(f: h5py.File) -> list[str]:
    """Scenario groups of a batch file, in batch order."""
    return [s for s in _text(f.attrs["scenarios"]).split(",") if s]


def check_scenarios(f: h5py.File, wanted: str | None) -> list[str]:
    """The comma-separated `wanted` names (all if None), or ValueError listing the valid ones."""
    names = scenario_names(f)
    if wanted is None:
        return names
    chosen = [w.strip() for w in wanted.split(",") if w.strip()]
    unknown = [w for w in chosen if w not in names]
    if unknown or not chosen:
        raise ValueError(f"unknown scenario {', '.join(map(repr, unknown)) or repr(wanted)}; "
                         f"the batch has: {', '.join(names)}")
    return chosen


def run_variables(f: h5py.File, scenario: str) -> list[str]:
    """Per-run datasets [replication, year] of one scenario (mfg_share, gdp, ...)."""
    g = f[scenario]
    return [k for k, d in g.items() if isinstance(d, h5py.Dataset) and d.ndim == 2
            and not k.endswith("_percentiles")]


class Summary(NamedTuple):
    """Ensemble summary of one variable of one scenario, per year."""

    years: np.ndarray        # [T] int
    mean: np.ndarray         # [T] mean over replications (NaN rows ignored)
    levels: np.ndarray       # [P] percent, e.g. 5 25 50 75 95
    percentiles: np.ndarray  # [P, T]


def summary(f: h5py.File, scenario: str, variable: str = "mfg_share") -> Summary:
    """The stored <variable>_mean/_percentiles of a scenario; for a variable without stored
    summaries, the same statistics computed from its per-run dataset (numpy linear method)."""
    g = f[scenario]
    years = np.asarray(g["year"][:], dtype=int)
    levels = np.asarray(g["percentile"][:], dtype=float)
    if f"{variable}_mean" in g and f"{variable}_percentiles" in g:
        return Summary(years, np.asarray(g[f"{variable}_mean"][:], dtype=float), levels,
                       np.asarray(g[f"{variable}_percentiles"][:], dtype=float))
    runs = np.asarray(g[variable][:], dtype=float)
    with warnings.catch_warnings():  # a year with no written row is NaN, as in the file
        warnings.simplefilter("ignore", RuntimeWarning)
        return Summary(years, np.nanmean(runs, axis=0), levels,
                       np.nanpercentile(runs, levels, axis=0, method="linear"))


def written_runs(f: h5py.File, scenario: str, *variables: str) -> list[np.ndarray]:
    """Per-run datasets [replication, year] of a scenario without the rows never written (all
    NaN in mfg_share: the fill value); the same replications in every returned array."""
    g = f[scenario]
    written = ~np.all(np.isnan(g["mfg_share"][:]), axis=1)
    return [np.asarray(g[v][:], dtype=float)[written] for v in variables]


def fail(message: str, code: int = EXIT_IO) -> None:
    """Print an error the way the nisim binary does and exit with `code`."""
    print(f"{Path(sys.argv[0]).name}: error: {message}", file=sys.stderr)
    raise SystemExit(code)
