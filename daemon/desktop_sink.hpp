#pragma once
/// Wires reminders to the desktop: every logged reminder (or digest) becomes a notification, and
/// the user's Snooze / Dismiss answers go back to the ledger as alarm.snooze / alarm.ack do.

#include "daemon/alarm_store.hpp"
#include "daemon/desktop.hpp"
#include "daemon/hub.hpp"
#include "daemon/scheduler.hpp"
#include "daemon/settings.hpp"

namespace herald {

/// The notification for one logged reminder message; `viewer` is the local zone.
DesktopReminder desktop_reminder(const Json& params, const date::time_zone* viewer);

/// Routes `hub`'s new reminder messages to `desktop` and its actions back to `alarms`; times are
/// shown in `viewer` (the daemon's zone, as for all-day alarms).
void wire_desktop(DesktopNotifier& desktop, Hub& hub, AlarmStore& alarms, Scheduler& scheduler,
                  const Settings& settings, const date::time_zone* viewer);

}  // namespace herald
