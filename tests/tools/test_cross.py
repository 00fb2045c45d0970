"""Every scenario at every point (`[cross]`, docs/batches.md section 11) through the command line:
row [s, p, r] equals a one-scenario batch of scenario s with the point's values set by --set,
the same datasets on 2 MPI ranks and after a killed batch is resumed, nisim.open_batch's dims
and coordinates, xarray's group="cross", and every refusal's exit code, message and absent
output (the batch runner, `nisim report` and the batch tools)."""
from __future__ import annotations

import importlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest
from batch_compare import SOURCE, assert_same_datasets, journal_records, wait_for_records

from conftest import SMALL, run_tool  # conftest puts tools/ on sys.path

sys.path.insert(0, str(SOURCE / "python"))  # nisim.open_batch from this checkout

REPS = 10
POINTS = [10.0, 40.0]  # smart_lines.cost at the 2 levels of the grid


def cross_text(variant: Path, reps: int = REPS, extra: str = "") -> str:
    return ("[batch]\n"
            f"replications = {reps}\nseed = 5\nbase = \"nonifs\"\n"
            f'[[scenario]]\nfile = "{SMALL}"\n'
            f'[[scenario]]\nfile = "{variant}"\n'
            "[cross]\ndesign = \"grid\"\nlevels = 2\nyear = 2021\n"
            "[[cross.param]]\nkey = \"smart_lines.cost\"\nmin = 10\nmax = 40\n" + extra)


@pytest.fixture(scope="module")
def cross(nisim_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(batch file, its output) of the small scenario and a variant without NIFS (the base)."""
    d = tmp_path_factory.mktemp("cross")
    variant = d / "nonifs.toml"
    variant.write_text(f'inherit = "{SMALL}"\n[schemes.nifs]\nenabled = false\n')
    batch = d / "cross.toml"
    batch.write_text(cross_text(variant))
    out = d / "cross.h5"
    r = run_tool(nisim_bin, "batch", batch, "-o", out, "--threads", "2")
    assert r.returncode == 0, r.stderr
    assert "effect on mfg_share in 2021 (scenario - nonifs" in r.stdout
    assert "small            at smart_lines.cost=40: " in r.stdout
    return batch, out


def test_rows_equal_single_batches_with_the_point_set(nisim_bin, cross) -> None:
    batch, out = cross
    variant = batch.parent / "nonifs.toml"
    with h5py.File(out, "r") as f:
        g = f["cross"]
        assert [s.decode() for s in g["scenario"][()]] == ["small", "nonifs"]
        assert g["smart_lines.cost"][()].tolist() == POINTS
        share = g["mfg_share"][()]
        assert share.shape == (2, 2, REPS, 7)
        assert f.attrs["scenarios"] in (b"", "")
    for s, (name, file) in enumerate([("small", SMALL), ("nonifs", variant)]):
        for p, cost in enumerate(POINTS):
            one = batch.parent / f"one_{s}_{p}.toml"
            one.write_text(f"[batch]\nreplications = {REPS}\nseed = 5\n"
                           f'[[scenario]]\nfile = "{file}"\nname = "{name}"\n')
            h5 = batch.parent / f"one_{s}_{p}.h5"
            r = run_tool(nisim_bin, "batch", one, "-o", h5, "-q", "--set",
                         f"smart_lines.cost={cost}")
            assert r.returncode == 0, r.stderr
            with h5py.File(h5, "r") as f:
                assert share[s, p].tobytes() == f[name]["mfg_share"][()].tobytes(), (s, p)


def test_differences_are_those_of_the_rows(cross) -> None:
    with h5py.File(cross[1], "r") as f:
        g = f["cross"]
        share = g["mfg_share"][()]
        d = share - share[1:2]  # scenario - base (index 1), per point and replication
        mean = d.mean(axis=2)
        assert np.allclose(g["diff_mfg_share_mean"][()], mean, rtol=0, atol=1e-12)
        half = g.attrs["ci_multiplier"] * d.std(axis=2, ddof=1) / np.sqrt(REPS)
        assert np.allclose(g["diff_mfg_share_high"][()], mean + half, rtol=0, atol=1e-12)
        assert np.allclose(g["effect"][()], mean[:, :, 5], rtol=0, atol=1e-12)  # 2021
        assert (g["effect"][1] == 0).all()  # the base against itself


def test_open_batch_and_xarray_group(cross) -> None:
    import xarray as xr

    import nisim
    ds = nisim.open_batch(cross[1])
    assert ds["mfg_share"].dims == ("scenario", "point", "replication", "year")
    assert ds["effect"].dims == ("scenario", "point")
    assert ds["diff_gdp_low"].dims == ("scenario", "point", "year")
    assert list(ds["scenario"].values) == ["small", "nonifs"]
    assert ds["scenario"].attrs["base"] == "nonifs"
    assert "smart_lines.cost" in ds.coords and ds["smart_lines.cost"].dims == ("point",)
    assert ds["smart_lines.cost"].values.tolist() == POINTS
    assert ds.attrs["cross_output"] == "mfg_share" and ds.attrs["cross_year"] == 2021
    assert ds["replication_seed"].dims == ("replication",)
    assert float(ds["effect"].sel(scenario="small", point=1)) == float(
        ds["diff_mfg_share_mean"].sel(scenario="small", point=1, year=2021))
    with xr.open_dataset(cross[1], engine="h5netcdf", group="cross") as raw:
        assert raw["mfg_share"].dims == ("scenario", "point", "replication", "year")
        assert "smart_lines.cost" in raw.coords


def mpi_env() -> dict[str, str]:
    return {**os.environ, "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
            "OMPI_MCA_rmaps_base_oversubscribe": "1"}


def test_two_mpi_ranks_write_the_same_datasets(nisim_bin, cross) -> None:
    mpirun = shutil.which("mpirun")
    if mpirun is None or "with MPI" not in run_tool(nisim_bin, "--version").stdout:
        pytest.skip("nisim built without MPI or no mpirun")
    out = cross[0].parent / "mpi.h5"
    r = subprocess.run([mpirun, "--oversubscribe", "-n", "2", str(nisim_bin), "batch",
                        str(cross[0]), "-o", str(out), "--threads", "1"],
                       capture_output=True, text=True, timeout=300, env=mpi_env())
    assert r.returncode == 0, r.stderr + r.stdout
    assert "on 2 ranks" in r.stdout
    assert assert_same_datasets(cross[1], out) > 40


def test_killed_cross_resumes_to_identical_output(nisim_bin, cross) -> None:
    out = cross[0].parent / "killed.h5"
    journal = Path(str(out) + ".journal")
    proc = subprocess.Popen([str(nisim_bin), "batch", str(cross[0]), "-o", str(out), "-q",
                             "--threads", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for_records(journal, 5, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the batch finished before it could be killed"
    assert not out.exists()
    kept = journal_records(journal)
    r = run_tool(nisim_bin, "batch", cross[0], "-o", out, "--resume", "--threads", "2")
    assert r.returncode == 0, r.stderr
    assert f"resumed {kept} finished runs" in r.stdout
    assert not journal.exists()
    assert assert_same_datasets(cross[1], out) > 40


@pytest.mark.parametrize("extra,args,code,message", [
    ("[[cross.param]]\nkey = \"smart_lines.cots\"\nmin = 1\nmax = 2\n", [], 3,
     ":18:7: key 'smart_lines.cots': unknown parameter (did you mean 'smart_lines.cost'?)"),
    ("[[cross.param]]\nkey = \"smart_lines.max_per_firm\"\nmin = 1\nmax = 99\n", [], 3,
     ":18:7: key 'smart_lines.max_per_firm'"),
    ("[sweep]\nscenario = \"nonifs.toml\"\n[[sweep.param]]\nkey = \"x\"\nmin = 0\nmax = 1\n", [],
     3, ":9:1: key 'cross': a [cross] runs the [[scenario]]s at every point of its own design; "
        "it cannot be combined with a [sweep]"),
    ("", ["--set", "smart_lines.cost=20"], 3,
     "key 'smart_lines.cost': varied by "),
    ("", ["--fit", "FIT"], 2, "--fit: parameter draws are not supported with a [cross]"),
])
def test_refusals(nisim_bin, cross, extra, args, code, message) -> None:
    d = cross[0].parent
    bad = d / "bad.toml"
    bad.write_text(cross_text(d / "nonifs.toml", 2, extra))
    (d / "FIT").write_text("")
    args = [str(d / "FIT") if a == "FIT" else a for a in args]
    out = d / "never.h5"
    r = run_tool(nisim_bin, "batch", bad, "-o", out, *args)
    assert r.returncode == code, r.stderr
    assert message in r.stderr, r.stderr
    if code == 3 and "--set" not in args:
        assert f"{bad}:" in r.stderr
    assert not out.exists() and not Path(str(out) + ".journal").exists()


def test_report_and_tools_refuse_a_cross(nisim_bin, cross, tmp_path, capsys) -> None:
    html = tmp_path / "r.html"
    r = run_tool(nisim_bin, "report", cross[1], "-o", html)
    assert r.returncode == 4, r.stderr
    assert "a [cross] batch (docs/batches.md section 11)" in r.stderr
    assert "Traceback" not in r.stderr and not html.exists()
    for tool in ("fan_chart", "paired_diff", "kpi_table", "sensitivity_chart"):
        args = [] if tool == "kpi_table" else ["-o", str(tmp_path / "x.png")]
        module = importlib.import_module(tool)
        try:
            code = module.main([str(cross[1]), *args])
        except SystemExit as e:
            code = int(e.code)
        err = capsys.readouterr().err
        assert code == 4, tool
        assert "[cross] batch" in err and "nisim.open_batch" in err, (tool, err)
    assert not (tmp_path / "x.png").exists()
