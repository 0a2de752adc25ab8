#include "core/agenda.hpp"

#include <algorithm>
#include <cctype>

#include "core/recurrence.hpp"

namespace herald {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool contains_text(const Event& e, const std::string& needle) {
    auto has = [&](const std::string& field) {
        return lower(field).find(needle) != std::string::npos;
    };
    if (has(e.title) || has(e.description) || has(e.location) || has(e.source)) return true;
    return std::any_of(e.categories.begin(), e.categories.end(), has);
}

const Instant kEnd =
    Instant{date::sys_days{date::year{9999} / 12 / 31}} + date::days{1} - Seconds{1};

bool overlaps(const Span& s, Instant from, Instant to) {
    // An instant event belongs to the window containing it; a span to every window it touches.
    if (s.begin == s.end) return from <= s.begin && s.begin < to;
    return s.begin < to && s.end > from;
}

}  // namespace

bool matches_filters(const Event& e, const AgendaQuery& q) {
    if (q.status && e.status != *q.status) return false;
    if (!q.calendar.empty() && e.calendar != q.calendar) return false;
    if (!q.category.empty() &&
        std::find(e.categories.begin(), e.categories.end(), q.category) == e.categories.end())
        return false;
    return q.text.empty() || contains_text(e, lower(q.text));
}

std::vector<Occurrence> occurrences_in(const Event& e, Instant from, Instant to,
                                       const date::time_zone* viewer) {
    std::vector<Occurrence> out;
    auto span = event_span(e, viewer);
    if (!span) return out;
    if (!is_recurring(e)) {
        if (overlaps(*span, from, to)) out.push_back({&e, span->begin, span->end, e.start});
        return out;
    }
    // Instances are expanded in the event's local time, then each is resolved on its own, so a
    // 09:00 meeting stays at 09:00 across DST changes. An instance whose local start falls in a
    // DST gap takes resolve_local's RFC 5545 rule (moved forward by the gap: 02:30 → 03:30) and
    // keeps its nominal local start as its identity (occurrence_local).
    const date::time_zone* zone = e.start.tz.empty() ? viewer : find_zone(e.start.tz);
    const Seconds length =
        span->end - span->begin;  // RFC 5545: every instance lasts as long as the first
    const date::days slack{2};    // covers any UTC offset, DST gap and nominal-day change
    LocalTime lo = to_local(from - length, zone) - slack;
    LocalTime hi = to_local(to, zone) + slack;
    for (LocalTime local : expand_local(e, lo, hi)) {
        CalTime start = e.start;
        start.local = local;
        // The first instance keeps the start's fold (the later of a repeated hour).
        Span s{resolve_local(local, zone, e.start.fold && local == e.start.local), {}};
        if (e.start.timed() && e.duration)
            s.end = add_duration(s.begin, *e.duration, zone);  // P1D: same wall time next day
        else if (e.start.timed())
            s.end = s.begin + length;
        else
            s.end = resolve_local(local + (period_end(e.start) - e.start.local) +
                                      (e.end ? e.end->local - e.start.local : Seconds{0}),
                                  zone);
        if (!overlaps(s, from, to)) continue;
        out.push_back({&e, s.begin, s.end, start});
    }
    // A DST gap shifts its wall times onto later ones (02:30 -> 03:30; a whole skipped day,
    // Pacific/Apia 2011-12-30, onto the next day's instance): the instance that really is at that
    // wall time wins (the later nominal start), so one event never lists an instant twice.
    std::stable_sort(out.begin(), out.end(),
                     [](const Occurrence& a, const Occurrence& b) { return a.begin < b.begin; });
    auto same = [](const Occurrence& a, const Occurrence& b) { return a.begin == b.begin; };
    std::reverse(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end(), same), out.end());
    std::reverse(out.begin(), out.end());
    return out;
}

Agenda build_agenda(const std::vector<Event>& candidates, const AgendaQuery& q) {
    std::vector<const Event*> refs;
    refs.reserve(candidates.size());
    for (const auto& e : candidates) refs.push_back(&e);
    return build_agenda(refs, q);
}

Agenda build_agenda(const std::vector<const Event*>& candidates, const AgendaQuery& q) {
    Agenda agenda;
    for (const Event* ep : candidates) {
        const Event& e = *ep;
        if (!matches_filters(e, q)) continue;
        switch (e.start.precision) {
            case Precision::none:
                if (q.include_undated) agenda.undated.push_back(&e);
                break;
            case Precision::year:
            case Precision::month:
                if (overlaps(span_of(e.start, q.viewer), q.from, q.to))
                    agenda.imprecise.push_back(&e);
                break;
            default:
                for (auto& occ : occurrences_in(e, q.from, q.to, q.viewer))
                    agenda.dated.push_back(occ);
        }
    }
    std::sort(agenda.dated.begin(), agenda.dated.end(),
              [](const Occurrence& a, const Occurrence& b) {
                  return a.begin != b.begin ? a.begin < b.begin : a.event->id < b.event->id;
              });
    auto by_start = [](const Event* a, const Event* b) {
        return a->start.local != b->start.local ? a->start.local < b->start.local : a->id < b->id;
    };
    std::sort(agenda.imprecise.begin(), agenda.imprecise.end(), by_start);
    std::sort(agenda.undated.begin(), agenda.undated.end(),
              [](auto* a, auto* b) { return a->id < b->id; });
    agenda.total = agenda.dated.size();
    size_t first = std::min(q.offset, agenda.dated.size());
    agenda.dated.erase(agenda.dated.begin(),
                       agenda.dated.begin() + static_cast<std::ptrdiff_t>(first));
    if (q.limit > 0 && agenda.dated.size() > q.limit) {
        agenda.dated.resize(q.limit);
        agenda.truncated = true;
    }
    return agenda;
}

std::optional<Occurrence> next_occurrence(const Event& e, Instant now,
                                          const date::time_zone* viewer) {
    if (e.start.precision != Precision::day && e.start.precision != Precision::minute)
        return std::nullopt;
    // Growing windows: the work stays proportional to the occurrences near `now`.
    Seconds span = date::days{32};
    for (Instant from = now; from < kEnd; from += span, span *= 8) {
        Instant to = from + span > kEnd || from + span < from ? kEnd : from + span;
        for (const auto& occ : occurrences_in(e, from, to, viewer))
            if (occ.end > now || occ.begin >= now) return occ;
        if (!is_recurring(e)) {
            auto s = event_span(e, viewer);
            if (!s || s->end < now) return std::nullopt;
        }
    }
    return std::nullopt;
}

}  // namespace herald
