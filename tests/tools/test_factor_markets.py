"""tools/factor_markets.py (docs/calibration.md, "Do the constraints bind?"): it runs each
scenario for each seed and prints the means it names, with the policy effect against
no_new_policy; a bad command line is exit 2, a failing run exit 4."""
from __future__ import annotations

import subprocess
from pathlib import Path

import h5py
import numpy as np

from conftest import SMALL, TOOLS

PYTHON = "/usr/bin/python3"


def tool(*args) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, str(TOOLS / "factor_markets.py"), *map(str, args)],
                          capture_output=True, text=True, timeout=600)


def test_prints_the_means_over_seeds_and_the_effect(nisim_bin: Path, tmp_path: Path) -> None:
    base = tmp_path / "small2032.toml"  # the tool reads 2016, 2020, 2024 and 2032
    base.write_text(f'inherit = "{SMALL}"\n[run]\nhorizon = 2032\n')
    cf = tmp_path / "no_new_policy.toml"
    cf.write_text(f'inherit = "{base}"\n[schemes.nifs]\nenabled = false\n')
    r = tool(nisim_bin, tmp_path / "runs", "1-2", base, cf)
    assert r.returncode == 0, r.stderr
    name = "small2032"
    shares, omegas = {}, []
    for scenario in (name, "no_new_policy"):
        for seed in (1, 2):
            with h5py.File(tmp_path / "runs" / f"{scenario}_{seed}.h5") as f:
                years = f["year"][:]
                shares.setdefault(scenario, []).append(f["mfg_share"][-1])
                if scenario == name:
                    omegas.append(f["tech_wage_factor"][int(np.flatnonzero(years == 2020)[0])])
    assert f"{name}:" in r.stdout and "no_new_policy:" in r.stdout
    assert f"omega 2020/2024/2032: {np.mean(omegas):.4f}" in r.stdout
    effect = np.mean(shares[name]) - np.mean(shares["no_new_policy"])
    assert f"policy effect on the 2032 share: {effect:+.4f} pp" in r.stdout
    assert "run-years with a talent refusal" in r.stdout


def test_bad_usage_and_failing_runs(nisim_bin: Path, tmp_path: Path) -> None:
    r = tool(nisim_bin)
    assert r.returncode == 2 and "Usage" in r.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[firms]\ncount = -1\n")
    r = tool(nisim_bin, tmp_path / "runs", "1", bad)
    assert r.returncode == 4
