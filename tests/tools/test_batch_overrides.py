"""Flexible experiments (issue #16 item 4; docs/batches.md "Overrides" and "Paths"):
`--set key=value` on run, validate, batch and target, validated like a file value; `--replications
N`; a journal refused on resume when the overrides differ; relative paths in a batch file resolved
from the batch file's directory whatever the working directory."""
from __future__ import annotations

import shutil
import signal
import subprocess
from pathlib import Path

import h5py
import numpy as np
from batch_compare import wait_for_records, write_batch

from conftest import SMALL, run_tool


def run_small(nisim_bin: Path, scenario: Path, out: Path, *extra: str):
    return run_tool(nisim_bin, "run", scenario, "-o", out, "--seed", "7", "--threads", "2", "-q",
                    *extra)


def test_set_equals_the_same_value_in_a_file(nisim_bin, tmp_path):
    """--set firms.count=1500 gives the run a scenario file setting it gives, bit for bit."""
    variant = tmp_path / "fewer.toml"
    variant.write_text(f'inherit = "{SMALL}"\n[firms]\ncount = 1500\n')
    r = run_small(nisim_bin, variant, tmp_path / "file.h5")
    assert r.returncode == 0, r.stderr
    r = run_small(nisim_bin, SMALL, tmp_path / "set.h5", "--set", "firms.count=1500")
    assert r.returncode == 0, r.stderr
    r = run_small(nisim_bin, SMALL, tmp_path / "plain.h5")
    assert r.returncode == 0, r.stderr
    with h5py.File(tmp_path / "file.h5") as a, h5py.File(tmp_path / "set.h5") as b, \
            h5py.File(tmp_path / "plain.h5") as c:
        for name in ("firms", "mfg_share", "employment"):
            np.testing.assert_array_equal(a[name][()], b[name][()])
        assert not np.array_equal(b["firms"][()], c["firms"][()]), "the override had no effect"
        text = b.attrs["scenario_text"]
        assert "# ---- --set ----\nfirms.count=1500\n" in text


def test_set_is_validated_and_names_the_key(nisim_bin, tmp_path):
    out = tmp_path / "bad.h5"
    cases = [
        (["--set", "firms.cuont=1500"], 3, "--set:1:13: unknown key 'firms.cuont'"),
        (["--set", "run.horizon=2030", "--set", "firms.count=abc"], 3,
         "--set:2:13: key 'firms.count': wrong type: got text \"abc\""),
        (["--set", "firms.count=-5"], 3, "key 'firms.count': value -5 is out of range"),
        (["--set", "firms.count"], 2, "--set firms.count (--set number 1): expected key=value"),
    ]
    for args, code, message in cases:
        r = run_small(nisim_bin, SMALL, out, *args)
        assert r.returncode == code, (args, r.returncode, r.stderr)
        assert message in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert not out.exists(), "no output from a bad override"
    r = run_tool(nisim_bin, "validate", SMALL, "--set", "firms.count=0")
    assert r.returncode == 3 and "key 'firms.count'" in r.stderr, r.stderr


def test_batch_replications_and_set(nisim_bin, tmp_path):
    batch = write_batch(tmp_path / "b.toml", 5)
    out = tmp_path / "b.h5"
    r = run_tool(nisim_bin, "batch", batch, "-o", out, "-q", "--threads", "2",
                 "--replications", "3", "--set", "firms.count=1500")
    assert r.returncode == 0, r.stderr
    with h5py.File(out) as f:
        assert f.attrs["replications"] == 3
        assert f.attrs["overrides"] == "firms.count=1500\n"
        for group in ("small", "no_policy"):
            assert f[group]["mfg_share"].shape[0] == 3
            assert "firms.count=1500" in f[group].attrs["scenario_text"]
    single = tmp_path / "single.h5"
    r = run_small(nisim_bin, SMALL, single, "--set", "firms.count=1500")
    with h5py.File(out) as f, h5py.File(single) as s:
        # 2016: every run starts from the configured firm count
        assert f["small"]["firms"][0, 0] == s["firms"][0]
    for bad in ("0", "-1", "10000001"):
        r = run_tool(nisim_bin, "batch", batch, "-o", tmp_path / "x.h5", "--replications", bad)
        assert r.returncode == 2 and "--replications" in r.stderr, r.stderr
    r = run_tool(nisim_bin, "batch", batch, "-o", tmp_path / "x.h5", "--set", "firms.count=1.5")
    assert r.returncode == 3 and "key 'firms.count'" in r.stderr, r.stderr
    assert not (tmp_path / "x.h5").exists()


def test_sweep_refuses_to_fix_a_varied_key(nisim_bin, tmp_path):
    sweep = tmp_path / "sweep.toml"
    sweep.write_text(f'[batch]\nreplications = 1\n[sweep]\nscenario = "{SMALL}"\ndesign = "grid"\n'
                     'levels = 2\nyear = 2020\n[[sweep.param]]\nkey = "schemes.nifs.cap"\n'
                     'min = 5.0\nmax = 30.0\n')
    r = run_tool(nisim_bin, "batch", sweep, "-o", tmp_path / "s.h5", "--set",
                 "schemes.nifs.cap=10")
    assert r.returncode == 3, r.stderr
    assert "key 'schemes.nifs.cap': varied by" in r.stderr


def test_resume_is_refused_when_the_overrides_change(nisim_bin, tmp_path):
    batch = write_batch(tmp_path / "resume.toml", 30)
    out = tmp_path / "r.h5"
    journal = Path(str(out) + ".journal")
    proc = subprocess.Popen([str(nisim_bin), "batch", str(batch), "-o", str(out), "-q",
                             "--threads", "2", "--set", "firms.count=1500"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_records(journal, 3, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the batch finished before it could be killed"
    for changed in (["--set", "firms.count=1600"], [], ["--set", "firms.count=1500",
                                                          "--replications", "29"]):
        r = run_tool(nisim_bin, "batch", batch, "-o", out, "--resume", "-q", *changed)
        assert r.returncode == 4, (changed, r.stderr)
        assert "belongs to a different batch" in r.stderr
        assert not out.exists()
    r = run_tool(nisim_bin, "batch", batch, "-o", out, "--resume", "-q", "--threads", "2",
                 "--set", "firms.count=1500")
    assert r.returncode == 0, r.stderr


def test_paths_resolve_from_the_batch_file_wherever_it_is_copied(nisim_bin, tmp_path):
    """A batch naming its scenarios relative to itself runs from any working directory after
    the directory holding it and its scenarios is copied elsewhere."""
    project = tmp_path / "project"
    (project / "batches").mkdir(parents=True)
    (project / "scenarios").mkdir()
    (project / "scenarios" / "base.toml").write_text(f'inherit = "{SMALL}"\n')
    (project / "scenarios" / "fewer.toml").write_text(
        'inherit = "base.toml"\n[firms]\ncount = 1500\n')
    (project / "batches" / "b.toml").write_text(
        '[batch]\nreplications = 2\nseed = 5\n[[scenario]]\nfile = "../scenarios/base.toml"\n'
        '[[scenario]]\nfile = "../scenarios/fewer.toml"\n')
    copy = tmp_path / "elsewhere" / "copy"
    shutil.copytree(project, copy)
    shutil.rmtree(project)  # nothing may still point at the original
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    for batch_arg, cwd in (("../elsewhere/copy/batches/b.toml", elsewhere),
                           (str(copy / "batches" / "b.toml"), Path("/")),
                           ("b.toml", copy / "batches")):
        out = tmp_path / f"out_{len(batch_arg)}.h5"
        r = subprocess.run([str(nisim_bin), "batch", batch_arg, "-o", str(out), "-q",
                            "--threads", "2"], capture_output=True, text=True, cwd=cwd,
                           timeout=300)
        assert r.returncode == 0, (batch_arg, cwd, r.stderr)
        with h5py.File(out) as f:
            assert list(f.attrs["scenarios"].split(",")) == ["base", "fewer"]
            assert f["fewer"]["firms"][0, 0] < f["base"]["firms"][0, 0]


def test_target_takes_set_and_refuses_to_fix_a_lever(nisim_bin, tmp_path):
    target = tmp_path / "t.toml"
    target.write_text(f'[batch]\nreplications = 2\n[target]\nscenario = "{SMALL}"\nyear = 2020\n'
                      'max_evaluations = 1\n[[target.lever]]\nkey = "schemes.nifs.cap"\n'
                      'min = 5.0\nmax = 30.0\n')
    out = tmp_path / "t.h5"
    r = run_tool(nisim_bin, "target", target, "-o", out, "--set", "schemes.nifs.cap=10")
    assert r.returncode == 3 and "key 'schemes.nifs.cap': varied by" in r.stderr, r.stderr
    r = run_tool(nisim_bin, "target", target, "-o", out, "--set", "firms.cont=10")
    assert r.returncode == 3 and "unknown key 'firms.cont'" in r.stderr, r.stderr
    assert not out.exists()
    r = run_tool(nisim_bin, "target", target, "-o", out, "-q", "--threads", "2",
                 "--set", "firms.count=1500", "--replications", "3")
    assert r.returncode == 0, r.stderr
    with h5py.File(out) as f:
        assert f.attrs["replications"] == 3
        assert f.attrs["overrides"] == "firms.count=1500\n"
        assert f.attrs["scenario_text"].endswith("# ---- --set ----\nfirms.count=1500\n")
