#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "daemon/config.hpp"
#include "tests/daemon/config_support.hpp"

using namespace herald;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("an empty config keeps the defaults", "[config]") {
    auto r = parse_config("", Settings{});
    CHECK(r.warnings.empty());
    CHECK(r.settings.max_clients == 1024);
    CHECK(r.settings.log_level == "info");
    CHECK(r.settings.desktop);
}

TEST_CASE("values are applied on top of the base settings", "[config]") {
    Settings base;
    base.db_path = "/base.db";
    auto r = parse_config(
        "[server]\nmax_clients = 7\nidle_timeout = 0\n[log]\nlevel = \"debug\"\n"
        "[auth]\nadmin_group = \"wheel\"\nmax_events_per_user = 5\n[notify]\ndesktop = "
        "false\nurgency = \"critical\"\n",
        base);
    CHECK(r.warnings.empty());
    CHECK(r.settings.max_clients == 7);
    CHECK(r.settings.idle_timeout.count() == 0);
    CHECK(r.settings.log_level == "debug");
    CHECK(r.settings.admin_group == "wheel");
    CHECK(r.settings.max_events_per_user == 5);
    CHECK_FALSE(r.settings.desktop);
    CHECK(r.settings.urgency == "critical");
    CHECK(r.settings.db_path == "/base.db");
}

TEST_CASE("unknown keys and sections are reported with their line", "[config]") {
    auto r = parse_config("[server]\nmax_clients = 3\nmax_client = 4\n\n[colour]\nred = 1\n",
                          Settings{}, "h.toml");
    REQUIRE(r.warnings.size() == 2);
    CHECK(r.warnings[0] == "h.toml:3: unknown key 'server.max_client' (ignored)");
    CHECK(r.warnings[1].rfind("h.toml:5: unknown key 'colour'", 0) == 0);
    CHECK(r.settings.max_clients == 3);
}

TEST_CASE("invalid values name the key, the line and what was expected", "[config]") {
    CHECK(test::config_error_of("[server]\n\nmax_clients = \"many\"\n") ==
          "t.toml:3: server.max_clients: expected an integer between 1 and 1000000");
    CHECK(test::config_error_of("[server]\nmax_clients = 0\n") ==
          "t.toml:2: server.max_clients: expected an integer between 1 and 1000000, not 0");
    CHECK(test::config_error_of("[log]\nlevel = \"loud\"\n") ==
          "t.toml:2: log.level: expected one of trace, debug, info, warn, error, critical, off, "
          "not \"loud\"");
    CHECK(test::config_error_of("[notify]\ndesktop = \"yes\"\n") ==
          "t.toml:2: notify.desktop: expected true or false");
    CHECK(test::config_error_of("server = 3\n") == "t.toml:1: server: expected a table [server]");
    CHECK(test::config_error_of("[server]\nmax_line = 1.5\n")
              .find("t.toml:2: server.max_line: expected an integer") == 0);
}

TEST_CASE("a syntax error names its line", "[config]") {
    std::string e = test::config_error_of("[server]\nmax_clients = 3\nidle_timeout = = 4\n");
    CHECK(e.rfind("t.toml:3: syntax error:", 0) == 0);
}

TEST_CASE("config/heraldd.toml documents every key with its default", "[config]") {
    std::string text = read_file(HERALD_SOURCE_DIR "/config/heraldd.toml");
    REQUIRE_FALSE(text.empty());
    auto r = parse_config(text, Settings{}, "heraldd.toml");
    CHECK(r.warnings.empty());
    Settings d;
    CHECK(r.settings.max_line == d.max_line);
    CHECK(r.settings.max_clients == d.max_clients);
    CHECK(r.settings.idle_timeout == d.idle_timeout);
    CHECK(r.settings.max_queue_bytes == d.max_queue_bytes);
    CHECK(r.settings.log_level == d.log_level);
    CHECK(r.settings.admin_group == d.admin_group);
    CHECK(r.settings.max_clients_per_user == d.max_clients_per_user);
    CHECK(r.settings.max_events_per_user == d.max_events_per_user);
    CHECK(r.settings.desktop == d.desktop);
    CHECK(r.settings.urgency == d.urgency);
    CHECK(r.settings.snooze == d.snooze);
    CHECK(r.settings.expire == d.expire);
    // Every key appears, set or (for path defaults that depend on the environment) commented.
    for (const auto& key : config_keys()) {
        std::string name = key.substr(key.find('.') + 1);
        std::string section = "[" + key.substr(0, key.find('.')) + "]";
        auto at = text.find(section);
        REQUIRE(at != std::string::npos);
        bool found = text.find("\n" + name + " = ", at) != std::string::npos ||
                     text.find("\n# " + name + " = ", at) != std::string::npos;
        CHECK((found ? "" : key) == std::string());
    }
}

TEST_CASE("options that need a restart are named on reload", "[config]") {
    Settings a, b;
    a.socket_path = "/a";
    b.socket_path = "/b";
    b.max_clients = 3;
    auto changed = restart_only_changes(a, b);
    REQUIRE(changed.size() == 1);
    CHECK(changed[0] == "server.socket");
}

TEST_CASE("flags are checked by the config file's table and name the flag", "[config]") {
    auto flag_error = [](FlagValue v) -> std::string {
        Settings s;
        try {
            apply_flags(s, {std::move(v)});
        } catch (const FlagError& e) {
            return e.what();
        } catch (const ConfigError& e) {
            return std::string("ConfigError: ") + e.what();
        }
        return "no error";
    };
    // The same ranges and checks as the keys, but the message names the flag and no file.
    CHECK(flag_error({"--max-line", "server.max_line", int64_t{-1}}) ==
          "--max-line: expected an integer between 256 and 1099511627776, not -1");
    CHECK(flag_error({"--catchup", "reminders.catchup_window", std::string("-5m")}) ==
          "--catchup: expected a duration such as 24h, 30m or 0s, not \"-5m\"");
    CHECK(flag_error({"--default-alarm", "reminders.default_alarm", std::string("soon")}) ==
          "--default-alarm: expected a duration such as 24h, 30m or 0s, not \"soon\"");
    CHECK(flag_error({"--log-level", "log.level", std::string("loud")})
              .starts_with("--log-level: expected one of trace, debug"));
    // In range: applied in order on top of what was there.
    Settings s;
    apply_flags(s, {{"--max-line", "server.max_line", int64_t{256}},
                    {"--catchup", "reminders.catchup_window", std::string("30m")},
                    {"--socket", "server.socket", std::string("/tmp/s")}});
    CHECK(s.max_line == 256);
    CHECK(s.catchup_window == std::chrono::minutes(30));
    CHECK(s.socket_path == "/tmp/s");
}
