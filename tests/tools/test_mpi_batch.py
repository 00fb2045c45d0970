"""Batches on MPI (issue #6, docs/cluster.md): `mpirun -n N nisim batch` writes the same datasets
as a single-process batch for N = 1, 2, 3; every rank takes runs (dynamic load balancing); a
rank killed mid-batch loses only the runs it held, and `--resume` completes exactly those.

Skipped when nisim was built without MPI, unless NISIM_REQUIRE_MPI=1 (CI sets it), which turns
the skip into a failure."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from batch_compare import (assert_same_datasets, journal_records, single_process_batch,
                           wait_for_records, write_batch)

from conftest import run_tool

REPS = 12  # 24 runs
LONG_REPS = 40  # 80 runs


def mpi_env() -> dict[str, str]:
    env = dict(os.environ)
    # OpenMPI refuses to run as root (CI containers) unless told twice.
    env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    return env


@pytest.fixture(scope="module")
def mpirun(nisim_bin: Path) -> str:
    version = run_tool(nisim_bin, "--version").stdout
    found = shutil.which("mpirun")
    if "with MPI" not in version or found is None:
        why = f"nisim built without MPI ({version.strip()}) or no mpirun"
        if os.environ.get("NISIM_REQUIRE_MPI") == "1":
            pytest.fail(why + ", but NISIM_REQUIRE_MPI=1")
        pytest.skip(why)
    return found


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_batch(tmp_path_factory.mktemp("mpi") / "mpi.toml", REPS)


@pytest.fixture(scope="module")
def single(nisim_bin: Path, batch: Path) -> Path:
    return single_process_batch(nisim_bin, batch, batch.parent / "single.h5")


def run_mpi(mpirun: str, ranks: int, *args: str | Path, timeout: float = 300):
    cmd = [mpirun, "--oversubscribe", "-n", str(ranks), *[str(a) for a in args]]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=mpi_env())


@pytest.mark.parametrize("ranks", [1, 2, 3])
def test_mpi_batch_equals_single_process(mpirun, nisim_bin, batch, single, ranks):
    out = batch.parent / f"mpi_{ranks}.h5"
    r = run_mpi(mpirun, ranks, nisim_bin, "batch", batch, "-o", out, "--threads", "1")
    assert r.returncode == 0, r.stderr + r.stdout
    assert f"on {ranks} rank" in r.stdout
    if ranks > 1:
        counts = [int(c) for c in re.search(r"runs by rank:([\d ]+)", r.stdout).group(1).split()]
        assert len(counts) == ranks and sum(counts) == 2 * REPS
        assert all(c > 0 for c in counts), f"a rank took no runs: {counts}"
    assert assert_same_datasets(single, out) > 30


def test_invalid_batch_under_mpi_is_one_clear_error(mpirun, nisim_bin, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[batch]\nreplications = -3\n")
    out = tmp_path / "bad.h5"
    r = run_mpi(mpirun, 2, nisim_bin, "batch", bad, "-o", out, timeout=120)
    assert r.returncode == 3, (r.returncode, r.stderr)
    assert r.stderr.count("nisim: error:") == 1, r.stderr  # rank 0 speaks for all
    assert "replications" in r.stderr
    assert not out.exists()


@pytest.mark.parametrize("case", ["exists", "no_directory", "fifo"])
def test_file_error_under_mpi_is_printed_by_rank_0_only(mpirun, nisim_bin, batch, tmp_path, case):
    """Every rank sees the same file error; only rank 0 prints it (issue #17)."""
    out = tmp_path / "out.h5"
    if case == "exists":
        out.write_bytes(b"old")
    elif case == "no_directory":
        out = tmp_path / "missing" / "out.h5"
    else:
        os.mkfifo(out)
    r = run_mpi(mpirun, 2, nisim_bin, "batch", batch, "-o", out, "-q", timeout=120)
    assert r.returncode == 4, (r.returncode, r.stderr)
    errors = [line for line in r.stderr.splitlines() if line.startswith("nisim")]
    assert len(errors) == 1 and errors[0].startswith("nisim: error: "), r.stderr
    assert "nisim (rank 1)" not in r.stderr


def rank_pids(mpirun_pid: int) -> dict[int, int]:
    """rank -> pid of the nisim processes mpirun started (from their environment)."""
    found: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            env = (proc / "environ").read_bytes().split(b"\0")
            cmd = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if b"nisim" not in cmd or b"batch" not in cmd:
            continue
        for item in env:
            if item.startswith(b"OMPI_COMM_WORLD_RANK="):
                found[int(item.split(b"=", 1)[1])] = int(proc.name)
    return found


def test_dead_rank_loses_only_its_runs_and_resume_completes(mpirun, nisim_bin, tmp_path):
    # A longer batch than the others, so that the kill lands mid-batch.
    batch = write_batch(tmp_path / "long.toml", LONG_REPS)
    single = single_process_batch(nisim_bin, batch, tmp_path / "single.h5")
    out = tmp_path / "dead_rank.h5"
    journal = Path(str(out) + ".journal")
    proc = subprocess.Popen([mpirun, "--oversubscribe", "-n", "3", str(nisim_bin), "batch",
                             str(batch), "-o", str(out), "--threads", "1", "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=mpi_env())
    wait_for_records(journal, 3, proc)
    pids: dict[int, int] = {}
    t0 = time.monotonic()
    while 2 not in pids and time.monotonic() - t0 < 30:
        pids = rank_pids(proc.pid)
    assert 2 in pids, "rank 2 not found"
    os.kill(pids[2], signal.SIGKILL)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode != 0, "mpirun must fail when a rank dies"
    assert not out.exists(), "no output from a batch that lost a rank"
    kept = journal_records(journal)
    assert 3 <= kept < 2 * LONG_REPS
    # The rerun reports what was kept and runs only the rest, here on two ranks.
    r = run_mpi(mpirun, 2, nisim_bin, "batch", batch, "-o", out, "--resume", "--threads", "1")
    assert r.returncode == 0, r.stderr
    assert f"resumed {kept} finished runs" in r.stdout
    assert f"nisim: {2 * LONG_REPS - kept} runs in" in r.stdout
    assert_same_datasets(single, out)
