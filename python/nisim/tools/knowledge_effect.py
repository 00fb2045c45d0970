"""The policy effect on the manufacturing share with the knowledge channel off, low, central
and high, and scheme by scheme (docs/model.md section 4.5).

    /usr/bin/python3 tools/knowledge_effect.py [--bin build/debug/app/nisim] [--seeds 1-20]
                                               [--year 2032] [--parts]

For every setting of the channel it writes temporary scenario files that `inherit` the shipped
scenarios/baseline.toml and scenarios/no_new_policy.toml and override the `[knowledge]` keys,
runs `nisim run --seed s` for each seed, and prints the mean over seeds of the manufacturing
share (percent of GDP) in --year under both scenarios and their difference, the policy effect,
in percentage points. --parts adds, with the channel off, low and central, each group of
schemes switched on alone on top of no_new_policy (lines: NIFS; plants: NIAS; start-ups:
TSSSU, RAISe+, the accelerator, InnoHK, the ITVF funds and the fund of funds; talent and
knowledge: RTH, NITTP, ESS). Exit codes: 0 ok, 2 usage, 4 a run failed or its output is missing.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from nisim._deps import need
from nisim.tools._ranges import parse_range

need("numpy", "h5py")
import h5py  # noqa: E402
import numpy as np  # noqa: E402

# The repository checkout whose scenarios/ the runs inherit: $NISIM_SOURCE_DIR (tools/*.py set it
# to their checkout), else the current directory.
ROOT = Path(os.environ.get("NISIM_SOURCE_DIR") or Path.cwd())
SCENARIOS = ROOT / "scenarios"

# The channel's settings (docs/model.md section 4.5 gives the sources of each value).
SETTINGS = {
    "off": {"rd_elasticity": 0.0, "training_elasticity": 0.0},
    "low": {"rd_elasticity": 0.0237, "training_elasticity": 0.0},
    "central": {"rd_elasticity": 0.0312, "training_elasticity": 0.3},
    "high": {"rd_elasticity": 0.0515, "training_elasticity": 0.6},
}

# Scheme groups switched on alone on top of no_new_policy (--parts). Each is the TOML that
# undoes no_new_policy's settings for those schemes (baseline's values).
PARTS = {
    "lines (NIFS)": "[schemes.nifs]\nenabled = true\n",
    "plants (NIAS)": "[schemes.nias]\nenabled = true\n",
    "start-ups (TSSSU, RAISe+, accelerator, InnoHK, ITVF funds, IOF)": (
        "[schemes.tsssu]\nend = 2040\n[schemes.raise_plus]\nenabled = true\n"
        "[schemes.accelerator]\nenabled = true\n[schemes.innohk]\nenabled = true\n"
        "[schemes.itvf]\nend = 2040\n[schemes.itvf.funds]\nenabled = true\n"
        "[schemes.iof]\nenabled = true\n"),
    "talent and knowledge (RTH, NITTP, ESS)": (
        "[schemes.rth]\nend = 2040\n[schemes.nittp]\nend = 2040\n[schemes.ess]\nend = 2040\n"),
}


def knowledge_toml(setting: dict[str, float]) -> str:
    return "[knowledge]\n" + "".join(f"{k} = {v!r}\n" for k, v in setting.items())


def write_scenario(tmp: Path, name: str, parent: str, text: str) -> Path:
    path = tmp / f"{name}.toml"
    rel = os.path.relpath(SCENARIOS / parent, tmp)
    path.write_text(f'inherit = "{rel}"\n' + text)
    return path


def share_in(binary: str, scenario: Path, seed: int, year: int, tmp: Path) -> float:
    out = tmp / f"{scenario.stem}_{seed}.h5"
    cmd = [binary, "run", str(scenario), "-o", str(out), "--seed", str(seed), "--threads", "1",
           "--force", "-q"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(f"knowledge_effect: {' '.join(cmd)} failed:\n{done.stderr}")
        sys.exit(4)
    with h5py.File(out, "r") as f:
        years = f["year"][()]
        share = f["mfg_share"][()]
    out.unlink()
    hit = np.nonzero(years == year)[0]
    if hit.size == 0:
        sys.stderr.write(f"knowledge_effect: {year} is not a simulated year of {scenario}\n")
        sys.exit(4)
    return float(share[hit[0]])


def mean_share(binary: str, scenario: Path, seeds: list[int], year: int, tmp: Path) -> float:
    return float(np.mean([share_in(binary, scenario, s, year, tmp) for s in seeds]))


def percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if abs(whole) > 1e-12 else "n/a"


def row(group: str, effect: dict[str, float], whole: dict[str, float]) -> str:
    """A --parts table row: the effect with the channel off, low and central, the knowledge part
    (low and central minus off) and the group's share of the whole package's effect."""
    return (f"| {group} | {effect['off']:+.4f} | {effect['low']:+.4f} | {effect['central']:+.4f} "
            f"| {effect['low'] - effect['off']:+.4f} | {effect['central'] - effect['off']:+.4f} "
            f"| {percent(effect['low'], whole['low'])} "
            f"| {percent(effect['central'], whole['central'])} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=str(ROOT / "build/debug/app/nisim"))
    ap.add_argument("--seeds", default="1-20", help="first-last seed (default 1-20)")
    ap.add_argument("--year", type=int, default=2032)
    ap.add_argument("--parts", action="store_true", help="also each scheme group alone")
    args = ap.parse_args()
    try:
        seeds = parse_range(args.seeds)
    except ValueError:
        ap.error(f"--seeds: expected FIRST-LAST, got {args.seeds!r}")
    if not Path(args.bin).exists():
        ap.error(f"--bin: no binary at {args.bin}")
    print(f"mean over seeds {seeds[0]}-{seeds[-1]}, manufacturing share of GDP in {args.year} "
          "(percent); effect = baseline - no_new_policy (pp)\n")
    print("| knowledge channel | rd_elasticity | training_elasticity | baseline | no_new_policy "
          "| effect (pp) |")
    print("|---|---|---|---|---|---|")
    whole: dict[str, float] = {}  # the policy effect by setting
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        for label, setting in SETTINGS.items():
            knowledge = knowledge_toml(setting)
            base = write_scenario(tmp, f"baseline_{label}", "baseline.toml", knowledge)
            none = write_scenario(tmp, f"no_new_policy_{label}", "no_new_policy.toml", knowledge)
            b = mean_share(args.bin, base, seeds, args.year, tmp)
            n = mean_share(args.bin, none, seeds, args.year, tmp)
            print(f"| {label} | {setting['rd_elasticity']} | {setting['training_elasticity']} "
                  f"| {b:.4f} | {n:.4f} | {b - n:+.4f} |", flush=True)
            whole[label] = b - n
        print("\nthe knowledge channel's part of the effect (effect - effect with the channel off):")
        for label in ("low", "central", "high"):
            part = whole[label] - whole["off"]
            print(f"- {label}: {part:+.4f} pp, {percent(part, whole[label])} of {whole[label]:+.4f}")
        if args.parts:
            print("\neach group of schemes switched on alone on top of no_new_policy; effect = "
                  "share - no_new_policy's (pp), with the channel off, low and central; "
                  "knowledge part = effect - effect with the channel off\n")
            print("| schemes on | effect, off | effect, low | effect, central "
                  "| knowledge part, low | knowledge part, central | share of the effect, low "
                  "| share of the effect, central |")
            print("|---|---|---|---|---|---|---|---|")
            labels = ("off", "low", "central")
            nones = {}
            for label in labels:
                knowledge = knowledge_toml(SETTINGS[label])
                none = write_scenario(tmp, f"none_{label}", "no_new_policy.toml", knowledge)
                nones[label] = mean_share(args.bin, none, seeds, args.year, tmp)
            total = dict.fromkeys(labels, 0.0)
            for k, (group, text) in enumerate(PARTS.items()):
                effect = {}
                for label in labels:
                    knowledge = knowledge_toml(SETTINGS[label])
                    part = write_scenario(tmp, f"part_{k}_{label}", "no_new_policy.toml",
                                          text + knowledge)
                    effect[label] = mean_share(args.bin, part, seeds, args.year, tmp) - nones[label]
                print(row(group, effect, whole), flush=True)
                total = {label: total[label] + effect[label] for label in labels}
            print(row("sum of the groups", total, whole))
            print(row("all together (first table)", whole, whole))
    return 0


def cli() -> int:
    """Console entry point (pyproject.toml)."""
    return main()


if __name__ == "__main__":
    sys.exit(cli())
