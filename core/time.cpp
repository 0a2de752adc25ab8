#include "core/time.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>

#include "core/errors.hpp"
#include "core/tz_rule.hpp"

namespace herald {
namespace {

constexpr std::array<std::string_view, 5> kPrecisionNames{"none", "year", "month", "day", "minute"};

/// Reads exactly `n` digits at `pos`; nullopt if any is not a digit.
std::optional<int> digits(std::string_view s, size_t pos, size_t n) {
    if (pos + n > s.size()) return std::nullopt;
    int value = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
        value = value * 10 + (s[i] - '0');
    }
    return value;
}

std::string two(unsigned v) {
    std::string out(2, '0');
    out[0] = static_cast<char>('0' + v / 10 % 10);
    out[1] = static_cast<char>('0' + v % 10);
    return out;
}

/// Writes the last `width` decimal digits of `v` at `out`.
void put_digits(char* out, int width, unsigned v) {
    for (int i = width - 1; i >= 0; --i, v /= 10) out[i] = static_cast<char>('0' + v % 10);
}

std::string year4(int y) {
    std::string s = std::to_string(y);
    return std::string(s.size() < 4 ? 4 - s.size() : 0, '0') + s;
}

const char* kIsoForms =
    "expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS] with an optional Z or ±HH:MM";

/// Parses the optional trailing zone designator; returns the offset and advances `pos`.
std::optional<Seconds> parse_offset(std::string_view s, size_t& pos, std::string_view field) {
    if (pos == s.size()) return std::nullopt;
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
        return Seconds{0};
    }
    if (s[pos] != '+' && s[pos] != '-') bad_time(std::string(field), std::string(kIsoForms));
    int sign = s[pos] == '-' ? -1 : 1;
    auto hh = digits(s, pos + 1, 2);
    size_t mm_pos = pos + 3;
    if (mm_pos < s.size() && s[mm_pos] == ':') ++mm_pos;
    auto mm = digits(s, mm_pos, 2);
    if (!hh || !mm || *hh > 14 || *mm > 59)
        bad_time(std::string(field), "bad UTC offset in '" + std::string(s) + "': expected ±HH:MM");
    pos = mm_pos + 2;
    return Seconds{sign * (*hh * 3600 + *mm * 60)};
}

}  // namespace

std::string_view to_string(Precision p) {
    return kPrecisionNames[static_cast<size_t>(p)];
}

std::optional<Precision> precision_from_string(std::string_view s) {
    for (size_t i = 0; i < kPrecisionNames.size(); ++i)
        if (kPrecisionNames[i] == s) return static_cast<Precision>(i);
    return std::nullopt;
}

std::optional<ParsedIso> parse_iso(std::string_view s, std::string_view field) {
    auto y = digits(s, 0, 4);
    if (!y || (s.size() > 4 && s[4] != '-')) return std::nullopt;
    const std::string f(field);
    const std::string quoted = "'" + std::string(s) + "'";
    if (*y < 1) bad_time(f, "year 0000 in " + quoted + " is out of range (0001-9999)");
    ParsedIso out;
    out.value.precision = Precision::year;
    date::year_month_day ymd{date::year{*y}, date::January, date::day{1}};
    if (s.size() == 4) {
        out.value.local = LocalTime{date::local_days{ymd}};
        return out;
    }
    auto mo = digits(s, 5, 2);
    if (!mo) bad_time(f, "cannot read the month in " + quoted + ": " + kIsoForms);
    if (*mo < 1 || *mo > 12)
        bad_time(f, "month " + two(static_cast<unsigned>(*mo)) + " in " + quoted +
                        " does not exist (01-12)");
    ymd = date::year{*y} / date::month{static_cast<unsigned>(*mo)} / 1;
    out.value.precision = Precision::month;
    if (s.size() == 7) {
        out.value.local = LocalTime{date::local_days{ymd}};
        return out;
    }
    auto d = digits(s, 8, 2);
    if (s[7] != '-' || !d) bad_time(f, "cannot read the day in " + quoted + ": " + kIsoForms);
    ymd = date::year{*y} / date::month{static_cast<unsigned>(*mo)} /
          date::day{static_cast<unsigned>(*d)};
    if (!ymd.ok())
        bad_time(f, "impossible date " + quoted + ": " +
                        date::format("%B %Y", ymd.year() / ymd.month()) + " has " +
                        std::to_string(
                            static_cast<unsigned>((ymd.year() / ymd.month() / date::last).day())) +
                        " days");
    out.value.precision = Precision::day;
    out.value.local = LocalTime{date::local_days{ymd}};
    if (s.size() == 10) return out;
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
        bad_time(f, "unexpected text after the date in " + quoted + ": " + kIsoForms);
    auto hh = digits(s, 11, 2);
    auto mi = digits(s, 14, 2);
    if (!hh || !mi || s.size() < 16 || s[13] != ':')
        bad_time(f, "cannot read the time in " + quoted + ": expected HH:MM or HH:MM:SS");
    int ss = 0;
    size_t pos = 16;
    if (pos < s.size() && s[pos] == ':') {
        auto sec = digits(s, pos + 1, 2);
        if (!sec) bad_time(f, "cannot read the seconds in " + quoted + ": expected HH:MM:SS");
        ss = *sec;
        pos += 3;
    }
    if (*hh > 23 || *mi > 59 || ss > 59)
        bad_time(f, "impossible time of day in " + quoted + ": expected 00:00 to 23:59:59");
    out.offset = parse_offset(s, pos, field);
    if (pos != s.size()) bad_time(f, "unexpected text at the end of " + quoted + ": " + kIsoForms);
    out.value.precision = Precision::minute;
    out.value.local += std::chrono::hours{*hh} + std::chrono::minutes{*mi} + Seconds{ss};
    return out;
}

namespace {

/// "-05:00": the offset a folded value carries in its canonical string.
std::string offset_suffix(const CalTime& t) {
    if (!t.fold || !t.timed() || t.tz.empty()) return {};
    const Seconds off = local_info(find_zone(t.tz), t.local).second;
    const auto v = std::chrono::abs(off).count();
    return (off.count() < 0 ? "-" : "+") + two(static_cast<unsigned>(v / 3600)) + ":" +
           two(static_cast<unsigned>(v % 3600 / 60));
}

/// format_caltime without the offset of a folded value.
std::string format_wall(const CalTime& t) {
    if (!t.dated()) return {};
    auto days = date::floor<date::days>(t.local);
    date::year_month_day ymd{days};
    int y = static_cast<int>(ymd.year());
    if (y < 0 || y > 9999) {  // outside what an event may hold; the general form
        std::string out = year4(y);
        if (t.precision == Precision::year) return out;
        out += "-" + two(static_cast<unsigned>(ymd.month()));
        if (t.precision == Precision::month) return out;
        out += "-" + two(static_cast<unsigned>(ymd.day()));
        if (t.precision == Precision::day) return out;
        date::hh_mm_ss hms{t.local - days};
        out += "T" + two(static_cast<unsigned>(hms.hours().count())) + ":" +
               two(static_cast<unsigned>(hms.minutes().count()));
        if (hms.seconds().count() != 0)
            out += ":" + two(static_cast<unsigned>(hms.seconds().count()));
        return out;
    }
    // Why by hand into a buffer: listings format several of these per row.
    char buf[20] = "0000-00-00T00:00:00";
    put_digits(buf, 4, static_cast<unsigned>(y));
    if (t.precision == Precision::year) return {buf, 4};
    put_digits(buf + 5, 2, static_cast<unsigned>(ymd.month()));
    if (t.precision == Precision::month) return {buf, 7};
    put_digits(buf + 8, 2, static_cast<unsigned>(ymd.day()));
    if (t.precision == Precision::day) return {buf, 10};
    date::hh_mm_ss hms{t.local - days};
    put_digits(buf + 11, 2, static_cast<unsigned>(hms.hours().count()));
    put_digits(buf + 14, 2, static_cast<unsigned>(hms.minutes().count()));
    if (hms.seconds().count() == 0) return {buf, 16};
    put_digits(buf + 17, 2, static_cast<unsigned>(hms.seconds().count()));
    return {buf, 19};
}

}  // namespace

std::string format_caltime(const CalTime& t) {
    if (t.fold) return format_wall(t) + offset_suffix(t);
    return format_wall(t);
}

const date::time_zone* find_zone(std::string_view name, std::string_view field) {
    if (is_rule_zone(name)) return find_rule_zone(name, field);
    try {
        return date::locate_zone(name);
    } catch (const std::runtime_error&) {
        bad_time(std::string(field), "unknown time zone '" + std::string(name) +
                                         "': expected an IANA zone name such as Asia/Tokyo or UTC");
    }
}

Instant resolve_local(LocalTime local, const date::time_zone* zone, bool fold) {
    auto info = local_info(zone, local);
    if (fold && info.kind == LocalInfo::Kind::ambiguous)
        return Instant{local.time_since_epoch() - info.second};
    // unique: the only offset. ambiguous: first occurrence = the earlier (pre-transition) offset.
    // nonexistent: RFC 5545 moves the time forward by the gap, which is the same as reading it
    // with the offset in force before the transition.
    return Instant{local.time_since_epoch() - info.first};
}

CalTime caltime_at(Instant t, const std::string& tz) {
    const date::time_zone* zone = find_zone(tz, "tz");
    CalTime out{Precision::minute, to_local(t, zone), tz};
    // The later of two equal wall times: only a fold says so.
    out.fold = resolve_local(out.local, zone) != t;
    return out;
}

LocalTime period_end(const CalTime& t) {
    auto days = date::floor<date::days>(t.local);
    date::year_month_day ymd{days};
    switch (t.precision) {
        case Precision::day:
            return LocalTime{days + date::days{1}};
        case Precision::month:
            return LocalTime{date::local_days{ymd.year() / ymd.month() / 1 + date::months{1}}};
        case Precision::year:
            return LocalTime{date::local_days{(ymd.year() + date::years{1}) / 1 / 1}};
        default:
            return t.local;
    }
}

Span span_of(const CalTime& t, const date::time_zone* viewer) {
    const date::time_zone* zone = t.tz.empty() ? viewer : find_zone(t.tz);
    Instant begin = resolve_local(t.local, zone, t.fold);
    if (t.timed()) return {begin, begin};
    return {begin, resolve_local(period_end(t), zone)};
}

std::string format_instant(Instant t) {
    // Why by hand: date::format goes through iostreams and locales, and the agenda formats
    // several instants per listed occurrence.
    auto days = date::floor<date::days>(t);
    date::year_month_day ymd{days};
    date::hh_mm_ss hms{t - days};
    int y = static_cast<int>(ymd.year());
    if (y < 0 || y > 9999) return date::format("%Y-%m-%dT%H:%M:%SZ", t);
    char buf[21] = "0000-00-00T00:00:00Z";
    put_digits(buf, 4, static_cast<unsigned>(y));
    put_digits(buf + 5, 2, static_cast<unsigned>(ymd.month()));
    put_digits(buf + 8, 2, static_cast<unsigned>(ymd.day()));
    put_digits(buf + 11, 2, static_cast<unsigned>(hms.hours().count()));
    put_digits(buf + 14, 2, static_cast<unsigned>(hms.minutes().count()));
    put_digits(buf + 17, 2, static_cast<unsigned>(hms.seconds().count()));
    return {buf, 20};
}

Instant parse_instant(std::string_view text, std::string_view field) {
    auto parsed = parse_iso(text, field);
    if (!parsed || !parsed->value.timed() || !parsed->offset)
        bad_time(std::string(field),
                 "expected an RFC 3339 instant such as 2025-06-06T09:00:00Z, got '" +
                     std::string(text) + "'");
    return Instant{parsed->value.local.time_since_epoch() - *parsed->offset};
}

LocalTime to_local(Instant t, const date::time_zone* zone) {
    return LocalTime{(t + utc_offset_at(zone, t)).time_since_epoch()};
}

std::string zone_abbrev(Instant t, const date::time_zone* zone) {
    return zone_offset_at(zone, t).abbrev;
}

}  // namespace herald
