"""Hostile paths, journals, seeds and signals (issue #17, part A): nisim writes or replaces only
regular files, refuses before any work, keeps a batch's journal to itself and leaves nothing
behind. README.md ("Exit codes") and docs/batches.md ("Interrupted batches") state the rules."""
from __future__ import annotations

import os
import signal
import stat
import struct
import subprocess
import time
from pathlib import Path

import pytest
from batch_compare import (JOURNAL_HEADER_BYTES, assert_same_datasets, journal_records,
                           single_process_batch, wait_for_records, write_batch)

from conftest import SMALL

TIMEOUT = 20  # every refusal is immediate: a hang (FIFO) or a full simulation is a failure


def nisim(nisim_bin: Path, *args: str | Path, timeout: float = TIMEOUT, cwd: Path | None = None):
    r = subprocess.run([str(nisim_bin), *[str(a) for a in args]], capture_output=True,
                       timeout=timeout, cwd=cwd)
    r.stdout = r.stdout.decode("utf-8", "replace")
    r.stderr = r.stderr.decode("utf-8", "replace")
    return r


def one_error(r, code: int, *parts: str) -> str:
    assert r.returncode == code, (r.returncode, r.stderr)
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("nisim: error: "), r.stderr
    for p in parts:
        assert p in lines[0], (p, lines[0])
    return lines[0]


def no_temporaries(d: Path) -> bool:
    return not [p for p in d.iterdir() if ".tmp-" in p.name or p.name.endswith(".journal")]


# ---- outputs: only regular files ------------------------------------------------------------

def test_fifo_at_output_is_refused_even_with_force(nisim_bin, tmp_path):
    fifo = tmp_path / "out.h5"
    os.mkfifo(fifo)
    for cmd in (["run", SMALL], ["batch", write_batch(tmp_path / "b.toml", 1)]):
        r = nisim(nisim_bin, *cmd, "-o", fifo, "--force", "-q")
        one_error(r, 4, "out.h5", "FIFO", "only regular files")
        assert stat.S_ISFIFO(fifo.lstat().st_mode)
        assert no_temporaries(tmp_path)


def test_device_at_output_is_refused(nisim_bin, tmp_path):
    dev = tmp_path / "null"
    try:
        os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    r = nisim(nisim_bin, "run", SMALL, "-o", dev, "--force", "-q")
    one_error(r, 4, "character device")
    assert stat.S_ISCHR(dev.lstat().st_mode)


def test_symlink_at_output_is_refused_and_its_target_kept(nisim_bin, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "out.h5"
    link.symlink_to(victim)
    r = nisim(nisim_bin, "run", SMALL, "-o", link, "--force", "-q")
    one_error(r, 4, "symbolic link")
    assert link.is_symlink() and victim.read_text() == "precious"
    dangling = tmp_path / "dangling.h5"
    dangling.symlink_to(tmp_path / "nowhere.h5")
    r = nisim(nisim_bin, "run", SMALL, "-o", dangling, "-q")  # without --force
    one_error(r, 4, "symbolic link")
    assert dangling.is_symlink() and not (tmp_path / "nowhere.h5").exists()


def test_journal_symlink_is_not_followed(nisim_bin, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "out.h5"
    Path(str(out) + ".journal").symlink_to(victim)
    for extra in ([], ["--force"], ["--resume"]):
        r = nisim(nisim_bin, "batch", write_batch(tmp_path / "b.toml", 1), "-o", out, "-q", *extra)
        one_error(r, 4, "journal", "symbolic link")
        assert victim.read_text() == "precious"
    assert not out.exists()


def test_fifo_at_journal_path_does_not_hang(nisim_bin, tmp_path):
    out = tmp_path / "out.h5"
    os.mkfifo(str(out) + ".journal")
    for extra in ([], ["--force"], ["--resume"]):
        r = nisim(nisim_bin, "batch", write_batch(tmp_path / "b.toml", 1), "-o", out, "-q", *extra)
        one_error(r, 4, "journal", "FIFO")


def test_output_directory_and_trailing_slash(nisim_bin, tmp_path):
    d = tmp_path / "somedir"
    d.mkdir()
    one_error(nisim(nisim_bin, "run", SMALL, "-o", str(d) + "/", "-q"), 4, "directory")
    line = one_error(nisim(nisim_bin, "run", SMALL, "-o", d, "-q"), 4, "directory")
    assert "exists" not in line


def test_empty_output_is_a_usage_error_and_leaves_nothing(nisim_bin, tmp_path):
    for cmd in (["run", SMALL], ["batch", write_batch(tmp_path / "b.toml", 1)]):
        r = nisim(nisim_bin, *cmd, "-o", "", "-q", cwd=tmp_path)
        one_error(r, 2, "empty")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.toml", "small_no_policy.toml"]


@pytest.mark.parametrize("length", [243, 256, 300])
def test_long_output_names_are_refused_before_running(nisim_bin, tmp_path, length):
    out = tmp_path / ("a" * (length - 3) + ".h5")
    t0 = time.monotonic()
    r = nisim(nisim_bin, "run", SMALL, "-o", out, "-q")
    one_error(r, 4, "file name is", "the limit is")
    assert time.monotonic() - t0 < 5
    assert list(tmp_path.iterdir()) == []


def test_output_that_is_the_input_is_refused(nisim_bin, tmp_path):
    parent = tmp_path / "parent.toml"
    parent.write_text(f'inherit = "{SMALL}"\n')
    child = tmp_path / "child.toml"
    child.write_text('inherit = "parent.toml"\n')
    before = {p: p.read_bytes() for p in (parent, child)}
    for target in (child, parent):
        r = nisim(nisim_bin, "run", child, "-o", target, "--force", "-q")
        one_error(r, 4, "is the input file")
    os.link(child, tmp_path / "hard.h5")  # the same file by another name
    one_error(nisim(nisim_bin, "run", child, "-o", tmp_path / "hard.h5", "--force", "-q"), 4,
              "is the input file")
    batch = write_batch(tmp_path / "b.toml", 1)
    text = batch.read_bytes()
    one_error(nisim(nisim_bin, "batch", batch, "-o", batch, "--force", "-q"), 4, "is the input file")
    assert batch.read_bytes() == text
    assert {p: p.read_bytes() for p in (parent, child)} == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to read-only directories")
def test_read_only_directory_is_found_before_running(nisim_bin, tmp_path):
    d = tmp_path / "ro"
    d.mkdir()
    d.chmod(0o555)
    try:
        one_error(nisim(nisim_bin, "run", SMALL, "-o", d / "x.h5", "-q"), 4, "not writable")
    finally:
        d.chmod(0o755)


# ---- inputs ---------------------------------------------------------------------------------

def test_missing_or_fifo_scenario_is_a_file_error(nisim_bin, tmp_path):
    one_error(nisim(nisim_bin, "run", tmp_path / "nope.toml", "-o", tmp_path / "o.h5"), 4,
              "nope.toml", "cannot read")
    one_error(nisim(nisim_bin, "validate", tmp_path / "nope.toml"), 4, "nope.toml")
    one_error(nisim(nisim_bin, "batch", tmp_path / "nope.toml", "-o", tmp_path / "o.h5"), 4,
              "nope.toml")
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    one_error(nisim(nisim_bin, "validate", fifo), 4, "pipe.toml", "FIFO")
    child = tmp_path / "child.toml"
    child.write_text('inherit = "pipe.toml"\n')
    one_error(nisim(nisim_bin, "validate", child), 3, "child.toml:1:", "inherit", "FIFO")


# ---- seeds ----------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", ["-1", "010", "18446744073709551617", "9200000000000000001",
                                  "+5", "0x10", "1e3", " 7", ""])
def test_bad_seeds_are_usage_errors(nisim_bin, tmp_path, seed):
    r = nisim(nisim_bin, "run", SMALL, "-o", tmp_path / "o.h5", "--seed", seed, "-q")
    assert r.returncode == 2, (seed, r.stderr)
    assert "--seed" in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_largest_seed_is_used_as_given(nisim_bin, tmp_path):
    import h5py
    out = tmp_path / "o.h5"
    r = nisim(nisim_bin, "run", SMALL, "-o", out, "--seed", "9200000000000000000", "-q",
              "--threads", "1", timeout=120)
    assert r.returncode == 0, r.stderr
    with h5py.File(out) as f:
        assert int(f.attrs["seed"]) == 9200000000000000000


# ---- journals ---------------------------------------------------------------------------------

def start(nisim_bin, batch, out, *extra):
    return subprocess.Popen([str(nisim_bin), "batch", str(batch), "-o", str(out), "-q",
                             "--threads", "1", *extra], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_second_batch_on_the_same_output_is_refused(nisim_bin, tmp_path):
    batch = write_batch(tmp_path / "b.toml", 40)
    out = tmp_path / "out.h5"
    first = start(nisim_bin, batch, out)
    try:
        wait_for_records(Path(str(out) + ".journal"), 2, first)
        for extra in ([], ["--force"], ["--resume"], ["--resume", "--force"]):
            r = nisim(nisim_bin, "batch", batch, "-o", out, "-q", *extra)
            one_error(r, 4, "in use by another batch", f"PID {first.pid}")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)


def _fnv1a(data: bytes, h: int = 14695981039346656037) -> int:
    for b in data:
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def _record(fingerprint: int, job: int, values: list[float]) -> bytes:
    body = struct.pack(f"<Q{len(values)}d", job, *values)
    key = _fnv1a(struct.pack("<Q", fingerprint))
    return body + struct.pack("<Q", _fnv1a(body, key))


def _killed(nisim_bin, batch, out) -> bytes:
    proc = start(nisim_bin, batch, out)
    wait_for_records(Path(str(out) + ".journal"), 3, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return Path(str(out) + ".journal").read_bytes()


def test_records_of_another_batch_are_not_resumed(nisim_bin, tmp_path):
    """Batch B's journal with batch A's records after its own (two writers, one file): resume
    keeps only B's records and writes exactly B's output."""
    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    a_dir.mkdir(), b_dir.mkdir()
    a = write_batch(a_dir / "batch.toml", 30)
    b = write_batch(b_dir / "batch.toml", 30)
    b.write_text(b.read_text().replace("seed = 99", "seed = 100"))
    a_journal = _killed(nisim_bin, a, a_dir / "out.h5")
    out = b_dir / "out.h5"
    b_journal = _killed(nisim_bin, b, out)
    kept = journal_records(Path(str(out) + ".journal"))
    Path(str(out) + ".journal").write_bytes(b_journal + a_journal[JOURNAL_HEADER_BYTES:])
    r = nisim(nisim_bin, "batch", b, "-o", out, "--resume", "--threads", "2", timeout=300)
    assert r.returncode == 0, r.stderr
    assert f"resumed {kept} finished runs" in r.stdout, r.stdout
    assert_same_datasets(single_process_batch(nisim_bin, b, b_dir / "full.h5"), out)


def test_forged_nan_record_exits_5_naming_the_run(nisim_bin, tmp_path):
    batch = write_batch(tmp_path / "b.toml", 30)
    out = tmp_path / "out.h5"
    journal = _killed(nisim_bin, batch, out)
    fingerprint, jobs, per_run = struct.unpack("<QQQ", journal[8:32])
    values = [1.0] * per_run
    values[0] = float("nan")  # mfg_share in the base year
    forged = journal[:JOURNAL_HEADER_BYTES] + _record(fingerprint, 3, values)  # job 3: no_policy, r 1
    Path(str(out) + ".journal").write_bytes(forged)
    r = nisim(nisim_bin, "batch", batch, "-o", out, "--resume", timeout=120)
    one_error(r, 5, "journal", "scenario no_policy, replication 1", "mfg_share", "NaN")
    assert not out.exists() and Path(str(out) + ".journal").exists()  # kept for the user


# ---- signals and leftovers --------------------------------------------------------------------

@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_removes_the_temporary_file_and_keeps_the_journal(nisim_bin, tmp_path, sig):
    batch = write_batch(tmp_path / "b.toml", 40)
    out = tmp_path / "out.h5"
    proc = start(nisim_bin, batch, out)
    wait_for_records(Path(str(out) + ".journal"), 2, proc)
    assert list(tmp_path.glob(".out.h5.tmp-*")), "the batch writes a temporary file"
    proc.send_signal(sig)
    proc.wait(timeout=30)
    assert proc.returncode == -sig, (proc.returncode, proc.stderr.read())
    assert not list(tmp_path.glob(".out.h5.tmp-*")), "temporary file left by a signal"
    assert Path(str(out) + ".journal").exists() and not out.exists()


def test_stale_temporary_of_a_killed_run_is_removed_by_the_next(nisim_bin, tmp_path):
    batch = write_batch(tmp_path / "b.toml", 40)
    out = tmp_path / "out.h5"
    _killed(nisim_bin, batch, out)
    assert list(tmp_path.glob(".out.h5.tmp-*")), "SIGKILL leaves the temporary file"
    alive = tmp_path / f".out.h5.tmp-{os.getpid()}-0"  # a live process's: kept
    alive.write_bytes(b"x")
    r = nisim(nisim_bin, "run", SMALL, "-o", out, "--threads", "1", "-q", timeout=120)
    assert r.returncode == 0, r.stderr
    assert list(tmp_path.glob(".out.h5.tmp-*")) == [alive]


def test_resume_of_an_interrupted_force_batch_needs_resume_force(nisim_bin, tmp_path):
    """An interrupted --force batch leaves the old output and a journal: the message says to
    use --resume --force, which finishes the batch from the journal."""
    batch = write_batch(tmp_path / "b.toml", 30)
    out = tmp_path / "out.h5"
    out.write_bytes(b"an earlier output")
    proc = start(nisim_bin, batch, out, "--force")
    wait_for_records(Path(str(out) + ".journal"), 3, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    kept = journal_records(Path(str(out) + ".journal"))
    one_error(nisim(nisim_bin, "batch", batch, "-o", out, "--resume", "-q"), 4,
              "--resume --force")
    r = nisim(nisim_bin, "batch", batch, "-o", out, "--resume", "--force", timeout=300)
    assert r.returncode == 0, r.stderr
    assert f"resumed {kept} finished runs" in r.stdout
