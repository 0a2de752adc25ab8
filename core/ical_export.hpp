#pragma once
/// iCalendar (RFC 5545) export: events → one VCALENDAR text. Pure: "now" (DTSTAMP) is a parameter.
///
/// CRLF line ends, lines folded at 75 octets without splitting a UTF-8 character, TEXT escaped,
/// a VTIMEZONE (built from the tz database's transitions) for every zone used, recurrences kept as
/// RRULE/EXDATE/RDATE, overrides ("<uid>#<recurrence-id>", see ical_import.hpp) as RECURRENCE-ID
/// components, alarms as VALARMs. Every value is one other programs (khal, calcurse,
/// python-icalendar) read: EXDATE/RDATE in DTSTART's value type; no SUMMARY for an empty title;
/// CLASS:PUBLIC for a public event and no CLASS otherwise. Imprecise dates are exported honestly:
/// a year or month as an all-day, TRANSP:TRANSPARENT event over the whole period, with
/// X-HERALD-PRECISION and precision_note() appended to DESCRIPTION; an undated (TBA) event as a
/// VTODO without dates (a VEVENT needs a DTSTART) with X-HERALD-PRECISION:none. The later of a
/// repeated wall time (CalTime::fold) is written in UTC with X-HERALD-TZ naming the event's zone.
/// ical_import reads all of these back into the same event.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"

namespace herald {

/// The whole calendar for `events`, stamped with `now`.
std::string export_ical(const std::vector<Event>& events, Instant now);

/// export_ical in steps, for a caller that must not hold its thread for a whole calendar (the
/// daemon's calendar.export): note_next() for every event, then write_next() until it returns
/// false; the parts written, joined, are export_ical's text byte for byte.
class IcalExporter {
  public:
    /// Prepares to export `events` (which must outlive the exporter), stamped with `now`.
    IcalExporter(const std::vector<Event>& events, Instant now);
    ~IcalExporter();
    IcalExporter(const IcalExporter&) = delete;
    IcalExporter& operator=(const IcalExporter&) = delete;
    /// Notes the next event's uid, or once every uid is noted, the zones and the override of the
    /// next event; false once everything is noted.
    bool note_next();
    /// Appends the next part (the head with every VTIMEZONE, one event, the tail) to `out`,
    /// noting what is left to note first; false once everything is written.
    bool write_next(std::string& out);
    /// Frees one piece of what the exporter holds (after writing); false once nothing is left.
    bool release_next();

  private:
    struct State;
    std::unique_ptr<State> state_;
};

/// The sentence appended to DESCRIPTION for a year/month/none precision date (import strips it).
std::string precision_note(Precision p);

/// RFC 5545 TEXT escaping: backslash, semicolon, comma and newline.
std::string ical_escape_text(std::string_view text);

/// One content line folded to physical lines of at most 75 octets, each ending in CRLF.
std::string ical_fold(std::string_view line);

}  // namespace herald
