// herald watch --desktop: the reminders of a user of heraldd (the system service, or a daemon
// run with notify.desktop off) as freedesktop notifications on the user's session bus, with the
// content and actions of heraldd's own sink (herald-desktop); Snooze and Dismiss go back to the
// ledger as alarm.snooze and alarm.ack over the subscription's connection.
#include <cstdio>

#include "client/cmd_alarm.hpp"
#include "client/watch.hpp"
#include "client/watch_loop.hpp"
#include "core/duration.hpp"
#include "desktop/notifier.hpp"

namespace herald::client {
namespace {

/// The notifier's messages on stderr (the journal, under herald-notify.service).
void log_to_stderr(DesktopLogLevel level, const std::string& message) {
    if (level == DesktopLogLevel::debug) return;
    std::fprintf(stderr, "herald: %s%s\n", message.c_str(),
                 level == DesktopLogLevel::warn ? " (reminders are still printed)" : "");
}

/// Carries out the user's answer to the notification of alarm `id`.
void answer(Cli& cli, WatchLoop& loop, const WatchOptions& o, int64_t id, DesktopAnswer a) {
    bool snooze = a == DesktopAnswer::snooze;
    Json params = snooze ? snooze_request(cli, id, {o.snooze}) : Json{{"id", id}};
    loop.request(snooze ? "alarm.snooze" : "alarm.ack", params,
                 [id, snooze](const Json* result, const std::string& error) {
                     if (result == nullptr)
                         std::fprintf(stderr, "herald: cannot %s reminder a%lld: %s\n",
                                      snooze ? "snooze" : "acknowledge", static_cast<long long>(id),
                                      error.c_str());
                     else
                         std::fprintf(stderr, "herald: reminder a%lld %s\n",
                                      static_cast<long long>(id),
                                      snooze ? "snoozed" : "acknowledged");
                 });
}

}  // namespace

Exit run_watch_desktop(Cli& cli, const WatchOptions& o) {
    DesktopOptions options;
    options.urgency = o.urgency;
    options.snooze = parse_human_duration(o.snooze, "snooze");
    asio::io_context io;
    WatchLoop loop(io, cli.socket, o.topics, o.since);
    DesktopNotifier desktop(
        io, [options] { return options; }, log_to_stderr);
    const date::time_zone* viewer = cli.viewer();
    loop.on_message([&](const std::string& method, const Json& p) {
        print_message(cli, method, p);
        try {
            if (method == "reminder")
                desktop.notify(desktop_reminder(p, viewer));
            else if (method == "digest")
                desktop.notify(desktop_digest(p, p.value("seq", int64_t{0})));
        } catch (const std::exception& e) {
            std::fprintf(stderr, "herald: cannot show message %lld: %s\n",
                         static_cast<long long>(p.value("seq", int64_t{0})), e.what());
        }
    });
    desktop.on_action([&](const std::string& key, const std::string& action) {
        auto id = desktop_alarm_id(key);
        DesktopAnswer a = desktop_answer(action);
        if (id && a != DesktopAnswer::none) answer(cli, loop, o, *id, a);
    });
    desktop.on_closed([&](const std::string& key, uint32_t reason, bool answered) {
        auto id = desktop_alarm_id(key);
        DesktopAnswer a = desktop_closed_answer(reason, answered);
        if (id && a != DesktopAnswer::none) answer(cli, loop, o, *id, a);
    });
    loop.start();
    io.run();
    return Exit::ok;
}

}  // namespace herald::client
