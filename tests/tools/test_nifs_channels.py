"""tools/nifs_channels.py: the NIFS effect with each channel neutralised (docs/analysis.md
section 7, "Why the NIFS lowers the share"), its exact value-added/GDP split, and its usage
errors. Runs the small scenario (tests/data/scenarios/small.toml, 2016-2022)."""
from __future__ import annotations

from pathlib import Path

from conftest import SMALL, TOOLS, run_tool

PYTHON = "/usr/bin/python3"
TOOL = TOOLS / "nifs_channels.py"
ROWS = 10  # channels, reference included


def cells_of(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def channel_rows(text: str) -> dict[str, list[str]]:
    """The first table: channel -> cells (8 per row)."""
    out = {}
    for line in text.splitlines():
        cells = cells_of(line)
        if line.startswith("| ") and len(cells) == 8 and cells[2][:1] in "+-":
            out[cells[0]] = cells
    return out


def quantity_rows(text: str) -> dict[str, list[float]]:
    """The second table: quantity -> [off, on, difference]."""
    out = {}
    for line in text.splitlines():
        cells = cells_of(line)
        if line.startswith("| ") and len(cells) == 4 and cells[3][:1] in "+-":
            out[cells[0]] = [float(c) for c in cells[1:]]
    return out


def small(nisim_bin: Path, *extra: str):
    return run_tool(PYTHON, TOOL, "--bin", nisim_bin, "--scenario", SMALL, *extra)


def test_before_the_scheme_opens_every_channel_gives_zero(nisim_bin: Path) -> None:
    # The NIFS opens in 2020: with the same seed both runs are identical to 2019 whatever the
    # channel neutralised, so every effect and every line difference is exactly zero.
    r = small(nisim_bin, "--seeds", "1-1", "--year", "2019", "--path", "2017-2019")
    assert r.returncode == 0, r.stderr
    rows = channel_rows(r.stdout)
    assert len(rows) == ROWS, r.stdout
    for label, cells in rows.items():
        assert float(cells[2]) == 0.0 and float(cells[4]) == 0.0, (label, r.stdout)
        assert float(cells[7]) == 0.0, (label, r.stdout)


def test_rows_add_up_and_the_split_is_exact(nisim_bin: Path) -> None:
    r = small(nisim_bin, "--seeds", "1-2", "--year", "2022", "--path", "2020-2022")
    assert r.returncode == 0, r.stderr
    rows = channel_rows(r.stdout)
    assert len(rows) == ROWS, r.stdout
    ref = rows["reference (nothing neutralised)"]
    assert ref[1] == "none" and float(ref[5]) == 0.0 and float(ref[6]) == 0.0
    # Each change column is the row's effect less the reference's (each printed to 5e-6).
    for label, cells in rows.items():
        assert abs(float(cells[5]) - (float(cells[2]) - float(ref[2]))) <= 1.01e-5, label
    # The NIFS changes the small scenario by 2022 (lines are funded and built).
    quantities = quantity_rows(r.stdout)
    assert quantities["lines funded by the NIFS, cumulative"][1] > 0, r.stdout
    for what, (off, on, diff) in quantities.items():
        assert abs(diff - (on - off)) <= 0.151, what  # three numbers, each rounded to 0.1
    assert abs(float(ref[7]) - quantities["smart lines held by firms"][2]) <= 0.051
    # The split line: value added part + denominator part = the reference effect.
    split = next(line for line in r.stdout.splitlines() if line.startswith("reference effect"))
    numbers = [float(w) for w in split.replace("=", " ").split()
               if w[:1] in "+-" and w[1:2].isdigit()]
    assert len(numbers) == 3, split
    va, gdp, total = numbers
    assert abs(va + gdp - total) <= 1.5e-6, split
    assert abs(total - float(ref[2])) <= 5.01e-6, split


def test_bad_arguments_are_usage_errors(nisim_bin: Path, tmp_path: Path) -> None:
    r = small(nisim_bin, "--seeds", "5-2")
    assert r.returncode == 2 and "--seeds" in r.stderr
    r = small(nisim_bin, "--path", "x-y")
    assert r.returncode == 2 and "--path" in r.stderr
    r = run_tool(PYTHON, TOOL, "--bin", tmp_path / "missing", "--scenario", SMALL)
    assert r.returncode == 2 and "no binary" in r.stderr


def test_missing_scenario_and_unsimulated_years_exit_4(nisim_bin: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    r = run_tool(PYTHON, TOOL, "--bin", nisim_bin, "--scenario", missing)
    assert r.returncode == 4 and "nope.toml: no such scenario file" in r.stderr
    r = small(nisim_bin, "--seeds", "1-1", "--year", "2050", "--path", "2020-2022")
    assert r.returncode == 4 and "2050 (--year) is not a simulated year" in r.stderr
    r = small(nisim_bin, "--seeds", "1-1", "--year", "2022", "--path", "2020-2030")
    assert r.returncode == 4 and "(--path) is not a simulated year" in r.stderr
