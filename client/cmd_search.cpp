// herald search WORDS: every matching event, past and future, each with its next occurrence.
#include <cstdio>

#include "client/cli.hpp"
#include "client/render.hpp"

namespace herald::client {
namespace {

struct SearchOptions {
    std::vector<std::string> words;
    int64_t limit = 50;
};

Exit run_search(Cli& cli, const SearchOptions& o) {
    std::string query;
    for (const auto& w : o.words) query += (query.empty() ? "" : " ") + w;
    // Why event.search and not agenda: it finds events of every date, and the daemon gives each
    // its next occurrence (the client carries no recurrence engine).
    Json found = cli.conn().call("event.search", {{"query", query},
                                                  {"limit", o.limit},
                                                  {"after", format_instant(cli.now)},
                                                  {"tz", cli.viewer_name()}});
    if (cli.json) {
        print_json(found["events"]);
        return Exit::ok;
    }
    if (found["events"].empty()) {
        std::printf("No event matches '%s'.\n", query.c_str());
        return Exit::ok;
    }
    cli.emit(render_search(found["events"], cli.viewer(), render_context(cli)));
    return Exit::ok;
}

}  // namespace

void register_search_command(CLI::App& app, Cli& cli) {
    auto o = std::make_shared<SearchOptions>();
    auto* search = app.add_subcommand(
        "search", "Find events of any date by their text, each with its next occurrence");
    search->add_option("query", o->words, "Words to search for (all must match)")->required();
    search->add_option("--limit", o->limit, "Show at most N events (default 50)")
        ->check(CLI::Range(1, 10000));
    search->callback([&cli, o] { cli.exit_code = run_search(cli, *o); });
}

}  // namespace herald::client
