#pragma once
/// Alarm schedules and the delivery ledger, in the Store's database; what they deliver is written
/// to the MessageLog in the same transaction.
///
/// - `alarm_schedule`: the next due instant of each (event, alarm), in an indexed column, so the
///   next alarm anywhere is an index lookup. Recomputed whenever an event is written or an alarm
///   fires.
/// - `alarm_ledger`: one row per alarm occurrence (event, occurrence instant, alarm index) with
///   state pending → fired → acknowledged / snoozed(until) / missed. The unique key makes a
///   second delivery of the same occurrence impossible. Removing an event removes its rows (event
///   ids are never reused, so no row can name another event).
/// - As the Store's observer it also writes the "changes" feed: one message per event write.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/alarms.hpp"
#include "daemon/message_log.hpp"
#include "daemon/store.hpp"

namespace herald {

using Json = nlohmann::json;

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
    /// alarms never needs). Deliveries and changes are logged in `log`.
    AlarmStore(Store& store, MessageLog& log, std::function<const date::time_zone*()> zone);
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
    /// True (once) when the schedule changed since the last call: the timer must be re-armed.
    bool take_schedule_changed();

    /// The ledger entry with this id.
    std::optional<LedgerEntry> entry(int64_t id);
    /// Entries of one occurrence of an event (all alarms, or one).
    std::vector<LedgerEntry> entries(int64_t event_id, Instant occurrence,
                                     std::optional<size_t> alarm);
    /// Acknowledges an entry (no further firing). On an event of a synced calendar the event's
    /// alarm records it too (RFC 9074 ACKNOWLEDGED, the later of `now` and the entry's due
    /// instant), a local write the next sync pushes, so the other machines do not fire it.
    LedgerEntry acknowledge(const LedgerEntry& e, Instant now);
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

  private:
    void schedule(const Event& e, Instant not_before, bool fresh);
    /// Marks done the entries of `e`'s alarms due at or before their `acknowledged` instant.
    void apply_acknowledged(const Event& e);
    /// Records the acknowledgement of entry `e` in its event when the event is synced.
    void share_acknowledgement(const LedgerEntry& e, Instant now);
    /// Records the snooze of entry `e` until `until` in its event when the event is synced: an
    /// RFC 9074 snooze alarm (related to the snoozed one by UID) that other machines fire.
    void share_snooze(const LedgerEntry& e, Instant until, Instant now);
    void unschedule(int64_t event_id);
    int64_t append(const char* topic, const char* method, int64_t owner, bool is_public,
                   const Json& params, Instant now, std::optional<Instant> visible_at = {});
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
    const date::time_zone* zone();

    Store& store_;
    MessageLog& log_;
    sql::Db& db_;
    std::function<const date::time_zone*()> zone_source_;
    const date::time_zone* zone_ = nullptr;
    bool schedule_changed_ = true;
    struct Statements;
    std::unique_ptr<Statements> st_;
};

}  // namespace herald
