"""`nisim attribute` on the small scenario and tools/attribution_table.py on its output: the
table holds the file's numbers, --update rewrites only the marked section, and a bad
attribution file is exit 3 with nothing written."""
from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest

from conftest import SMALL, TOOLS, run_tool

PYTHON = "/usr/bin/python3"
ATTRIBUTION = """[attribution]
base = "base.toml"
counterfactual = "none.toml"
replications = 3
seed = 9
year = 2022
[attribution.set]
"knowledge.training_elasticity" = 0.0
[[group]]
name = "lines"
off = { "schemes.nifs.enabled" = false }
[[group]]
name = "talent"
off = { "schemes.rth.end" = 2019, "schemes.nittp.end" = 2019 }
"""


@pytest.fixture(scope="module")
def attribution(nisim_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("attribution")
    (d / "base.toml").write_text(f'inherit = "{SMALL}"\n')
    (d / "none.toml").write_text(f'inherit = "{SMALL}"\n[schemes.nifs]\nenabled = false\n'
                                 "[schemes.rth]\nend = 2019\n[schemes.nittp]\nend = 2019\n")
    (d / "a.toml").write_text(ATTRIBUTION)
    out = d / "a.h5"
    r = run_tool(nisim_bin, "attribute", d / "a.toml", "-o", out, "--threads", "2")
    assert r.returncode == 0, r.stderr
    assert "Shapley value" in r.stdout and "whole package" in r.stdout
    return out


def test_table_holds_the_files_numbers(attribution: Path) -> None:
    r = run_tool(PYTHON, TOOLS / "attribution_table.py", attribution)
    assert r.returncode == 0, r.stderr
    rows = [line for line in r.stdout.splitlines() if line.startswith("| ")]
    assert [row.split(" | ")[0] for row in rows[1:]] == [
        "| lines", "| talent", "| **whole package** (base − counterfactual)"]
    with h5py.File(attribution) as f:
        mean, low = f["shapley_mean"][()], f["shapley_ci_low"][()]
        total = f["total_effect_mean"][()]
    assert f"{mean[0, 0]:+.4f} [{low[0, 0]:+.4f}," in rows[1]
    assert f"{total[2]:+.0f}" in rows[3]
    assert "knowledge.training_elasticity = 0.0" in r.stdout


def test_update_rewrites_only_the_marked_section(attribution: Path, tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("before\n<!-- attribution-table:begin -->\nold\n"
                   "<!-- attribution-table:end -->\nafter\n")
    r = run_tool(PYTHON, TOOLS / "attribution_table.py", attribution, "--update", doc)
    assert r.returncode == 0, r.stderr
    text = doc.read_text()
    assert text.startswith("before\n<!-- attribution-table:begin -->\n`a.toml`")
    assert "old" not in text and text.endswith("<!-- attribution-table:end -->\nafter\n")
    (tmp_path / "bare.md").write_text("no markers\n")
    r = run_tool(PYTHON, TOOLS / "attribution_table.py", attribution, "--update",
                 tmp_path / "bare.md")
    assert r.returncode == 4 and "attribution-table:begin" in r.stderr


def test_not_an_attribution_file_is_exit_4(tmp_path: Path) -> None:
    with h5py.File(tmp_path / "x.h5", "w") as f:
        f["y"] = [1.0]
    r = run_tool(PYTHON, TOOLS / "attribution_table.py", tmp_path / "x.h5")
    assert r.returncode == 4 and "not an nisim attribution file" in r.stderr


def test_bad_key_is_exit_3_and_writes_nothing(nisim_bin: Path, attribution: Path) -> None:
    d = attribution.parent
    (d / "bad.toml").write_text(ATTRIBUTION.replace("schemes.nittp.end", "schemes.nittp.edn"))
    r = run_tool(nisim_bin, "attribute", d / "bad.toml", "-o", d / "bad.h5")
    assert r.returncode == 3
    assert "bad.toml:14:" in r.stderr and "schemes.nittp.edn" in r.stderr
    assert not (d / "bad.h5").exists()


def test_set_and_replications_on_the_command_line(nisim_bin: Path, attribution: Path) -> None:
    """--replications replaces the file's count and --set changes base and counterfactual alike
    (recorded in both texts); a bad override is exit 3 (unknown key) or 2 (malformed), no file."""
    d = attribution.parent
    out = d / "set.h5"
    r = run_tool(nisim_bin, "attribute", d / "a.toml", "-o", out, "--threads", "2", "-q",
                 "--replications", "2", "--set", "firms.count=1500")
    assert r.returncode == 0, r.stderr
    with h5py.File(out, "r") as f, h5py.File(attribution, "r") as g:
        assert f.attrs["replications"] == 2 and g.attrs["replications"] == 3
        for text in ("base_text", "counterfactual_text"):
            assert "# ---- --set ----\nfirms.count=1500\n" in f.attrs[text]
            assert "--set" not in g.attrs[text]
        # the same two seeds, another firm count: other effects
        assert f["total_effect"].shape[1] == 2
        assert not np.array_equal(f["total_effect"][:, :2], g["total_effect"][:, :2])
    for args, code, message in [
        (["--set", "firms.cuont=1"], 3, "unknown key 'firms.cuont'"),
        (["--set", "firms.count"], 2, "expected key=value"),
        (["--replications", "0"], 2, "--replications 0"),
    ]:
        bad = d / "bad_set.h5"
        r = run_tool(nisim_bin, "attribute", d / "a.toml", "-o", bad, *args)
        assert r.returncode == code and message in r.stderr, (args, r.returncode, r.stderr)
        assert not bad.exists()
