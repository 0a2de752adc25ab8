// herald list
#include <cstdio>

#include "client/cli.hpp"
#include "client/render.hpp"
#include "client/window.hpp"
#include "core/errors.hpp"

namespace herald::client {
namespace {

struct ListOptions {
    std::string from, to, category, status, text, format;
    int days = 30;
    size_t limit = 0;
    bool past = false;
    bool tba = false;
    std::string tz;
    CLI::Option* days_opt{};
};

/// The [from, to) window from the options, as `herald list --help` describes, as instants.
std::pair<Instant, Instant> window(Cli& cli, const ListOptions& o) {
    Seconds span = date::days{o.days};
    Instant from = cli.now, to = cli.now + span;
    if (o.past) from = cli.now - span, to = cli.now;
    if (!o.from.empty()) {
        from = window_start(cli, o.from, "--from");
        to = from + span;
    }
    if (!o.to.empty()) {
        to = window_end(cli, o.to, "--to");  // a date as the end means "through that day"
        if (o.from.empty() && !o.past) from = std::min(cli.now, to - span);
        if (o.from.empty() && o.past) from = to - span;
    }
    if (to <= from) throw HeraldError(ErrorCode::invalid_time, "--to must be after --from", "--to");
    return {from, to};
}

/// WHEN as a local date or time when it is one in ISO form without an offset ("2026-11-23").
std::optional<CalTime> iso_local(const std::string& text) {
    try {
        auto iso = parse_iso(text, "when");
        if (iso && !iso->offset) return iso->value;
    } catch (const HeraldError&) {
        // parse_when reports it, or reads it as natural input ("2025-06-06 9am").
    }
    return std::nullopt;
}

/// The window as agenda params. When both ends are local dates or times (`--from 2026-11-23`
/// with --days or a --to date), they go as local times that the daemon reads in the viewer's
/// zone, so the most common listing needs no zone database here; otherwise as instants.
Json window_params(Cli& cli, const ListOptions& o) {
    if (!o.from.empty()) {
        auto from = iso_local(o.from);
        auto to = o.to.empty() ? std::nullopt : iso_local(o.to);
        if (from && (o.to.empty() || to)) {
            LocalTime begin = from->local;
            LocalTime end = !to           ? begin + date::days{o.days}
                            : to->timed() ? to->local
                                          : period_end(*to);
            if (end <= begin)
                throw HeraldError(ErrorCode::invalid_time, "--to must be after --from", "--to");
            auto local = [](LocalTime t) { return format_caltime({Precision::minute, t, {}}); };
            return {{"from", local(begin)}, {"to", local(end)}, {"tz", cli.viewer_name()}};
        }
    }
    auto [from, to] = window(cli, o);
    return {{"from", format_instant(from)}, {"to", format_instant(to)}, {"tz", cli.viewer_name()}};
}

int run_list(Cli& cli, const ListOptions& o) {
    // --tz views the list from another zone: the window, all-day events and the second time column.
    if (!o.tz.empty()) cli.set_viewer(find_zone(o.tz, "--tz"));
    if (o.format == "ics") {
        // The events of the window as iCalendar (recurring ones whole, as RRULEs).
        auto [from, to] = window(cli, o);
        Json exp{{"from", format_instant(from)}, {"to", format_instant(to)}};
        if (!o.category.empty()) exp["category"] = o.category;
        for (Json part = cli.conn().call("calendar.export", exp);;
             part = cli.conn().call("calendar.export", {{"offset", part["next_offset"]}})) {
            std::fputs(part.value("ics", "").c_str(), stdout);
            if (!part.value("more", false)) break;
        }
        return Exit::ok;
    }
    Json params = window_params(cli, o);
    if (!o.category.empty()) params["category"] = o.category;
    if (!o.status.empty()) params["status"] = o.status;
    if (!o.text.empty()) params["text"] = o.text;
    if (o.limit > 0) params["limit"] = o.limit;
    if (o.tba) params["undated"] = true;  // asked for explicitly: whatever the window
    if (!cli.json && o.format != "json" && !o.tba) {
        // The text listing shows only what brief occurrences carry, decoded without a document.
        params["brief"] = true;
        ListedAgenda agenda = fetch_listed_agenda(cli.conn(), params);
        std::string text = render_agenda(agenda);
        std::fwrite(text.data(), 1, text.size(), stdout);
        return Exit::ok;
    }
    Json agenda = fetch_agenda(cli.conn(), params);
    if (o.tba) {  // only the undated ("to be announced") events
        if (cli.json)
            print_json(agenda["undated"]);
        else
            std::fputs(render_tba(agenda["undated"]).c_str(), stdout);
        return Exit::ok;
    }
    Json out = Json::array();
    for (auto& occ : agenda["occurrences"]) occ["section"] = "dated", out.push_back(occ);
    for (auto& e : agenda["imprecise"]) e["section"] = "imprecise", out.push_back(e);
    for (auto& e : agenda["undated"]) e["section"] = "undated", out.push_back(e);
    print_json(out);
    if (agenda.value("truncated", false))
        std::fprintf(stderr, "herald: list capped at %zu of %lld occurrences (raise --limit)\n",
                     o.limit, static_cast<long long>(agenda.value("total", 0)));
    return Exit::ok;
}

}  // namespace

void register_list_command(CLI::App& app, Cli& cli) {
    auto o = std::make_shared<ListOptions>();
    auto* list = app.add_subcommand("list", "List events in a window (default: the next 30 days)");
    list->add_option("--from", o->from, "Start of the window (WHEN; default now)");
    list->add_option("--to", o->to, "End of the window (WHEN; a date means through that day)");
    o->days_opt = list->add_option("--days", o->days, "Length of the window in days (default 30)")
                      ->check(CLI::Range(1, 36600));
    list->add_flag("--past", o->past, "The window ends now instead of starting now");
    list->add_option("--category,-c", o->category, "Only events in this category");
    list->add_option("--status", o->status, "Only confirmed, tentative or cancelled events")
        ->check(CLI::IsMember({"confirmed", "tentative", "cancelled"}));
    list->add_option("--text", o->text, "Only events whose text contains this");
    list->add_option("--tz", o->tz, "Show the list as seen from this IANA zone (default: yours)");
    list->add_flag("--tba", o->tba, "Only the undated events (date to be announced)");
    list->add_option("--limit", o->limit,
                     "Show at most N occurrences (the list says when it is capped)");
    list->add_option("--format", o->format, "table (default), json (same as --json) or ics")
        ->check(CLI::IsMember({"table", "json", "ics"}));
    list->callback([&cli, o] { cli.exit_code = run_list(cli, *o); });
}

}  // namespace herald::client
