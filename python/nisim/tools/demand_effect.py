#!/usr/bin/env python3
"""Numbers of docs/model.md section 3.9 and docs/calibration.md (prices, volumes and demand).

Runs nisim on the baseline and no_new_policy scenarios, seeds 1..N, with the demand side on
(the default) and off (`demand.enabled = false`, the model before section 3.9), and prints:

  * the 2032 nominal share (mfg_share) and volume share (mfg_share_real), mean and s.d.;
  * the 2019-2020 log change of the nominal share, of manufacturing value added and of its
    volume (mfg_va_real);
  * with --competitor G1 G2 ..., the no_new_policy mean manufacturing price index
    (mfg_va / mfg_va_real) over 2016-2024, 2032 and 2040 for each competitor-price growth,
    the calibration of `demand.competitor_growth`.

Usage: tools/demand_effect.py [--nisim PATH (default: nisim on PATH)] [--seeds 5] [--competitor ...]
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

from nisim._deps import need

need("numpy", "h5py")
import h5py  # noqa: E402
import numpy as np  # noqa: E402

# The repository checkout whose scenarios/ the runs inherit: $NISIM_SOURCE_DIR (tools/*.py set it
# to their checkout), else the current directory.
ROOT = pathlib.Path(os.environ.get("NISIM_SOURCE_DIR") or pathlib.Path.cwd())


def run(nisim, text, seed, out):
    """Run a scenario given as TOML text (which may inherit from scenarios/) with `seed`."""
    scenario = out.with_suffix(".toml")
    scenario.write_text(text)
    subprocess.run([nisim, "run", str(scenario), "--seed", str(seed), "--threads", "2", "-q",
                    "--force", "-o", str(out)], check=True)
    return h5py.File(out, "r")


def inherit(name, extra=""):
    return f'inherit = "{ROOT / "scenarios" / name}"\n{extra}'


def shares(nisim, seeds, tmp):
    off = "[demand]\nenabled = false\n"
    print("scenario        demand  2032 nominal share   2032 volume share   "
          "2019-20 dln share  2019-20 dln mfg_va  2019-20 dln mfg_va_real")
    for name in ("baseline.toml", "no_new_policy.toml"):
        for label, extra in (("on", ""), ("off", off)):
            rows = []
            for s in range(1, seeds + 1):
                f = run(nisim, inherit(name, extra), s, tmp / f"{name}.{label}.{s}.h5")
                y = list(f["year"][:])
                t, a, b = y.index(2032), y.index(2019), y.index(2020)
                rows.append((f["mfg_share"][t], f["mfg_share_real"][t],
                             np.log(f["mfg_share"][b] / f["mfg_share"][a]),
                             np.log(f["mfg_va"][b] / f["mfg_va"][a]),
                             np.log(f["mfg_va_real"][b] / f["mfg_va_real"][a])))
            m, sd = np.mean(rows, axis=0), np.std(rows, axis=0, ddof=1)
            print(f"{name[:-5]:15s} {label:6s}  {m[0]:.4f} (sd {sd[0]:.4f})     "
                  f"{m[1]:.4f} (sd {sd[1]:.4f})    {m[2]:+.4f}            {m[3]:+.4f}             "
                  f"{m[4]:+.4f}")


def competitor(nisim, values, seeds, tmp):
    print("competitor growth  mean price 2016-2024  price 2024  price 2032  price 2040")
    for g in values:
        extra = f"[demand]\ncompetitor_growth = [[2016, {g}]]\n"
        prices = []
        for s in range(1, seeds + 1):
            f = run(nisim, inherit("no_new_policy.toml", extra), s, tmp / f"g.{s}.h5")
            y = list(f["year"][:])
            prices.append(f["mfg_va"][:] / f["mfg_va_real"][:])
        p = np.mean(prices, axis=0)
        print(f"{g:+.4f}            {p[:y.index(2024) + 1].mean():.4f}                "
              f"{p[y.index(2024)]:.4f}      {p[y.index(2032)]:.4f}      {p[y.index(2040)]:.4f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nisim",
                    default=shutil.which("nisim") or str(ROOT / "build" / "release" / "app" / "nisim"),
                    help="the nisim binary (default: nisim on PATH, else build/release/app/nisim)")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--competitor", type=float, nargs="*", default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = pathlib.Path(d)
        if args.competitor:
            competitor(args.nisim, args.competitor, args.seeds, tmp)
        else:
            shares(args.nisim, args.seeds, tmp)


def cli() -> int:
    """Console entry point (pyproject.toml)."""
    return main() or 0


if __name__ == "__main__":
    sys.exit(cli())
