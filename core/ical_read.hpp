#pragma once
/// Reads one VEVENT into an event, liberally: a bad non-essential part is repaired or dropped
/// with one warning naming its line and what was dropped; only a start that cannot be read at
/// all loses the event. Used by import_ical (ical_import.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/ical_lines.hpp"
#include "core/ical_scan.hpp"
#include "core/ical_zones.hpp"

namespace herald {

/// One VEVENT as read: the event, its RECURRENCE-ID (an override) and what orders its versions.
struct IcalRead {
    Event event;
    std::optional<CalTime> rid;
    int64_t sequence = 0;  ///< SEQUENCE
    Instant stamp{};       ///< the later of DTSTAMP and LAST-MODIFIED
    bool derived_uid = false;
};

/// What the events of one file share.
struct IcalFile {
    TzidResolver& zones;
    std::string floating_zone;  ///< IANA zone of X-WR-TIMEZONE for floating times; "" = none
    EventLimits limits;
};

/// `t` (an EXDATE, RDATE or RECURRENCE-ID) the way the event starting at `start` keeps its
/// instances: a date for an all-day event, else a time in the event's zone (floating for a
/// floating event).
CalTime in_zone_of(const CalTime& t, const CalTime& start);

/// Reads the VEVENT whose unfolded lines are `lines`, appending a warning per repaired or dropped
/// part to `warnings` (uid filled in). Throws HeraldError when the event cannot be kept.
IcalRead read_vevent(const std::vector<IcalLine>& lines, IcalFile& file,
                     std::vector<IcalProblem>& warnings);

}  // namespace herald
