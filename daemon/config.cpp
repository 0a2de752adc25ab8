#include "daemon/config.hpp"

#include "core/duration.hpp"
#include "core/errors.hpp"
#include "core/time.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <cstdint>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>

#include <toml++/toml.h>

namespace herald {
namespace {

/// Context for one value: where it is, to name it in errors.
struct Where {
    std::string_view source;  ///< the file; empty for a command-line flag
    std::string key;          ///< "section.key", or the flag ("--max-line")
    const toml::node& node;

    [[noreturn]] void fail(const std::string& expected) const {
        // Why two types: a bad flag is a usage error (exit 64), a bad file a config error (78).
        if (source.empty()) throw FlagError(key + ": expected " + expected);
        throw ConfigError(std::string(source) + ":" + std::to_string(node.source().begin.line) +
                          ": " + key + ": expected " + expected);
    }
    int64_t integer(Bounds b) const { return integer(b.min, b.max); }
    int64_t integer(int64_t min, int64_t max) const {
        auto v = node.value_exact<int64_t>();
        if (!v) fail("an integer between " + std::to_string(min) + " and " + std::to_string(max));
        if (*v < min || *v > max)
            fail("an integer between " + std::to_string(min) + " and " + std::to_string(max) +
                 ", not " + std::to_string(*v));
        return *v;
    }
    size_t size(int64_t min, int64_t max) const { return static_cast<size_t>(integer(min, max)); }
    size_t size(Bounds b) const { return static_cast<size_t>(integer(b)); }
    std::string string() const {
        auto v = node.value_exact<std::string>();
        if (!v) fail("a string");
        return *v;
    }
    std::string one_of(std::initializer_list<std::string_view> allowed) const {
        std::string v = node.is_string() ? *node.value_exact<std::string>() : std::string();
        std::string list;
        for (auto a : allowed) {
            if (a == v) return v;
            list += (list.empty() ? "" : ", ") + std::string(a);
        }
        fail("one of " + list + (node.is_string() ? ", not \"" + v + "\"" : ""));
    }
    /// A human duration ("24h", "15m", "0s"); empty allowed when `allow_empty`.
    std::string duration(bool allow_empty) const {
        std::string v = string();
        if (v.empty() && allow_empty) return v;
        try {
            if (parse_human_duration(v, key).count() < 0) fail("a duration that is not negative");
        } catch (const HeraldError&) {
            fail("a duration such as 24h, 30m or 0s, not \"" + v + "\"");
        }
        return v;
    }
    bool boolean() const {
        auto v = node.value_exact<bool>();
        if (!v) fail("true or false");
        return *v;
    }
};

using Setter = std::function<void(Settings&, const Where&)>;

struct Key {
    std::string_view section;
    std::string_view name;
    Setter set;
};

constexpr int64_t kMaxInt = kMaxSettingBytes;

// The documented keys (config/heraldd.toml); a unit test checks that file against this table.
const std::vector<Key>& keys() {
    static const std::vector<Key> table{
        {"server", "socket", [](Settings& s, const Where& w) { s.socket_path = w.string(); }},
        {"server", "max_line",
         [](Settings& s, const Where& w) { s.max_line = w.size(kMaxLineBounds); }},
        {"server", "max_clients",
         [](Settings& s, const Where& w) { s.max_clients = w.size(kMaxClientsBounds); }},
        {"server", "idle_timeout",
         [](Settings& s, const Where& w) {
             s.idle_timeout = std::chrono::seconds(w.integer(0, 86400 * 365));
         }},
        {"server", "max_queue_bytes",
         [](Settings& s, const Where& w) { s.max_queue_bytes = w.size(kMaxQueueBounds); }},
        {"server", "max_import_bytes",
         [](Settings& s, const Where& w) { s.max_import_bytes = w.size(kMaxImportBounds); }},
        {"server", "stall_timeout",
         [](Settings& s, const Where& w) {
             s.stall_timeout = std::chrono::seconds(w.integer(kStallTimeoutBounds));
         }},
        {"reminders", "catchup_window",
         [](Settings& s, const Where& w) {
             s.catchup_window = parse_human_duration(w.duration(false), w.key);
         }},
        {"reminders", "default_alarm",
         [](Settings& s, const Where& w) { s.default_alarm = w.duration(true); }},
        {"reminders", "zone",
         [](Settings& s, const Where& w) {
             s.zone = w.string();
             if (s.zone.empty()) return;
             try {
                 date::locate_zone(s.zone);
             } catch (const std::exception&) {
                 w.fail("an IANA zone name such as Asia/Bishkek, not \"" + s.zone + "\"");
             }
         }},
        {"storage", "database", [](Settings& s, const Where& w) { s.db_path = w.string(); }},
        // Why [sync] and not [caldav]: TOML cannot have a [caldav] table next to the [[caldav]]
        // array of tables; checked against the [[caldav]] names in parse_config.
        {"sync", "default_calendar",
         [](Settings& s, const Where& w) { s.default_calendar = w.string(); }},
        {"log", "level",
         [](Settings& s, const Where& w) {
             s.log_level = w.one_of({"trace", "debug", "info", "warn", "error", "critical", "off"});
         }},
        {"auth", "admin_group", [](Settings& s, const Where& w) { s.admin_group = w.string(); }},
        {"auth", "max_clients_per_user",
         [](Settings& s, const Where& w) { s.max_clients_per_user = w.size(1, 1000000); }},
        {"auth", "max_events_per_user",
         [](Settings& s, const Where& w) { s.max_events_per_user = w.size(1, kMaxInt); }},
        {"notify", "desktop", [](Settings& s, const Where& w) { s.desktop = w.boolean(); }},
        {"notify", "urgency",
         [](Settings& s, const Where& w) {
             s.urgency = w.one_of({"low", "normal", "critical"});
         }},
        {"notify", "snooze",
         [](Settings& s, const Where& w) {
             s.snooze = std::chrono::seconds(w.integer(1, 86400 * 7));
         }},
        {"notify", "expire_timeout",
         [](Settings& s, const Where& w) {
             s.expire = std::chrono::milliseconds(w.integer(-1, 86400000));
         }},
    };
    return table;
}

const Key* find_key(std::string_view section, std::string_view name) {
    for (const auto& k : keys())
        if (k.section == section && k.name == name) return &k;
    return nullptr;
}

/// The key of "section.name".
const Key& key_named(std::string_view dotted) {
    auto dot = dotted.find('.');
    const Key* k = find_key(dotted.substr(0, dot), dotted.substr(dot + 1));
    if (k == nullptr) throw std::logic_error("no config key " + std::string(dotted));
    return *k;
}

bool known_section(std::string_view section) {
    for (const auto& k : keys())
        if (k.section == section) return true;
    return false;
}

std::string line_of(std::string_view source, const toml::node& n) {
    return std::string(source) + ":" + std::to_string(n.source().begin.line);
}

/// One [[caldav]] table's key → its setter; unknown keys warn like the other sections'.
using CalDavSetter = std::function<void(CalDavCalendar&, const Where&)>;
const std::vector<std::pair<std::string_view, CalDavSetter>>& caldav_keys() {
    static const std::vector<std::pair<std::string_view, CalDavSetter>> table{
        {"name",
         [](CalDavCalendar& c, const Where& w) {
             c.name = w.string();
             bool ok = !c.name.empty() && c.name.size() <= 64;
             for (char ch : c.name)
                 ok =
                     ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_');
             if (!ok) w.fail("a name of 1-64 letters, digits, '-' or '_', not \"" + c.name + "\"");
         }},
        {"url",
         [](CalDavCalendar& c, const Where& w) {
             c.url = w.string();
             if (c.url.rfind("http://", 0) != 0 && c.url.rfind("https://", 0) != 0)
                 w.fail("an http:// or https:// URL, not \"" + c.url + "\"");
         }},
        {"username", [](CalDavCalendar& c, const Where& w) { c.username = w.string(); }},
        {"password_file", [](CalDavCalendar& c, const Where& w) { c.password_file = w.string(); }},
        {"interval",
         [](CalDavCalendar& c, const Where& w) {
             c.interval = std::chrono::duration_cast<std::chrono::seconds>(
                 parse_human_duration(w.duration(false), w.key));
         }},
        // Why only "server" yet: the local and newest policies are a later stage
        // (docs/caldav-status.md); accepting them would promise what the daemon does not do.
        {"conflict",
         [](CalDavCalendar& c, const Where& w) {
             c.conflict = w.one_of({"server", "local", "newest"});
         }},
        {"create", [](CalDavCalendar& c, const Where& w) { c.create = w.boolean(); }},
        {"ca_file", [](CalDavCalendar& c, const Where& w) { c.ca_file = w.string(); }},
    };
    return table;
}

/// The [[caldav]] array of tables: each needs name and url (and password_file with a username);
/// names are unique. Unknown keys are appended to `unknown`.
std::vector<CalDavCalendar> parse_caldav(std::string_view source, const toml::node& node,
                                         std::vector<std::pair<uint32_t, std::string>>& unknown) {
    const toml::array* tables = node.as_array();
    if (tables == nullptr || !tables->is_array_of_tables())
        Where{source, "caldav", node}.fail("[[caldav]] tables, one per synced calendar");
    std::vector<CalDavCalendar> out;
    for (const toml::node& item : *tables) {
        CalDavCalendar c;
        for (const auto& [key, value] : *item.as_table()) {
            std::string name(key.str());
            auto k = std::find_if(caldav_keys().begin(), caldav_keys().end(),
                                  [&](const auto& e) { return e.first == name; });
            if (k == caldav_keys().end()) {
                unknown.emplace_back(
                    value.source().begin.line,
                    line_of(source, value) + ": unknown key 'caldav." + name + "' (ignored)");
                continue;
            }
            k->second(c, Where{source, "caldav." + name, value});
        }
        Where here{source, "caldav", item};
        if (c.name.empty()) here.fail("a name in each [[caldav]] table");
        if (c.url.empty()) here.fail("a url in [[caldav]] \"" + c.name + "\"");
        if (!c.username.empty() && c.password_file.empty())
            here.fail("a password_file with username in [[caldav]] \"" + c.name + "\"");
        for (const auto& other : out)
            if (other.name == c.name) here.fail("a unique name; \"" + c.name + "\" is repeated");
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace

/// [sync] default_calendar must name one of the [[caldav]] tables.
void check_default_calendar(const Settings& s, std::string_view source, const toml::table& root) {
    if (s.default_calendar.empty()) return;
    std::string names;
    for (const auto& c : s.caldav) {
        if (c.name == s.default_calendar) return;
        names += (names.empty() ? "" : ", ") + c.name;
    }
    const toml::node* node = root.at_path("sync.default_calendar").node();
    if (node == nullptr) node = &root;  // set by a flag or the base: report the file's first line
    Where{source, "sync.default_calendar", *node}.fail(
        "the name of a [[caldav]] table (" +
        (names.empty() ? std::string("none is configured") : "configured: " + names) + "), not \"" +
        s.default_calendar + "\"");
}

ConfigResult parse_config(std::string_view text, const Settings& base, std::string_view source) {
    ConfigResult out{base, {}};
    std::vector<std::pair<uint32_t, std::string>>
        unknown;  // sorted by line: tables iterate by name
    toml::table root;
    try {
        root = toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        throw ConfigError(std::string(source) + ":" + std::to_string(e.source().begin.line) +
                          ": syntax error: " + std::string(e.description()));
    }
    for (const auto& [section_key, section_node] : root) {
        std::string section(section_key.str());
        if (section == "caldav") {
            out.settings.caldav = parse_caldav(source, section_node, unknown);
            continue;
        }
        if (!known_section(section)) {
            unknown.emplace_back(
                section_node.source().begin.line,
                line_of(source, section_node) + ": unknown key '" + section + "' (ignored)");
            continue;
        }
        const toml::table* table = section_node.as_table();
        if (table == nullptr)
            Where{source, section, section_node}.fail("a table [" + section + "]");
        for (const auto& [key, node] : *table) {
            std::string name(key.str());
            const Key* k = find_key(section, name);
            if (k == nullptr) {
                unknown.emplace_back(node.source().begin.line, line_of(source, node) +
                                                                   ": unknown key '" + section +
                                                                   "." + name + "' (ignored)");
                continue;
            }
            k->set(out.settings, Where{source, section + "." + name, node});
        }
    }
    check_default_calendar(out.settings, source, root);
    std::stable_sort(unknown.begin(), unknown.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [_, w] : unknown) out.warnings.push_back(std::move(w));
    return out;
}

void apply_flags(Settings& settings, const std::vector<FlagValue>& flags) {
    for (const auto& f : flags) {
        const Key& k = key_named(f.key);
        if (const auto* n = std::get_if<int64_t>(&f.value))
            k.set(settings, Where{{}, f.flag, toml::value<int64_t>(*n)});
        else
            k.set(settings,
                  Where{{}, f.flag, toml::value<std::string>(std::get<std::string>(f.value))});
    }
}

std::vector<std::string> config_keys() {
    std::vector<std::string> out;
    for (const auto& k : keys()) out.push_back(std::string(k.section) + "." + std::string(k.name));
    return out;
}

ConfigResult load_config(const std::string& path, const Settings& base, bool required) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (!required) return {base, {}};
        throw ConfigError(path + ": cannot read the configuration file");
    }
    std::ostringstream text;
    text << in.rdbuf();
    ConfigResult r = parse_config(text.str(), base, path);
    for (const auto& c : r.settings.caldav)
        if (!c.password_file.empty())
            if (std::string why = secret_file_problem(c.password_file); !why.empty())
                throw ConfigError(path + ": caldav.password_file of \"" + c.name + "\": " + why);
    return r;
}

std::string secret_file_problem(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return path + " cannot be read (" + std::strerror(errno) + ")";
    if (!S_ISREG(st.st_mode)) return path + " is not a regular file";
    // Why refuse: a password others can read is a password others have.
    if (st.st_uid != ::geteuid())
        return path + " must be owned by the user heraldd runs as (uid " +
               std::to_string(::geteuid()) + "), not uid " + std::to_string(st.st_uid);
    if ((st.st_mode & 077) != 0)
        return path + " must not be readable by group or others (chmod 600 " + path + ")";
    return {};
}

std::vector<std::string> restart_only_changes(const Settings& running, const Settings& loaded) {
    std::vector<std::string> out;
    if (running.socket_path != loaded.socket_path) out.emplace_back("server.socket");
    if (running.db_path != loaded.db_path) out.emplace_back("storage.database");
    if (running.desktop != loaded.desktop) out.emplace_back("notify.desktop");
    return out;
}

std::vector<std::string> apply_reload(Settings& running, const Settings& loaded) {
    auto kept = restart_only_changes(running, loaded);
    Settings next = loaded;
    next.system_mode = running.system_mode;
    next.config_path = running.config_path;
    next.socket_path = running.socket_path;
    next.db_path = running.db_path;
    next.desktop = running.desktop;
    running = next;
    return kept;
}

}  // namespace herald
