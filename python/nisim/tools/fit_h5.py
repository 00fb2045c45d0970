"""Reading FIT.h5, the output of `nisim calibrate` (docs/output.md, "Calibration files"), with
the guarded reads of nisim.h5 (one line naming the file on a missing, foreign or damaged file).
Used by fit_chart.py and calibration_report.py."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from nisim._deps import need  # noqa: E402

need("numpy", "h5py")

from nisim.h5 import OutputError, _open_h5, labels, read  # noqa: E402

PARAMETER_DATASETS = ("estimate", "se", "bound_min", "bound_max", "identified", "influence")
MOMENT_DATASETS = ("observed", "simulated_mean", "simulated_p05", "simulated_p95", "error",
                   "relative_error", "holdout", "moment_year", "weight")


def read_fit(path: str | Path) -> dict[str, Any]:
    """Every table of a FIT.h5 as numpy arrays and lists of str, plus its attributes; OutputError
    naming the file if it is not a calibration output."""
    p = Path(path)
    with _open_h5(p) as f:
        if "objective" not in f.attrs or "calibration_text" not in f.attrs:
            raise OutputError(f"{p}: an HDF5 file, but not an nisim calibration output (no "
                              "objective/calibration_text attributes); make one with "
                              "`nisim calibrate CALIB.toml -o FIT.h5`")
        fit: dict[str, Any] = {"parameter": labels(f, p, "parameter"),
                               "moment": labels(f, p, "moment"),
                               "moment_output": labels(f, p, "moment_output")}
        d, k = len(fit["parameter"]), len(fit["moment"])
        for name in PARAMETER_DATASETS:
            fit[name] = read(f, p, name, ndim=1, length=d)
        for name in MOMENT_DATASETS:
            fit[name] = read(f, p, name, ndim=1, length=k)
        fit["singular_values"] = read(f, p, "singular_values", ndim=1, length=d)
        fit["jacobian"] = read(f, p, "jacobian", ndim=2, length=k)
        fit["replicates"] = read(f, p, "replicates", ndim=2)
        if fit["jacobian"].shape[1] != d or fit["replicates"].shape[1] != k:
            raise OutputError(f"{p}: jacobian or replicates of the wrong shape")
        attrs = {}
        for name in ("objective", "jacobian_condition", "runs_per_second", "run_seconds"):
            attrs[name] = float(f.attrs[name]) if name in f.attrs else float("nan")
        for name in ("jacobian_rank", "replications", "fit_to", "runs"):
            attrs[name] = int(f.attrs[name]) if name in f.attrs else -1
        for name in ("nisim_version", "git_commit", "data_sha256", "calibration_path"):
            v = f.attrs.get(name, "")
            attrs[name] = v.decode() if isinstance(v, bytes) else str(v)
        fit["attrs"] = attrs
    return fit


def series_of(moment: str) -> str:
    """The data series of a moment label "series[:sector]@year"."""
    return moment.rsplit("@", 1)[0]
