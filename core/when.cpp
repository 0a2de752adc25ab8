#include "core/when.hpp"

#include <optional>

#include "core/errors.hpp"
#include "core/when_words.hpp"

namespace herald {
namespace {

using when_detail::unreadable;

/// The ISO reading of `text`; nullopt when it is not ISO ("2025-06-06 9am" is a date plus words,
/// "1430" a time of day).
std::optional<ParsedIso> iso_or_natural(std::string_view text, std::string_view field) {
    if (when_detail::is_bare_hhmm(text)) return std::nullopt;
    try {
        return parse_iso(text, field);
    } catch (const HeraldError&) {
        if (text.size() > 11 && text[10] == ' ' && parse_iso(text.substr(0, 10), field))
            return std::nullopt;
        throw;
    }
}

/// A day and a time of day from words as a timed value in `zone_name`. A time alone that is
/// already past today is tomorrow's when the WHEN is upcoming. Why: "herald add Call --at noon"
/// at 15:00 means the next noon; an event stored in the past would never remind.
CalTime timed_from_words(const when_detail::Parts& p, const WhenContext& ctx,
                         const std::string& zone_name) {
    if (!p.day && ctx.after) {
        CalTime t{Precision::minute, LocalTime{date::floor<date::days>(*ctx.after)} + *p.time,
                  zone_name};
        if (t.local <= *ctx.after) t.local += date::days{1};
        return t;
    }
    auto day = p.day.value_or(date::floor<date::days>(to_local(ctx.now, ctx.viewer)));
    CalTime t{Precision::minute, LocalTime{day} + *p.time, zone_name};
    if (!p.day && ctx.upcoming && resolve_local(t.local, find_zone(zone_name)) < ctx.now)
        t.local += date::days{1};
    return t;
}

}  // namespace

std::string zone_name_of_tz_variable(std::string_view tz) {
    if (tz.starts_with(':')) tz.remove_prefix(1);  // POSIX: ":characters", implementation-defined
    // Why only this directory: it is where Debian's tzdata and date/tz (USE_OS_TZDB) read zones.
    for (std::string_view dir :
         {"/usr/share/zoneinfo/posix/", "/usr/share/zoneinfo/right/", "/usr/share/zoneinfo/"})
        if (tz.starts_with(dir)) return std::string(tz.substr(dir.size()));
    return std::string(tz);
}

std::string_view when_forms() {
    return "a date like 2026-12-20, Dec 20, tomorrow 9:00, +2h (see herald(1) DATES)";
}

CalTime parse_when(std::string_view text, const WhenContext& ctx, std::string_view field) {
    std::string_view trimmed = text;
    while (!trimmed.empty() && trimmed.front() == ' ') trimmed.remove_prefix(1);
    while (!trimmed.empty() && trimmed.back() == ' ') trimmed.remove_suffix(1);
    if (trimmed.empty())
        bad_time(std::string(field), "the date is empty; expected " + std::string(when_forms()));
    const std::string zone_name =
        ctx.event_tz.empty() ? std::string(ctx.viewer->name()) : ctx.event_tz;
    if (auto parsed = iso_or_natural(trimmed, field)) {
        CalTime t = parsed->value;
        if (parsed->offset) {
            Instant instant{t.local.time_since_epoch() - *parsed->offset};
            t = caltime_at(instant, zone_name);  // keeps the later of a repeated hour
        } else if (t.timed()) {
            t.tz = zone_name;
        }
        return t;
    }
    when_detail::Parts p = when_detail::read_words(trimmed, ctx, field);
    if (p.month) {
        if (p.day || p.time || p.instant)
            bad_time(std::string(field), "\"" + std::string(trimmed) +
                                             "\" names a whole month and also a day or a time; "
                                             "give a month (Dec 2026) or a day (Dec 20 2026)");
        return CalTime{Precision::month, LocalTime{date::local_days{*p.month / 1}}, ""};
    }
    if (p.instant) {
        if (p.day || p.time)
            bad_time(std::string(field), "\"" + std::string(trimmed) +
                                             "\" mixes a relative time (+2h, in 3 hours) with a "
                                             "day or a time of day; give one or the other");
        // Kept to the second: "+10s" and "+1m" are that long from now, not cut to a minute.
        return caltime_at(*p.instant, zone_name);
    }
    if (p.time) return timed_from_words(p, ctx, zone_name);
    if (!p.day) unreadable(field, trimmed, trimmed);
    return CalTime{Precision::day, LocalTime{*p.day}, ""};
}

}  // namespace herald
