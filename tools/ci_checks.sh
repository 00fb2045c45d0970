#!/usr/bin/env bash
# Hardening checks run by CI after tools/run_tests.sh (README "Build presets"):
#   format  clang-format: every C++ file under engine models analysis app bench tests fuzz is formatted
#   tidy    clang-tidy (.clang-tidy, warnings are errors) on every .cpp of engine models app,
#           through the debug preset's compile_commands.json; run-clang-tidy -j$CI_JOBS.
#   asan    ASan + UBSan (preset asan, built for this machine's SIMD like the release preset,
#           so the AVX-512 paths users run are tested): the engine and model GoogleTests
#   tsan    ThreadSanitizer (preset tsan): the engine and model GoogleTests.
#           Debian's libtbb is not built with TSan, so TSan cannot see TBB hand work to its
#           threads; engine/tsan.hpp states nisim's hand-offs explicitly (engine/parallel.hpp,
#           analysis/target.cpp), tools/tsan.supp drops reports whose top frame is TBB's own code,
#           and the tsan test preset sets report_atomic_races=0 for TBB's std::atomic members.
#   fuzz    libFuzzer (preset fuzz, clang): fuzz/scenario_fuzz for FUZZ_SECONDS (default 60) s,
#           then fuzz/run_file_fuzz for FUZZ_RUN_FILE_SECONDS (default 30) s,
#           then fuzz/journal_fuzz (the batch journal reader) for JOURNAL_FUZZ_SECONDS (30) s
# Usage: tools/ci_checks.sh [format|tidy|asan|tsan|fuzz ...]   (default: all five, in that order)
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --ci

steps=("$@")
if [ ${#steps[@]} -eq 0 ]; then steps=(format tidy asan tsan fuzz); fi
jobs="${CI_JOBS:-2}"

section() { echo; echo "==== ci_checks: $* ($(date +%T))"; }

check_format() {
  section "clang-format"
  local files bad=0
  # Tracked files plus new files not yet committed (but not ignored ones).
  mapfile -t files < <(git ls-files --cached --others --exclude-standard -- \
    'engine/*.cpp' 'engine/*.hpp' 'models/*.cpp' 'models/*.hpp' 'analysis/*.cpp' 'analysis/*.hpp' 'app/*.cpp' 'app/*.hpp' \
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

# Files the tidy step may skip, each with the finding that keeps it out (none at present).
tidy_skip=()

check_tidy() {
  section "clang-tidy (.clang-tidy) on engine models analysis app"
  # The debug build's compile_commands.json (CMAKE_EXPORT_COMPILE_COMMANDS is on in every
  # preset); only the generated engine/version.hpp is built, not the project.
  cmake --preset debug >/dev/null
  cmake --build --preset debug --target nisim_version >/dev/null
  local all=() files=() f s skip
  mapfile -t all < <(git ls-files --cached --others --exclude-standard -- \
    'engine/*.cpp' 'models/*.cpp' 'analysis/*.cpp' 'app/*.cpp' | sort -u)
  for f in "${all[@]}"; do
    skip=0
    for s in "${tidy_skip[@]}"; do [ "$f" = "$s" ] && skip=1; done
    if [ "$skip" -eq 1 ]; then
      echo "ci_checks: tidy skips $f (tidy_skip in tools/ci_checks.sh)"
      continue
    fi
    files+=("^$PWD/${f//./\\.}\$")
  done
  # run-clang-tidy takes regular expressions over the compile database's absolute paths; it
  # exits non-zero on any diagnostic (WarningsAsErrors: '*').
  run-clang-tidy -j"$jobs" -p build/debug -quiet "${files[@]}"
  echo "ci_checks: ${#files[@]} files clean"
}

check_asan() {
  section "ASan + UBSan (engine and model GoogleTests)"
  cmake --preset asan >/dev/null
  # Only what the labelled tests run (as for tsan): app/ and bench/ are not tested under ASan.
  cmake --build --preset asan --target engine_tests model_tests analysis_tests
  ctest --preset asan -j"$jobs" -L "engine|models|analysis"
}


check_tsan() {
  section "ThreadSanitizer (engine and model GoogleTests)"
  cmake --preset tsan >/dev/null
  cmake --build --preset tsan --target engine_tests model_tests analysis_tests
  # TSAN_OPTIONS (halt_on_error=1, tools/tsan.supp) come from the tsan test preset.
  ctest --preset tsan -j"$jobs" -L "engine|models|analysis"
}

check_fuzz() {
  section "libFuzzer: scenario_fuzz for ${FUZZ_SECONDS:-60} s"
  cmake --preset fuzz >/dev/null
  # Only the three fuzz targets and what they link (not app/ or analysis/).
  cmake --build --preset fuzz --target scenario_fuzz run_file_fuzz journal_fuzz
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
  section "libFuzzer: run_file_fuzz for ${FUZZ_RUN_FILE_SECONDS:-30} s"
  # Run-file HDF5 readers (fuzz/run_file_fuzz.cpp): the input describes the file, so it starts
  # from an empty corpus; -malloc_limit_mb catches a reader allocating for a declared size.
  mkdir -p "$work/run_file_corpus"
  build/fuzz/fuzz/run_file_fuzz "$work/run_file_corpus" -max_total_time="${FUZZ_RUN_FILE_SECONDS:-30}" \
    -max_len=4096 -len_control=0 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 \
    -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/run_file_"
  section "libFuzzer: journal_fuzz for ${JOURNAL_FUZZ_SECONDS:-30} s"
  # Seeds: journals in the engine/journal.hpp format (header, then records whose checksum is
  # FNV-1a keyed by the fingerprint), whole, torn and with a foreign record.
  mkdir -p "$work/journals"
  python3 - "$work/journals" <<'PYSEED'
import struct, sys
def fnv(data, h=14695981039346656037):
    for b in data:
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h
def journal(fp, jobs, values, records):
    out = b"NISIMJ02" + struct.pack("<QQQ", fp, jobs, values)
    for job, fill in records:
        body = struct.pack(f"<Q{values}d", job, *([fill] * values))
        out += body + struct.pack("<Q", fnv(body, fnv(struct.pack("<Q", fp))))
    return out
d = sys.argv[1]
good = journal(42, 8, 3, [(0, 1.5), (5, float("nan")), (7, -0.0)])
seeds = {"good": good, "torn": good[:-5], "foreign": good + journal(43, 8, 3, [(1, 2.0)])[32:],
         "empty_records": journal(7, 1, 1, []), "big": journal(9, 4096, 64, [(k, k) for k in range(20)])}
for name, data in seeds.items():
    open(f"{d}/{name}", "wb").write(data)
PYSEED
  build/fuzz/fuzz/journal_fuzz "$work/journals" -max_total_time="${JOURNAL_FUZZ_SECONDS:-30}" \
    -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/"
}

for s in "${steps[@]}"; do
  case "$s" in
    format) check_format ;;
    tidy) check_tidy ;;
    asan) check_asan ;;
    tsan) check_tsan ;;
    fuzz) check_fuzz ;;
    *) echo "ci_checks: unknown step '$s' (format, tidy, asan, tsan, fuzz)" >&2; exit 2 ;;
  esac
done
section "all passed: ${steps[*]}"
