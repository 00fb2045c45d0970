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


def test_parts_add_up_and_give_each_groups_share(nisim_bin: Path) -> None:
    # --parts: the "sum of the groups" row is the sum of the four group rows, "all together"
    # repeats the first table's effects, and each share is the group's effect over the whole's.
    r = run_tool(PYTHON, TOOL, "--bin", nisim_bin, "--seeds", "1-1", "--year", "2030", "--parts")
    assert r.returncode == 0, r.stderr
    whole = {k: float(v[5]) for k, v in rows(r.stdout).items()}
    parts = {}
    for line in r.stdout.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 8 and cells[1][:1] in "+-" and cells[1][1:2].isdigit():
            parts[cells[0]] = cells
    groups = [k for k in parts if k not in ("sum of the groups", "all together (first table)")]
    assert len(groups) == 4, r.stdout
    for col in range(1, 6):
        total = sum(float(parts[g][col]) for g in groups)
        assert abs(total - float(parts["sum of the groups"][col])) <= 4 * 5e-5 + 1e-12, r.stdout
    together = parts["all together (first table)"]
    assert [float(together[c]) for c in (1, 2, 3)] == [whole["off"], whole["low"], whole["central"]]
    assert together[6] == together[7] == "100%"
    for g in groups:
        want = 100 * float(parts[g][2]) / whole["low"]
        assert abs(float(parts[g][6].rstrip("%")) - want) <= 0.5 + 100 * 5e-5 / abs(whole["low"])
    stated = {line[2:].split(":")[0]: float(line.split(": ")[1].split(" pp")[0])
              for line in r.stdout.splitlines() if line.startswith("- ")}
    for label in ("low", "central", "high"):  # each printed effect rounded to 0.0001
        assert abs(stated[label] - (whole[label] - whole["off"])) <= 1.5e-4, r.stdout
