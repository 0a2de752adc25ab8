#include "core/ical_export.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "core/duration.hpp"
#include "core/ical_extra.hpp"
#include "core/vtimezone_rule.hpp"

namespace herald {
namespace {

constexpr int kOpenEndedYear = 2037;  // how far a VTIMEZONE reaches for never-ending rules

std::string stamp(Instant t) {
    return date::format("%Y%m%dT%H%M%SZ", t);
}
std::string local_stamp(LocalTime t) {
    return date::format("%Y%m%dT%H%M%S", t);
}
std::string day_stamp(LocalTime t) {
    return date::format("%Y%m%d", date::floor<date::days>(t));
}

bool is_utc(const std::string& tz) {
    return tz == "UTC";
}

/// A zone's TZID as a parameter value: a rule zone's name, quoted when it has ':', ';' or ','
/// ("(UTC-03:00) Brasília"); a parameter value cannot hold a '"'.
std::string tzid_param(const std::string& tz) {
    std::string name = zone_display_name(tz);
    std::erase(name, '"');
    return name.find_first_of(":;,") == std::string::npos ? name : '"' + name + '"';
}

/// ";VALUE=DATE:20250606", ";TZID=Asia/Tokyo:20221224T144000", ":20250606T090000Z" or floating.
/// The later of a repeated wall time is written in UTC: RFC 5545 reads a TZID time in a DST
/// overlap as its first occurrence, so no TZID form names the second.
std::string value_of(const CalTime& t) {
    if (!t.timed()) return ";VALUE=DATE:" + day_stamp(t.local);
    if (t.tz.empty()) return ":" + local_stamp(t.local);
    if (t.fold) return ":" + stamp(span_of(t, nullptr).begin);
    if (is_utc(t.tz)) return ":" + local_stamp(t.local) + "Z";
    return ";TZID=" + tzid_param(t.tz) + ":" + local_stamp(t.local);
}

std::string offset_text(Seconds off) {
    auto v = off.count();
    std::string sign = v < 0 ? "-" : "+";
    v = v < 0 ? -v : v;
    std::string out = sign + date::format("%H%M", Seconds{v});
    if (v % 60) out += date::format("%S", Seconds{v});
    return out;
}

int year_of(LocalTime t) {
    return static_cast<int>(date::year_month_day{date::floor<date::days>(t)}.year());
}

/// VTIMEZONE for `zone` covering [first_year, last_year]: one observance per transition.
std::string vtimezone(const std::string& name, int first_year, int last_year) {
    const date::time_zone* zone = find_zone(name);
    // A rule zone (a file's own VTIMEZONE kept as a rule) goes back out as that rule.
    if (const TzRule* rule = rule_of_zone(zone))
        return rule_vtimezone(zone_display_name(name), *rule, first_year, last_year);
    std::string out = ical_fold("BEGIN:VTIMEZONE") + ical_fold("TZID:" + name);
    auto observance = [&](const date::sys_info& info, Seconds from, LocalTime start) {
        std::string kind = info.save != std::chrono::minutes{0} ? "DAYLIGHT" : "STANDARD";
        out += ical_fold("BEGIN:" + kind) + ical_fold("DTSTART:" + local_stamp(start)) +
               ical_fold("TZOFFSETFROM:" + offset_text(from)) +
               ical_fold("TZOFFSETTO:" + offset_text(info.offset)) +
               ical_fold("TZNAME:" + ical_escape_text(info.abbrev)) + ical_fold("END:" + kind);
    };
    Instant begin = date::sys_days{date::year{first_year} / 1 / 1};
    Instant end = date::sys_days{date::year{last_year + 1} / 1 / 1};
    date::sys_info info = zone->get_info(begin);
    observance(info, info.offset, LocalTime{begin.time_since_epoch() + info.offset});
    for (Instant t = info.end; t < end; t = info.end) {
        Seconds from = info.offset;
        info = zone->get_info(t);
        if (info.begin != t) break;
        // An observance's DTSTART is the wall time just before the change (RFC 5545 §3.6.5).
        observance(info, from, LocalTime{t.time_since_epoch() + from});
    }
    return out + ical_fold("END:VTIMEZONE");
}

struct ZoneRange {
    int first = 9999;
    int last = 0;
};

void note_zone(std::map<std::string, ZoneRange>& zones, const CalTime& t, bool open_ended) {
    if (!t.timed() || t.tz.empty() || is_utc(t.tz)) return;
    auto& r = zones[t.tz];
    int y = year_of(t.local);
    r.first = std::min(r.first, y - 1);
    r.last = std::max(r.last, open_ended ? std::max(y + 1, kOpenEndedYear) : y + 1);
}

/// Splits "<uid>#<rid>" into its parts when the master is exported too.
struct Override {
    std::string master;
    CalTime rid;
};

std::optional<Override> as_override(const Event& e,
                                    const std::map<std::string, const Event*>& by_uid) {
    auto hash = e.uid.rfind('#');
    if (hash == std::string::npos) return std::nullopt;
    auto m = by_uid.find(e.uid.substr(0, hash));
    if (m == by_uid.end()) return std::nullopt;
    std::string key = e.uid.substr(hash + 1);
    if (key.size() != 8 && (key.size() != 15 || key[8] != 'T')) return std::nullopt;
    // "YYYYMMDD[THHMMSS]" → ISO form for parse_iso.
    std::string iso = key.substr(0, 4) + "-" + key.substr(4, 2) + "-" + key.substr(6, 2);
    if (key.size() == 15)
        iso += "T" + key.substr(9, 2) + ":" + key.substr(11, 2) + ":" + key.substr(13, 2);
    try {
        auto parsed = parse_iso(iso, "uid");
        if (!parsed || parsed->offset) return std::nullopt;
        CalTime rid = parsed->value;
        if (rid.timed()) rid.tz = m->second->start.tz;
        return Override{m->first, rid};
    } catch (const std::exception&) {
        return std::nullopt;  // not a recurrence id after all: export the event as it is
    }
}

/// RFC 9074 ACKNOWLEDGED of reminder `a` ("" when it has none).
std::string acknowledged_line(const Alarm& a) {
    return a.acknowledged ? ical_fold("ACKNOWLEDGED:" + stamp(*a.acknowledged)) : "";
}

std::string herald_valarm(const Event& e, const Alarm& a) {
    std::string out = ical_fold("BEGIN:VALARM") + ical_fold("ACTION:DISPLAY") +
                      ical_fold("DESCRIPTION:" + ical_escape_text(e.title));
    if (a.related == Alarm::Related::absolute)
        out += ical_fold("TRIGGER;VALUE=DATE-TIME:" + stamp(a.at));
    else if (a.related == Alarm::Related::end)
        out += ical_fold("TRIGGER;RELATED=END:" + format_duration(a.offset));
    else
        out += ical_fold("TRIGGER:" + format_duration(a.offset));
    return out + acknowledged_line(a) + ical_fold("END:VALARM");
}

std::string verbatim(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += ical_fold(l);
    return out;
}

/// The event's reminders in order, each as the kept VALARM another client wrote for it when
/// there is one, else in Herald's form, with the kept components that are no reminder in their
/// place among them: both orders survive a round trip. A kept VALARM whose reminder was removed
/// in Herald is dropped (ical_extra.hpp).
std::string component_lines(const Event& e, const IcalExtra& extra) {
    std::vector<std::optional<Alarm>> kept;
    for (const auto& c : extra.components) kept.push_back(valarm_alarm(c));
    std::vector<bool> used(kept.size(), false);
    std::string out;
    size_t next = 0;  // the kept components before it are written or dropped
    auto flush = [&](size_t end) {
        for (; next < end; ++next)
            if (!kept[next]) out += verbatim(extra.components[next]);
    };
    for (const auto& a : e.alarms) {
        // A relative trigger needs a DTSTART; a TBA event's VTODO has none (its alarms wait).
        if (!e.start.dated() && a.related != Alarm::Related::absolute) continue;
        size_t i = 0;
        while (i < kept.size() && (used[i] || kept[i] != a)) ++i;
        if (i == kept.size()) {
            out += herald_valarm(e, a);
            continue;
        }
        used[i] = true;
        flush(i);
        // The kept block without its END, then this reminder's ACKNOWLEDGED (ical_extra drops
        // the one it was read with).
        const auto& block = extra.components[i];
        out += verbatim({block.begin(), block.end() - 1}) + acknowledged_line(a) +
               ical_fold(block.back());
        next = std::max(next, i + 1);
    }
    flush(kept.size());
    return out;
}

/// An EXDATE or RDATE in DTSTART's value type (RFC 5545 §3.8.5.1; khal and calcurse reject a
/// DATE next to a DATE-TIME DTSTART): a day of a timed event becomes that day at the start's time.
CalTime like_start(const CalTime& x, const CalTime& start) {
    if (!start.timed() || x.timed()) return x;
    CalTime out = start;
    out.fold = false;
    out.local = x.local + (start.local - date::floor<date::days>(start.local));
    return out;
}

/// value_of(like_start(x)), marked X-HERALD-VALUE=DATE when a day was written as a date-time so
/// that Herald reads the day back (other programs ignore an unknown parameter).
std::string instance_value(const CalTime& x, const CalTime& start) {
    CalTime written = like_start(x, start);
    std::string v = value_of(written);
    return written.timed() && !x.timed() ? ";X-HERALD-VALUE=DATE" + v : v;
}

std::string time_lines(const Event& e) {
    std::string out;
    if (!e.start.dated()) return out;
    if (e.start.precision == Precision::year || e.start.precision == Precision::month) {
        // The whole month or year, free time: another program shows the period the date lies
        // in rather than a made-up first day.
        out += ical_fold("DTSTART" + value_of(CalTime{Precision::day, e.start.local, {}}));
        out += ical_fold("DTEND;VALUE=DATE:" + day_stamp(period_end(e.start)));
        return out + ical_fold("TRANSP:TRANSPARENT");
    }
    if (e.start.fold || (e.end && e.end->fold))
        out += ical_fold("X-HERALD-TZ:" + zone_display_name(e.start.tz));
    out += ical_fold("DTSTART" + value_of(e.start));
    if (!e.start.timed()) {
        LocalTime last = e.end ? e.end->local : e.start.local;
        out += ical_fold("DTEND;VALUE=DATE:" + day_stamp(last + date::days{1}));
    } else if (e.end) {
        out += ical_fold("DTEND" + value_of(*e.end));
    } else if (e.duration) {
        out += ical_fold("DURATION:" + format_duration(*e.duration));
    }
    return out;
}

/// STATUS in the component's terms: a VTODO knows no TENTATIVE or CONFIRMED, so a TBA event
/// keeps its tentative status in X-HERALD-STATUS.
std::string status_lines(const Event& e) {
    if (e.status == Status::cancelled) return ical_fold("STATUS:CANCELLED");
    if (e.start.dated())
        return ical_fold(e.status == Status::tentative ? "STATUS:TENTATIVE" : "STATUS:CONFIRMED");
    return e.status == Status::tentative ? ical_fold("X-HERALD-STATUS:TENTATIVE") : "";
}

std::string event_lines(const Event& e, const std::optional<Override>& ov,
                        const std::set<std::string>& skip_exdates, Instant now) {
    // Why a VTODO for a TBA event: a VEVENT needs a DTSTART in a calendar without METHOD
    // (RFC 5545 §3.6.1) and any date would be made up; a VTODO needs none.
    const std::string kind = e.start.dated() ? "VEVENT" : "VTODO";
    const IcalExtra extra = split_extra(e.ical_extra);
    auto has_extra = [&extra](std::string_view name) {
        return std::any_of(extra.properties.begin(), extra.properties.end(),
                           [&](const std::string& l) { return line_name(l) == name; });
    };
    std::string out = ical_fold("BEGIN:" + kind);
    out += ical_fold("UID:" + (ov ? ov->master : e.uid));
    out += ical_fold("DTSTAMP:" + stamp(now));
    // Another client's CREATED is kept as it wrote it (ical_extra); Herald's own is marked so
    // that a re-import does not keep it as another client's.
    if (e.created.time_since_epoch().count() > 0 && !has_extra("CREATED"))
        out += ical_fold("CREATED;X-HERALD-OWN=TRUE:" + stamp(e.created));
    if (e.updated.time_since_epoch().count() > 0)
        out += ical_fold("LAST-MODIFIED:" + stamp(e.updated));
    if (ov) out += ical_fold("RECURRENCE-ID" + value_of(ov->rid));
    out += time_lines(e);
    if (!e.rrule.empty()) out += ical_fold("RRULE:" + e.rrule);
    for (const auto& x : e.exdates)
        if (!skip_exdates.count(format_caltime(x)))
            out += ical_fold("EXDATE" + instance_value(x, e.start));
    for (const auto& r : e.rdates) out += ical_fold("RDATE" + instance_value(r, e.start));
    // An empty title is written empty: calcurse crashes on a VEVENT without SUMMARY.
    out += ical_fold("SUMMARY:" + ical_escape_text(e.title));
    std::string description = e.description;
    bool imprecise = e.start.precision != Precision::day && e.start.precision != Precision::minute;
    if (imprecise)
        description += (description.empty() ? "" : "\n\n") + precision_note(e.start.precision);
    if (!description.empty()) out += ical_fold("DESCRIPTION:" + ical_escape_text(description));
    if (!e.location.empty()) out += ical_fold("LOCATION:" + ical_escape_text(e.location));
    if (!e.url.empty()) out += ical_fold("URL:" + e.url);
    // One CATEGORIES line each: libical splits "a\,b,c" into "a,b,c" (a comma in a category
    // was lost on the way back).
    for (const auto& c : e.categories) out += ical_fold("CATEGORIES:" + ical_escape_text(c));
    out += status_lines(e);
    // Why not CLASS:PRIVATE: Herald's private means "only the owner's daemon account sees it",
    // and CLASS:PRIVATE would hide the event from everyone the file is shared with.
    if (e.visibility == Visibility::public_) out += ical_fold("CLASS:PUBLIC");
    if (!e.source.empty()) out += ical_fold("X-HERALD-SOURCE:" + ical_escape_text(e.source));
    if (imprecise)
        out += ical_fold("X-HERALD-PRECISION:" + std::string(to_string(e.start.precision)));
    for (const auto& l : extra.properties)
        if (!imprecise || line_name(l) != "TRANSP")  // time_lines wrote the period's TRANSP
            out += ical_fold(l);
    return out + component_lines(e, extra) + ical_fold("END:" + kind);
}

}  // namespace

std::string precision_note(Precision p) {
    switch (p) {
        case Precision::year:
            return "[Herald: only the year is known; the day shown is a placeholder.]";
        case Precision::month:
            return "[Herald: only the month is known; the day shown is a placeholder.]";
        case Precision::none:
            return "[Herald: the date is to be announced.]";
        default:
            return {};
    }
}

std::string ical_escape_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case ';':
                out += "\\;";
                break;
            case ',':
                out += "\\,";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string ical_fold(std::string_view line) {
    std::string out;
    size_t limit = 75;  // the first physical line; continuations lose one octet to the space
    while (line.size() > limit) {
        size_t cut = limit;
        // Never split a UTF-8 sequence: back up to the start of the character at the cut.
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
        out.append(line.substr(0, cut));
        out += "\r\n ";
        line.remove_prefix(cut);
        limit = 74;
    }
    out.append(line);
    out += "\r\n";
    return out;
}

struct IcalExporter::State {
    const std::vector<Event>& events;
    Instant now;
    std::map<std::string, const Event*> by_uid;
    std::map<std::string, ZoneRange> zones;
    std::map<std::string, std::set<std::string>> overridden;  // master uid -> exdates replaced
    std::vector<std::optional<Override>> overrides;
    size_t indexed = 0;  ///< events in by_uid
    size_t noted = 0;    ///< events whose zones and override are noted
    size_t written = 0;  ///< parts written: the head, then one per event, then the tail
};

IcalExporter::IcalExporter(const std::vector<Event>& events, Instant now)
    : state_(std::make_unique<State>(State{events, now, {}, {}, {}, {}, 0, 0, 0})) {
    state_->overrides.reserve(events.size());
}

IcalExporter::~IcalExporter() = default;

bool IcalExporter::note_next() {
    State& s = *state_;
    // Why every uid first: an override's master may come after it in id order.
    if (s.indexed < s.events.size()) {
        const Event& e = s.events[s.indexed++];
        s.by_uid[e.uid] = &e;
        return true;
    }
    if (s.noted == s.events.size()) return false;
    const Event& e = s.events[s.noted++];
    bool open = !e.rrule.empty() && e.rrule.find("UNTIL=") == std::string::npos &&
                e.rrule.find("COUNT=") == std::string::npos;
    note_zone(s.zones, e.start, open);
    if (e.end) note_zone(s.zones, *e.end, false);
    for (const auto& x : e.exdates) note_zone(s.zones, x, false);
    for (const auto& r : e.rdates) note_zone(s.zones, r, false);
    s.overrides.push_back(as_override(e, s.by_uid));
    if (s.overrides.back())
        s.overridden[s.overrides.back()->master].insert(format_caltime(s.overrides.back()->rid));
    return true;
}

bool IcalExporter::write_next(std::string& out) {
    State& s = *state_;
    while (note_next()) {
    }
    const size_t n = s.events.size();
    if (s.written > n + 1) return false;
    if (s.written == 0) {
        out += ical_fold("BEGIN:VCALENDAR") + ical_fold("VERSION:2.0") +
               ical_fold("PRODID:-//Herald//Herald " HERALD_VERSION "//EN") +
               ical_fold("CALSCALE:GREGORIAN");
        for (const auto& [name, range] : s.zones) out += vtimezone(name, range.first, range.last);
    } else if (s.written <= n) {
        static const std::set<std::string> none;
        size_t i = s.written - 1;
        auto it = s.overridden.find(s.events[i].uid);
        out += event_lines(s.events[i], s.overrides[i],
                           it == s.overridden.end() ? none : it->second, s.now);
    } else {
        out += ical_fold("END:VCALENDAR");
    }
    ++s.written;
    return true;
}

bool IcalExporter::release_next() {
    // Why one entry at a time: the maps of 100,000 events take tens of milliseconds to free.
    State& s = *state_;
    if (!s.by_uid.empty()) {
        s.by_uid.erase(s.by_uid.begin());
        return true;
    }
    if (!s.overridden.empty()) {
        s.overridden.erase(s.overridden.begin());
        return true;
    }
    if (s.overrides.empty()) return false;
    s.overrides.pop_back();
    return true;
}

std::string export_ical(const std::vector<Event>& events, Instant now) {
    IcalExporter exporter(events, now);
    std::string out;
    while (exporter.write_next(out)) {
    }
    return out;
}

}  // namespace herald
