// The times phase of reading a VEVENT (core/ical_reader.hpp): DTSTART, then DTEND or DURATION,
// each in the zone its TZID names (or the calendar's X-WR-TIMEZONE), and X-HERALD-TZ's zone.
#include <algorithm>

#include "core/errors.hpp"
#include "core/ical_reader.hpp"

namespace herald::ical_read_detail {
namespace {

std::optional<std::string> tzid_of(icalproperty* p) {
    icalparameter* prm = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    if (prm == nullptr) return std::nullopt;
    return text_of(icalparameter_get_tzid(prm));
}

}  // namespace

/// The years the event's instances fall in, from DTSTART and the RRULE's UNTIL (open series:
/// TzidResolver checks them from their start on).
void Reader::event_years(icalcomponent* c, icaltimetype start) {
    years_ = {start.year, start.year};
    if (icalproperty* p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY)) {
        icalrecurrencetype rule = icalproperty_get_rrule(p);
        years_.second = icaltime_is_null_time(rule.until) ? start.year + 1000 : rule.until.year;
    }
    if (icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY) != nullptr)
        years_.second = start.year + 1000;
}

/// A calendar value from a property's time, in the zone its TZID names.
CalTime Reader::caltime(icalproperty* p, icaltimetype tt, const std::string& field) {
    if (icaltime_is_null_time(tt)) bad_time(field, field + " has no date");
    // Why day > 31 here: libical reads any two digits ("20220181"), and date::format below
    // throws std::ios_base::failure for a day outside 1-31.
    if (tt.year < 1 || tt.year > 9999 || tt.month < 1 || tt.month > 12 || tt.day < 1 || tt.day > 31)
        bad_time(field, field + " is not a valid date");
    date::year_month_day ymd{date::year{tt.year}, date::month{static_cast<unsigned>(tt.month)},
                             date::day{static_cast<unsigned>(tt.day)}};
    if (!ymd.ok())
        bad_time(field,
                 field + " names " + date::format("%Y-%m-%d", ymd) + ", which does not exist");
    CalTime t;
    t.local = LocalTime{date::local_days{ymd}};
    if (tt.is_date) {
        t.precision = Precision::day;
        return t;
    }
    if (tt.hour < 0 || tt.hour > 23 || tt.minute < 0 || tt.minute > 59 || tt.second < 0 ||
        tt.second > 60)
        bad_time(field, field + " has an impossible time of day");
    t.precision = Precision::minute;
    t.local += std::chrono::hours{tt.hour} + std::chrono::minutes{tt.minute} +
               Seconds{std::min(tt.second, 59)};
    if (icaltime_is_utc(tt))
        t.tz = "UTC";
    else if (auto tzid = tzid_of(p))
        zone_for(*tzid, field, t);
    else
        t.tz = file_.floating_zone;  // X-WR-TIMEZONE, if any
    return t;
}

void Reader::zone_for(const std::string& tzid, const std::string& field, CalTime& t) {
    const TzidChoice& choice = file_.zones.choose(tzid, years_.first, years_.second);
    std::string note = choice.note;
    if (!choice.zone.empty()) {
        t.tz = choice.zone;
    } else if (choice.file_rules) {
        t.local = LocalTime{file_.zones.file_instant(tzid, t.local).time_since_epoch()};
        t.tz = "UTC";
    } else {
        t.tz = file_.floating_zone;
        note += t.tz.empty() ? "; read as floating time"
                             : "; read in the calendar's X-WR-TIMEZONE " + t.tz;
    }
    if (!note.empty() && noted_.insert(tzid).second) warn(field, field + ": " + note);
}

/// Herald writes the later of a repeated wall time in UTC (ical_export.hpp); X-HERALD-TZ
/// names the event's zone so the start (and end) go back to it, fold and all.
void Reader::rezone(Event& e) {
    if (herald_tz_.empty()) return;
    // The zone is the one DTSTART's TZID would give (a rule zone's name is its VTIMEZONE's).
    const std::string zone = file_.zones.choose(herald_tz_, years_.first, years_.second).zone;
    if (zone.empty()) return;
    auto back = [&](CalTime& t) {
        if (t.timed() && t.tz == "UTC")
            t = caltime_at(resolve_local(t.local, find_zone("UTC")), zone);
    };
    back(e.start);
    if (e.end) back(*e.end);
}

void Reader::read_times(icalcomponent* c, Event& e) {
    icalproperty* start = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
    if (start == nullptr) return;  // undated: no DTSTART (RFC 5545 allows it without METHOD)
    icaltimetype st = icalproperty_get_dtstart(start);
    event_years(c, st);
    try {
        e.start = caltime(start, st, "DTSTART");
    } catch (const HeraldError& err) {
        lost("DTSTART", std::string(err.what()) + "; the event is lost");
    }
    if (icalproperty* end = icalcomponent_get_first_property(c, ICAL_DTEND_PROPERTY)) {
        try {
            read_end(e, caltime(end, icalproperty_get_dtend(end), "DTEND"));
        } catch (const HeraldError& err) {
            warn("DTEND", "DTEND dropped: " + std::string(err.what()));
        }
    } else if (icalproperty* dur = icalcomponent_get_first_property(c, ICAL_DURATION_PROPERTY)) {
        Duration nominal = duration_of(icalproperty_get_duration(dur));
        Seconds d = approx_seconds(nominal);
        if (d.count() < 0) {
            warn("DURATION", "DURATION dropped: it is negative");
        } else if (e.start.timed()) {
            if (d.count() > 0) e.duration = nominal;
        } else if (d >= date::days{2}) {
            CalTime t = e.start;
            t.local += date::floor<date::days>(d) - date::days{1};
            e.end = t;
        }
    }
}

/// DTEND `t` against the start, read the way python-icalendar and khal read odd pairs.
void Reader::read_end(Event& e, CalTime t) {
    if (!e.start.timed() && t.timed()) {
        // A DATE start with a DATE-TIME end: python-icalendar (recurring-ical-events) reads
        // the start as midnight in DTEND's zone, a timed event.
        warn("DTSTART", "DTSTART is a date but DTEND a date-time; DTSTART read as 00:00" +
                            (t.tz.empty() ? std::string() : " in " + t.tz));
        e.start = CalTime{Precision::minute, e.start.local, t.tz};
    } else if (e.start.timed() && !t.timed()) {
        warn("DTEND", "DTEND is a date but DTSTART a date-time; read as midnight");
        t.precision = Precision::minute;
        t.tz = e.start.tz;
    } else if (!t.timed()) {
        t.local -= date::days{1};  // DTEND is exclusive; our end is the last day
    }
    if (t.timed() && t.tz.empty() != e.start.tz.empty()) {
        // khal's reading: the floating one takes the other's zone.
        if (e.start.tz.empty()) {
            warn("DTSTART",
                 "DTSTART is floating but DTEND has zone " + t.tz + "; DTSTART read in " + t.tz);
            e.start.tz = t.tz;
        } else {
            t.tz = e.start.tz;
        }
    }
    auto utc = date::locate_zone("UTC");
    if (span_of(t, utc).begin < span_of(e.start, utc).begin) {
        if (!t.timed() && t.local + date::days{1} == e.start.local) return;  // DTEND = DTSTART
        warn("DTEND", "DTEND dropped: " + format_caltime(t) + " is before DTSTART " +
                          format_caltime(e.start));
        return;
    }
    if (t != e.start) e.end = t;
}

}  // namespace herald::ical_read_detail
