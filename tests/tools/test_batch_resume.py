"""No data lost (issue #7): a batch killed with SIGKILL mid-run keeps every finished run in its
journal (OUT.h5.journal); `nisim batch --resume` runs only the missing runs and writes the same
datasets as an uninterrupted batch. A full disk (simulated with a file-size limit) gives exit 4,
one clear message and no output file. docs/batches.md, "Interrupted batches"."""
from __future__ import annotations

import resource
import signal
import subprocess
from pathlib import Path

import pytest
from batch_compare import (assert_same_datasets, journal_records, single_process_batch,
                           wait_for_records, write_batch)

from conftest import SMALL, run_tool

REPS = 30  # 60 runs


@pytest.fixture(scope="module")
def batch_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_batch(tmp_path_factory.mktemp("batch") / "resume.toml", REPS)


@pytest.fixture(scope="module")
def uninterrupted(nisim_bin: Path, batch_file: Path) -> Path:
    return single_process_batch(nisim_bin, batch_file, batch_file.parent / "full.h5")


def start_batch(nisim_bin: Path, batch: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([str(nisim_bin), "batch", str(batch), "-o", str(out), "-q", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def kill_mid_batch(nisim_bin: Path, batch: Path, out: Path) -> int:
    """Start the batch, SIGKILL it once some runs are journalled; returns the records kept."""
    journal = Path(str(out) + ".journal")
    proc = start_batch(nisim_bin, batch, out, "--threads", "2")
    n = wait_for_records(journal, 5, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the batch finished before it could be killed"
    assert not out.exists(), "a killed batch must not leave a (half-written) output file"
    kept = journal_records(journal)
    assert 5 <= n <= kept < 2 * REPS
    return kept


def test_killed_batch_resumes_to_identical_output(nisim_bin, batch_file, uninterrupted):
    out = batch_file.parent / "killed.h5"
    kept = kill_mid_batch(nisim_bin, batch_file, out)
    r = run_tool(nisim_bin, "batch", batch_file, "-o", out, "--resume", "--threads", "2")
    assert r.returncode == 0, r.stderr
    assert f"resumed {kept} finished runs" in r.stdout
    assert f"nisim: {2 * REPS - kept} runs in" in r.stdout, r.stdout
    assert f"{2 * REPS - kept} of {2 * REPS} runs missing (small " in r.stderr, r.stderr
    assert not Path(str(out) + ".journal").exists()
    assert not list(out.parent.glob(f".{out.name}.tmp-*")), "stale temporary files left"
    assert assert_same_datasets(uninterrupted, out) > 30


def test_journal_is_not_discarded_without_resume_or_force(nisim_bin, batch_file):
    out = batch_file.parent / "guarded.h5"
    kept = kill_mid_batch(nisim_bin, batch_file, out)
    journal = Path(str(out) + ".journal")
    before = journal.read_bytes()
    r = run_tool(nisim_bin, "batch", batch_file, "-o", out, "-q")
    assert r.returncode == 4
    assert "interrupted batch" in r.stderr and "--resume" in r.stderr
    assert journal.read_bytes() == before, "the journal must be left untouched"
    assert journal_records(journal) == kept
    r = run_tool(nisim_bin, "batch", batch_file, "-o", out, "-q", "--force", "--threads", "2")
    assert r.returncode == 0, r.stderr
    assert not journal.exists()


def test_journal_of_another_batch_is_refused(nisim_bin, batch_file, tmp_path):
    out = tmp_path / "other.h5"
    kill_mid_batch(nisim_bin, batch_file, out)
    changed = write_batch(tmp_path / "changed.toml", REPS + 1)  # a different batch
    r = run_tool(nisim_bin, "batch", changed, "-o", out, "--resume", "-q")
    assert r.returncode == 4
    assert "belongs to a different batch" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_torn_journal_tail_is_discarded(nisim_bin, batch_file, uninterrupted, tmp_path):
    """A record cut short (a crash mid-write) is dropped and its run done again."""
    out = tmp_path / "torn.h5"
    kept = kill_mid_batch(nisim_bin, batch_file, out)
    journal = Path(str(out) + ".journal")
    with journal.open("r+b") as f:
        f.truncate(journal.stat().st_size - 100)  # the last record loses its end
    r = run_tool(nisim_bin, "batch", batch_file, "-o", out, "--resume", "--threads", "2")
    assert r.returncode == 0, r.stderr
    assert f"resumed {kept - 1} finished runs" in r.stdout
    assert_same_datasets(uninterrupted, out)


def limit_file_size(kib: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (kib * 1024, kib * 1024))
    return apply


@pytest.mark.parametrize("kib", [8, 60])
def test_full_disk_batch_keeps_the_journal_and_resumes(nisim_bin, batch_file, uninterrupted,
                                                       tmp_path, kib):
    """At 8 KiB the journal fills; at 60 KiB the HDF5 file does (the journal stays under it)."""
    out = tmp_path / f"full_{kib}.h5"
    r = subprocess.run([str(nisim_bin), "batch", str(batch_file), "-o", str(out), "-q",
                        "--threads", "2"], capture_output=True, text=True, timeout=300,
                       preexec_fn=limit_file_size(kib))
    assert r.returncode == 4, (r.returncode, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "File too large" in lines[0], r.stderr
    assert not out.exists(), "no output file may be left by a failed write"
    assert not list(tmp_path.glob(f".{out.name}.tmp-*")), "the temporary file must be removed"
    r = run_tool(nisim_bin, "batch", batch_file, "-o", out, "--resume", "--threads", "2")
    assert r.returncode == 0, r.stderr
    assert_same_datasets(uninterrupted, out)


def test_full_disk_run_is_a_clear_error(nisim_bin, tmp_path):
    out = tmp_path / "run.h5"
    r = subprocess.run([str(nisim_bin), "run", str(SMALL), "-o", str(out), "-q"],
                       capture_output=True, text=True, timeout=300,
                       preexec_fn=limit_file_size(64))
    assert r.returncode == 4, (r.returncode, r.stderr)
    assert r.stderr.count("\n") == 1 and "cannot write" in r.stderr and str(out) in r.stderr
    assert "disk full or file size limit" in r.stderr
    assert list(tmp_path.iterdir()) == [], "nothing may be left behind"
