#include "core/rrule.hpp"

#include <algorithm>
#include <cctype>

#include "core/errors.hpp"

namespace herald {
namespace {

const char* kWeekdays[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
constexpr int64_t kDaySeconds = 86400;
constexpr int kLastYear = 9999;

/// Facts about one calendar day that the BY parts test.
struct DayInfo {
    int64_t day = 0;                                           ///< days since 1970-01-01
    int year = 0, month = 0, mday = 0, yday = 0, weekday = 0;  ///< weekday 0 = Monday
    int month_len = 0, year_len = 0;
};

int64_t days_from_civil(int y, int m, int d) {
    return date::local_days{date::year{y} / date::month{static_cast<unsigned>(m)} /
                            date::day{static_cast<unsigned>(d)}}
        .time_since_epoch()
        .count();
}

int weekday_of(int64_t day) {
    return static_cast<int>(((day % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday
}

bool leap(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int month_length(int y, int m) {
    static const int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : lengths[m - 1];
}

DayInfo day_info(int64_t day) {
    date::year_month_day ymd{date::local_days{date::days{day}}};
    DayInfo d;
    d.day = day;
    d.year = static_cast<int>(ymd.year());
    d.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
    d.mday = static_cast<int>(static_cast<unsigned>(ymd.day()));
    d.yday = static_cast<int>(day - days_from_civil(d.year, 1, 1)) + 1;
    d.weekday = weekday_of(day);
    d.month_len = month_length(d.year, d.month);
    d.year_len = leap(d.year) ? 366 : 365;
    return d;
}

bool has(const std::vector<int>& values, int v) {
    return std::find(values.begin(), values.end(), v) != values.end();
}

/// A positive or negative (from the end) position `n` names `index` (1-based) of `length`.
bool names(const std::vector<int>& values, int index, int length) {
    return std::any_of(values.begin(), values.end(),
                       [&](int n) { return n == index || n == index - length - 1; });
}

/// First day of week 1 of `year`: weeks start on `wkst`, and week 1 is the first with at least
/// four days in the year, so it is the week holding January 4 (RFC 5545 BYWEEKNO).
int64_t week1_start(int year, int wkst) {
    const int64_t jan4 = days_from_civil(year, 1, 4);
    return jan4 - (weekday_of(jan4) - wkst + 7) % 7;
}

/// BYWEEKNO: the day's week in its own week-numbering year (late December may be week 1 of the
/// next year, early January the last week of the previous one), counted from either end.
bool week_matches(const std::vector<int>& weeks, const DayInfo& d, int wkst) {
    int64_t start = week1_start(d.year, wkst);
    int64_t next = week1_start(d.year + 1, wkst);
    if (d.day < start) {
        next = start;
        start = week1_start(d.year - 1, wkst);
    } else if (d.day >= next) {
        start = next;
        next = week1_start(d.year + 2, wkst);
    }
    return names(weeks, static_cast<int>((d.day - start) / 7) + 1,
                 static_cast<int>((next - start) / 7));
}

/// BYDAY with an ordinal counts within the month for MONTHLY (and YEARLY with BYMONTH), within
/// the year otherwise (RFC 5545 §3.3.10).
bool weekday_matches(const RRule& r, const DayInfo& d) {
    const bool in_month =
        r.freq == Freq::monthly || (r.freq == Freq::yearly && !r.by_month.empty());
    const int64_t first = in_month ? d.day - (d.mday - 1) : d.day - (d.yday - 1);
    const int64_t last = first + (in_month ? d.month_len : d.year_len) - 1;
    const int index = static_cast<int>((d.day - first) / 7) + 1;
    const int from_end = -static_cast<int>((last - d.day) / 7) - 1;
    return std::any_of(r.by_day.begin(), r.by_day.end(), [&](const WeekdayNum& w) {
        return w.weekday == d.weekday &&
               (w.ordinal == 0 || w.ordinal == index || w.ordinal == from_end);
    });
}

/// True when the day passes every day-level BY part (expansions and limits alike: a period's
/// days are filtered, which is what both mean for the day set).
bool day_matches(const RRule& r, const DayInfo& d) {
    if (!r.by_month.empty() && !has(r.by_month, d.month)) return false;
    if (!r.by_week_no.empty() && !week_matches(r.by_week_no, d, r.wkst)) return false;
    if (!r.by_year_day.empty() && !names(r.by_year_day, d.yday, d.year_len)) return false;
    if (!r.by_month_day.empty() && !names(r.by_month_day, d.mday, d.month_len)) return false;
    return r.by_day.empty() || weekday_matches(r, d);
}

/// The rule with the parts RFC 5545 takes from DTSTART written out, all lists sorted.
RRule effective_rule(RRule r, LocalTime dtstart) {
    const auto day = date::floor<date::days>(dtstart);
    const DayInfo d = day_info(day.time_since_epoch().count());
    const date::hh_mm_ss hms{dtstart - day};
    if (r.by_week_no.empty() && r.by_year_day.empty() && r.by_month_day.empty() &&
        r.by_day.empty()) {
        if (r.freq == Freq::yearly) {
            if (r.by_month.empty()) r.by_month = {d.month};
            r.by_month_day = {d.mday};
        } else if (r.freq == Freq::monthly) {
            r.by_month_day = {d.mday};
        } else if (r.freq == Freq::weekly) {
            r.by_day = {{0, d.weekday}};
        }
    }
    if (r.freq >= Freq::daily && r.by_hour.empty())
        r.by_hour = {static_cast<int>(hms.hours().count())};
    if (r.freq >= Freq::hourly && r.by_minute.empty())
        r.by_minute = {static_cast<int>(hms.minutes().count())};
    if (r.freq >= Freq::minutely && r.by_second.empty())
        r.by_second = {static_cast<int>(hms.seconds().count())};
    for (auto* v : {&r.by_hour, &r.by_minute, &r.by_second, &r.by_month}) {
        std::sort(v->begin(), v->end());
        v->erase(std::unique(v->begin(), v->end()), v->end());
    }
    return r;
}

/// The seconds of the day (or of the hour/minute for sub-daily FREQs) the rule's times expand to.
std::vector<int> offsets(const RRule& r) {
    std::vector<int> out;
    const std::vector<int> zero{0};
    const auto& hours = r.freq >= Freq::daily ? r.by_hour : zero;
    const auto& minutes = r.freq >= Freq::hourly ? r.by_minute : zero;
    const auto& seconds = r.freq >= Freq::minutely ? r.by_second : zero;
    for (int h : hours)
        for (int m : minutes)
            for (int s : seconds)
                if (s < 60) out.push_back(h * 3600 + m * 60 + s);  // no leap seconds in UTC-SLS
    return out;
}

/// BYSETPOS: the chosen positions of a period's sorted instances.
void select_positions(const std::vector<int>& set_pos, std::vector<LocalTime>& candidates) {
    if (set_pos.empty()) return;
    std::vector<LocalTime> chosen;
    const int n = static_cast<int>(candidates.size());
    for (int p : set_pos) {
        const int i = p > 0 ? p - 1 : n + p;
        if (i >= 0 && i < n) chosen.push_back(candidates[static_cast<size_t>(i)]);
    }
    std::sort(chosen.begin(), chosen.end());
    chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
    candidates.swap(chosen);
}

int64_t unit_seconds(Freq f) {
    return f == Freq::hourly ? 3600 : f == Freq::minutely ? 60 : 1;
}

int64_t floor_div(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/// Whole FREQ units (days, weeks from WKST, months, years) from DTSTART's period to `t`'s.
int64_t units_between(const RRule& r, LocalTime dtstart, LocalTime t) {
    const int64_t a = date::floor<date::days>(dtstart).time_since_epoch().count();
    const int64_t b = date::floor<date::days>(t).time_since_epoch().count();
    const DayInfo da = day_info(a), db = day_info(b);
    switch (r.freq) {
        case Freq::yearly:
            return db.year - da.year;
        case Freq::monthly:
            return (db.year - da.year) * int64_t{12} + db.month - da.month;
        case Freq::weekly:
            return ((b - (db.weekday - r.wkst + 7) % 7) - (a - (da.weekday - r.wkst + 7) % 7)) / 7;
        default:
            return b - a;
    }
}

const char* kRuleForms =
    "expected RFC 5545 rule parts such as FREQ=YEARLY, FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH, "
    "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20301231T000000Z or FREQ=DAILY;COUNT=10";

/// Reads the text of one RRULE and reports what RFC 5545 expects where it does not fit.
class RuleParser {
  public:
    explicit RuleParser(const std::string& text) : text_(text) {}

    [[noreturn]] void fail(const std::string& msg) const {
        bad_param("rrule", "rrule '" + text_ + "': " + msg);
    }

    /// A whole number in [lo, hi]; with `signed_ok` also in [-hi, -lo] (0 never).
    int number(std::string_view name, std::string_view v, int lo, int hi, bool signed_ok) const {
        const bool negative = !v.empty() && v[0] == '-';
        std::string_view digits = !v.empty() && (v[0] == '-' || v[0] == '+') ? v.substr(1) : v;
        int64_t n = 0;
        bool ok = !digits.empty() && digits.size() <= 10 && (signed_ok || v[0] != '-');
        for (char c : digits) {
            if (!std::isdigit(static_cast<unsigned char>(c))) ok = false;
            n = n * 10 + (c - '0');
        }
        if (!ok || n < lo || n > hi)
            fail(std::string(name) + " takes " + (signed_ok ? "±" : "") + std::to_string(lo) +
                 " to " + (signed_ok ? "±" : "") + std::to_string(hi) + ", not '" + std::string(v) +
                 "'");
        return static_cast<int>(negative ? -n : n);
    }

    std::vector<int> numbers(std::string_view name, std::string_view v, int lo, int hi,
                             bool signed_ok) const {
        std::vector<int> out;
        for (std::string_view item : split(v, ','))
            out.push_back(number(name, item, lo, hi, signed_ok));
        return out;
    }

    int weekday(std::string_view v) const {
        for (int i = 0; i < 7; ++i)
            if (v == kWeekdays[i]) return i;
        fail("'" + std::string(v) + "' is not a weekday; expected MO, TU, WE, TH, FR, SA or SU");
    }

    std::vector<WeekdayNum> weekdays(std::string_view v) const {
        std::vector<WeekdayNum> out;
        for (std::string_view item : split(v, ',')) {
            if (item.size() < 2) fail("BYDAY takes weekdays such as MO, 2TU or -1FR");
            WeekdayNum w;
            w.weekday = weekday(item.substr(item.size() - 2));
            if (item.size() > 2)
                w.ordinal = number("a BYDAY ordinal", item.substr(0, item.size() - 2), 1, 53, true);
            out.push_back(w);
        }
        return out;
    }

    void until(std::string_view v, RRule& r) const {
        auto digits = [&](size_t at, size_t n) {
            int out = 0;
            for (size_t i = at; i < at + n; ++i) {
                if (i >= v.size() || !std::isdigit(static_cast<unsigned char>(v[i]))) return -1;
                out = out * 10 + (v[i] - '0');
            }
            return out;
        };
        const bool has_time = v.size() >= 15 && v[8] == 'T';
        const bool utc = has_time && v.size() == 16 && v[15] == 'Z';
        if (!(v.size() == 8 || (has_time && (v.size() == 15 || utc))))
            fail(
                "UNTIL takes a date (20301231) or a date-time (20301231T170000Z in UTC, or "
                "20301231T170000 for a floating start), not '" +
                std::string(v) + "'");
        const date::year_month_day ymd{date::year{digits(0, 4)},
                                       date::month{static_cast<unsigned>(digits(4, 2))},
                                       date::day{static_cast<unsigned>(digits(6, 2))}};
        const int h = has_time ? digits(9, 2) : 0, m = has_time ? digits(11, 2) : 0,
                  sec = has_time ? digits(13, 2) : 0;
        if (digits(0, 8) < 0 || !ymd.ok() || static_cast<int>(ymd.year()) < 1 || h < 0 || h > 23 ||
            m < 0 || m > 59 || sec < 0 || sec > 60)
            fail("UNTIL '" + std::string(v) + "' is not a valid date or date-time");
        r.until = LocalTime{date::local_days{ymd}} + std::chrono::hours{h} +
                  std::chrono::minutes{m} + Seconds{std::min(sec, 59)};
        r.until_form = !has_time ? UntilForm::date : utc ? UntilForm::utc : UntilForm::local;
    }

    static std::vector<std::string_view> split(std::string_view v, char sep) {
        std::vector<std::string_view> out;
        for (size_t pos = 0;;) {
            size_t at = v.find(sep, pos);
            out.push_back(v.substr(pos, at == std::string_view::npos ? at : at - pos));
            if (at == std::string_view::npos) return out;
            pos = at + 1;
        }
    }

  private:
    const std::string& text_;
};

Freq freq_from(const RuleParser& p, std::string_view v) {
    static const std::pair<const char*, Freq> names[] = {
        {"SECONDLY", Freq::secondly}, {"MINUTELY", Freq::minutely}, {"HOURLY", Freq::hourly},
        {"DAILY", Freq::daily},       {"WEEKLY", Freq::weekly},     {"MONTHLY", Freq::monthly},
        {"YEARLY", Freq::yearly}};
    for (const auto& [name, f] : names)
        if (v == name) return f;
    p.fail("FREQ must be SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY, not '" +
           std::string(v) + "'; " + kRuleForms);
}

/// RFC 5545 §3.3.10's table of which BY parts each FREQ allows, and the other MUSTs.
void check_combinations(const RuleParser& p, const RRule& r, bool all_day) {
    const bool day_or_longer_period =
        r.freq == Freq::daily || r.freq == Freq::weekly || r.freq == Freq::monthly;
    if (!r.by_week_no.empty() && r.freq != Freq::yearly)
        p.fail("BYWEEKNO is allowed only with FREQ=YEARLY");
    if (!r.by_year_day.empty() && day_or_longer_period)
        p.fail(
            "BYYEARDAY is allowed with FREQ=YEARLY, HOURLY, MINUTELY or SECONDLY, not with "
            "DAILY, WEEKLY or MONTHLY");
    if (!r.by_month_day.empty() && r.freq == Freq::weekly)
        p.fail("BYMONTHDAY is not allowed with FREQ=WEEKLY; use BYDAY for days of the week");
    const bool ordinals = std::any_of(r.by_day.begin(), r.by_day.end(),
                                      [](const WeekdayNum& w) { return w.ordinal != 0; });
    if (ordinals && r.freq != Freq::monthly && r.freq != Freq::yearly)
        p.fail("a BYDAY with a number (2MO, -1FR) is allowed only with FREQ=MONTHLY or YEARLY");
    if (ordinals && !r.by_week_no.empty())
        p.fail("a BYDAY with a number (2MO, -1FR) is not allowed together with BYWEEKNO");
    if (ordinals && r.freq == Freq::monthly &&
        std::any_of(r.by_day.begin(), r.by_day.end(),
                    [](const WeekdayNum& w) { return std::abs(w.ordinal) > 5; }))
        p.fail("with FREQ=MONTHLY a BYDAY number is ±1 to ±5 (a month has at most five of a day)");
    const bool other_by = !r.by_second.empty() || !r.by_minute.empty() || !r.by_hour.empty() ||
                          !r.by_day.empty() || !r.by_month_day.empty() || !r.by_year_day.empty() ||
                          !r.by_week_no.empty() || !r.by_month.empty();
    if (!r.by_set_pos.empty() && !other_by)
        p.fail("BYSETPOS needs another BYxxx part to pick from (such as BYDAY=MO,TU,WE,TH,FR)");
    if (r.count > 0 && r.until_form != UntilForm::none)
        p.fail("give either COUNT or UNTIL, not both");
    if (all_day && (r.freq < Freq::daily || !r.by_hour.empty() || !r.by_minute.empty() ||
                    !r.by_second.empty()))
        p.fail(
            "an all-day event repeats by days: FREQ HOURLY, MINUTELY, SECONDLY and BYHOUR, "
            "BYMINUTE, BYSECOND need a start with a time of day");
}

}  // namespace

RRuleIterator::RRuleIterator(const RRule& rule, LocalTime dtstart, LocalTime from, LocalTime limit)
    : rule_(effective_rule(rule, dtstart)),
      dtstart_(dtstart),
      offsets_(offsets(rule_)),
      start_day_(date::floor<date::days>(dtstart).time_since_epoch().count()),
      last_day_(days_from_civil(kLastYear, 12, 31)),
      limit_(limit.time_since_epoch().count()) {
    const LocalTime begin = std::max(from, dtstart);
    if (rule_.freq >= Freq::daily) {
        period_ = begin > dtstart ? units_between(rule_, dtstart, begin) / rule_.interval : 0;
        return;
    }
    const int64_t unit = unit_seconds(rule_.freq);
    first_period_ = floor_div(dtstart.time_since_epoch().count(), unit) * unit;
    next_second_ = floor_div(begin.time_since_epoch().count(), unit) * unit;
}

std::optional<LocalTime> RRuleIterator::next() {
    while (pos_ == pending_.size()) {
        pending_.clear();
        pos_ = 0;
        if (done_ || !(rule_.freq >= Freq::daily ? fill_day_period() : fill_sub_daily())) {
            done_ = true;
            return std::nullopt;
        }
    }
    return pending_[pos_++];
}

void RRuleIterator::emit() {
    select_positions(rule_.by_set_pos, candidates_);
    for (LocalTime t : candidates_)
        if (t >= dtstart_) pending_.push_back(t);
}

int64_t RRuleIterator::period_first_day() const {
    const DayInfo s = day_info(start_day_);
    const int64_t n = period_ * rule_.interval;
    switch (rule_.freq) {
        case Freq::yearly:
            return s.year + n > kLastYear ? last_day_ + 1
                                          : days_from_civil(static_cast<int>(s.year + n), 1, 1);
        case Freq::monthly: {
            const int64_t index = s.year * int64_t{12} + (s.month - 1) + n;
            return index / 12 > kLastYear ? last_day_ + 1
                                          : days_from_civil(static_cast<int>(index / 12),
                                                            static_cast<int>(index % 12) + 1, 1);
        }
        case Freq::weekly:
            return start_day_ - (s.weekday - rule_.wkst + 7) % 7 + 7 * n;
        default:
            return start_day_ + n;
    }
}

void RRuleIterator::month_days(int y, int m) {
    if (!rule_.by_month.empty() && !has(rule_.by_month, m)) return;
    const int64_t first = days_from_civil(y, m, 1);
    const int len = month_length(y, m);
    if (rule_.by_day.empty() && rule_.by_year_day.empty() && rule_.by_week_no.empty() &&
        !rule_.by_month_day.empty()) {  // the common shape, named days of the month: no scan
        const size_t mark = days_.size();
        for (int md : rule_.by_month_day) {
            const int d = md > 0 ? md : len + 1 + md;
            if (d >= 1 && d <= len) days_.push_back(first + d - 1);
        }
        std::sort(days_.begin() + static_cast<std::ptrdiff_t>(mark), days_.end());
        days_.erase(std::unique(days_.begin() + static_cast<std::ptrdiff_t>(mark), days_.end()),
                    days_.end());
        return;
    }
    for (int64_t d = first; d < first + len; ++d)
        if (day_matches(rule_, day_info(d))) days_.push_back(d);
}

void RRuleIterator::period_days() {
    const DayInfo s = day_info(start_day_);
    const int64_t n = period_ * rule_.interval;
    switch (rule_.freq) {
        case Freq::yearly:
            for (int m = 1; m <= 12; ++m) month_days(static_cast<int>(s.year + n), m);
            return;
        case Freq::monthly: {
            const int64_t index = s.year * int64_t{12} + (s.month - 1) + n;
            month_days(static_cast<int>(index / 12), static_cast<int>(index % 12) + 1);
            return;
        }
        case Freq::weekly: {
            const int64_t week = start_day_ - (s.weekday - rule_.wkst + 7) % 7 + 7 * n;
            for (int64_t d = week; d < week + 7; ++d)
                if (d <= last_day_ && day_matches(rule_, day_info(d))) days_.push_back(d);
            return;
        }
        default:
            if (day_matches(rule_, day_info(start_day_ + n))) days_.push_back(start_day_ + n);
            return;
    }
}

bool RRuleIterator::fill_day_period() {
    const int64_t first = period_first_day();
    if (first > last_day_ || first * kDaySeconds >= limit_) return false;
    days_.clear();
    period_days();
    candidates_.clear();
    for (int64_t d : days_)
        for (int off : offsets_) candidates_.push_back(LocalTime{Seconds{d * kDaySeconds + off}});
    emit();
    ++period_;
    return true;
}

/// HOURLY, MINUTELY, SECONDLY: the next period (an hour, minute or second every INTERVAL) whose
/// day, hour, minute and second pass the limits; failing days, hours and minutes are skipped whole.
bool RRuleIterator::fill_sub_daily() {
    const int64_t step = unit_seconds(rule_.freq) * rule_.interval;
    int64_t cached_day = -1;
    bool day_ok = false;
    for (;;) {
        const int64_t behind = next_second_ - first_period_;
        const int64_t p = first_period_ + (behind <= 0 ? 0 : (behind + step - 1) / step) * step;
        const int64_t day = floor_div(p, kDaySeconds);
        if (day > last_day_ || p >= limit_) return false;
        if (day != cached_day) {
            cached_day = day;
            day_ok = day_matches(rule_, day_info(day));
        }
        const int sec = static_cast<int>(p - day * kDaySeconds);
        if (!day_ok) {
            next_second_ = (day + 1) * kDaySeconds;
        } else if (!rule_.by_hour.empty() && !has(rule_.by_hour, sec / 3600)) {
            next_second_ = (floor_div(p, 3600) + 1) * 3600;
        } else if (rule_.freq <= Freq::minutely && !rule_.by_minute.empty() &&
                   !has(rule_.by_minute, sec / 60 % 60)) {
            next_second_ = (floor_div(p, 60) + 1) * 60;
        } else if (rule_.freq == Freq::secondly && !rule_.by_second.empty() &&
                   !has(rule_.by_second, sec % 60)) {
            next_second_ = p + 1;
        } else {
            candidates_.clear();
            for (int off : offsets_) candidates_.push_back(LocalTime{Seconds{p + off}});
            emit();
            next_second_ = p + 1;
            return true;
        }
    }
}

}  // namespace herald

namespace herald {

RRule parse_rrule(const std::string& text, bool all_day) {
    RuleParser p(text);
    RRule r;
    std::string upper(text);
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    std::vector<std::string_view> seen;
    bool has_freq = false;
    for (std::string_view part : RuleParser::split(upper, ';')) {
        if (part.empty()) continue;  // a stray ';' (seen in the wild) says nothing
        const size_t eq = part.find('=');
        if (eq == std::string_view::npos || eq + 1 == part.size())
            p.fail("'" + std::string(part) + "' is not NAME=VALUE; " + kRuleForms);
        const std::string_view name = part.substr(0, eq), v = part.substr(eq + 1);
        if (std::find(seen.begin(), seen.end(), name) != seen.end())
            p.fail(std::string(name) + " is given twice");
        seen.push_back(name);
        if (name == "FREQ") {
            r.freq = freq_from(p, v);
            has_freq = true;
        } else if (name == "UNTIL") {
            p.until(v, r);
        } else if (name == "COUNT") {
            r.count = p.number("COUNT", v, 1, kMaxRecurrenceCount, false);
        } else if (name == "INTERVAL") {
            r.interval = p.number("INTERVAL", v, 1, 2147483647, false);
        } else if (name == "BYSECOND") {
            r.by_second = p.numbers(name, v, 0, 60, false);
        } else if (name == "BYMINUTE") {
            r.by_minute = p.numbers(name, v, 0, 59, false);
        } else if (name == "BYHOUR") {
            r.by_hour = p.numbers(name, v, 0, 23, false);
        } else if (name == "BYDAY") {
            r.by_day = p.weekdays(v);
        } else if (name == "BYMONTHDAY") {
            r.by_month_day = p.numbers(name, v, 1, 31, true);
        } else if (name == "BYYEARDAY") {
            r.by_year_day = p.numbers(name, v, 1, 366, true);
        } else if (name == "BYWEEKNO") {
            r.by_week_no = p.numbers(name, v, 1, 53, true);
        } else if (name == "BYMONTH") {
            r.by_month = p.numbers(name, v, 1, 12, false);
        } else if (name == "BYSETPOS") {
            r.by_set_pos = p.numbers(name, v, 1, 366, true);
        } else if (name == "WKST") {
            r.wkst = p.weekday(v);
        } else if (name == "RSCALE" || name == "SKIP") {
            p.fail("RSCALE and SKIP (RFC 7529, non-Gregorian calendars) are not supported");
        } else {
            p.fail("unknown rule part '" + std::string(name) + "'; " + kRuleForms);
        }
    }
    if (!has_freq) p.fail(std::string("FREQ is required; ") + kRuleForms);
    check_combinations(p, r, all_day);
    return r;
}

}  // namespace herald
