// Desktop notifications over the real session bus. The cases tagged [.desktop-server] and
// [.desktop-noserver] are hidden from the plain run and run by tests/desktop/run_desktop_tests.sh
// under dbus-run-session (with dunst under xvfb-run, resp. with no notification server).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "desktop/notifier.hpp"

using namespace herald;

namespace {

template <class Pred>
bool run_until(asio::io_context& io, Pred pred,
               std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        io.restart();
        io.run_for(std::chrono::milliseconds(20));
    }
    return true;
}

std::string shell(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[512];
    while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
    ::pclose(p);
    return out;
}

std::string monitor_log() {
    const char* path = std::getenv("HERALD_DBUS_MONITOR_LOG");
    REQUIRE(path != nullptr);
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

size_t count_of(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

void emit_signal(const std::string& member, const std::string& args) {
    std::string cmd =
        "dbus-send --session --type=signal /org/freedesktop/Notifications "
        "org.freedesktop.Notifications." +
        member + " " + args;
    REQUIRE(std::system(cmd.c_str()) == 0);
}

DesktopReminder reminder(const std::string& title) {
    DesktopReminder r;
    r.key = "7@2022-12-24T14:40";
    r.event_id = 7;
    r.occurrence = "2022-12-24T14:40";
    r.title = title;
    r.when_event = "Sat 2022-12-24 14:40 JST";
    r.when_local = "11:40 +06";
    r.where = "Tokyo";
    r.alarm = "15 min before";
    return r;
}

/// A notifier with the default options whose warnings are counted by the notifier itself.
struct Quiet {
    static DesktopOptions options() { return {}; }
    static void log(DesktopLogLevel, const std::string&) {}
};

/// Restores an environment variable when the test ends.
struct EnvGuard {
    std::string name;
    std::optional<std::string> old;
    EnvGuard(std::string n, const char* value) : name(std::move(n)) {
        if (const char* v = std::getenv(name.c_str())) old = v;
        ::setenv(name.c_str(), value, 1);
    }
    ~EnvGuard() {
        if (old)
            ::setenv(name.c_str(), old->c_str(), 1);
        else
            ::unsetenv(name.c_str());
    }
};

}  // namespace

TEST_CASE("the body says when in both zones, where and which alarm, escaped", "[desktop]") {
    auto r = reminder("x");
    CHECK(desktop_body(r) ==
          "Sat 2022-12-24 14:40 JST · your time 11:40 +06\nTokyo\nReminder: 15 min before");
    r.when_local.clear();
    r.where = "Iikura <House> & garden";
    CHECK(desktop_body(r) ==
          "Sat 2022-12-24 14:40 JST\nIikura &lt;House&gt; &amp; garden\nReminder: 15 min before");
}

TEST_CASE("without a session bus the notifier logs once and returns", "[desktop]") {
    EnvGuard bus("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/herald-test-bus");
    asio::io_context io;
    DesktopNotifier n(io, Quiet::options, Quiet::log);
    CHECK_FALSE(n.connected());
    n.notify(reminder("one"));
    n.notify(reminder("two"));
    io.run_for(std::chrono::milliseconds(50));
    CHECK(n.warnings() == 1);
    CHECK_FALSE(n.notification_id("7@2022-12-24T14:40"));
}

TEST_CASE("a real notification server shows, replaces and answers", "[.desktop-server]") {
    asio::io_context io;
    DesktopNotifier n(io, Quiet::options, Quiet::log);
    REQUIRE(n.connected());
    std::vector<std::pair<std::string, std::string>> actions;
    std::vector<std::pair<std::string, uint32_t>> closed;
    n.on_action([&](const std::string& key, const std::string& action) {
        actions.emplace_back(key, action);
    });
    n.on_closed(
        [&](const std::string& key, uint32_t reason, bool) { closed.emplace_back(key, reason); });

    auto r = reminder("Japan-Kyrgyz foreign ministers' meeting");
    n.notify(r);
    REQUIRE(run_until(io, [&] { return n.notification_id(r.key).has_value(); }));
    uint32_t id = *n.notification_id(r.key);
    CHECK(id > 0);
    CHECK(n.warnings() == 0);
    // It arrived: exactly one Notify with the title as its summary, and dunst shows it.
    REQUIRE(run_until(io, [&] {
        return monitor_log().find("Japan-Kyrgyz foreign ministers' meeting") != std::string::npos;
    }));
    std::string log = monitor_log();
    CHECK(count_of(log, "member=Notify") == 1);
    CHECK(log.find("string \"Herald\"") != std::string::npos);
    CHECK(log.find("string \"snooze\"") != std::string::npos);
    CHECK(log.find("string \"Snooze 10 min\"") != std::string::npos);
    CHECK(shell("dunstctl count displayed").find('1') != std::string::npos);

    // The user picks Snooze: the callback gets the reminder's key.
    emit_signal("ActionInvoked", "uint32:" + std::to_string(id) + " string:snooze");
    REQUIRE(run_until(io, [&] { return !actions.empty(); }));
    CHECK(actions[0] == std::make_pair(r.key, std::string("snooze")));
    // Another application's notification is not ours.
    emit_signal("ActionInvoked", "uint32:" + std::to_string(id + 1000) + " string:snooze");

    // The snoozed reminder fires again and replaces its own notification (replaces_id).
    n.notify(r);
    REQUIRE(run_until(io, [&] { return n.replies() == 2; }));
    CHECK(n.notification_id(r.key) == id);
    REQUIRE(run_until(io, [&] { return count_of(monitor_log(), "member=Notify") == 2; }));
    CHECK(monitor_log().find("uint32 " + std::to_string(id)) != std::string::npos);
    CHECK(actions.size() == 1);

    // Closing it (here by the application) is reported with the reason.
    n.close(r.key);
    REQUIRE(run_until(io, [&] { return !closed.empty(); }));
    CHECK(closed[0] == std::make_pair(r.key, uint32_t{3}));
    CHECK_FALSE(n.notification_id(r.key));
}

TEST_CASE("a session bus without a notification server is logged once", "[.desktop-noserver]") {
    asio::io_context io;
    DesktopNotifier n(io, Quiet::options, Quiet::log);
    REQUIRE(n.connected());
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 3; ++i) n.notify(reminder("nobody listens " + std::to_string(i)));
    // notify() never waits for the bus.
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
    REQUIRE(run_until(
        io, [&] { return n.replies() == 3; }, std::chrono::seconds(20)));
    CHECK(n.warnings() == 1);
    CHECK_FALSE(n.notification_id("7@2022-12-24T14:40"));
    CHECK(n.connected());
}
