"""`nisim kpi` (models/kpi.cpp): the table equals the run file's kpi group, the cost per
percentage point follows from the two files, and bad files give exit 4 with one clear line."""
from __future__ import annotations

import re
from pathlib import Path

import h5py
import numpy as np
import pytest

from conftest import run_tool


def _table(stdout: str) -> dict[str, tuple[float, float, str]]:
    rows = {}
    for line in stdout.splitlines():
        m = re.match(r"^(\w+)\s+(\d+)\s+([-\d.]+)\s+([-\d.na]+)\s+(yes|no|not simulated)$", line)
        if m:
            rows[m.group(1)] = (float(m.group(3)), float(m.group(4)), m.group(5))
    return rows


def test_table_matches_the_kpi_group(nisim_bin: Path, run_2032: Path) -> None:
    r = run_tool(nisim_bin, "kpi", run_2032)
    assert r.returncode == 0, r.stderr
    table = _table(r.stdout)
    with h5py.File(run_2032, "r") as f:
        names = f["kpi/indicator"].asstr()[:]
        target, projected = f["kpi/target"][:], f["kpi/projected"][:]
        spent = f["scheme_spent"][-1].sum()
    assert list(table) == list(names)
    for k, name in enumerate(names):
        t, p, met = table[name]
        assert t == pytest.approx(target[k], abs=0.01)
        assert p == pytest.approx(projected[k], abs=0.01)
        assert met == ("yes" if projected[k] >= target[k] else "no")
    total = float(re.search(r"^\s+total\s+([-\d.]+)$", r.stdout, re.M).group(1))
    assert total == pytest.approx(spent, abs=0.1)


def test_nifs_additionality_note_matches_the_run(nisim_bin: Path, run_2032: Path) -> None:
    r = run_tool(nisim_bin, "kpi", run_2032)
    assert r.returncode == 0, r.stderr
    m = re.search(r"^NIFS additionality: (\d+) of the (\d+) lines funded by 2027 would have been "
                  r"built without the grant", r.stdout, re.M)
    assert m, r.stdout
    with h5py.File(run_2032, "r") as f:
        t = list(f["year"][:]).index(2027)
        own, lines = f["nifs_nonadditional_lines"][t], f["nifs_funded_lines"][t]
    assert int(m.group(1)) == round(own) and int(m.group(2)) == round(lines)
    assert own <= lines


def test_against_a_base_gives_share_gain_and_cost_per_point(nisim_bin: Path, run_2032: Path,
                                                            no_nifs_run_2032: Path) -> None:
    r = run_tool(nisim_bin, "kpi", run_2032, "--against", no_nifs_run_2032)
    assert r.returncode == 0, r.stderr
    m = re.search(r"share ([-+][\d.]+) pp, public money ([-+][\d.]+) HK\$ M by 2032 "
                  r"\(manufacturing-relevant ([-+][\d.]+) HK\$ M\)", r.stdout)
    assert m, r.stdout
    with h5py.File(run_2032, "r") as a, h5py.File(no_nifs_run_2032, "r") as b:
        t = list(a["year"][:]).index(2032)
        d_share = a["mfg_share"][t] - b["mfg_share"][t]
        d_cost = a["scheme_spent"][t].sum() - b["scheme_spent"][t].sum()
        d_mfg = a["scheme_spent_mfg"][t].sum() - b["scheme_spent_mfg"][t].sum()
    assert float(m.group(1)) == pytest.approx(d_share, abs=5e-4)
    assert float(m.group(2)) == pytest.approx(d_cost, abs=0.05)
    assert float(m.group(3)) == pytest.approx(d_mfg, abs=0.05)
    if d_share > 1e-6:
        per = float(re.search(r"share gained: HK\$ ([-\d]+) M$", r.stdout, re.M).group(1))
        assert per == pytest.approx(d_cost / d_share, rel=1e-3, abs=1)
        per_mfg = float(re.search(r"manufacturing-relevant money only: HK\$ ([-\d]+) M$",
                                  r.stdout, re.M).group(1))
        assert per_mfg == pytest.approx(d_mfg / d_share, rel=1e-3, abs=1)
    else:
        assert "undefined" in r.stdout


@pytest.mark.parametrize("kind", ["empty", "truncated", "foreign", "text", "missing"])
def test_bad_files_exit_4_with_one_line(nisim_bin: Path, run_2032: Path, tmp_path: Path,
                                        kind: str) -> None:
    bad = tmp_path / f"{kind}.h5"
    if kind == "empty":
        bad.write_bytes(b"")
    elif kind == "truncated":
        bad.write_bytes(run_2032.read_bytes()[:4096])
    elif kind == "foreign":
        with h5py.File(bad, "w") as f:
            f["x"] = np.arange(3)
    elif kind == "text":
        bad.write_text("not hdf5\n")
    r = run_tool(nisim_bin, "kpi", bad)
    assert r.returncode == 4
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nisim: error:") and bad.name in lines[0]


def _damage(src: Path, dst: Path, kind: str) -> str:
    """Copy the run file `src` to `dst` with one dataset made hostile; returns its name."""
    dst.write_bytes(src.read_bytes())
    with h5py.File(dst, "a") as f:
        g = f["kpi"]
        if kind == "empty_target":  # used to segfault
            del g["target"]
            g["target"] = np.zeros(0)
            return "/kpi/target"
        if kind == "short_target_year":  # used to print years read out of bounds
            del g["target_year"]
            g["target_year"] = np.array([2032.0, 2027.0])
            return "/kpi/target_year"
        if kind == "long_projected":
            data = np.concatenate([g["projected"][:], [1.0]])
            del g["projected"]
            g["projected"] = data
            return "/kpi/projected"
        if kind == "huge_projected":  # declares 80 GB in a small file: refused before reading
            del g["projected"]
            g.create_dataset("projected", shape=(10**10,), dtype="f8", chunks=(1024,))
            return "/kpi/projected"
        if kind == "flat_scheme_spent":
            data = f["scheme_spent"][:].ravel()
            del f["scheme_spent"]
            f["scheme_spent"] = data
            return "/scheme_spent"
        if kind == "text_target":
            n = len(g["target"])
            del g["target"]
            g["target"] = np.array([b"x"] * n)
            return "/kpi/target"
        if kind == "short_share":
            data = f["mfg_share"][:-1]
            del f["mfg_share"]
            f["mfg_share"] = data
            return "/mfg_share"
        if kind == "fractional_year":
            g["target_year"][0] = 2032.5
            return "/kpi/target_year"
    raise AssertionError(kind)


KINDS = ["empty_target", "short_target_year", "long_projected", "huge_projected",
         "flat_scheme_spent", "text_target", "short_share", "fractional_year"]


@pytest.mark.parametrize("against", [False, True], ids=["file", "against"])
@pytest.mark.parametrize("kind", KINDS)
def test_malformed_run_files_exit_4_naming_file_and_dataset(nisim_bin: Path, run_2032: Path,
                                                            tmp_path: Path, kind: str,
                                                            against: bool) -> None:
    """Each hostile dataset is refused before use with one line naming the file and the dataset,
    exit 4, whether it is the file or the base of --against; memory stays bounded (the
    run is capped at 1 GiB of address space, far below the 80 GB huge_projected declares)."""
    import resource
    import subprocess

    bad = tmp_path / f"{kind}.h5"
    dataset = _damage(run_2032, bad, kind)
    args = [nisim_bin, "kpi", run_2032, "--against", bad] if against else [nisim_bin, "kpi", bad]

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    r = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=60,
                       preexec_fn=cap)
    assert r.returncode == 4, (r.returncode, r.stderr)
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nisim: error:"), r.stderr
    assert bad.name in lines[0] and dataset in lines[0], lines[0]


def test_a_base_without_the_purpose_split_is_refused(nisim_bin: Path, run_2032: Path,
                                                     tmp_path: Path) -> None:
    # A run file of an older nisim has no scheme_spent_mfg: the cost per point on
    # manufacturing-relevant money (model.md 7.3) cannot be computed, so --against refuses it.
    old = tmp_path / "old.h5"
    old.write_bytes(run_2032.read_bytes())
    with h5py.File(old, "r+") as f:
        del f["scheme_spent_mfg"]
    r = run_tool(nisim_bin, "kpi", run_2032, "--against", old)
    assert r.returncode == 4
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "scheme_spent_mfg" in lines[0] and old.name in lines[0]
    assert run_tool(nisim_bin, "kpi", old).returncode == 0  # the table alone needs no split


def test_purposes_add_up_in_the_run_file(run_2032: Path) -> None:
    with h5py.File(run_2032, "r") as f:
        paid, spent = f["scheme_paid"][:], f["scheme_spent"][:]
        np.testing.assert_allclose(f["scheme_paid_mfg"][:] + f["scheme_paid_other"][:], paid,
                                   rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(f["scheme_spent_mfg"][:] + f["scheme_spent_other"][:], spent,
                                   rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(np.cumsum(f["scheme_paid_mfg"][:], axis=0),
                                   f["scheme_spent_mfg"][:], rtol=1e-9, atol=1e-6)
        names = [n.decode() if isinstance(n, bytes) else n for n in f["scheme"][:]]
        assert f["scheme_spent_other"][-1][names.index("nifs")] == 0.0
        assert f["scheme_spent_mfg"][-1][names.index("innohk")] == 0.0



def test_bit_flipped_files_never_crash_nisim_kpi(nisim_bin: Path, run_2032: Path,
                                                 tmp_path: Path) -> None:
    """A few bits flipped in the first 64 KiB of a run file (superblock, B-trees, object headers),
    300 times: `nisim kpi` either still prints its table (the flips hit what it does not read) or
    exits 4 with one line naming the file; it is never killed by a signal. libhdf5 1.10 itself
    crashes (SIGSEGV) on some such files, so the report is read in a child process
    (app/main.cpp); before that, some of these files killed nisim."""
    import random
    import subprocess

    src = run_2032.read_bytes()
    bad = tmp_path / "flipped.h5"
    for seed in range(300):
        data = bytearray(src)
        rng = random.Random(seed)
        for _ in range(8):
            data[rng.randrange(min(len(data), 1 << 16))] ^= 1 << rng.randrange(8)
        bad.write_bytes(bytes(data))
        r = subprocess.run([str(nisim_bin), "kpi", str(bad)], capture_output=True, text=True,
                           timeout=60)
        assert r.returncode in (0, 4), (seed, r.returncode, r.stderr)
        if r.returncode == 4:
            last = r.stderr.strip().splitlines()[-1]
            assert last.startswith("nisim: error:") and bad.name in last, (seed, r.stderr)
            assert r.stdout == "", seed


def test_a_label_with_a_raw_byte_is_refused_not_printed(nisim_bin: Path, run_2032: Path,
                                                        tmp_path: Path) -> None:
    """A damaged scheme label ('innohk' with its second byte flipped to 0xEE, the case a
    bit-flip run met): exit 4 with one line naming the file, the dataset and the byte, and no
    raw byte on standard output (before, the table printed it and was not even valid UTF-8)."""
    import subprocess

    src = run_2032.read_bytes()
    assert src.count(b"innohk") >= 1
    bad = tmp_path / "label.h5"
    bad.write_bytes(src.replace(b"innohk", b"i\xeenohk"))
    r = subprocess.run([str(nisim_bin), "kpi", str(bad)], capture_output=True, timeout=60)
    assert r.returncode == 4, r.stderr
    assert r.stdout == b""
    last = r.stderr.decode("ascii").strip().splitlines()[-1]
    assert last.startswith("nisim: error:") and bad.name in last, last
    assert "'/scheme'" in last and "0xEE" in last, last
