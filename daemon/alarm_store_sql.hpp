#pragma once
/// Internal to alarm_store*.cpp: the prepared statements of AlarmStore and small conversions.

#include <string>

#include "daemon/alarm_store.hpp"

namespace herald {

/// Columns of a LedgerEntry in the order read_entries expects.
inline constexpr const char* kEntryColumns =
    "id, event_id, occurrence, alarm_index, due, state, snooze_until, seq, fired_at, owner, "
    "public, title";

/// Unix seconds of an instant (the tables store integers).
inline int64_t secs(Instant t) {
    return t.time_since_epoch().count();
}
/// The instant of unix seconds.
inline Instant instant(int64_t s) {
    return Instant{Seconds{s}};
}
/// A SELECT of the ledger columns between `head` and `tail`.
inline std::string sql_with(const char* head, const char* tail) {
    return std::string(head) + kEntryColumns + tail;
}

/// An alarm found due, with what its message needs.
struct DueAlarm {
    LedgerEntry entry;
    std::string location;
    std::string start;
    std::string tz;
    Json set;  ///< the alarm as the event sets it (to_json(Alarm)); null when unknown
};

/// One row of alarm_schedule due by a firing pass's horizon.
struct DueRow {
    int64_t event_id;
    size_t alarm;
    Instant occurrence, due;
};

/// What a firing pass collected: due at `now` (fired now), due in (now, horizon] (staged).
struct DueBatches {
    std::vector<DueAlarm> found;
    std::vector<DueAlarm> ahead;
};

struct AlarmStore::Statements {
    explicit Statements(sql::Db& db)
        : clear_schedule(db, "DELETE FROM alarm_schedule WHERE event_id = ?"),
          clear_pending(db, "DELETE FROM alarm_ledger WHERE event_id = ? AND state = 'pending'"),
          clear_ledger(db, "DELETE FROM alarm_ledger WHERE event_id = ?"),
          put_schedule(db,
                       "INSERT OR REPLACE INTO alarm_schedule(event_id, alarm_index, occurrence, "
                       "due) VALUES(?,?,?,?)"),
          ack_through(db,
                      "UPDATE alarm_ledger SET state = 'acknowledged', snooze_until = NULL "
                      "WHERE event_id = ? AND alarm_index = ? AND due <= ? "
                      "AND state IN ('pending', 'fired', 'snoozed')"),
          put_pending(db,
                      "INSERT OR IGNORE INTO alarm_ledger(event_id, occurrence, alarm_index, due, "
                      "state, owner, public, title) "
                      "VALUES(?,?,?,?,'pending',?,?,?)"),
          min_due(db, "SELECT min(due) FROM alarm_schedule"),
          min_snooze(db, "SELECT min(snooze_until) FROM alarm_ledger WHERE state = 'snoozed'"),
          due_rows(
              db,
              "SELECT event_id, alarm_index, occurrence, due FROM alarm_schedule WHERE due <= ? "
              "ORDER BY due, event_id, alarm_index LIMIT ?"),
          due_snoozes(db,
                      sql_with("SELECT ",
                               " FROM alarm_ledger WHERE state = 'snoozed' AND snooze_until <= ? "
                               "ORDER BY snooze_until, id")),
          by_key(
              db,
              sql_with(
                  "SELECT ",
                  " FROM alarm_ledger WHERE event_id = ? AND occurrence = ? AND alarm_index = ?")),
          by_id(db, sql_with("SELECT ", " FROM alarm_ledger WHERE id = ?")),
          by_occurrence(
              db,
              sql_with(
                  "SELECT ",
                  " FROM alarm_ledger WHERE event_id = ? AND occurrence = ? ORDER BY alarm_index")),
          set_state(db,
                    "UPDATE alarm_ledger SET state = ?, snooze_until = ?, seq = ?, fired_at = ? "
                    "WHERE id = ?"),
          missed(db, sql_with("SELECT ",
                              " FROM alarm_ledger WHERE state = 'missed' AND due >= ?1 AND "
                              "(?3 IS NULL OR owner = ?3 OR public) ORDER BY due, id LIMIT ?2")),
          upcoming(
              db, sql_with(
                      "SELECT ",
                      " FROM alarm_ledger WHERE id IN (SELECT l.id FROM alarm_schedule s JOIN "
                      "alarm_ledger l "
                      "ON l.event_id = s.event_id AND l.alarm_index = s.alarm_index AND "
                      "l.occurrence = s.occurrence WHERE s.due IS NOT NULL AND l.state = 'pending' "
                      "AND (?2 IS NULL OR l.owner = ?2 OR l.public) ORDER BY s.due LIMIT ?1) "
                      "ORDER BY due, id")),
          upcoming_snoozes(
              db, sql_with("SELECT ",
                           " FROM alarm_ledger WHERE state = 'snoozed' AND (?2 IS NULL OR owner = "
                           "?2 OR public) ORDER BY snooze_until LIMIT ?1")),
          pending_of(db, sql_with("SELECT ",
                                  " FROM alarm_ledger WHERE event_id = ? AND state = 'pending' "
                                  "ORDER BY due, alarm_index")) {}

    sql::Statement clear_schedule, clear_pending, clear_ledger, put_schedule, ack_through,
        put_pending, min_due, min_snooze, due_rows, due_snoozes, by_key, by_id, by_occurrence,
        set_state, missed, upcoming, upcoming_snoozes, pending_of;
};

}  // namespace herald
