"""tools/assumed_ranges.py (docs/calibration.md, "Assumed parameters: global sensitivity"):
every parameter docs/model.md marks assumed is swept by batches/sensitivity_assumed.toml (or
cannot be swept), docs/model.md prints the batch's ranges, the two shipped batches share their
design, and the Morris indices of the share and of the policy effect are computed from the
design as nisim computes them."""
from __future__ import annotations

import subprocess
from pathlib import Path

import h5py
import numpy as np

from conftest import SMALL, run_tool

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "assumed_ranges.py"
BATCH = ROOT / "batches" / "sensitivity_assumed.toml"


def tool(*args) -> subprocess.CompletedProcess:
    return subprocess.run(["/usr/bin/python3", str(TOOL), *map(str, args)], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)


def params_listing(nisim_bin: Path, tmp_path: Path) -> Path:
    r = run_tool(nisim_bin, "params")
    assert r.returncode == 0, r.stderr
    out = tmp_path / "params.md"
    out.write_text(r.stdout)
    return out


def test_every_assumed_parameter_is_swept(nisim_bin: Path, tmp_path: Path) -> None:
    listing = params_listing(nisim_bin, tmp_path)
    r = tool("check", BATCH, ROOT / "docs" / "model.md", listing)
    assert r.returncode == 0, r.stdout + r.stderr
    # and the check can fail: drop one parameter from a copy of the batch
    text = BATCH.read_text()
    start = text.rindex("[[sweep.param]]", 0, text.index('key = "firms.payout"'))
    end = text.index("[[sweep.param]]", start + 5)
    (tmp_path / "b.toml").write_text(text[:start] + text[end:])
    r = tool("check", tmp_path / "b.toml", ROOT / "docs" / "model.md", listing)
    assert r.returncode == 1
    assert r.stdout.strip() == f"firms.payout: marked assumed in {ROOT / 'docs' / 'model.md'} " \
                               f"but not swept by {tmp_path / 'b.toml'}"


def test_swept_keys_and_ranges_are_valid_parameters(nisim_bin: Path, tmp_path: Path) -> None:
    """Each swept key is a real or integer parameter and its range lies inside the key's valid
    range, with the low end below the high end."""
    rows = {}
    for line in params_listing(nisim_bin, tmp_path).read_text().splitlines():
        c = [x.strip() for x in line.split("|")]
        if len(c) > 6 and c[1].startswith("`"):
            rows[c[1].strip("`")] = c
    import tomllib
    params = tomllib.loads(BATCH.read_text())["sweep"]["param"]
    assert len(params) == len({p["key"] for p in params})
    for p in params:
        c = rows[p["key"]]
        assert c[2] in ("real", "integer"), p["key"]
        lo, hi = (float(v) for v in c[5].strip("[]").split(","))
        assert lo <= p["min"] < p["max"] <= hi, p["key"]


def test_model_md_prints_the_batch_ranges() -> None:
    r = tool("table", "batches/sensitivity_assumed.toml")  # as docs/model.md runs it
    assert r.returncode == 0, r.stderr
    assert r.stdout in (ROOT / "docs" / "model.md").read_text()


def test_the_two_shipped_batches_share_their_design() -> None:
    import tomllib
    base = tomllib.loads(BATCH.read_text())
    cf = tomllib.loads((ROOT / "batches" / "sensitivity_assumed_cf.toml").read_text())
    assert base["sweep"].pop("scenario").endswith("baseline.toml")
    assert cf["sweep"].pop("scenario").endswith("no_new_policy.toml")
    assert base == cf


SWEEP = """[batch]
replications = 2
seed = {seed}
[sweep]
scenario = "{scenario}"
design = "morris"
points = 3
levels = 4
output = "mfg_share"
year = 2020
[[sweep.param]]  # a basis
key = "schemes.nifs.cap"
min = 5.0
max = 30.0
[[sweep.param]]
key = "firms.payout"
min = 0.3
max = 0.9
[[sweep.param]]
key = "smart_lines.max_per_firm"
min = 3
max = 9
[[sweep.param]]  # an integer key whose moves the rounding hides: every value runs as 1
key = "schemes.nifs.approval_lag"
min = 0.6
max = 1.4
"""


def sweep(nisim_bin: Path, d: Path, name: str, scenario: Path, seed: int = 5) -> Path:
    (d / f"{name}.toml").write_text(SWEEP.format(seed=seed, scenario=scenario))
    out = d / f"{name}.h5"
    r = run_tool(nisim_bin, "batch", d / f"{name}.toml", "-o", out, "--threads", "2", "-q")
    assert r.returncode == 0, r.stderr
    return out


def test_morris_of_the_share_and_of_the_effect(nisim_bin: Path, tmp_path: Path) -> None:
    (tmp_path / "none.toml").write_text(f'inherit = "{SMALL}"\n[schemes.nifs]\nenabled = false\n')
    base = sweep(nisim_bin, tmp_path, "base", SMALL)
    cf = sweep(nisim_bin, tmp_path, "cf", tmp_path / "none.toml")
    r = tool("morris", base, cf, "--top", "4")
    assert r.returncode == 0, r.stderr
    with h5py.File(base) as f, h5py.File(cf) as g:
        x = f["sweep/design"][()]
        y = f["sweep/output_mean"][()] - g["sweep/output_mean"][()]
        stored = f["sweep/morris_mu_star"][()]
    # the effect's elementary effects of schemes.nifs.cap, by hand: steps where only it moves
    effects = [(y[k + 1] - y[k]) / ((x[k + 1, 0] - x[k, 0]) / 25.0)
               for t in range(3) for k in range(5 * t, 5 * t + 4) if x[k + 1, 0] != x[k, 0]]
    assert len(effects) == 3
    lines = r.stdout.splitlines()
    effect_table = lines[lines.index(next(s for s in lines if "the policy effect" in s)):]
    row = next(s for s in effect_table if "`schemes.nifs.cap`" in s)
    assert float(row.split("|")[3]) == round(float(np.mean(np.abs(effects))), 4)
    share_table = lines[:lines.index(effect_table[0])]
    names = ("schemes.nifs.cap", "firms.payout", "smart_lines.max_per_firm",
             "schemes.nifs.approval_lag")
    assert stored[3] == 0.0  # the hidden moves: the same scenario, no effect
    for name, mu in zip(names, stored):
        row = next(s for s in share_table if f"`{name}`" in s)
        assert float(row.split("|")[3]) == round(float(mu), 4)


def test_morris_refuses_files_that_do_not_pair(nisim_bin: Path, tmp_path: Path,
                                               small_run: Path) -> None:
    base = sweep(nisim_bin, tmp_path, "base", SMALL)
    other = sweep(nisim_bin, tmp_path, "other", SMALL, seed=6)
    r = tool("morris", base, other)
    assert r.returncode == 4 and "not the same design" in r.stderr, r.stderr
    r = tool("morris", small_run)
    assert r.returncode == 4 and "no sweep group" in r.stderr, r.stderr
