"""nisim output read by h5py and xarray, and tools/plot_share.py drawing it."""
from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import xarray as xr

from conftest import SMALL, TOOLS, run_tool

PYTHON = "/usr/bin/python3"


def test_h5py_reads_series_and_provenance(small_run: Path) -> None:
    with h5py.File(small_run, "r") as f:
        years = f["year"][:]
        assert list(years) == list(range(2016, 2023))
        share = f["mfg_share"][:]
        assert share.shape == (7,)
        assert np.all(np.isfinite(share)) and np.all(share > 0)
        # Base-year share is calibrated exactly to macro.mfg_share_base (1.1%).
        assert abs(share[0] - 1.1) < 1e-9
        # GDP identity holds in the file: GDP = non-manufacturing + manufacturing VA.
        # eq. 3.5b: plants outside official manufacturing (AI/data, model.md 3.8) are in GDP.
        np.testing.assert_allclose(f["gdp"][:], f["nonmfg_va"][:] + f["mfg_va"][:]
                                   + f["outside_va"][:], rtol=1e-12)
        # Sector breakdown adds up to the total.
        np.testing.assert_allclose(f["va_by_sector"][:].sum(axis=1), f["mfg_va"][:], rtol=1e-9)
        attrs = f.attrs
        assert attrs["scenario_name"] == "small"
        assert "count = 2000" in attrs["scenario_text"]
        assert int(attrs["threads"]) == 2
        assert attrs["nisim_version"]
        assert attrs["created_utc"].endswith("Z")


def test_xarray_opens_with_named_dimensions(small_run: Path) -> None:
    ds = xr.open_dataset(small_run, engine="h5netcdf")
    try:
        assert ds["mfg_share"].dims == ("year",)
        assert ds["va_by_sector"].dims == ("year", "sector")
        assert ds["floor_space_by_site"].dims == ("year", "site")
        assert int(ds["year"][0]) == 2016
        assert "life_health_tech" in [str(s) for s in ds["sector"].values]
        assert ds["mfg_share"].attrs["units"] == "percent"
        # Label-based selection works, which is what users do.
        assert float(ds["mfg_share"].sel(year=2016)) == float(ds["mfg_share"][0])
        assert not any(d.startswith("phony_dim") for d in ds.dims)
    finally:
        ds.close()


def test_plot_share_writes_png(small_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "share.png"
    r = run_tool(PYTHON, TOOLS / "plot_share.py", small_run, "-o", out)
    assert r.returncode == 0, r.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_plot_share_rejects_missing_and_foreign_files(tmp_path: Path) -> None:
    missing = run_tool(PYTHON, TOOLS / "plot_share.py", tmp_path / "nope.h5", "-o", tmp_path / "x.png")
    assert missing.returncode == 4 and "no such file" in missing.stderr
    foreign = tmp_path / "foreign.h5"
    foreign.write_text("not hdf5 at all")
    r = run_tool(PYTHON, TOOLS / "plot_share.py", foreign, "-o", tmp_path / "x.png")
    assert r.returncode == 4 and "not a readable HDF5 file" in r.stderr
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["x"] = [1, 2, 3]
    r = run_tool(PYTHON, TOOLS / "plot_share.py", other, "-o", tmp_path / "x.png")
    assert r.returncode == 4 and "not an nisim run output" in r.stderr
    assert not (tmp_path / "x.png").exists()


def test_cli_refuses_to_overwrite_without_force(nisim_bin: Path, small_run: Path) -> None:
    before = small_run.read_bytes()
    r = run_tool(nisim_bin, "run", SMALL, "-o", small_run, "--quiet")
    assert r.returncode == 4 and "--force" in r.stderr
    assert small_run.read_bytes() == before


def test_cli_validate_and_bad_scenario(nisim_bin: Path, tmp_path: Path) -> None:
    ok = run_tool(nisim_bin, "validate", SMALL)
    assert ok.returncode == 0 and "valid" in ok.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('inherit = "%s"\n[firms]\ncuont = 3\n' % SMALL)
    out = tmp_path / "never.h5"
    r = run_tool(nisim_bin, "run", bad, "-o", out)
    assert r.returncode == 3
    assert "bad.toml:3" in r.stderr and "firms.cuont" in r.stderr and "firms.count" in r.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]


def test_cli_usage_and_version(nisim_bin: Path) -> None:
    assert run_tool(nisim_bin, "--version").stdout.startswith("nisim ")
    assert run_tool(nisim_bin, "run").returncode == 2
    assert run_tool(nisim_bin, "--help").returncode == 0
    params = run_tool(nisim_bin, "params")
    assert params.returncode == 0 and "`firms.count`" in params.stdout


def _share_lines(*args: str | Path) -> list:
    """Run plot_share's main() in this process and return the lines of its axes."""
    import importlib

    import matplotlib.pyplot as plt

    plt.close("all")
    module = importlib.import_module("plot_share")
    assert module.main([str(a) for a in args]) == 0
    lines = plt.gcf().axes[0].get_lines()
    plt.close("all")
    return lines


def test_plot_share_wide_adds_dashed_lines_of_the_same_colour(small_run: Path,
                                                             tmp_path: Path) -> None:
    default = _share_lines(small_run, "-o", tmp_path / "a.png")
    wide = _share_lines(small_run, "--wide", "-o", tmp_path / "b.png")
    model = [ln for ln in default if ln.get_label() == "small (model)"]
    assert len(model) == 1 and model[0].get_linestyle() == "-"
    # Default unchanged: the model line, the observed points and the target star, nothing else.
    assert [ln.get_label() for ln in default if not ln.get_label().startswith("_")] == [
        "small (model)", "observed (Year Books)", "target 5% by 2032"]  # "_": the 5% line
    extra = [ln for ln in wide if ln.get_label().startswith("small, +")]
    assert len(wide) == len(default) + 2 and len(extra) == 2
    with h5py.File(small_run, "r") as f:
        for ln, name in zip(extra, ("mfg_share_offshore", "mfg_share_wide")):
            assert ln.get_color() == model[0].get_color()
            assert ln.get_linestyle() == "--"  # a dash pattern, and a visible one:
            offset, pattern = ln._unscaled_dash_pattern  # matplotlib has no public getter
            assert pattern and min(pattern[1::2]) > 0, pattern
            np.testing.assert_array_equal(ln.get_ydata(), f[name][:])
            assert np.all(f[name][:] > f["mfg_share"][:])


def test_plot_share_wide_needs_the_wide_datasets(small_run: Path, tmp_path: Path) -> None:
    import shutil

    old = tmp_path / "old.h5"
    shutil.copy(small_run, old)
    with h5py.File(old, "a") as f:
        del f["mfg_share_wide"]
    ok = run_tool(PYTHON, TOOLS / "plot_share.py", old, "-o", tmp_path / "x.png")
    assert ok.returncode == 0, ok.stderr  # not needed without --wide
    (tmp_path / "x.png").unlink()
    r = run_tool(PYTHON, TOOLS / "plot_share.py", old, "--wide", "-o", tmp_path / "x.png")
    assert r.returncode == 4 and r.stdout == ""
    assert r.stderr.startswith(f"plot_share.py: error: {old}: no dataset mfg_share_wide")
    assert "needed by --wide" in r.stderr
    assert not (tmp_path / "x.png").exists()
