#pragma once
/// User input for "when": ISO forms and natural ones (Dec 20, tomorrow 9am, 3 days ago) resolved
/// against a given "now".

#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace herald {

/// Everything parse_when needs besides the text: the moment and the zones.
struct WhenContext {
    Instant now{};                            ///< the moment the user typed the input
    const date::time_zone* viewer = nullptr;  ///< the user's zone: relative forms resolve here
    std::string event_tz;                     ///< zone for timed results (empty = viewer's zone)
    /// True for a WHEN that names something to come (add, edit, snooze until): a time of day
    /// alone already past is tomorrow's, a day and month without a year the next such day.
    /// False for a window's bounds (list --from, missed --since): today's, this year's.
    bool upcoming = true;
    /// Set for an end read after its start (the start's wall time): a time of day alone is the
    /// first such wall time after it ("--at 'Dec 20 9:00' --end 10:00" ends that day, an end at
    /// 01:00 after a 23:00 start the next morning).
    std::optional<LocalTime> after{};
};

/// Parses a WHEN argument (herald(1) DATES) into a calendar value; throws one short line,
/// HeraldError(invalid_time) naming `field`, the part it could not read and the usual forms.
CalTime parse_when(std::string_view text, const WhenContext& ctx, std::string_view field = "when");

/// The zone name in a TZ variable as glibc reads it: ":Asia/Tokyo",
/// "/usr/share/zoneinfo/Asia/Tokyo" and ":/usr/share/zoneinfo/posix/Asia/Tokyo" are "Asia/Tokyo";
/// other text is returned unchanged.
std::string zone_name_of_tz_variable(std::string_view tz);

/// The usual forms in a few words, for error texts (herald(1) DATES has them all).
std::string_view when_forms();

}  // namespace herald
