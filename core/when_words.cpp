// Natural WHEN input read word by word (see core/when_words.hpp; herald(1) DATES).
#include "core/when_words.hpp"

#include <array>
#include <cctype>
#include <vector>

#include "core/errors.hpp"

namespace herald::when_detail {
namespace {

constexpr std::array<std::string_view, 7> kWeekdays{"sunday",   "monday", "tuesday", "wednesday",
                                                    "thursday", "friday", "saturday"};
constexpr std::array<std::string_view, 12> kMonths{"january",   "february", "march",    "april",
                                                   "may",       "june",     "july",     "august",
                                                   "september", "october",  "november", "december"};

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// Words of `s`, split at blanks; a trailing comma is dropped ("Dec 20, 2026").
std::vector<std::string> split(std::string_view s) {
    std::vector<std::string> out;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty() && cur.back() == ',') cur.pop_back();
        if (!cur.empty()) out.push_back(cur);
        cur.clear();
    };
    for (char c : s) {
        if (c == ' ' || c == '\t')
            flush();
        else
            cur += c;
    }
    flush();
    return out;
}

/// The index of `w` in `names` when it is a prefix of at least 3 letters ("fri", "Dec.", "sept").
std::optional<unsigned> name_index(std::string w, const auto& names) {
    if (!w.empty() && w.back() == '.') w.pop_back();
    if (w.size() < 3) return std::nullopt;
    for (unsigned i = 0; i < names.size(); ++i)
        if (names[i].substr(0, w.size()) == w) return i;
    return std::nullopt;
}

std::optional<date::weekday> weekday_of(const std::string& w) {
    auto i = name_index(w, kWeekdays);
    return i ? std::optional(date::weekday{*i}) : std::nullopt;
}

std::optional<date::month> month_of(const std::string& w) {
    auto i = name_index(w, kMonths);
    return i ? std::optional(date::month{*i + 1}) : std::nullopt;
}

/// "December" for month 12.
std::string month_name(date::month m) {
    std::string name(kMonths[static_cast<unsigned>(m) - 1]);
    name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
    return name;
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

/// A day of the month: "20", "20th", "1st"; nullopt otherwise.
std::optional<unsigned> day_number(std::string_view s) {
    for (std::string_view suffix : {"st", "nd", "rd", "th"})
        if (s.size() > 2 && s.ends_with(suffix)) s.remove_suffix(2);
    auto n = s.size() <= 2 ? number(s) : std::nullopt;
    if (!n || *n < 1 || *n > 31) return std::nullopt;
    return static_cast<unsigned>(*n);
}

/// A four-digit year after a day and a month ("Dec 20 2026").
std::optional<int> year_number(std::string_view s) {
    return s.size() == 4 ? number(s) : std::nullopt;
}

/// HHMM as minutes ("1430", "0900"); nullopt when not four digits of a valid time.
std::optional<int> hhmm(std::string_view s) {
    auto n = s.size() == 4 ? number(s) : std::nullopt;
    if (!n || *n / 100 > 23 || *n % 100 > 59) return std::nullopt;
    return *n / 100 * 60 + *n % 100;
}

/// A time of day in minutes: noon, midnight, 14:00, 9am, 9:30pm, 9.30pm, 1430; nullopt otherwise.
std::optional<int> time_of_day(std::string t) {
    if (t == "noon") return 12 * 60;
    if (t == "midnight") return 0;
    if (auto m = hhmm(t)) return m;
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

enum class Unit { second, minute, hour, day, week, month, year };

std::optional<Unit> unit_of(std::string u) {
    if (u.size() > 1 && u.back() == 's') u.pop_back();
    if (u == "s" || u == "sec" || u == "second") return Unit::second;
    if (u == "m" || u == "min" || u == "minute") return Unit::minute;
    if (u == "h" || u == "hr" || u == "hour") return Unit::hour;
    if (u == "d" || u == "day") return Unit::day;
    if (u == "w" || u == "wk" || u == "week") return Unit::week;
    if (u == "mo" || u == "month") return Unit::month;
    if (u == "y" || u == "yr" || u == "year") return Unit::year;
    return std::nullopt;
}

/// Reads the words of one WHEN into Parts; each reader consumes the words it understands.
class Reader {
  public:
    Reader(std::string_view text, const WhenContext& ctx, std::string_view field)
        : text_(text),
          field_(field),
          ctx_(ctx),
          words_(split(lower(text))),
          today_(date::floor<date::days>(to_local(ctx.now, ctx.viewer))) {}

    Parts read() {
        while (i_ < words_.size()) {
            if (!(skip() || day_word() || weekday() || relative() || month_first() || day_first() ||
                  month_year() || numeric_date() || iso_date() || clock()))
                unreadable(field_, text_, words_[i_]);
        }
        return parts_;
    }

  private:
    const std::string& word(size_t ahead = 0) const {
        static const std::string none;
        return i_ + ahead < words_.size() ? words_[i_ + ahead] : none;
    }

    /// Sets a part once. Why: "tomorrow 9am 10am" or "noon midnight" contradicts itself, and
    /// silently taking the last word would store a time the user did not mean.
    template <class T>
    void set_once(std::optional<T>& slot, T value, std::string_view what, size_t used) {
        if (slot)
            bad_time(std::string(field_), "\"" + std::string(text_) + "\" names more than one " +
                                              std::string(what) + "; give one");
        slot = value;
        i_ += used;
    }
    void set_day(date::local_days d, size_t used) { set_once(parts_.day, d, "day", used); }

    bool skip() {
        if (word() != "at" && word() != "on") return false;
        ++i_;
        return true;
    }

    bool day_word() {
        if (word() == "now")
            set_once(parts_.instant, ctx_.now, "relative time", 1);
        else if (word() == "today")
            set_day(today_, 1);
        else if (word() == "tomorrow")
            set_day(today_ + date::days{1}, 1);
        else if (word() == "yesterday")
            set_day(today_ - date::days{1}, 1);
        else
            return false;
        return true;
    }

    /// fri (this coming one, today included), next fri (after today), last fri (before today).
    bool weekday() {
        if (auto wd = weekday_of(word())) {
            set_day(today_ + (*wd - date::weekday{today_}), 1);
        } else if (auto next = weekday_of(word(1)); next && word() == "next") {
            auto from = today_ + date::days{1};
            set_day(from + (*next - date::weekday{from}), 2);
        } else if (next && word() == "last") {
            auto from = today_ - date::days{1};
            set_day(from - (date::weekday{from} - *next), 2);
        } else {
            return false;
        }
        return true;
    }

    /// in 3 days, 3 days ago, +2h, -3d, +10 s.
    bool relative() {
        const std::string& w = word();
        if (w == "in" && number(word(1)) && unit_of(word(2))) {
            apply(*number(word(1)), *unit_of(word(2)), 3);
        } else if (number(w) && unit_of(word(1)) && word(2) == "ago") {
            apply(-*number(w), *unit_of(word(1)), 3);
        } else if (w.size() > 1 && (w[0] == '+' || w[0] == '-')) {
            size_t digits_end = w.find_first_not_of("0123456789", 1);
            auto n =
                number(w.substr(1, digits_end == std::string::npos ? digits_end : digits_end - 1));
            std::string unit = digits_end == std::string::npos ? word(1) : w.substr(digits_end);
            if (!n || !unit_of(unit)) unreadable(field_, text_, w);
            apply(w[0] == '-' ? -*n : *n, *unit_of(unit), digits_end == std::string::npos ? 2 : 1);
        } else {
            return false;
        }
        return true;
    }

    /// N units from now: seconds to hours give an instant (kept to the second), days and
    /// longer a day (the viewer's today moved by whole days, weeks, months or years).
    void apply(int n, Unit u, size_t used) {
        auto instant = [&](Seconds s) {
            set_once(parts_.instant, ctx_.now + s, "relative time", used);
        };
        switch (u) {
            case Unit::second:
                return instant(Seconds{n});
            case Unit::minute:
                return instant(std::chrono::minutes{n});
            case Unit::hour:
                return instant(std::chrono::hours{n});
            case Unit::day:
                return set_day(today_ + date::days{n}, used);
            case Unit::week:
                return set_day(today_ + date::days{7 * n}, used);
            case Unit::month:
            case Unit::year: {
                date::year_month_day ymd{today_};
                auto ym = date::year_month{ymd.year(), ymd.month()} +
                          date::months{u == Unit::month ? n : 12 * n};
                auto last = (ym.year() / ym.month() / date::last).day();
                // 31 Jan + 1 month = 28/29 Feb
                return set_day(date::local_days{ym / std::min(ymd.day(), last)}, used);
            }
        }
    }

    /// Dec 20, December 20 2026.
    bool month_first() {
        auto m = month_of(word());
        auto d = m ? day_number(word(1)) : std::nullopt;
        if (!d) return false;
        auto y = year_number(word(2));
        calendar_day(*m, *d, y, y ? 3 : 2);
        return true;
    }

    /// 20 Dec, 20 December 2026.
    bool day_first() {
        auto d = day_number(word());
        auto m = d ? month_of(word(1)) : std::nullopt;
        if (!m) return false;
        auto y = year_number(word(2));
        calendar_day(*m, *d, y, y ? 3 : 2);
        return true;
    }

    /// December 2026, Dec 2026; a month name alone is this year's for a window's bound (as
    /// cal(1) reads it) and the next such month, this one included, when upcoming.
    bool month_year() {
        auto m = month_of(word());
        if (!m) return false;
        auto y = year_number(word(1));
        date::year_month_day today{today_};
        date::year_month ym{y ? date::year{*y} : today.year(), *m};
        if (!y && ctx_.upcoming && *m < today.month()) ym += date::years{1};
        set_once(parts_.month, ym, "month", y ? 2 : 1);
        return true;
    }

    /// Why by separator and not by locale: the same command line must mean the same day on every
    /// machine (scripts, cron, a server's C locale); "/" is month/day as in the US and GNU date,
    /// "." is day.month.year as in Germany and Russia, "-" is ISO (year first).
    bool numeric_date() {
        const std::string& w = word();
        char sep = w.find('/') != std::string::npos   ? '/'
                   : w.find('.') != std::string::npos ? '.'
                                                      : 0;
        if (sep == 0) return false;
        std::vector<std::string> f;
        for (size_t at = 0;;) {
            size_t end = w.find(sep, at);
            f.push_back(w.substr(at, end == std::string::npos ? end : end - at));
            if (end == std::string::npos) break;
            at = end + 1;
        }
        // Plain ints, -1 when absent: GCC 12 -O2 warns (maybe-uninitialized) on optionals here.
        int a = f[0].size() <= 2 ? number(f[0]).value_or(-1) : -1;
        int b = f.size() > 1 && f[1].size() <= 2 ? number(f[1]).value_or(-1) : -1;
        auto y = f.size() == 3 ? year_number(f[2]) : std::nullopt;
        // M/D, M/D/YYYY, D.M.YYYY ("9.30" alone is a time: a dotted date needs its year)
        bool ok =
            a >= 0 && b >= 0 && (sep == '/' ? f.size() == 2 || y : y.has_value()) && f.size() <= 3;
        if (!ok) {
            if (sep == '.' && f.size() == 2) return false;  // 9.30: a time (clock)
            unreadable(field_, text_, w);
        }
        unsigned month = static_cast<unsigned>(sep == '/' ? a : b);
        unsigned day = static_cast<unsigned>(sep == '/' ? b : a);
        if (month < 1 || month > 12) unreadable(field_, text_, w);
        calendar_day(date::month{month}, day, y, 1);
        return true;
    }

    /// A day and a month, with or without a year: without one, the next such day (today
    /// included) when the WHEN is upcoming, else this year's.
    void calendar_day(date::month m, unsigned d, std::optional<int> year, size_t used) {
        date::year y = date::year_month_day{today_}.year();
        const date::day dd{d};
        if (year) {
            y = date::year{*year};
        } else if (ctx_.upcoming) {
            // Why up to 8 years: Feb 29 comes back at most every 8 years (1896 -> 1904).
            for (int k = 0; k < 8 && !(date::year_month_day{y / m / dd}.ok() &&
                                       date::local_days{y / m / dd} >= today_);
                 ++k)
                y += date::years{1};
        }
        date::year_month_day ymd{y / m / dd};
        if (!ymd.ok())
            bad_time(std::string(field_), "\"" + std::string(text_) + "\" is not a date: " +
                                              month_name(m) + " has no day " + std::to_string(d) +
                                              (year ? " in " + std::to_string(*year) : ""));
        set_day(date::local_days{ymd}, used);
    }

    bool iso_date() {
        if (word().size() != 10) return false;
        auto iso = parse_iso(word(), field_);
        if (!iso || iso->value.precision != Precision::day) return false;
        set_day(date::floor<date::days>(iso->value.local), 1);
        return true;
    }

    /// 14:00, 9am, 9 am, noon, 1430.
    bool clock() {
        if (auto t = time_of_day(word())) {
            set_once(parts_.time, Seconds{std::chrono::minutes{*t}}, "time of day", 1);
        } else if (number(word()) && (word(1) == "am" || word(1) == "pm") &&
                   time_of_day(word() + word(1))) {
            set_once(parts_.time, Seconds{std::chrono::minutes{*time_of_day(word() + word(1))}},
                     "time of day", 2);
        } else {
            return false;
        }
        return true;
    }

    std::string_view text_;
    std::string_view field_;
    const WhenContext& ctx_;
    std::vector<std::string> words_;
    date::local_days today_;
    size_t i_ = 0;
    Parts parts_;
};

}  // namespace

Parts read_words(std::string_view text, const WhenContext& ctx, std::string_view field) {
    return Reader(text, ctx, field).read();
}

void unreadable(std::string_view field, std::string_view text, std::string_view part) {
    std::string what = "\"" + std::string(part) + "\"";
    if (part != text) what += " in \"" + std::string(text) + "\"";
    bad_time(std::string(field), "cannot read " + what + "; expected " + std::string(when_forms()));
}

bool is_bare_hhmm(std::string_view text) {
    auto n = hhmm(text);
    return n && *n < 19 * 60;
}

}  // namespace herald::when_detail
