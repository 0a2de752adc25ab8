// validate() of core/event.hpp.
#include <algorithm>
#include <cstdio>
#include <string>

#include "core/errors.hpp"
#include "core/event.hpp"
#include "core/recurrence.hpp"

// validate() lives apart from the rest of the model because it needs libical (RRULE checks):
// the client links the model without it (client/CMakeLists.txt).
namespace herald {
namespace {

/// The first character of `s` a text field may not hold, as "U+XXXX (what)", or "" when none.
/// Why more than ASCII controls: C1 controls (U+0080-U+009F, such as CSI U+009B), the bidi
/// embeddings, overrides and isolates and the Unicode line separators reach other users'
/// terminals and can retitle them or reorder what they read. Multi-line fields keep newline, tab
/// and the line separators.
std::string forbidden_char(std::string_view s, bool multiline) {
    auto name = [](unsigned c, const char* what) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "U+%04X", c);
        return std::string(hex) + " (" + what + ")";
    };
    for (size_t i = 0; i < s.size(); ++i) {
        auto u = static_cast<unsigned char>(s[i]);
        if (u < 0x20 || u == 0x7f) {
            if (multiline && (u == '\n' || u == '\t' || u == '\r')) continue;
            return name(u, "a control character");
        }
        auto next = [&](size_t k) -> unsigned {
            return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u;
        };
        if (u == 0xC2 && next(1) >= 0x80 && next(1) <= 0x9F)
            return name(next(1), "a C1 control character");
        if (u != 0xE2) continue;
        unsigned c = ((u & 0x0Fu) << 12) | ((next(1) & 0x3Fu) << 6) | (next(2) & 0x3Fu);
        if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
            return name(c, "a bidi control");
        if (!multiline && (c == 0x2028 || c == 0x2029)) return name(c, "a line separator");
    }
    return {};
}

bool has_control(std::string_view s, bool allow_newlines) {
    return !forbidden_char(s, allow_newlines).empty();
}

void check_text(std::string_view field, const std::string& value, size_t max, bool multiline) {
    if (value.size() > max)
        throw HeraldError(ErrorCode::too_large,
                          std::string(field) + " is " + std::to_string(value.size()) +
                              " bytes; at most " + std::to_string(max) + " are allowed",
                          std::string(field));
    if (auto bad = forbidden_char(value, multiline); !bad.empty())
        bad_param(std::string(field),
                  std::string(field) + " contains " + bad +
                      (multiline ? "; expected text" : "; expected a single line of text"));
}

void check_caltime(const CalTime& t, std::string_view field) {
    if (!t.tz.empty()) {
        if (!t.timed())
            bad_time(std::string(field) + ".tz",
                     "a time zone applies only to timed values (YYYY-MM-DDTHH:MM); " +
                         std::string(field) + " is a " + std::string(to_string(t.precision)));
        find_zone(t.tz, std::string(field) + ".tz");
    }
    if (t.dated()) {
        date::year_month_day ymd{date::floor<date::days>(t.local)};
        if (!ymd.ok() || ymd.year() < date::year{1} || ymd.year() > date::year{9999})
            bad_time(std::string(field), std::string(field) + " is outside the years 0001-9999");
    }
}

/// An EXDATE/RDATE: a day, or a time when the event is timed; the event must have a day or a time.
void check_instance_date(const CalTime& d, const CalTime& start, const char* field) {
    check_caltime(d, field);
    if (start.precision != Precision::day && start.precision != Precision::minute)
        bad_param(field,
                  std::string(field) + " apply only to an event whose start has a day or a time");
    if (d.precision != Precision::day && d.precision != Precision::minute)
        bad_time(field, std::string(field) + " must be dates (YYYY-MM-DD) or date-times, not " +
                            std::string(to_string(d.precision)) + " values");
    if (d.timed() && !start.timed())
        bad_time(field, std::string(field) +
                            " of an all-day event must be dates (YYYY-MM-DD), got " +
                            format_caltime(d));
}

}  // namespace

std::string forbidden_text_char(std::string_view s, bool multiline) {
    return forbidden_char(s, multiline);
}

void validate(const Event& e, const EventLimits& limits) {
    // An empty title is kept: an imported VEVENT without SUMMARY has none, and inventing one
    // ("(no title)") would be exported back as if the user had written it.
    check_text("title", e.title, limits.max_title, false);
    // Why spaces are allowed: RFC 5545 UIDs are any text, and files in the wild use them.
    if (e.uid.empty() || e.uid.size() > 255 || has_control(e.uid, false))
        bad_param("uid", "uid must be 1-255 printable characters");
    check_text("description", e.description, limits.max_text, true);
    check_text("source", e.source, limits.max_text, true);
    check_text("location", e.location, limits.max_title, false);
    check_text("url", e.url, limits.max_title, false);
    check_text("calendar", e.calendar, 64, false);
    if (e.ical_extra.size() > limits.max_ical_extra)
        bad_param("ical_extra", "the iCalendar properties Herald keeps unmodelled exceed " +
                                    std::to_string(limits.max_ical_extra) + " bytes");
    if (!e.url.empty() && e.url.find(':') == std::string::npos)
        bad_param("url", "url must be absolute, such as https://example.org/page");
    if (e.categories.size() > limits.max_categories)
        throw HeraldError(
            ErrorCode::too_large,
            "at most " + std::to_string(limits.max_categories) + " categories are allowed",
            "categories");
    for (const auto& c : e.categories) {
        if (c.empty()) bad_param("categories", "a category is empty; expected a non-empty word");
        check_text("categories", c, 128, false);
    }
    check_caltime(e.start, "start");
    if (e.end) {
        check_caltime(*e.end, "end");
        if (!e.start.dated() || e.start.precision == Precision::year ||
            e.start.precision == Precision::month)
            bad_param("end", "an end applies only to a start with a day or a time");
        if (e.end->precision != e.start.precision)
            bad_param("end", "end must be of the same kind as start (" +
                                 std::string(to_string(e.start.precision)) + " precision)");
        auto zone = date::locate_zone("UTC");
        if (span_of(*e.end, zone).begin < span_of(e.start, zone).begin)
            bad_time("end", "end " + format_caltime(*e.end) + " is before start " +
                                format_caltime(e.start));
    }
    if (e.duration) {
        if (e.end) bad_param("duration", "give either end or duration, not both");
        if (e.duration->negative && !e.duration->zero())
            bad_param("duration", "duration must not be negative");
        if (!e.start.timed())
            bad_param("duration", "duration applies only to timed events; use end for dates");
    }
    if (!e.rrule.empty()) {
        if (e.start.precision != Precision::day && e.start.precision != Precision::minute)
            bad_param("rrule", "a repeating event needs a start with a day or a time");
        check_text("rrule", e.rrule, 1024, false);
        validate_rrule(e.rrule, e.start);
    }
    for (const auto& d : e.exdates) check_instance_date(d, e.start, "exdates");
    for (const auto& d : e.rdates) {
        check_instance_date(d, e.start, "rdates");
        // Why: start is the first instance (it anchors anniversaries and the window index).
        if (d.local < e.start.local)
            bad_time("rdates",
                     "rdate " + format_caltime(d) + " is before start " + format_caltime(e.start));
    }
    if (e.alarms.size() > limits.max_alarms)
        throw HeraldError(ErrorCode::too_large,
                          "at most " + std::to_string(limits.max_alarms) + " alarms are allowed",
                          "alarms");
}

}  // namespace herald
