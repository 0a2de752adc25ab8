// herald until QUERY: how long until the next occurrence of the matching event.
#include <cstdio>

#include "client/cli.hpp"
#include "core/countdown.hpp"
#include "core/errors.hpp"
#include "core/event_json.hpp"

namespace herald::client {
namespace {

Exit run_until(Cli& cli, const std::vector<std::string>& words) {
    std::string query;
    for (const auto& w : words) query += (query.empty() ? "" : " ") + w;
    // The daemon finds each match's next occurrence (the client carries no recurrence engine).
    Json found = cli.conn().call("event.search", {{"query", query},
                                                  {"limit", 50},
                                                  {"after", format_instant(cli.now)},
                                                  {"tz", cli.viewer_name()}});
    std::vector<Event> events;
    events.reserve(found["events"].size());  // Occurrence points into it
    std::optional<Occurrence> best;
    for (auto& j : found["events"]) {
        Json next = std::move(j["next_occurrence"]);
        j.erase("next_occurrence");
        Event e = event_from_json(j);
        e.id = j.value("id", int64_t{0});
        events.push_back(std::move(e));
        if (next.is_null()) continue;
        Occurrence occ{&events.back(),
                       parse_instant(next.value("occurrence_start", ""), "occurrence_start"),
                       parse_instant(next.value("occurrence_end", ""), "occurrence_end"),
                       caltime_from_string(next.value("occurrence_local", ""),
                                           events.back().start.tz, "occurrence_local")};
        // Of every match, the one whose next occurrence comes first.
        if (!best || occ.begin < best->begin) best = occ;
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
                    {"days", days_until(*best, cli.now, cli.viewer())},
                    {"text", countdown_text(*best, cli.now, cli.viewer())}});
    } else {
        std::puts(countdown_text(*best, cli.now, cli.viewer()).c_str());
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
