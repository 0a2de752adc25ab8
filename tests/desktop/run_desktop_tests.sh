#!/bin/sh
# Runs the hidden cases of desktop_tests on a private session bus:
#   run_desktop_tests.sh server   DESKTOP_TESTS  -- dunst (under xvfb-run) is the notification server
#   run_desktop_tests.sh noserver DESKTOP_TESTS  -- nothing owns org.freedesktop.Notifications
# Exits 77 (ctest SKIP_RETURN_CODE) with the reason when a tool is missing.
set -eu
mode=$1
tests=$2
need="dbus-run-session dbus-monitor dbus-send"
[ "$mode" = server ] && need="$need dunst dunstctl xvfb-run xauth"
for tool in $need; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool is not installed (see scripts/deps.sh)"
    exit 77
  fi
done
if [ -z "${HERALD_IN_BUS:-}" ]; then
  HERALD_IN_BUS=1 exec dbus-run-session -- "$0" "$@"
fi

work=$(mktemp -d)
cleanup() {
  [ -n "${dunst_pid:-}" ] && kill "$dunst_pid" 2>/dev/null || true
  [ -n "${monitor_pid:-}" ] && kill "$monitor_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export HERALD_DBUS_MONITOR_LOG="$work/monitor.log"
dbus-monitor --session "type='method_call',interface='org.freedesktop.Notifications'" >"$HERALD_DBUS_MONITOR_LOG" 2>&1 &
monitor_pid=$!

has_server() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner \
    string:org.freedesktop.Notifications | grep -q "boolean true"
}

if [ "$mode" = server ]; then
  xvfb-run -a dunst >"$work/dunst.log" 2>&1 &
  dunst_pid=$!
  i=0
  until has_server; do
    i=$((i + 1))
    if [ $i -gt 100 ]; then echo "dunst did not take org.freedesktop.Notifications:"; cat "$work/dunst.log"; exit 1; fi
    sleep 0.1
  done
  sleep 0.3  # let dbus-monitor subscribe before the first call
  "$tests" "[.desktop-server]"
else
  # Without DISPLAY, D-Bus activation of an installed server (dunst) fails, as on a headless box.
  unset DISPLAY WAYLAND_DISPLAY
  if has_server; then echo "unexpected notification server on the private bus"; exit 1; fi
  sleep 0.3
  "$tests" "[.desktop-noserver]"
fi
