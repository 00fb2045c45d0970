"""Shared helpers for the batch tests: small batch files, journal record counts, and an exact
dataset-by-dataset comparison of two batch outputs (attributes such as thread and rank counts
and timestamps may differ; every dataset must be bitwise equal)."""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

import h5py
import numpy as np

SOURCE = Path(__file__).resolve().parents[2]
SMALL = SOURCE / "tests" / "data" / "scenarios" / "small.toml"

JOURNAL_HEADER_BYTES = 32


def write_batch(path: Path, replications: int) -> Path:
    """Two scenarios (the small one and a variant without new policy), common random numbers."""
    variant = path.parent / "small_no_policy.toml"
    variant.write_text(
        f'inherit = "{SMALL}"\n[schemes.nifs]\nenabled = false\n[schemes.nias]\nenabled = false\n'
    )
    path.write_text(
        "[batch]\n"
        f"replications = {replications}\n"
        "seed = 99\n"
        'base = "small"\n\n'
        f'[[scenario]]\nfile = "{SMALL}"\n\n'
        f'[[scenario]]\nfile = "{variant}"\nname = "no_policy"\n'
    )
    return path


def single_process_batch(nisim_bin: Path, batch: Path, out: Path) -> Path:
    """The reference: the batch on one process, two threads, run to completion."""
    r = subprocess.run([str(nisim_bin), "batch", str(batch), "-o", str(out), "--threads", "2", "-q"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert not Path(str(out) + ".journal").exists(), "a finished batch removes its journal"
    return out


def journal_records(journal: Path, years: int = 7, variables: int = 13, indicators: int = 10) -> int:
    """Complete records in a journal (engine/journal.hpp format) for the small scenario."""
    if not journal.exists():
        return 0
    record = 16 + 8 * (variables * years + indicators)
    return max(0, journal.stat().st_size - JOURNAL_HEADER_BYTES) // record


def wait_for_records(journal: Path, at_least: int, proc, timeout: float = 120.0) -> int:
    """Poll until the journal holds `at_least` records (or the process ends)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        n = journal_records(journal)
        if n >= at_least or proc.poll() is not None:
            return n
        time.sleep(0.02)
    raise AssertionError(f"journal {journal} did not reach {at_least} records in {timeout} s")


def datasets(path: Path) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()])
                     if isinstance(obj, h5py.Dataset) else None)
    return out


def assert_same_datasets(a: Path, b: Path) -> int:
    """Every dataset of `a` equals `b`'s (same names, dtypes, shapes, bytes). Returns the count."""
    da, db = datasets(a), datasets(b)
    assert sorted(da) == sorted(db)
    for name, x in da.items():
        y = db[name]
        assert x.dtype == y.dtype and np.shape(x) == np.shape(y), name
        if x.dtype.kind in "fiu":
            assert np.asarray(x).tobytes() == np.asarray(y).tobytes(), name
        else:
            assert (np.asarray(x) == np.asarray(y)).all(), name
    return len(da)
