// herald status
#include <cstdio>

#include "client/cli.hpp"
#include "client/cmd_alarm.hpp"
#include "client/ids.hpp"

namespace herald::client {

namespace {

/// Whether the daemon's own desktop notifications work, and the caller's next reminder.
void print_reminder_state(Cli& cli, const Json& s) {
    if (s.contains("desktop")) {
        const Json& d = s["desktop"];
        std::string text = d.value("state", "");
        if (d.contains("server")) text += " (" + d.value("server", "") + ")";
        if (d.contains("why")) text += " (" + d.value("why", "") + ")";
        std::printf("desktop:  %s\n", text.c_str());
    }
    if (!s.contains("next_reminder")) {
        std::printf("next:     no reminder to come\n");
        return;
    }
    const Json& n = s["next_reminder"];
    std::printf("next:     %s %s  %s\n", alarm_label(n.value("id", int64_t{0})).c_str(),
                local_time_text(n.value("fires_at", ""), cli.viewer()).c_str(),
                n.value("title", "").c_str());
}

}  // namespace

void register_status_command(CLI::App& app, Cli& cli) {
    auto* status = app.add_subcommand("status", "Show the daemon's state");
    status->callback([&cli] {
        Json s = cli.conn().call("status");
        if (cli.json) return print_json(s);
        std::printf("heraldd %s (%s mode), up %llds\n", s.value("version", "").c_str(),
                    s.value("mode", "").c_str(), static_cast<long long>(s.value("uptime_s", 0)));
        std::printf("events:   %lld\nclients:  %lld\n",
                    static_cast<long long>(s.value("events", 0)),
                    static_cast<long long>(s.value("clients", 0)));
        // Absent for a user of a system daemon (only admins are told where the data lives).
        if (s.contains("database")) std::printf("database: %s\n", s.value("database", "").c_str());
        std::printf("socket:   %s\n", s.value("socket", "").c_str());
        print_reminder_state(cli, s);
    });
}

}  // namespace herald::client
