#!/usr/bin/env bash
# Hardening checks run by CI after tools/run_tests.sh (README "Build presets"):
#   1. clang-format: every C++ file under engine models app bench tests fuzz is formatted
#   2. ASan + UBSan (preset asan): the engine and model GoogleTests
#   3. libFuzzer (preset fuzz, clang): fuzz/scenario_fuzz for FUZZ_SECONDS (default 60) seconds
#   tsan (opt-in, not in the default run): ThreadSanitizer (preset tsan) on the engine and model
#        GoogleTests. Not clean yet: Debian's libtbb is not built with TSan, so TSan cannot see
#        the synchronisation inside TBB's scheduler and reports races on TBB's task objects
#        (and two in engine/parallel.hpp reduce, not yet triaged). tools/tsan.supp may only name
#        libtbb frames, which cannot hide these without hiding nisim's parallel bodies too.
# Usage: tools/ci_checks.sh [format|asan|tsan|fuzz ...]   (default: format asan fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --ci

steps=("$@")
if [ ${#steps[@]} -eq 0 ]; then steps=(format asan fuzz); fi
jobs="${CI_JOBS:-2}"

section() { echo; echo "==== ci_checks: $* ($(date +%T))"; }

check_format() {
  section "clang-format"
  local files bad=0
  # Tracked files plus new files not yet committed (but not ignored ones).
  mapfile -t files < <(git ls-files --cached --others --exclude-standard -- \
    'engine/*.cpp' 'engine/*.hpp' 'models/*.cpp' 'models/*.hpp' 'app/*.cpp' 'app/*.hpp' \
    'bench/*.cpp' 'bench/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'fuzz/*.cpp' 'fuzz/*.hpp' | sort -u)
  for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    if ! clang-format --dry-run --Werror "$f"; then bad=1; fi
  done
  if [ "$bad" -ne 0 ]; then
    echo "ci_checks: files above are not formatted; run: clang-format -i FILE" >&2
    return 1
  fi
  echo "ci_checks: ${#files[@]} files formatted"
}

check_asan() {
  section "ASan + UBSan (engine and model GoogleTests)"
  cmake --preset asan >/dev/null
  cmake --build --preset asan
  ctest --preset asan -j"$jobs" -L "engine|models"
}

check_tsan() {
  section "ThreadSanitizer (engine and model GoogleTests)"
  cmake --preset tsan >/dev/null
  cmake --build --preset tsan
  # TSAN_OPTIONS (halt_on_error=1, tools/tsan.supp) come from the tsan test preset.
  ctest --preset tsan -j"$jobs" -L "engine|models"
}

check_fuzz() {
  section "libFuzzer: scenario_fuzz for ${FUZZ_SECONDS:-60} s"
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz
  # Seeds are copied: libFuzzer writes new inputs into the first corpus directory.
  local work=build/fuzz/run
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  find tests/data/bad_scenarios scenarios -name '*.toml' -type f -print0 |
    while IFS= read -r -d '' f; do cp "$f" "$work/corpus/$(echo "$f" | tr '/' '_')"; done
  # The bad_scenarios that inherit from siblings resolve relative to the fake path and so are
  # refused as missing parents: still valid seeds for the parser.
  build/fuzz/fuzz/scenario_fuzz "$work/corpus" -max_total_time="${FUZZ_SECONDS:-60}" \
    -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/"
}

for s in "${steps[@]}"; do
  case "$s" in
    format) check_format ;;
    asan) check_asan ;;
    tsan) check_tsan ;;
    fuzz) check_fuzz ;;
    *) echo "ci_checks: unknown step '$s' (format, asan, tsan, fuzz)" >&2; exit 2 ;;
  esac
done
section "all passed: ${steps[*]}"
