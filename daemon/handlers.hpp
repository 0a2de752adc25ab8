#pragma once
/// Handlers of the command table, grouped by area (handlers_*.cpp).

#include "daemon/commands.hpp"

namespace herald::handlers {

// handlers_server.cpp
/// hello: versions, mode and who the caller is.
Result hello(Context& ctx, const Json& p);
/// status: counts and paths.
Result status(Context& ctx, const Json& p);

// handlers_event.cpp
/// event.add: store a new event (idempotent on uid).
Result event_add(Context& ctx, const Json& p);
/// event.get: one event by id or uid.
Result event_get(Context& ctx, const Json& p);
/// event.update: change fields, checking the expected revision.
Result event_update(Context& ctx, const Json& p);
/// event.remove: delete an event.
Result event_remove(Context& ctx, const Json& p);
/// event.search: full-text search.
Result event_search(Context& ctx, const Json& p);

// handlers_calendar.cpp
/// calendar.import: iCalendar text (whole or in chunks) → events, one transaction, upsert by uid.
Result calendar_import(Context& ctx, const Json& p);
/// calendar.export: events (optionally in a window / category) → iCalendar text, in parts if big.
Result calendar_export(Context& ctx, const Json& p);

// handlers_sync.cpp
/// calendar.sync: start a CalDAV sync run of the named calendars (all when none); returns at once.
Result calendar_sync(Context& ctx, const Json& p);
/// calendar.sync_status: per synced calendar, its runs, last success and error, pending changes.
Result calendar_sync_status(Context& ctx, const Json& p);
/// calendar.sync_conflicts: the versions conflicts did not keep.
Result calendar_sync_conflicts(Context& ctx, const Json& p);
/// calendar.sync_restore: a kept version becomes the current one again and is pushed.
Result calendar_sync_restore(Context& ctx, const Json& p);

// handlers_agenda.cpp
/// agenda: occurrences in a window, imprecise and undated events.
Result agenda(Context& ctx, const Json& p);

// handlers_alarm.cpp
/// alarm.ack: acknowledge an alarm occurrence (it never fires again).
Result alarm_ack(Context& ctx, const Json& p);
/// alarm.snooze: fire an alarm occurrence again later.
Result alarm_snooze(Context& ctx, const Json& p);
/// alarm.next: the next alarms due (overall or of one event).
Result alarm_next(Context& ctx, const Json& p);
/// alarm.missed: alarms that came due beyond the catch-up window.
Result alarm_missed(Context& ctx, const Json& p);

// handlers_subscribe.cpp
/// subscribe: receive reminder/digest/change notifications, replaying those after `since`.
Result subscribe(Context& ctx, const Json& p);

}  // namespace herald::handlers
