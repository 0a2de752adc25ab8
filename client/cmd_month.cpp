// herald cal [MONTH]: a month grid with event markers (like cal / remind -c), then the events.
#include <cstdio>
#include <set>

#include "client/agenda_reply.hpp"
#include "client/exit_status.hpp"
#include "client/cli.hpp"
#include "client/render.hpp"
#include "client/text_width.hpp"
#include "client/window.hpp"
#include "core/errors.hpp"
#include "core/event_json.hpp"

namespace herald::client {
namespace {

/// Days of the month (1-31) an occurrence touches, in the viewer's zone.
struct Entry {
    unsigned first, last;
    std::string title;
};

/// What the grid shows: marked days, the events of some days, and those that last the whole
/// month (marking every day for them would hide which days have anything else).
struct Month {
    std::set<unsigned> days;
    std::vector<Entry> entries;
    std::vector<std::string> whole;  ///< "2022-01-01 – 2022-12-31  International Year of …"
};

void mark_days(const Json& occ, const date::time_zone* viewer, date::local_days first,
               date::local_days last, Month& m) {
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
    // Why apart: an event of a year (or longer than the month) is on every day alike; a star on
    // each would hide the days that have something of their own.
    if (d0 <= first && d1 >= last && d1 > d0) {
        m.whole.push_back(date::format("%F", d0) + " – " + date::format("%F", d1) + "  " +
                          occ.value("title", ""));
        return;
    }
    d0 = std::max(d0, first);
    d1 = std::min(d1, last);
    if (d1 < d0) return;
    for (auto d = d0; d <= d1; d += date::days{1}) m.days.insert(day_of(d));
    m.entries.push_back({day_of(d0), day_of(d1), occ.value("title", "")});
}

/// The grid: a header, weekday names and the weeks; marked days carry '*', today is in
/// reverse video (with colour).
std::string grid(const RenderContext& ctx, date::year_month ym, const Month& m) {
    date::local_days first{ym / 1}, last{ym / date::last};
    std::string title = date::format("%B %Y", ym);
    std::string out((27 - std::min<size_t>(27, title.size())) / 2, ' ');
    out += title + "\nMon Tue Wed Thu Fri Sat Sun\n";
    unsigned col = (date::weekday{first}.iso_encoding() + 6) % 7;  // Monday = 0
    std::string line(col * 4, ' ');
    for (auto d = first; d <= last; d += date::days{1}) {
        unsigned n = static_cast<unsigned>(date::year_month_day{d}.day());
        std::string number = std::to_string(n);
        line.append(3 - number.size(), ' ');
        bool today = date::format("%F", d) == ctx.today;
        line += today ? paint(ctx.style, sgr::reverse, number) : number;
        line += m.days.count(n) ? '*' : ' ';
        if (++col == 7 || d == last) {
            while (!line.empty() && line.back() == ' ') line.pop_back();
            out += line + "\n";
            line.clear();
            col = 0;
        }
    }
    return out;
}

/// `line` and a newline, cut with "…" to the terminal's width (titles come last on each line).
std::string fitted_line(const Style& style, const std::string& line) {
    return (style.width > 0 ? fit_width(line, style.width) : line) + "\n";
}

/// The text under the grid: the events by day, those of the whole month, the undated ones.
std::string listing(const Style& style, const Month& m, const Json& imprecise) {
    std::string out;
    if (!m.entries.empty()) out += "\n";
    for (const auto& e : m.entries) {
        std::string when =
            std::to_string(e.first) + (e.last != e.first ? "–" + std::to_string(e.last) : "");
        out += fitted_line(style, std::string(6 - std::min<size_t>(6, display_width(when)), ' ') +
                                      when + "  " + e.title);
    }
    if (!m.whole.empty()) {
        out += "\nAll month:\n";
        for (const auto& w : m.whole) out += fitted_line(style, "  " + w);
    }
    if (!imprecise.empty()) {
        out += "\nSometime this month or year (date not fixed):\n";
        for (const auto& e : imprecise) {
            std::string start = e.value("start", "");
            out += fitted_line(style, "  " + start +
                                          std::string(9 - std::min<size_t>(9, start.size()), ' ') +
                                          e.value("title", ""));
        }
    }
    return out;
}

Exit run_cal(Cli& cli, const std::string& month_text) {
    date::year_month ym = named_month(cli, month_text, "MONTH");
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
    Month m;
    for (const auto& occ : agenda["occurrences"]) mark_days(occ, cli.viewer(), first, last, m);
    RenderContext ctx = render_context(cli);
    cli.emit(grid(ctx, ym, m) + listing(ctx.style, m, agenda["imprecise"]));
    return Exit::ok;
}

}  // namespace

void register_month_command(CLI::App& app, Cli& cli) {
    auto month = std::make_shared<std::vector<std::string>>();
    auto* cal =
        app.add_subcommand("cal", "Month calendar with event markers (default: this month)");
    cal->add_option("month", *month, "The month: 2026-12, Dec 2026, December (this year's)");
    cal->callback([&cli, month] {
        std::string text;  // "cal Dec 2026" unquoted is two words
        for (const auto& w : *month) text += (text.empty() ? "" : " ") + w;
        if (month->size() > 2)
            throw UsageError("expected one month, such as Dec 2026, got \"" + text + "\"");
        cli.exit_code = run_cal(cli, text);
    });
}

}  // namespace herald::client
