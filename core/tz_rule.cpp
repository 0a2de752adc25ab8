#include "core/tz_rule.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "core/errors.hpp"

namespace herald {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

/// A cursor over a TZ string that reports errors with the string, the position and what was
/// expected.
class TzReader {
  public:
    TzReader(std::string_view text, std::string_view field) : text_(text), field_(field) {}

    bool at_end() const { return pos_ == text_.size(); }
    char peek() const { return at_end() ? '\0' : text_[pos_]; }
    bool accept(char c) {
        if (peek() != c) return false;
        ++pos_;
        return true;
    }
    void expect(char c, const std::string& what) {
        if (!accept(c)) fail(what);
    }

    [[noreturn]] void fail(const std::string& what) const {
        std::string where = at_end() ? "at the end"
                                     : "at position " + std::to_string(pos_ + 1) + " ('" +
                                           std::string(1, text_[pos_]) + "')";
        bad_time(std::string(field_), "invalid POSIX TZ rule '" + std::string(text_) + "' " +
                                          where + ": expected " + what +
                                          " (such as CET-1CEST,M3.5.0,M10.5.0/3 or <+0545>-5:45)");
    }

    /// A zone abbreviation: 3+ letters, or <...> of 3+ letters, digits, '+' and '-'.
    std::string abbrev(const std::string& which) {
        std::string out;
        if (accept('<')) {
            while (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '+' ||
                   peek() == '-')
                out += text_[pos_++];
            if (out.size() < 3)
                fail("a " + which + " name of at least 3 letters, digits or signs inside <>");
            expect('>', "'>' closing the " + which + " name");
            return out;
        }
        while (std::isalpha(static_cast<unsigned char>(peek()))) out += text_[pos_++];
        if (out.size() < 3)
            fail("a " + which + " name of at least 3 letters (or <...> for names such as <+0545>)");
        return out;
    }

    /// A number of at most `max_digits` digits no greater than `max`.
    int number(size_t max_digits, int max, const std::string& what) {
        size_t start = pos_;
        int value = 0;
        while (pos_ < text_.size() && pos_ - start < max_digits &&
               std::isdigit(static_cast<unsigned char>(text_[pos_])))
            value = value * 10 + (text_[pos_++] - '0');
        if (pos_ == start) fail(what);
        if (value > max) {
            pos_ = start;
            fail(what + " (at most " + std::to_string(max) + ")");
        }
        return value;
    }

    /// [+-]h[h][:mm[:ss]] with hours up to `max_hours`; returns signed seconds.
    Seconds hms(int max_hours, const std::string& what) {
        int sign = 1;
        if (accept('-'))
            sign = -1;
        else
            accept('+');
        const size_t hour_digits = max_hours > 99 ? 3 : 2;
        Seconds total = hours{
            number(hour_digits, max_hours, what + " hours (0-" + std::to_string(max_hours) + ")")};
        if (accept(':')) {
            total += minutes{number(2, 59, what + " minutes (00-59)")};
            if (accept(':')) total += Seconds{number(2, 59, what + " seconds (00-59)")};
        }
        return sign * total;
    }

    /// Mm.w.d, Jn or n, then an optional /time (default 02:00).
    TzRuleDate rule_date(const std::string& which) {
        TzRuleDate d;
        if (accept('M')) {
            d.kind = TzRuleDate::Kind::month_week_day;
            d.month = number(2, 12, "the month of " + which + " (M1-M12)");
            if (d.month < 1) fail("the month of " + which + " (M1-M12)");
            expect('.', "'.' after the month of " + which + " (Mm.w.d)");
            d.week = number(1, 5, "the week of " + which + " (1-5, 5 = last)");
            if (d.week < 1) fail("the week of " + which + " (1-5, 5 = last)");
            expect('.', "'.' after the week of " + which + " (Mm.w.d)");
            d.weekday = number(1, 6, "the weekday of " + which + " (0 = Sunday to 6)");
        } else if (accept('J')) {
            d.kind = TzRuleDate::Kind::julian;
            d.day = number(3, 365, "the day of " + which + " after J (1-365)");
            if (d.day < 1) fail("the day of " + which + " after J (1-365)");
        } else {
            d.kind = TzRuleDate::Kind::day_of_year;
            d.day = number(3, 365, "the date of " + which + ": Mm.w.d, Jn or n (0-365)");
        }
        // RFC 8536 §3.3.1 extends POSIX: the time may be negative or up to 167 hours.
        if (accept('/')) d.time = hms(167, "the time of " + which);
        return d;
    }

  private:
    std::string_view text_;
    std::string_view field_;
    size_t pos_ = 0;
};

date::local_days day_of(const TzRuleDate& d, int year) {
    const date::year y{year};
    const date::local_days jan1{y / date::January / 1};
    switch (d.kind) {
        case TzRuleDate::Kind::julian: {
            const int leap_day = y.is_leap() && d.day >= 60 ? 1 : 0;  // Jn never counts 29 February
            return jan1 + date::days{d.day - 1 + leap_day};
        }
        case TzRuleDate::Kind::day_of_year:
            return jan1 + date::days{d.day};
        case TzRuleDate::Kind::month_week_day:
            break;
    }
    const date::month m{static_cast<unsigned>(d.month)};
    const date::weekday wd{static_cast<unsigned>(d.weekday)};
    if (d.week == 5) return date::local_days{y / m / wd[date::last]};
    return date::local_days{y / m / wd[static_cast<unsigned>(d.week)]};
}

/// A POSIX time or offset: [-]h[:mm[:ss]], minutes and seconds only when needed.
std::string hms_text(Seconds s) {
    std::string out = s.count() < 0 ? "-" : "";
    const auto v = std::chrono::abs(s).count();
    out += std::to_string(v / 3600);
    auto two = [](long long n) { return std::string(n < 10 ? "0" : "") + std::to_string(n); };
    if (v % 3600 != 0) out += ":" + two(v % 3600 / 60);
    if (v % 60 != 0) out += ":" + two(v % 60);
    return out;
}

std::string abbrev_text(const std::string& name) {
    const bool letters = name.size() >= 3 && std::all_of(name.begin(), name.end(), [](char c) {
                             return std::isalpha(static_cast<unsigned char>(c)) != 0;
                         });
    return letters ? name : "<" + name + ">";
}

std::string date_text(const TzRuleDate& d) {
    std::string out;
    switch (d.kind) {
        case TzRuleDate::Kind::month_week_day:
            out = "M" + std::to_string(d.month) + "." + std::to_string(d.week) + "." +
                  std::to_string(d.weekday);
            break;
        case TzRuleDate::Kind::julian:
            out = "J" + std::to_string(d.day);
            break;
        case TzRuleDate::Kind::day_of_year:
            out = std::to_string(d.day);
            break;
    }
    return d.time == hours{2} ? out : out + "/" + hms_text(d.time);
}

uint64_t be32(std::string_view b, size_t pos) {
    uint64_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(b[pos + i]);
    return v;
}

}  // namespace

TzRule parse_tz_rule(std::string_view text, std::string_view field) {
    TzReader in(text, field);
    TzRule rule;
    rule.std_abbrev = in.abbrev("standard time");
    // POSIX offsets count hours west of Greenwich; Herald's offsets are east-positive.
    rule.std_offset = -in.hms(24, "the standard time offset");
    if (in.at_end()) return rule;
    rule.dst_abbrev = in.abbrev("daylight time");
    rule.dst_offset = rule.std_offset + hours{1};
    if (!in.at_end() && in.peek() != ',')
        rule.dst_offset = -in.hms(24, "the daylight time offset or ','");
    // POSIX leaves a missing rule to the implementation; TZif footers always carry one.
    in.expect(',', "',' and the DST start and end rules after the daylight time name");
    rule.dst_start = in.rule_date("the DST start");
    in.expect(',', "',' and the DST end rule");
    rule.dst_end = in.rule_date("the DST end");
    if (!in.at_end()) in.fail("the end of the rule");
    return rule;
}

std::string format_tz_rule(const TzRule& rule) {
    // POSIX offsets count hours west of Greenwich.
    std::string out = abbrev_text(rule.std_abbrev) + hms_text(-rule.std_offset);
    if (!rule.has_dst()) return out;
    out += abbrev_text(rule.dst_abbrev);
    if (rule.dst_offset != rule.std_offset + hours{1}) out += hms_text(-rule.dst_offset);
    return out + "," + date_text(rule.dst_start) + "," + date_text(rule.dst_end);
}

std::optional<std::array<TzTransition, 2>> tz_transitions(const TzRule& rule, int year) {
    if (!rule.has_dst()) return std::nullopt;
    // The start's time is read in standard time, the end's in daylight time (POSIX).
    TzTransition start{
        Instant{(day_of(rule.dst_start, year) + rule.dst_start.time - rule.std_offset)
                    .time_since_epoch()},
        true};
    TzTransition end{
        Instant{
            (day_of(rule.dst_end, year) + rule.dst_end.time - rule.dst_offset).time_since_epoch()},
        false};
    if (start.at < end.at) return std::array<TzTransition, 2>{start, end};
    return std::array<TzTransition, 2>{end, start};
}

TzState tz_state_at(const TzRule& rule, Instant t) {
    TzState standard{rule.std_offset, rule.std_abbrev, false};
    if (!rule.has_dst()) return standard;
    const int year =
        static_cast<int>(date::year_month_day{date::floor<date::days>(t + rule.std_offset)}.year());
    // Transition times may reach 167 h into a neighbouring year, so the years around are merged.
    std::array<TzTransition, 8> all{};
    for (int i = 0; i < 4; ++i) {
        auto pair = *tz_transitions(rule, year - 2 + i);
        all[static_cast<size_t>(2 * i)] = pair[0];
        all[static_cast<size_t>(2 * i + 1)] = pair[1];
    }
    // At equal instants the end sorts first: "DST all year" rules (EST5EDT4,0/0,J365/25) end one
    // year's DST exactly when the next year's begins, and DST must go on.
    std::sort(all.begin(), all.end(), [](const TzTransition& a, const TzTransition& b) {
        return a.at != b.at ? a.at < b.at : (!a.to_dst && b.to_dst);
    });
    bool dst = !all.front().to_dst;
    for (const auto& tr : all) {
        if (tr.at > t) break;
        dst = tr.to_dst;
    }
    if (!dst) return standard;
    return {rule.dst_offset, rule.dst_abbrev, true};
}

std::optional<std::string> tzif_footer(std::string_view b) {
    constexpr size_t kHeader = 44;
    auto header_ok = [&](size_t pos) {
        return pos + kHeader <= b.size() && b.substr(pos, 4) == "TZif";
    };
    if (!header_ok(0)) return std::nullopt;
    // Counts, in order: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt (RFC 8536 §3.1).
    auto block_size = [&](size_t pos, uint64_t time_size) {
        uint64_t isut = be32(b, pos + 20), isstd = be32(b, pos + 24), leap = be32(b, pos + 28);
        uint64_t timecnt = be32(b, pos + 32), typecnt = be32(b, pos + 36),
                 charcnt = be32(b, pos + 40);
        return timecnt * (time_size + 1) + typecnt * 6 + charcnt + leap * (time_size + 4) + isstd +
               isut;
    };
    const char version = b[4];
    if (version == '\0') return std::string{};
    const uint64_t second = kHeader + block_size(0, 4);
    if (second > b.size() || !header_ok(static_cast<size_t>(second))) return std::nullopt;
    const uint64_t footer = second + kHeader + block_size(static_cast<size_t>(second), 8);
    if (footer >= b.size() || b[static_cast<size_t>(footer)] != '\n') return std::nullopt;
    const size_t begin = static_cast<size_t>(footer) + 1;
    const size_t nl = b.find('\n', begin);
    if (nl == std::string_view::npos) return std::nullopt;
    return std::string(b.substr(begin, nl - begin));
}

}  // namespace herald
