"""Sweep batches (Morris and Saltelli designs) read by xarray and drawn by
tools/sensitivity_chart.py, and goal seeking (`nisim target`) through the command line."""
from __future__ import annotations

import csv
import importlib
import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest
import xarray as xr

from conftest import SMALL, TOOLS, run_tool

PYTHON = "/usr/bin/python3"
PNG = b"\x89PNG\r\n\x1a\n"
PARAMS = {"smart_lines.cost": (10.0, 40.0), "schemes.nifs.share": (0.1, 0.5)}
MORRIS = ["morris_mu", "morris_mu_star", "morris_sigma", "morris_mu_star_conf"]
SOBOL = [f"sobol_{o}{b}" for o in ("first", "total") for b in ("", "_low", "_high")]


def call(tool: str, *args: str | Path) -> int:
    """Run tools/<tool>.py's main() in this process; returns its exit code."""
    try:
        return importlib.import_module(tool).main([str(a) for a in args])
    except SystemExit as e:
        return int(e.code)


def sweep_toml(design: str, points: int) -> str:
    text = (f'[batch]\nreplications = 2\nseed = 3\n\n[sweep]\nscenario = "{SMALL}"\n'
            f'design = "{design}"\npoints = {points}\nlevels = 4\noutput = "mfg_share"\n'
            'year = 2022\n')
    for key, (lo, hi) in PARAMS.items():
        text += f'\n[[sweep.param]]\nkey = "{key}"\nmin = {lo}\nmax = {hi}\n'
    return text


def run_batch(nisim_bin: Path, d: Path, name: str, text: str) -> Path:
    (d / f"{name}.toml").write_text(text)
    out = d / f"{name}.h5"
    r = run_tool(nisim_bin, "batch", d / f"{name}.toml", "-o", out, "--threads", "2", "--quiet")
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="module")
def morris(nisim_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 Morris trajectories over 2 parameters: 9 points of 2 replications."""
    return run_batch(nisim_bin, tmp_path_factory.mktemp("morris"), "morris",
                     sweep_toml("morris", 3))


@pytest.fixture(scope="module")
def saltelli(nisim_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8 Saltelli base samples over 2 parameters: 32 points of 2 replications."""
    return run_batch(nisim_bin, tmp_path_factory.mktemp("saltelli"), "saltelli",
                     sweep_toml("saltelli", 8))


@pytest.fixture(scope="module")
def plain_batch(nisim_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A batch of [[scenario]]s (no sweep group): one replication of the small scenario."""
    return run_batch(nisim_bin, tmp_path_factory.mktemp("plain"), "plain",
                     f'[batch]\nreplications = 1\n\n[[scenario]]\nfile = "{SMALL}"\n')


@pytest.mark.parametrize("design, points, indices", [("morris", 9, MORRIS),
                                                     ("saltelli", 32, SOBOL)])
def test_sweep_group_opens_in_xarray(design: str, points: int, indices: list[str],
                                     request: pytest.FixtureRequest) -> None:
    path = request.getfixturevalue(design)
    with xr.open_dataset(path, engine="h5netcdf", group="sweep") as ds:
        assert ds.attrs["design"] == design and ds.attrs["output"] == "mfg_share"
        assert int(ds.attrs["year"]) == 2022
        assert ds["design"].dims == ("point", "parameter")
        assert ds["output_mean"].dims == ("point",)
        assert list(ds["parameter"].values) == list(PARAMS)
        assert list(ds["point"].values) == list(range(points))
        assert {"design", "output_mean", *indices} <= set(ds.data_vars)
        # Every recorded series is one array along point, the swept keys its coordinates.
        assert ds["mfg_share"].dims == ("point", "replication", "year")
        assert ds["mfg_share"].shape == (points, 2, len(ds["year"]))
        for key in PARAMS:
            assert key in ds["mfg_share"].coords and ds[key].dims == ("point",)
            np.testing.assert_array_equal(ds[key].values, ds["design"].sel(parameter=key).values)
        for name in indices:
            assert ds[name].dims == ("parameter",)
        for key, (lo, hi) in PARAMS.items():
            column = ds["design"].sel(parameter=key).values
            assert np.all((lo <= column) & (column <= hi))
        # output_mean is the mean over replications of each point's share in 2022.
        with h5py.File(path, "r") as f:
            t = list(f["year"][:]).index(2022)
            means = [f["sweep/mfg_share"][k, :, t].mean() for k in range(points)]
        np.testing.assert_allclose(ds["output_mean"].values, means, rtol=1e-12)
    if design == "morris":
        with xr.open_dataset(path, engine="h5netcdf", group="sweep") as ds:
            np.testing.assert_allclose(ds["morris_mu_star"], np.abs(ds["morris_mu"]), rtol=1e-12)
            # The half-width of a bootstrap interval of mu*: finite and not negative.
            conf = ds["morris_mu_star_conf"].values
            assert np.all(np.isfinite(conf)) and np.all(conf >= 0)
            assert "95%" in ds["morris_mu_star_conf"].attrs["long_name"]


@pytest.mark.parametrize("design, columns", [("morris", MORRIS), ("saltelli", SOBOL)])
def test_chart_and_indices_table(design: str, columns: list[str], tmp_path: Path,
                                 request: pytest.FixtureRequest,
                                 capsys: pytest.CaptureFixture) -> None:
    path = request.getfixturevalue(design)
    png, table = tmp_path / f"{design}.png", tmp_path / f"{design}.csv"
    assert call("sensitivity_chart", path, "-o", png, "--csv", table) == 0
    assert capsys.readouterr().out == f"wrote {png}\nwrote {table}\n"
    data = png.read_bytes()
    assert data[:8] == PNG and len(data) > 10_000
    rows = list(csv.DictReader(table.open()))
    assert list(rows[0]) == ["parameter", *columns]
    assert [r["parameter"] for r in rows] == list(PARAMS)
    with h5py.File(path, "r") as f:
        for name in columns:
            np.testing.assert_allclose([float(r[name]) for r in rows], f["sweep"][name][:],
                                       rtol=1e-9)


def test_design_without_indices_draws_points(morris: Path, tmp_path: Path) -> None:
    """grid, lhs and sobol designs store no indices: one panel per parameter, points in --csv."""
    lhs = tmp_path / "lhs.h5"
    shutil.copy(morris, lhs)
    with h5py.File(lhs, "r+") as f:
        f["sweep"].attrs["design"] = "lhs"
        for name in MORRIS:
            del f["sweep"][name]
        design, outputs = f["sweep/design"][:], f["sweep/output_mean"][:]
    png, table = tmp_path / "lhs.png", tmp_path / "lhs.md"
    assert call("sensitivity_chart", lhs, "-o", png, "--csv", table) == 0
    assert png.read_bytes()[:8] == PNG
    lines = table.read_text().splitlines()
    assert lines[0] == "| point | " + " | ".join(PARAMS) + " | mfg_share_mean_2022 |"
    assert len(lines) == 2 + len(outputs)
    cells = lines[2 + 4].strip("| ").split(" | ")
    np.testing.assert_allclose([float(c) for c in cells[1:]], [*design[4], outputs[4]], rtol=1e-3)


def test_chart_rejects_files_without_sweep(plain_batch: Path, small_run: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture) -> None:
    png = tmp_path / "x.png"
    for bad, why in ((plain_batch, "an nisim batch output without a sweep group"),
                     (small_run, "an nisim run file, not a sweep"),
                     (tmp_path / "missing.h5", "no such file")):
        assert call("sensitivity_chart", bad, "-o", png) == 4, bad
        err = capsys.readouterr().err
        assert f"error: {bad}: {why}" in err
    assert not png.exists()
    r = run_tool(PYTHON, TOOLS / "sensitivity_chart.py", plain_batch, "-o", png)
    assert r.returncode == 4 and r.stdout == ""
    assert r.stderr.startswith(f"sensitivity_chart.py: error: {plain_batch}: ")
    assert "make one with `nisim batch SWEEP.toml -o OUT.h5`" in r.stderr
    r = run_tool(PYTHON, TOOLS / "sensitivity_chart.py", plain_batch)  # no -o: usage
    assert r.returncode == 2 and "-o/--output" in r.stderr


def test_scenario_tools_refuse_a_sweep(morris: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture) -> None:
    """A sweep has no scenario groups (its points are arrays): the scenario tools say so."""
    for tool, args in (("fan_chart", ["-o", tmp_path / "f.png"]), ("kpi_table", []),
                       ("paired_diff", ["-o", tmp_path / "p.png"])):
        assert call(tool, morris, *args) == 4, tool
        err = capsys.readouterr().err
        assert f"{morris}: a sweep: its design points are arrays" in err, (tool, err)
    assert not (tmp_path / "f.png").exists() and not (tmp_path / "p.png").exists()


def target_toml(share: float) -> str:
    return (f'[batch]\nreplications = 2\nseed = 3\n\n[target]\nscenario = "{SMALL}"\n'
            f'probability = 0.6\nshare = {share}\nyear = 2022\nmax_evaluations = 6\n\n'
            '[[target.lever]]\nkey = "schemes.nifs.share"\nmin = 0.05\nmax = 0.33\n')


@pytest.mark.parametrize("share, feasible", [(0.1, True), (50, False)])
def test_target_through_the_cli(share: float, feasible: bool, nisim_bin: Path,
                                tmp_path: Path) -> None:
    (tmp_path / "t.toml").write_text(target_toml(share))
    out = tmp_path / "t.h5"
    r = run_tool(nisim_bin, "target", tmp_path / "t.toml", "-o", out, "--threads", "2")
    assert r.returncode == 0, r.stderr
    assert ("NOT reached" in r.stdout) != feasible and "reached" in r.stdout
    assert "nisim: evaluation 1: cost HK$" in r.stderr  # progress goes to stderr
    with h5py.File(out, "r") as f:
        assert int(f.attrs["feasible"]) == int(feasible)
        assert float(f.attrs["target_share_pct"]) == share
        assert float(f.attrs["required_probability"]) == 0.6
        assert int(f.attrs["target_year"]) == 2022
        cost, prob = f["public_cost"][:], f["probability"][:]
        levers = f["levers"][:]
        best = int(f.attrs["best_evaluation"])
        assert 1 <= len(cost) == len(prob) == len(f["share_mean"]) <= 6
        assert levers.shape == (len(cost), 1)
        assert np.all((0.05 <= levers) & (levers <= 0.33))
        assert levers[0, 0] == pytest.approx(0.33)  # the most generous corner comes first
    assert f"schemes.nifs.share           = {levers[best, 0]:g}" in r.stdout
    if feasible:  # the cheapest evaluation that reaches the required probability
        assert prob[best] >= 0.6
        assert cost[best] == min(c for c, p in zip(cost, prob) if p >= 0.6)
    else:
        assert np.all(prob < 0.6)
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        assert ds["levers"].dims == ("evaluation", "lever")
        assert list(ds["lever"].values) == ["schemes.nifs.share"]
