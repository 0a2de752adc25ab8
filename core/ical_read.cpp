#include "core/ical_read.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "core/duration.hpp"
#include "core/errors.hpp"
#include "core/ical_export.hpp"

namespace herald {
namespace {

using CompPtr = std::unique_ptr<icalcomponent, decltype(&icalcomponent_free)>;

std::string text_of(const char* s) {
    return s == nullptr ? std::string() : std::string(s);
}

std::optional<std::string> tzid_of(icalproperty* p) {
    icalparameter* prm = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    if (prm == nullptr) return std::nullopt;
    return text_of(icalparameter_get_tzid(prm));
}

/// The property a libical X-LIC-ERROR message is about ("No value for CLASS property. ...").
std::string error_property(const std::string& msg) {
    size_t at = msg.find(" property");
    if (at == std::string::npos) return {};
    size_t begin = msg.rfind(' ', at - 1);
    return msg.substr(begin == std::string::npos ? 0 : begin + 1,
                      at - (begin == std::string::npos ? 0 : begin + 1));
}

/// libical's message without its "Removing entire property: ..." tail.
std::string error_text(const std::string& msg) {
    size_t cut = msg.find(". Removing");
    return cut == std::string::npos ? msg : msg.substr(0, cut);
}

Instant instant_of(icaltimetype tt) {
    if (icaltime_is_null_time(tt) || tt.year < 1 || tt.year > 9999) return Instant{};
    return Instant{Seconds{icaltime_as_timet_with_zone(tt, icaltimezone_get_utc_timezone())}};
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

/// A day Herald wrote as a date-time in DTSTART's type (X-HERALD-VALUE=DATE) is a day again.
CalTime as_written(icalproperty* p, CalTime t) {
    const char* v = icalproperty_get_parameter_as_string(p, "X-HERALD-VALUE");
    if (v == nullptr || std::string_view(v) != "DATE" || !t.timed()) return t;
    return CalTime{Precision::day, date::floor<date::days>(t.local), {}};
}

/// Replaces line breaks and other control characters of a one-line text; true when it did.
bool make_one_line(std::string& s, std::string_view joint) {
    std::string out;
    bool changed = false;
    for (size_t i = 0; i < s.size(); ++i) {
        auto u = static_cast<unsigned char>(s[i]);
        if (u >= 0x20 && u != 0x7f) {
            out += s[i];
            continue;
        }
        changed = true;
        if (s[i] == '\n' && !out.empty()) out += joint;
    }
    if (changed) s = std::move(out);
    return changed;
}

/// Reads one parsed VEVENT; `lines` are its content lines as written (for line numbers).
class Reader {
  public:
    Reader(const std::vector<IcalLine>& lines, IcalFile& file, std::vector<IcalProblem>& warnings)
        : lines_(lines), file_(file), warnings_(warnings) {}

    IcalRead read(icalcomponent* c) {
        IcalRead r;
        Event& e = r.event;
        libical_errors(c);
        read_uid(c, r);
        e.title = text_of(icalcomponent_get_summary(c));
        if (make_one_line(e.title, " "))
            warn("SUMMARY", "SUMMARY: line breaks and control characters replaced by spaces");
        e.description = text_of(icalcomponent_get_description(c));
        e.location = text_of(icalcomponent_get_location(c));
        if (make_one_line(e.location, ", "))
            warn("LOCATION", "LOCATION: line breaks replaced by \", \" (Herald keeps one line)");
        read_properties(c, r);
        read_times(c, e);
        rezone(e);
        read_recurrence(c, e, r.rid);
        read_alarms(c, e);
        apply_precision(c, e);
        move_start_to_first_rdate(e);
        return r;
    }

  private:
    /// Adds a warning about the `nth` occurrence (0-based) of property `prop`.
    void warn(const std::string& prop, std::string reason, size_t nth = 0) {
        size_t line = lines_.empty() ? 0 : lines_.front().line;
        size_t seen = 0;
        for (const auto& l : lines_)
            if (line_name(l.text) == prop) {
                line = l.line;
                if (seen++ == nth) break;
            }
        warnings_.push_back({line, {}, std::move(reason), prop});
    }

    [[noreturn]] static void lost(const std::string& prop, const std::string& reason) {
        throw HeraldError(ErrorCode::invalid_time, reason, prop);
    }

    void libical_errors(icalcomponent* c) {
        for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
             p != nullptr; p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
            std::string msg = text_of(icalproperty_get_xlicerror(p));
            std::string prop = error_property(msg);
            if (prop == "DTSTART" || prop == "RECURRENCE-ID")
                lost(prop, prop + " cannot be read (" + error_text(msg) + "); the event is lost");
            if (prop == "TRIGGER") continue;  // read_alarms drops that alarm with its warning
            // Why no warning: an empty text (Google writes "DESCRIPTION:") loses nothing.
            if (msg.rfind("No value for ", 0) == 0 &&
                (prop == "DESCRIPTION" || prop == "LOCATION" || prop == "SUMMARY" ||
                 prop == "COMMENT" || prop == "URL"))
                continue;
            warn(prop.empty() ? "VEVENT" : prop,
                 (prop.empty() ? "a line" : prop) + " dropped: " + error_text(msg));
        }
        for (icalcomponent* sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
             sub != nullptr; sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
            if (icalcomponent_isa(sub) != ICAL_VALARM_COMPONENT) libical_errors(sub);
    }

    void read_uid(icalcomponent* c, IcalRead& r) {
        std::string uid = text_of(icalcomponent_get_uid(c));
        // The model's rule for one-line text (controls, C1, bidi), so a kept UID always validates.
        const bool printable = forbidden_text_char(uid, false).empty();
        if (!uid.empty() && uid.size() <= 200 && printable) {
            r.event.uid = uid;
            return;
        }
        // Why derived from content: calcurse and many exports write no UID; the same event must
        // get the same UID on every import so a re-import updates it rather than adding a copy.
        r.event.uid = derived_uid(lines_);
        r.derived_uid = true;
        warn("UID", uid.empty() ? "no UID; derived " + r.event.uid +
                                      " from DTSTART and SUMMARY (stable across re-imports)"
                                : "UID '" + uid.substr(0, 80) + (uid.size() > 80 ? "...'" : "'") +
                                      " is longer than 200 bytes or has control characters; "
                                      "replaced by " +
                                      r.event.uid + ", derived from DTSTART and SUMMARY");
    }

    void read_properties(icalcomponent* c, IcalRead& r) {
        Event& e = r.event;
        for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p != nullptr;
             p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
            switch (icalproperty_isa(p)) {
                case ICAL_URL_PROPERTY:
                    e.url = text_of(icalproperty_get_url(p));
                    if (e.url.find(':') == std::string::npos || make_one_line(e.url, "")) {
                        warn("URL", "URL dropped: '" + e.url +
                                        "' is not an absolute URL (such as https://example.org/)");
                        e.url.clear();
                    }
                    break;
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
                case ICAL_SEQUENCE_PROPERTY:
                    r.sequence = icalproperty_get_sequence(p);
                    break;
                case ICAL_DTSTAMP_PROPERTY:
                    r.stamp = std::max(r.stamp, instant_of(icalproperty_get_dtstamp(p)));
                    break;
                case ICAL_LASTMODIFIED_PROPERTY:
                    r.stamp = std::max(r.stamp, instant_of(icalproperty_get_lastmodified(p)));
                    break;
                case ICAL_X_PROPERTY:
                    read_herald_x(p, e);
                    break;
                default:
                    break;
            }
        }
        // Why from the lines: libical 3.0.16 splits "a,b\,c,d" wrongly (into "a" and "b,c,d").
        for (const auto& l : lines_)
            if (line_name(l.text) == "CATEGORIES")
                for (auto& cat : split_text_list(line_value(l.text)))
                    if (std::find(e.categories.begin(), e.categories.end(), cat) ==
                        e.categories.end())
                        e.categories.push_back(std::move(cat));
    }

    /// The years the event's instances fall in, from DTSTART and the RRULE's UNTIL (open series:
    /// TzidResolver checks them from their start on).
    void event_years(icalcomponent* c, icaltimetype start) {
        years_ = {start.year, start.year};
        if (icalproperty* p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY)) {
            icalrecurrencetype rule = icalproperty_get_rrule(p);
            years_.second = icaltime_is_null_time(rule.until) ? start.year + 1000 : rule.until.year;
        }
        if (icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY) != nullptr)
            years_.second = start.year + 1000;
    }

    /// A calendar value from a property's time, in the zone its TZID names.
    CalTime caltime(icalproperty* p, icaltimetype tt, const std::string& field) {
        if (icaltime_is_null_time(tt)) bad_time(field, field + " has no date");
        // Why day > 31 here: libical reads any two digits ("20220181"), and date::format below
        // throws std::ios_base::failure for a day outside 1-31.
        if (tt.year < 1 || tt.year > 9999 || tt.month < 1 || tt.month > 12 || tt.day < 1 ||
            tt.day > 31)
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

    void zone_for(const std::string& tzid, const std::string& field, CalTime& t) {
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

    /// Herald's own X- properties (ical_export.hpp).
    void read_herald_x(icalproperty* p, Event& e) {
        std::string name = text_of(icalproperty_get_x_name(p));
        std::string value = text_of(icalvalue_get_x(icalproperty_get_value(p)));
        if (name == "X-HERALD-SOURCE")
            e.source = value;
        else if (name == "X-HERALD-STATUS" && value == "TENTATIVE")  // a VTODO has no TENTATIVE
            e.status = Status::tentative;
        else if (name == "X-HERALD-TZ")  // the zone of a start written in UTC
            herald_tz_ = value;
    }

    /// Herald writes the later of a repeated wall time in UTC (ical_export.hpp); X-HERALD-TZ
    /// names the event's zone so the start (and end) go back to it, fold and all.
    void rezone(Event& e) {
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

    void read_times(icalcomponent* c, Event& e) {
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
        } else if (icalproperty* dur =
                       icalcomponent_get_first_property(c, ICAL_DURATION_PROPERTY)) {
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
    void read_end(Event& e, CalTime t) {
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
                warn("DTSTART", "DTSTART is floating but DTEND has zone " + t.tz +
                                    "; DTSTART read in " + t.tz);
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

    void read_recurrence(icalcomponent* c, Event& e, std::optional<CalTime>& rid) {
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
        for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_EXDATE_PROPERTY);
             p != nullptr; p = icalcomponent_get_next_property(c, ICAL_EXDATE_PROPERTY), ++n) {
            try {
                CalTime t = in_zone_of(
                    as_written(p, caltime(p, icalproperty_get_exdate(p), "EXDATE")), e.start);
                if (std::find(e.exdates.begin(), e.exdates.end(), t) == e.exdates.end())
                    e.exdates.push_back(t);
            } catch (const HeraldError& err) {
                warn("EXDATE", "EXDATE dropped: " + std::string(err.what()), n);
            }
        }
        n = 0;
        for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY);
             p != nullptr; p = icalcomponent_get_next_property(c, ICAL_RDATE_PROPERTY), ++n) {
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
    void move_start_to_first_rdate(Event& e) {
        if (e.rdates.empty() || !e.start.dated()) return;
        auto first =
            std::min_element(e.rdates.begin(), e.rdates.end(),
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

    void read_alarms(icalcomponent* c, Event& e) {
        for (icalcomponent* a = icalcomponent_get_first_component(c, ICAL_VALARM_COMPONENT);
             a != nullptr; a = icalcomponent_get_next_component(c, ICAL_VALARM_COMPONENT)) {
            icalproperty* action = icalcomponent_get_first_property(a, ICAL_ACTION_PROPERTY);
            auto kind = action ? icalproperty_get_action(action) : ICAL_ACTION_DISPLAY;
            if (kind != ICAL_ACTION_DISPLAY && kind != ICAL_ACTION_AUDIO)
                continue;  // EMAIL, PROCEDURE: not ours
            icalproperty* trig = icalcomponent_get_first_property(a, ICAL_TRIGGER_PROPERTY);
            if (trig == nullptr) {
                warn("TRIGGER", "VALARM dropped: its TRIGGER is missing or cannot be read",
                     alarm_n_++);
                continue;
            }
            ++alarm_n_;
            try {
                add_alarm(e, trig);
            } catch (const HeraldError& err) {
                warn("TRIGGER", "VALARM dropped: " + std::string(err.what()), alarm_n_ - 1);
            }
        }
    }

    void add_alarm(Event& e, icalproperty* trig) {
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
        if (*precision != Precision::none && !e.start.dated()) {
            warn("X-HERALD-PRECISION", "X-HERALD-PRECISION dropped: " + value + " needs a DTSTART");
            return;
        }
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
        e.start.tz.clear();
        e.start.precision = *precision;
        e.start.local = LocalTime{date::local_days{
            *precision == Precision::year ? ymd.year() / 1 / 1 : ymd.year() / ymd.month() / 1}};
    }

    const std::vector<IcalLine>& lines_;
    IcalFile& file_;
    std::vector<IcalProblem>& warnings_;
    std::pair<int, int> years_{2010, 2030};
    std::set<std::string> noted_;  ///< TZIDs already warned about for this event
    std::string herald_tz_;        ///< X-HERALD-TZ of the component being read
    size_t alarm_n_ = 0;
};

/// What validate() refuses that can be dropped without losing the event: the field's property
/// and how to drop it. Fields of the start are not among them.
bool drop_field(Event& e, const std::string& field, std::string& prop) {
    std::string f = field.substr(0, field.find('.'));
    if (f == "url")
        e.url.clear(), prop = "URL";
    else if (f == "location")
        e.location.clear(), prop = "LOCATION";
    else if (f == "description")
        e.description.clear(), prop = "DESCRIPTION";
    else if (f == "source")
        e.source.clear(), prop = "X-HERALD-SOURCE";
    else if (f == "categories")
        e.categories.clear(), prop = "CATEGORIES";
    else if (f == "rrule")
        e.rrule.clear(), prop = "RRULE";
    else if (f == "exdates")
        e.exdates.clear(), prop = "EXDATE";
    else if (f == "rdates")
        e.rdates.clear(), prop = "RDATE";
    else if (f == "alarms")
        e.alarms.clear(), prop = "VALARM";
    else if (f == "end")
        e.end.reset(), prop = "DTEND";
    else if (f == "duration")
        e.duration.reset(), prop = "DURATION";
    else if (f == "title")
        e.title.clear(), prop = "SUMMARY";
    else
        return false;
    return true;
}

}  // namespace

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

IcalRead read_vevent(const std::vector<IcalLine>& lines, IcalFile& file,
                     std::vector<IcalProblem>& warnings) {
    size_t first_warning = warnings.size();
    auto finish = [&](const std::string& uid) {
        for (size_t i = first_warning; i < warnings.size(); ++i) warnings[i].uid = uid;
    };
    // Why drop X-LIC-ERROR lines: they are notes a previous libical-based program (Thunderbird)
    // left about what it could not read; libical would take them for errors of this file.
    for (const auto& l : lines)
        if (line_name(l.text) == "X-LIC-ERROR")
            warnings.push_back({l.line,
                                {},
                                "X-LIC-ERROR ignored: an error note left by the "
                                "program that wrote the file",
                                "X-LIC-ERROR"});
    std::string text = join_lines(lines, {"X-LIC-ERROR"});
    CompPtr comp(icalcomponent_new_from_string(text.c_str()), icalcomponent_free);
    // Herald writes an undated (TBA) event as a VTODO (ical_export.hpp); import_ical passes only
    // those.
    if (!comp || (icalcomponent_isa(comp.get()) != ICAL_VEVENT_COMPONENT &&
                  icalcomponent_isa(comp.get()) != ICAL_VTODO_COMPONENT))
        throw HeraldError(ErrorCode::invalid_params, "VEVENT cannot be parsed", "VEVENT");
    IcalRead r = Reader(lines, file, warnings).read(comp.get());
    for (int attempt = 0; attempt < 16; ++attempt) {
        try {
            validate(r.event, file.limits);
            break;
        } catch (const HeraldError& err) {
            std::string prop;
            if (!drop_field(r.event, err.field(), prop)) {
                finish(r.event.uid);
                throw;
            }
            size_t line = lines.empty() ? 0 : lines.front().line;
            for (const auto& l : lines)
                if (line_name(l.text) == prop) {
                    line = l.line;
                    break;
                }
            warnings.push_back({line, {}, prop + " dropped: " + err.what(), prop});
        }
    }
    finish(r.event.uid);
    return r;
}

}  // namespace herald
