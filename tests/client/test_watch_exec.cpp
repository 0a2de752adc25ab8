// Unit tests of client/watch_exec: the command's words, split as sh(1) splits them (the oracle:
// /bin/sh itself prints the words it would pass), and the reminder's variables.
#include <cstdio>

#include <catch2/catch.hpp>

#include "client/watch_exec.hpp"
#include "tests/support.hpp"

using namespace herald;
using namespace herald::client;
using herald::test::error_of;

namespace {

/// The words /bin/sh makes of `cmd` (no expansion happens in these samples), one per line.
std::vector<std::string> sh_words(const std::string& cmd) {
    std::string script = "for w in " + cmd + "; do printf '%s\\0' \"$w\"; done";
    std::string quoted = "'";
    for (char c : script) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    quoted += "'";
    FILE* p = ::popen(("/bin/sh -c " + quoted).c_str(), "r");
    REQUIRE(p != nullptr);
    std::vector<std::string> words;
    std::string word;
    for (int c = std::fgetc(p); c != EOF; c = std::fgetc(p)) {
        if (c == '\0') {
            words.push_back(word);
            word.clear();
        } else {
            word += static_cast<char>(c);
        }
    }
    ::pclose(p);
    return words;
}

}  // namespace

TEST_CASE("watch --exec splits the command into words as sh would, expanding nothing") {
    for (std::string cmd : {
             "notify-send hello",
             "  notify-send\t'two words'  \"and three words\" ",
             R"(printf "say \"hi\" \\ \$HOME \x" 'it''s' a\ b)",
             R"(echo "" '' x""y)",
             R"(cmd 'a "b"' "c 'd'")",
         }) {
        INFO(cmd);
        CHECK(split_command(cmd) == sh_words(cmd));
    }
    // Nothing is expanded: no variables, globs or command substitution without --exec-shell.
    CHECK(split_command("echo $HOME * `id`") ==
          std::vector<std::string>{"echo", "$HOME", "*", "`id`"});
}

TEST_CASE("watch --exec refuses a command it cannot split, naming --exec") {
    for (std::string cmd : {"'open", "say \"open", "trailing\\", "", "   "}) {
        INFO(cmd);
        auto e = error_of([&] { split_command(cmd); });
        CHECK(e.code() == ErrorCode::invalid_params);
        CHECK(e.field() == "--exec");
    }
}

TEST_CASE("watch --exec describes the reminder in HERALD_* variables") {
    Json r{{"id", 12},
           {"event_id", 3},
           {"title", "Japan-Kyrgyz talks"},
           {"location", "Tokyo"},
           {"start", "2022-12-24T14:40"},
           {"tz", "Asia/Tokyo"},
           {"occurrence", "2022-12-24T05:40:00Z"},
           {"due", "2022-12-24T05:25:00Z"},
           {"snoozed", true},
           {"seq", 41}};
    auto env = reminder_env(r, find_zone("Asia/Bishkek", "tz"));
    std::map<std::string, std::string> m(env.begin(), env.end());
    CHECK(m == std::map<std::string, std::string>{{"HERALD_ALARM_ID", "12"},
                                                  {"HERALD_EVENT_ID", "3"},
                                                  {"HERALD_TITLE", "Japan-Kyrgyz talks"},
                                                  {"HERALD_LOCATION", "Tokyo"},
                                                  {"HERALD_START", "2022-12-24T05:40:00Z"},
                                                  {"HERALD_EVENT_START", "2022-12-24T14:40"},
                                                  {"HERALD_TZ", "Asia/Tokyo"},
                                                  {"HERALD_WHEN", "Sat 2022-12-24 14:40 JST"},
                                                  {"HERALD_DUE", "2022-12-24T05:25:00Z"},
                                                  {"HERALD_ALARM", "15 min before"},
                                                  {"HERALD_SNOOZED", "1"},
                                                  {"HERALD_SEQ", "41"}});
}
