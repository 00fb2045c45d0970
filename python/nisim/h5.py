"""Reading nisim HDF5 output files (schema: docs/output.md) with clear errors.

Run files come from `nisim run`, batch files from `nisim batch` (docs/batches.md). Used by the
plotting and analysis tools (nisim.tools) and by nisim.open_run/open_batch; depends only on h5py
and numpy. (Formerly tools/nisim_h5.py, which now loads this module.)

Hostile or damaged files (docs/analysis.md, "Malformed files"): no dataset declaring more than
MAX_DATASET_BYTES is read (every h5py read in the process checks it), `read` checks dtype and
shape before it reads, and `guarded(main)` turns whatever a malformed file still raises, or a
crash of the HDF5 library on it, into one line naming the file, exit code EXIT_IO. A missing
Python module is one line naming the Debian package and /usr/bin/python3, exit EXIT_MODULE
(`need`, nisim/_deps.py).
"""
from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path
from typing import Callable, NamedTuple

from nisim._deps import EXIT_MODULE, MODULES, need, require  # noqa: F401 (tools import them)

EXIT_IO = 4      # same meaning as the nisim binary's exit code 4 (file error)

require("numpy", "h5py")  # a library import: MissingModule (an ImportError), not an exit
import h5py  # noqa: E402
import numpy as np  # noqa: E402

# A dataset declaring more than this many bytes is refused before anything is read: the largest
# dataset nisim writes (a 10,000-run batch's per-run variables) is a few MB; a hostile file of a
# few KB can declare terabytes (HDF5 allocates the fill value for unwritten chunks).
MAX_DATASET_BYTES = 1 << 30


class OutputError(Exception):
    """A file is missing, unreadable or not an nisim output file."""


_files_fd: int | None = None  # where guarded()'s child reports each file it opens


def _declared_bytes(d: h5py.Dataset) -> int:
    n = 1
    for k in d.shape or ():
        n *= int(k)
    return n * max(1, d.dtype.itemsize)


def check_dataset(d: h5py.Dataset, path: str | Path) -> None:
    """Raise OutputError naming file and dataset if `d` declares more than MAX_DATASET_BYTES."""
    size = _declared_bytes(d)
    if size > MAX_DATASET_BYTES:
        raise OutputError(f"{path}: dataset {d.name} declares shape {d.shape} of {d.dtype} "
                          f"({size:,} bytes), more than the {MAX_DATASET_BYTES:,} a reader "
                          "accepts; not a file nisim writes")


# Every read of a dataset in a tool, through nisim_h5 or not (f[name][:], np.asarray(f[name])),
# checks the declared size first: a tool never allocates for a hostile shape.
_dataset_getitem = h5py.Dataset.__getitem__
_dataset_array = h5py.Dataset.__array__


def _checked_getitem(self: h5py.Dataset, *args, **kwargs):  # noqa: ANN002, ANN003
    check_dataset(self, self.file.filename)
    return _dataset_getitem(self, *args, **kwargs)


def _checked_array(self: h5py.Dataset, *args, **kwargs):  # noqa: ANN002, ANN003
    check_dataset(self, self.file.filename)
    return _dataset_array(self, *args, **kwargs)


h5py.Dataset.__getitem__ = _checked_getitem
h5py.Dataset.__array__ = _checked_array


def _open_h5(p: Path) -> h5py.File:
    if not p.is_file():
        raise OutputError(f"{p}: no such file")
    _current.append(p)
    if _files_fd is not None:
        os.write(_files_fd, f"{p}\n".encode(errors="replace"))
    try:
        return h5py.File(p, "r")
    except (OSError, ValueError, RuntimeError) as e:
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
        years = read(f, path, "year", dtype=int, ndim=1)
        share = read(f, path, "mfg_share", ndim=1, length=len(years))
        name = scenario_of(f, path)
    return years, share, name


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
        if isinstance(f.get("cross"), h5py.Group):
            kind = ("an nisim [cross] batch output (every scenario at every design point, "
                    "docs/batches.md section 11), not a sweep; read it with nisim.open_batch")
        elif "replications" in f.attrs and "scenarios" in f.attrs:
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


def read(f: h5py.File | h5py.Group, path: str | Path, name: str, dtype: type = float,
         ndim: int | None = None, length: int | None = None) -> np.ndarray:
    """Dataset `name` of `f` as an array, or OutputError naming the file and dataset if it is
    missing, of the wrong kind (text where numbers are expected or the reverse), not of rank
    `ndim`, not `length` long on its first axis, empty, oversized, or cannot be read (a damaged
    or truncated file). Shape and dtype are checked before anything is read."""
    require(f, path, name)
    try:
        d = f[name]
        check_dataset(d, path)
        kind = d.dtype.kind
    except (OSError, KeyError, ValueError, TypeError, RuntimeError) as e:
        raise OutputError(f"{path}: cannot open dataset {name} ({e}); the file is damaged") from None
    text = dtype is object or dtype is str
    if text and kind not in "SUO":
        raise OutputError(f"{path}: dataset {d.name} holds {d.dtype}, expected text labels")
    if not text and kind not in "biuf":
        raise OutputError(f"{path}: dataset {d.name} holds {d.dtype}, expected numbers")
    if ndim is not None and d.ndim != ndim:
        raise OutputError(f"{path}: dataset {d.name} has {d.ndim} dimension(s) {d.shape}, "
                          f"expected {ndim}")
    if length is not None and (d.ndim == 0 or d.shape[0] != length):
        raise OutputError(f"{path}: dataset {d.name} has shape {d.shape}, expected {length} "
                          "along its first axis")
    if d.size == 0:
        raise OutputError(f"{path}: dataset {d.name} is empty")
    try:
        return np.asarray(d[()], dtype=dtype)
    except (OSError, ValueError, TypeError) as e:
        raise OutputError(f"{path}: cannot read dataset {d.name} ({e}); the file is "
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
    """The comma-separated `wanted` names (all if None), or ValueError listing the valid ones.
    OutputError for a sweep or a cross, whose runs are arrays in their `sweep` or `cross` group,
    not scenario groups."""
    names = scenario_names(f)
    if not names and isinstance(f.get("cross"), h5py.Group):
        raise OutputError(f"{f.filename}: a [cross] batch: every scenario at every design point, "
                          "stored as arrays [scenario, point, ...] in the group cross, not "
                          "scenario groups; this tool cannot read it; read it with "
                          "nisim.open_batch (docs/batches.md section 11)")
    if not names and isinstance(f.get("sweep"), h5py.Group):
        raise OutputError(f"{f.filename}: a sweep: its design points are arrays [point, ...] in "
                          "the group sweep, not scenario groups; read them with nisim.open_batch "
                          "or sensitivity_chart.py (docs/batches.md section 6)")
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
    g, path = f[scenario], f.filename
    years = read(g, path, "year", dtype=int, ndim=1)
    levels = read(g, path, "percentile", ndim=1)
    T, P = len(years), len(levels)
    if f"{variable}_mean" in g and f"{variable}_percentiles" in g:
        mean = read(g, path, f"{variable}_mean", ndim=1, length=T)
        pct = read(g, path, f"{variable}_percentiles", ndim=2, length=P)
        if pct.shape[1] != T:
            raise OutputError(f"{path}: dataset {g.name}/{variable}_percentiles has shape "
                              f"{pct.shape}, expected ({P}, {T}): percentile x year")
        return Summary(years, mean, levels, pct)
    runs = read(g, path, variable, ndim=2)
    if runs.shape[1] != T:
        raise OutputError(f"{path}: dataset {g.name}/{variable} has shape {runs.shape}, "
                          f"expected (replications, {T}): replication x year")
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


# What a malformed file can make h5py and numpy raise in a tool's own code: a missing object
# (KeyError), a short array (IndexError), a wrong dtype or shape (ValueError, TypeError), a
# damaged file (OSError, RuntimeError), a soft-link loop (KeyError, RecursionError), text that
# is not UTF-8 (UnicodeDecodeError, a ValueError).
_current: list[Path] = []  # the files opened so far, for guarded()'s message
MALFORMED = (KeyError, IndexError, ValueError, TypeError, OSError, RuntimeError, RecursionError,
             AttributeError, ZeroDivisionError, OverflowError)


def _guarded(main: Callable[[], int]) -> int:
    try:
        return main()
    except OutputError as e:
        fail(str(e))
    except MALFORMED as e:
        if not _current:
            raise
        what = str(e).strip("'\"") or type(e).__name__
        fail(f"{_current[-1]}: malformed nisim output ({type(e).__name__}: {what}); "
             "the file is damaged or was not written by nisim")
    return EXIT_IO


def _exit_code(e: SystemExit) -> int:
    if e.code is None or isinstance(e.code, int):
        return e.code or 0
    print(e.code, file=sys.stderr)
    return 1


def guarded(main: Callable[[], int]) -> int:
    """Run a tool's main(): an OutputError, or an error a malformed input file raises, becomes
    one line naming the file (and the object, as h5py names it) and exit EXIT_IO; an error
    raised before any file was opened is a bug and keeps its traceback.

    main() runs in a forked child: the HDF5 library itself can crash (abort or segfault) on a
    damaged file, and then the parent reports the file the child was reading, exit EXIT_IO,
    instead of a core dump."""
    global _files_fd
    if not hasattr(os, "fork"):
        return _guarded(main)
    err_r, err_w = os.pipe()
    files_r, files_w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: stderr goes to the parent, which prints it unless we crash
        os.close(err_r)
        os.close(files_r)
        os.dup2(err_w, 2)
        _files_fd = files_w
        code = 1
        try:
            code = _guarded(main) or 0
        except SystemExit as e:
            code = _exit_code(e)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    os.close(err_w)
    os.close(files_w)
    with os.fdopen(err_r, "rb") as f:
        err = f.read()
    with os.fdopen(files_r, "rb") as f:
        files = f.read().decode(errors="replace").splitlines()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        fail(f"{files[-1] if files else 'an input file'}: the HDF5 library crashed reading it "
             f"(signal {os.WTERMSIG(status)}); the file is damaged")
    sys.stderr.write(err.decode(errors="replace"))
    return os.waitstatus_to_exitcode(status)


def fail(message: str, code: int = EXIT_IO) -> None:
    """Print an error the way the nisim binary does and exit with `code`."""
    print(f"{Path(sys.argv[0]).name}: error: {message}", file=sys.stderr)
    raise SystemExit(code)
