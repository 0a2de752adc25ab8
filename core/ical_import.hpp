#pragma once
/// iCalendar (RFC 5545) import: text → events, with one problem per bad component.
/// Pure: parses text it is given; zones come from the tz database and the file's VTIMEZONEs.
///
/// Mapping (docs/protocol.md "calendar.import"):
/// - DTSTART/DTEND/DURATION: DATE → all-day (our end is the last day, inclusive: DTEND − 1 day);
///   date-time with TZID → local time in the IANA zone the TZID resolves to (ical_zones.hpp);
///   "Z" → zone UTC; neither → floating.
/// - RECURRENCE-ID overrides become an EXDATE on the master plus their own event with uid
///   "<uid>#<recurrence-id>" (recurrence id as YYYYMMDD or YYYYMMDDTHHMMSS in the master's zone);
///   ical_export.hpp turns them back into RECURRENCE-ID components.
/// - Liberal reading (ical_read.hpp): a bad non-essential property is repaired or dropped with a
///   warning; an event is lost (an error) only when its start cannot be read. A VEVENT without
///   UID gets one derived from its content; of two versions of one UID the higher SEQUENCE
///   (then the later DTSTAMP/LAST-MODIFIED) wins. X-WR-TIMEZONE zones floating times.
/// - X-HERALD-PRECISION year/month/none makes the date imprecise (DTSTART's year / month; none =
///   undated) and drops the placeholder DTEND and the note the exporter added to DESCRIPTION.

#include <memory>
#include <string_view>
#include <vector>

#include "core/event.hpp"
#include "core/ical_scan.hpp"

namespace herald {

/// Limits and defaults of an import.
struct IcalImportOptions {
    IcalScanLimits scan;
    EventLimits limits;
};

/// The events that could be read (with the line each began at), one problem per lost component
/// and one warning per repaired or dropped part.
struct IcalImport {
    std::vector<Event> events;
    std::vector<size_t> lines;          ///< lines[i] is the BEGIN line of events[i]
    std::vector<IcalProblem> problems;  ///< components lost (errors)
    size_t problems_dropped = 0;        ///< problems beyond the listing limit
    std::vector<IcalProblem> warnings;  ///< parts dropped or repaired; the events were kept
    size_t warnings_dropped = 0;        ///< warnings beyond the listing limit
    size_t components = 0;              ///< VEVENTs seen (good and bad)
    size_t skipped = 0;                 ///< other components (VTODO, VJOURNAL, ...) not imported
};

/// import_ical in steps, so that a caller serving others between steps (heraldd's sliced import)
/// is never held by a big file. Phases: scan the text, read its zones, read each component
/// resolve versions and overrides, keep the valid events; all in steps. The text must outlive the
/// importer.
class IcalImporter {
  public:
    /// Prepares to import `text`.
    IcalImporter(std::string_view text, const IcalImportOptions& options = {});
    ~IcalImporter();
    IcalImporter(const IcalImporter&) = delete;
    IcalImporter& operator=(const IcalImporter&) = delete;
    /// Does one small piece of work (well under a millisecond); true once finish() may be called.
    /// Throws as import_ical does when the text is not iCalendar.
    bool step();
    /// The import; call once, after step() returned true.
    IcalImport finish();

  private:
    enum class Phase;
    struct State;
    /// Checks the scanned text is iCalendar and reads its zones (phases 1-2).
    void finish_scan();
    /// Runs the current pass of phases 4-5 on component `i`.
    void resolve(size_t i);
    std::unique_ptr<State> s_;
};

/// Reads every VEVENT of `text`. Throws HeraldError(invalid_params, field "ics") only when the
/// text is not iCalendar at all (neither BEGIN:VCALENDAR nor BEGIN:VEVENT); anything else is a
/// per-component problem or warning.
IcalImport import_ical(std::string_view text, const IcalImportOptions& options = {});

}  // namespace herald
