#include "core/agenda_json.hpp"

#include <string_view>
#include <vector>

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

namespace {

/// "name":"<t>", or with `holes` "name":, and where the value goes is added to `holes`.
void put_instant(std::string& out, std::string_view name, Instant t, std::vector<size_t>* holes) {
    key(out, name);
    if (holes)
        holes->push_back(out.size());
    else
        append_json_string(out, format_instant(t));
    out += ',';
}

/// The brief occurrence up to its viewer_* fields: '{' to the "tz" key, each field with its ','.
/// With `holes`: the occurrence's instants left out, where they go added to `holes`.
void append_brief_head(std::string& out, const Occurrence& occ,
                       std::vector<size_t>* holes = nullptr) {
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
    put_instant(out, "occurrence_end", occ.end, holes);
    put(out, "occurrence_local", format_caltime(occ.start));
    put_instant(out, "occurrence_start", occ.begin, holes);
    put(out, "precision", to_string(e.start.precision));
    put_bool(out, "recurring", !e.rrule.empty() || !e.rdates.empty());
    put(out, "start", format_caltime(e.start));
    put(out, "status", to_string(e.status));
    put(out, "title", expanded.n ? expanded.title : e.title);
    put(out, "tz", e.start.tz);
}

/// The brief occurrence after its viewer_* fields: the zone_* ones of a zoned timed occurrence,
/// then the closing '}' in place of the last ','.
void append_brief_tail(std::string& out, const Occurrence& occ) {
    const Event& e = *occ.event;
    if (e.start.timed() && !e.start.tz.empty())
        put_wall(out, kZoneKeys, occ.begin, find_zone(e.start.tz));
    out.back() = '}';
}

}  // namespace

void append_brief_occurrence(std::string& out, const Occurrence& occ,
                             const date::time_zone* viewer) {
    append_brief_head(out, occ);
    if (occ.event->start.timed()) append_viewer_wall(out, occ.begin, viewer);
    append_brief_tail(out, occ);
}

void append_viewer_wall(std::string& out, Instant begin, const date::time_zone* viewer) {
    put_wall(out, kViewerKeys, begin, viewer);
}

std::optional<BriefParts> brief_parts(const Occurrence& occ) {
    const Event& e = *occ.event;
    // Why only events that do not recur: their one occurrence is the event's own start, so its
    // title's {n} is fixed. A zoned timed start (and end) gives every viewer the same instants,
    // wall times and zone_* fields; an all-day one without a duration, the same text but its
    // instants, which are its local days' bounds in the viewer's zone.
    if (!e.rrule.empty() || !e.rdates.empty() || occ.start != e.start) return std::nullopt;
    const bool zoned = e.start.timed() && !e.start.tz.empty() && (!e.end || !e.end->tz.empty());
    const bool all_day = e.start.precision == Precision::day && e.start.tz.empty() && !e.duration &&
                         (!e.end || (!e.end->timed() && e.end->tz.empty()));
    if (!zoned && !all_day) return std::nullopt;
    BriefParts parts;
    if (zoned) {
        append_brief_head(parts.text, occ);
        parts.split = parts.text.size();
    } else {
        std::vector<size_t> holes;
        append_brief_head(parts.text, occ, &holes);
        parts.instants = true;
        parts.split = holes.at(0);
        parts.split2 = holes.at(1);
    }
    append_brief_tail(parts.text, occ);
    return parts;
}

void append_brief_parts(std::string& out, const BriefParts& parts, Instant begin, Instant end,
                        const date::time_zone* viewer) {
    std::string_view text = parts.text;
    out.append(text.substr(0, parts.split));
    if (!parts.instants) {
        append_viewer_wall(out, begin, viewer);
        out.append(text.substr(parts.split));
        return;
    }
    append_json_string(out, format_instant(end));
    out.append(text.substr(parts.split, parts.split2 - parts.split));
    append_json_string(out, format_instant(begin));
    out.append(text.substr(parts.split2));
}

}  // namespace herald
