"""nisim batch output read by h5py and xarray, its summaries checked against numpy, and the batch
tools (tools/fan_chart.py, tools/paired_diff.py, tools/kpi_table.py) run on it. The values of
kpi_table's tables are checked in test_kpi_table.py, on files that reach the target years."""
from __future__ import annotations

import csv
import importlib
import io
from pathlib import Path

import h5py
import numpy as np
import pytest
import xarray as xr

from conftest import SMALL, TOOLS, run_tool

PYTHON = "/usr/bin/python3"
SCENARIOS = ["small", "no_nifs"]
REPLICATIONS = 6
SUMMARISED = ["mfg_share", "smart_lines", "line_grants", "employment"]
PNG = b"\x89PNG\r\n\x1a\n"


def call(tool: str, *args: str | Path) -> int:
    """Run tools/<tool>.py's main() in this process (no interpreter start-up: keeps the file
    fast); returns its exit code. The exit codes of real processes are checked separately."""
    module = importlib.import_module(tool)
    try:
        return module.main([str(a) for a in args])
    except SystemExit as e:
        return int(e.code)


@pytest.fixture(scope="session")
def batch(nisim_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small scenario and a variant without NIFS, 6 replications each, run once."""
    d = tmp_path_factory.mktemp("batch")
    # NIFS lines pay out only after the approval lag and the build time; with both at zero
    # the scheme shows in the share within the small scenario's short horizon.
    (d / "small.toml").write_text('inherit = "%s"\n\n[schemes.nifs]\napproval_lag = 0\n'
                                  'build_years = 0\n' % SMALL)
    (d / "no_nifs.toml").write_text('inherit = "small.toml"\n\n[schemes.nifs]\nenabled = false\n')
    (d / "small_batch.toml").write_text(
        f'[batch]\nreplications = {REPLICATIONS}\nseed = 20240916\nbase = "small"\n\n'
        f'[[scenario]]\nfile = "small.toml"\n\n[[scenario]]\nfile = "no_nifs.toml"\n')
    out = d / "small_batch.h5"
    r = run_tool(nisim_bin, "batch", d / "small_batch.toml", "-o", out, "--threads", "2", "--quiet")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "" and r.stderr == ""
    return out


def test_xarray_opens_groups_with_named_dimensions(batch: Path) -> None:
    root = xr.open_dataset(batch, engine="h5netcdf")
    try:
        assert root.attrs["scenarios"] == ",".join(SCENARIOS)
        assert int(root.attrs["replications"]) == REPLICATIONS and root.attrs["base"] == "small"
    finally:
        root.close()
    for name in SCENARIOS:
        with xr.open_dataset(batch, engine="h5netcdf", group=name) as ds:
            assert ds["mfg_share"].dims == ("replication", "year")
            assert ds["mfg_share_mean"].dims == ("year",)
            assert ds["mfg_share_percentiles"].dims == ("percentile", "year")
            assert list(ds["replication"].values) == list(range(REPLICATIONS))
            assert list(ds["year"].values) == list(range(2016, 2023))
            assert list(ds["percentile"].values) == [5, 25, 50, 75, 95]
            assert not any(d.startswith("phony_dim") for d in ds.dims)
            assert float(ds["mfg_share"].sel(replication=0, year=2016)) == pytest.approx(1.1)
    with xr.open_dataset(batch, engine="h5netcdf", group="no_nifs/vs_base") as cmp:
        assert cmp.attrs["base"] == "small"
        assert cmp["mfg_share_diff_mean"].dims == ("year",)
        assert set(cmp.data_vars) == {f"mfg_share_diff_{k}" for k in
                                      ("mean", "se", "se_unpaired", "ci_low", "ci_high")}
    with h5py.File(batch, "r") as f:
        assert "vs_base" not in f["small"]  # the base is not compared with itself


def test_summaries_match_numpy(batch: Path) -> None:
    import nisim_h5

    with nisim_h5.open_batch(batch) as f:
        assert nisim_h5.scenario_names(f) == SCENARIOS
        for name in SCENARIOS:
            g = f[name]
            levels = g["percentile"][:]
            for var in SUMMARISED:
                runs = g[var][:]
                assert runs.shape == (REPLICATIONS, 7) and np.all(np.isfinite(runs))
                np.testing.assert_allclose(g[f"{var}_mean"][:], np.nanmean(runs, axis=0),
                                           rtol=1e-12)
                np.testing.assert_allclose(g[f"{var}_percentiles"][:],
                                           np.percentile(runs, levels, axis=0, method="linear"),
                                           rtol=1e-12)
            # A variable without stored summaries is summarised the same way by the helper.
            s = nisim_h5.summary(f, name, "gdp")
            np.testing.assert_allclose(s.mean, g["gdp"][:].mean(axis=0), rtol=1e-12)
            np.testing.assert_allclose(s.percentiles, np.percentile(g["gdp"][:], levels, axis=0),
                                       rtol=1e-12)
            assert np.isnan(g.attrs["p_share_5pct_by_2032"])  # 2032 is not simulated
        with pytest.raises(ValueError, match="the batch has: small, no_nifs"):
            nisim_h5.check_scenarios(f, "small,nope")


def test_paired_standard_error_is_smaller_and_ci_contains_mean(batch: Path) -> None:
    with h5py.File(batch, "r") as f:
        cmp = f["no_nifs/vs_base"]
        mean, se, se_u = (cmp[f"mfg_share_diff_{k}"][:] for k in ("mean", "se", "se_unpaired"))
        lo, hi = cmp["mfg_share_diff_ci_low"][:], cmp["mfg_share_diff_ci_high"][:]
        variant, base = f["no_nifs/mfg_share"][:], f["small/mfg_share"][:]
    n = REPLICATIONS
    np.testing.assert_allclose(mean, (variant - base).mean(axis=0), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(se, (variant - base).std(axis=0, ddof=1) / np.sqrt(n),
                               rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(se_u, np.sqrt((variant.var(axis=0, ddof=1)
                                              + base.var(axis=0, ddof=1)) / n), rtol=1e-9)
    assert np.all(se[1:] <= se_u[1:])
    assert se[-1] < se_u[-1]
    assert mean[-1] < 0  # without NIFS grants fewer lines are installed: a lower share
    assert np.all(lo <= mean) and np.all(mean <= hi)
    # The 95% interval uses Student's t with n - 1 = 5 degrees of freedom: 2.571 in printed
    # tables (NIST/SEMATECH e-Handbook 1.3.6.7.2), not the normal 1.960.
    with h5py.File(batch, "r") as f:
        t = float(f["no_nifs/vs_base"].attrs["ci_multiplier"])
    assert abs(t - 2.571) < 5e-4
    np.testing.assert_allclose(hi - lo, 2 * t * se, atol=1e-15)


def test_paired_diff_uses_the_stored_t_multiplier(batch: Path, tmp_path: Path) -> None:
    """paired_diff.py draws the unpaired band with nisim's multiplier (Student t, 5 d.o.f.), read
    from vs_base/ci_multiplier, or from (ci_high - mean) / se in a file written without it."""
    paired_diff = importlib.import_module("paired_diff")
    [c] = paired_diff.read(str(batch), "no_nifs")
    assert abs(c.multiplier - 2.571) < 5e-4
    old = tmp_path / "old.h5"
    old.write_bytes(batch.read_bytes())
    with h5py.File(old, "a") as f:
        del f["no_nifs/vs_base"].attrs["ci_multiplier"]
    [o] = paired_diff.read(str(old), "no_nifs")
    assert o.multiplier == pytest.approx(c.multiplier, rel=1e-12)


def test_fan_chart_and_paired_diff_write_pngs(batch: Path, tmp_path: Path) -> None:
    fan, diff, table = tmp_path / "fan.png", tmp_path / "diff.png", tmp_path / "diff.csv"
    assert call("fan_chart", batch, "-o", fan) == 0
    assert call("paired_diff", batch, "-o", diff, "--csv", table) == 0
    for png in (fan, diff):
        data = png.read_bytes()
        assert data[:8] == PNG and len(data) > 10_000
    rows = list(csv.DictReader(table.open()))
    assert [int(r["year"]) for r in rows] == list(range(2016, 2023))
    assert {r["scenario"] for r in rows} == {"no_nifs"} and rows[0]["base"] == "small"
    last = rows[-1]
    assert float(last["ratio_unpaired_to_paired"]) == pytest.approx(
        float(last["se_unpaired_pp"]) / float(last["se_paired_pp"]), rel=1e-6)


def test_kpi_table_when_no_target_year_is_simulated(batch: Path,
                                                   capsys: pytest.CaptureFixture) -> None:
    # The small scenario ends in 2022: every indicator (target years 2027 and 2032) is NaN.
    assert call("kpi_table", batch) == 0
    md = capsys.readouterr()
    assert "2032 not simulated (2016-2022); public money is summed to 2022" in md.err
    for name in SCENARIOS:
        section = md.out.split(f"### {name}\n")[1].split("###")[0]
        rows = [line for line in section.splitlines() if line.startswith("| ")][1:]
        assert rows and all(" | not simulated |  | n/a |" in row for row in rows), rows
    assert call("kpi_table", batch, "--format", "csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["scenario"] for r in rows} == set(SCENARIOS)
    with h5py.File(batch, "r") as f:
        for r in rows:
            g = f[r["scenario"]]
            assert r["projected_mean"] == r["p_met"] == ""  # NaN: not simulated
            assert np.isnan(g["kpi_p_met"][:]).all()
            paid = g["public_spending"][:].sum(axis=1).mean()  # every year: 2016-2022
            assert int(r["public_paid_to_year"]) == 2022
            assert float(r["public_paid_mean_hkd_m"]) == pytest.approx(paid, rel=1e-12)


def test_tools_reject_run_and_text_files(small_run: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture) -> None:
    text = tmp_path / "notes.h5"
    text.write_text("not hdf5 at all")
    for tool in ("fan_chart", "paired_diff", "kpi_table"):
        args = [] if tool == "kpi_table" else ["-o", tmp_path / "x.png"]
        cases = [(text, "not a readable HDF5 file")]
        if tool != "kpi_table":  # kpi_table reads run files too (tests/tools/test_kpi_table.py)
            cases.append((small_run, "run file, not a batch output"))
        for bad, why in cases:
            assert call(tool, bad, *args) == 4, tool
            err = capsys.readouterr().err
            assert f"error: {bad}: " in err and why in err
    assert not (tmp_path / "x.png").exists()
    # The same through a real process: exit code 4 and one line on stderr.
    r = run_tool(PYTHON, TOOLS / "fan_chart.py", small_run, "-o", tmp_path / "x.png")
    assert r.returncode == 4 and r.stdout == ""
    assert r.stderr.startswith(f"fan_chart.py: error: {small_run}: an nisim run file")


def test_unknown_scenario_is_a_usage_error(batch: Path, tmp_path: Path) -> None:
    r = run_tool(PYTHON, TOOLS / "fan_chart.py", batch, "-o", tmp_path / "x.png",
                 "--scenarios", "small,baseline")
    assert r.returncode == 2
    assert "unknown scenario 'baseline'; the batch has: small, no_nifs" in r.stderr
    assert not (tmp_path / "x.png").exists()
