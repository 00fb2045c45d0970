"""Malformed and hostile inputs: every file of tests/data/bad_scenarios must be refused cleanly.

The corpus and its manifest (expected.csv: file, exit_code, must_contain, has_line, error_file)
live in tests/data/bad_scenarios. Scenario files are checked with `nisim validate FILE`; files
under batch/ with `nisim batch FILE -o TMP/out.h5`. Each must exit with the expected code,
print exactly one line on stderr that starts with "nisim: error: " and names the file (or, for
an error inside an inherited or referenced file, `error_file`), and finish within 10 s.
"""
from __future__ import annotations

import csv
import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import SOURCE

BAD = SOURCE / "tests" / "data" / "bad_scenarios"
MANIFEST = BAD / "expected.csv"
SMALL = SOURCE / "tests" / "data" / "scenarios" / "small.toml"
TIMEOUT = 10


def _rows() -> list[dict[str, str]]:
    with open(MANIFEST, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


ROWS = _rows()


def _run(*args: str | Path, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    # Like conftest.run_tool, but bytes-safe (messages may quote invalid UTF-8) and with a
    # short timeout: a hang is a failure.
    r = subprocess.run([str(a) for a in args], capture_output=True, timeout=timeout)
    r.stdout = r.stdout.decode("utf-8", "replace")
    r.stderr = r.stderr.decode("utf-8", "replace")
    return r


def _one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected exactly one line on stderr, got {len(lines)}: {stderr!r}"
    assert stderr.endswith("\n")
    assert lines[0].startswith("nisim: error: "), lines[0]
    return lines[0]


def test_manifest_covers_corpus() -> None:
    listed = {r["file"] for r in ROWS}
    on_disk = {p.relative_to(BAD).as_posix() for p in BAD.rglob("*.toml")}
    assert listed == on_disk
    assert len(ROWS) >= 100
    for r in ROWS:
        assert r["has_line"] in ("yes", "no"), r
        assert r["must_contain"], r
        assert 1 <= int(r["exit_code"]) <= 5, r


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_bad_input(row: dict[str, str], nisim_bin: Path, tmp_path: Path) -> None:
    path = BAD / row["file"]
    out_dir = tmp_path / "tmp"
    out_dir.mkdir()
    if row["file"].startswith("batch/"):
        r = _run(nisim_bin, "batch", path, "-o", out_dir / "out.h5")
    else:
        r = _run(nisim_bin, "validate", path)
    assert r.returncode == int(row["exit_code"]), r.stderr
    line = _one_error_line(r.stderr)
    named = row["error_file"] or path.name
    assert named in line
    assert row["must_contain"] in line
    if row["has_line"] == "yes":
        assert re.search(re.escape(Path(named).name) + r"[^ ]*:\d+:\d+: ", line), line
    assert r.stdout == ""
    assert list(out_dir.iterdir()) == []


def test_string_10mb_is_too_large(nisim_bin: Path, tmp_path: Path) -> None:
    f = tmp_path / "string_10mb.toml"
    f.write_text('inherit = "' + "a" * (10 * 1024 * 1024) + '"\n', encoding="utf-8")
    r = _run(nisim_bin, "validate", f)
    assert r.returncode == 3, r.stderr
    line = _one_error_line(r.stderr)
    assert "string_10mb.toml" in line
    assert "too large" in line


def test_refused_run_writes_nothing(nisim_bin: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "tmp"
    out_dir.mkdir()
    r = _run(nisim_bin, "run", BAD / "nan_cap.toml", "-o", out_dir / "out.h5", "--threads", "1")
    assert r.returncode == 3, r.stderr
    line = _one_error_line(r.stderr)
    assert "nan_cap.toml:2:" in line and "schemes.nifs.cap" in line
    assert list(out_dir.iterdir()) == []


def test_existing_output_without_force(nisim_bin: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.h5"
    original = os.urandom(4096)
    out.write_bytes(original)
    before = out.stat().st_mtime_ns
    r = _run(nisim_bin, "run", SMALL, "-o", out, "--threads", "1", "--quiet")
    assert r.returncode == 4, r.stderr
    line = _one_error_line(r.stderr)
    assert "out.h5" in line and "--force" in line
    assert out.read_bytes() == original
    assert out.stat().st_mtime_ns == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.h5"]


DEEP = 15_000  # levels that overflowed the stack (exit 139) in a 30-40 KB file


@pytest.mark.parametrize("kind", ["dotted_key", "table_header", "inline_dotted_key", "shock_set",
                                  "batch_header", "batch_dotted_key"])
def test_deeply_nested_input_exits_3_naming_file_line_and_key(nisim_bin: Path, tmp_path: Path,
                                                              kind: str) -> None:
    """Nesting beyond 64 levels (docs/scenarios.md) is refused before TOML parsing; generated
    here, not committed."""
    key = ".".join(["k"] * DEEP)
    text, line = {
        "dotted_key": (f"{key} = 1\n", 1),
        "table_header": (f"# deep\n[{key}]\nx = 1\n", 2),
        "inline_dotted_key": (f"firms = {{ {key} = 1 }}\n", 1),
        "shock_set": (f"[[shock]]\nyear = 2030\nset = {{ {key} = 1 }}\n", 3),
        "batch_header": (f"[batch.{key}]\n", 1),
        "batch_dotted_key": (f'[batch]\nreplications = 2\n{key} = 1\n', 3),
    }[kind]
    f = tmp_path / f"deep_{kind}.toml"
    f.write_text(text, encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    if kind.startswith("batch"):
        r = _run(nisim_bin, "batch", f, "-o", out_dir / "out.h5")
    else:
        r = _run(nisim_bin, "validate", f)
    assert r.returncode == 3, (r.returncode, r.stderr[:300])
    line_text = _one_error_line(r.stderr)
    assert f"{f.name}:{line}:" in line_text, line_text
    assert "key 'k.k.k" in line_text or "key 'batch.k.k" in line_text, line_text
    assert "nested deeper than 64 levels" in line_text
    assert r.stdout == "" and list(out_dir.iterdir()) == []
