#pragma once
/// Handlers of the command table, grouped by area (handlers_*.cpp).

#include "daemon/commands.hpp"

namespace herald::handlers {

// handlers_server.cpp
/// hello: versions, mode and who the caller is.
Json hello(Context& ctx, const Json& p);
/// status: counts and paths.
Json status(Context& ctx, const Json& p);

// handlers_event.cpp
/// event.add: store a new event (idempotent on uid).
Json event_add(Context& ctx, const Json& p);
/// event.get: one event by id or uid.
Json event_get(Context& ctx, const Json& p);
/// event.update: change fields, checking the expected revision.
Json event_update(Context& ctx, const Json& p);
/// event.remove: delete an event.
Json event_remove(Context& ctx, const Json& p);
/// event.search: full-text search.
Json event_search(Context& ctx, const Json& p);

// handlers_calendar.cpp
/// calendar.import: iCalendar text (whole or in chunks) → events, one transaction, upsert by uid.
Json calendar_import(Context& ctx, const Json& p);
/// calendar.export: events (optionally in a window / category) → iCalendar text, in parts if big.
Json calendar_export(Context& ctx, const Json& p);

// handlers_agenda.cpp
/// agenda: occurrences in a window, imprecise and undated events.
Json agenda(Context& ctx, const Json& p);

// handlers_alarm.cpp
/// alarm.ack: acknowledge an alarm occurrence (it never fires again).
Json alarm_ack(Context& ctx, const Json& p);
/// alarm.snooze: fire an alarm occurrence again later.
Json alarm_snooze(Context& ctx, const Json& p);
/// alarm.next: the next alarms due (overall or of one event).
Json alarm_next(Context& ctx, const Json& p);
/// alarm.missed: alarms that came due beyond the catch-up window.
Json alarm_missed(Context& ctx, const Json& p);

// handlers_subscribe.cpp
/// subscribe: receive reminder/digest/change notifications, replaying those after `since`.
Json subscribe(Context& ctx, const Json& p);

}  // namespace herald::handlers
