"""tools/kpi_table.py on batch and run files that reach 2032: every value of its tables equals
what h5py reads from the file, and bad inputs are refused with exit code 4 and a message."""
from __future__ import annotations

import csv
import importlib
import io
import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

from conftest import TOOLS, run_tool

PYTHON = "/usr/bin/python3"
SCENARIOS = ["small2032", "no_nifs2032"]
REPLICATIONS = 8
LINES = "smart_production_lines_funded_cumulative"


def kpi(*args: str | Path) -> int:
    """tools/kpi_table.py's main() in this process; its exit code."""
    module = importlib.import_module("kpi_table")
    try:
        return module.main([str(a) for a in args])
    except SystemExit as e:
        return int(e.code)


def targets_csv() -> dict[str, tuple[int, float]]:
    with open(TOOLS / "data" / "targets.csv", newline="") as f:
        return {r["indicator"]: (int(r["target_year"]), float(r["target_value"]))
                for r in csv.DictReader(f)}


def text(values) -> list[str]:
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def test_batch_csv_equals_the_file(batch_2032: Path, run_2032: Path,
                                   capsys: pytest.CaptureFixture) -> None:
    assert kpi(batch_2032, "--format", "csv") == 0
    out = capsys.readouterr()
    assert out.err == ""  # 2032 is simulated: no note
    rows = list(csv.DictReader(io.StringIO(out.out)))
    targets = targets_csv()
    with h5py.File(batch_2032, "r") as f, h5py.File(run_2032, "r") as run:
        # Batch files do not store targets: the table's come from targets.csv; they must be
        # those of the run files' kpi group.
        run_targets = dict(zip(text(run["kpi/indicator"][:]),
                               zip(run["kpi/target_year"][:], run["kpi/target"][:])))
        years = f["year"][:]
        assert years[-1] == 2032
        n_rows = 0
        for name in SCENARIOS:
            g = f[name]
            indicators = text(g["indicator"][:])
            mine = [r for r in rows if r["scenario"] == name]
            assert [r["indicator"] for r in mine] == indicators and len(indicators) >= 10
            proj = g["kpi_projected"][:]
            assert proj.shape == (REPLICATIONS, len(indicators)) and np.all(np.isfinite(proj))
            paid = g["public_spending"][:][:, years <= 2032].sum(axis=1).mean()
            assert paid > 0
            for k, r in enumerate(mine):
                year, target = targets[r["indicator"]]
                assert (int(r["target_year"]), float(r["target"])) == (year, target)
                assert (year, target) == tuple(run_targets[r["indicator"]])
                assert int(r["runs"]) == REPLICATIONS
                assert float(r["projected_mean"]) == pytest.approx(proj[:, k].mean(), rel=1e-12)
                assert float(r["projected_p5"]) == pytest.approx(np.percentile(proj[:, k], 5))
                assert float(r["projected_p95"]) == pytest.approx(np.percentile(proj[:, k], 95))
                assert float(r["projected_mean"]) == pytest.approx(g["kpi_mean"][k], rel=1e-12)
                # P(met) is the share of replications at or above the target.
                p_met = np.mean(proj[:, k] >= target)
                assert float(r["p_met"]) == pytest.approx(p_met, abs=1e-12)
                assert float(r["p_met"]) == g["kpi_p_met"][k]
                assert int(r["public_paid_to_year"]) == 2032
                assert float(r["public_paid_mean_hkd_m"]) == pytest.approx(paid, rel=1e-12)
                n_rows += 1
        assert n_rows == len(rows)
    by = {(r["scenario"], r["indicator"]): r for r in rows}
    # The NIFS indicator is funded lines: none without NIFS, some with it.
    assert float(by["no_nifs2032", LINES]["projected_mean"]) == 0.0
    assert float(by["no_nifs2032", LINES]["p_met"]) == 0.0
    assert float(by["small2032", LINES]["projected_mean"]) > 0.0
    assert "smart_lines_mean" not in rows[0]  # the old smart_lines columns are gone


def test_batch_markdown(batch_2032: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "kpi.md"
    assert kpi(batch_2032, "-o", out) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    md = out.read_text()
    assert md.startswith(f"**policy_batch.toml: {REPLICATIONS} replications per scenario, "
                         "seed 20240916**")
    with h5py.File(batch_2032, "r") as f:
        years = f["year"][:]
        for name in SCENARIOS:
            g = f[name]
            section = md.split(f"### {name}\n")[1].split("###")[0]
            rows = [line for line in section.splitlines() if line.startswith("| ")]
            indicators = text(g["indicator"][:])
            assert len(rows) == 1 + len(indicators)  # heading + one row per indicator
            for ind, row, p in zip(indicators, rows[1:], g["kpi_p_met"][:]):
                cells = [c.strip() for c in row.strip("|").split("|")]
                assert cells[0] == ind and cells[-1] == f"{p:.2f}"
            paid = g["public_spending"][:][:, years <= 2032].sum(axis=1).mean()
            assert (f"up to and including 2032, mean over {REPLICATIONS} runs: "
                    f"HK$ {paid:,.0f} M") in section
            share = g["kpi_projected"][:, 0]
            assert rows[1].startswith("| manufacturing_share_of_gdp_basic_prices | percent | "
                                      f"2032 | 5.000 | {share.mean():.3f} | ")


def test_run_table_equals_kpi_group(run_2032: Path, capsys: pytest.CaptureFixture) -> None:
    assert kpi(run_2032, "--format", "csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    with h5py.File(run_2032, "r") as f:
        g = f["kpi"]
        assert [r["indicator"] for r in rows] == text(g["indicator"][:])
        units = g.attrs["units"]
        assert [r["unit"] for r in rows] == (units.decode() if isinstance(units, bytes)
                                             else units).split(";")
        paid = f["public_spending"][:][f["year"][:] <= 2032].sum()
        for k, r in enumerate(rows):
            assert r["scenario"] == "small2032"
            assert int(r["target_year"]) == g["target_year"][k]
            assert float(r["target"]) == g["target"][k]
            assert float(r["projected"]) == g["projected"][k]
            assert float(r["met"]) == float(g["projected"][k] >= g["target"][k])
            assert float(r["public_paid_hkd_m"]) == pytest.approx(paid, rel=1e-12)
        met = g["met"][:]
    assert kpi(run_2032) == 0
    md = capsys.readouterr().out
    assert md.startswith("**small2032: one run, seed ")
    table = [line for line in md.splitlines() if line.startswith("| ")]
    assert len(table) == 1 + len(rows)
    assert [line.rstrip(" |").rsplit("| ", 1)[1] for line in table[1:]] == [
        "yes" if m else "no" for m in met]
    assert f"up to and including 2032: HK$ {paid:,.0f} M" in md


def test_paid_to_stops_at_the_last_simulated_year(run_2032: Path,
                                                  capsys: pytest.CaptureFixture) -> None:
    assert kpi(run_2032, "--format", "csv", "--paid-to", "2027") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    with h5py.File(run_2032, "r") as f:
        spending, years = f["public_spending"][:], f["year"][:]
    assert int(rows[0]["public_paid_to_year"]) == 2027
    assert float(rows[0]["public_paid_hkd_m"]) == pytest.approx(spending[years <= 2027].sum())
    assert kpi(run_2032, "--format", "csv", "--paid-to", "2040") == 0
    out = capsys.readouterr()
    assert "2040 not simulated (2016-2032); public money is summed to 2032" in out.err
    assert int(next(csv.DictReader(io.StringIO(out.out)))["public_paid_to_year"]) == 2032


def damaged_copies(run: Path, batch: Path, d: Path) -> list[tuple[Path, str]]:
    """(file, what the error message must say) for each kind of bad input."""
    cases = [(d / "missing.h5", "no such file")]
    (d / "empty.h5").write_bytes(b"")
    cases.append((d / "empty.h5", "not a readable HDF5 file"))
    (d / "text.h5").write_text("not hdf5 at all")
    cases.append((d / "text.h5", "not a readable HDF5 file"))
    data = run.read_bytes()
    (d / "truncated.h5").write_bytes(data[: len(data) // 3])
    cases.append((d / "truncated.h5", "not a readable HDF5 file (Unable to open file (truncated"))
    with h5py.File(d / "foreign.h5", "w") as f:
        f["x"] = [1.0, 2.0]
    cases.append((d / "foreign.h5", "neither an nisim run output nor a batch output"))
    shutil.copy(run, d / "no_kpi.h5")
    with h5py.File(d / "no_kpi.h5", "a") as f:
        del f["kpi"]
    cases.append((d / "no_kpi.h5", "an nisim run file without a 'kpi' group"))
    shutil.copy(run, d / "no_projected.h5")
    with h5py.File(d / "no_projected.h5", "a") as f:
        del f["kpi/projected"]
    cases.append((d / "no_projected.h5", "no dataset projected in group /kpi"))
    shutil.copy(batch, d / "old_batch.h5")
    with h5py.File(d / "old_batch.h5", "a") as f:
        del f["no_nifs2032/kpi_projected"]
    cases.append((d / "old_batch.h5", "no dataset kpi_projected in group /no_nifs2032"))
    return cases


def test_bad_files_exit_4_with_a_message(run_2032: Path, batch_2032: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture) -> None:
    for bad, why in damaged_copies(run_2032, batch_2032, tmp_path):
        for fmt in ("markdown", "csv"):
            assert kpi(bad, "--format", fmt) == 4, bad
            out = capsys.readouterr()
            assert out.out == "", bad
            assert f"error: {bad}: " in out.err and why in out.err, (bad, out.err)
    # The same through real processes: exit code 4, one line on stderr, nothing written.
    again = tmp_path / "again"
    again.mkdir()
    for bad, why in damaged_copies(run_2032, batch_2032, again):
        r = run_tool(PYTHON, TOOLS / "kpi_table.py", bad, "-o", tmp_path / "t.md")
        assert r.returncode == 4 and r.stdout == "", (bad, r.stderr)
        assert r.stderr.startswith(f"kpi_table.py: error: {bad}: ") and why in r.stderr
        assert len(r.stderr.splitlines()) == 1
    assert not (tmp_path / "t.md").exists()


def test_usage_errors_exit_2(run_2032: Path, tmp_path: Path) -> None:
    r = run_tool(PYTHON, TOOLS / "kpi_table.py", run_2032, "--format", "xlsx")
    assert r.returncode == 2 and "invalid choice: 'xlsx'" in r.stderr and r.stdout == ""
    r = run_tool(PYTHON, TOOLS / "kpi_table.py")
    assert r.returncode == 2
    r = run_tool(PYTHON, TOOLS / "kpi_table.py", run_2032, "-o", tmp_path / "nodir" / "t.csv")
    assert r.returncode == 4 and "does not exist" in r.stderr
    r = run_tool(PYTHON, TOOLS / "kpi_table.py", run_2032, "--format", "csv")
    assert r.returncode == 0 and r.stdout.startswith("scenario,indicator,unit,target_year,")
