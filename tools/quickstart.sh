#!/usr/bin/env bash
# Quick start: install what is missing, build nisim (Release), run the baseline scenario and
# plot it: out/baseline.h5 and out/baseline.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target nisim
mkdir -p out
./build/release/app/nisim run scenarios/baseline.toml -o out/baseline.h5 --force
/usr/bin/python3 tools/plot_share.py out/baseline.h5 -o out/baseline.png
