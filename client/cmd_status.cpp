// herald status
#include <cstdio>

#include "client/cli.hpp"

namespace herald::client {

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
    });
}

}  // namespace herald::client
