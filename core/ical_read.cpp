#include "core/ical_read.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <memory>

#include "core/errors.hpp"
#include "core/ical_extra.hpp"
#include "core/ical_reader.hpp"

namespace herald {
namespace {

using CompPtr = std::unique_ptr<icalcomponent, decltype(&icalcomponent_free)>;

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
    else if (f == "ical_extra")
        e.ical_extra.clear(), prop = "unmodelled properties";
    else
        return false;
    return true;
}

}  // namespace

namespace ical_read_detail {

std::string text_of(const char* s) {
    return s == nullptr ? std::string() : std::string(s);
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

IcalRead Reader::read(icalcomponent* c) {
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

/// Adds a warning about the `nth` occurrence (0-based) of property `prop`.
void Reader::warn(const std::string& prop, std::string reason, size_t nth) {
    size_t line = lines_.empty() ? 0 : lines_.front().line;
    size_t seen = 0;
    for (const auto& l : lines_)
        if (line_name(l.text) == prop) {
            line = l.line;
            if (seen++ == nth) break;
        }
    warnings_.push_back({line, {}, std::move(reason), prop});
}

void Reader::lost(const std::string& prop, const std::string& reason) {
    throw HeraldError(ErrorCode::invalid_time, reason, prop);
}

void Reader::libical_errors(icalcomponent* c) {
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

void Reader::read_uid(icalcomponent* c, IcalRead& r) {
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

}  // namespace ical_read_detail

using ical_read_detail::Reader;

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
    const Precision p = r.event.start.precision;
    r.event.ical_extra = unmodelled_lines(lines, p == Precision::year || p == Precision::month);
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
