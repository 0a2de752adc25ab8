// herald cal [MONTH]: a month grid with event markers (like cal / remind -c), then the events.
#include <cstdio>
#include <set>

#include "client/agenda_reply.hpp"
#include "client/cli.hpp"
#include "client/render.hpp"
#include "core/errors.hpp"
#include "core/event_json.hpp"

namespace herald::client {
namespace {

/// The month to show: YYYY-MM, or empty for the viewer's current month.
date::year_month month_of(Cli& cli, const std::string& text) {
    if (text.empty()) {
        date::year_month_day today{date::floor<date::days>(to_local(cli.now, cli.viewer()))};
        return today.year() / today.month();
    }
    auto parsed = parse_iso(text, "MONTH");
    if (!parsed || parsed->value.precision != Precision::month)
        throw HeraldError(ErrorCode::invalid_params,
                          "expected a month as YYYY-MM, such as 2025-06, got '" + text + "'",
                          "MONTH");
    date::year_month_day ymd{date::floor<date::days>(parsed->value.local)};
    return ymd.year() / ymd.month();
}

/// Days of the month (1-31) an occurrence touches, in the viewer's zone.
struct Entry {
    unsigned first, last;
    std::string title;
};

void mark_days(const Json& occ, const date::time_zone* viewer, date::local_days first,
               date::local_days last, std::set<unsigned>& days, std::vector<Entry>& entries) {
    Instant begin = parse_instant(occ.value("occurrence_start", ""), "occurrence_start");
    Instant end = parse_instant(occ.value("occurrence_end", ""), "occurrence_end");
    date::local_days d0, d1;
    if (occ.value("precision", "") == "day") {
        // All-day: its own dates, whatever the viewer's zone.
        auto start =
            caltime_from_string(occ.value("occurrence_local", occ.value("start", "")), "", "start");
        d0 = date::floor<date::days>(start.local);
        d1 = d0 + date::floor<date::days>(end - begin) - date::days{end > begin ? 1 : 0};
    } else {
        d0 = date::floor<date::days>(to_local(begin, viewer));
        d1 = date::floor<date::days>(to_local(end, viewer));
    }
    auto day_of = [](date::local_days d) {
        return static_cast<unsigned>(date::year_month_day{d}.day());
    };
    d0 = std::max(d0, first);
    d1 = std::min(d1, last);
    if (d1 < d0) return;
    for (auto d = d0; d <= d1; d += date::days{1}) days.insert(day_of(d));
    entries.push_back({day_of(d0), day_of(d1), occ.value("title", "")});
}

Exit run_cal(Cli& cli, const std::string& month_text) {
    date::year_month ym = month_of(cli, month_text);
    date::local_days first{ym / 1};
    date::local_days last{ym / date::last};
    Instant from = resolve_local(LocalTime{first}, cli.viewer());
    Instant to = resolve_local(LocalTime{last + date::days{1}}, cli.viewer());
    Json agenda = fetch_agenda(cli.conn(), {{"from", format_instant(from)},
                                            {"to", format_instant(to)},
                                            {"tz", cli.viewer_name()},
                                            {"undated", false}});
    if (cli.json) {
        print_json(agenda);
        return Exit::ok;
    }
    std::set<unsigned> days;
    std::vector<Entry> entries;
    for (const auto& occ : agenda["occurrences"])
        mark_days(occ, cli.viewer(), first, last, days, entries);
    std::string title = date::format("%B %Y", ym);
    std::printf("%*s\n", static_cast<int>((27 + title.size()) / 2), title.c_str());
    std::puts("Mon Tue Wed Thu Fri Sat Sun");
    unsigned col = (date::weekday{first}.iso_encoding() + 6) % 7;  // Monday = 0
    std::string line(col * 4, ' ');
    for (auto d = first; d <= last; d += date::days{1}) {
        unsigned n = static_cast<unsigned>(date::year_month_day{d}.day());
        char cell[8];
        std::snprintf(cell, sizeof cell, "%3u%c", n, days.count(n) ? '*' : ' ');
        line += cell;
        if (++col == 7 || d == last) {
            while (!line.empty() && line.back() == ' ') line.pop_back();
            std::puts(line.c_str());
            line.clear();
            col = 0;
        }
    }
    if (!entries.empty()) std::puts("");
    for (const auto& e : entries) {
        std::string when =
            std::to_string(e.first) + (e.last != e.first ? "–" + std::to_string(e.last) : "");
        std::printf("%*s  %s\n", static_cast<int>(6 + when.size() - display_width(when)),
                    when.c_str(), e.title.c_str());
    }
    if (!agenda["imprecise"].empty()) {
        std::puts("\nSometime this month or year (date not fixed):");
        for (const auto& e : agenda["imprecise"])
            std::printf("  %-8s %s\n", e.value("start", "").c_str(), e.value("title", "").c_str());
    }
    return Exit::ok;
}

}  // namespace

void register_month_command(CLI::App& app, Cli& cli) {
    auto month = std::make_shared<std::string>();
    auto* cal =
        app.add_subcommand("cal", "Month calendar with event markers (default: this month)");
    cal->add_option("month", *month, "The month as YYYY-MM");
    cal->callback([&cli, month] { cli.exit_code = run_cal(cli, *month); });
}

}  // namespace herald::client
