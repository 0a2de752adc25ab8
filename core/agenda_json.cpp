#include "core/agenda_json.hpp"

#include "core/anniversary.hpp"
#include "core/event_json.hpp"
#include "core/protocol.hpp"

namespace herald {
namespace {

void key(std::string& out, std::string_view name) {
    out += '"';
    out += name;  // keys are plain ASCII
    out += "\":";
}

void put(std::string& out, std::string_view name, std::string_view value) {
    key(out, name);
    append_json_string(out, value);
    out += ',';
}

void put_int(std::string& out, std::string_view name, int64_t value) {
    key(out, name);
    out += std::to_string(value);
    out += ',';
}

void put_bool(std::string& out, std::string_view name, bool value) {
    key(out, name);
    out += value ? "true," : "false,";
}

/// The wall-time fields in one zone: zone_abbrev/zone_local/zone_offset or the viewer_ ones.
struct WallKeys {
    std::string_view abbrev, local, offset;
};
constexpr WallKeys kZoneKeys{"zone_abbrev", "zone_local", "zone_offset"};
constexpr WallKeys kViewerKeys{"viewer_abbrev", "viewer_local", "viewer_offset"};

void put_wall(std::string& out, const WallKeys& keys, Instant t, const date::time_zone* zone) {
    ZoneOffset z = zone_offset_at(zone, t);
    put(out, keys.abbrev, z.abbrev);
    put(out, keys.local,
        format_caltime({Precision::minute, LocalTime{(t + z.offset).time_since_epoch()}, {}}));
    put_int(out, keys.offset, z.offset.count());
}

}  // namespace

Json occurrence_json(const Occurrence& occ) {
    Json j = to_json(*occ.event);
    j["occurrence_start"] = format_instant(occ.begin);
    j["occurrence_end"] = format_instant(occ.end);
    j["occurrence_local"] = format_caltime(occ.start);
    // Anniversary titles: {n}/{ordinal} become the years since the first occurrence.
    if (auto expanded = expand_title(occ.event->title, occ.event->start, occ.start); expanded.n) {
        j["title"] = expanded.title;
        j["n"] = *expanded.n;
    }
    return j;
}

void append_brief_occurrence(std::string& out, const Occurrence& occ,
                             const date::time_zone* viewer) {
    const Event& e = *occ.event;
    auto expanded = expand_title(e.title, e.start, occ.start);
    // Keys in the order nlohmann's dump() sorts them, as every other reply has them.
    out += '{';
    put_bool(out, "all_day", e.start.precision == Precision::day);
    if (e.end) {
        put(out, "end", format_caltime(*e.end));
    } else {
        key(out, "end");
        out += "null,";
    }
    put_int(out, "id", e.id);
    put(out, "location", e.location);
    if (expanded.n) put_int(out, "n", *expanded.n);
    put(out, "occurrence_end", format_instant(occ.end));
    put(out, "occurrence_local", format_caltime(occ.start));
    put(out, "occurrence_start", format_instant(occ.begin));
    put(out, "precision", to_string(e.start.precision));
    put_bool(out, "recurring", !e.rrule.empty() || !e.rdates.empty());
    put(out, "start", format_caltime(e.start));
    put(out, "status", to_string(e.status));
    put(out, "title", expanded.n ? expanded.title : e.title);
    put(out, "tz", e.start.tz);
    if (e.start.timed()) {
        put_wall(out, kViewerKeys, occ.begin, viewer);
        if (!e.start.tz.empty()) put_wall(out, kZoneKeys, occ.begin, find_zone(e.start.tz));
    }
    out.back() = '}';
}

}  // namespace herald
