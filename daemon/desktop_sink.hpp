#pragma once
/// Wires reminders to the desktop: every logged reminder (or digest) becomes a notification, and
/// the user's Snooze / Dismiss answers go back to the ledger as alarm.snooze / alarm.ack do.

#include "daemon/alarm_store.hpp"
#include "daemon/hub.hpp"
#include "daemon/scheduler.hpp"
#include "daemon/settings.hpp"
#include "desktop/notifier.hpp"

namespace herald {

/// The [notify] settings the notifier reads before each notification.
DesktopOptions desktop_options(const Settings& settings);

/// `status`'s desktop object: {state, server?, why?}; `desktop` is null when there is no sink.
Json desktop_status(const DesktopNotifier* desktop, const Settings& settings);

/// The notifier's messages into the daemon's log; warnings say where reminders still go.
DesktopLog desktop_log();

/// Routes `hub`'s new reminder messages to `desktop` and its actions back to `alarms`; times are
/// shown in `viewer` (the daemon's zone, as for all-day alarms).
void wire_desktop(DesktopNotifier& desktop, Hub& hub, AlarmStore& alarms, Scheduler& scheduler,
                  const Settings& settings, const date::time_zone* viewer);

}  // namespace herald
