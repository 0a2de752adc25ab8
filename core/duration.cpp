#include "core/duration.hpp"

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include "core/errors.hpp"

namespace herald {
namespace {

/// Adds `value` * `scale` to `part`; false (and no change) when the sum would overflow int64_t.
bool accumulate(int64_t& part, int64_t value, int64_t scale) {
    if (value > (std::numeric_limits<int64_t>::max() - part) / scale) return false;
    part += value * scale;
    return true;
}

}  // namespace

Duration negated(Duration d) {
    d.negative = !d.negative;
    return d;
}

Seconds approx_seconds(const Duration& d) {
    // Why not date::days: its count is an int, too small for P999999999W.
    Seconds s = Seconds{(d.weeks * 7 + d.days) * 86400} + d.exact;
    return d.negative ? -s : s;
}

Instant add_duration(Instant anchor, const Duration& d, const date::time_zone* zone) {
    const int64_t sign = d.negative ? -1 : 1;
    Instant t = anchor;
    if (d.nominal()) {
        // RFC 5545 §3.3.6: a day is the same wall time on the next day, 23 or 25 hours across
        // a DST change; so move the local time, then resolve it in the zone again.
        const Seconds days{sign * (d.weeks * 7 + d.days) * 86400};
        t = resolve_local(to_local(anchor, zone) + days, zone);
    }
    return t + sign * d.exact;
}

Duration parse_duration(std::string_view text, std::string_view field) {
    const std::string expected =
        "expected an RFC 5545 duration such as -P1D, -PT15M, PT1H30M, PT24H or P1W, got '" +
        std::string(text) + "'";
    std::string_view s = text;
    Duration d;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        d.negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s.size() < 3 || s[0] != 'P') bad_param(std::string(field), expected);
    s.remove_prefix(1);
    bool in_time = false, any = false;
    int rank = -1;  // of the last unit read: W=0, D=1, H=2, M=3, S=4; units must strictly increase
    while (!s.empty()) {
        if (s[0] == 'T') {
            if (in_time || rank == 0) bad_param(std::string(field), expected);
            in_time = true;
            s.remove_prefix(1);
            if (s.empty())
                bad_param(std::string(field), expected);  // "T" needs an H, M or S after it
            continue;
        }
        size_t n = 0;
        int64_t value = 0;
        while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n])) && n < 9) {
            value = value * 10 + (s[n] - '0');
            ++n;
        }
        if (n == 0 || n == s.size()) bad_param(std::string(field), expected);
        char unit = s[n];
        s.remove_prefix(n + 1);
        // RFC 5545: a week stands alone; otherwise D, then (after T) H, M, S in order, each at most
        // once.
        constexpr std::string_view kUnits = "WDHMS";
        constexpr int64_t kScale[] = {1, 1, 3600, 60, 1};
        const size_t found = kUnits.find(unit);
        const int unit_rank = found == std::string_view::npos ? -1 : static_cast<int>(found);
        if (unit_rank < 0 || (unit_rank >= 2) != in_time || rank == 0 || unit_rank <= rank)
            bad_param(std::string(field), expected);
        rank = unit_rank;
        if (unit_rank == 0)
            d.weeks = value;
        else if (unit_rank == 1)
            d.days = value;
        else
            d.exact += Seconds{value * kScale[found]};
        any = true;
    }
    if (!any) bad_param(std::string(field), expected);
    return d;
}

Duration parse_calendar_duration(std::string_view text, std::string_view field) {
    std::string_view s = text;
    if (!s.empty() &&
        (s[0] == 'P' || ((s[0] == '-' || s[0] == '+') && s.size() > 1 && s[1] == 'P')))
        return parse_duration(text, field);
    const std::string expected =
        "cannot read the duration '" + std::string(text) +
        "': expected forms like 15m, 1h30m, 2d, 1w, 90s or PT15M (d and w keep the time of "
        "day across a DST change; 24h is exactly 24 hours)";
    if (s.empty()) bad_param(std::string(field), expected);
    Duration d;
    int64_t exact = 0;
    int64_t total = 0;  // in seconds (a day as 86400): approx_seconds must not overflow either
    while (!s.empty()) {
        size_t n = 0;
        int64_t value = 0;
        while (n < s.size() && n < 9 && std::isdigit(static_cast<unsigned char>(s[n])))
            value = value * 10 + (s[n++] - '0');
        if (n == 0 || n == s.size()) bad_param(std::string(field), expected);
        int64_t* part = nullptr;
        int64_t unit = 1, scale = 0;  // unit: of the part; scale: seconds per unit for `total`
        switch (s[n]) {
            case 'w':
                part = &d.weeks, scale = 7 * 86400;
                break;
            case 'd':
                part = &d.days, scale = 86400;
                break;
            case 'h':
                part = &exact, unit = scale = 3600;
                break;
            case 'm':
                part = &exact, unit = scale = 60;
                break;
            case 's':
                part = &exact, unit = scale = 1;
                break;
            default:
                bad_param(std::string(field), expected);
        }
        // Why: parts may repeat ("1w1w..."), so a long enough text would overflow.
        if (!accumulate(total, value, scale)) bad_param(std::string(field), expected);
        accumulate(*part, value, unit);  // cannot overflow when `total` did not
        s.remove_prefix(n + 1);
    }
    d.exact = Seconds{exact};
    if (d.weeks != 0 && (d.days != 0 || exact != 0)) {
        // RFC 5545 writes a week alone: "1w2d" is kept as nine nominal days.
        d.days += 7 * d.weeks;
        d.weeks = 0;
    }
    return d;
}

Seconds parse_human_duration(std::string_view text, std::string_view field) {
    return approx_seconds(parse_calendar_duration(text, field));
}

std::string format_duration(const Duration& d) {
    if (d.zero()) return "PT0S";
    std::string out = d.negative ? "-P" : "P";
    if (d.weeks != 0 && d.days == 0 && d.exact.count() == 0)
        return out + std::to_string(d.weeks) + "W";
    const int64_t days = d.weeks * 7 + d.days;
    if (days != 0) out += std::to_string(days) + "D";
    const int64_t v = d.exact.count();
    if (v == 0) return out;
    out += "T";
    if (v >= 3600) out += std::to_string(v / 3600) + "H";
    if (v % 3600 >= 60) out += std::to_string(v % 3600 / 60) + "M";
    if (v % 60) out += std::to_string(v % 60) + "S";
    return out;
}

}  // namespace herald
