#pragma once
/// iCalendar content Herald does not model, kept verbatim in Event::ical_extra so that a Herald
/// edit writes other clients' data back unchanged (docs/architecture.md "Sync", item "Unmodelled
/// properties"). Pure: text in, text out.
///
/// Kept, as unfolded content lines: every property of the VEVENT (or VTODO) outside the set
/// Herald writes from its model (kModelled in ical_extra.cpp: UID, DTSTAMP, LAST-MODIFIED,
/// RECURRENCE-ID, the times, RRULE/EXDATE/RDATE, SUMMARY, DESCRIPTION, LOCATION, URL,
/// CATEGORIES, STATUS, CLASS, Herald's X-HERALD-* and its own CREATED;X-HERALD-OWN=TRUE);
/// every nested component (VALARM, others)
/// except a plain reminder, one with only ACTION:DISPLAY, TRIGGER and DESCRIPTION, which is
/// Herald's own form and is rewritten from the event's alarms. A kept VALARM Herald also reads
/// as a reminder is written back verbatim while the event keeps that reminder, and dropped when
/// the reminder is removed in Herald.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"
#include "core/ical_lines.hpp"

namespace herald {

/// The content Herald does not model of one component (its unfold_lines, BEGIN to END),
/// '\n'-joined ("" when there is none). With `period` (a year or month date) TRANSP is
/// Herald's: ical_export writes the period as free time.
std::string unmodelled_lines(const std::vector<IcalLine>& lines, bool period);

/// An event's kept content, split for writing back.
struct IcalExtra {
    std::vector<std::string> properties;               ///< top-level content lines
    std::vector<std::vector<std::string>> components;  ///< BEGIN ... END blocks, in order
};

/// Splits Event::ical_extra.
IcalExtra split_extra(std::string_view extra);

/// The reminder Herald reads from the VALARM `block` (ACTION DISPLAY or AUDIO with a TRIGGER
/// it can read), nullopt when Herald does not read it as one.
std::optional<Alarm> valarm_alarm(const std::vector<std::string>& block);

}  // namespace herald
