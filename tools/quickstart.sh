#!/usr/bin/env bash
# Quick start: install what is missing, build nisim (Release), install it as
# ${NISIM_PREFIX:-~/.local}/bin/nisim, run the baseline scenario and plot it: out/baseline.h5 and
# out/baseline.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target nisim
prefix="${NISIM_PREFIX:-$HOME/.local}"
cmake --install build/release --prefix "$prefix" >/dev/null
echo "installed $prefix/bin/nisim"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "note: $prefix/bin is not on PATH; add it: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
mkdir -p out
"$prefix/bin/nisim" run scenarios/baseline.toml -o out/baseline.h5 --force
/usr/bin/python3 tools/plot_share.py out/baseline.h5 -o out/baseline.png
