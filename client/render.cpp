#include "client/render.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "core/event_json.hpp"

namespace herald::client {
namespace {

std::string pad(const std::string& s, size_t width) {
    size_t w = display_width(s);
    return w >= width ? s : s + std::string(width - w, ' ');
}

// Why snprintf rather than date::format: iostreams and locales cost more than the rest of a
// row, and a long listing formats two of these per row. The C locale's names, as before.
std::string hhmm(LocalTime t) {
    auto day = date::floor<date::days>(t);
    date::hh_mm_ss hms{date::floor<std::chrono::minutes>(t - day)};
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02u:%02u", static_cast<unsigned>(hms.hours().count()),
                  static_cast<unsigned>(hms.minutes().count()));
    return buf;
}

constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

std::string weekday_date(LocalTime t) {
    auto day = date::floor<date::days>(t);
    date::year_month_day ymd{day};
    int y = static_cast<int>(ymd.year());
    if (y < 0 || y > 9999) return date::format("%a %Y-%m-%d", day);
    char buf[20];
    std::snprintf(buf, sizeof buf, "%s %04d-%02u-%02u", kDays[date::weekday{day}.c_encoding()], y,
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

std::string title_with_status(std::string title, std::string_view status) {
    if (status == "tentative") title += " (tentative)";
    if (status == "cancelled") title += " (cancelled)";
    return title;
}

std::string title_of(const Json& e) {
    return title_with_status(e.value("title", ""), e.value("status", ""));
}

LocalTime wall(const std::string& local) {
    return caltime_from_string(local, "", "occurrence").local;
}

/// The columns of a timed occurrence from its wall times: in its own zone (with the
/// abbreviation) and, when the viewer's offset differs, in the viewer's; floating ones (no
/// zone) are already the viewer's time.
WhenText timed_text(const std::string& tz, const WallTime& zone, const WallTime& viewer,
                    std::string_view viewer_tz) {
    bool zoned = !tz.empty();
    LocalTime local = wall(zoned ? zone.local : viewer.local);
    WhenText w{weekday_date(local), hhmm(local)};
    if (!zoned) return w;
    w.time += " " + zone.abbrev;
    if (tz != viewer_tz && zone.offset != viewer.offset) {
        LocalTime mine = wall(viewer.local);
        w.time += " · " + hhmm(mine) + " " + viewer.abbrev;
        auto day = date::floor<date::days>(mine);
        if (day != date::floor<date::days>(local))
            w.time += std::string(" (") + kDays[date::weekday{day}.c_encoding()] + ")";
    }
    return w;
}

/// The columns of an all-day (or multi-day) occurrence.
WhenText dated_text(const std::string& local_start, const std::string& start,
                    const std::string& end) {
    WhenText w{weekday_date(wall(local_start)), "all day"};
    if (!end.empty() && end != start) w.time = "until " + end;
    return w;
}

WallTime wall_in(Instant t, const date::time_zone* zone) {
    ZoneOffset z = zone_offset_at(zone, t);
    return {format_caltime({Precision::minute, LocalTime{(t + z.offset).time_since_epoch()}, {}}),
            z.abbrev, z.offset.count()};
}

std::string imprecise_label(const Json& e) {
    std::string start = e.value("start", "");
    if (e.value("precision", "") == "month") {
        auto t = caltime_from_string(start, "", "start");
        return date::format(
            "%B %Y",
            date::year_month{date::year_month_day{date::floor<date::days>(t.local)}.year(),
                             date::year_month_day{date::floor<date::days>(t.local)}.month()});
    }
    return start;
}

/// The strings of the list `key` of `e`, comma-separated ("" when absent).
std::string joined(const Json& e, const char* key) {
    std::string out;
    auto it = e.find(key);
    if (it == e.end() || !it->is_array()) return out;
    for (const auto& s : *it)
        if (s.is_string()) out += (out.empty() ? "" : ", ") + s.get<std::string>();
    return out;
}

void table(std::string& out, const std::vector<std::vector<std::string>>& rows) {
    if (rows.empty()) return;
    std::vector<size_t> widths(rows.front().size(), 0);
    for (const auto& r : rows)
        for (size_t i = 0; i < r.size(); ++i) widths[i] = std::max(widths[i], display_width(r[i]));
    // Appended cell by cell: a long listing is thousands of rows.
    for (const auto& r : rows) {
        for (size_t i = 0; i < r.size(); ++i) {
            out += r[i];
            if (i + 1 < r.size()) out.append(widths[i] - display_width(r[i]) + 2, ' ');
        }
        while (!out.empty() && out.back() == ' ') out.pop_back();
        out += '\n';
    }
}

}  // namespace

size_t display_width(std::string_view s) {
    return static_cast<size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

WhenText when_text(const Json& occ, const date::time_zone* viewer) {
    if (!occ.value("all_day", false) && occ.value("precision", "") == "minute") {
        Instant begin = parse_instant(occ.value("occurrence_start", ""), "occurrence_start");
        std::string tz = occ.value("tz", "");
        WallTime zone = tz.empty() ? WallTime{} : wall_in(begin, find_zone(tz));
        return timed_text(tz, zone, wall_in(begin, viewer), viewer->name());
    }
    std::string end = occ["end"].is_null() ? "" : occ.value("end", "");
    return dated_text(occ.value("occurrence_local", occ.value("start", "")), occ.value("start", ""),
                      end);
}

std::string render_agenda(const ListedAgenda& agenda) {
    std::string out;
    std::vector<std::vector<std::string>> rows;
    rows.reserve(agenda.occurrences.size());
    for (const auto& occ : agenda.occurrences) {
        WhenText w =
            !occ.all_day && occ.precision == "minute"
                ? timed_text(occ.tz, occ.zone, occ.viewer, agenda.tz)
                : dated_text(occ.occurrence_local.empty() ? occ.start : occ.occurrence_local,
                             occ.start, occ.end);
        rows.push_back({"#" + std::to_string(occ.id), std::move(w.date), std::move(w.time),
                        title_with_status(occ.title, occ.status), occ.location});
    }
    if (rows.empty()) out += "No events from " + agenda.from + " to " + agenda.to + ".\n";
    table(out, rows);
    if (agenda.truncated)
        out += "… " +
               std::to_string(agenda.total - static_cast<int64_t>(agenda.occurrences.size())) +
               " more not shown (raise --limit)\n";
    if (!agenda.imprecise.empty()) {
        out += "\nDate not fixed:\n";
        rows.clear();
        for (const auto& e : agenda.imprecise)
            rows.push_back({"#" + std::to_string(e.value("id", 0)), imprecise_label(e), title_of(e),
                            e.value("location", "")});
        table(out, rows);
    }
    if (!agenda.undated.empty()) {
        out += "\nTo be announced:\n";
        rows.clear();
        for (const auto& e : agenda.undated)
            rows.push_back(
                {"#" + std::to_string(e.value("id", 0)), title_of(e), e.value("location", "")});
        table(out, rows);
    }
    return out;
}

std::string render_tba(const Json& undated) {
    if (undated.empty()) return "No events to be announced.\n";
    std::string out = "To be announced:\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : undated)
        rows.push_back(
            {"#" + std::to_string(e.value("id", 0)), title_of(e), e.value("location", "")});
    table(out, rows);
    return out;
}

std::string render_search(const Json& events, const date::time_zone* viewer) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : events) {
        WhenText w;
        auto next = e.find("next_occurrence");
        if (next != e.end() && next->is_object()) {
            Json occ = e;
            occ.update(*next);
            w = when_text(occ, viewer);
        } else if (e["start"].is_null()) {
            w = {"to be announced", ""};
        } else if (e.value("precision", "") == "minute" || e.value("precision", "") == "day") {
            w = {weekday_date(caltime_from_string(e.value("start", ""), "", "start").local),
                 "past"};
        } else {
            w = {imprecise_label(e), "date not fixed"};
        }
        rows.push_back({"#" + std::to_string(e.value("id", 0)), std::move(w.date),
                        std::move(w.time), title_of(e), e.value("location", "")});
    }
    std::string out;
    table(out, rows);
    return out;
}

std::string event_when(const Json& e, const date::time_zone* viewer) {
    if (e["start"].is_null()) return "to be announced";
    if (e.value("precision", "") == "minute") {
        Json occ = e;
        std::string tz = e.value("tz", "");
        auto start = caltime_from_string(e.value("start", ""), tz, "start");
        occ["occurrence_start"] =
            format_instant(span_of(start, viewer).begin);  // keeps a fold (the later 01:30)
        WhenText w = when_text(occ, viewer);
        return w.date + " " + w.time + (tz.empty() ? " (floating)" : "");
    }
    if (e.value("precision", "") == "day")
        return weekday_date(caltime_from_string(e.value("start", ""), "", "start").local) +
               ", all day";
    return imprecise_label(e) + " (" + e.value("precision", "") + " precision, date not fixed)";
}

std::string render_event(const Json& e, const date::time_zone* viewer) {
    std::string out;
    auto line = [&](const char* label, const std::string& value) {
        if (!value.empty()) out += pad(label, 12) + value + "\n";
    };
    line("id", std::to_string(e.value("id", 0)) + " (revision " +
                   std::to_string(e.value("revision", 0)) + ")");
    line("title", e.value("title", ""));
    std::string tz = e.value("tz", "");
    bool zoned = e.value("precision", "") == "minute" && !tz.empty();
    line("when", event_when(e, viewer) + (zoned ? " " + zone_display_name(tz) : ""));
    if (!e["end"].is_null())
        line("end",
             e.value("end", "") +
                 (e.contains("end_tz") ? " " + zone_display_name(e.value("end_tz", "")) : ""));
    if (!e["duration"].is_null()) line("duration", e.value("duration", ""));
    if (!e.value("rrule", "").empty()) line("repeats", e.value("rrule", ""));
    line("also on", joined(e, "rdates"));
    line("except", joined(e, "exdates"));  // the occurrences removed (edit --except, rm --on)
    line("location", e.value("location", ""));
    line("status", e.value("status", ""));
    line("categories", joined(e, "categories"));
    line("source", e.value("source", ""));
    line("url", e.value("url", ""));
    std::string alarms;
    for (const auto& a : e["alarms"])
        alarms +=
            (alarms.empty() ? "" : ", ") +
            (a.contains("at") ? a.value("at", "")
                              : a.value("trigger", "") + " from " + a.value("related", "start"));
    line("alarms", alarms);
    line("uid", e.value("uid", ""));
    if (!e.value("description", "").empty()) out += "\n" + e.value("description", "") + "\n";
    return out;
}

}  // namespace herald::client
