#pragma once
/// Alarm schedules, the delivery ledger and the pushed-message log, in the Store's database.
///
/// - `alarm_schedule`: the next due instant of each (event, alarm), in an indexed column, so the
///   next alarm anywhere is an index lookup. Recomputed whenever an event is written or an alarm
///   fires.
/// - `alarm_ledger`: one row per alarm occurrence (event, occurrence instant, alarm index) with
///   state pending → fired → acknowledged / snoozed(until) / missed. The unique key makes a
///   second delivery of the same occurrence impossible. Removing an event removes its rows (event
///   ids are never reused, so no row can name another event).
/// - `messages`: every pushed notification with its sequence number (AUTOINCREMENT: strictly
///   increasing, never reused), written in the same transaction as the state it reports, so a
///   reconnecting subscriber can be replayed exactly what it missed. A staged reminder (logged
///   ahead of its due instant, see fire_due) has `visible_at`: no subscriber is sent it, or any
///   later message, before that instant.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/alarms.hpp"
#include "daemon/store.hpp"

namespace herald {

using Json = nlohmann::json;

/// Schema migration creating the tables this module owns (listed in store.cpp's kMigrations).
inline constexpr const char* kAlarmSchema = R"sql(
CREATE TABLE alarm_schedule (
    event_id INTEGER NOT NULL,
    alarm_index INTEGER NOT NULL,
    occurrence INTEGER,
    due INTEGER,
    PRIMARY KEY (event_id, alarm_index)
);
CREATE INDEX alarm_schedule_due ON alarm_schedule(due);
CREATE TABLE alarm_ledger (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL,
    occurrence INTEGER NOT NULL,
    alarm_index INTEGER NOT NULL,
    due INTEGER NOT NULL,
    state TEXT NOT NULL,
    snooze_until INTEGER,
    seq INTEGER,
    fired_at INTEGER,
    owner INTEGER NOT NULL,
    public INTEGER NOT NULL,
    title TEXT NOT NULL,
    UNIQUE (event_id, occurrence, alarm_index)
);
CREATE INDEX alarm_ledger_snoozed ON alarm_ledger(snooze_until) WHERE state = 'snoozed';
CREATE INDEX alarm_ledger_missed ON alarm_ledger(due) WHERE state = 'missed';
CREATE TABLE messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    method TEXT NOT NULL,
    owner INTEGER NOT NULL,
    public INTEGER NOT NULL,
    params TEXT NOT NULL,
    created INTEGER NOT NULL
);
)sql";

/// Schema migration 3 (pre-staged firing): the instant a staged message becomes visible (NULL:
/// at once), with a partial index so a restart finds the staged ones not yet visible.
inline constexpr const char* kStagedMessagesSchema = R"sql(
ALTER TABLE messages ADD COLUMN visible_at INTEGER;
CREATE INDEX messages_staged ON messages(visible_at) WHERE visible_at IS NOT NULL;
)sql";

/// A wall-clock instant with the clock's full precision (Instant has whole seconds).
using TimePoint = std::chrono::system_clock::time_point;

/// One row of the delivery ledger.
struct LedgerEntry {
    int64_t id = 0;
    int64_t event_id = 0;
    Instant occurrence{};
    size_t alarm_index = 0;
    Instant due{};
    AlarmState state = AlarmState::pending;
    std::optional<Instant> snooze_until;
    int64_t seq = 0;  ///< the message that last delivered it (0: none)
    std::optional<Instant> fired_at;
    int64_t owner = -1;
    bool is_public = false;
    std::string title;
};

/// One pushed notification as logged.
struct Message {
    int64_t seq = 0;
    std::string topic;   ///< "reminders" or "changes"
    std::string method;  ///< "reminder", "digest" or "change"
    int64_t owner = -1;
    bool is_public = false;
    std::string params_json;  ///< the params object as stored (JSON text), without seq
    /// The params as a document (the desktop sink reads reminders with it).
    Json params() const { return Json::parse(params_json); }
};

/// Topics and methods of logged messages (the protocol's names, stored as text).
inline constexpr const char* kTopicReminders = "reminders";
inline constexpr const char* kTopicChanges = "changes";
inline constexpr const char* kMethodReminder = "reminder";
inline constexpr const char* kMethodDigest = "digest";
inline constexpr const char* kMethodChange = "change";

// Internal to alarm_fire.cpp (daemon/alarm_store_sql.hpp): the pieces of a firing pass.
struct DueAlarm;
struct DueRow;
struct DueBatches;

/// The JSON of a ledger entry as the protocol shows it.
Json to_json(const LedgerEntry& e);

/// What one pass over due alarms did.
struct FireReport {
    size_t delivered = 0;  ///< alarm occurrences delivered (individually or in a digest)
    size_t missed = 0;     ///< recorded as missed (beyond the catch-up window)
    size_t digests = 0;
    size_t staged = 0;  ///< of `delivered`: staged, visible at their due instant
};

/// Owns the alarm tables; every method runs on the daemon's one thread.
class AlarmStore : public StoreObserver {
  public:
    /// Uses `store`'s database; all-day and floating events are placed in the zone `zone` returns,
    /// asked on first need (why lazily: loading the tz database costs memory a daemon without
    /// alarms never needs). Staged messages not yet visible at `now` are held back.
    AlarmStore(Store& store, std::function<const date::time_zone*()> zone, Instant now);
    ~AlarmStore() override;

    // StoreObserver: reschedule the event's alarms and log a change message, in its transaction
    // (logged at after.updated, the write's instant).
    void saved(const std::optional<Event>& before, const Event& after, std::string_view after_json,
               bool log) override;
    /// Logs the one change message of an import at `now`:
    /// {"kind":"imported","added":n,"updated":m}.
    void imported(int64_t owner, size_t added, size_t updated, Instant now);
    void removed(const Event& before, Instant now) override;

    /// The earliest instant anything is due (scheduled alarm or snooze); nullopt when nothing.
    std::optional<Instant> next_wake();
    /// Fires everything due at `now` and stages everything due in (now, horizon], in one
    /// transaction committed before it returns. Due pending alarms within `window` become fired
    /// (with a message each, or one digest per audience when `catching_up` and there are more than
    /// five), older ones missed; expired snoozes fire again. Staged ones (alarms and snoozes)
    /// become fired with fired_at = their due instant and a message visible_at that instant (see
    /// visible_through), so publishing them when due needs no I/O.
    FireReport fire_due(Instant now, Instant horizon, Seconds window, bool catching_up);
    /// The last seq subscribers may be sent at `now`: `committed` (the last committed message), or
    /// the one before the first staged message not yet visible (seq order is delivery order).
    /// Forgets staged messages that became visible and, when the wall clock was set back, ones
    /// more than `lead` ahead of `now` (released rather than holding the log back).
    int64_t visible_through(int64_t committed, TimePoint now, std::chrono::nanoseconds lead);
    /// When the earliest staged message not yet visible becomes visible; nullopt when none.
    std::optional<Instant> next_visible() const;
    /// True while a transaction (such as a group-commit batch) is open: the log may hold
    /// uncommitted messages.
    bool in_transaction() const { return db_.in_transaction(); }
    /// True (once) when the schedule changed since the last call: the timer must be re-armed.
    bool take_schedule_changed();

    /// The ledger entry with this id.
    std::optional<LedgerEntry> entry(int64_t id);
    /// Entries of one occurrence of an event (all alarms, or one).
    std::vector<LedgerEntry> entries(int64_t event_id, Instant occurrence,
                                     std::optional<size_t> alarm);
    /// Acknowledges an entry (no further firing).
    LedgerEntry acknowledge(const LedgerEntry& e);
    /// Snoozes entries until `until`, all or none: throws (check_snooze) when one has not fired,
    /// was acknowledged, or `until` is not after `now`. Every snooze (a request, the desktop's
    /// Snooze action) comes through here, so the rule is checked on every path.
    std::vector<LedgerEntry> snooze(const std::vector<LedgerEntry>& entries, Instant until,
                                    Instant now);
    /// Missed entries due at or after `since`, oldest first; of those `viewer` may see (own or
    /// public; all when nullopt), filtered before the limit.
    std::vector<LedgerEntry> missed(Instant since, size_t limit,
                                    std::optional<int64_t> viewer = std::nullopt);
    /// Upcoming alarms: pending ones by due instant and snoozed ones by snooze instant, merged;
    /// of those `viewer` may see, filtered before the limit.
    std::vector<LedgerEntry> upcoming(size_t limit, std::optional<int64_t> viewer = std::nullopt);
    /// Pending entries of one event (its next alarm occurrences), by due instant.
    std::vector<LedgerEntry> pending_of(int64_t event_id);

    /// Logged messages with seq > `after`, oldest first, at most `limit`.
    std::vector<Message> messages_after(int64_t after, size_t limit);
    /// The last sequence number used (0 when none).
    int64_t last_seq();

  private:
    void schedule(const Event& e, Instant not_before, bool fresh);
    void unschedule(int64_t event_id);
    int64_t append(const std::string& topic, const std::string& method, int64_t owner,
                   bool is_public, const Json& params, Instant now,
                   std::optional<Instant> visible_at = {});
    /// append() with the params already encoded as a JSON object.
    int64_t append_encoded(const std::string& topic, const std::string& method, int64_t owner,
                           bool is_public, std::string params_json, Instant now,
                           std::optional<Instant> visible_at = {});
    std::vector<LedgerEntry> read_entries(sql::Statement& st);
    void set_state(int64_t id, AlarmState s, std::optional<Instant> snooze_until, int64_t seq,
                   std::optional<Instant> fired_at);
    /// Next alarm occurrence of (event, alarm) into the schedule and, when there is one, a
    /// pending ledger row (`e` is the event it belongs to; null only when `next` is empty).
    void put_next(int64_t event_id, size_t alarm, const std::optional<AlarmOccurrence>& next,
                  const Event* e);
    // The phases of fire_schedule (alarm_fire.cpp).
    std::vector<DueRow> due_rows(Instant horizon);
    void take_due(const DueRow& r, const std::optional<Event>& event, Firing firing,
                  DueBatches& out, FireReport& report);
    void advance(const DueRow& r, const std::optional<Event>& event, Instant now, Seconds window,
                 bool late);
    void deliver(const std::vector<DueAlarm>& found, Instant now, Seconds window, bool catching_up,
                 FireReport& report);
    void stage(const std::vector<DueAlarm>& ahead, Instant now);
    size_t fire_schedule(Instant now, Instant horizon, Seconds window, bool catching_up,
                         FireReport& report);
    void fire_snoozes(Instant now, Instant horizon, FireReport& report);
    void load_staged(Instant now);
    const date::time_zone* zone();

    Store& store_;
    sql::Db& db_;
    std::function<const date::time_zone*()> zone_source_;
    const date::time_zone* zone_ = nullptr;
    bool schedule_changed_ = true;
    // Staged messages of committed firing passes not yet visible: seq -> visible_at. Filled only
    // after the commit (a rolled-back seq may be reused) and on start from the partial index.
    std::map<int64_t, Instant> staged_;
    std::vector<std::pair<int64_t, Instant>> staging_;  ///< of the pass in progress
    struct Statements;
    std::unique_ptr<Statements> st_;
};

}  // namespace herald
