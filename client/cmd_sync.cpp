// herald sync [NAME...] and herald sync --status (docs/man/herald.1.scd, "SYNC").
#include <chrono>
#include <cstdio>
#include <map>
#include <thread>

#include "client/cli.hpp"
#include "client/terminal.hpp"

namespace herald::client {
namespace {

// Why poll: calendar.sync returns at once (a run may take long and must not hold a request);
// a tenth of a second is short next to any server round trip.
constexpr std::chrono::milliseconds kPoll{100};

/// The exit status of a failed run's error code (docs/man/herald.1.scd, "EXIT STATUS").
Exit exit_for_sync(const std::string& code) {
    if (code == "denied") return Exit::no_perm;
    if (code == "busy" || code == "reload") return Exit::temp_fail;
    if (code == "unavailable") return Exit::unavailable;
    if (code == "config") return Exit::config;
    return Exit::protocol;
}

const Json* find_calendar(const Json& status, const std::string& name) {
    for (const auto& c : status.at("calendars"))
        if (c.value("name", "") == name) return &c;
    return nullptr;
}

std::string text(const Json& j, const char* key) {
    return j.contains(key) && j.at(key).is_string() ? j.at(key).get<std::string>() : "never";
}

void print_status(const Json& status) {
    for (const auto& c : status.at("calendars")) {
        std::printf("%s: %s\n", c.value("name", "").c_str(), c.value("url", "").c_str());
        std::printf("  last success: %s\n", text(c, "last_success").c_str());
        if (!c.value("last_error", "").empty())
            std::printf("  last error:   %s (at %s)\n", c.value("last_error", "").c_str(),
                        text(c, "last_attempt").c_str());
        std::printf("  pending local changes: %lld\n  conflicts kept: %lld%s\n",
                    static_cast<long long>(c.value("pending", 0)),
                    static_cast<long long>(c.value("conflicts", 0)),
                    c.value("running", false) ? "\n  running now" : "");
    }
}

void print_conflicts(const Json& reply) {
    const Json& list = reply.at("conflicts");
    if (list.empty()) std::printf("no kept versions\n");
    for (const auto& c : list)
        std::printf("%lld  %s  %s  \"%s\"  kept %s, %s version lost\n",
                    static_cast<long long>(c.value("id", 0)), c.value("calendar", "").c_str(),
                    c.value("uid", "").c_str(), c.value("title", "").c_str(),
                    c.value("at", "").c_str(), c.value("lost", "").c_str());
}

/// Waits for each requested run, then prints what it moved; the exit status of the first failure.
Exit wait_and_report(Cli& cli, const Json& started) {
    std::map<std::string, uint64_t> wanted;
    for (const auto& c : started.at("calendars"))
        wanted[c.at("name").get<std::string>()] = c.at("run").get<uint64_t>();
    Json status;
    for (;;) {
        status = cli.conn().call("calendar.sync_status");
        bool done = true;
        for (const auto& [name, run] : wanted) {
            const Json* c = find_calendar(status, name);
            if (c != nullptr && c->value("runs", uint64_t{0}) < run) done = false;
        }
        if (done) break;
        std::this_thread::sleep_for(kPoll);
    }
    Exit exit = Exit::ok;
    Json out = Json::array();
    for (const auto& [name, run] : wanted) {
        const Json* c = find_calendar(status, name);
        if (c == nullptr) continue;  // removed by a reload meanwhile
        const Json last = c->value("last", Json::object());
        out.push_back({{"name", name}, {"result", last}});
        if (last.value("ok", false)) {
            if (!cli.json)
                std::printf("%s: %lld pulled, %lld pushed, %lld conflicts\n", name.c_str(),
                            static_cast<long long>(last.value("pulled", 0)),
                            static_cast<long long>(last.value("pushed", 0)),
                            static_cast<long long>(last.value("conflicts", 0)));
            continue;
        }
        if (!cli.json)
            std::fprintf(stderr, "herald: sync %s: %s\n", name.c_str(),
                         last.value("error", std::string("failed")).c_str());
        if (exit == Exit::ok) exit = exit_for_sync(c->value("last_error_code", ""));
    }
    if (cli.json) print_json(Json{{"calendars", out}});
    return exit;
}

}  // namespace

void register_sync_command(CLI::App& app, Cli& cli) {
    auto* sync = app.add_subcommand("sync", "Sync CalDAV calendars now, or show their state");
    static std::vector<std::string> names;
    static bool show_status = false;
    static bool show_conflicts = false;
    static int64_t restore_id = 0;
    sync->add_option("name", names, "Calendars to sync (default: every [[caldav]] calendar)");
    sync->add_flag("--status", show_status,
                   "Show each calendar's last success and error, pending changes, conflicts");
    sync->add_flag("--conflicts", show_conflicts,
                   "List the versions conflicts did not keep (of the named calendar)");
    auto* restore = sync->add_option("--restore", restore_id,
                                     "Make the kept version ID the current one again and push it");
    sync->callback([&cli, restore] {
        if (show_conflicts) {
            Json params = Json::object();
            if (names.size() > 1) throw CLI::ValidationError("--conflicts takes one calendar");
            if (!names.empty()) params["calendar"] = names.front();
            Json r = cli.conn().call("calendar.sync_conflicts", params);
            return cli.json ? print_json(r) : print_conflicts(r);
        }
        if (restore->count() > 0) {
            Json r = cli.conn().call("calendar.sync_restore", Json{{"id", restore_id}});
            if (!cli.json)
                std::printf("restored %lld; pushing it\n", static_cast<long long>(restore_id));
            cli.exit_code = wait_and_report(cli, r);
            return;
        }
        if (show_status) {
            Json s = cli.conn().call("calendar.sync_status");
            return cli.json ? print_json(s) : print_status(s);
        }
        Json params = Json::object();
        if (!names.empty()) params["calendars"] = names;
        cli.exit_code = wait_and_report(cli, cli.conn().call("calendar.sync", params));
    });
}

}  // namespace herald::client
