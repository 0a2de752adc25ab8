#!/usr/bin/env bash
# Installs what the tests need, builds, and runs the whole suite with ctest: first the dev build
# (warnings are errors) and the README's main job on it, then again under AddressSanitizer +
# UndefinedBehaviorSanitizer.
# Then a short libFuzzer run of every harness (scripts/fuzz.sh, HERALD_FUZZ_SECONDS each, default 20).
# Set HERALD_SKIP_SANITIZERS=1 to run only the first pass, HERALD_SKIP_FUZZ=1 to skip fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
status=0
for preset in dev asan-ubsan; do
  if [ "$preset" = asan-ubsan ] && [ "${HERALD_SKIP_SANITIZERS:-0}" = 1 ]; then continue; fi
  echo "=== $preset: build" >&2
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)"
  echo "=== $preset: ctest" >&2
  # Two tests per core: most integration tests spend their time waiting for reminders to come
  # due, not computing; the one test with wall-clock bounds runs alone (RUN_SERIAL).
  if ! ctest --preset "$preset" -j "$(( $(nproc) * 2 ))"; then status=1; fi
  if [ "$preset" = dev ]; then
    # The README's first command, on the build just made: dataset, listings, a reminder arriving.
    echo "=== dev: the main job (scripts/demo.sh)" >&2
    if ! HERALD_DEMO_PRESET=dev timeout 300 bash scripts/demo.sh >/dev/null; then status=1; fi
  fi
done
if [ "${HERALD_SKIP_FUZZ:-0}" != 1 ]; then
  echo "=== fuzz: ${HERALD_FUZZ_SECONDS:-20}s per harness" >&2
  if ! bash scripts/fuzz.sh "${HERALD_FUZZ_SECONDS:-20}"; then status=1; fi
fi
exit $status
