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


@pytest.fixture(scope="session")
def policy_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small scenario run to 2032 (every government target year is simulated), a variant
    without NIFS, and a batch of both with 8 replications."""
    d = tmp_path_factory.mktemp("policy")
    (d / "small2032.toml").write_text('inherit = "%s"\n\n[run]\nhorizon = 2032\n' % SMALL)
    (d / "no_nifs2032.toml").write_text('inherit = "small2032.toml"\n\n[schemes.nifs]\n'
                                        'enabled = false\n')
    (d / "policy_batch.toml").write_text(
        '[batch]\nreplications = 8\nseed = 20240916\nbase = "no_nifs2032"\n\n'
        '[[scenario]]\nfile = "small2032.toml"\n\n[[scenario]]\nfile = "no_nifs2032.toml"\n')
    return d


@pytest.fixture(scope="session")
def run_2032(nisim_bin: Path, policy_dir: Path) -> Path:
    """One run of the small scenario to 2032."""
    out = policy_dir / "small2032.h5"
    r = run_tool(nisim_bin, "run", policy_dir / "small2032.toml", "-o", out, "--threads", "2",
                 "--quiet")
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="session")
def no_nifs_run_2032(nisim_bin: Path, policy_dir: Path) -> Path:
    """One run of the small scenario to 2032 without NIFS."""
    out = policy_dir / "no_nifs2032.h5"
    r = run_tool(nisim_bin, "run", policy_dir / "no_nifs2032.toml", "-o", out, "--threads", "2",
                 "--quiet")
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="session")
def batch_2032(nisim_bin: Path, policy_dir: Path) -> Path:
    """The batch of policy_dir: small2032 and no_nifs2032, 8 replications each."""
    out = policy_dir / "policy_batch.h5"
    r = run_tool(nisim_bin, "batch", policy_dir / "policy_batch.toml", "-o", out, "--threads",
                 "2", "--quiet")
    assert r.returncode == 0, r.stderr
    return out
