#pragma once
/// POSIX TZ strings as found in the footer of TZif v2+ files (RFC 8536 §3.3): parsing, and the
/// offset they give at any instant. Pure computation: the caller supplies the text or file bytes.

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace herald {

/// The day a DST change happens in a year: Mm.w.d, Jn or n, with its local time.
struct TzRuleDate {
    /// month_week_day = Mm.w.d; julian = Jn (1-365, 29 February never counted); day_of_year = n
    /// (0-365).
    enum class Kind { month_week_day, julian, day_of_year };
    Kind kind = Kind::month_week_day;
    int month = 0;       ///< 1-12 for Mm.w.d
    int week = 0;        ///< 1-5 for Mm.w.d; 5 = the last such weekday of the month
    int weekday = 0;     ///< 0 (Sunday) - 6 for Mm.w.d
    int day = 0;         ///< n of Jn or n
    Seconds time{7200};  ///< local time of the change; RFC 8536 allows -167 h to 167 h

    bool operator==(const TzRuleDate&) const = default;
};

/// A parsed POSIX TZ string. Offsets are UTC offsets (east positive), the opposite of POSIX's sign.
struct TzRule {
    std::string std_abbrev;  ///< "CET", "+0545" (quotes of the <...> form removed)
    Seconds std_offset{0};   ///< standard time's UTC offset
    std::string dst_abbrev;  ///< empty when the zone has no DST
    Seconds dst_offset{0};   ///< DST's UTC offset (std + 1 h unless given)
    TzRuleDate dst_start;    ///< when DST begins (time read in standard time)
    TzRuleDate dst_end;      ///< when DST ends (time read in DST)

    /// True when the rule has a DST part.
    bool has_dst() const { return !dst_abbrev.empty(); }
    bool operator==(const TzRule&) const = default;
};

/// The local time type a rule gives at an instant.
struct TzState {
    Seconds offset{0};   ///< UTC offset
    std::string abbrev;  ///< zone abbreviation
    bool dst = false;    ///< true in daylight saving time
};

/// One change of local time type computed from a rule.
struct TzTransition {
    Instant at;           ///< the UTC instant of the change
    bool to_dst = false;  ///< true when DST begins here, false when it ends
};

/// Parses a POSIX TZ string ("CET-1CEST,M3.5.0,M10.5.0/3", "<+0545>-5:45").
/// Throws HeraldError(invalid_time) naming `field` and what was expected.
TzRule parse_tz_rule(std::string_view text, std::string_view field = "tz");

/// The canonical POSIX TZ string of a rule, which parse_tz_rule reads back into the same rule
/// ("<-03>3<-02>,M10.3.0/0,M2.3.0/0"); names that are not 3+ letters are written as <...>.
std::string format_tz_rule(const TzRule& rule);

/// The two DST changes of `year` (start and end, in time order); nullopt without DST.
std::optional<std::array<TzTransition, 2>> tz_transitions(const TzRule& rule, int year);

/// The local time type `rule` gives at instant `t`.
TzState tz_state_at(const TzRule& rule, Instant t);

/// The zone of a rule zone's tz text ("vtimezone:<rule> <name>", time.hpp), made once per text
/// and kept for the process (like date/tz's zones). Throws HeraldError(invalid_time) naming
/// `field` when the rule or the name is malformed. Only Herald's time functions may be asked
/// about it: date/tz's own get_info would look for a zone file of that name.
const date::time_zone* find_rule_zone(std::string_view text, std::string_view field = "tz");
/// The rule of a zone made by find_rule_zone; nullptr for an IANA zone.
const TzRule* rule_of_zone(const date::time_zone* zone);

/// The TZ string footer of a TZif file's bytes: "" for a v1 file or an empty footer; nullopt
/// when the bytes are not a well-formed TZif file.
std::optional<std::string> tzif_footer(std::string_view bytes);

/// Reads the footer of the system's TZif file for an IANA zone name (the same files date/tz
/// reads); nullopt when the file cannot be read or is malformed. The only I/O in this header.
std::optional<std::string> read_zone_footer(std::string_view zone_name);

}  // namespace herald
