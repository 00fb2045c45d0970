"""Reading nisim HDF5 output files (schema: docs/output.md) with clear errors.

Used by the plotting and analysis tools; depends only on h5py and numpy.
"""
from __future__ import annotations

import sys
from pathlib import Path

import h5py
import numpy as np

EXIT_IO = 4  # same meaning as the nisim binary's exit code 4 (file error)


class OutputError(Exception):
    """A file is missing, unreadable or not an nisim output file."""


def open_run(path: str | Path) -> h5py.File:
    """Open an nisim run file for reading, or raise OutputError naming the file."""
    p = Path(path)
    if not p.is_file():
        raise OutputError(f"{p}: no such file")
    try:
        f = h5py.File(p, "r")
    except OSError as e:
        raise OutputError(f"{p}: not a readable HDF5 file ({e})") from None
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


def fail(message: str, code: int = EXIT_IO) -> None:
    """Print an error the way the nisim binary does and exit with `code`."""
    print(f"{Path(sys.argv[0]).name}: error: {message}", file=sys.stderr)
    raise SystemExit(code)
