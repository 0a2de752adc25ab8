// herald until QUERY: how long until the next occurrence of the matching event.
#include <cstdio>

#include "client/cli.hpp"
#include "core/countdown.hpp"
#include "core/errors.hpp"
#include "core/event_json.hpp"

namespace herald::client {
namespace {

int run_until(Cli& cli, const std::vector<std::string>& words) {
    std::string query;
    for (const auto& w : words) query += (query.empty() ? "" : " ") + w;
    Json found = cli.conn().call("event.search", {{"query", query}, {"limit", 50}});
    std::vector<Event> events;
    for (const auto& j : found["events"]) {
        Event e = event_from_json(j);
        e.id = j.value("id", int64_t{0});
        events.push_back(std::move(e));
    }
    // Of every match, the one whose next occurrence comes first.
    std::optional<Occurrence> best;
    for (const auto& e : events) {
        auto occ = next_occurrence(e, cli.now, cli.viewer);
        if (occ && (!best || occ->begin < best->begin)) best = occ;
    }
    if (!best)
        throw HeraldError(
            ErrorCode::not_found,
            events.empty() ? "no event matches '" + query + "'"
                           : "no upcoming dated occurrence of the events matching '" + query + "'",
            "query");
    if (cli.json) {
        print_json({{"id", best->event->id},
                    {"title", best->event->title},
                    {"occurrence_start", format_instant(best->begin)},
                    {"occurrence_local", format_caltime(best->start)},
                    {"days", days_until(*best, cli.now, cli.viewer)},
                    {"text", countdown_text(*best, cli.now, cli.viewer)}});
    } else {
        std::puts(countdown_text(*best, cli.now, cli.viewer).c_str());
    }
    return Exit::ok;
}

}  // namespace

void register_until_command(CLI::App& app, Cli& cli) {
    auto words = std::make_shared<std::vector<std::string>>();
    auto* until =
        app.add_subcommand("until", "How long until the next occurrence of the matching event");
    until->add_option("query", *words, "Words to search for (all must match)")->required();
    until->callback([&cli, words] { cli.exit_code = run_until(cli, *words); });
}

}  // namespace herald::client
