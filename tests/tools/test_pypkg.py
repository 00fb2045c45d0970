"""The Python package python/ (docs/python.md): it installs offline with
`pip install --no-build-isolation --no-deps`, nisim.open_run / nisim.open_batch give xarray
Datasets whose coordinates, values and attributes are those of the file, and an entry point run
by an interpreter without numpy says what is missing (exit 6, README.md) instead of a traceback."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

from conftest import SOURCE, TOOLS, run_tool

PYTHON = "/usr/bin/python3"
EXIT_MODULE = 6
ENTRY_POINTS = ["nisim-fan-chart", "nisim-kpi-table", "nisim-paired-diff", "nisim-plot-share",
                "nisim-plot-policy", "nisim-sensitivity-chart", "nisim-knowledge-effect",
                "nisim-attribution-table", "nisim-fit-chart", "nisim-calibration-report",
                "nisim-demand-effect", "nisim-assumed-ranges", "nisim-docs-numbers",
                "nisim-factor-markets", "nisim-nifs-channels"]


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """python/ installed with pip into a fresh --target directory (from a copy of the source:
    an in-tree build leaves build/ and *.egg-info beside it)."""
    d = tmp_path_factory.mktemp("pypkg")
    src = d / "src"
    shutil.copytree(SOURCE / "python", src, ignore=shutil.ignore_patterns(
        "build", "*.egg-info", "__pycache__"))
    target = d / "site"
    r = run_tool(PYTHON, "-m", "pip", "install", "--no-build-isolation", "--no-deps",
                 "--no-index", "--disable-pip-version-check", "--target", target, src)
    assert r.returncode == 0, r.stdout + r.stderr
    return target


def in_package(installed: Path, code: str, *args: str | Path) -> dict:
    """Run `code` under /usr/bin/python3 with only the installed package added to sys.path;
    it prints one JSON object."""
    env = dict(os.environ, PYTHONPATH=str(installed))
    r = subprocess.run([PYTHON, "-c", code, *map(str, args)], capture_output=True, text=True,
                       env=env, timeout=300, cwd=installed.parent)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_install_gives_the_package_its_data_and_every_entry_point(installed: Path) -> None:
    for name in ENTRY_POINTS:
        script = installed / "bin" / name
        assert script.is_file() and os.access(script, os.X_OK), name
    for csv in ("observed.csv", "targets.csv"):
        assert (installed / "nisim" / "data" / csv).read_text() == \
            (SOURCE / "python" / "nisim" / "data" / csv).read_text()
    got = in_package(installed, "import json, nisim; print(json.dumps(nisim.__file__))")
    assert Path(got).parent == installed / "nisim"  # the installed copy, not the checkout's


OPEN_RUN = """
import json, sys, nisim
ds = nisim.open_run(sys.argv[1])
v = ds["mfg_share"]
print(json.dumps({"dims": list(v.dims), "year": ds["year"].values.tolist(),
                  "share": v.values.tolist(), "scenario": str(ds["scenario"].item()),
                  "attrs": {k: str(x) for k, x in v.attrs.items()},
                  "va_dims": list(ds["va_by_sector"].dims),
                  "sector": [str(s) for s in ds["sector"].values],
                  "global": {k: str(x) for k, x in ds.attrs.items()},
                  "kpi_dims": list(nisim.open_run(sys.argv[1], "kpi")["target"].dims)}))
"""


def test_open_run_has_the_file_coordinates_values_and_attributes(installed: Path,
                                                                 small_run: Path) -> None:
    got = in_package(installed, OPEN_RUN, small_run)
    with h5py.File(small_run, "r") as f:
        assert got["dims"] == ["year"]
        assert got["year"] == f["year"][:].tolist()
        np.testing.assert_array_equal(got["share"], f["mfg_share"][:])
        assert got["scenario"] == f.attrs["scenario_name"]
        assert got["attrs"]["units"] == f["mfg_share"].attrs["units"]
        assert got["attrs"]["long_name"] == f["mfg_share"].attrs["long_name"]
        assert got["va_dims"] == ["year", "sector"]
        assert got["sector"] == f["sector"].asstr()[:].tolist()
        assert got["kpi_dims"] == ["indicator"]
        g = got["global"]
        assert g["Conventions"].startswith("CF-")
        assert f.attrs["nisim_version"] in g["history"] and f.attrs["git_commit"] in g["history"]
        assert f.attrs["created_utc"] in g["history"]


OPEN_BATCH = """
import json, sys, numpy as np, nisim
ds = nisim.open_batch(sys.argv[1])
v = ds["mfg_share"]
def nan(a): return [None if np.isnan(x) else x for x in np.ravel(a)]
print(json.dumps({"dims": list(v.dims), "sizes": dict(ds.sizes),
                  "scenario": [str(s) for s in ds["scenario"].values],
                  "replication": ds["replication"].values.tolist(),
                  "year": ds["year"].values.tolist(),
                  "share": {str(s): v.sel(scenario=s).values.tolist() for s in ds["scenario"].values},
                  "pct_dims": list(ds["mfg_share_percentiles"].dims),
                  "diff": {str(s): nan(ds["mfg_share_diff_mean"].sel(scenario=s).values)
                           for s in ds["scenario"].values},
                  "p5": nan(ds["p_share_5pct_by_2032"].values),
                  "attrs": {k: str(x) for k, x in v.attrs.items()},
                  "global": {k: str(x) for k, x in ds.attrs.items()}}))
"""


def test_open_batch_stacks_scenarios_replications_and_years(installed: Path,
                                                            batch_2032: Path) -> None:
    got = in_package(installed, OPEN_BATCH, batch_2032)
    with h5py.File(batch_2032, "r") as f:
        names = f.attrs["scenarios"].split(",")
        assert got["dims"] == ["scenario", "replication", "year"]
        assert got["scenario"] == names == ["small2032", "no_nifs2032"]
        assert got["replication"] == f["replication"][:].tolist() == list(range(8))
        assert got["year"] == f["year"][:].tolist()
        assert got["pct_dims"] == ["scenario", "percentile", "year"]
        for s in names:
            np.testing.assert_array_equal(got["share"][s], f[s]["mfg_share"][:])
        base = f.attrs["base"]
        assert all(x is None for x in got["diff"][base])  # the base has no vs_base
        np.testing.assert_array_equal(got["diff"]["small2032"],
                                      f["small2032/vs_base/mfg_share_diff_mean"][:])
        np.testing.assert_array_equal(got["p5"], [f[s].attrs["p_share_5pct_by_2032"]
                                                  for s in names])
        assert got["attrs"]["units"] == f["small2032/mfg_share"].attrs["units"]
        assert got["attrs"]["long_name"] == f["small2032/mfg_share"].attrs["long_name"]
        assert got["global"]["Conventions"].startswith("CF-")
        assert f.attrs["nisim_version"] in got["global"]["history"]
        assert got["global"]["base"] == base


def test_open_batch_on_a_run_file_names_the_file(installed: Path, small_run: Path) -> None:
    code = ("import json, sys, nisim\ntry:\n    nisim.open_batch(sys.argv[1])\n"
            "except nisim.OutputError as e:\n    print(json.dumps(str(e)))\n")
    msg = in_package(installed, code, small_run)
    assert str(small_run) in msg and "run file, not a batch" in msg


@pytest.fixture(scope="session")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An interpreter without numpy, h5py, xarray or matplotlib: a venv of /usr/bin/python3
    without the system site packages (what a pyenv or conda python3 often is)."""
    venv = tmp_path_factory.mktemp("venv") / "bare"
    r = run_tool(PYTHON, "-m", "venv", "--without-pip", venv)
    assert r.returncode == 0, r.stderr
    py = venv / "bin" / "python"
    r = run_tool(py, "-c", "import numpy")
    assert r.returncode != 0, "the bare venv sees numpy: the tests below would prove nothing"
    return py


def assert_clear_message(r: subprocess.CompletedProcess, prog: str) -> None:
    assert r.returncode == EXIT_MODULE, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    line = lines[0]
    assert line.startswith(f"{prog}: error: missing Python module"), line
    assert "'numpy'" in line and "python3-numpy" in line and "/usr/bin/python3" in line, line
    assert "apt-get install" in line, line
    assert r.stdout == ""


@pytest.mark.parametrize("entry", ["nisim-fan-chart", "nisim-kpi-table", "nisim-plot-share"])
def test_entry_point_without_numpy_says_what_is_missing(entry: str, installed: Path,
                                                       bare_python: Path, batch_2032: Path,
                                                       tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(installed))
    r = subprocess.run([str(bare_python), str(installed / "bin" / entry), str(batch_2032),
                        "-o", str(tmp_path / "x.png")], capture_output=True, text=True,
                       env=env, timeout=120)
    assert_clear_message(r, entry)
    assert not (tmp_path / "x.png").exists()


def test_checkout_script_without_numpy_says_what_is_missing(bare_python: Path,
                                                            batch_2032: Path,
                                                            tmp_path: Path) -> None:
    # `python3 tools/fan_chart.py` with a python3 that is not Debian's.
    r = run_tool(bare_python, TOOLS / "fan_chart.py", batch_2032, "-o", tmp_path / "x.png")
    assert_clear_message(r, "fan_chart.py")


def test_library_without_numpy_raises_missing_module(installed: Path, bare_python: Path,
                                                     small_run: Path) -> None:
    code = ("import sys, nisim\ntry:\n    nisim.open_run(sys.argv[1])\n"
            "except nisim.MissingModule as e:\n    print(e)\n")
    env = dict(os.environ, PYTHONPATH=str(installed))
    r = subprocess.run([str(bare_python), "-c", code, str(small_run)], capture_output=True,
                       text=True, env=env, timeout=120)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert "'numpy'" in r.stdout and "python3-numpy" in r.stdout and "python3-xarray" in r.stdout


def test_installed_entry_point_runs_under_debian_python(installed: Path, batch_2032: Path,
                                                       tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(installed), MPLBACKEND="Agg")
    out = tmp_path / "fan.png"
    r = subprocess.run([PYTHON, str(installed / "bin" / "nisim-fan-chart"), str(batch_2032),
                        "-o", str(out)], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_checkout_script_is_executable_with_env_python3() -> None:
    scripts = sorted(TOOLS.glob("*.py"))
    assert len(scripts) >= 12
    for s in scripts:
        assert os.access(s, os.X_OK), s
        assert s.read_text().splitlines()[0] == "#!/usr/bin/env python3", s


OPEN_DRAWS = """
import json, sys, numpy as np, nisim
ds = nisim.open_batch(sys.argv[1])
s = ds["mfg_share"].sel(year=2032, scenario="small2032")
print(json.dumps({"draw_dims": list(ds["draw"].dims), "draw": ds["draw"].values.tolist(),
                  "draws_dims": list(ds["parameter_draws"].dims),
                  "draws": ds["parameter_draws"].values.tolist(),
                  "keys": [str(k) for k in ds["fit_parameter"].values],
                  "split_dims": list(ds["share_2032_variance"].dims),
                  "sources": [str(k) for k in ds["variance_source"].values],
                  "split": ds["share_2032_variance"].sel(scenario="small2032").values.tolist(),
                  "draw_means": s.groupby("draw").mean().values.tolist()}))
"""


def test_open_batch_gives_the_parameter_draws(installed: Path, nisim_bin: Path,
                                              policy_dir: Path) -> None:
    """A batch with --fit/--draws (docs/batches.md section 9): the draw of each replication is a
    coordinate along replication, the drawn vectors and the variance split are variables."""
    fit = policy_dir / "fit_ci.h5"
    if not fit.exists():
        r = run_tool(nisim_bin, "calibrate", SOURCE / "calibration" / "ci.toml", "-o", fit,
                     "--threads", "2", "--quiet")
        assert r.returncode == 0, r.stderr
    out = policy_dir / "draws_batch.h5"
    r = run_tool(nisim_bin, "batch", policy_dir / "policy_batch.toml", "-o", out, "--fit", fit,
                 "--draws", "4", "--threads", "2", "--quiet", "--force")
    assert r.returncode == 0, r.stderr
    got = in_package(installed, OPEN_DRAWS, out)
    with h5py.File(out, "r") as f:
        assert got["draw_dims"] == ["replication"]
        assert got["draw"] == f["draw"][:].tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
        assert got["draws_dims"] == ["replication", "fit_parameter"]
        np.testing.assert_array_equal(got["draws"], f["parameter_draws"][:])
        assert got["keys"] == f["fit_parameter"].asstr()[:].tolist()
        assert got["split_dims"] == ["scenario", "variance_source"]
        assert got["sources"] == ["parameters", "random_draws", "total"]
        np.testing.assert_array_equal(got["split"], f["small2032/share_2032_variance"][:])
        share = f["small2032/mfg_share"][:, list(f["year"][:]).index(2032)]
        np.testing.assert_allclose(got["draw_means"], share.reshape(4, 2).mean(axis=1))


OPEN_SWEEP = """
import json, sys, nisim
ds = nisim.open_batch(sys.argv[1])
print(json.dumps({"dims": list(ds["mfg_share"].dims), "point": ds["point"].values.tolist(),
                  "has_scenario": "scenario" in ds.dims or "scenario" in ds.coords,
                  "mean_dims": list(ds["mfg_share_mean"].dims),
                  "mean": ds["mfg_share_mean"].values.tolist(),
                  "p_dims": list(ds["p_share_5pct_by_2032"].dims),
                  "share_cap": ds["mfg_share"]["schemes.nifs.cap"].values.tolist(),
                  "path": ds.attrs["sweep_scenario_path"],
                  "cap": ds["schemes.nifs.cap"].values.tolist(),
                  "cap_dims": list(ds["schemes.nifs.cap"].dims),
                  "design": ds["design"].values.tolist(),
                  "mu_star": ds["sweep_morris_mu_star"].sel(parameter="firms.payout").item(),
                  "output": ds["sweep_output_mean"].values.tolist(),
                  "share": ds["mfg_share"].values.tolist(), "design_kind": ds.attrs["sweep_design"]}))
"""


def test_open_batch_gives_a_sweep_one_point_dimension(installed: Path, nisim_bin: Path,
                                                      tmp_path: Path) -> None:
    """A sweep opens as one array along `point`, each swept key a coordinate along it."""
    from conftest import SMALL
    (tmp_path / "sweep.toml").write_text(
        '[batch]\nreplications = 2\nseed = 3\n[sweep]\nscenario = "%s"\ndesign = "morris"\n'
        'points = 2\nlevels = 4\noutput = "mfg_share"\nyear = 2020\n'
        '[[sweep.param]]\nkey = "schemes.nifs.cap"\nmin = 5.0\nmax = 30.0\n'
        '[[sweep.param]]\nkey = "firms.payout"\nmin = 0.3\nmax = 0.9\n' % SMALL)
    out = tmp_path / "sweep.h5"
    r = run_tool(nisim_bin, "batch", tmp_path / "sweep.toml", "-o", out, "--threads", "2", "-q")
    assert r.returncode == 0, r.stderr
    got = in_package(installed, OPEN_SWEEP, out)
    with h5py.File(out, "r") as f:
        design = f["sweep/design"][()]
        assert got["dims"] == ["point", "replication", "year"]
        assert got["point"] == list(range(6))
        assert not got["has_scenario"]  # a sweep has points, not scenario groups
        assert not any(k.startswith("point_") for k in f)
        assert got["cap_dims"] == ["point"] and got["cap"] == design[:, 0].tolist()
        assert got["share_cap"] == got["cap"]  # the series carry the swept keys as coordinates
        assert got["mean_dims"] == ["point", "year"] and got["p_dims"] == ["point"]
        assert Path(got["path"]).resolve() == Path(SMALL).resolve()
        assert got["design"] == design.tolist()
        assert got["mu_star"] == f["sweep/morris_mu_star"][1]
        assert got["output"] == f["sweep/output_mean"][()].tolist()
        for k in range(6):
            np.testing.assert_array_equal(got["share"][k], f["sweep/mfg_share"][k])
            np.testing.assert_allclose(got["mean"][k], np.mean(got["share"][k], axis=0),
                                       rtol=1e-12)
        assert got["design_kind"] == "morris"
