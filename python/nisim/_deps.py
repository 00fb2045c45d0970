"""The Python modules nisim needs, checked before they are imported.

Every command-line entry point calls `need(...)` before importing numpy, h5py, xarray or
matplotlib: a missing module is one line on stderr naming it, its Debian package and the
interpreter that has them, and exit code EXIT_MODULE (README.md, "Exit codes") - never a
traceback. The library functions (`nisim.open_run`, `nisim.open_batch`) raise MissingModule, an
ImportError carrying the same message, instead of exiting.

This module imports nothing outside the standard library.
"""
from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

EXIT_MODULE = 6  # README.md exit-code table: a Python module a tool needs is missing

# Debian package and pip package of each module nisim's Python code may import.
MODULES = {"numpy": ("python3-numpy", "numpy"), "h5py": ("python3-h5py", "h5py"),
           "matplotlib": ("python3-matplotlib", "matplotlib"),
           "xarray": ("python3-xarray", "xarray"), "pandas": ("python3-pandas", "pandas"),
           "h5netcdf": ("python3-h5netcdf", "h5netcdf")}

# The interpreter whose Debian packages hold every module above.
DEBIAN_PYTHON = "/usr/bin/python3"


class MissingModule(ImportError):
    """A module nisim needs cannot be imported; str() is the one-line message."""


def missing(*modules: str) -> list[str]:
    """The modules of `modules` that cannot be imported in this interpreter, in order."""
    out: list[str] = []
    for m in modules:
        try:
            importlib.import_module(m)
        except ImportError as e:
            # h5py without numpy fails on numpy: name the module that is really absent.
            root = (e.name or "").split(".")[0]
            name = root if root in MODULES else m
            if name not in out:
                out.append(name)
    return out


def message(absent: list[str]) -> str:
    """One line: what is missing and how to get it."""
    debs = " ".join(MODULES.get(m, (f"python3-{m}", m))[0] for m in absent)
    pips = " ".join(MODULES.get(m, (f"python3-{m}", m))[1] for m in absent)
    names = ", ".join(f"'{m}'" for m in absent)
    plural = "s" if len(absent) > 1 else ""
    exe = sys.executable or "this interpreter"
    # Debian's own interpreter (not a venv of it): suggesting itself would not help.
    debian = sys.prefix == sys.base_prefix == "/usr" and os.path.exists(DEBIAN_PYTHON)
    other = "" if debian else f", or run with {DEBIAN_PYTHON}"
    return (f"missing Python module{plural} {names} in {exe} "
            f"(Debian: apt-get install {debs}{other}; elsewhere: pip install {pips})")


def require(*modules: str) -> None:
    """Raise MissingModule naming every module of `modules` that cannot be imported."""
    absent = missing(*modules)
    if absent:
        raise MissingModule(message(absent))


def need(*modules: str) -> None:
    """For command-line entry points: if any of `modules` cannot be imported, print one line
    `PROG: error: missing Python module ...` and exit with EXIT_MODULE."""
    absent = missing(*modules)
    if absent:
        print(f"{Path(sys.argv[0] or 'nisim').name}: error: {message(absent)}", file=sys.stderr)
        raise SystemExit(EXIT_MODULE)
