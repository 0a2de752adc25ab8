// herald list
#include "client/cmd_list.hpp"

#include <cstdio>

#include "client/agenda_reply.hpp"
#include "client/render.hpp"

namespace herald::client {
namespace {

/// --tz views the list from another zone: the window, all-day events and the second time column.
void view_from(Cli& cli, const ListOptions& o) {
    if (!o.tz.empty()) cli.set_viewer(find_zone(o.tz, "--tz"));
}

/// Whether the listing is the text table, which shows only what brief occurrences carry.
bool is_table(const Cli& cli, const ListOptions& o) {
    return !cli.json && o.format != "json" && !o.tba;
}

/// The window the options name (--today, --week, --month resolved to dates).
ListWindow window_of(Cli& cli, const ListOptions& o) {
    ListWindow w = o.window;
    w.month = o.month_opt != nullptr && o.month_opt->count() > 0;
    return calendar_window(cli, w, o.days_opt != nullptr && o.days_opt->count() > 0);
}

Exit run_list(Cli& cli, const ListOptions& o) {
    if (o.format == "ics") {
        // The events of the window as iCalendar (recurring ones whole, as RRULEs).
        Json params = list_ics_request(cli, o);  // a bad window is reported without a daemon
        for (Json part = cli.conn().call("calendar.export", params);;
             part = cli.conn().call("calendar.export", {{"offset", part["next_offset"]}})) {
            std::fputs(part.value("ics", "").c_str(), stdout);
            if (!part.value("more", false)) break;
        }
        return Exit::ok;
    }
    Json params = list_request(cli, o);
    if (is_table(cli, o)) {  // decoded without a document
        ListedAgenda agenda = fetch_listed_agenda(cli.conn(), params);
        RenderContext ctx = render_context(cli);
        if (agenda.occurrences.empty()) ctx.viewer = cli.viewer();
        cli.emit(render_agenda(agenda, ctx));
        return Exit::ok;
    }
    Json agenda = fetch_agenda(cli.conn(), params);
    if (o.tba) {  // only the undated ("to be announced") events
        if (cli.json)
            print_json(agenda["undated"]);
        else
            cli.emit(render_tba(agenda["undated"], render_context(cli)));
        return Exit::ok;
    }
    Json out = Json::array();
    for (auto& occ : agenda["occurrences"]) occ["section"] = "dated", out.push_back(occ);
    for (auto& e : agenda["imprecise"]) e["section"] = "imprecise", out.push_back(e);
    for (auto& e : agenda["undated"]) e["section"] = "undated", out.push_back(e);
    print_json(out);
    if (agenda.value("truncated", false))
        std::fprintf(stderr, "herald: list capped at %zu of %s%lld occurrences (raise --limit)\n",
                     o.limit, agenda.value("total_exact", true) ? "" : "at least ",
                     static_cast<long long>(agenda.value("total", 0)));
    return Exit::ok;
}

}  // namespace

Json list_ics_request(Cli& cli, const ListOptions& o) {
    view_from(cli, o);
    auto [from, to] = list_window(cli, window_of(cli, o));
    Json params{{"from", format_instant(from)}, {"to", format_instant(to)}};
    if (!o.category.empty()) params["category"] = o.category;
    return params;
}

Json list_request(Cli& cli, const ListOptions& o) {
    view_from(cli, o);
    Json params = list_window_params(cli, window_of(cli, o));
    if (!o.category.empty()) params["category"] = o.category;
    if (!o.calendar.empty()) params["calendar"] = o.calendar;
    if (!o.status.empty()) params["status"] = o.status;
    if (!o.text.empty()) params["text"] = o.text;
    if (o.limit > 0) params["limit"] = o.limit;
    if (o.tba) params["undated"] = true;  // asked for explicitly: whatever the window
    if (is_table(cli, o)) params["brief"] = true;
    return params;
}

void add_list_options(CLI::App& list, ListOptions& o) {
    list.add_option("--from", o.window.from, "Start of the window (WHEN; default now)");
    list.add_option("--to", o.window.to, "End of the window (WHEN; a date means through that day)");
    o.days_opt =
        list.add_option("--days", o.window.days, "Length of the window in days (default 30)")
            ->check(CLI::Range(1, 36600));
    list.add_flag("--past", o.window.past, "The window ends now instead of starting now");
    list.add_flag("--today", o.window.today, "Today's events");
    list.add_flag("--week", o.window.week, "This week's events, Monday to Sunday");
    o.month_opt = list.add_option("--month", o.window.month_text,
                                  "This month's events, or MONTH's (Dec 2026, 2026-12)")
                      ->expected(0, 1);
    list.add_option("--category,-c", o.category, "Only events in this category");
    list.add_option("--calendar", o.calendar, "Only events of this synced (CalDAV) calendar");
    list.add_option("--status", o.status, "Only confirmed, tentative or cancelled events")
        ->check(CLI::IsMember({"confirmed", "tentative", "cancelled"}));
    list.add_option("--text", o.text, "Only events whose text contains this");
    list.add_option("--tz", o.tz, "Show the list as seen from this IANA zone (default: yours)");
    list.add_flag("--tba", o.tba, "Only the undated events (date to be announced)");
    // Why checked here: a negative N wrapped to a huge size_t, which the daemon refused with a
    // 20-digit number and no option name.
    list.add_option("--limit", o.limit,
                    "Show at most N occurrences (the list says when it is capped)")
        ->check(CLI::Range(size_t{1}, size_t{100000}));
    list.add_option("--format", o.format, "table (default), json (same as --json) or ics")
        ->check(CLI::IsMember({"table", "json", "ics"}));
}

void register_list_command(CLI::App& app, Cli& cli) {
    auto o = std::make_shared<ListOptions>();
    auto* list = app.add_subcommand("list", "List events in a window (default: the next 30 days)");
    add_list_options(*list, *o);
    list->callback([&cli, o] { cli.exit_code = run_list(cli, *o); });
}

}  // namespace herald::client
