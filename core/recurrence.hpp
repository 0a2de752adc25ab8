#pragma once
/// Recurrence expansion (RFC 5545 RRULE, EXDATE, RDATE) in an event's local time, with libical's
/// recurrence iterator. Pure computation: no I/O, no clock.

#include <optional>
#include <string>
#include <vector>

#include "core/event.hpp"

namespace herald {

/// Largest COUNT accepted: bounds the work of expanding a COUNT rule, which libical can only
/// iterate from its first instance.
inline constexpr int kMaxRecurrenceCount = 100000;

/// Checks an RRULE value for an event starting at `start`; throws HeraldError(invalid_params)
/// naming `rrule` and saying what was expected.
void validate_rrule(const std::string& rrule, const CalTime& start);

/// True when the event has more than one possible occurrence (an rrule or rdates).
bool is_recurring(const Event& e);

/// The nominal local start of every instance of `e` (DTSTART, the RRULE's instances and the
/// RDATEs, minus the EXDATEs) with from <= start < to, sorted and without duplicates. The work is
/// proportional to the instances in the window (COUNT rules: to those before `to`).
std::vector<LocalTime> expand_local(const Event& e, LocalTime from, LocalTime to);

/// The nominal local start of the last instance, or nullopt when the recurrence has no end.
/// For an UNTIL rule this is an upper bound (UNTIL itself), not necessarily an instance.
std::optional<LocalTime> last_local_start(const Event& e);

}  // namespace herald
