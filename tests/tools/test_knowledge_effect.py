"""tools/knowledge_effect.py: the policy effect with the knowledge channel off, low, central and
high (docs/model.md section 4.5), and its usage errors."""
from __future__ import annotations

from pathlib import Path

from conftest import TOOLS, run_tool

PYTHON = "/usr/bin/python3"
TOOL = TOOLS / "knowledge_effect.py"


def rows(text: str) -> dict[str, list[str]]:
    """The settings table: label -> cells."""
    out = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 6 and cells[0] in ("off", "low", "central", "high"):
            out[cells[0]] = cells
    return out


def test_before_the_schemes_differ_the_effect_is_zero_and_the_channel_moves_the_level(
        nisim_bin: Path) -> None:
    # Baseline and no_new_policy run the same schemes until 2019, with the same random numbers:
    # the effect is exactly 0 in 2019 whatever the channel, while NITTP training from 2018
    # already raises the 2019 share of both when the training elasticity is positive.
    r = run_tool(PYTHON, TOOL, "--bin", nisim_bin, "--seeds", "1-1", "--year", "2019")
    assert r.returncode == 0, r.stderr
    table = rows(r.stdout)
    assert list(table) == ["off", "low", "central", "high"], r.stdout
    for label, cells in table.items():
        assert cells[5] == "+0.0000", (label, r.stdout)
        assert cells[3] == cells[4], (label, r.stdout)
    assert float(table["high"][3]) > float(table["off"][3]), r.stdout
    assert table["off"][1] == "0.0" and table["off"][2] == "0.0"


def test_bad_arguments_are_usage_errors(nisim_bin: Path, tmp_path: Path) -> None:
    r = run_tool(PYTHON, TOOL, "--bin", nisim_bin, "--seeds", "5-2")
    assert r.returncode == 2 and "--seeds" in r.stderr
    r = run_tool(PYTHON, TOOL, "--bin", tmp_path / "missing")
    assert r.returncode == 2 and "no binary" in r.stderr


def test_a_year_outside_the_run_is_an_error(nisim_bin: Path) -> None:
    r = run_tool(PYTHON, TOOL, "--bin", nisim_bin, "--seeds", "1-1", "--year", "2050")
    assert r.returncode == 4 and "2050 is not a simulated year" in r.stderr
