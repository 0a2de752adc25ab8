// The pure parts of herald watch --exec: the command's words, the reminder's variables and
// where the cursor lives (the process handling is watch_exec_run.cpp).
#include "client/watch_exec.hpp"

#include <cstdio>
#include <cstdlib>

#include "core/errors.hpp"
#include "desktop/reminder.hpp"

namespace herald::client {
namespace {

[[noreturn]] void bad_command(const std::string& why) {
    throw HeraldError(ErrorCode::invalid_params, why, "--exec");
}

bool blank(char c) {
    return c == ' ' || c == '\t' || c == '\n';
}

/// Reads a "…" word part starting after the quote at `i`; returns the index after the closing one.
size_t double_quoted(std::string_view cmd, size_t i, std::string& word) {
    for (; i < cmd.size(); ++i) {
        char c = cmd[i];
        if (c == '"') return i + 1;
        // Inside double quotes a backslash quotes only these (POSIX 2.2.3); else it is itself.
        if (c == '\\' && i + 1 < cmd.size() &&
            std::string_view("\"\\$`\n").find(cmd[i + 1]) != std::string_view::npos)
            c = cmd[++i];
        word += c;
    }
    bad_command("unterminated \" in the command; close the quote");
}

/// A 64-bit FNV-1a: a file name that stays the same from one build to the next.
uint64_t stable_hash(std::string_view s) {
    uint64_t h = 14695981039346656037ULL;
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    return h;
}

}  // namespace

std::vector<std::string> split_command(std::string_view cmd) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    for (size_t i = 0; i < cmd.size();) {
        char c = cmd[i];
        if (blank(c)) {
            if (in_word) words.push_back(std::move(word));
            word.clear();
            in_word = false;
            ++i;
            continue;
        }
        in_word = true;
        if (c == '\'') {
            size_t end = cmd.find('\'', i + 1);
            if (end == std::string_view::npos)
                bad_command("unterminated ' in the command; close the quote");
            word.append(cmd.substr(i + 1, end - i - 1));
            i = end + 1;
        } else if (c == '"') {
            i = double_quoted(cmd, i + 1, word);
        } else if (c == '\\') {
            if (i + 1 == cmd.size()) bad_command("the command ends in a lone \\");
            word += cmd[i + 1];
            i += 2;
        } else {
            word += c;
            ++i;
        }
    }
    if (in_word) words.push_back(std::move(word));
    if (words.empty())
        bad_command("expected a command to run for each reminder, e.g. --exec 'notify-send hi'");
    return words;
}

std::vector<std::pair<std::string, std::string>> reminder_env(const Json& p,
                                                              const date::time_zone* viewer) {
    Json as_set = p;
    as_set["snoozed"] = false;  // HERALD_ALARM is the alarm as set; HERALD_SNOOZED says the rest
    DesktopReminder shown = desktop_reminder(as_set, viewer);
    auto integer = [&p](const char* key) { return std::to_string(p.value(key, int64_t{0})); };
    return {
        {"HERALD_ALARM_ID", integer("id")},
        {"HERALD_EVENT_ID", integer("event_id")},
        {"HERALD_TITLE", p.value("title", "")},
        {"HERALD_LOCATION", p.value("location", "")},
        {"HERALD_START", p.value("occurrence", "")},
        {"HERALD_EVENT_START", p.value("start", "")},
        {"HERALD_TZ", p.value("tz", "")},
        {"HERALD_WHEN", shown.when_event},
        {"HERALD_DUE", p.value("due", "")},
        {"HERALD_ALARM", shown.alarm},
        {"HERALD_SNOOZED", p.value("snoozed", false) ? "1" : "0"},
        {"HERALD_SEQ", integer("seq")},
    };
}

std::string default_exec_state(const std::string& socket, const std::string& command) {
    std::string dir;
    if (const char* state = std::getenv("XDG_STATE_HOME"); state != nullptr && *state == '/')
        dir = state;
    else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
        dir = std::string(home) + "/.local/state";
    else
        throw HeraldError(ErrorCode::invalid_params,
                          "neither XDG_STATE_HOME nor HOME is set: give --exec-state FILE",
                          "--exec-state");
    char name[32];
    std::snprintf(name, sizeof name, "%016llx",
                  static_cast<unsigned long long>(stable_hash(socket + '\n' + command)));
    return dir + "/herald/watch-exec-" + name + ".seq";
}

}  // namespace herald::client
