#include "core/anniversary.hpp"

#include <optional>
#include <utility>

namespace herald {
namespace {

void replace_all(std::string& s, std::string_view what, const std::string& with) {
    for (size_t pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + with.size()))
        s.replace(pos, what.size(), with);
}

constexpr std::string_view kFirstOpen = "{first:";

/// The founding form of a title: TEXT of its `{first:TEXT}` and the title without that part;
/// nullopt when there is none (an unterminated `{first:` is plain text).
std::optional<std::pair<std::string, std::string>> split_first_form(const std::string& title) {
    size_t open = title.find(kFirstOpen);
    if (open == std::string::npos) return std::nullopt;
    size_t close = title.find('}', open + kFirstOpen.size());
    if (close == std::string::npos) return std::nullopt;
    std::string text = title.substr(open + kFirstOpen.size(), close - open - kFirstOpen.size());
    return std::pair{text, title.substr(0, open) + title.substr(close + 1)};
}

}  // namespace

bool has_anniversary_placeholder(const std::string& title) {
    return title.find("{n}") != std::string::npos || title.find("{ordinal}") != std::string::npos ||
           split_first_form(title).has_value();
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
    if (auto forms = split_first_form(title)) out.title = n == 0 ? forms->first : forms->second;
    replace_all(out.title, "{n}", std::to_string(n));
    replace_all(out.title, "{ordinal}", ordinal(n));
    return out;
}

}  // namespace herald
