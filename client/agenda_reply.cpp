#include "client/agenda_reply.hpp"

#include <stdexcept>

#include <simdjson.h>

namespace herald::client {
namespace {

namespace od = simdjson::ondemand;

std::string text(od::value v) {
    if (v.is_null()) return {};
    return std::string(std::string_view(v.get_string()));
}

void read_wall(std::string_view rest, od::value v, WallTime& w) {
    if (rest == "local")
        w.local = text(v);
    else if (rest == "abbrev")
        w.abbrev = text(v);
    else if (rest == "offset")
        w.offset = v.get_int64();
}

ListedOccurrence read_occurrence(od::object o) {
    ListedOccurrence r;
    for (auto field : o) {
        std::string_view key = field.unescaped_key();  // before value(): On Demand reads in order
        od::value v = field.value();
        if (key == "id")
            r.id = v.get_int64();
        else if (key == "title")
            r.title = text(v);
        else if (key == "status")
            r.status = text(v);
        else if (key == "location")
            r.location = text(v);
        else if (key == "precision")
            r.precision = text(v);
        else if (key == "start")
            r.start = text(v);
        else if (key == "end")
            r.end = text(v);
        else if (key == "tz")
            r.tz = text(v);
        else if (key == "occurrence_local")
            r.occurrence_local = text(v);
        else if (key == "all_day")
            r.all_day = v.get_bool();
        else if (key.starts_with("zone_"))
            read_wall(key.substr(5), v, r.zone);
        else if (key.starts_with("viewer_"))
            read_wall(key.substr(7), v, r.viewer);
    }
    return r;
}

}  // namespace

ListedAgenda decode_listed_agenda(std::string result_json) {
    result_json.reserve(result_json.size() + simdjson::SIMDJSON_PADDING);  // read past the end
    od::parser parser;
    ListedAgenda a;
    try {
        od::document doc =
            parser.iterate(result_json.data(), result_json.size(), result_json.capacity());
        for (auto field : doc.get_object()) {
            std::string_view key = field.unescaped_key();
            od::value v = field.value();
            if (key == "occurrences") {
                od::array list = v.get_array();
                a.occurrences.reserve(list.count_elements());
                for (od::value occ : list)
                    a.occurrences.push_back(read_occurrence(occ.get_object()));
            } else if (key == "imprecise" || key == "undated") {
                od::array array = v.get_array();
                std::string_view raw = array.raw_json();
                (key == "imprecise" ? a.imprecise : a.undated) = Json::parse(raw);
            } else if (key == "from") {
                a.from = text(v);
            } else if (key == "to") {
                a.to = text(v);
            } else if (key == "tz") {
                a.tz = text(v);
            } else if (key == "total") {
                a.total = v.get_int64();
            } else if (key == "total_exact") {
                a.total_exact = v.get_bool();
            } else if (key == "truncated") {
                a.truncated = v.get_bool();
            } else if (key == "next_cursor") {
                a.next_cursor = text(v);
            }
        }
    } catch (const simdjson::simdjson_error& e) {
        throw std::runtime_error(std::string("heraldd sent an agenda that cannot be read: ") +
                                 e.what());
    }
    return a;
}

Json fetch_agenda(Connection& conn, Json params) {
    Json agenda = conn.call("agenda", params);
    while (agenda.contains("next_cursor")) {
        params["cursor"] = agenda["next_cursor"];
        Json page = conn.call("agenda", params);
        for (auto& occ : page["occurrences"]) agenda["occurrences"].push_back(std::move(occ));
        for (auto& e : page["imprecise"]) agenda["imprecise"].push_back(std::move(e));
        agenda["total"] = page["total"];
        agenda.erase("total_exact");
        if (page.contains("total_exact")) agenda["total_exact"] = page["total_exact"];
        agenda["truncated"] = page["truncated"];
        agenda.erase("next_cursor");
        if (page.contains("next_cursor")) agenda["next_cursor"] = page["next_cursor"];
    }
    return agenda;
}

ListedAgenda fetch_listed_agenda(Connection& conn, Json params) {
    ListedAgenda agenda = decode_listed_agenda(conn.call_encoded("agenda", params));
    while (!agenda.next_cursor.empty()) {
        params["cursor"] = agenda.next_cursor;
        ListedAgenda page = decode_listed_agenda(conn.call_encoded("agenda", params));
        for (auto& occ : page.occurrences) agenda.occurrences.push_back(std::move(occ));
        for (auto& e : page.imprecise) agenda.imprecise.push_back(std::move(e));
        agenda.total = page.total;
        agenda.total_exact = page.total_exact;
        agenda.truncated = page.truncated;
        agenda.next_cursor = std::move(page.next_cursor);
    }
    return agenda;
}

}  // namespace herald::client
