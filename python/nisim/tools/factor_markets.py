"""Do the factor markets bind? (docs/calibration.md, "Factor markets").

Runs `nisim run` for each scenario and seed, then prints, per scenario, means over the seeds of:
the manufacturing share (2016, 2020, 2024, 2032), the technical wage factor omega and the free
share of technical staff (2020, 2024, 2032), the share of run-years in which talent refused any
claim and the staff refused by claimant (2017-2040 totals), NIAS facilities waiting for staff or
land (totals), the run-years with floor-space rationing of incumbents, and the policy effect on the
2032 share against `no_new_policy` when that scenario is in the list.

Usage: /usr/bin/python3 tools/factor_markets.py NISIM OUTDIR SEEDS SCENARIO.toml...   e.g.
       tools/factor_markets.py nisim out/fm 1-10 scenarios/baseline.toml \
           scenarios/no_new_policy.toml scenarios/nias_doubled.toml
Exit codes: 0 ok, 2 usage, 4 a run failed, 6 numpy or h5py missing (the message names the
Debian package).
"""
from __future__ import annotations

import os
import subprocess
import sys

from nisim._deps import need  # noqa: E402

need("numpy", "h5py")

import h5py  # noqa: E402
import numpy as np  # noqa: E402


def seeds_of(text):
    lo, _, hi = text.partition("-")
    return list(range(int(lo), int(hi or lo) + 1))


def run_all(nisim, outdir, seeds, scenario):
    name = os.path.splitext(os.path.basename(scenario))[0]
    rows = []
    for seed in seeds:
        out = os.path.join(outdir, f"{name}_{seed}.h5")
        cmd = [nisim, "run", scenario, "-o", out, "--seed", str(seed), "--force", "-q"]
        if subprocess.run(cmd).returncode != 0:
            sys.exit(4)
        with h5py.File(out, "r") as f:
            rows.append({k: f[k][:] for k in f if isinstance(f[k], h5py.Dataset)})
    return name, rows


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv if argv is None else argv
    if len(argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    nisim, outdir, seeds, scenarios = argv[1], argv[2], seeds_of(argv[3]), argv[4:]
    os.makedirs(outdir, exist_ok=True)
    results = dict(run_all(nisim, outdir, seeds, s) for s in scenarios)
    years = results[next(iter(results))][0]["year"]
    at = {y: int(np.where(years == y)[0][0]) for y in (2016, 2020, 2024, 2032)}
    base32 = None
    if "no_new_policy" in results:
        base32 = np.mean([r["mfg_share"][at[2032]] for r in results["no_new_policy"]])
    print(f"seeds {argv[3]} ({len(seeds)} runs per scenario)")
    for name, rows in results.items():
        def mean(key, y):
            return np.mean([r[key][at[y]] for r in rows])

        def total(key):
            return np.mean([r[key][1:].sum() for r in rows])

        refusing = np.mean([(r["talent_refused"][1:] > 0).mean() for r in rows])
        rationed = np.mean([(r["floor_demand_unmet"][1:] > 0).mean() for r in rows])
        print(f"{name}:")
        print("  share % 2016/2020/2024/2032: " +
              " / ".join(f"{mean('mfg_share', y):.4f}" for y in (2016, 2020, 2024, 2032)))
        if base32 is not None and name != "no_new_policy":
            print(f"  policy effect on the 2032 share: {mean('mfg_share', 2032) - base32:+.4f} pp")
        print("  omega 2020/2024/2032: " +
              " / ".join(f"{mean('tech_wage_factor', y):.4f}" for y in (2020, 2024, 2032)) +
              "; free share: " +
              " / ".join(f"{mean('tech_free_share', y):.3f}" for y in (2020, 2024, 2032)))
        print(f"  run-years with a talent refusal: {refusing:.3f}; staff refused: NIFS "
              f"{total('talent_refused_nifs'):.1f}, NIAS {total('talent_refused_nias'):.1f}, "
              f"graduates {total('talent_refused_graduates'):.1f}, RTH "
              f"{total('talent_refused_rth'):.1f}; incumbents short "
              f"{total('tech_incumbent_short'):.1f}")
        print(f"  NIAS facility-years waiting for staff {total('enterprises_waiting_talent'):.1f}, "
              f"for land {total('enterprises_waiting_land'):.1f}; run-years with incumbents "
              f"rationed {rationed:.3f}")
    return 0


def cli() -> int:
    """Console entry point (pyproject.toml)."""
    return main()


if __name__ == "__main__":
    sys.exit(cli())
