#include "core/alarms.hpp"

#include <algorithm>
#include <array>

#include "core/errors.hpp"

namespace herald {
namespace {

constexpr std::array<std::string_view, 5> kStateNames{"pending", "fired", "acknowledged", "snoozed",
                                                      "missed"};
// Why 400 years: far enough for any yearly anniversary, bounded so a search always ends.
constexpr Seconds kHorizon{400LL * 366 * 86400};
constexpr Seconds kFirstWindow{86400};
// Why a bound: a long alarm offset on a frequent series (a week before each minutely instance)
// must not make an event write expand thousands of occurrences.
constexpr int kMaxLateScan = 64;

/// The smallest due >= not_before among the occurrences of [lo, hi).
std::optional<AlarmOccurrence> best_in(const Event& e, size_t index, Instant lo, Instant hi,
                                       Instant not_before, const date::time_zone* viewer) {
    std::optional<AlarmOccurrence> best;
    for (const auto& occ : occurrences_in(e, lo, hi, viewer)) {
        Instant due = alarm_due(e.alarms[index], occ, viewer);
        if (due < not_before) continue;
        if (!best || due < best->due || (due == best->due && occ.begin < best->occurrence))
            best = AlarmOccurrence{index, occ.begin, due};
    }
    return best;
}

/// The fate of an alarm found due late (after downtime or a clock jump).
enum class CatchUp { deliver, missed };
/// deliver when `due` is at most `window` before `now` (or not yet past), else missed.
CatchUp catch_up(Instant due, Instant now, Seconds window) {
    return now - due <= window ? CatchUp::deliver : CatchUp::missed;
}

}  // namespace

bool alarms_can_fire(const Event& e) {
    return e.start.precision == Precision::day || e.start.precision == Precision::minute;
}

void require_fixed_date(const Event& e, std::string_view field) {
    if (alarms_can_fire(e)) return;
    std::string when = e.start.dated()
                           ? "is only known as " + format_caltime(e.start) + " (" +
                                 std::string(to_string(e.start.precision)) + " precision)"
                           : "is to be announced";
    bad_time(std::string(field), "the date of event " + std::to_string(e.id) +
                                     " is not fixed: it " + when +
                                     "; its alarms wait until a precise date or time is set");
}

Instant alarm_due(const Alarm& a, const Occurrence& occ, const date::time_zone* viewer) {
    if (a.related == Alarm::Related::absolute) return a.at;
    // A nominal offset (-P1D) keeps the anchor's wall time in the zone the anchor is given in.
    const Event* e = occ.event;
    const bool at_end = a.related == Alarm::Related::end;
    const std::string& tz = at_end && e && e->end ? e->end->tz : occ.start.tz;
    const date::time_zone* zone = tz.empty() ? viewer : find_zone(tz);
    return add_duration(at_end ? occ.end : occ.begin, a.offset, zone);
}

std::optional<AlarmOccurrence> next_alarm_occurrence(const Event& e, size_t index,
                                                     Instant not_before,
                                                     const date::time_zone* viewer) {
    require_fixed_date(e);
    if (index >= e.alarms.size())
        bad_param("alarm",
                  "event " + std::to_string(e.id) + " has no alarm " + std::to_string(index));
    const Alarm& a = e.alarms[index];
    auto span = event_span(e, viewer);
    if (!span) return std::nullopt;
    if (a.related == Alarm::Related::absolute) {
        // An absolute alarm fires once, for the event's first occurrence.
        if (a.at < not_before) return std::nullopt;
        return AlarmOccurrence{index, span->begin, a.at};
    }
    // due >= not_before  <=>  anchor >= not_before - offset; one second earlier so a span whose
    // end is exactly there still overlaps the window.
    // A nominal offset differs from its 86400 s days by a DST change at most: a day of slack.
    const Seconds slack = a.offset.nominal() ? Seconds{date::days{1}} + Seconds{1} : Seconds{1};
    Instant lo = not_before - approx_seconds(a.offset) - slack;
    Instant limit = lo + kHorizon;
    if (e.rrule.empty() && e.rdates.empty())
        return best_in(e, index, lo, limit, not_before, viewer);
    // Recurring: widen the window until an occurrence qualifies, then look once more over
    // everything up to that candidate's anchor, so an overlapping longer occurrence cannot be
    // skipped.
    for (Seconds width = kFirstWindow; lo + width <= limit + kFirstWindow; width *= 2) {
        auto found = best_in(e, index, lo, lo + width, not_before, viewer);
        if (found) {
            Instant anchor = found->due - approx_seconds(a.offset);
            auto again = best_in(e, index, lo, anchor + slack, not_before, viewer);
            return again && again->due < found->due ? again : found;
        }
    }
    return std::nullopt;
}

std::optional<AlarmOccurrence> alarm_to_schedule(const Event& e, size_t index, Instant now,
                                                 const date::time_zone* viewer) {
    auto next = next_alarm_occurrence(e, index, now, viewer);
    const Alarm& a = e.alarms[index];
    // Late ones are due before `now` for an occurrence after it: at most the offset before now
    // (a day of slack for nominal days across DST).
    Instant from = a.related == Alarm::Related::absolute
                       ? std::min(a.at, now)
                       : now - std::chrono::abs(approx_seconds(a.offset)) - kFirstWindow;
    std::optional<AlarmOccurrence> late;
    auto c = next_alarm_occurrence(e, index, from, viewer);
    for (int i = 0; c && c->due < now && i < kMaxLateScan; ++i) {
        if (c->occurrence > now) late = c;
        c = next_alarm_occurrence(e, index, c->due + Seconds{1}, viewer);
    }
    return late ? late : next;
}

std::string_view to_string(AlarmState s) {
    return kStateNames[static_cast<size_t>(s)];
}

std::optional<AlarmState> alarm_state_from_string(std::string_view s) {
    auto it = std::find(kStateNames.begin(), kStateNames.end(), s);
    if (it == kStateNames.end()) return std::nullopt;
    return static_cast<AlarmState>(it - kStateNames.begin());
}

AlarmState acknowledge(AlarmState) {
    return AlarmState::acknowledged;
}

Instant check_snooze(AlarmState s, Instant until, Instant now) {
    if (s == AlarmState::pending)
        bad_param("id", "this alarm has not fired yet; only a fired alarm can be snoozed");
    if (s == AlarmState::acknowledged)
        bad_param("id", "this alarm was acknowledged; it cannot be snoozed any more");
    if (until <= now)
        bad_time("until", "snooze until " + format_instant(until) + " is not in the future (now " +
                              format_instant(now) + ")");
    return until;
}

CatchUpPlan plan_catch_up(const std::vector<Instant>& due, Instant now, Seconds window,
                          size_t digest_threshold) {
    CatchUpPlan plan;
    for (size_t i = 0; i < due.size(); ++i)
        (catch_up(due[i], now, window) == CatchUp::deliver ? plan.deliver : plan.missed)
            .push_back(i);
    plan.digest = plan.deliver.size() > digest_threshold;
    return plan;
}

Firing firing_of(Instant due, Instant now, Instant horizon, Seconds window) {
    if (due > horizon) return Firing::later;
    if (due > now) return Firing::stage;
    return catch_up(due, now, window) == CatchUp::deliver ? Firing::now : Firing::missed;
}

}  // namespace herald
