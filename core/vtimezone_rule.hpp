#pragma once
/// A file's VTIMEZONE as a POSIX TZ rule (core/tz_rule), so an event in a zone that matches no
/// IANA zone keeps its wall time and gets each instance's offset from the file's rules. Used by
/// TzidResolver (ical_zones.hpp); includes libical, so only core/ical_* sources include it.

#include <libical/ical.h>

#include <optional>
#include <string>

#include "core/tz_rule.hpp"

namespace herald {

/// The rule of the observances a VTIMEZONE has in force in `year`: a STANDARD and a DAYLIGHT
/// observance with yearly RRULEs (BYMONTH with BYDAY=nSU, BYDAY=SU with a week of BYMONTHDAY, or
/// a fixed date), or else the fixed offset in force at the start of `year`. nullopt when the
/// observances in force cannot be written as a POSIX TZ rule (other RRULE shapes).
std::optional<TzRule> vtimezone_rule(icalcomponent* vtimezone, int year);

/// The first day in the years first..last on which `zone` (the same VTIMEZONE, as libical
/// evaluates it) gives another UTC offset than `rule`; "" when they agree throughout.
std::string first_difference(icaltimezone* zone, const TzRule& rule, int first, int last);

/// A VTIMEZONE component (folded lines) named `tzid` stating `rule`: a STANDARD and a DAYLIGHT
/// observance with yearly RRULEs from `first_year` on, or explicit observances for
/// first_year..last_year when the rule's days or times have no RRULE form (n dates, times
/// outside 00:00-24:00).
std::string rule_vtimezone(const std::string& tzid, const TzRule& rule, int first_year,
                           int last_year);

}  // namespace herald
