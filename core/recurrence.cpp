#include "core/recurrence.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "core/errors.hpp"

namespace herald {
namespace {

using date::days;
using date::local_days;

// Why shifted frames: libical 3.0 refuses a DTSTART after 2582 and stops iterating there (its
// time_t guard), but Herald accepts dates up to 9999-12-31. The Gregorian calendar repeats every
// 400 years (146097 days = 20871 weeks), so a window beyond 2400 is expanded in a frame moved back
// by whole 400-year cycles (start and window together) and the results are moved forward again.
constexpr int64_t kCycleDays = 146097;
const LocalTime kDirectLimit{local_days{date::year{2400} / 1 / 1}};
const LocalTime kFrameRef{local_days{date::year{2000} / 1 / 1}};
const LocalTime kFrameEnd{local_days{date::year{2550} / 1 / 1}};

const char* kRuleForms =
    "expected RFC 5545 rule parts such as FREQ=YEARLY, FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH, "
    "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20301231T000000Z or FREQ=DAILY;COUNT=10";

[[noreturn]] void bad_rrule(const std::string& msg) {
    bad_param("rrule", msg);
}

/// A parsed rule with UNTIL taken out (Herald compares it in local time itself).
struct Rule {
    icalrecurrencetype r{};
    bool is_date = false;            ///< all-day event: the iterator runs on dates
    std::optional<LocalTime> until;  ///< last allowed local start, inclusive
};

struct IterFree {
    void operator()(icalrecur_iterator* it) const { icalrecur_iterator_free(it); }
};
using Iter = std::unique_ptr<icalrecur_iterator, IterFree>;

icaltimetype to_ical(LocalTime t, bool is_date) {
    icaltimetype out = icaltime_null_time();
    auto d = date::floor<days>(t);
    date::year_month_day ymd{d};
    date::hh_mm_ss hms{t - d};
    out.year = static_cast<int>(ymd.year());
    out.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
    out.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
    if (!is_date) {
        out.hour = static_cast<int>(hms.hours().count());
        out.minute = static_cast<int>(hms.minutes().count());
        out.second = static_cast<int>(hms.seconds().count());
    }
    out.is_date = is_date ? 1 : 0;
    return out;
}

LocalTime from_ical(const icaltimetype& t) {
    auto d = local_days{date::year{t.year} / date::month{static_cast<unsigned>(t.month)} /
                        date::day{static_cast<unsigned>(t.day)}};
    return LocalTime{d} + std::chrono::hours{t.hour} + std::chrono::minutes{t.minute} +
           Seconds{t.second};
}

bool has_parts(const short* array) {
    return array[0] != ICAL_RECURRENCE_ARRAY_MAX;
}

/// UNTIL as a local start bound: a UTC UNTIL is read in the event's zone; a date UNTIL on a timed
/// event includes that whole day (RFC 5545 wants a date-time there; accepting the day is kinder).
std::optional<LocalTime> local_until(const icaltimetype& until, const CalTime& start) {
    if (icaltime_is_null_time(until)) return std::nullopt;
    LocalTime t = from_ical(until);
    if (start.precision == Precision::day) return LocalTime{date::floor<days>(t)};
    if (until.is_date) return t + days{1} - Seconds{1};
    if (icaltime_is_utc(until) && !start.tz.empty())
        return to_local(Instant{t.time_since_epoch()}, find_zone(start.tz));
    return t;
}

/// Largest INTERVAL per FREQ: about a century, so a restarted series stays inside libical's range.
int max_interval(icalrecurrencetype_frequency f) {
    switch (f) {
        case ICAL_YEARLY_RECURRENCE:
            return 100;
        case ICAL_MONTHLY_RECURRENCE:
            return 1200;
        case ICAL_WEEKLY_RECURRENCE:
            return 5200;
        default:
            return 36500;
    }
}

Rule parse_rule(const std::string& text, const CalTime& start) {
    Rule rule;
    if (text.find("RSCALE") != std::string::npos || text.find("rscale") != std::string::npos)
        bad_rrule("RSCALE (non-Gregorian calendars) is not supported; " + std::string(kRuleForms));
    icalerror_clear_errno();
    rule.r = icalrecurrencetype_from_string(text.c_str());
    if (rule.r.freq == ICAL_NO_RECURRENCE)
        bad_rrule("cannot read rrule '" + text + "': " + kRuleForms);
    switch (rule.r.freq) {
        case ICAL_YEARLY_RECURRENCE:
        case ICAL_MONTHLY_RECURRENCE:
        case ICAL_WEEKLY_RECURRENCE:
        case ICAL_DAILY_RECURRENCE:
            break;
        default:
            bad_rrule("rrule '" + text + "': FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY");
    }
    if (has_parts(rule.r.by_hour) || has_parts(rule.r.by_minute) || has_parts(rule.r.by_second))
        bad_rrule("rrule '" + text +
                  "': BYHOUR, BYMINUTE and BYSECOND are not supported; an event repeats at its "
                  "start's time of day");
    if (rule.r.count < 0 || rule.r.count > kMaxRecurrenceCount)
        bad_rrule("rrule '" + text + "': COUNT must be between 1 and " +
                  std::to_string(kMaxRecurrenceCount) + "; use UNTIL for longer series");
    if (rule.r.interval > max_interval(rule.r.freq))
        bad_rrule("rrule '" + text + "': INTERVAL must be at most " +
                  std::to_string(max_interval(rule.r.freq)) + " for this FREQ (about a century)");
    // RFC 5545 expands YEARLY;BYMONTHDAY to every month; libical 3.0 keeps only DTSTART's month.
    if (rule.r.freq == ICAL_YEARLY_RECURRENCE && has_parts(rule.r.by_month_day) &&
        !has_parts(rule.r.by_month) && !has_parts(rule.r.by_week_no) &&
        !has_parts(rule.r.by_year_day)) {
        for (int m = 0; m < 12; ++m) rule.r.by_month[m] = static_cast<short>(m + 1);
        rule.r.by_month[12] = ICAL_RECURRENCE_ARRAY_MAX;
    }
    rule.is_date = start.precision == Precision::day;
    rule.until = local_until(rule.r.until, start);
    rule.r.until = icaltime_null_time();
    return rule;
}

Iter make_iter(const Rule& rule, LocalTime dtstart) {
    icalerror_clear_errno();
    Iter it{icalrecur_iterator_new(rule.r, to_ical(dtstart, rule.is_date))};
    return it;
}

/// WEEKLY rules: libical 3.0.16 misplaces the INTERVAL when the series' first day is not one of
/// its BYDAY days (FREQ=WEEKLY;INTERVAL=2;BYDAY=SU from a Monday skips the first Sunday), so the
/// series is started at its first real instance instead: the same instances, counted the same way.
LocalTime synced_start(const icalrecurrencetype& r, LocalTime start) {
    if (r.freq != ICAL_WEEKLY_RECURRENCE || !has_parts(r.by_day)) return start;
    auto in_by_day = [&](date::local_days d) {
        const int wd = static_cast<int>(date::weekday{d}.c_encoding()) + 1;  // 1 = SU, as libical
        for (int i = 0; i < ICAL_BY_DAY_SIZE && r.by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i)
            if (static_cast<int>(icalrecurrencetype_day_day_of_week(r.by_day[i])) == wd)
                return true;
        return false;
    };
    const auto day = date::floor<days>(start);
    const auto tod = start - day;
    const int wkst = static_cast<int>(r.week_start) - 1;  // 0 = SU
    const int offset = (static_cast<int>(date::weekday{day}.c_encoding()) - wkst + 7) % 7;
    const date::local_days week = day - days{offset};
    for (int k = offset; k < 7; ++k)
        if (in_by_day(week + days{k})) return LocalTime{week + days{k}} + tod;
    const date::local_days next = week + days{7 * r.interval};
    for (int k = 0; k < 7; ++k)
        if (in_by_day(next + days{k})) return LocalTime{next + days{k}} + tod;
    return start;
}

/// COUNT rules: libical cannot start such an iterator mid-series, so count from DTSTART.
void run_counted(const Rule& rule, LocalTime dtstart, LocalTime from, LocalTime to,
                 std::vector<LocalTime>& out) {
    Iter it = make_iter(rule, synced_start(rule.r, dtstart));
    if (!it) return;
    for (icaltimetype t = icalrecur_iterator_next(it.get()); !icaltime_is_null_time(t);
         t = icalrecur_iterator_next(it.get())) {
        LocalTime l = from_ical(t);
        if (l >= to) break;
        if (l >= from) out.push_back(l);
    }
}

void set_one(short* array, int value) {
    array[0] = static_cast<short>(value);
    array[1] = ICAL_RECURRENCE_ARRAY_MAX;
}

/// The rule with the parts RFC 5545 takes from DTSTART written out, so the series can restart
/// at another period boundary and still produce the same instances.
icalrecurrencetype explicit_rule(icalrecurrencetype r, LocalTime dtstart) {
    date::year_month_day ymd{date::floor<days>(dtstart)};
    const int dom = static_cast<int>(static_cast<unsigned>(ymd.day()));
    const int month = static_cast<int>(static_cast<unsigned>(ymd.month()));
    const int weekday =
        static_cast<int>(date::weekday{date::floor<days>(dtstart)}.c_encoding()) + 1;  // 1 = SU
    const bool day_parts =
        has_parts(r.by_day) || has_parts(r.by_month_day) || has_parts(r.by_year_day);
    switch (r.freq) {
        case ICAL_WEEKLY_RECURRENCE:
            if (!has_parts(r.by_day)) set_one(r.by_day, weekday);
            break;
        case ICAL_MONTHLY_RECURRENCE:
            if (!day_parts) set_one(r.by_month_day, dom);
            break;
        case ICAL_YEARLY_RECURRENCE:
            if (has_parts(r.by_week_no)) {
                if (!has_parts(r.by_day)) set_one(r.by_day, weekday);
            } else if (!day_parts) {
                if (!has_parts(r.by_month)) set_one(r.by_month, month);
                set_one(r.by_month_day, dom);
            }
            break;
        default:
            break;
    }
    return r;
}

/// A start for the series `periods` whole periods (FREQ x INTERVAL) after DTSTART: a period's
/// first day at DTSTART's time of day (DTSTART's own day for DAILY/WEEKLY).
LocalTime period_start(const icalrecurrencetype& r, LocalTime dtstart, int64_t periods) {
    auto d = date::floor<days>(dtstart);
    auto tod = dtstart - d;
    date::year_month_day ymd{d};
    const int64_t n = r.interval * periods;
    switch (r.freq) {
        case ICAL_DAILY_RECURRENCE:
            return dtstart + days{n};
        case ICAL_WEEKLY_RECURRENCE:
            return dtstart + days{7 * n};
        case ICAL_MONTHLY_RECURRENCE:
            return LocalTime{local_days{ymd.year() / ymd.month() / 1 + date::months{n}}} + tod;
        default:
            return LocalTime{local_days{(ymd.year() + date::years{n}) / 1 / 1}} + tod;
    }
}

/// Whole periods from DTSTART to `t`, less one, so a restarted series covers all of `t`'s period.
int64_t periods_before(const icalrecurrencetype& r, LocalTime dtstart, LocalTime t) {
    if (t <= dtstart) return 0;
    date::year_month_day a{date::floor<days>(dtstart)}, b{date::floor<days>(t)};
    int64_t units = 0;
    switch (r.freq) {
        case ICAL_DAILY_RECURRENCE:
            units = (date::floor<days>(t) - date::floor<days>(dtstart)).count();
            break;
        case ICAL_WEEKLY_RECURRENCE:
            units = (date::floor<days>(t) - date::floor<days>(dtstart)).count() / 7;
            break;
        case ICAL_MONTHLY_RECURRENCE:
            units = (b.year() - a.year()).count() * 12 +
                    (static_cast<int>(static_cast<unsigned>(b.month())) -
                     static_cast<int>(static_cast<unsigned>(a.month())));
            break;
        default:
            units = (b.year() - a.year()).count();
            break;
    }
    return std::max<int64_t>(0, units / r.interval - 1);
}

/// Rules without COUNT: restart the series at a period boundary just before the window (its
/// implicit parts written out), so the work is proportional to the window, not to the history.
/// Why not icalrecur_iterator_set_start: in libical 3.0.16 it loses the INTERVAL phase of WEEKLY
/// rules whose DTSTART lies centuries back. Windows past 2400 run in a frame shifted by 400-year
/// cycles.
/// True when the rule has any BY part (BYDAY, BYMONTHDAY, ...).
bool has_by_parts(const icalrecurrencetype& r) {
    for (short first :
         {r.by_second[0], r.by_minute[0], r.by_hour[0], r.by_day[0], r.by_month_day[0],
          r.by_year_day[0], r.by_week_no[0], r.by_month[0], r.by_set_pos[0]})
        if (first != ICAL_RECURRENCE_ARRAY_MAX) return true;
    return false;
}

/// True for a YEARLY or MONTHLY rule with no BY parts: its instances are the start's month/day
/// (or day) every INTERVAL periods, skipping the periods where that date does not exist
/// (February 29 outside leap years, the 31st of a 30-day month), as RFC 5545 says.
bool plain_rule(const Rule& rule) {
    const auto& r = rule.r;
    if (r.freq != ICAL_YEARLY_RECURRENCE && r.freq != ICAL_MONTHLY_RECURRENCE) return false;
    return !has_by_parts(r);
}

/// Instances of a plain rule (see plain_rule) with from <= start < to, by date arithmetic.
/// Why not libical: its iterator (with ICU calendars underneath) dominated listing a window of
/// anniversaries; this path is checked against it in tests/core/test_recurrence.cpp.
void run_plain(const Rule& rule, LocalTime dtstart, LocalTime from, LocalTime to,
               std::vector<LocalTime>& out) {
    if (rule.until && *rule.until < to) to = *rule.until + Seconds{1};
    const auto first_day = date::floor<days>(dtstart);
    const Seconds time_of_day = dtstart - first_day;
    const date::year_month_day ymd{first_day};
    const int64_t step = std::max<int64_t>(1, rule.r.interval);
    const bool yearly = rule.r.freq == ICAL_YEARLY_RECURRENCE;
    // Periods counted in months from year 0, so yearly and monthly share one loop.
    const int64_t period = yearly ? 12 * step : step;
    const int64_t origin =
        int64_t{static_cast<int>(ymd.year())} * 12 + static_cast<unsigned>(ymd.month()) - 1;
    const auto from_ymd = date::year_month_day{date::floor<days>(std::max(from, dtstart))};
    const int64_t from_month = int64_t{static_cast<int>(from_ymd.year())} * 12 +
                               static_cast<unsigned>(from_ymd.month()) - 1;
    int64_t k = std::max<int64_t>(0, (from_month - origin) / period - 1);
    for (;; ++k) {
        int64_t month = origin + k * period;
        if (month >= int64_t{10000} * 12) break;  // beyond 9999
        date::year_month_day d{date::year{static_cast<int>(month / 12)},
                               date::month{static_cast<unsigned>(month % 12 + 1)}, ymd.day()};
        if (!d.ok()) continue;  // no such date in that month or year: no instance
        LocalTime l = local_days{d} + time_of_day;
        if (l >= to) break;
        if (l >= from) out.push_back(l);
    }
}

void run_windowed(const Rule& rule, LocalTime dtstart, LocalTime from, LocalTime to,
                  std::vector<LocalTime>& out) {
    if (rule.until && *rule.until < to) to = *rule.until + Seconds{1};
    const icalrecurrencetype explicit_r = explicit_rule(rule.r, dtstart);
    const days cycle{kCycleDays};
    LocalTime cur = std::max(from, dtstart);
    while (cur < to) {
        int64_t periods = periods_before(rule.r, dtstart, cur);
        LocalTime start = periods == 0 ? dtstart : period_start(rule.r, dtstart, periods);
        days shift{0};
        if (cur >= kDirectLimit) shift = cycle * ((cur - kFrameRef) / cycle);
        LocalTime cur_s = cur - shift;
        LocalTime end_s = std::min(to - shift, kFrameEnd);
        Rule shifted = rule;
        if (periods > 0) shifted.r = explicit_r;
        start = synced_start(shifted.r, start);
        Iter it = make_iter(shifted, start - shift);
        if (!it) return;
        for (icaltimetype t = icalrecur_iterator_next(it.get()); !icaltime_is_null_time(t);
             t = icalrecur_iterator_next(it.get())) {
            LocalTime l = from_ical(t);
            if (l >= end_s) break;
            if (l >= cur_s) out.push_back(l + shift);
        }
        cur = end_s + shift;
    }
}

/// A RDATE/EXDATE as a local start: a date on a timed event takes the start's time of day.
LocalTime as_start(const CalTime& d, const CalTime& start) {
    if (d.timed() || !start.timed()) return d.local;
    return LocalTime{date::floor<days>(d.local)} + (start.local - date::floor<days>(start.local));
}

bool excluded(const Event& e, LocalTime l) {
    return std::any_of(e.exdates.begin(), e.exdates.end(), [&](const CalTime& x) {
        if (x.timed() || !e.start.timed()) return x.local == l;
        return date::floor<days>(x.local) ==
               date::floor<days>(l);  // a date excludes that day's instance
    });
}

}  // namespace

bool is_recurring(const Event& e) {
    return !e.rrule.empty() || !e.rdates.empty();
}

void validate_rrule(const std::string& rrule, const CalTime& start) {
    Rule rule = parse_rule(rrule, start);
    if (rule.r.count > 0) {
        if (start.local >= kDirectLimit)
            bad_rrule("rrule '" + rrule +
                      "': a COUNT rule must start before the year 2400; use UNTIL instead");
        Iter it = make_iter(rule, start.local);
        if (!it)
            bad_rrule("rrule '" + rrule + "' never produces an occurrence from " +
                      format_caltime(start));
        int n = 0;
        while (!icaltime_is_null_time(icalrecur_iterator_next(it.get()))) ++n;
        if (n < rule.r.count)
            bad_rrule("rrule '" + rrule + "': COUNT=" + std::to_string(rule.r.count) +
                      " reaches past the year 2582, beyond which occurrences cannot be counted; "
                      "use UNTIL instead");
        return;
    }
    // A rule without BY parts always starts (there is nothing to miss), and asking libical
    // would bring its ICU calendars into a daemon that may otherwise never need them.
    if (!has_by_parts(rule.r)) return;
    LocalTime probe = start.local;
    const days cycle{kCycleDays};
    if (probe >= kDirectLimit) probe -= cycle * ((probe - kFrameRef) / cycle);
    if (!make_iter(rule, probe))
        bad_rrule("rrule '" + rrule + "' cannot start at " + format_caltime(start) + " (" +
                  icalerror_strerror(icalerrno) + "); check that its BY parts can ever match");
}

std::vector<LocalTime> expand_local(const Event& e, LocalTime from, LocalTime to) {
    std::vector<LocalTime> out;
    if (!e.start.dated() || from >= to) return out;
    if (e.start.local >= from && e.start.local < to)
        out.push_back(e.start.local);  // DTSTART is always an instance
    if (!e.rrule.empty()) {
        Rule rule = parse_rule(e.rrule, e.start);
        if (rule.r.count > 0)
            run_counted(rule, e.start.local, from, to, out);
        else if (plain_rule(rule))
            run_plain(rule, e.start.local, from, to, out);
        else
            run_windowed(rule, e.start.local, from, to, out);
    }
    for (const auto& d : e.rdates) {
        LocalTime l = as_start(d, e.start);
        if (l >= from && l < to) out.push_back(l);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    std::erase_if(out, [&](LocalTime l) { return excluded(e, l); });
    return out;
}

std::optional<LocalTime> last_local_start(const Event& e) {
    LocalTime last = e.start.local;
    for (const auto& d : e.rdates) last = std::max(last, as_start(d, e.start));
    if (e.rrule.empty()) return last;
    Rule rule = parse_rule(e.rrule, e.start);
    if (rule.until) return std::max(last, *rule.until);
    if (rule.r.count == 0) return std::nullopt;
    Iter it = make_iter(rule, synced_start(rule.r, e.start.local));
    if (!it) return last;
    for (icaltimetype t = icalrecur_iterator_next(it.get()); !icaltime_is_null_time(t);
         t = icalrecur_iterator_next(it.get()))
        last = std::max(last, from_ical(t));
    return last;
}

}  // namespace herald
