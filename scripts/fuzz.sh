#!/usr/bin/env bash
# Builds the libFuzzer harnesses (preset `fuzz`: clang, ASan + UBSan) and runs each for N seconds
# (default 60): scripts/fuzz.sh [seconds]. New inputs go to build/fuzz/corpus/<harness>/, crashes
# to build/fuzz/artifacts/<harness>/; the checked-in seeds in tests/fuzz/corpus/ are only read.
# A crash makes the script fail; turn its input into a regression test (docs/testing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "${HERALD_JOBS:-2}"
out=build/fuzz
status=0
while read -r name; do
  [ -n "$name" ] || continue
  mkdir -p "$out/corpus/$name" "$out/artifacts/$name" "$out/logs"
  log="$out/logs/$name.log"
  echo "=== fuzz $name: ${secs}s" >&2
  if "$out/tests/fuzz/fuzz_$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$out/artifacts/$name/" "$out/corpus/$name" "tests/fuzz/corpus/$name" >"$log" 2>&1; then
    grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" >&2 || true
  else
    status=1
    tail -n 40 "$log" >&2
    echo "=== fuzz $name FAILED: inputs in $out/artifacts/$name/, log in $log" >&2
  fi
done <"$out/fuzz-targets.txt"
exit $status
