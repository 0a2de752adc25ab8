#include "client/render.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "client/table.hpp"
#include "client/terminal.hpp"
#include "client/text_width.hpp"
#include "core/duration.hpp"
#include "core/event_json.hpp"
#include "core/humane.hpp"

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

/// The day ("2026-12-03") an occurrence object from the daemon starts on in `viewer`'s zone.
std::string viewer_day(const Json& occ, const date::time_zone* viewer) {
    if (!occ.value("all_day", false) && occ.value("precision", "") == "minute") {
        Instant begin = parse_instant(occ.value("occurrence_start", ""), "occurrence_start");
        return date::format("%F", date::floor<date::days>(to_local(begin, viewer)));
    }
    return occ.value("occurrence_local", occ.value("start", "")).substr(0, 10);
}

/// An alarm of an event as people say it: "15 min before", "at start", or its instant.
std::string alarm_text(const Json& a, const date::time_zone* viewer) {
    if (a.contains("at")) {
        Instant at = parse_instant(a.value("at", ""), "at");
        return "at " + weekday_date(to_local(at, viewer)) + " " + hhmm(to_local(at, viewer)) + " " +
               zone_abbrev(at, viewer);
    }
    return humane_trigger(parse_duration(a.value("trigger", "PT0S"), "trigger"),
                          a.value("related", "start") == "end");
}

/// A row of id, date, time, title and location painted by `p`.
Row dated_row(int64_t id, WhenText w, std::string title, std::string location, const RowPaint& p) {
    return {{"#" + std::to_string(id), p.row},
            {std::move(w.date), p.date},
            {std::move(w.time), p.row},
            {std::move(title), p.title},
            {std::move(location), p.row}};
}

/// The paint of a brief agenda row: its day and whether it began before now, in the viewer's
/// zone (timed) or by its dates (all-day).
RowPaint occurrence_paint(const RenderContext& ctx, const ListedOccurrence& occ) {
    if (!ctx.style.color) return {};
    if (!occ.all_day && occ.precision == "minute" && !occ.viewer.local.empty()) {
        Instant begin{(wall(occ.viewer.local) - Seconds{occ.viewer.offset}).time_since_epoch()};
        return row_paint(ctx, std::string_view(occ.viewer.local).substr(0, 10), begin < ctx.now,
                         occ.status);
    }
    std::string day =
        (occ.occurrence_local.empty() ? occ.start : occ.occurrence_local).substr(0, 10);
    bool past = !ctx.today.empty() && day < ctx.today && (occ.end.empty() || occ.end < ctx.today);
    return row_paint(ctx, day, past, occ.status);
}

/// A section heading ("Date not fixed:"), bold with colour.
std::string heading(const RenderContext& ctx, const char* text) {
    return paint(ctx.style, sgr::heading, text) + "\n";
}

/// How show paints an event: by the day it starts in the viewer's zone; dim when it is over,
/// unless it repeats.
RowPaint event_paint(const Json& e, const date::time_zone* viewer, const RenderContext& ctx) {
    if (!ctx.style.color || e["start"].is_null()) return {};
    std::string precision = e.value("precision", "");
    if (precision != "minute" && precision != "day")
        return row_paint(ctx, "", false, e.value("status", ""));  // date not fixed: no day
    bool repeats = !e.value("rrule", "").empty() || !joined(e, "rdates").empty();
    auto start = caltime_from_string(e.value("start", ""), e.value("tz", ""), "start");
    std::string day;
    bool past = false;
    if (precision == "minute") {
        Instant begin = span_of(start, viewer).begin;
        day = date::format("%F", date::floor<date::days>(to_local(begin, viewer)));
        past = begin < ctx.now;
    } else {
        day = e.value("start", "").substr(0, 10);
        std::string last = e["end"].is_null() ? day : e.value("end", "").substr(0, 10);
        past = !ctx.today.empty() && last < ctx.today;
    }
    return row_paint(ctx, day, past && !repeats, e.value("status", ""));
}

}  // namespace

RowPaint row_paint(const RenderContext& ctx, std::string_view day, bool past,
                   std::string_view status) {
    RowPaint p;
    if (!ctx.style.color) return p;
    if (past) p.row = sgr::past;
    bool today = !ctx.today.empty() && day == ctx.today;
    p.date = today ? std::string(sgr::today) : past ? p.row : std::string(sgr::date);
    p.title = p.row;
    if (status == "tentative") p.title += sgr::tentative;
    if (status == "cancelled") p.title += sgr::cancelled;
    return p;
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

std::string empty_window_line(const std::string& from, const std::string& to,
                              const date::time_zone* viewer) {
    if (viewer == nullptr) return "No events from " + from + " to " + to + ".\n";
    Instant begin = parse_instant(from, "from"), end = parse_instant(to, "to");
    LocalTime a = to_local(begin, viewer), b = to_local(end, viewer);
    auto midnight = [](LocalTime t) { return t == date::floor<date::days>(t); };
    if (midnight(a) && midnight(b) && b > a) {
        LocalTime last = b - date::days{1};
        if (last == a) return "No events on " + weekday_date(a) + ".\n";
        return "No events from " + weekday_date(a) + " through " + weekday_date(last) + ".\n";
    }
    return "No events from " + weekday_date(a) + " " + hhmm(a) + " to " + weekday_date(b) + " " +
           hhmm(b) + " " + zone_abbrev(end, viewer) + ".\n";
}

std::string render_agenda(const ListedAgenda& agenda, const RenderContext& ctx) {
    std::string out;
    std::vector<Row> rows;
    rows.reserve(agenda.occurrences.size());
    for (const auto& occ : agenda.occurrences) {
        WhenText w =
            !occ.all_day && occ.precision == "minute"
                ? timed_text(occ.tz, occ.zone, occ.viewer, agenda.tz)
                : dated_text(occ.occurrence_local.empty() ? occ.start : occ.occurrence_local,
                             occ.start, occ.end);
        rows.push_back(dated_row(occ.id, std::move(w), title_with_status(occ.title, occ.status),
                                 occ.location, occurrence_paint(ctx, occ)));
    }
    if (rows.empty()) out += empty_window_line(agenda.from, agenda.to, ctx.viewer);
    render_table(out, rows, ctx.style, 3);
    // Why "at least": past its cap the daemon stops counting (docs/protocol.md, "agenda").
    if (agenda.truncated)
        out += "… " + std::string(agenda.total_exact ? "" : "at least ") +
               std::to_string(agenda.total - static_cast<int64_t>(agenda.occurrences.size())) +
               " more not shown (raise --limit)\n";
    if (!agenda.imprecise.empty()) {
        out += "\n" + heading(ctx, "Date not fixed:");
        rows.clear();
        for (const auto& e : agenda.imprecise)
            rows.push_back({{"#" + std::to_string(e.value("id", 0)), {}},
                            {imprecise_label(e), {}},
                            {title_of(e), {}},
                            {e.value("location", ""), {}}});
        render_table(out, rows, ctx.style, 2);
    }
    if (!agenda.undated.empty()) {
        out += "\n";
        out += render_tba(agenda.undated, ctx);
    }
    return out;
}

std::string render_tba(const Json& undated, const RenderContext& ctx) {
    if (undated.empty()) return "No events to be announced.\n";
    std::string out = heading(ctx, "To be announced:");
    std::vector<Row> rows;
    for (const auto& e : undated)
        rows.push_back({{"#" + std::to_string(e.value("id", 0)), {}},
                        {title_of(e), {}},
                        {e.value("location", ""), {}}});
    render_table(out, rows, ctx.style, 1);
    return out;
}

std::string render_search(const Json& events, const date::time_zone* viewer,
                          const RenderContext& ctx) {
    std::vector<Row> rows;
    for (const auto& e : events) {
        WhenText w;
        RowPaint p;
        auto next = e.find("next_occurrence");
        if (next != e.end() && next->is_object()) {
            Json occ = e;
            occ.update(*next);
            w = when_text(occ, viewer);
            if (ctx.style.color)
                p = row_paint(ctx, viewer_day(occ, viewer), false, e.value("status", ""));
        } else if (e["start"].is_null()) {
            w = {"to be announced", ""};
        } else if (e.value("precision", "") == "minute" || e.value("precision", "") == "day") {
            w = {weekday_date(caltime_from_string(e.value("start", ""), "", "start").local),
                 "past"};
            p = row_paint(ctx, "", true, e.value("status", ""));
        } else {
            w = {imprecise_label(e), "date not fixed"};
        }
        rows.push_back(
            dated_row(e.value("id", 0), std::move(w), title_of(e), e.value("location", ""), p));
    }
    std::string out;
    render_table(out, rows, ctx.style, 3);
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

std::string render_event(const Json& e, const date::time_zone* viewer, const RenderContext& ctx) {
    std::string out;
    auto line = [&](const char* label, const std::string& value, std::string_view code = {}) {
        if (value.empty()) return;
        // Made terminal-safe before it is painted, as a table cell is: data brings no escape.
        out += pad(label, 12) +
               (code.empty() ? value : paint(ctx.style, code, terminal_safe(value))) + "\n";
    };
    RowPaint p = event_paint(e, viewer, ctx);
    line("id", "#" + std::to_string(e.value("id", 0)) + " (revision " +
                   std::to_string(e.value("revision", 0)) + ")");
    line("title", e.value("title", ""), p.title);
    std::string tz = e.value("tz", "");
    bool zoned = e.value("precision", "") == "minute" && !tz.empty();
    line("when", event_when(e, viewer), p.date);
    // Its own line: after the viewer's time ("· 00:30 UTC Asia/Tokyo") it read as the viewer's
    // zone, and "10:00 UTC UTC" said the same zone twice.
    line("zone", zoned ? zone_display_name(tz) : "");
    if (!e["end"].is_null())
        line("end",
             e.value("end", "") +
                 (e.contains("end_tz") ? " " + zone_display_name(e.value("end_tz", "")) : ""));
    if (!e["duration"].is_null())
        line("duration", humane_duration(parse_duration(e.value("duration", ""), "duration")));
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
        alarms += (alarms.empty() ? "" : ", ") + alarm_text(a, viewer);
    line("alarms", alarms);
    line("uid", e.value("uid", ""));
    if (!e.value("description", "").empty()) out += "\n" + e.value("description", "") + "\n";
    return out;
}

}  // namespace herald::client
