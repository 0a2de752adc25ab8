#include "core/ical_import.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

#include "core/duration.hpp"
#include "core/errors.hpp"
#include "core/ical_export.hpp"
#include "core/ical_zones.hpp"

namespace herald {
namespace {

using CompPtr = std::unique_ptr<icalcomponent, decltype(&icalcomponent_free)>;

// Properties whose bad values make the event unusable (others are ignored when libical cannot
// parse them, as calendar apps do).
constexpr std::string_view kUsed[] = {"DTSTART", "DTEND",   "DURATION",      "RRULE",
                                      "EXDATE",  "RDATE",   "RECURRENCE-ID", "TRIGGER",
                                      "UID",     "SUMMARY", "STATUS",        "CLASS"};

/// The line that marks a VTODO as a Herald event to be announced.
constexpr std::string_view kTbaMark = "X-HERALD-PRECISION:none";

void check_libical_errors(icalcomponent* c) {
    for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
         p != nullptr; p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
        std::string msg = icalproperty_get_xlicerror(p);
        // An empty SUMMARY is an empty title (Herald writes one for an event without a title).
        if (msg.rfind("No value for SUMMARY property", 0) == 0) continue;
        for (auto used : kUsed)
            if (msg.find(" " + std::string(used) + " property") != std::string::npos)
                bad_param(std::string(used), msg);
    }
    for (icalcomponent* sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
         sub != nullptr; sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
        check_libical_errors(sub);
}

/// A libical duration with its nominal (weeks, days) and exact parts kept apart.
Duration duration_of(const icaldurationtype& d) {
    Duration out;
    out.negative = d.is_neg != 0;
    out.weeks = d.weeks;
    out.days = d.days;
    out.exact = Seconds{int64_t{d.hours} * 3600 + int64_t{d.minutes} * 60 + d.seconds};
    return out;
}

std::string text_of(const char* s) {
    return s == nullptr ? std::string() : std::string(s);
}

std::optional<std::string> param(icalproperty* p, icalparameter_kind kind) {
    icalparameter* prm = icalproperty_get_first_parameter(p, kind);
    if (prm == nullptr) return std::nullopt;
    const char* v =
        kind == ICAL_TZID_PARAMETER ? icalparameter_get_tzid(prm) : icalparameter_get_xvalue(prm);
    return text_of(v);
}

/// `t` (an EXDATE, RDATE or RECURRENCE-ID) the way the event starting at `start` keeps its
/// instances: a date for an all-day event, else a time in the event's zone (floating for a
/// floating event).
CalTime in_zone_of(const CalTime& t, const CalTime& start) {
    if (start.dated() && !start.timed() && t.timed()) {  // a date-time exception to a date event
        CalTime d = t;
        d.precision = Precision::day;
        d.local = date::floor<date::days>(t.local);
        d.tz.clear();
        return d;
    }
    if (!t.timed() || !start.timed() || t.tz == start.tz) return t;
    // Why: the model (and to_json) keeps an event's instances in the event's own zone, so a
    // floating exception is read in the event's zone, and a zoned one of a floating event keeps
    // its clock time (found by fuzzing: they changed on a to_json round trip).
    CalTime out = t;
    if (t.tz.empty() || start.tz.empty()) {
        out.tz = start.tz;
        return out;
    }
    Instant at = resolve_local(t.local, find_zone(t.tz));
    return CalTime{Precision::minute, to_local(at, find_zone(start.tz)), start.tz};
}

/// A day Herald wrote as a date-time in DTSTART's type (X-HERALD-VALUE=DATE) is a day again.
CalTime as_written(icalproperty* p, CalTime t) {
    const char* v = icalproperty_get_parameter_as_string(p, "X-HERALD-VALUE");
    if (v == nullptr || std::string_view(v) != "DATE" || !t.timed()) return t;
    return CalTime{Precision::day, date::floor<date::days>(t.local), {}};
}

/// Reads one VEVENT into an event (plus its RECURRENCE-ID, if an override).
class Reader {
  public:
    explicit Reader(TzidResolver& zones) : zones_(zones) {}

    struct Result {
        Event event;
        std::optional<CalTime> rid;
    };

    Result read(icalcomponent* c) {
        check_libical_errors(c);
        Result r;
        Event& e = r.event;
        herald_tz_.clear();
        e.uid = text_of(icalcomponent_get_uid(c));
        e.title = text_of(icalcomponent_get_summary(c));  // a missing SUMMARY stays empty
        e.description = text_of(icalcomponent_get_description(c));
        e.location = text_of(icalcomponent_get_location(c));
        read_properties(c, e);
        read_times(c, e);
        rezone(e);
        read_recurrence(c, e, r.rid);
        read_alarms(c, e);
        apply_precision(c, e);
        return r;
    }

    /// A calendar value from a property's time, in the zone its TZID names.
    CalTime caltime(icalproperty* p, icaltimetype tt, const char* field) {
        if (icaltime_is_null_time(tt)) bad_time(field, std::string(field) + " has no date");
        // Why day > 31 here: libical reads any two digits ("20220181"), and date::format below
        // throws std::ios_base::failure for a day outside 1-31.
        if (tt.year < 1 || tt.year > 9999 || tt.month < 1 || tt.month > 12 || tt.day < 1 ||
            tt.day > 31)
            bad_time(field, std::string(field) + " is not a valid date");
        date::year_month_day ymd{date::year{tt.year}, date::month{static_cast<unsigned>(tt.month)},
                                 date::day{static_cast<unsigned>(tt.day)}};
        if (!ymd.ok())
            bad_time(field, std::string(field) + " names " + date::format("%Y-%m-%d", ymd) +
                                ", which does not exist");
        CalTime t;
        t.local = LocalTime{date::local_days{ymd}};
        if (tt.is_date) {
            t.precision = Precision::day;
            return t;
        }
        if (tt.hour < 0 || tt.hour > 23 || tt.minute < 0 || tt.minute > 59 || tt.second < 0 ||
            tt.second > 60)
            bad_time(field, std::string(field) + " has an impossible time of day");
        t.precision = Precision::minute;
        t.local += std::chrono::hours{tt.hour} + std::chrono::minutes{tt.minute} +
                   Seconds{std::min(tt.second, 59)};
        if (icaltime_is_utc(tt))
            t.tz = "UTC";
        else if (auto tzid = param(p, ICAL_TZID_PARAMETER))
            t.tz = zones_.resolve(*tzid);
        return t;
    }

  private:
    void read_properties(icalcomponent* c, Event& e) {
        for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p != nullptr;
             p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
            switch (icalproperty_isa(p)) {
                case ICAL_URL_PROPERTY:
                    e.url = text_of(icalproperty_get_url(p));
                    break;
                case ICAL_CATEGORIES_PROPERTY: {
                    std::string cat = text_of(icalproperty_get_categories(p));
                    if (!cat.empty() && std::find(e.categories.begin(), e.categories.end(), cat) ==
                                            e.categories.end())
                        e.categories.push_back(cat);
                    break;
                }
                case ICAL_STATUS_PROPERTY: {
                    auto s = icalproperty_get_status(p);
                    e.status = s == ICAL_STATUS_TENTATIVE   ? Status::tentative
                               : s == ICAL_STATUS_CANCELLED ? Status::cancelled
                                                            : Status::confirmed;
                    break;
                }
                case ICAL_CLASS_PROPERTY:
                    // Why: only an explicit PUBLIC is shared; anything else stays with its owner.
                    e.visibility = icalproperty_get_class(p) == ICAL_CLASS_PUBLIC
                                       ? Visibility::public_
                                       : Visibility::private_;
                    break;
                case ICAL_X_PROPERTY: {
                    std::string name = text_of(icalproperty_get_x_name(p));
                    if (name == "X-HERALD-SOURCE")
                        e.source = text_of(icalvalue_get_x(icalproperty_get_value(p)));
                    else if (name == "X-HERALD-STATUS")  // a VTODO has no TENTATIVE
                        e.status =
                            text_of(icalvalue_get_x(icalproperty_get_value(p))) == "TENTATIVE"
                                ? Status::tentative
                                : e.status;
                    else if (name == "X-HERALD-TZ")  // the zone of a start written in UTC
                        herald_tz_ = text_of(icalvalue_get_x(icalproperty_get_value(p)));
                    break;
                }
                default:
                    break;
            }
        }
    }

    void read_times(icalcomponent* c, Event& e) {
        icalproperty* start = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
        if (start == nullptr) return;  // undated: no DTSTART (RFC 5545 allows it without METHOD)
        e.start = caltime(start, icalproperty_get_dtstart(start), "DTSTART");
        if (icalproperty* end = icalcomponent_get_first_property(c, ICAL_DTEND_PROPERTY)) {
            CalTime t = caltime(end, icalproperty_get_dtend(end), "DTEND");
            if (t.timed() != e.start.timed())
                bad_time("DTEND", "DTEND must have the same value type as DTSTART");
            if (!t.timed())
                t.local -= date::days{1};  // DTEND is exclusive; our end is the last day
            if (t.timed() && t.tz.empty() != e.start.tz.empty())
                bad_time("DTEND", "DTEND and DTSTART must both be floating or both have a zone");
            if (t.local < e.start.local && t.tz == e.start.tz)
                bad_time("DTEND", "DTEND " + format_caltime(t) + " is before DTSTART " +
                                      format_caltime(e.start));
            if (t != e.start) e.end = t;
        } else if (icalproperty* dur =
                       icalcomponent_get_first_property(c, ICAL_DURATION_PROPERTY)) {
            Duration nominal = duration_of(icalproperty_get_duration(dur));
            Seconds d = approx_seconds(nominal);
            if (d.count() < 0) bad_param("DURATION", "DURATION must not be negative");
            if (e.start.timed()) {
                if (d.count() > 0) e.duration = nominal;
            } else if (d >= date::days{2}) {
                CalTime t = e.start;
                t.local += date::floor<date::days>(d) - date::days{1};
                e.end = t;
            }
        }
    }

    void read_recurrence(icalcomponent* c, Event& e, std::optional<CalTime>& rid) {
        if (icalproperty* p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY)) {
            if (!e.start.dated()) bad_param("RRULE", "RRULE needs a DTSTART");
            icalrecurrencetype rule = icalproperty_get_rrule(p);
            e.rrule = text_of(icalrecurrencetype_as_string(&rule));
        }
        for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_EXDATE_PROPERTY);
             p != nullptr; p = icalcomponent_get_next_property(c, ICAL_EXDATE_PROPERTY)) {
            CalTime t = in_zone_of(as_written(p, caltime(p, icalproperty_get_exdate(p), "EXDATE")),
                                   e.start);
            if (std::find(e.exdates.begin(), e.exdates.end(), t) == e.exdates.end())
                e.exdates.push_back(t);
        }
        for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY);
             p != nullptr; p = icalcomponent_get_next_property(c, ICAL_RDATE_PROPERTY)) {
            icaldatetimeperiodtype v = icalproperty_get_rdate(p);
            icaltimetype tt = icaltime_is_null_time(v.time) ? v.period.start : v.time;
            e.rdates.push_back(in_zone_of(as_written(p, caltime(p, tt, "RDATE")), e.start));
        }
        if (icalproperty* p = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY))
            rid = caltime(p, icalproperty_get_recurrenceid(p), "RECURRENCE-ID");
    }

    void read_alarms(icalcomponent* c, Event& e) {
        for (icalcomponent* a = icalcomponent_get_first_component(c, ICAL_VALARM_COMPONENT);
             a != nullptr; a = icalcomponent_get_next_component(c, ICAL_VALARM_COMPONENT)) {
            icalproperty* action = icalcomponent_get_first_property(a, ICAL_ACTION_PROPERTY);
            auto kind = action ? icalproperty_get_action(action) : ICAL_ACTION_DISPLAY;
            if (kind != ICAL_ACTION_DISPLAY && kind != ICAL_ACTION_AUDIO)
                continue;  // EMAIL, PROCEDURE: not ours
            icalproperty* trig = icalcomponent_get_first_property(a, ICAL_TRIGGER_PROPERTY);
            if (trig == nullptr) bad_param("TRIGGER", "a VALARM has no TRIGGER");
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
            // Why dedupe: some exporters repeat one reminder per notification channel.
            if (std::find(e.alarms.begin(), e.alarms.end(), alarm) == e.alarms.end())
                e.alarms.push_back(alarm);
        }
    }

    void apply_precision(icalcomponent* c, Event& e) {
        std::string value;
        for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p != nullptr;
             p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY))
            if (text_of(icalproperty_get_x_name(p)) == "X-HERALD-PRECISION")
                value = text_of(icalvalue_get_x(icalproperty_get_value(p)));
        auto precision = precision_from_string(value);
        if (value.empty() || !precision || *precision == Precision::day ||
            *precision == Precision::minute)
            return;
        std::string note = precision_note(*precision);
        if (e.description == note)
            e.description.clear();
        else if (e.description.size() > note.size() + 2 &&
                 e.description.compare(e.description.size() - note.size() - 2, std::string::npos,
                                       "\n\n" + note) == 0)
            e.description.resize(e.description.size() - note.size() - 2);
        e.end.reset();
        e.duration.reset();
        if (*precision == Precision::none) {
            e.start = CalTime{};
            return;
        }
        date::year_month_day ymd{date::floor<date::days>(e.start.local)};
        if (!e.start.dated())
            bad_param("X-HERALD-PRECISION", "X-HERALD-PRECISION " + value + " needs a DTSTART");
        e.start.tz.clear();
        e.start.precision = *precision;
        e.start.local = LocalTime{date::local_days{
            *precision == Precision::year ? ymd.year() / 1 / 1 : ymd.year() / ymd.month() / 1}};
    }

    /// Herald writes the later of a repeated wall time in UTC (ical_export.hpp); X-HERALD-TZ
    /// names the event's zone so the start (and end) go back to it, fold and all.
    void rezone(Event& e) {
        if (herald_tz_.empty()) return;
        auto back = [&](CalTime& t) {
            if (t.timed() && t.tz == "UTC")
                t = caltime_at(resolve_local(t.local, find_zone("UTC")), herald_tz_);
        };
        back(e.start);
        if (e.end) back(*e.end);
    }

    TzidResolver& zones_;
    std::string herald_tz_;  ///< X-HERALD-TZ of the component being read
};

/// "20250110" or "20250110T090000": the recurrence id part of an override's uid.
std::string rid_key(const CalTime& t) {
    auto days = date::floor<date::days>(t.local);
    std::string out = date::format("%Y%m%d", days);
    if (t.timed()) out += date::format("T%H%M%S", date::floor<Seconds>(t.local));
    return out;
}

struct Pending {
    Event event;
    std::optional<CalTime> rid;
    size_t line;
};

}  // namespace

IcalImport import_ical(std::string_view text, const IcalImportOptions& options) {
    IcalScan scan = scan_ical(text, options.scan);
    if (!scan.saw_calendar)
        bad_param("ics",
                  "not an iCalendar file: expected BEGIN:VCALENDAR ... END:VCALENDAR (RFC 5545)");
    IcalImport out;
    out.problems = std::move(scan.problems);
    out.problems_dropped = scan.problems_dropped;
    auto problem = [&](size_t line, std::string uid, std::string reason) {
        if (out.problems.size() >= options.scan.max_problems)
            ++out.problems_dropped;
        else
            out.problems.push_back({line, std::move(uid), std::move(reason)});
    };
    TzidResolver zones;
    for (const auto& b : scan.blocks) {
        if (b.kind != "VTIMEZONE" || !b.error.empty()) continue;
        try {
            zones.add_vtimezone(b.text);
        } catch (const HeraldError& e) {
            problem(b.line, {}, e.what());
        }
    }
    Reader reader(zones);
    std::vector<Pending> pending;
    for (const auto& b : scan.blocks) {
        if (b.kind == "VTIMEZONE" && b.error.empty()) continue;
        // Herald writes an undated (TBA) event as a VTODO, which needs no DTSTART (see
        // ical_export.hpp); other VTODOs are tasks, not events.
        const bool tba = b.kind == "VTODO" && b.text.find(kTbaMark) != std::string_view::npos;
        if (b.kind != "VEVENT" && b.kind != "VTIMEZONE" && !tba) {
            ++out.skipped;
            if (b.error.empty()) continue;
        } else if (b.kind == "VEVENT" || tba) {
            ++out.components;
        }
        if (!b.error.empty()) {
            problem(b.line, find_uid(b.text), b.kind + ": " + b.error);
            continue;
        }
        std::string copy(b.text);
        CompPtr comp(icalcomponent_new_from_string(copy.c_str()), icalcomponent_free);
        std::string uid = find_uid(b.text);
        if (!comp ||
            icalcomponent_isa(comp.get()) != (tba ? ICAL_VTODO_COMPONENT : ICAL_VEVENT_COMPONENT)) {
            problem(b.line, uid, "VEVENT cannot be parsed");
            continue;
        }
        try {
            auto r = reader.read(comp.get());
            if (r.event.uid.empty())
                bad_param("UID",
                          "VEVENT has no UID; every event needs one so re-imports update it");
            pending.push_back({std::move(r.event), r.rid, b.line});
        } catch (const HeraldError& e) {
            problem(b.line, uid, (e.field().empty() ? "" : e.field() + ": ") + e.what());
        }
    }
    // Masters first, then overrides attach to them (they may come in any order in the file).
    std::map<std::string, size_t> masters;
    for (size_t i = 0; i < pending.size(); ++i)
        if (!pending[i].rid) {
            if (masters.count(pending[i].event.uid)) {
                problem(pending[i].line, pending[i].event.uid,
                        "UID: the same UID is used by the event at line " +
                            std::to_string(pending[masters[pending[i].event.uid]].line) +
                            "; this one is skipped");
                pending[i].line = 0;
            } else {
                masters[pending[i].event.uid] = i;
            }
        }
    for (auto& p : pending) {
        if (!p.rid) continue;
        auto m = masters.find(p.event.uid);
        CalTime rid = *p.rid;
        if (m != masters.end()) {
            Event& master = pending[m->second].event;
            CalTime ex = in_zone_of(rid, master.start);
            if (std::find(master.exdates.begin(), master.exdates.end(), ex) == master.exdates.end())
                master.exdates.push_back(ex);
            rid = ex;
        }
        p.event.uid += "#" + rid_key(rid);
    }
    // Exceptions are a set: keep them in time order so export → import gives the same list.
    for (auto& p : pending)
        std::sort(p.event.exdates.begin(), p.event.exdates.end(),
                  [](const CalTime& a, const CalTime& b) { return a.local < b.local; });
    std::map<std::string, size_t> seen;
    for (auto& p : pending) {
        if (p.line == 0) continue;
        try {
            if (seen.count(p.event.uid))
                bad_param("UID", "the same UID and RECURRENCE-ID as the event at line " +
                                     std::to_string(seen[p.event.uid]) + "; this one is skipped");
            validate(p.event, options.limits);
            seen[p.event.uid] = p.line;
            out.events.push_back(std::move(p.event));
            out.lines.push_back(p.line);
        } catch (const HeraldError& e) {
            problem(p.line, p.event.uid, (e.field().empty() ? "" : e.field() + ": ") + e.what());
        }
    }
    return out;
}

}  // namespace herald
