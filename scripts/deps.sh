#!/usr/bin/env bash
# Installs the Debian 12 packages Herald needs to build, test and benchmark.
# Runs apt-get as root, or through sudo otherwise; does nothing when all are present.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config git
  # libraries (docs/architecture.md says why each)
  libasio-dev libhowardhinnant-date-dev libsqlite3-dev libspdlog-dev nlohmann-json3-dev
  libcli11-dev libtomlplusplus-dev libsystemd-dev libical-dev libsimdjson-dev tzdata
  # scripts/gen_windows_zones.py reads CLDR windowsZones.xml
  unicode-cldr-core
  # tests
  catch2 python3 python3-icalendar python3-recurring-ical-events python3-x-wr-timezone python3-dateutil
  clang libclang-rt-14-dev sqlite3 procps
  # service tests (systemd-analyze, socket activation, D-Bus + a notification server) and man pages
  systemd dbus dunst xvfb xauth libnotify-bin util-linux passwd scdoc zsh
  # benchmarks (bench/all.py): the peers, and strace for the idle wake-up count; vdirsyncer is
  # bench/sync.py's peer for CalDAV sync
  remind calcurse strace vdirsyncer
  # export compatibility tests (tests/integration/test_ical.py): khal reads what herald exports
  khal
  # CalDAV sync (docs/architecture.md "Sync"): HTTP and XML libraries; the servers and the
  # third-party client tests/integration/test_caldav.py runs against
  libcurl4-openssl-dev libpugixml-dev radicale xandikos python3-caldav
  # test_systemd applies the unit's RestrictAddressFamilies= as a seccomp filter and its
  # PrivateNetwork= as a namespace whose loopback `ip` brings up; it reads systemd.exec(5) with man
  python3-seccomp iproute2 man-db
)
if [ "${HERALD_DEPS_EXTRA:-}" != "" ]; then
  # shellcheck disable=SC2206
  PACKAGES+=(${HERALD_DEPS_EXTRA})
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
