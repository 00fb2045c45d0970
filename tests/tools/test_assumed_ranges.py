"""tools/assumed_ranges.py (docs/calibration.md, "Assumed parameters: global sensitivity"):
every parameter docs/model.md marks assumed is swept by batches/sensitivity_assumed.toml (or
cannot be swept), docs/model.md prints the batch's ranges, the two shipped batches share their
design, and the Morris indices of the share and of the policy effect are computed from the
design as nisim computes them; the Sobol' batches sweep assumed keys over the same ranges, and
the Sobol' indices are right on an analytic model and equal to the ones nisim stores."""
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


# Sobol' indices (`sobol`): the shipped Saltelli batches, an analytic check, nisim's own values.

SOBOL = ROOT / "batches" / "sensitivity_sobol.toml"
SOBOL_CF = ROOT / "batches" / "sensitivity_sobol_cf.toml"


def test_the_shipped_sobol_batches_use_assumed_keys_and_ranges(tmp_path: Path) -> None:
    """Both Sobol' batches sweep a subset of sensitivity_assumed.toml's keys over the same
    ranges, as a Saltelli design, and differ only in the scenario (a paired design)."""
    import tomllib
    for b in (SOBOL, SOBOL_CF):
        r = tool("subset", b, BATCH)
        assert r.returncode == 0 and r.stdout == "", r.stdout + r.stderr
    base, cf = tomllib.loads(SOBOL.read_text()), tomllib.loads(SOBOL_CF.read_text())
    assert base["sweep"]["design"] == "saltelli"
    keys = [p["key"] for p in base["sweep"]["param"]]
    assert 10 <= len(keys) == len(set(keys))
    assert base["sweep"].pop("scenario").endswith("baseline.toml")
    assert cf["sweep"].pop("scenario").endswith("no_new_policy.toml")
    assert base == cf
    # and the check can fail: a range that is not the Morris batch's, a key that is not in it
    text = SOBOL.read_text().replace('key = "firms.alpha"\nmin = 0.2',
                                     'key = "firms.alpha"\nmin = 0.1')
    text = text.replace('key = "firms.beta"', 'key = "firms.count"')
    (tmp_path / "s.toml").write_text(text)
    r = tool("subset", tmp_path / "s.toml", BATCH)
    assert r.returncode == 1
    assert r.stdout.splitlines() == [f"firms.alpha: range [0.1, 0.3], but [0.2, 0.3] in {BATCH}",
                                     f"firms.count: not a parameter of {BATCH}"]


def saltelli_file(path: Path, a: np.ndarray, b: np.ndarray, y_of, lo: np.ndarray,
                  hi: np.ndarray, seed: int = 7) -> np.ndarray:
    """A sweep file as `nisim batch` writes one for a Saltelli design with base samples A and B
    (unit hypercube, scaled to [lo, hi]) and output_mean y_of(design); its sobol_* datasets are
    the tool's own estimates (the analytic tests check the printed values, not these)."""
    from nisim.tools.assumed_ranges import SOBOL_STORED, sobol_indices
    n, d = a.shape
    blocks = [a, b]
    for i in range(d):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks.append(ab)
    x = lo + np.vstack(blocks) * (hi - lo)
    y = y_of(x)
    text = "[batch]\nreplications = 1\n[sweep]\ndesign = \"saltelli\"\n" + "".join(
        f"[[sweep.param]]\nkey = \"p.x{i}\"\nmin = {lo[i]!r}\nmax = {hi[i]!r}\n" for i in range(d))
    with h5py.File(path, "w") as f:
        f.attrs["seed"], f.attrs["replications"], f.attrs["batch_text"] = seed, 1, text
        g = f.create_group("sweep")
        g.attrs["design"], g.attrs["output"], g.attrs["year"] = "saltelli", "y", 2032
        g["parameter"] = np.array([f"p.x{i}" for i in range(d)], dtype=h5py.string_dtype())
        g["design"], g["output_mean"] = x, y
        for k, v in sobol_indices(y, n, d, seed).items():
            assert k in SOBOL_STORED
            g[k] = v
    return x


def table_rows(text: str, what: str) -> dict[str, list[float]]:
    """key -> [S1, S1 low, S1 high, ST, ST low, ST high] of the table after the line naming
    `what`."""
    lines = text.splitlines()
    start = next(k for k, s in enumerate(lines) if s.startswith("Top") and what in s)
    rows = {}
    for s in lines[start + 4:]:
        if not s.startswith("|"):
            break
        c = s.split("|")
        nums = [float(v) for part in (c[3], c[4]) for v in part.replace("[", " ").replace(
            "]", " ").replace(",", " ").split()]
        rows[c[2].strip().strip("`")] = nums
    return rows


def test_sobol_of_a_linear_additive_model(tmp_path: Path) -> None:
    """y = sum a_i x_i with independent uniform x_i: S1_i = ST_i = a_i^2 Var(x_i) / Var(y), and
    exactly 0 for a parameter with no effect; the policy effect base - cf = sum c_i x_i has its
    own analytic indices."""
    import sys
    sys.path.insert(0, str(ROOT / "python"))
    rng = np.random.default_rng(11)
    n, d = 4096, 4
    a_unit, b_unit = rng.random((n, d)), rng.random((n, d))
    lo, hi = np.array([0.0, 1.0, -2.0, 10.0]), np.array([1.0, 3.0, 2.0, 20.0])
    coef_base = np.array([1.0, 2.0, 0.5, 0.0])
    coef_effect = np.array([0.0, 0.0, 1.0, 0.1])
    var_x = (hi - lo) ** 2 / 12.0
    x = saltelli_file(tmp_path / "base.h5", a_unit, b_unit, lambda x: x @ coef_base + 3.0, lo, hi)
    saltelli_file(tmp_path / "cf.h5", a_unit, b_unit,
                  lambda x: x @ coef_base + 3.0 - x @ coef_effect, lo, hi)
    assert x.shape == (n * (d + 2), d)
    r = tool("sobol", tmp_path / "base.h5", tmp_path / "cf.h5", "--top", "4")
    assert r.returncode == 0, r.stderr
    for what, coef in (("the manufacturing share", coef_base), ("the policy effect", coef_effect)):
        rows = table_rows(r.stdout, what)
        assert len(rows) == 4
        truth = coef ** 2 * var_x / np.sum(coef ** 2 * var_x)
        for i in range(d):
            s1, s1_lo, s1_hi, st, st_lo, st_hi = rows[f"p.x{i}"]
            if truth[i] == 0.0:
                assert s1 == 0.0 and st == 0.0, (what, i)
                continue
            assert abs(s1 - truth[i]) < 0.05 and abs(st - truth[i]) < 0.05, (what, i, s1, st)
            assert s1_lo <= s1 <= s1_hi and st_lo <= st <= st_hi
            assert s1_lo <= truth[i] + 0.01 and truth[i] - 0.01 <= s1_hi
        ranked = [k for k in rows]
        assert ranked[0] == f"p.x{int(np.argmax(truth))}"


def test_sobol_refuses_what_is_not_a_paired_saltelli_sweep(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    a_unit, b_unit = rng.random((16, 2)), rng.random((16, 2))
    lo, hi = np.zeros(2), np.ones(2)
    saltelli_file(tmp_path / "base.h5", a_unit, b_unit, lambda x: x.sum(axis=1), lo, hi)
    # another design: not the same points
    saltelli_file(tmp_path / "other.h5", b_unit, a_unit, lambda x: x.sum(axis=1), lo, hi)
    r = tool("sobol", tmp_path / "base.h5", tmp_path / "other.h5")
    assert r.returncode == 4 and "not the same design, seed and replications" in r.stderr, r.stderr
    # another seed
    saltelli_file(tmp_path / "seed.h5", a_unit, b_unit, lambda x: x.sum(axis=1), lo, hi, seed=8)
    r = tool("sobol", tmp_path / "base.h5", tmp_path / "seed.h5")
    assert r.returncode == 4 and "not the same design, seed and replications" in r.stderr, r.stderr
    # rows that are not A, B, AB_1 .. AB_d
    with h5py.File(tmp_path / "base.h5", "r+") as f:
        x = f["sweep/design"][()]
        x[40, 1] += 0.5
        f["sweep/design"][...] = x
    r = tool("sobol", tmp_path / "base.h5")
    assert r.returncode == 4 and "not a Saltelli design" in r.stderr, r.stderr
    # an output with no variance: no indices (rather than 0/0)
    saltelli_file(tmp_path / "flat.h5", a_unit, b_unit, lambda x: 0.0 * x[:, 0] + 1.5, lo, hi)
    r = tool("sobol", tmp_path / "flat.h5")
    assert r.returncode == 4 and "has no variance to apportion" in r.stderr, r.stderr
    # ranges that are not those of sensitivity_assumed.toml
    saltelli_file(tmp_path / "b2.h5", a_unit, b_unit, lambda x: x.sum(axis=1), lo, hi)
    r = tool("sobol", tmp_path / "b2.h5", "--ranges", BATCH)
    assert r.returncode == 4 and "p.x0: not a parameter of" in r.stderr, r.stderr


def test_sobol_agrees_with_nisim_and_refuses_a_morris_sweep(nisim_bin: Path,
                                                            tmp_path: Path) -> None:
    """On a real Saltelli sweep the tool's indices and bootstrap bounds of the share are the ones
    nisim stores (the command checks all six datasets, and the table prints them); altering a
    stored value makes it refuse the file; a Morris sweep is refused."""
    (tmp_path / "none.toml").write_text(f'inherit = "{SMALL}"\n[schemes.nifs]\nenabled = false\n')
    for name, scenario in (("base", SMALL), ("cf", tmp_path / "none.toml")):
        text = SWEEP.format(seed=5, scenario=scenario).replace('design = "morris"',
                                                               'design = "saltelli"')
        text = text.replace("points = 3", "points = 8").replace("year = 2020", "year = 2022")
        (tmp_path / f"{name}.toml").write_text(text)
        r = run_tool(nisim_bin, "batch", tmp_path / f"{name}.toml", "-o", tmp_path / f"{name}.h5",
                     "--threads", "2", "-q")
        assert r.returncode == 0, r.stderr
    r = tool("sobol", tmp_path / "base.h5", tmp_path / "cf.h5", "--top", "4")
    assert r.returncode == 0, r.stderr
    rows = table_rows(r.stdout, "the manufacturing share")
    with h5py.File(tmp_path / "base.h5") as f:
        names = [v.decode() if isinstance(v, bytes) else v for v in f["sweep/parameter"][()]]
        stored = {k: f[f"sweep/{k}"][()] for k in ("sobol_first", "sobol_first_low",
                                                     "sobol_first_high", "sobol_total",
                                                     "sobol_total_low", "sobol_total_high")}
    assert len(rows) == 4
    for j, name in enumerate(names):
        want = [round(float(stored[k][j]), 3) for k in stored]
        assert rows[name] == want, (name, rows[name], want)
    with h5py.File(tmp_path / "base.h5", "r+") as f:
        f["sweep/sobol_total_high"][0] += 0.01
    r = tool("sobol", tmp_path / "base.h5")
    assert r.returncode == 4 and "sobol_total_high recomputed" in r.stderr, r.stderr
    morris = sweep(nisim_bin, tmp_path, "morris", SMALL)
    r = tool("sobol", morris)
    assert r.returncode == 4 and "design is 'morris', not saltelli" in r.stderr, r.stderr
