"""The start-up and venture-fund groups of a run file (docs/output.md), read by xarray, h5py and
pandas. The run is `nisim run tests/data/scenarios/small.toml` (the shared `small_run`); each
test is skipped while the binary does not write its group yet."""
from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest
import xarray as xr

STAGES = ["pre_seed", "seed", "series_a", "series_b", "growth"]
ORIGINS = ["other", "tsssu", "raise_plus", "innohk"]
FIELDS = ["software_services", "hardware", "life_health_tech", "ai_data", "advanced_mfg_new_energy"]
EXIT_KINDS = ["failure", "acquisition", "listing"]
SCHEMES = ["tsssu", "raise_plus", "accelerator", "innohk"]
FUND_KINDS = ["private_vc", "itvf_coinvest", "itvf_fund", "iof_subfund"]

STARTUP_VARS = {
    "count": ("year",),
    "employment": ("year",),
    "count_by_stage": ("year", "stage"),
    "count_by_field": ("year", "field"),
    "births_by_origin": ("year", "origin"),
    "exits_by_kind": ("year", "exit_kind"),
    "exit_value_by_kind": ("year", "exit_kind"),
    "graduates": ("year",),
    "rounds_attempted_by_stage": ("year", "stage"),
    "rounds_closed_by_stage": ("year", "stage"),
    "money_raised_by_stage": ("year", "stage"),
    "tsssu_funded_total": ("year",),
    "raise_plus_funded": ("year",),
    "accelerator_admissions": ("year",),
    "innohk_researchers": ("year",),
    **{f"scheme_{k}": ("year", "scheme")
       for k in ["applications", "approvals", "paid", "outcomes", "spent", "committed"]},
}
FUND_KIND_VARS = [f"{k}_by_kind" for k in
                  ["committed", "called", "invested", "nav", "distributed", "fees", "carry",
                   "funds", "dpi", "tvpi"]]
FUND_YEAR_VARS = ["rounds_requested", "rounds_funded", "rounds_led", "from_funds", "from_outside",
                  "from_government", "itvf_private_attracted", "itvf_committed", "itvf_spent",
                  "itvf_receipts", "iof_committed", "iof_spent", "iof_receipts",
                  "iof_chain_invested"]
BY_FUND_INT = ["fund_year", "fund_id", "fund_kind", "fund_vintage"]
BY_FUND_REAL = ["committed", "called", "invested", "nav", "distributed", "fees", "dpi", "tvpi"]


def require_group(path: Path, group: str) -> None:
    with h5py.File(path, "r") as f:
        if group not in f:
            pytest.skip(f"the run file has no group '{group}' yet (write_run does not write it)")


def root_years(path: Path) -> np.ndarray:
    with h5py.File(path, "r") as f:
        return f["year"][:]


def check_years(year: np.ndarray, root: np.ndarray) -> None:
    assert len(year) > 0
    assert np.all(np.diff(year) == 1)
    assert set(year.tolist()) <= set(root.tolist())


def test_startups_group_opens_in_xarray(small_run: Path) -> None:
    require_group(small_run, "startups")
    with xr.open_dataset(small_run, group="startups", engine="h5netcdf") as ds:
        check_years(ds["year"].values, root_years(small_run))
        assert list(ds["stage"].values) == STAGES
        assert list(ds["origin"].values) == ORIGINS
        assert list(ds["field"].values) == FIELDS
        assert list(ds["exit_kind"].values) == EXIT_KINDS
        assert list(ds["scheme"].values) == SCHEMES
        assert set(ds.data_vars) == set(STARTUP_VARS)
        for name, dims in STARTUP_VARS.items():
            v = ds[name]
            assert v.dims == dims, name
            assert v.dtype == np.float64, name
            assert v.attrs["units"] and v.attrs["long_name"], name
            assert np.all(np.isfinite(v.values)), name
        count = ds["count"].values
        assert np.all(count > 0)
        np.testing.assert_array_equal(ds["count_by_stage"].sum("stage").values, count)
        np.testing.assert_array_equal(ds["count_by_field"].sum("field").values, count)
        # Count identity (docs/output.md): end of t = end of t-1 + births - exits - graduates.
        flows = (ds["births_by_origin"].sum("origin") - ds["exits_by_kind"].sum("exit_kind")
                 - ds["graduates"]).values
        np.testing.assert_array_equal(count[1:], count[:-1] + flows[1:])
        assert np.all(np.diff(ds["scheme_spent"].values, axis=0) >= -1e-9)
        assert np.all(np.diff(ds["tsssu_funded_total"].values) >= 0)


def test_startups_group_is_self_contained_in_h5py(small_run: Path) -> None:
    require_group(small_run, "startups")
    with h5py.File(small_run, "r") as f:
        g = f["startups"]
        dims = [d[0].name for d in g["count_by_stage"].dims]
        assert dims == ["/startups/year", "/startups/stage"]
        assert [d[0].name for d in g["scheme_paid"].dims] == ["/startups/year", "/startups/scheme"]
        assert list(g["stage"].asstr()[:]) == STAGES
        assert g["money_raised_by_stage"].attrs["units"] == "HK$ M"
        assert g["year"].dtype == np.int32


def test_funds_group_opens_in_xarray(small_run: Path) -> None:
    require_group(small_run, "funds")
    with xr.open_dataset(small_run, group="funds", engine="h5netcdf") as ds:
        check_years(ds["year"].values, root_years(small_run))
        assert list(ds["fund_kind"].values) == FUND_KINDS
        assert set(ds.data_vars) == set(FUND_KIND_VARS) | set(FUND_YEAR_VARS)
        for name in FUND_KIND_VARS:
            assert ds[name].dims == ("year", "fund_kind"), name
        for name in FUND_YEAR_VARS:
            assert ds[name].dims == ("year",), name
        for name in ds.data_vars:
            assert ds[name].attrs["units"] and ds[name].attrs["long_name"], name
            assert np.all(np.isfinite(ds[name].values)), name
        assert np.all(ds["rounds_funded"].values <= ds["rounds_requested"].values)
        assert np.all(ds["rounds_led"].values <= ds["rounds_funded"].values)


def test_by_fund_is_a_tidy_table(small_run: Path) -> None:
    require_group(small_run, "funds")
    with h5py.File(small_run, "r") as f:
        g = f["funds/by_fund"]
        table = pd.DataFrame({k: g[k][:] for k in g})
        kind = f["funds/committed_by_kind"][:]
        year = f["funds/year"][:]
        assert [d[0].name for d in g["nav"].dims] == ["/funds/by_fund/row"]
    assert set(table.columns) == {"row", *BY_FUND_INT, *BY_FUND_REAL}
    np.testing.assert_array_equal(table["row"], np.arange(len(table)))
    for c in BY_FUND_INT:
        assert table[c].dtype == np.int64, c
    for c in BY_FUND_REAL:
        assert table[c].dtype == np.float64, c
    assert table["fund_kind"].between(0, len(FUND_KINDS) - 1).all()
    assert (table["fund_vintage"] <= table["fund_year"]).all()
    assert set(table["fund_year"]) <= set(year.tolist())
    assert not table.duplicated(["fund_year", "fund_id"]).any()
    # The per-kind series are the table's sums by year and kind.
    sums = table.groupby(["fund_year", "fund_kind"])["committed"].sum()
    expect = np.zeros_like(kind)
    for (y, k), v in sums.items():
        expect[np.flatnonzero(year == y)[0], k] = v
    np.testing.assert_allclose(kind, expect, rtol=1e-12, atol=1e-9)
    called = table["called"] > 0
    np.testing.assert_allclose(table.loc[called, "dpi"],
                               table.loc[called, "distributed"] / table.loc[called, "called"],
                               rtol=1e-12)

    with xr.open_dataset(small_run, group="funds/by_fund", engine="h5netcdf") as ds:
        assert ds["tvpi"].dims == ("row",)
        assert ds.sizes["row"] == len(table)
