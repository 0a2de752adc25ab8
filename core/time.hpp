#pragma once
/// Calendar time as users give it: local date-time with a zone, all-day dates, imprecise dates.
/// Pure functions: no clock reads, no I/O beyond the tz database that date/tz loads.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <date/date.h>
#include <date/tz.h>

namespace herald {

using Seconds = std::chrono::seconds;
/// A UTC instant with second resolution.
using Instant = date::sys_seconds;
/// A wall-clock time with no zone attached.
using LocalTime = date::local_seconds;

/// How precisely an event's date is known.
enum class Precision { none, year, month, day, minute };

/// "none", "year", "month", "day" or "minute".
std::string_view to_string(Precision p);
/// Parses a precision name; nullopt when unknown.
std::optional<Precision> precision_from_string(std::string_view s);

/// A calendar position: a local date-time in a zone, a floating time, a date, a month or a year.
struct CalTime {
    Precision precision = Precision::none;  ///< none = undated ("to be announced")
    LocalTime local{};  ///< wall time; midnight of the first day for day/month/year
    std::string tz;     ///< IANA zone for minute precision; empty = floating (viewer's zone)
    /// The second occurrence of a wall time repeated when the clocks go back (a DST overlap).
    /// Why: RFC 5545 reads a repeated local time as its first occurrence, so the later one has
    /// to be carried; its canonical string carries the offset ("2025-11-02T01:30-05:00").
    bool fold = false;

    bool operator==(const CalTime&) const = default;
    /// True for a timed value (minute precision).
    bool timed() const { return precision == Precision::minute; }
    /// True when the value has a date at all.
    bool dated() const { return precision != Precision::none; }
};

/// Result of parsing an ISO-like input: the calendar value plus an explicit UTC offset if given.
struct ParsedIso {
    CalTime value;
    std::optional<Seconds> offset;  ///< set when the text ended in Z or ±HH:MM
};

/// Parses YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DD[T ]HH:MM[:SS][Z|±HH:MM]; nullopt if not ISO-shaped.
/// Throws HeraldError(invalid_time) for ISO-shaped text naming an impossible date or time.
std::optional<ParsedIso> parse_iso(std::string_view text, std::string_view field = "start");

/// The canonical string of a calendar value ("2022-12-24T14:40", "2025-06-06", "2022-11", "2023").
/// Seconds are printed only when non-zero; a folded time ends in its UTC offset
/// ("2025-11-02T01:30-05:00"). Undated gives "".
std::string format_caltime(const CalTime& t);

/// Looks up an IANA zone or a rule zone (below); throws HeraldError(invalid_time) naming `field`
/// when unknown or malformed.
const date::time_zone* find_zone(std::string_view name, std::string_view field = "tz");

/// Marks a zone given by a POSIX TZ rule instead of an IANA name: "vtimezone:<rule> <name>", such
/// as "vtimezone:<-03>3<-02>,M10.3.0/0,M2.3.0/0 (UTC-03:00) Brasília". Why: a file's VTIMEZONE
/// that matches no IANA zone must still give every instance of a series its own offset; the
/// text carries the rule, so the event keeps its zone wherever its tz string goes (JSON, SQLite).
inline constexpr std::string_view kRuleZonePrefix = "vtimezone:";
/// True when `tz` names a rule zone (starts with kRuleZonePrefix).
bool is_rule_zone(std::string_view tz);
/// The tz text of a rule zone from a POSIX TZ string and a display name (may be empty).
std::string rule_zone_text(std::string_view posix, std::string_view name);
/// What to show for a zone: a rule zone's name (its rule when unnamed), else `tz` itself.
std::string zone_display_name(std::string_view tz);

/// The local time type in force in a zone at an instant.
struct ZoneOffset {
    Seconds offset{0};   ///< UTC offset, east positive
    std::string abbrev;  ///< "CEST", "+0545"
    bool dst = false;    ///< true in daylight saving time
};
/// The zone's offset and abbreviation at `t`. Every offset question in Herald goes through this
/// or local_info: date/tz answers up to the zone's last explicit transition (2037 in Debian's
/// TZif files), the zone's POSIX TZ footer rule after it, so dates up to 9999 get DST right.
ZoneOffset zone_offset_at(const date::time_zone* zone, Instant t);
/// The zone's UTC offset at `t` (zone_offset_at(...).offset).
Seconds utc_offset_at(const date::time_zone* zone, Instant t);

/// The least and greatest UTC offsets `zone` has at any instant of [from, to); nullopt when that
/// takes reading more than `max_periods` periods, or a rule past the zone's explicit transitions
/// (the caller then assumes any offset).
std::optional<std::pair<Seconds, Seconds>> zone_offset_range(const date::time_zone* zone,
                                                             Instant from, Instant to,
                                                             size_t max_periods = 16);

/// How a wall time maps to UTC in a zone.
struct LocalInfo {
    /// unique: one instant; nonexistent: in a gap; ambiguous: in an overlap.
    enum class Kind { unique, nonexistent, ambiguous };
    Kind kind = Kind::unique;
    Seconds first{0};   ///< unique: the offset; otherwise the offset before the transition
    Seconds second{0};  ///< nonexistent/ambiguous: the offset after the transition
};
/// Classifies a wall time in `zone` (date/tz's local_info, footer-aware past the last transition).
LocalInfo local_info(const date::time_zone* zone, LocalTime local);

/// Converts a wall time in `zone` to UTC by RFC 5545 §3.3.5: an ambiguous time is its first
/// occurrence (its second when `fold`); a nonexistent time (in a DST gap) is moved forward by the
/// length of the gap.
Instant resolve_local(LocalTime local, const date::time_zone* zone, bool fold = false);

/// The minute-precision value naming instant `t` in zone `tz` (fold set when `t` is the second
/// occurrence of a repeated wall time), so that resolving it gives `t` back.
CalTime caltime_at(Instant t, const std::string& tz);

/// The UTC instants covering a calendar value as seen by a viewer in `viewer` zone:
/// a timed value is one instant (begin == end), a day/month/year its whole span [begin, end).
struct Span {
    Instant begin;
    Instant end;
};
/// Span of `t` (must be dated); zone-less values are read in `viewer`.
Span span_of(const CalTime& t, const date::time_zone* viewer);

/// The first instant after `t`'s period: next day/month/year start for coarse precisions.
LocalTime period_end(const CalTime& t);

/// Formats an instant as RFC 3339 UTC ("2025-06-06T00:00:00Z").
std::string format_instant(Instant t);
/// Parses an RFC 3339 instant with Z or an offset; throws HeraldError(invalid_time) naming `field`.
Instant parse_instant(std::string_view text, std::string_view field);

/// The local wall time of an instant in a zone.
LocalTime to_local(Instant t, const date::time_zone* zone);
/// The zone's abbreviation at an instant ("JST", "+06", "CEST").
std::string zone_abbrev(Instant t, const date::time_zone* zone);

}  // namespace herald
