"""What a batch keeps (docs/batches.md "Recording more series" and "Provenance"): the extra
series [[record]] names equal those of the run file of the same replication; the stored seed of
each replication is the one it ran with; each scenario's resolved parameters, written back as a
scenario file, reproduce its runs; an unknown series is refused before anything runs."""
from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np

from conftest import SMALL, run_tool

MAX_SEED = 9200000000000000000  # the range of --seed (engine/seed.hpp)
RECORDED = ("wage", "talent_pool", "nifs_refused_budget")


def write_batch(d: Path, records: tuple[str, ...] = RECORDED) -> Path:
    (d / "fewer.toml").write_text(f'inherit = "{SMALL}"\n[firms]\ncount = 1500\n')
    text = ("[batch]\nreplications = 8\nseed = 4242\n\n"
            f'[[scenario]]\nfile = "{SMALL}"\n\n[[scenario]]\nfile = "fewer.toml"\n')
    for name in records:
        text += f'\n[[record]]\nseries = "{name}"\n'
    (d / "b.toml").write_text(text)
    return d / "b.toml"


def test_seeds_params_and_recorded_series_reproduce_runs(nisim_bin, tmp_path):
    out = tmp_path / "b.h5"
    r = run_tool(nisim_bin, "batch", write_batch(tmp_path), "-o", out, "-q", "--threads", "2")
    assert r.returncode == 0, r.stderr
    with h5py.File(out) as f:
        seeds = f["replication_seed"][()]
        assert seeds.dtype == np.uint64 and seeds.shape == (8,)
        assert len(set(seeds.tolist())) == 8
        in_range = [i for i, s in enumerate(seeds.tolist()) if s <= MAX_SEED]
        assert in_range, "no replication seed is within --seed's range; choose another master"
        rep = in_range[0]
        checked = 0
        for group in ("small", "fewer"):
            g = f[group]
            keys = [k.decode() if isinstance(k, bytes) else k for k in g["param"]["key"][()]]
            values = dict(zip(keys, g["param"]["value"][()]))
            assert values["firms.count"] == (2000 if group == "small" else 1500)
            assert values["run.horizon"] == 2022
            # The resolved parameters, written as a scenario file, rerun the replication.
            scenario = tmp_path / f"{group}_resolved.toml"
            scenario.write_text(g["param"].attrs["scenario_toml"])
            run_out = tmp_path / f"{group}_{rep}.h5"
            r = run_tool(nisim_bin, "run", scenario, "-o", run_out, "--seed", str(seeds[rep]),
                         "-q", "--threads", "2")
            assert r.returncode == 0, r.stderr
            with h5py.File(run_out) as run:
                assert run.attrs["seed"] == seeds[rep]
                for name in ("mfg_share", "firms") + RECORDED:
                    assert g[name].dims[0][0].name.endswith("replication")
                    np.testing.assert_array_equal(g[name][rep], run[name][()], err_msg=name)
                    checked += 1
                assert g["wage"].attrs["units"] == run["wage"].attrs["units"]
        assert checked == 2 * (2 + len(RECORDED))


def test_unknown_record_is_refused_before_anything_runs(nisim_bin, tmp_path):
    out = tmp_path / "bad.h5"
    r = run_tool(nisim_bin, "batch", write_batch(tmp_path, ("wage", "talent_poll")), "-o", out)
    assert r.returncode == 3, r.stderr
    assert "b.toml:15:10: key 'record.series': 'talent_poll' is not a per-year series of a run " \
           "(did you mean 'talent_pool'?)" in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()
