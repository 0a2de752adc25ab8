#include "core/countdown.hpp"

#include "core/anniversary.hpp"

namespace herald {
namespace {

/// The zone an occurrence's date is read in: the event's own zone, or the viewer's for
/// all-day and floating events.
const date::time_zone* zone_of(const Occurrence& occ, const date::time_zone* viewer) {
    return occ.event->start.tz.empty() ? viewer : find_zone(occ.event->start.tz);
}

}  // namespace

int64_t days_until(const Occurrence& occ, Instant now, const date::time_zone* viewer) {
    auto target = date::floor<date::days>(to_local(std::max(occ.begin, now), viewer));
    auto today = date::floor<date::days>(to_local(now, viewer));
    return (target - today).count();
}

std::string countdown_text(const Occurrence& occ, Instant now, const date::time_zone* viewer) {
    std::string title = expand_title(occ.event->title, occ.event->start, occ.start).title;
    const int64_t days = days_until(occ, now, viewer);
    std::string when = days == 0   ? "today"
                       : days == 1 ? "tomorrow"
                                   : std::to_string(days) + " days";
    if (occ.begin <= now && occ.end > now) when = "now";
    auto day = date::floor<date::days>(occ.start.local);
    std::string text = title + ": " + when + ", " + date::format("%A %Y-%m-%d", day);
    if (occ.event->start.timed()) {
        const auto* zone = zone_of(occ, viewer);
        text +=
            date::format(" %H:%M ", date::floor<std::chrono::minutes>(to_local(occ.begin, zone))) +
            zone_abbrev(occ.begin, zone);
    }
    return text;
}

}  // namespace herald
