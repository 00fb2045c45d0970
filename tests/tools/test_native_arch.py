"""CMake's NISIM_NATIVE_ARCH (CMakeLists.txt): a NISIM_NATIVE build for a named CPU compiles
every file with that -march and names it in `nisim --version`; a value that is not a -march name
stops the configuration, native build or not, with a message naming the option."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import SOURCE

CMAKE = shutil.which("cmake")
pytestmark = pytest.mark.skipif(CMAKE is None, reason="cmake is not on PATH")


def configure(build: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CMAKE, "-S", str(SOURCE), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
         "-DNISIM_BUILD_TESTS=OFF", "-DNISIM_BUILD_BENCH=OFF", "-DNISIM_WITH_MPI=OFF",
         "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON", *options],
        capture_output=True, text=True, timeout=300)


def command_of(build: Path, source: str) -> str:
    entries = json.loads((build / "compile_commands.json").read_text(encoding="utf-8"))
    for e in entries:
        if e["file"].endswith(source):
            return e["command"]
    raise AssertionError(f"{source} is not in {build}/compile_commands.json")


def test_a_named_cpu_is_the_march_of_every_file_and_of_the_version(tmp_path):
    r = configure(tmp_path, "-DNISIM_NATIVE=ON", "-DNISIM_NATIVE_ARCH=x86-64-v3")
    assert r.returncode == 0, r.stderr
    for source in ("engine/simd_target.cpp", "models/kernel/firm_kernel_native.cpp",
                   "models/firms.cpp"):
        command = command_of(tmp_path, source)
        assert "-march=x86-64-v3" in command, command
        assert "-march=native" not in command, command
    # The version line's kernel description (simd_target_description) names the CPU.
    assert 'NISIM_NATIVE_MARCH="-march=x86-64-v3"' in command_of(
        tmp_path, "engine/simd_target.cpp").replace("\\", "")


def test_the_default_is_the_build_machine(tmp_path):
    r = configure(tmp_path, "-DNISIM_NATIVE=ON")
    assert r.returncode == 0, r.stderr
    assert "-march=native" in command_of(tmp_path, "models/firms.cpp")


@pytest.mark.parametrize("native", ["ON", "OFF"])  # the name reaches simd_target.cpp in both
@pytest.mark.parametrize("bad", ["znver3 -O0", "native;-fno-tree-vectorize", ""])
def test_a_value_that_is_not_a_march_name_stops_the_configuration(tmp_path, bad, native):
    r = configure(tmp_path, f"-DNISIM_NATIVE={native}", f"-DNISIM_NATIVE_ARCH={bad}")
    assert r.returncode != 0
    assert "NISIM_NATIVE_ARCH" in r.stderr and "is not a -march name" in r.stderr, r.stderr
    assert not (tmp_path / "build.ninja").exists() and not (tmp_path / "Makefile").exists()
