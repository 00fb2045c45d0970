"""tools/plot_policy.py: the 2x2 policy-economy figure of one or more run files, what it draws,
and its refusals (exit code 4 with a message naming the file and what is wrong)."""
from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import h5py
import matplotlib
import numpy as np
import pytest

from conftest import TOOLS, run_tool

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PYTHON = "/usr/bin/python3"
PNG = b"\x89PNG\r\n\x1a\n"


def plot(*args: str | Path) -> int:
    """tools/plot_policy.py's main() in this process; its exit code."""
    module = importlib.import_module("plot_policy")
    try:
        return module.main([str(a) for a in args])
    except SystemExit as e:
        return int(e.code)


def test_one_and_two_scenarios_write_pngs(run_2032: Path, no_nifs_run_2032: Path,
                                          tmp_path: Path) -> None:
    one, two = tmp_path / "one.png", tmp_path / "two.png"
    r = run_tool(PYTHON, TOOLS / "plot_policy.py", run_2032, "-o", one)
    assert r.returncode == 0 and r.stdout == f"wrote {one}\n" and r.stderr == "", r.stderr
    r = run_tool(PYTHON, TOOLS / "plot_policy.py", run_2032, no_nifs_run_2032, "-o", two)
    assert r.returncode == 0, r.stderr
    for png in (one, two):
        data = png.read_bytes()
        assert data[:8] == PNG and len(data) > 20_000
    assert one.read_bytes() != two.read_bytes()


def test_figure_draws_the_file_values(run_2032: Path, no_nifs_run_2032: Path,
                                      tmp_path: Path) -> None:
    plt.close("all")
    assert plot(run_2032, no_nifs_run_2032, "-o", tmp_path / "p.png") == 0
    assert plt.get_fignums() == []  # the tool closes its figure
    module = importlib.import_module("plot_policy")
    runs = [module.load(str(p)) for p in (run_2032, no_nifs_run_2032)]
    with h5py.File(run_2032, "r") as f:
        ind = [v.decode() if isinstance(v, bytes) else v for v in f["kpi/indicator"][:]]
        k = ind.index("smart_production_lines_funded_cumulative")
        assert runs[0].lines_target == (f["kpi/target"][k], int(f["kpi/target_year"][k]))
        k = ind.index("nias_enterprises_with_new_smart_facilities")
        assert runs[0].nias_target == (f["kpi/target"][k], int(f["kpi/target_year"][k]))
        np.testing.assert_array_equal(runs[0].paid, f["scheme_paid"][:])
        np.testing.assert_array_equal(runs[0].supply, f["supply_by_site"][:])
        np.testing.assert_array_equal(runs[0].pool, f["talent_pool"][:])
        assert runs[0].name == f.attrs["scenario_name"] == "small2032"
    assert runs[1].name == "no_nifs2032" and runs[1].lines.max() == 0 < runs[0].lines.max()

    # Draw on our own axes and check what is drawn.
    fig, axes = plt.subplots(2, 2)
    names = module.unique_names(runs, ["a.h5", "b.h5"])
    module.draw_money(axes[0, 0], runs, names)
    module.draw_targets(axes[1, 0], runs)
    # Stacked bars: the tops of each scenario's bars are its total payments per year.
    bars = [p for p in axes[0, 0].patches]
    n_years = len(runs[0].years)
    tops: dict[float, float] = {}
    for b in bars:
        x = round(b.get_x() + b.get_width() / 2, 6)
        tops[x] = max(tops.get(x, 0.0), b.get_y() + b.get_height())
    for j, r in enumerate(runs):
        xs = r.years + (j - 0.5) * 0.4
        np.testing.assert_allclose([tops[round(x, 6)] for x in xs], r.paid.sum(axis=1),
                                   rtol=1e-9, atol=1e-9)
    assert len(tops) == 2 * n_years
    # Targets: one dotted horizontal line per target, at the value of the kpi group.
    hlines = sorted(line.get_ydata()[0] for line in axes[1, 0].get_lines()
                    if line.get_linestyle() == ":")
    assert hlines == sorted([runs[0].lines_target.value, runs[0].nias_target.value])
    plt.close(fig)


def test_same_scenario_twice_is_told_apart(run_2032: Path, tmp_path: Path) -> None:
    module = importlib.import_module("plot_policy")
    runs = [module.load(str(run_2032))] * 2
    assert module.unique_names(runs, ["x/a.h5", "y/b.h5"]) == ["small2032 (a.h5)",
                                                               "small2032 (b.h5)"]


def test_foreign_batch_and_text_files_exit_4(batch_2032: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f["x"] = [1, 2, 3]
    text = tmp_path / "notes.h5"
    text.write_text("not hdf5 at all")
    out = tmp_path / "x.png"
    for bad, why in ((foreign, "neither an nisim run output nor a batch output"),
                     (text, "not a readable HDF5 file"),
                     (tmp_path / "nope.h5", "no such file"),
                     (batch_2032, "an nisim batch file; plot_policy.py draws run files")):
        r = run_tool(PYTHON, TOOLS / "plot_policy.py", bad, "-o", out)
        assert r.returncode == 4 and r.stdout == "", (bad, r.stderr)
        assert r.stderr.startswith(f"plot_policy.py: error: {bad}: ") and why in r.stderr
        assert len(r.stderr.splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize("dataset", ["talent_pool", "scheme_paid", "occupied_by_site",
                                     "kpi/target_year"])
def test_run_without_a_dataset_is_a_clear_error(run_2032: Path, tmp_path: Path,
                                                dataset: str) -> None:
    old = tmp_path / "old.h5"
    shutil.copy(run_2032, old)
    with h5py.File(old, "a") as f:
        del f[dataset]
    out = tmp_path / "x.png"
    # The good file first: an error is about the damaged file, not the first one given.
    r = run_tool(PYTHON, TOOLS / "plot_policy.py", run_2032, old, "-o", out)
    assert r.returncode == 4 and r.stdout == ""
    name = dataset.rsplit("/", 1)[-1]
    assert r.stderr.startswith(f"plot_policy.py: error: {old}: no dataset {name}"), r.stderr
    assert "plot_policy.py needs the policy-economy datasets" in r.stderr
    assert not out.exists()


def test_run_without_kpi_group(run_2032: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.h5"
    shutil.copy(run_2032, old)
    with h5py.File(old, "a") as f:
        del f["kpi"]
    r = run_tool(PYTHON, TOOLS / "plot_policy.py", old, "-o", tmp_path / "x.png")
    assert r.returncode == 4 and f"{old}: no 'kpi' group" in r.stderr


def test_usage_and_missing_directory(run_2032: Path, tmp_path: Path) -> None:
    r = run_tool(PYTHON, TOOLS / "plot_policy.py", run_2032)
    assert r.returncode == 2 and "-o/--output" in r.stderr
    r = run_tool(PYTHON, TOOLS / "plot_policy.py", run_2032, "-o", tmp_path / "no" / "x.png")
    assert r.returncode == 4 and "does not exist" in r.stderr
