#pragma once
/// Human output: aligned agenda tables and event details, with times in the event's zone and the
/// viewer's.

#include <string>

#include <nlohmann/json.hpp>

#include "client/agenda_reply.hpp"
#include "client/style.hpp"
#include "core/time.hpp"

namespace herald::client {

using Json = nlohmann::json;

/// "14:40 JST · 11:40 +06" for a timed occurrence (the viewer's time only when it differs),
/// "all day" for dates, with a weekday/date column computed in the event's zone.
struct WhenText {
    std::string date;  ///< "Sat 2022-12-24"
    std::string time;  ///< "14:40 JST · 11:40 +06" or "all day"
};

/// The date and time columns of an occurrence object from `agenda`.
WhenText when_text(const Json& occurrence, const date::time_zone* viewer);

/// What rows are shown against: the style (colour, width), now and the viewer's today.
struct RenderContext {
    Style style;
    Instant now{};
    std::string today;  ///< "2026-12-03" in the viewer's zone; empty: no row is marked today
    /// The viewer's zone for the "No events" line (nullptr: the window as the daemon wrote it).
    const date::time_zone* viewer = nullptr;
};

/// The sgr:: codes one row or one event is painted with: its date cell, its other cells and its
/// title (all empty without colour).
struct RowPaint {
    std::string date, row, title;
};

/// How list, search, show, next and missed paint a row: `day` ("2026-12-03", in the viewer's
/// zone) bold yellow when it is today, else cyan; everything dim when `past`; the title yellow
/// when tentative, struck through when cancelled.
RowPaint row_paint(const RenderContext& ctx, std::string_view day, bool past,
                   std::string_view status);

/// The whole brief agenda (dated, "date not fixed", "to be announced") as an aligned table, from
/// the wall times the daemon computed (no zone database needed). With colour: today's dates
/// bold yellow, other dates cyan, rows already begun dim, tentative titles yellow, cancelled
/// ones struck through.
std::string render_agenda(const ListedAgenda& agenda, const RenderContext& ctx);

/// Only the "to be announced" section (herald list --tba).
std::string render_tba(const Json& undated, const RenderContext& ctx);

/// event.search's events as a table: id, the next occurrence (else the date, "past"), title
/// and location.
std::string render_search(const Json& events, const date::time_zone* viewer,
                          const RenderContext& ctx);

/// When a stored event starts, as show and the add/edit echo say it: "Tue 2026-12-08 09:30 JST ·
/// 01:30 CET" (the viewer's time when it differs), "Sun 2026-12-20, all day", "November 2022
/// (month precision, date not fixed)", "to be announced".
std::string event_when(const Json& event, const date::time_zone* viewer);

/// "No events from Mon 2026-12-07 through Thu 2026-12-10." in the viewer's zone: whole days
/// when the window is, else the times and the zone's abbreviation.
std::string empty_window_line(const std::string& from, const std::string& to,
                              const date::time_zone* viewer);

/// A multi-line description of one event; its length and alarms as people write them ("30
/// min", "1 day before"). With colour its start and title are painted as list paints a row (a
/// single event already over is dim; a repeating one never is: its series goes on).
std::string render_event(const Json& event, const date::time_zone* viewer,
                         const RenderContext& ctx);

}  // namespace herald::client
