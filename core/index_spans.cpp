#include "core/index_spans.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "core/agenda.hpp"
#include "core/recurrence.hpp"

namespace herald {
namespace {

constexpr Instant kForever{Seconds{253402300799}};  // 9999-12-31T23:59:59Z

Instant year_start(int y) {
    return Instant{date::sys_days{date::year{y} / 1 / 1}.time_since_epoch()};
}

int year_of(Instant t) {
    return static_cast<int>(date::year_month_day{date::floor<date::days>(t)}.year());
}

/// Why only yearly and monthly rules (and RDATE-only sets): their instance count over the horizon
/// is bounded (a few thousand at most), so counting them is cheap; finer rules are dense or
/// would cost a large expansion just to find out they are.
bool maybe_sparse(const Event& e) {
    if (e.rrule.empty()) return true;
    std::string upper = e.rrule;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return upper.find("FREQ=YEARLY") != std::string::npos ||
           upper.find("FREQ=MONTHLY") != std::string::npos;
}

}  // namespace

IndexHorizon index_horizon_at(Instant now) {
    int y = year_of(now);
    return {year_start(y - 2), year_start(y + 10)};
}

bool horizon_fresh(const IndexHorizon& h, Instant now) {
    return now >= h.begin + date::years{1} && now < h.end - date::years{5};
}

Instant recurrence_end(const Event& e, const Span& first) {
    if (!is_recurring(e)) return first.end;
    auto last = last_local_start(e);
    if (!last) return kForever;
    const date::time_zone* zone = find_zone(e.start.tz.empty() ? "UTC" : e.start.tz);
    Instant end = resolve_local(*last, zone) + (first.end - first.begin) +
                  date::days{1};  // a day covers DST shifts and all-day lengths
    return std::min(end, kForever);
}

IndexSpans index_spans(const Event& e, const IndexHorizon& h) {
    const date::time_zone* utc = date::locate_zone("UTC");
    IndexSpans out;
    auto first = event_span(e, utc);
    if (!first) return out;
    Instant last_end = recurrence_end(e, *first);
    bool crosses = first->begin < h.end && last_end >= h.begin;
    if (!is_recurring(e) || !crosses || !maybe_sparse(e)) {
        out.spans.push_back({first->begin, last_end});
        return out;
    }
    auto inside = occurrences_in(e, h.begin, h.end, utc);
    if (inside.size() > kMaxIndexedInstances) {
        out.spans.push_back({first->begin, last_end});
        return out;
    }
    out.per_instance = true;
    // Instances wholly before or after the horizon are covered coarsely: a window out there
    // finds the event and the agenda expands it exactly.
    if (first->begin < h.begin) out.spans.push_back({first->begin, h.begin});
    if (last_end > h.end) out.spans.push_back({h.end, last_end});
    for (const auto& occ : inside) out.spans.push_back({occ.begin, occ.end});
    return out;
}

}  // namespace herald
