"""batches/compare_uncertain.toml as shipped (docs/batches.md section 9): in a copy of the
checkout's input folders, the documented fit command makes out/fit_ci.h5 and the batch runs on
it (fewer replications), drawing each replication's parameters from the fit and pairing the
scenarios."""
from __future__ import annotations

import shutil
from pathlib import Path

import h5py
import numpy as np

from conftest import SOURCE, run_tool


def test_the_shipped_batch_runs_on_the_documented_fit(nisim_bin: Path, tmp_path: Path) -> None:
    for d in ("batches", "scenarios", "calibration", "data"):
        shutil.copytree(SOURCE / d, tmp_path / d)
    (tmp_path / "out").mkdir()
    r = run_tool(nisim_bin, "calibrate", tmp_path / "calibration" / "ci.toml", "-o",
                 tmp_path / "out" / "fit_ci.h5", "--threads", "2", "-q")
    assert r.returncode == 0, r.stderr
    out = tmp_path / "out" / "u.h5"
    r = run_tool(nisim_bin, "batch", tmp_path / "batches" / "compare_uncertain.toml", "-o", out,
                 "--replications", "4", "--draws", "2", "--set", "run.horizon=2020",
                 "--threads", "2", "-q")
    assert r.returncode == 0, r.stderr
    with h5py.File(out, "r") as f, h5py.File(tmp_path / "out" / "fit_ci.h5", "r") as fit:
        draws = f["parameter_draws"][()]
        assert draws.shape == (4, fit["estimate"].shape[0])
        np.testing.assert_array_equal(draws[0], draws[1])  # replications 0, 1: draw 0
        np.testing.assert_array_equal(draws[2], draws[3])  # replications 2, 3: draw 1
        assert not np.array_equal(draws[0], draws[2])
        assert f.attrs["draws"] == 2
