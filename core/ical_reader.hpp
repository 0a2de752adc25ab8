#pragma once
/// The VEVENT reader behind read_vevent (core/ical_read.hpp), internal to core/ical_read*.cpp and
/// split along its phases: warnings, libical's errors and the UID (ical_read.cpp); properties,
/// Herald's X- properties and precision (ical_read_properties.cpp); times and zones
/// (ical_read_times.cpp); recurrence and alarms (ical_read_series.cpp).

#include <libical/ical.h>

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/duration.hpp"
#include "core/ical_read.hpp"

namespace herald::ical_read_detail {

/// `s` as a string ("" for null, as libical returns for a missing value).
std::string text_of(const char* s);
/// A libical duration with its nominal (weeks, days) and exact parts kept apart.
Duration duration_of(const icaldurationtype& d);
/// Replaces line breaks and other control characters of a one-line text; true when it did.
bool make_one_line(std::string& s, std::string_view joint);

/// Reads one parsed VEVENT; `lines` are its content lines as written (for line numbers).
class Reader {
  public:
    /// A reader of the component whose content lines are `lines`, warning into `warnings`.
    Reader(const std::vector<IcalLine>& lines, IcalFile& file, std::vector<IcalProblem>& warnings)
        : lines_(lines), file_(file), warnings_(warnings) {}
    /// The event of the parsed component `c`, its phases in order.
    IcalRead read(icalcomponent* c);

  private:
    // ical_read.cpp: warnings, libical's errors, the UID.
    /// Adds a warning about the `nth` occurrence (0-based) of property `prop`.
    void warn(const std::string& prop, std::string reason, size_t nth = 0);
    [[noreturn]] static void lost(const std::string& prop, const std::string& reason);
    void libical_errors(icalcomponent* c);
    void read_uid(icalcomponent* c, IcalRead& r);
    // ical_read_properties.cpp: text and status properties, Herald's X- properties, precision.
    void read_properties(icalcomponent* c, IcalRead& r);
    /// Herald's own X- properties (ical_export.hpp).
    void read_herald_x(icalproperty* p, Event& e);
    void apply_precision(icalcomponent* c, Event& e);
    // ical_read_times.cpp: DTSTART, DTEND or DURATION, and the zones they name.
    /// The years the event's instances fall in, from DTSTART and the RRULE's UNTIL (open series:
    /// TzidResolver checks them from their start on).
    void event_years(icalcomponent* c, icaltimetype start);
    /// A calendar value from a property's time, in the zone its TZID names.
    CalTime caltime(icalproperty* p, icaltimetype tt, const std::string& field);
    void zone_for(const std::string& tzid, const std::string& field, CalTime& t);
    /// Herald writes the later of a repeated wall time in UTC (ical_export.hpp); X-HERALD-TZ
    /// names the event's zone so the start (and end) go back to it, fold and all.
    void rezone(Event& e);
    void read_times(icalcomponent* c, Event& e);
    /// DTEND `t` against the start, read the way python-icalendar and khal read odd pairs.
    void read_end(Event& e, CalTime t);
    // ical_read_series.cpp: RECURRENCE-ID, RRULE, EXDATE, RDATE and VALARMs.
    void read_recurrence(icalcomponent* c, Event& e, std::optional<CalTime>& rid);
    /// RFC 5545 lets an RDATE come before DTSTART; Herald's start is the first instance, so a
    /// single series (no RRULE) starts at its earliest RDATE and keeps DTSTART as an RDATE.
    void move_start_to_first_rdate(Event& e);
    void read_alarms(icalcomponent* c, Event& e);
    void add_alarm(Event& e, icalproperty* trig, icalproperty* acknowledged);

    const std::vector<IcalLine>& lines_;
    IcalFile& file_;
    std::vector<IcalProblem>& warnings_;
    std::pair<int, int> years_{2010, 2030};
    std::set<std::string> noted_;  ///< TZIDs already warned about for this event
    std::string herald_tz_;        ///< X-HERALD-TZ of the component being read
    size_t alarm_n_ = 0;
};

}  // namespace herald::ical_read_detail
