#include "core/anniversary.hpp"

namespace herald {
namespace {

void replace_all(std::string& s, std::string_view what, const std::string& with) {
    for (size_t pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + with.size()))
        s.replace(pos, what.size(), with);
}

}  // namespace

bool has_anniversary_placeholder(const std::string& title) {
    return title.find("{n}") != std::string::npos || title.find("{ordinal}") != std::string::npos;
}

int years_between(const CalTime& first, const CalTime& occurrence) {
    date::year_month_day a{date::floor<date::days>(first.local)},
        b{date::floor<date::days>(occurrence.local)};
    int years = static_cast<int>(b.year()) - static_cast<int>(a.year());
    if (date::month_day{b.month(), b.day()} < date::month_day{a.month(), a.day()}) --years;
    return years;
}

std::string ordinal(int n) {
    const int last_two = (n < 0 ? -n : n) % 100;
    const int last = last_two % 10;
    const char* suffix = "th";
    if (last_two < 11 || last_two > 13) {
        if (last == 1)
            suffix = "st";
        else if (last == 2)
            suffix = "nd";
        else if (last == 3)
            suffix = "rd";
    }
    return std::to_string(n) + suffix;
}

ExpandedTitle expand_title(const std::string& title, const CalTime& first,
                           const CalTime& occurrence) {
    ExpandedTitle out{title, std::nullopt};
    if (!has_anniversary_placeholder(title)) return out;
    int n = years_between(first, occurrence);
    out.n = n;
    replace_all(out.title, "{n}", std::to_string(n));
    replace_all(out.title, "{ordinal}", ordinal(n));
    return out;
}

}  // namespace herald
