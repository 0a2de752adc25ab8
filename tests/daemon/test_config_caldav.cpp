// [[caldav]] tables of heraldd.toml (daemon/config.cpp) and the password_file check.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <catch2/catch.hpp>

#include "daemon/config.hpp"
#include "tests/daemon/config_support.hpp"

using namespace herald;

TEST_CASE("config: caldav tables become calendars in file order", "[config][caldav]") {
    auto r = parse_config(R"([[caldav]]
name = "office"
url = "https://dav.example.org/alice/office/"
username = "alice"
password_file = "/home/alice/.config/herald/office.pass"
interval = "10m"
conflict = "server"
create = true
ca_file = "/etc/ssl/private-ca.pem"
colour = "red"

[[caldav]]
name = "home-2"
url = "http://127.0.0.1:5232/"
)",
                          Settings{}, "t.toml");
    REQUIRE(r.settings.caldav.size() == 2);
    const CalDavCalendar& o = r.settings.caldav[0];
    CHECK(o.name == "office");
    CHECK(o.url == "https://dav.example.org/alice/office/");
    CHECK(o.username == "alice");
    CHECK(o.password_file == "/home/alice/.config/herald/office.pass");
    CHECK(o.interval == std::chrono::minutes(10));
    CHECK(o.create);
    CHECK(o.ca_file == "/etc/ssl/private-ca.pem");
    const CalDavCalendar& h = r.settings.caldav[1];
    CHECK(h.name == "home-2");
    CHECK(h.interval == std::chrono::minutes(5));  // the default
    CHECK_FALSE(h.create);
    CHECK(h.conflict == "server");
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0] == "t.toml:10: unknown key 'caldav.colour' (ignored)");
}

TEST_CASE("config: a bad caldav table names its line and what was expected", "[config][caldav]") {
    CHECK(test::config_error_of("[caldav]\nname = \"x\"\n") ==
          "t.toml:1: caldav: expected [[caldav]] tables, one per synced calendar");
    CHECK(test::config_error_of("[[caldav]]\nurl = \"https://h/\"\n") ==
          "t.toml:1: caldav: expected a name in each [[caldav]] table");
    CHECK(test::config_error_of("[[caldav]]\nname = \"a\"\n") ==
          "t.toml:1: caldav: expected a url in [[caldav]] \"a\"");
    CHECK(
        test::config_error_of("[[caldav]]\nname = \"a b\"\nurl = \"https://h/\"\n") ==
        "t.toml:2: caldav.name: expected a name of 1-64 letters, digits, '-' or '_', not \"a b\"");
    CHECK(test::config_error_of("[[caldav]]\nname = \"a\"\nurl = \"ftp://h/\"\n") ==
          "t.toml:3: caldav.url: expected an http:// or https:// URL, not \"ftp://h/\"");
    CHECK(test::config_error_of(
              "[[caldav]]\nname = \"a\"\nurl = \"https://h/\"\nusername = \"u\"\n") ==
          "t.toml:1: caldav: expected a password_file with username in [[caldav]] \"a\"");
    CHECK(test::config_error_of(
              "[[caldav]]\nname = \"a\"\nurl = \"https://h/\"\nconflict = \"oldest\"\n") ==
          "t.toml:4: caldav.conflict: expected one of server, local, newest, not \"oldest\"");
    CHECK(test::config_error_of(
              "[[caldav]]\nname = \"a\"\nurl = \"https://h/\"\ninterval = \"soon\"\n") ==
          "t.toml:4: caldav.interval: expected a duration such as 24h, 30m or 0s, not \"soon\"");
    CHECK(test::config_error_of(
              "[[caldav]]\nname = \"a\"\nurl = \"https://h/\"\n[[caldav]]\nname = \"a\"\n"
              "url = \"https://i/\"\n") ==
          "t.toml:4: caldav: expected a unique name; \"a\" is repeated");
}

TEST_CASE("config: a password file must be the user's own and private", "[config][caldav]") {
    char path[] = "/tmp/herald-test-pass-XXXXXX";
    int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::close(fd);
    ::chmod(path, 0600);
    CHECK(secret_file_problem(path).empty());
    ::chmod(path, 0640);
    CHECK(secret_file_problem(path) ==
          std::string(path) + " must not be readable by group or others (chmod 600 " + path + ")");
    ::chmod(path, 0604);
    CHECK_FALSE(secret_file_problem(path).empty());
    std::remove(path);
    CHECK(secret_file_problem(path).find("cannot be read") != std::string::npos);
    CHECK(secret_file_problem("/tmp").find("not a regular file") != std::string::npos);
    // load_config refuses the file (exit 78 at start; a reload keeps the running settings).
    char conf[] = "/tmp/herald-test-conf-XXXXXX";
    fd = ::mkstemp(conf);
    REQUIRE(fd >= 0);
    ::close(fd);
    std::ofstream(conf) << "[[caldav]]\nname = \"a\"\nurl = \"https://h/\"\nusername = \"u\"\n"
                           "password_file = \"/nonexistent/pass\"\n";
    CHECK_THROWS_WITH(load_config(conf, Settings{}, true),
                      Catch::Contains("caldav.password_file of \"a\": /nonexistent/pass cannot "
                                      "be read"));
    std::remove(conf);
}

TEST_CASE("config: sync.default_calendar must name one of the caldav tables", "[config][caldav]") {
    const std::string tables =
        "[[caldav]]\nname = \"office\"\nurl = \"https://h/o/\"\n"
        "[[caldav]]\nname = \"home\"\nurl = \"https://h/h/\"\n";
    CHECK(parse_config("[sync]\ndefault_calendar = \"home\"\n" + tables, Settings{}, "t.toml")
              .settings.default_calendar == "home");
    CHECK(parse_config(tables, Settings{}, "t.toml").settings.default_calendar.empty());
    CHECK(test::config_error_of("[sync]\ndefault_calendar = \"work\"\n" + tables) ==
          "t.toml:2: sync.default_calendar: expected the name of a [[caldav]] table "
          "(configured: office, home), not \"work\"");
    CHECK(test::config_error_of("[sync]\ndefault_calendar = \"work\"\n") ==
          "t.toml:2: sync.default_calendar: expected the name of a [[caldav]] table "
          "(none is configured), not \"work\"");
}
