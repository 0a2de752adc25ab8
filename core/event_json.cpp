#include "core/event_json.hpp"

#include <algorithm>
#include <array>

#include "core/duration.hpp"
#include "core/errors.hpp"

namespace herald {
namespace {

constexpr std::array<std::string_view, 9> kReadOnly{"id",      "revision",         "owner",
                                                    "created", "updated",          "precision",
                                                    "all_day", "end_tz_effective", "ical_extra"};
constexpr std::array<std::string_view, 19> kWritable{
    "uid",        "title",  "description", "location", "url",   "source", "calendar",
    "categories", "status", "visibility",  "start",    "tz",    "end",    "end_tz",
    "duration",   "rrule",  "exdates",     "rdates",   "alarms"};

const std::string& get_string(const Json& j, const char* key, std::string_view field_prefix = {}) {
    const Json& v = j.at(key);
    if (!v.is_string())
        bad_param(std::string(field_prefix) + key, std::string(key) + " must be a string");
    return v.get_ref<const std::string&>();
}

std::string opt_string(const Json& j, const char* key) {
    if (!j.contains(key) || j.at(key).is_null()) return {};
    return get_string(j, key);
}

std::vector<std::string> string_list(const Json& j, const char* key) {
    std::vector<std::string> out;
    if (!j.contains(key) || j.at(key).is_null()) return out;
    const Json& v = j.at(key);
    if (!v.is_array()) bad_param(key, std::string(key) + " must be an array of strings");
    for (const auto& item : v) {
        if (!item.is_string()) bad_param(key, std::string(key) + " must be an array of strings");
        out.push_back(item.get<std::string>());
    }
    return out;
}

std::vector<CalTime> caltime_list(const Json& j, const char* key, const std::string& tz) {
    std::vector<CalTime> out;
    for (const auto& s : string_list(j, key)) out.push_back(caltime_from_string(s, tz, key));
    return out;
}

Json caltime_list_json(const std::vector<CalTime>& list) {
    Json out = Json::array();
    for (const auto& t : list) out.push_back(format_caltime(t));
    return out;
}

}  // namespace

CalTime caltime_from_string(std::string_view text, std::string_view tz, std::string_view field) {
    auto parsed = parse_iso(text, field);
    if (!parsed)
        bad_time(std::string(field),
                 "cannot read '" + std::string(text) +
                     "': expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]");
    CalTime t = parsed->value;
    if (parsed->offset) {
        // An explicit offset pins the instant; keep it as UTC unless a zone was named. The
        // instant is kept exactly, also the second of a repeated wall time (fold).
        Instant instant{t.local.time_since_epoch() - *parsed->offset};
        t = caltime_at(instant, tz.empty() ? "UTC" : std::string(tz));
    } else if (t.timed()) {
        t.tz = std::string(tz);
    }
    return t;
}

Alarm alarm_from_json(const Json& j, std::string_view field) {
    const std::string f(field);
    if (!j.is_object())
        bad_param(
            f, "an alarm must be an object such as {\"trigger\":\"-PT15M\"} or {\"at\":\"...Z\"}");
    for (const auto& [key, _] : j.items())
        if (key != "trigger" && key != "related" && key != "at" && key != "acknowledged")
            bad_param(f + "." + key, "unknown alarm field '" + key +
                                         "': expected trigger, related, at or acknowledged");
    Alarm a;
    if (j.contains("acknowledged"))
        a.acknowledged = parse_instant(get_string(j, "acknowledged", f + "."), f + ".acknowledged");
    if (j.contains("at")) {
        if (j.contains("trigger")) bad_param(f, "an alarm has either trigger or at, not both");
        a.related = Alarm::Related::absolute;
        a.at = parse_instant(get_string(j, "at", f + "."), f + ".at");
        return a;
    }
    if (!j.contains("trigger"))
        bad_param(f, "an alarm needs trigger (e.g. -PT15M) or at (an instant)");
    a.offset = parse_duration(get_string(j, "trigger", f + "."), f + ".trigger");
    std::string related = opt_string(j, "related");
    if (related.empty() || related == "start")
        a.related = Alarm::Related::start;
    else if (related == "end")
        a.related = Alarm::Related::end;
    else
        bad_param(f + ".related", "related must be \"start\" or \"end\"");
    return a;
}

Json to_json(const Alarm& a) {
    Json j = a.related == Alarm::Related::absolute
                 ? Json{{"at", format_instant(a.at)}}
                 : Json{{"trigger", format_duration(a.offset)},
                        {"related", a.related == Alarm::Related::end ? "end" : "start"}};
    // Written only when set, so an alarm never acknowledged looks as it always did.
    if (a.acknowledged) j["acknowledged"] = format_instant(*a.acknowledged);
    return j;
}

Json to_json(const Event& e) {
    Json j{{"id", e.id},
           {"uid", e.uid},
           {"title", e.title},
           {"description", e.description},
           {"location", e.location},
           {"url", e.url},
           {"source", e.source},
           {"categories", e.categories},
           {"status", to_string(e.status)},
           {"visibility", to_string(e.visibility)},
           {"owner", e.owner},
           {"revision", e.revision},
           {"created", format_instant(e.created)},
           {"updated", format_instant(e.updated)},
           {"start", e.start.dated() ? Json(format_caltime(e.start)) : Json(nullptr)},
           {"tz", e.start.tz},
           {"precision", to_string(e.start.precision)},
           {"all_day", e.start.precision == Precision::day},
           {"end", e.end ? Json(format_caltime(*e.end)) : Json(nullptr)},
           {"duration", e.duration ? Json(format_duration(*e.duration)) : Json(nullptr)},
           {"rrule", e.rrule},
           {"exdates", caltime_list_json(e.exdates)},
           {"rdates", caltime_list_json(e.rdates)},
           {"alarms", Json::array()}};
    if (e.end && e.end->tz != e.start.tz) j["end_tz"] = e.end->tz;
    // Written only when set, so the JSON of local events (and every stored row) is unchanged.
    if (!e.calendar.empty()) j["calendar"] = e.calendar;
    if (!e.ical_extra.empty()) j["ical_extra"] = e.ical_extra;
    for (const auto& a : e.alarms) j["alarms"].push_back(to_json(a));
    return j;
}

Event event_from_json(const Json& j) {
    if (!j.is_object()) bad_param("event", "event must be a JSON object");
    for (const auto& [key, _] : j.items()) {
        bool known = std::find(kWritable.begin(), kWritable.end(), key) != kWritable.end() ||
                     std::find(kReadOnly.begin(), kReadOnly.end(), key) != kReadOnly.end();
        if (!known)
            bad_param(key, "unknown event field '" + key +
                               "'; see docs/protocol.md for the event fields");
    }
    Event e;
    e.uid = opt_string(j, "uid");
    e.title = opt_string(j, "title");
    e.description = opt_string(j, "description");
    e.location = opt_string(j, "location");
    e.url = opt_string(j, "url");
    e.source = opt_string(j, "source");
    e.calendar = opt_string(j, "calendar");
    // Read so that to_json → event_from_json keeps an event whole; event.add drops it and
    // apply_changes refuses a change to it (read-only for clients).
    e.ical_extra = opt_string(j, "ical_extra");
    e.categories = string_list(j, "categories");
    e.status = parse_status(opt_string(j, "status"));
    e.visibility = parse_visibility(opt_string(j, "visibility"));
    std::string tz = opt_string(j, "tz");
    if (!tz.empty()) find_zone(tz, "tz");
    if (!j.contains("start"))
        bad_param("start",
                  "start is required: a date, a date-time, YYYY, YYYY-MM, or null for undated");
    if (!j.at("start").is_null())
        e.start = caltime_from_string(get_string(j, "start"), tz, "start");
    else if (!tz.empty())
        bad_time("tz", "an undated event (start null) cannot have a time zone");
    if (!opt_string(j, "end").empty()) {
        std::string end_tz = j.contains("end_tz") ? opt_string(j, "end_tz") : e.start.tz;
        e.end =
            caltime_from_string(get_string(j, "end"), end_tz.empty() ? e.start.tz : end_tz, "end");
    }
    if (std::string d = opt_string(j, "duration"); !d.empty())
        e.duration = parse_duration(d, "duration");
    e.rrule = opt_string(j, "rrule");
    e.exdates = caltime_list(j, "exdates", e.start.tz);
    e.rdates = caltime_list(j, "rdates", e.start.tz);
    if (j.contains("alarms") && !j.at("alarms").is_null()) {
        const Json& alarms = j.at("alarms");
        if (!alarms.is_array()) bad_param("alarms", "alarms must be an array of alarm objects");
        for (size_t i = 0; i < alarms.size(); ++i)
            e.alarms.push_back(alarm_from_json(alarms[i], "alarms[" + std::to_string(i) + "]"));
    }
    return e;
}

Event apply_changes(const Event& base, const Json& changes) {
    if (!changes.is_object()) bad_param("changes", "changes must be a JSON object of event fields");
    Json merged = to_json(base);
    merged.erase("end_tz");
    for (const auto& [key, value] : changes.items()) {
        if (std::find(kReadOnly.begin(), kReadOnly.end(), key) != kReadOnly.end())
            bad_param("changes." + key, key + " cannot be changed");
        merged[key] = value;
    }
    // Clearing start makes the event undated, and an undated event has no zone: drop the old one
    // unless the caller sent a tz too (then event_from_json reports it).
    if (changes.contains("start") && changes.at("start").is_null() && !changes.contains("tz"))
        merged["tz"] = "";
    // A zone change alone re-zones the existing local start (and end, unless its zone was given):
    // the wall time is kept, so a fold (the old zone's repeated hour) is dropped with the offset.
    auto wall = [](CalTime t) {
        t.fold = false;
        return format_caltime(t);
    };
    if (changes.contains("tz") && !changes.contains("start") && base.start.fold)
        merged["start"] = wall(base.start);
    if (changes.contains("tz") && !changes.contains("end") && base.end && base.end->fold)
        merged["end"] = wall(*base.end);
    if (changes.contains("tz") && !changes.contains("end_tz") && base.end)
        merged["end_tz"] = merged["tz"];
    else if (base.end && base.end->tz != base.start.tz && !changes.contains("end_tz"))
        merged["end_tz"] = base.end->tz;
    Event e = event_from_json(merged);
    e.id = base.id;
    e.owner = base.owner;
    e.revision = base.revision;
    e.created = base.created;
    e.updated = base.updated;
    return e;
}

}  // namespace herald
