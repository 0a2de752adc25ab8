// The series phase of reading a VEVENT (core/ical_reader.hpp): RECURRENCE-ID, RRULE, EXDATE and
// RDATE (a start moved to the first RDATE), then the VALARMs.
#include <algorithm>
#include <string_view>

#include "core/errors.hpp"
#include "core/ical_reader.hpp"

namespace herald::ical_read_detail {
namespace {

/// A day Herald wrote as a date-time in DTSTART's type (X-HERALD-VALUE=DATE) is a day again.
CalTime as_written(icalproperty* p, CalTime t) {
    const char* v = icalproperty_get_parameter_as_string(p, "X-HERALD-VALUE");
    if (v == nullptr || std::string_view(v) != "DATE" || !t.timed()) return t;
    return CalTime{Precision::day, date::floor<date::days>(t.local), {}};
}

}  // namespace

void Reader::read_recurrence(icalcomponent* c, Event& e, std::optional<CalTime>& rid) {
    if (icalproperty* p = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY)) {
        try {
            rid = caltime(p, icalproperty_get_recurrenceid(p), "RECURRENCE-ID");
        } catch (const HeraldError& err) {
            lost("RECURRENCE-ID", std::string(err.what()) + "; the event is lost");
        }
    }
    if (icalproperty* p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY)) {
        icalrecurrencetype rule = icalproperty_get_rrule(p);
        if (!e.start.dated())
            warn("RRULE", "RRULE dropped: it needs a DTSTART");
        else if (rid)
            // Why: an override is one instance of its series; expanding its RRULE would
            // repeat the whole series from the moved instance.
            warn("RRULE", "RRULE dropped: a RECURRENCE-ID component is one instance");
        else
            e.rrule = text_of(icalrecurrencetype_as_string(&rule));
    }
    size_t n = 0;
    for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_EXDATE_PROPERTY); p != nullptr;
         p = icalcomponent_get_next_property(c, ICAL_EXDATE_PROPERTY), ++n) {
        try {
            CalTime t = in_zone_of(as_written(p, caltime(p, icalproperty_get_exdate(p), "EXDATE")),
                                   e.start);
            if (std::find(e.exdates.begin(), e.exdates.end(), t) == e.exdates.end())
                e.exdates.push_back(t);
        } catch (const HeraldError& err) {
            warn("EXDATE", "EXDATE dropped: " + std::string(err.what()), n);
        }
    }
    n = 0;
    for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY); p != nullptr;
         p = icalcomponent_get_next_property(c, ICAL_RDATE_PROPERTY), ++n) {
        if (rid) {
            warn("RDATE", "RDATE dropped: a RECURRENCE-ID component is one instance", n);
            continue;
        }
        try {
            icaldatetimeperiodtype v = icalproperty_get_rdate(p);
            icaltimetype tt = icaltime_is_null_time(v.time) ? v.period.start : v.time;
            e.rdates.push_back(in_zone_of(as_written(p, caltime(p, tt, "RDATE")), e.start));
        } catch (const HeraldError& err) {
            warn("RDATE", "RDATE dropped: " + std::string(err.what()), n);
        }
    }
}

/// RFC 5545 lets an RDATE come before DTSTART; Herald's start is the first instance, so a
/// single series (no RRULE) starts at its earliest RDATE and keeps DTSTART as an RDATE.
void Reader::move_start_to_first_rdate(Event& e) {
    if (e.rdates.empty() || !e.start.dated()) return;
    auto first = std::min_element(e.rdates.begin(), e.rdates.end(),
                                  [](const auto& a, const auto& b) { return a.local < b.local; });
    if (first->local >= e.start.local) return;
    if (!e.rrule.empty()) {
        size_t before = e.rdates.size();
        std::erase_if(e.rdates, [&](const CalTime& d) { return d.local < e.start.local; });
        warn("RDATE", std::to_string(before - e.rdates.size()) +
                          " RDATE(s) before DTSTART dropped: the RRULE is anchored at DTSTART");
        return;
    }
    warn("RDATE", "RDATE " + format_caltime(*first) +
                      " is before DTSTART; the event starts there and DTSTART " +
                      format_caltime(e.start) + " is kept as an RDATE");
    auto shift = first->local - e.start.local;
    std::swap(*first, e.start);
    if (e.end) e.end->local += shift;
    std::sort(e.rdates.begin(), e.rdates.end(),
              [](const auto& a, const auto& b) { return a.local < b.local; });
}

void Reader::read_alarms(icalcomponent* c, Event& e) {
    for (icalcomponent* a = icalcomponent_get_first_component(c, ICAL_VALARM_COMPONENT);
         a != nullptr; a = icalcomponent_get_next_component(c, ICAL_VALARM_COMPONENT)) {
        icalproperty* action = icalcomponent_get_first_property(a, ICAL_ACTION_PROPERTY);
        auto kind = action ? icalproperty_get_action(action) : ICAL_ACTION_DISPLAY;
        if (kind != ICAL_ACTION_DISPLAY && kind != ICAL_ACTION_AUDIO)
            continue;  // EMAIL, PROCEDURE: not ours
        icalproperty* trig = icalcomponent_get_first_property(a, ICAL_TRIGGER_PROPERTY);
        if (trig == nullptr) {
            warn("TRIGGER", "VALARM dropped: its TRIGGER is missing or cannot be read", alarm_n_++);
            continue;
        }
        ++alarm_n_;
        try {
            add_alarm(e, trig, icalcomponent_get_first_property(a, ICAL_ACKNOWLEDGED_PROPERTY));
        } catch (const HeraldError& err) {
            warn("TRIGGER", "VALARM dropped: " + std::string(err.what()), alarm_n_ - 1);
        }
    }
}

void Reader::add_alarm(Event& e, icalproperty* trig, icalproperty* acknowledged) {
    icaltriggertype t = icalproperty_get_trigger(trig);
    Alarm alarm;
    if (!icaltime_is_null_time(t.time)) {
        CalTime at = caltime(trig, t.time, "TRIGGER");
        alarm.related = Alarm::Related::absolute;
        alarm.at = resolve_local(at.local, find_zone(at.tz.empty() ? "UTC" : at.tz));
    } else {
        alarm.offset = duration_of(t.duration);
        icalparameter* rel = icalproperty_get_first_parameter(trig, ICAL_RELATED_PARAMETER);
        alarm.related = rel && icalparameter_get_related(rel) == ICAL_RELATED_END
                            ? Alarm::Related::end
                            : Alarm::Related::start;
    }
    if (acknowledged != nullptr) {
        // RFC 9074: a UTC DATE-TIME; one Herald cannot read is no acknowledgement.
        icaltimetype ack = icalproperty_get_acknowledged(acknowledged);
        if (!icaltime_is_null_time(ack) && !ack.is_date)
            alarm.acknowledged = Instant{Seconds{icaltime_as_timet(ack)}};
    }
    // Why dedupe: some exporters repeat one reminder per notification channel (the latest
    // acknowledgement of the copies stands).
    auto same = std::find(e.alarms.begin(), e.alarms.end(), alarm);
    if (same == e.alarms.end())
        e.alarms.push_back(alarm);
    else if (alarm.acknowledged &&
             (!same->acknowledged || *same->acknowledged < *alarm.acknowledged))
        same->acknowledged = alarm.acknowledged;
}

}  // namespace herald::ical_read_detail
