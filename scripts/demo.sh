#!/usr/bin/env bash
# The main job, end to end: build, start heraldd with its embedded defaults on private
# directories, load dates from the Central Asia + Japan dataset, list what is upcoming and what
# is past, then stop the daemon. Nothing outside a temporary directory is touched.
set -euo pipefail
cd "$(dirname "$0")/.."
# HERALD_DEMO_PRESET=dev reuses the dev build (scripts/test.sh runs the demo that way).
preset="${HERALD_DEMO_PRESET:-release}"
bash scripts/build.sh "$preset" >&2
BIN="$PWD/build/$preset"
HERALD="$BIN/client/herald"

demo_root="$(mktemp -d /tmp/herald-demo.XXXXXX)"
export XDG_RUNTIME_DIR="$demo_root/run" XDG_DATA_HOME="$demo_root/data" XDG_CONFIG_HOME="$demo_root/config"
mkdir -m 0700 -p "$XDG_RUNTIME_DIR"
export TZ="${TZ:-Asia/Bishkek}"
cleanup() {
  [ -n "${watch_pid:-}" ] && kill "$watch_pid" 2>/dev/null
  [ -n "${daemon_pid:-}" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  rm -rf "$demo_root"
}
trap cleanup EXIT

"$BIN/daemon/heraldd" 2>"$demo_root/heraldd.log" &
daemon_pid=$!
for _ in $(seq 100); do "$HERALD" status >/dev/null 2>&1 && break; sleep 0.05; done

herald() { "$HERALD" "$@"; }
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "$*"; "$@"; }

run herald status
run herald import data/central-asia-japan.ics
herald add "Herald demo: review the diplomatic calendar" --at "$(date -d '+2 days' '+%Y-%m-%d') 10:00" >/dev/null
printf "\n# Recent and upcoming diplomatic dates (the dataset spans 2022-2025)\n"
run herald list --from 2022-01-01 --to 2025-12-31
run herald cal 2022-12
run herald list --past --days 365
run herald list

say "herald watch &   # then: herald add ... --remind-at <in 3 s>"
"$HERALD" watch --count 1 &
watch_pid=$!
sleep 0.3
herald add "Herald demo: a reminder 3 seconds from now" --at "$(date -d '+1 hour' '+%Y-%m-%d %H:%M')" \
  --remind-at "$(date -d '+3 seconds' '+%Y-%m-%d %H:%M:%S')"
wait "$watch_pid"
watch_pid=
run herald next
