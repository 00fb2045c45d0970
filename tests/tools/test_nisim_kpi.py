"""`nisim kpi` (models/kpi.cpp): the table equals the run file's kpi group, the cost per
percentage point follows from the two files, and bad files give exit 4 with one clear line."""
from __future__ import annotations

import re
from pathlib import Path

import h5py
import numpy as np
import pytest

from conftest import run_tool


def _table(stdout: str) -> dict[str, tuple[float, float, str]]:
    rows = {}
    for line in stdout.splitlines():
        m = re.match(r"^(\w+)\s+(\d+)\s+([-\d.]+)\s+([-\d.na]+)\s+(yes|no|not simulated)$", line)
        if m:
            rows[m.group(1)] = (float(m.group(3)), float(m.group(4)), m.group(5))
    return rows


def test_table_matches_the_kpi_group(nisim_bin: Path, run_2032: Path) -> None:
    r = run_tool(nisim_bin, "kpi", run_2032)
    assert r.returncode == 0, r.stderr
    table = _table(r.stdout)
    with h5py.File(run_2032, "r") as f:
        names = f["kpi/indicator"].asstr()[:]
        target, projected = f["kpi/target"][:], f["kpi/projected"][:]
        spent = f["scheme_spent"][-1].sum()
    assert list(table) == list(names)
    for k, name in enumerate(names):
        t, p, met = table[name]
        assert t == pytest.approx(target[k], abs=0.01)
        assert p == pytest.approx(projected[k], abs=0.01)
        assert met == ("yes" if projected[k] >= target[k] else "no")
    total = float(re.search(r"^\s+total\s+([-\d.]+)$", r.stdout, re.M).group(1))
    assert total == pytest.approx(spent, abs=0.1)


def test_nifs_additionality_note_matches_the_run(nisim_bin: Path, run_2032: Path) -> None:
    r = run_tool(nisim_bin, "kpi", run_2032)
    assert r.returncode == 0, r.stderr
    m = re.search(r"^NIFS additionality: (\d+) of the (\d+) lines funded by 2027 would have been "
                  r"built without the grant", r.stdout, re.M)
    assert m, r.stdout
    with h5py.File(run_2032, "r") as f:
        t = list(f["year"][:]).index(2027)
        own, lines = f["nifs_nonadditional_lines"][t], f["nifs_funded_lines"][t]
    assert int(m.group(1)) == round(own) and int(m.group(2)) == round(lines)
    assert own <= lines


def test_against_a_base_gives_share_gain_and_cost_per_point(nisim_bin: Path, run_2032: Path,
                                                            no_nifs_run_2032: Path) -> None:
    r = run_tool(nisim_bin, "kpi", run_2032, "--against", no_nifs_run_2032)
    assert r.returncode == 0, r.stderr
    m = re.search(r"share ([-+][\d.]+) pp, public money ([-+][\d.]+) HK\$ M by 2032", r.stdout)
    assert m, r.stdout
    with h5py.File(run_2032, "r") as a, h5py.File(no_nifs_run_2032, "r") as b:
        t = list(a["year"][:]).index(2032)
        d_share = a["mfg_share"][t] - b["mfg_share"][t]
        d_cost = a["scheme_spent"][t].sum() - b["scheme_spent"][t].sum()
    assert float(m.group(1)) == pytest.approx(d_share, abs=5e-4)
    assert float(m.group(2)) == pytest.approx(d_cost, abs=0.05)
    if d_share > 1e-6:
        per = float(re.search(r"HK\$ ([-\d]+) M$", r.stdout.strip()).group(1))
        assert per == pytest.approx(d_cost / d_share, rel=1e-3, abs=1)
    else:
        assert "undefined" in r.stdout


@pytest.mark.parametrize("kind", ["empty", "truncated", "foreign", "text", "missing"])
def test_bad_files_exit_4_with_one_line(nisim_bin: Path, run_2032: Path, tmp_path: Path,
                                        kind: str) -> None:
    bad = tmp_path / f"{kind}.h5"
    if kind == "empty":
        bad.write_bytes(b"")
    elif kind == "truncated":
        bad.write_bytes(run_2032.read_bytes()[:4096])
    elif kind == "foreign":
        with h5py.File(bad, "w") as f:
            f["x"] = np.arange(3)
    elif kind == "text":
        bad.write_text("not hdf5\n")
    r = run_tool(nisim_bin, "kpi", bad)
    assert r.returncode == 4
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nisim: error:") and bad.name in lines[0]
