#!/usr/bin/env bash
# Build everything and run every test (GoogleTest and pytest through CTest). This is what CI
# runs. Usage: tools/run_tests.sh [preset]   (preset: debug (default), release, asan)
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-debug}"
bash tools/setup.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset" -j2
