#include "core/when.hpp"

#include <array>
#include <cctype>
#include <optional>
#include <vector>

#include "core/errors.hpp"

namespace herald {
namespace {

constexpr std::array<std::string_view, 7> kWeekdays{"sunday",   "monday", "tuesday", "wednesday",
                                                    "thursday", "friday", "saturday"};

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string> split(std::string_view s) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == ' ' || c == '\t') {
            if (!cur.empty()) out.push_back(cur), cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

/// "fri", "friday", "Fri." → weekday; nullopt otherwise.
std::optional<date::weekday> weekday_of(std::string w) {
    if (!w.empty() && w.back() == '.') w.pop_back();
    if (w.size() < 3) return std::nullopt;
    for (unsigned i = 0; i < kWeekdays.size(); ++i)
        if (kWeekdays[i].substr(0, w.size()) == w) return date::weekday{i};
    return std::nullopt;
}

std::optional<int> number(std::string_view s) {
    if (s.empty() || s.size() > 6) return std::nullopt;
    int v = 0;
    for (char c : s) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

/// A time of day in minutes: noon, midnight, 14:00, 9am, 9:30pm, 9.30pm; nullopt when not one.
std::optional<int> time_of_day(std::string t) {
    if (t == "noon") return 12 * 60;
    if (t == "midnight") return 0;
    int add = -1;
    if (t.size() > 2 && (t.ends_with("am") || t.ends_with("pm"))) {
        add = t.ends_with("pm") ? 12 * 60 : 0;
        t.resize(t.size() - 2);
    }
    size_t sep = t.find_first_of(":.");
    auto h = number(t.substr(0, sep));
    auto m = sep == std::string::npos ? std::optional<int>(0) : number(t.substr(sep + 1));
    if (!h || !m || *m > 59 || (sep != std::string::npos && t.size() - sep - 1 != 2))
        return std::nullopt;
    if (add >= 0) {  // 12-hour clock: 12am is midnight, 12pm is noon
        if (*h < 1 || *h > 12) return std::nullopt;
        return (*h % 12) * 60 + add + *m;
    }
    if (sep == std::string::npos || *h > 23) return std::nullopt;  // a bare number is not a time
    return *h * 60 + *m;
}

enum class Unit { minute, hour, day, week, month, year };

std::optional<Unit> unit_of(std::string u) {
    if (u.size() > 1 && u.back() == 's' && u != "s") u.pop_back();
    if (u == "m" || u == "min" || u == "minute") return Unit::minute;
    if (u == "h" || u == "hr" || u == "hour") return Unit::hour;
    if (u == "d" || u == "day") return Unit::day;
    if (u == "w" || u == "wk" || u == "week") return Unit::week;
    if (u == "mo" || u == "month") return Unit::month;
    if (u == "y" || u == "yr" || u == "year") return Unit::year;
    return std::nullopt;
}

/// What the words said so far.
struct Parts {
    std::optional<date::local_days> day;
    std::optional<int> minutes;      ///< time of day
    std::optional<Instant> instant;  ///< +2h / in 3 hours
};

[[noreturn]] void unreadable(std::string_view field, std::string_view text, std::string_view part) {
    bad_time(std::string(field), "cannot read '" + std::string(part) + "' in '" +
                                     std::string(text) + "'; expected " +
                                     std::string(when_forms()));
}

/// Sets `slot` once. Why: "tomorrow 9am 10am" or "noon midnight" contradicts itself, and
/// silently taking the last word would store a time the user did not mean.
template <class T>
void set_once(std::optional<T>& slot, T value, std::string_view what, std::string_view field,
              std::string_view text) {
    if (slot)
        bad_time(std::string(field), "'" + std::string(text) + "' names more than one " +
                                         std::string(what) + "; give one");
    slot = value;
}

/// Applies "N unit" relative to now: hours and minutes give an instant, days and longer a date.
void relative(Parts& p, int n, Unit u, const WhenContext& ctx, date::local_days today,
              std::string_view field, std::string_view text) {
    auto set_day = [&](date::local_days d) { set_once(p.day, d, "day", field, text); };
    switch (u) {
        case Unit::minute:
            set_once(p.instant, ctx.now + std::chrono::minutes{n}, "relative time", field, text);
            break;
        case Unit::hour:
            set_once(p.instant, Instant{ctx.now + std::chrono::hours{n}}, "relative time", field,
                     text);
            break;
        case Unit::day:
            set_day(today + date::days{n});
            break;
        case Unit::week:
            set_day(today + date::days{7 * n});
            break;
        case Unit::month:
        case Unit::year: {
            date::year_month_day ymd{today};
            auto ym = date::year_month{ymd.year(), ymd.month()} +
                      (u == Unit::month ? date::months{n} : date::months{12 * n});
            auto last = (ym.year() / ym.month() / date::last).day();
            // 31 Jan + 1 month = 28/29 Feb
            set_day(date::local_days{ym.year() / ym.month() / std::min(ymd.day(), last)});
            break;
        }
    }
}

Parts read_words(std::string_view text, const WhenContext& ctx, std::string_view field) {
    const std::vector<std::string> words = split(lower(text));
    const LocalTime now_local = to_local(ctx.now, ctx.viewer);
    const date::local_days today = date::floor<date::days>(now_local);
    Parts p;
    auto set_day = [&](date::local_days d) { set_once(p.day, d, "day", field, text); };
    auto set_minutes = [&](int m) { set_once(p.minutes, m, "time of day", field, text); };
    for (size_t i = 0; i < words.size(); ++i) {
        const std::string& w = words[i];
        const std::string next = i + 1 < words.size() ? words[i + 1] : "";
        if (w == "at" || w == "on") continue;
        if (w == "now") {
            set_once(p.instant, ctx.now, "relative time", field, text);
        } else if (w == "today") {
            set_day(today);
        } else if (w == "tomorrow") {
            set_day(today + date::days{1});
        } else if (w == "yesterday") {
            set_day(today - date::days{1});
        } else if (w == "next" && weekday_of(next)) {
            set_day(today + date::days{1} +
                    (*weekday_of(next) - date::weekday{today + date::days{1}}));
            ++i;
        } else if (auto wd = weekday_of(w)) {
            set_day(today + (*wd - date::weekday{today}));  // this coming one, today included
        } else if (w == "in" && number(next) && i + 2 < words.size() && unit_of(words[i + 2])) {
            relative(p, *number(next), *unit_of(words[i + 2]), ctx, today, field, text);
            i += 2;
        } else if (w.size() > 1 && w[0] == '+') {
            size_t digits_end = w.find_first_not_of("0123456789", 1);
            auto n = number(
                w.substr(1, digits_end == std::string::npos ? std::string::npos : digits_end - 1));
            std::string unit = digits_end == std::string::npos ? next : w.substr(digits_end);
            if (!n || !unit_of(unit)) unreadable(field, text, w);
            relative(p, *n, *unit_of(unit), ctx, today, field, text);
            if (digits_end == std::string::npos) ++i;
        } else if (auto iso = w.size() == 10 ? parse_iso(w, field) : std::nullopt;
                   iso && iso->value.precision == Precision::day) {
            set_day(date::floor<date::days>(iso->value.local));
        } else if (auto t = time_of_day(w)) {
            set_minutes(*t);
        } else if (number(w) && (next == "am" || next == "pm") && time_of_day(w + next)) {
            set_minutes(*time_of_day(w + next));
            ++i;
        } else {
            unreadable(field, text, words[i]);
        }
    }
    return p;
}

/// The ISO reading of `text`; nullopt when it is not ISO ("2025-06-06 9am" is a date plus words).
std::optional<ParsedIso> iso_or_natural(std::string_view text, std::string_view field) {
    try {
        return parse_iso(text, field);
    } catch (const HeraldError&) {
        if (text.size() > 11 && text[10] == ' ' && parse_iso(text.substr(0, 10), field))
            return std::nullopt;
        throw;
    }
}

}  // namespace

std::string_view when_forms() {
    return "YYYY (year), YYYY-MM (month), YYYY-MM-DD (day), YYYY-MM-DD HH:MM[:SS] or "
           "YYYY-MM-DDTHH:MM[:SS] optionally followed by Z or ±HH:MM; or today, tomorrow, "
           "yesterday, "
           "a weekday (fri), next friday, in 3 weeks, +2h, +3d, a time (14:00, 9am, 9:30pm, noon, "
           "midnight) "
           "alone or after a day (tomorrow 9am, fri 14:00, 2025-06-06 9am)";
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
    Parts p = read_words(trimmed, ctx, field);
    CalTime t;
    if (p.instant) {
        if (p.day || p.minutes)
            bad_time(std::string(field), "'" + std::string(text) +
                                             "' mixes a relative time (+2h, in 3 hours) with a "
                                             "day or a time of day; give one or the other");
        t.precision = Precision::minute;
        t.tz = zone_name;
        t.local = date::floor<std::chrono::minutes>(to_local(*p.instant, find_zone(zone_name)));
        return t;
    }
    if (!p.day && !p.minutes)
        bad_time(std::string(field), "'" + std::string(text) + "' names no day or time; expected " +
                                         std::string(when_forms()));
    auto day = p.day.value_or(date::floor<date::days>(to_local(ctx.now, ctx.viewer)));
    t.local = LocalTime{day};
    t.precision = Precision::day;
    if (p.minutes) {
        t.local += std::chrono::minutes{*p.minutes};
        t.precision = Precision::minute;
        t.tz = zone_name;
    }
    return t;
}

}  // namespace herald
