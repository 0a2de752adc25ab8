#pragma once
/// Recurrence expansion (RFC 5545 RRULE, EXDATE, RDATE) in an event's local time, with Herald's
/// own RRULE expander (core/rrule). Pure computation: no I/O, no clock.

#include <optional>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/rrule.hpp"

namespace herald {

/// Checks an RRULE value for an event starting at `start`; throws HeraldError(invalid_params)
/// naming `rrule` and saying what was expected.
void validate_rrule(const std::string& rrule, const CalTime& start);

/// Throws HeraldError(invalid_params) naming `exdates` when an EXDATE names no instance of the
/// event. For EXDATEs a client gives (event.add, event.update); imported files keep theirs, so
/// those already `kept` (the stored event's, on an update) are not checked again.
void check_exdates_match(const Event& e, const std::vector<CalTime>& kept = {});

/// True when the event has more than one possible occurrence (an rrule or rdates).
bool is_recurring(const Event& e);

/// The nominal local start of every instance of `e` (DTSTART, the RRULE's instances and the
/// RDATEs, minus the EXDATEs) with from <= start < to, sorted and without duplicates. The work is
/// proportional to the instances in the window (COUNT rules: to those before `to`).
std::vector<LocalTime> expand_local(const Event& e, LocalTime from, LocalTime to);

/// The nominal local start of the last instance, or nullopt when the recurrence has no end.
/// For an UNTIL rule this is an upper bound (UNTIL's wall time, a day later for a UTC UNTIL),
/// not necessarily an instance.
std::optional<LocalTime> last_local_start(const Event& e);

}  // namespace herald
