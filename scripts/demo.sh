#!/usr/bin/env bash
# The main job, end to end: build, start heraldd with its embedded defaults on private
# directories, load dates from the Central Asia + Japan dataset, list what is upcoming and what
# is past, then stop the daemon. Nothing outside a temporary directory is touched.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh release >&2
BIN="$PWD/build/release"
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
say "herald add ... (dates from data/central-asia-japan.ics)"
herald add "Japan–Kyrgyz foreign ministers' meeting (Hayashi–Kulubaev)" --at "2022-12-24 14:40" \
  --tz Asia/Tokyo --duration 30m --location Tokyo --category central-asia-japan \
  --source "001_01bcc21cf51fd19d.txt: MOFA Japan press release, 24 December 2022"
herald add "8th Central Asia + Japan foreign ministers' meeting" --at 2022-04-15 \
  --location "Videoconference (Bishkek per another source)" --category central-asia-japan \
  --source "003_6017495ba7d66406.txt; 000_65a2efc45ac071cf.txt"
herald add "10th Central Asia + Japan foreign ministers' meeting" --at 2023 --tentative \
  --location Kazakhstan --category central-asia-japan --source "004_c4fa1fb556ffcfa1.txt: Kazinform"
herald add "Kyrgyzstan National Day at EXPO 2025" --at 2025-06-06 --location "Osaka, Japan" \
  --category expo2025 --source "002_6eace4120258b034.txt: Trend, 3 February 2025"
herald add "First Central Asia + Japan summit" --tba --tentative --category central-asia-japan \
  --source "002_6eace4120258b034.txt: Trend, 3 February 2025"
herald add "Herald demo: review the diplomatic calendar" --at "$(date -d '+2 days' '+%Y-%m-%d') 10:00"

run herald list --from 2022-01-01 --to 2025-12-31
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
