// VTIMEZONE observances → POSIX TZ rule. An observance's DTSTART time is a wall time in its
// TZOFFSETFROM (RFC 5545 §3.6.5); a POSIX rule reads the DST start in standard time and its end
// in daylight time, so the times are re-based onto those offsets.
#include "core/vtimezone_rule.hpp"

#include <algorithm>
#include <vector>

#include "core/ical_export.hpp"

namespace herald {
namespace {

using std::chrono::hours;

/// One STANDARD or DAYLIGHT component.
struct Observance {
    bool daylight = false;
    icaltimetype start = icaltime_null_time();
    Seconds from{0};
    Seconds to{0};
    std::string name;
    std::optional<icalrecurrencetype> rule;
};

std::vector<Observance> observances(icalcomponent* vtz) {
    std::vector<Observance> out;
    for (icalcomponent* c = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT);
         c != nullptr; c = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
        const auto kind = icalcomponent_isa(c);
        if (kind != ICAL_XSTANDARD_COMPONENT && kind != ICAL_XDAYLIGHT_COMPONENT) continue;
        Observance o;
        o.daylight = kind == ICAL_XDAYLIGHT_COMPONENT;
        if (auto* p = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY))
            o.start = icalproperty_get_dtstart(p);
        if (auto* p = icalcomponent_get_first_property(c, ICAL_TZOFFSETFROM_PROPERTY))
            o.from = Seconds{icalproperty_get_tzoffsetfrom(p)};
        if (auto* p = icalcomponent_get_first_property(c, ICAL_TZOFFSETTO_PROPERTY))
            o.to = Seconds{icalproperty_get_tzoffsetto(p)};
        if (auto* p = icalcomponent_get_first_property(c, ICAL_TZNAME_PROPERTY))
            o.name = icalproperty_get_tzname(p) ? icalproperty_get_tzname(p) : "";
        if (auto* p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY))
            o.rule = icalproperty_get_rrule(p);
        if (!icaltime_is_null_time(o.start)) out.push_back(std::move(o));
    }
    return out;
}

/// The last year a yearly observance rule applies in (9999 when open-ended).
int last_year(const Observance& o) {
    if (!icaltime_is_null_time(o.rule->until)) return o.rule->until.year;
    if (o.rule->count > 0) return o.start.year + o.rule->count - 1;
    return 9999;
}

std::vector<short> values(const short* list, size_t size) {
    std::vector<short> out;
    for (size_t i = 0; i < size && list[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i)
        out.push_back(list[i]);
    return out;
}

int days_in(int month) {  // a common year: fixed-date rules (Jn) never count 29 February
    return static_cast<int>(static_cast<unsigned>(
        (date::year{2001} / date::month{static_cast<unsigned>(month)} / date::last).day()));
}

/// The day of an observance's yearly RRULE as a POSIX rule date (time not set); nullopt for
/// shapes POSIX cannot state.
std::optional<TzRuleDate> rule_date(const Observance& o) {
    const icalrecurrencetype& r = *o.rule;
    if (r.freq != ICAL_YEARLY_RECURRENCE || r.interval > 1 ||
        r.by_year_day[0] != ICAL_RECURRENCE_ARRAY_MAX ||
        r.by_week_no[0] != ICAL_RECURRENCE_ARRAY_MAX ||
        r.by_set_pos[0] != ICAL_RECURRENCE_ARRAY_MAX || r.by_hour[0] != ICAL_RECURRENCE_ARRAY_MAX)
        return std::nullopt;
    auto months = values(r.by_month, ICAL_BY_MONTH_SIZE);
    auto days = values(r.by_day, ICAL_BY_DAY_SIZE);
    auto month_days = values(r.by_month_day, ICAL_BY_MONTHDAY_SIZE);
    if (months.size() > 1 || days.size() > 1) return std::nullopt;
    TzRuleDate d;
    d.month = months.empty() ? o.start.month : icalrecurrencetype_month_month(months[0]);
    if (days.empty()) {  // a fixed date: Jn
        if (month_days.size() > 1) return std::nullopt;
        int day = month_days.empty() ? o.start.day : month_days[0];
        if (day < 1 || day > days_in(d.month)) return std::nullopt;
        d.kind = TzRuleDate::Kind::julian;
        for (int m = 1; m < d.month; ++m) day += days_in(m);
        d.day = day;
        return d;
    }
    d.weekday = static_cast<int>(icalrecurrencetype_day_day_of_week(days[0])) - 1;  // Sunday = 0
    const int pos = icalrecurrencetype_day_position(days[0]);
    if (month_days.empty()) {  // BYDAY=2SU, -1SU
        if (pos == 0 || pos < -1 || pos > 4) return std::nullopt;
        d.week = pos == -1 ? 5 : pos;
        return d;
    }
    // BYDAY=SU;BYMONTHDAY=8,...,14: the Sunday on or after the 8th (older Apple and Outlook files).
    if (pos != 0 || month_days.size() != 7) return std::nullopt;
    std::sort(month_days.begin(), month_days.end());
    if (month_days.back() - month_days.front() != 6) return std::nullopt;
    const int first = month_days.front();
    if (first == -7 || (first > 0 && first + 6 == days_in(d.month) && d.month != 2))
        d.week = 5;
    else if (first > 0 && (first - 1) % 7 == 0 && first <= 22)
        d.week = (first - 1) / 7 + 1;
    else
        return std::nullopt;
    return d;
}

/// A TZNAME as a POSIX name, or the numeric one zic writes ("-03", "+0330") when it is not one.
std::string abbrev(const std::string& name, Seconds offset) {
    const bool usable =
        name.size() >= 3 && name.size() <= 16 && std::all_of(name.begin(), name.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-';
        });
    if (usable) return name;
    const auto v = std::chrono::abs(offset).count();
    auto two = [](long long n) { return std::string(n < 10 ? "0" : "") + std::to_string(n); };
    std::string out = (offset.count() < 0 ? "-" : "+") + two(v / 3600);
    return v % 3600 == 0 ? out : out + two(v % 3600 / 60);
}

Seconds time_of_day(icaltimetype t) {
    return hours{t.hour} + std::chrono::minutes{t.minute} + Seconds{t.second};
}

/// The observance in force at the start of `year` among those without a usable pair: the one
/// with the latest onset before it (onsets of rules taken as their DTSTART's date in a year).
const Observance* in_force(const std::vector<Observance>& all, int year) {
    const Observance* best = nullptr;
    std::pair<int, int> best_at{-1, -1};
    for (const auto& o : all) {
        int y = o.start.year;
        if (o.rule && o.start.year < year) y = std::min(year - 1, last_year(o));
        if (y >= year) continue;
        std::pair<int, int> at{y, o.start.month * 100 + o.start.day};
        if (at > best_at) best_at = at, best = &o;
    }
    if (best != nullptr) return best;
    // Every observance starts later: before its first onset a zone is at the first TZOFFSETFROM.
    return all.empty()
               ? nullptr
               : &*std::min_element(all.begin(), all.end(), [](const auto& a, const auto& b) {
                     return icaltime_compare(a.start, b.start) < 0;
                 });
}

std::string offset_text(Seconds off) {
    const auto v = std::chrono::abs(off).count();
    auto two = [](long long n) { return std::string(n < 10 ? "0" : "") + std::to_string(n); };
    std::string out = (off.count() < 0 ? "-" : "+") + two(v / 3600) + two(v % 3600 / 60);
    return v % 60 == 0 ? out : out + two(v % 60);
}

std::string observance(bool daylight, LocalTime start, Seconds from, Seconds to,
                       const std::string& name, const std::string& rrule) {
    const std::string kind = daylight ? "DAYLIGHT" : "STANDARD";
    std::string out =
        ical_fold("BEGIN:" + kind) + ical_fold("DTSTART:" + date::format("%Y%m%dT%H%M%S", start));
    if (!rrule.empty()) out += ical_fold("RRULE:" + rrule);
    return out + ical_fold("TZOFFSETFROM:" + offset_text(from)) +
           ical_fold("TZOFFSETTO:" + offset_text(to)) +
           ical_fold("TZNAME:" + ical_escape_text(name)) + ical_fold("END:" + kind);
}

/// The yearly RRULE of a rule date whose change happens on that day (time within the day).
std::string yearly_rrule(const TzRuleDate& d) {
    if (d.time < Seconds{0} || d.time >= hours{24}) return {};
    static constexpr const char* kDays[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
    if (d.kind == TzRuleDate::Kind::month_week_day)
        return "FREQ=YEARLY;BYMONTH=" + std::to_string(d.month) +
               ";BYDAY=" + (d.week == 5 ? "-1" : std::to_string(d.week)) +
               kDays[static_cast<size_t>(d.weekday)];
    if (d.kind == TzRuleDate::Kind::julian) {
        int day = d.day, month = 1;
        while (day > days_in(month)) day -= days_in(month++);
        return "FREQ=YEARLY;BYMONTH=" + std::to_string(month) +
               ";BYMONTHDAY=" + std::to_string(day);
    }
    return {};  // day n of the year moves with leap years
}

}  // namespace

std::string rule_vtimezone(const std::string& tzid, const TzRule& rule, int first_year,
                           int last_year) {
    std::string out = ical_fold("BEGIN:VTIMEZONE") + ical_fold("TZID:" + ical_escape_text(tzid));
    if (!rule.has_dst()) {
        return out +
               observance(false, LocalTime{date::local_days{date::year{first_year} / 1 / 1}},
                          rule.std_offset, rule.std_offset, rule.std_abbrev, {}) +
               ical_fold("END:VTIMEZONE");
    }
    // An observance's DTSTART is the wall time just before the change (RFC 5545 §3.6.5): the
    // start in standard time, the end in daylight time.
    auto local = [](Instant t, Seconds from) { return LocalTime{(t + from).time_since_epoch()}; };
    const std::string to_dst = yearly_rrule(rule.dst_start), to_std = yearly_rrule(rule.dst_end);
    if (!to_dst.empty() && !to_std.empty()) {
        // Why a named copy: the loop over `*tz_transitions(...)` would read a destroyed
        // temporary (range-for extends only the reference operator* returns, not the optional).
        const auto changes = tz_transitions(rule, first_year);
        for (const auto& tr : *changes)
            out += tr.to_dst ? observance(true, local(tr.at, rule.std_offset), rule.std_offset,
                                          rule.dst_offset, rule.dst_abbrev, to_dst)
                             : observance(false, local(tr.at, rule.dst_offset), rule.dst_offset,
                                          rule.std_offset, rule.std_abbrev, to_std);
        return out + ical_fold("END:VTIMEZONE");
    }
    for (int year = first_year; year <= last_year; ++year) {
        const auto changes = tz_transitions(rule, year);
        for (const auto& tr : *changes)
            out += tr.to_dst ? observance(true, local(tr.at, rule.std_offset), rule.std_offset,
                                          rule.dst_offset, rule.dst_abbrev, {})
                             : observance(false, local(tr.at, rule.dst_offset), rule.dst_offset,
                                          rule.std_offset, rule.std_abbrev, {});
    }
    return out + ical_fold("END:VTIMEZONE");
}

std::optional<TzRule> vtimezone_rule(icalcomponent* vtz, int year) {
    auto all = observances(vtz);
    const Observance* standard = nullptr;
    const Observance* daylight = nullptr;
    for (const auto& o : all) {
        if (!o.rule || o.start.year > year || last_year(o) < year) continue;
        const Observance*& slot = o.daylight ? daylight : standard;
        if (slot == nullptr || icaltime_compare(o.start, slot->start) > 0) slot = &o;
    }
    TzRule rule;
    if (standard != nullptr && daylight != nullptr && standard->to != daylight->to) {
        auto start = rule_date(*daylight);
        auto end = rule_date(*standard);
        if (!start || !end) return std::nullopt;
        rule.std_offset = standard->to;
        rule.std_abbrev = abbrev(standard->name, standard->to);
        rule.dst_offset = daylight->to;
        rule.dst_abbrev = abbrev(daylight->name, daylight->to);
        if (rule.dst_abbrev == rule.std_abbrev) rule.dst_abbrev += "+";  // a DST part needs a name
        // The same instants, read in standard time (start) and daylight time (end).
        start->time = time_of_day(daylight->start) - daylight->from + rule.std_offset;
        end->time = time_of_day(standard->start) - standard->from + rule.dst_offset;
        rule.dst_start = *start;
        rule.dst_end = *end;
        return rule;
    }
    const Observance* o = in_force(all, year);
    if (o == nullptr) return std::nullopt;
    const bool before_first = o->start.year >= year;
    rule.std_offset = before_first ? o->from : o->to;
    rule.std_abbrev = abbrev(before_first ? std::string() : o->name, rule.std_offset);
    return rule;
}

std::string first_difference(icaltimezone* zone, const TzRule& rule, int first, int last) {
    // Before its first observance a VTIMEZONE says nothing of its own: start there.
    auto from = date::sys_days{date::year{first} / 1 / 1};
    auto all = observances(icaltimezone_get_component(zone));
    auto earliest = std::min_element(all.begin(), all.end(), [](const auto& a, const auto& b) {
        return icaltime_compare(a.start, b.start) < 0;
    });
    if (earliest != all.end() && earliest->start.year >= first) {
        const auto month = date::year{earliest->start.year} /
                           date::month{static_cast<unsigned>(earliest->start.month)};
        from = date::sys_days{(month + date::months{1}) / 1};
    }
    for (auto day = from; day < date::sys_days{date::year{last + 1} / 1 / 1};
         day += date::days{1}) {
        const Instant t = day + hours{12};
        icaltimetype tt = icaltime_from_timet_with_zone(
            static_cast<time_t>(t.time_since_epoch().count()), 0, icaltimezone_get_utc_timezone());
        int is_daylight = 0;
        const int offset = icaltimezone_get_utc_offset_of_utc_time(zone, &tt, &is_daylight);
        if (tz_state_at(rule, t).offset.count() != offset) return date::format("%Y-%m-%d", day);
    }
    return {};
}

}  // namespace herald
