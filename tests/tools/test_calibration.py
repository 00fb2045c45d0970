"""`nisim calibrate` from the command line and the tools that read its FIT.h5:
tools/calibration_report.py (tables equal to what h5py reads; re-run between markers leaves the
rest of the document alone) and tools/fit_chart.py (a PNG, one panel per data series). Bad
input: exit 3 naming file, line and key, no output written (docs/calibration.md 8.2)."""
from __future__ import annotations

import hashlib
import importlib
import io
import contextlib
from pathlib import Path

import h5py
import numpy as np
import pytest

from conftest import SMALL, TOOLS, run_tool

PYTHON = "/usr/bin/python3"
HEADER = "series,unit,year,period,sector,value,flag,source,url_or_table,note,formula\n"


def write_case(d: Path, data_rows: str = "", param: str = "", moment: str = "",
               extra: str = "") -> Path:
    rows = "".join(f"share,percent,{y},,,{1.1 - 0.01 * (y - 2017):.2f},official,\"YB\",,,\n"
                   for y in range(2017, 2023))
    (d / "data.csv").write_text(HEADER + rows + data_rows)
    param = param or ('[[parameter]]\nkey = "firms.tfp_drift"\nmin = 0.0\nmax = 0.06\n\n'
                      '[[parameter]]\nkey = "firms.exit_hazard_mature"\nmin = 0.02\n'
                      'max = 0.14\n\n')
    moment = moment or ('[[moment]]\ndata = "data.csv"\nseries = "share"\n'
                        'years = [2017, 2018, 2019, 2020, 2021, 2022]\noutput = "mfg_share"\n')
    p = d / "calib.toml"
    p.write_text(f'[calibration]\nscenario = "{SMALL}"\nreplications = 2\nseed = 7\n'
                 f'fit_to = 2020\nglobal_evaluations = 3\nlocal_evaluations = 3\n{extra}\n'
                 + param + moment)
    return p


@pytest.fixture(scope="module")
def fit(nisim_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("calibrate")
    out = d / "fit.h5"
    r = run_tool(nisim_bin, "calibrate", write_case(d), "-o", out, "--threads", "2", "--quiet")
    assert r.returncode == 0, r.stderr
    return out


def test_fit_file_holds_estimates_moments_and_provenance(fit: Path) -> None:
    with h5py.File(fit, "r") as f:
        est, lo, hi = f["estimate"][()], f["bound_min"][()], f["bound_max"][()]
        assert est.shape == (2,) and np.all(lo <= est) and np.all(est <= hi)
        assert f["covariance"].shape == (2, 2) and f["jacobian"].shape == (6, 2)
        held = f["holdout"][()]
        assert list(held) == [0, 0, 0, 0, 1, 1]  # fit_to = 2020
        assert np.all(f["simulated_p05"][()] <= f["simulated_mean"][()])
        data = fit.parent / "data.csv"
        sha = hashlib.sha256(data.read_bytes()).hexdigest()
        assert f.attrs["data_sha256"] == f"{sha}  {data}\n"
        assert f.attrs["replications"] == 2 and f.attrs["runs"] > 0
        assert np.isclose(f.attrs["objective"], f["evaluation_objective"][()].min())


def report(*args: str | Path) -> tuple[int, str]:
    module = importlib.import_module("calibration_report")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            code = module.main([str(a) for a in args])
        except SystemExit as e:
            code = int(e.code)
    return code, out.getvalue()


def test_report_tables_match_the_file(fit: Path) -> None:
    code, text = report(fit)
    assert code == 0
    with h5py.File(fit, "r") as f:
        for j, key in enumerate(f["parameter"].asstr()[()]):
            assert f"| `{key}` | {float(f['estimate'][j]):.4g} |" in text
        moments = list(f["moment"].asstr()[()])
        rel = f["relative_error"][()]
    assert "held out" in text and "mean absolute percentage error" in text
    mape = np.mean(np.abs(rel[-2:])) * 100
    assert f"error {mape:.3g}% over 2 moment(s)" in text
    assert all(m in text for m in moments)


def test_report_rewrites_only_between_markers(fit: Path, tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("before\n<!-- calibration-report:x:begin -->\nold\n"
                   "<!-- calibration-report:x:end -->\nafter\n")
    assert report(fit, "--doc", doc, "--name", "x")[0] == 0
    first = doc.read_text()
    assert first.startswith("before\n") and first.endswith("after\n") and "old" not in first
    assert report(fit, "--doc", doc, "--name", "x")[0] == 0
    assert doc.read_text() == first  # idempotent
    doc.write_text("no markers\n")
    assert report(fit, "--doc", doc, "--name", "x")[0] == 4


def test_fit_chart_writes_a_png(fit: Path, tmp_path: Path) -> None:
    out = tmp_path / "fit.png"
    r = run_tool(PYTHON, TOOLS / "fit_chart.py", fit, "-o", out)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_tools_refuse_a_file_that_is_not_a_fit(small_run: Path, tmp_path: Path) -> None:
    for tool in ("fit_chart.py", "calibration_report.py"):
        r = run_tool(PYTHON, TOOLS / tool, small_run, "-o", tmp_path / "x.png")
        if tool == "calibration_report.py":
            r = run_tool(PYTHON, TOOLS / tool, small_run)
        assert r.returncode == 4, r.stderr
        assert "not an nisim calibration output" in r.stderr


BAD = {
    # name: (write_case keyword arguments, expected "file:line" suffix, expected key text)
    "missing_series": (dict(moment='[[moment]]\ndata = "data.csv"\nseries = "nope"\n'
                                   'years = [2017, 2018]\noutput = "mfg_share"\n'),
                       "calib.toml:21:", "key 'moment.series'"),
    "unknown_parameter": (dict(param='[[parameter]]\nkey = "firms.tfp_drif"\nmin = 0.0\n'
                                     'max = 0.06\n\n'), "calib.toml:10:", "key 'firms.tfp_drif'"),
    "bounds_outside_range": (dict(param='[[parameter]]\nkey = "firms.exit_hazard_mature"\n'
                                        'min = -0.1\nmax = 0.1\n\n'), "calib.toml:10:",
                             "firms.exit_hazard_mature"),
    "missing_source": (dict(data_rows="share,percent,2023,,,1.0,official,,,,\n"),
                       "data.csv:8:", "key 'source'"),
    "non_numeric_value": (dict(data_rows="share,percent,2023,,,n/a,official,\"YB\",,,\n"),
                          "data.csv:8:", "key 'value'"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_exits_3_naming_file_line_and_key(nisim_bin: Path, tmp_path: Path,
                                                    case: str) -> None:
    kwargs, where, key = BAD[case]
    out = tmp_path / "fit.h5"
    r = run_tool(nisim_bin, "calibrate", write_case(tmp_path, **kwargs), "-o", out, "--quiet")
    assert r.returncode == 3, r.stderr
    assert where in r.stderr and key in r.stderr, r.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".fit.h5")] == []


def test_set_and_replications_on_the_command_line(nisim_bin: Path, fit: Path,
                                                   tmp_path: Path) -> None:
    """--set changes the calibrated scenario (recorded in its text) and --replications the runs
    per evaluation; bad values are refused before anything runs, with no output."""
    out = tmp_path / "fit.h5"
    r = run_tool(nisim_bin, "calibrate", write_case(tmp_path), "-o", out, "--threads", "2",
                 "--quiet", "--replications", "3", "--set", "firms.count=1500")
    assert r.returncode == 0, r.stderr
    with h5py.File(out, "r") as f, h5py.File(fit, "r") as g:
        assert f.attrs["replications"] == 3 and g.attrs["replications"] == 2
        assert "# ---- --set ----\nfirms.count=1500\n" in f.attrs["scenario_text"]
        assert "--set" not in g.attrs["scenario_text"]
    for args, code, message in [
        (["--set", "firms.cuont=1"], 3, "unknown key 'firms.cuont'"),
        (["--set", "firms.count=abc"], 3, "key 'firms.count'"),
        (["--replications", "1"], 2, "--replications 1"),
    ]:
        bad = tmp_path / "bad.h5"
        r = run_tool(nisim_bin, "calibrate", write_case(tmp_path), "-o", bad, "--quiet", *args)
        assert r.returncode == code and message in r.stderr, (args, r.returncode, r.stderr)
        assert not bad.exists()
