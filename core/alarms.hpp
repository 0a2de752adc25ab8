#pragma once
/// When alarms come due: the due instant of each alarm occurrence, the next one at or after an
/// instant, the delivery states of the ledger and the catch-up policy after downtime. Pure: "now"
/// is always a parameter.

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "core/agenda.hpp"
#include "core/event.hpp"

namespace herald {

/// One alarm of one occurrence of an event, with the instant it comes due.
struct AlarmOccurrence {
    size_t alarm_index = 0;  ///< position in Event::alarms
    Instant occurrence{};    ///< first instant of the event occurrence the alarm belongs to
    Instant due{};           ///< when the alarm fires
    bool operator==(const AlarmOccurrence&) const = default;
};

/// True when the event's date is precise enough for alarms to fire (a day or a time).
bool alarms_can_fire(const Event& e);

/// Throws HeraldError(invalid_time) naming `field` when the event's date is not fixed (undated,
/// year or month precision): such alarms wait until a precise date is set.
void require_fixed_date(const Event& e, std::string_view field = "event_id");

/// The due instant of alarm `a` for occurrence `occ`: anchor (start or end) moved by the offset
/// per RFC 5545 (a nominal -P1D keeps the wall time in the anchor's zone, `viewer` for floating
/// and all-day events), or the absolute instant. All-day occurrences begin at the start of their
/// day in the viewer's zone.
Instant alarm_due(const Alarm& a, const Occurrence& occ, const date::time_zone* viewer);

/// The first occurrence of alarm `index` of `e` due at or after `not_before`, expanding the
/// event's occurrences through occurrences_in (so recurring events repeat their alarms); nullopt
/// when there is none. Throws invalid_time when the event's date is not fixed.
std::optional<AlarmOccurrence> next_alarm_occurrence(const Event& e, size_t index,
                                                     Instant not_before,
                                                     const date::time_zone* viewer);

/// The occurrence of alarm `index` to schedule when `e` is written at `now`. Why not simply the
/// next one due: a reminder already due for an occurrence that has not begun ("call in 10 min",
/// reminded 15 min before) is late, not void; like an alarm that came due while the daemon was
/// down it is scheduled at its past instant, so the firing pass delivers it at once within the
/// catch-up window and records it missed beyond (Firing). Of several late ones (a week's alarm on
/// a daily event) the last due is taken, so one late reminder fires, not a burst. Occurrences
/// already begun get none: the next due at or after `now`.
std::optional<AlarmOccurrence> alarm_to_schedule(const Event& e, size_t index, Instant now,
                                                 const date::time_zone* viewer);

/// Delivery state of an alarm occurrence in the ledger.
enum class AlarmState { pending, fired, acknowledged, snoozed, missed };
/// "pending", "fired", "acknowledged", "snoozed", "missed".
std::string_view to_string(AlarmState s);
/// Parses a state name; nullopt when unknown.
std::optional<AlarmState> alarm_state_from_string(std::string_view s);

/// The state after an acknowledgement: always acknowledged (idempotent; acknowledging a pending
/// alarm dismisses it before it fires).
AlarmState acknowledge(AlarmState s);
/// Checks a snooze of an alarm in state `s` until `until` at `now` and returns `until`; throws
/// invalid_params (field `id`) when the alarm has not fired yet or was acknowledged, and
/// invalid_time (field `until`) when `until` is not after `now`.
Instant check_snooze(AlarmState s, Instant until, Instant now);

/// How a batch of late alarms is delivered.
struct CatchUpPlan {
    std::vector<size_t> deliver;  ///< indexes into the input, in input order
    std::vector<size_t> missed;
    bool digest = false;  ///< true when deliver has more than the threshold: send one digest
};
/// Splits late alarms (their due instants) into delivered and missed; many deliveries become
/// one digest so a returning user is not flooded.
CatchUpPlan plan_catch_up(const std::vector<Instant>& due, Instant now, Seconds window,
                          size_t digest_threshold = 5);

/// What a firing pass at `now` that stages ahead to `horizon` does with an alarm (or snooze) due
/// at `due`: nothing yet (after the horizon); stage it (logged now, visible at `due`); fire it now
/// (due, within the catch-up window); or record it missed (older than the window).
enum class Firing { later, stage, now, missed };
/// The Firing of an occurrence due at `due` (see Firing); `horizon` is at or after `now`.
Firing firing_of(Instant due, Instant now, Instant horizon, Seconds window);

}  // namespace herald
