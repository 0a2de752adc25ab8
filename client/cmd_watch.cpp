// herald watch: subscribe and print reminders (and changes) as they arrive; reconnect with
// `since` when the daemon restarts, so nothing is lost or shown twice. --desktop raises them as
// notifications too (watch_desktop.cpp).
#include <chrono>
#include <cstdio>
#include <thread>

#include "client/cli.hpp"
#include "client/cmd_alarm.hpp"
#include "client/exit_status.hpp"
#include "client/ids.hpp"
#include "client/terminal.hpp"
#include "client/watch.hpp"

namespace herald::client {

namespace {

// Why 0.5 s: a restarted daemon is back within a second; a quicker retry would only burn CPU.
constexpr auto kRetry = std::chrono::milliseconds(500);

std::string reminder_line(const Json& r, const date::time_zone* viewer) {
    std::string line = alarm_label(r.value("id", int64_t{0})) + "  " +
                       local_time_text(r.value("occurrence", ""), viewer) + "  " +
                       r.value("title", "");
    if (!r.value("location", "").empty()) line += " @ " + r.value("location", "");
    if (r.value("snoozed", false)) line += "  (snoozed)";
    return line;
}

Exit run_watch(Cli& cli, WatchOptions& o) {
    if (o.changes) o.topics.push_back("changes");
    if (o.desktop) return run_watch_desktop(cli, o);
    if (!o.exec.command.empty()) return run_watch_exec(cli, o);
    int64_t last = o.since;
    int64_t seen = 0;
    bool told = false;
    for (;;) {
        try {
            Connection conn(cli.socket);
            Json params{{"topics", o.topics}};
            if (last >= 0) params["since"] = last;
            Json result = conn.call("subscribe", params);
            if (last < 0) last = result.value("seq", int64_t{0});
            if (told) std::fprintf(stderr, "herald: reconnected to heraldd\n");
            told = false;
            for (;;) {
                Json msg = *conn.read_message(-1);
                if (msg.contains("id") || !msg.contains("params")) continue;
                int64_t seq = msg["params"].value("seq", int64_t{0});
                if (seq <= last) continue;  // never show a message twice
                last = seq;
                print_message(cli, msg.value("method", ""), msg["params"]);
                if (o.count > 0 && ++seen >= o.count) return Exit::ok;
            }
        } catch (const Unavailable& e) {
            if (!told) std::fprintf(stderr, "herald: %s; retrying every 0.5 s\n", e.what());
            told = true;
            std::this_thread::sleep_for(kRetry);
        }
    }
}

}  // namespace

void print_message(Cli& cli, const std::string& method, const Json& p) {
    if (cli.json) {
        Json line = p;
        line["type"] = method;
        std::puts(line.dump(-1, ' ', false, Json::error_handler_t::replace).c_str());
    } else if (method == "reminder") {
        std::printf("Reminder %s\n", reminder_line(p, cli.viewer()).c_str());
    } else if (method == "digest") {
        std::printf("While heraldd was away, %lld reminders came due:\n",
                    static_cast<long long>(p.value("count", 0)));
        for (const auto& r : p["reminders"])
            std::printf("  %s\n", reminder_line(r, cli.viewer()).c_str());
    } else if (method == "change" && p.value("kind", "") == "imported") {
        std::printf("Change: import of %lld new and %lld updated events\n",
                    static_cast<long long>(p.value("added", 0)),
                    static_cast<long long>(p.value("updated", 0)));
    } else if (method == "change") {
        const Json& e = p["event"];
        std::string title = e.is_object() ? e.value("title", "") : p.value("title", "");
        std::printf("Change: event #%lld %s: %s\n", static_cast<long long>(p.value("event_id", 0)),
                    p.value("kind", "").c_str(), title.c_str());
    }
    // Why stop: a watcher whose output goes nowhere (a full disk, a closed pipe) would run on,
    // losing every reminder it takes; its exit (74) lets a supervisor see it.
    if (auto failure = stdout_failure()) throw OutputLost(*failure);
}

void register_watch_command(CLI::App& app, Cli& cli) {
    auto o = std::make_shared<WatchOptions>();
    auto* watch = app.add_subcommand(
        "watch", "Print reminders as they fire (reconnects if heraldd restarts)");
    watch->add_flag("--changes", o->changes, "Also print added, changed and removed events");
    watch->add_option("--since", o->since, "Replay messages after this sequence number first");
    auto* count = watch->add_option("--count", o->count, "Exit after this many messages");
    auto* desktop = watch
                        ->add_flag("--desktop", o->desktop,
                                   "Also raise each reminder as a desktop notification on the "
                                   "session bus; its Snooze and Dismiss act on the reminder")
                        ->excludes(count);
    watch
        ->add_option("--exec", o->exec.command,
                     "Run CMD for each reminder (words split as a shell would, nothing expanded; "
                     "HERALD_* variables describe the reminder); acknowledge it when CMD exits 0")
        ->excludes(count)
        ->excludes(desktop);
    watch->add_flag("--exec-shell", o->exec.shell, "With --exec: run CMD with /bin/sh -c");
    watch->add_option("--exec-timeout", o->exec.timeout,
                      "With --exec: stop CMD after this long (SIGTERM, then SIGKILL 5 s later); "
                      "default 60s");
    watch->add_option("--exec-state", o->exec.state,
                      "With --exec: the file that records how far commands have run "
                      "(default under $XDG_STATE_HOME/herald)");
    watch->add_option("--snooze", o->snooze,
                      "With --desktop: how long the Snooze action postpones a reminder (10m)");
    watch->add_option("--urgency", o->urgency, "With --desktop: low, normal or critical")
        ->check(CLI::IsMember({"low", "normal", "critical"}));
    watch->callback([&cli, o] { cli.exit_code = run_watch(cli, *o); });
}

}  // namespace herald::client
