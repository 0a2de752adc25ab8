#include "core/event_stored.hpp"

#include <simdjson.h>

#include "core/duration.hpp"
#include "core/errors.hpp"
#include "core/event_json.hpp"

namespace herald {
namespace {

namespace od = simdjson::ondemand;

std::string text(od::value v) {
    return std::string(std::string_view(v.get_string()));
}

/// A string or null (null reads as "").
std::string opt_text(od::value v) {
    if (v.is_null()) return {};
    return text(v);
}

std::vector<std::string> texts(od::value v) {
    std::vector<std::string> out;
    if (v.is_null()) return out;
    for (od::value item : v.get_array()) out.push_back(text(item));
    return out;
}

Alarm alarm_from(od::object o) {
    std::string trigger, related, at, acknowledged;
    bool absolute = false;
    for (auto field : o) {
        std::string_view key = field.unescaped_key();
        od::value v = field.value();
        if (key == "at")
            at = text(v), absolute = true;
        else if (key == "trigger")
            trigger = text(v);
        else if (key == "related")
            related = opt_text(v);
        else if (key == "acknowledged")
            acknowledged = text(v);
    }
    // The same rules as alarm_from_json, without its checks for keys a client may send.
    Alarm a;
    if (!acknowledged.empty()) a.acknowledged = parse_instant(acknowledged, "alarms.acknowledged");
    if (absolute) {
        a.related = Alarm::Related::absolute;
        a.at = parse_instant(at, "alarms.at");
    } else {
        a.offset = parse_duration(trigger, "alarms.trigger");
        if (related == "end")
            a.related = Alarm::Related::end;
        else if (!related.empty() && related != "start")
            bad_param("alarms.related", "related must be \"start\" or \"end\"");
    }
    return a;
}

/// The stored fields that are converted once all keys are read (tz comes after start). Why views:
/// they point into the parser's string buffer, which lives until the next parse, after convert();
/// copying them cost an allocation each for a start or end of 16 characters or more.
struct Raw {
    std::optional<std::string_view> start;
    std::string_view tz, end, duration, status, visibility, created, updated;
    std::optional<std::string_view> end_tz;
    std::vector<std::string> exdates, rdates;
};

std::string_view view(od::value v) {
    return std::string_view(v.get_string());
}

/// A string or null (null reads as ""), as a view.
std::string_view opt_view(od::value v) {
    if (v.is_null()) return {};
    return view(v);
}

void read_field(std::string_view key, od::value v, Event& e, Raw& raw) {
    if (key == "id") {
        e.id = v.get_int64();
    } else if (key == "revision") {
        e.revision = v.get_int64();
    } else if (key == "owner") {
        e.owner = v.get_int64();
    } else if (key == "uid") {
        e.uid = opt_text(v);
    } else if (key == "title") {
        e.title = opt_text(v);
    } else if (key == "description") {
        e.description = opt_text(v);
    } else if (key == "location") {
        e.location = opt_text(v);
    } else if (key == "url") {
        e.url = opt_text(v);
    } else if (key == "source") {
        e.source = opt_text(v);
    } else if (key == "calendar") {
        e.calendar = opt_text(v);
    } else if (key == "ical_extra") {
        e.ical_extra = opt_text(v);
    } else if (key == "rrule") {
        e.rrule = opt_text(v);
    } else if (key == "categories") {
        e.categories = texts(v);
    } else if (key == "status") {
        raw.status = opt_view(v);
    } else if (key == "visibility") {
        raw.visibility = opt_view(v);
    } else if (key == "created") {
        raw.created = view(v);
    } else if (key == "updated") {
        raw.updated = view(v);
    } else if (key == "start") {
        if (!v.is_null()) raw.start = view(v);
    } else if (key == "tz") {
        raw.tz = opt_view(v);
    } else if (key == "end") {
        raw.end = opt_view(v);
    } else if (key == "end_tz") {
        raw.end_tz = opt_view(v);
    } else if (key == "duration") {
        raw.duration = opt_view(v);
    } else if (key == "exdates") {
        raw.exdates = texts(v);
    } else if (key == "rdates") {
        raw.rdates = texts(v);
    } else if (key == "alarms") {
        if (v.is_null()) return;
        for (od::value a : v.get_array()) e.alarms.push_back(alarm_from(a.get_object()));
    }
    // precision and all_day are derived from start; nothing else is written by to_json.
}

void convert(const Raw& raw, Event& e) {
    e.status = parse_status(raw.status);
    e.visibility = parse_visibility(raw.visibility);
    if (!raw.tz.empty()) find_zone(raw.tz, "tz");
    if (raw.start) e.start = caltime_from_string(*raw.start, raw.tz, "start");
    if (!raw.end.empty()) {
        std::string_view end_tz = raw.end_tz ? *raw.end_tz : e.start.tz;
        e.end = caltime_from_string(raw.end, end_tz.empty() ? e.start.tz : end_tz, "end");
    }
    if (!raw.duration.empty()) e.duration = parse_duration(raw.duration, "duration");
    for (const auto& s : raw.exdates)
        e.exdates.push_back(caltime_from_string(s, e.start.tz, "exdates"));
    for (const auto& s : raw.rdates)
        e.rdates.push_back(caltime_from_string(s, e.start.tz, "rdates"));
    // Why optional: a listing row (daemon/store.cpp, list_rows) keeps the brief fields only.
    if (!raw.created.empty()) e.created = parse_instant(raw.created, "created");
    if (!raw.updated.empty()) e.updated = parse_instant(raw.updated, "updated");
}

}  // namespace

Event event_from_stored(std::string_view json) {
    // One parser and one padded buffer per thread, reused: simdjson needs SIMDJSON_PADDING
    // readable bytes after the text, which SQLite's column buffer does not promise.
    thread_local od::parser parser;
    thread_local std::string buffer;
    buffer.reserve(json.size() + simdjson::SIMDJSON_PADDING);
    buffer.assign(json);
    Event e;
    Raw raw;
    try {
        od::document doc = parser.iterate(buffer.data(), buffer.size(), buffer.capacity());
        for (auto field : doc.get_object()) {
            std::string_view key =
                field.unescaped_key();  // before value(): On Demand reads in order
            read_field(key, field.value(), e, raw);
        }
    } catch (const simdjson::simdjson_error& err) {
        throw HeraldError(ErrorCode::storage_error,
                          std::string("a stored event is not the JSON object heraldd writes (") +
                              err.what() + "); the database may be damaged");
    }
    convert(raw, e);
    return e;
}

}  // namespace herald
