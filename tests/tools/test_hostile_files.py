"""Every Python tool on malformed and hostile HDF5 files (tools/nisim_h5.py; docs/analysis.md,
"Malformed files"): one line on stderr naming the file (and, where the check is explicit, the
dataset or attribute), exit 4, no traceback, bounded memory; a missing Python module is one line
naming the Debian package and the pip command, exit 6.

The files are made here with h5py from real nisim outputs: attributes or coordinates removed,
arrays cut short or emptied, datasets replaced by soft-link loops, by text, by a declared 80 GB
dataset, ranks changed, and random bit flips.
"""
from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

from conftest import SMALL, TOOLS, run_tool

# tool -> (input kind, extra arguments); "OUT" becomes a path in tmp_path
TOOLS_UNDER_TEST = {
    "plot_share": ("run", ["-o", "OUT.png"]),
    "plot_policy": ("run", ["-o", "OUT.png"]),
    "kpi_table": ("run", []),
    "kpi_table@batch": ("batch", []),
    "fan_chart": ("batch", ["-o", "OUT.png"]),
    "paired_diff": ("batch", ["-o", "OUT.png", "--csv", "OUT.csv"]),
    "sensitivity_chart": ("sweep", ["-o", "OUT.png", "--csv", "OUT.csv"]),
}
MEMORY_CAP = 3 << 30  # address space of a tool run: far below what the huge datasets declare
HUGE_ROWS = 10**10


def _datasets(f: h5py.File) -> list[str]:
    names: list[str] = []
    f.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
    return names


def _replace(f: h5py.File, name: str, data: np.ndarray) -> None:
    del f[name]
    f[name] = data


def _mutate(f: h5py.File, kind: str) -> None:
    """Damage every object of the kind a mutation names (all of them: whichever a tool reads
    first must be refused)."""
    if kind == "no_attributes":
        for name in [""] + [n for n in _all_objects(f)]:
            obj = f[name] if name else f
            for a in list(obj.attrs):
                del obj.attrs[a]
        return
    for name in _datasets(f):
        d = f[name]
        coordinate = name.split("/")[-1] in COORDINATES
        if kind == "no_coordinates":
            if coordinate:
                del f[name]
        elif kind == "short_arrays" and not coordinate and d.ndim >= 1 and d.shape[0] > 1:
            _replace(f, name, d[: d.shape[0] // 2])  # shorter than its coordinate
        elif kind == "empty_arrays":
            _replace(f, name, np.zeros((0,) + d.shape[1:], dtype=d.dtype))
        elif kind == "soft_link_loops":
            del f[name]
            f[name] = h5py.SoftLink("/" + name)
        elif kind == "wrong_dtypes":
            text = d.dtype.kind in "SOU"
            _replace(f, name, np.zeros(d.shape) if text else np.full(d.shape, b"x", dtype="S1"))
        elif kind == "wrong_ranks" and d.ndim >= 1:
            data = d[()]
            _replace(f, name, data.reshape(-1) if d.ndim > 1 else data.reshape(-1, 1))
        elif kind == "huge_datasets":
            dtype = d.dtype
            del f[name]
            f.create_dataset(name, shape=(HUGE_ROWS,), dtype=dtype if dtype.kind != "O" else "f8",
                             chunks=(1024,))


def _all_objects(f: h5py.File) -> list[str]:
    names: list[str] = []
    f.visit(names.append)
    return names


COORDINATES = ("year", "scheme", "indicator", "replication", "percentile", "point", "parameter",
               "site", "sector", "percentile")
MUTATIONS = ["no_attributes", "no_coordinates", "short_arrays", "empty_arrays", "soft_link_loops",
             "wrong_dtypes", "wrong_ranks", "huge_datasets"]


@pytest.fixture(scope="module")
def sweep_file(nisim_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("hostile_sweep")
    (d / "sweep.toml").write_text(
        f'[batch]\nreplications = 2\nseed = 3\n\n[sweep]\nscenario = "{SMALL}"\n'
        'design = "morris"\npoints = 2\nlevels = 4\noutput = "mfg_share"\nyear = 2022\n\n'
        '[[sweep.param]]\nkey = "firms.exit_hazard_mature"\nmin = 0.02\nmax = 0.06\n')
    out = d / "sweep.h5"
    r = run_tool(nisim_bin, "batch", d / "sweep.toml", "-o", out, "--threads", "2", "--quiet")
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture
def inputs(run_2032: Path, batch_2032: Path, sweep_file: Path) -> dict[str, Path]:
    return {"run": run_2032, "batch": batch_2032, "sweep": sweep_file}


def _run_tool(tool: str, path: Path, tmp_path: Path,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    kind_args = TOOLS_UNDER_TEST[tool][1]
    args = [str(tmp_path / a.replace("OUT", "out")) if a.startswith("OUT") else a
            for a in kind_args]

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    script = TOOLS / f"{tool.split('@')[0]}.py"
    run_env = dict(os.environ, OPENBLAS_NUM_THREADS="1", MPLBACKEND="Agg", **(env or {}))
    return subprocess.run([sys.executable, str(script), str(path), *args], capture_output=True,
                          text=True, timeout=120, preexec_fn=cap, env=run_env)


def _one_error_line(r: subprocess.CompletedProcess, tool: str) -> str:
    assert "Traceback" not in r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(f"{tool.split('@')[0]}.py: error: "), lines[0]
    return lines[0]


@pytest.mark.parametrize("mutation", MUTATIONS)
@pytest.mark.parametrize("tool", list(TOOLS_UNDER_TEST))
def test_malformed_file_is_one_line_exit_4(tool: str, mutation: str, inputs: dict[str, Path],
                                          tmp_path: Path) -> None:
    bad = tmp_path / f"{mutation}.h5"
    bad.write_bytes(inputs[TOOLS_UNDER_TEST[tool][0]].read_bytes())
    with h5py.File(bad, "a") as f:
        _mutate(f, mutation)
    r = _run_tool(tool, bad, tmp_path)
    assert r.returncode == 4, (r.returncode, r.stderr)
    line = _one_error_line(r, tool)
    assert bad.name in line, line
    # huge_datasets: refused from the declared shape or rank, within MEMORY_CAP (a read would
    # need 80 GB and fail with MemoryError, which is not a file error)
    assert "MemoryError" not in line, line


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("tool", list(TOOLS_UNDER_TEST))
def test_bit_flips_never_raise_a_traceback(tool: str, seed: int, inputs: dict[str, Path],
                                           tmp_path: Path) -> None:
    """Random bytes of the file flipped: the tool either still works (the flips hit data) or
    gives one line naming the file with exit 4."""
    data = bytearray(inputs[TOOLS_UNDER_TEST[tool][0]].read_bytes())
    rng = random.Random(seed)
    for _ in range(64):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    bad = tmp_path / f"flipped_{seed}.h5"
    bad.write_bytes(bytes(data))
    r = _run_tool(tool, bad, tmp_path)
    assert r.returncode in (0, 4), (r.returncode, r.stderr)
    if r.returncode == 4:
        assert bad.name in _one_error_line(r, tool)
    else:
        assert "Traceback" not in r.stderr, r.stderr


def test_one_huge_dataset_is_named(run_2032: Path, tmp_path: Path) -> None:
    bad = tmp_path / "huge.h5"
    bad.write_bytes(run_2032.read_bytes())
    with h5py.File(bad, "a") as f:
        del f["mfg_share"]
        f.create_dataset("mfg_share", shape=(HUGE_ROWS, 2), dtype="f8", chunks=(1024, 2))
    r = _run_tool("plot_share", bad, tmp_path)
    assert r.returncode == 4
    line = _one_error_line(r, "plot_share")
    assert "huge.h5" in line and "/mfg_share" in line and "declares" in line


def test_missing_attribute_and_short_coordinate_are_named(run_2032: Path, batch_2032: Path,
                                                          tmp_path: Path) -> None:
    bad = tmp_path / "short_kpi.h5"
    bad.write_bytes(run_2032.read_bytes())
    with h5py.File(bad, "a") as f:
        _replace(f, "kpi/target_year", f["kpi/target_year"][:2])
    r = _run_tool("kpi_table", bad, tmp_path)
    assert r.returncode == 4
    line = _one_error_line(r, "kpi_table")
    assert "short_kpi.h5" in line and "/kpi/target_year" in line
    bad = tmp_path / "no_replications.h5"
    bad.write_bytes(batch_2032.read_bytes())
    with h5py.File(bad, "a") as f:
        del f.attrs["replications"]
    r = _run_tool("fan_chart", bad, tmp_path)
    assert r.returncode == 4
    line = _one_error_line(r, "fan_chart")
    assert "no_replications.h5" in line and "replications" in line


@pytest.mark.parametrize("module, package", [("h5py", "python3-h5py"),
                                             ("numpy", "python3-numpy"),
                                             ("matplotlib", "python3-matplotlib")])
@pytest.mark.parametrize("tool", ["plot_share", "fan_chart", "sensitivity_chart"])
def test_missing_module_names_debian_package_and_pip(tool: str, module: str, package: str,
                                                     run_2032: Path, tmp_path: Path) -> None:
    fake = tmp_path / "fake_modules"
    fake.mkdir()
    (fake / f"{module}.py").write_text(f"raise ImportError(\"No module named '{module}'\")\n")
    r = _run_tool(tool, run_2032, tmp_path, env={"PYTHONPATH": str(fake)})
    assert r.returncode == 6, r.stderr
    line = _one_error_line(r, tool)
    assert f"'{module}'" in line
    assert f"apt-get install {package}" in line and f"pip install {module}" in line
