#include "core/duration.hpp"

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include "core/errors.hpp"

namespace herald {

Seconds parse_duration(std::string_view text, std::string_view field) {
    const std::string expected =
        "expected an RFC 5545 duration such as -P1D, -PT15M, PT1H30M or P1W, got '" +
        std::string(text) + "'";
    std::string_view s = text;
    int sign = 1;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        sign = s[0] == '-' ? -1 : 1;
        s.remove_prefix(1);
    }
    if (s.size() < 3 || s[0] != 'P') bad_param(std::string(field), expected);
    s.remove_prefix(1);
    bool in_time = false, any = false;
    int rank = -1;  // of the last unit read: W=0, D=1, H=2, M=3, S=4; units must strictly increase
    int64_t total = 0;
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
        constexpr int64_t kScale[] = {7 * 86400, 86400, 3600, 60, 1};
        const size_t found = kUnits.find(unit);
        const int unit_rank = found == std::string_view::npos ? -1 : static_cast<int>(found);
        if (unit_rank < 0 || (unit_rank >= 2) != in_time || rank == 0 || unit_rank <= rank)
            bad_param(std::string(field), expected);
        rank = unit_rank;
        const int64_t scale = kScale[found];
        total += value * scale;
        any = true;
    }
    if (!any) bad_param(std::string(field), expected);
    return Seconds{sign * total};
}

Seconds parse_human_duration(std::string_view text, std::string_view field) {
    std::string_view s = text;
    if (!s.empty() &&
        (s[0] == 'P' || ((s[0] == '-' || s[0] == '+') && s.size() > 1 && s[1] == 'P')))
        return parse_duration(text, field);
    const std::string expected = "cannot read the duration '" + std::string(text) +
                                 "': expected forms like 15m, 1h30m, 2d, 1w, 90s or PT15M";
    if (s.empty()) bad_param(std::string(field), expected);
    int64_t total = 0;
    while (!s.empty()) {
        size_t n = 0;
        int64_t value = 0;
        while (n < s.size() && n < 9 && std::isdigit(static_cast<unsigned char>(s[n])))
            value = value * 10 + (s[n++] - '0');
        if (n == 0 || n == s.size()) bad_param(std::string(field), expected);
        int64_t scale = 0;
        switch (s[n]) {
            case 'w':
                scale = 7 * 86400;
                break;
            case 'd':
                scale = 86400;
                break;
            case 'h':
                scale = 3600;
                break;
            case 'm':
                scale = 60;
                break;
            case 's':
                scale = 1;
                break;
            default:
                bad_param(std::string(field), expected);
        }
        // Why: parts may repeat ("1w1w..."), so a long enough text would overflow int64_t.
        if (value * scale > std::numeric_limits<int64_t>::max() - total)
            bad_param(std::string(field), expected);
        total += value * scale;
        s.remove_prefix(n + 1);
    }
    return Seconds{total};
}

std::string format_duration(Seconds d) {
    int64_t v = d.count();
    std::string out = v < 0 ? "-P" : "P";
    v = std::llabs(v);
    if (v == 0) return "PT0S";
    if (v % (7 * 86400) == 0) return out + std::to_string(v / (7 * 86400)) + "W";
    if (v >= 86400) {
        out += std::to_string(v / 86400) + "D";
        v %= 86400;
    }
    if (v == 0) return out;
    out += "T";
    if (v >= 3600) out += std::to_string(v / 3600) + "H";
    if (v % 3600 >= 60) out += std::to_string(v % 3600 / 60) + "M";
    if (v % 60) out += std::to_string(v % 60) + "S";
    return out;
}

}  // namespace herald
