"""Shared fixtures: the built nisim binary (from CTest's NISIM_BIN) and small runs of it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SOURCE = Path(os.environ.get("NISIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
TOOLS = SOURCE / "tools"
SMALL = SOURCE / "tests" / "data" / "scenarios" / "small.toml"
sys.path.insert(0, str(TOOLS))


@pytest.fixture(scope="session")
def nisim_bin() -> Path:
    b = os.environ.get("NISIM_BIN")
    if not b:
        candidates = sorted(SOURCE.glob("build/*/app/nisim"))
        if not candidates:
            pytest.fail("set NISIM_BIN to the built nisim binary (CTest does this)")
        b = str(candidates[0])
    return Path(b)


def run_tool(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="session")
def small_run(nisim_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run of the small scenario, shared by the tests that only read it."""
    out = tmp_path_factory.mktemp("run") / "small.h5"
    r = run_tool(nisim_bin, "run", SMALL, "-o", out, "--threads", "2", "--quiet")
    assert r.returncode == 0, r.stderr
    return out
