// Fuzz harness: the heraldd.toml loader (parse_config) on top of non-default base settings. Bad
// input must be refused with a ConfigError naming the source and line; accepted input must give
// settings within the documented ranges (config/heraldd.toml), parse the same way twice, be a
// fixed point (parsing it again on top of its own result changes nothing) and reload cleanly.
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>

#include "core/duration.hpp"
#include "core/errors.hpp"
#include "core/time.hpp"
#include "daemon/config.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using herald::Settings;

constexpr int64_t kMaxInt = int64_t{1} << 40;
constexpr std::string_view kSource = "fuzz.toml";

/// Every field of Settings, for comparisons (Settings has no operator==).
auto fields(const Settings& s) {
    return std::tie(s.system_mode, s.socket_path, s.db_path, s.config_path, s.log_level, s.max_line,
                    s.max_clients, s.idle_timeout, s.max_queue_bytes, s.admin_group, s.admin_gid,
                    s.max_clients_per_user, s.max_events_per_user, s.desktop, s.urgency, s.snooze,
                    s.expire, s.max_import_bytes, s.catchup_window, s.default_alarm,
                    s.stall_timeout, s.zone);
}

bool in(size_t v, int64_t lo, int64_t hi) {
    return v >= static_cast<size_t>(lo) && v <= static_cast<size_t>(hi);
}

bool one_of(const std::string& v, std::initializer_list<std::string_view> allowed) {
    for (auto a : allowed)
        if (v == a) return true;
    return false;
}

/// A human duration that parses and is not negative (or empty when allowed).
bool good_duration(const std::string& v, bool allow_empty) {
    if (v.empty()) return allow_empty;
    try {
        return herald::parse_human_duration(v, "d").count() >= 0;
    } catch (const herald::HeraldError&) {
        return false;
    }
}

/// The documented ranges of config/heraldd.toml, which every accepted file must respect.
void check_ranges(const Settings& s) {
    FUZZ_CHECK(in(s.max_line, 256, kMaxInt));
    FUZZ_CHECK(in(s.max_clients, 1, 1000000));
    FUZZ_CHECK(s.idle_timeout.count() >= 0 && s.idle_timeout.count() <= 86400 * 365);
    FUZZ_CHECK(in(s.max_queue_bytes, 4096, kMaxInt));
    FUZZ_CHECK(in(s.max_import_bytes, 1024, kMaxInt));
    FUZZ_CHECK(s.stall_timeout.count() >= 1 && s.stall_timeout.count() <= 86400);
    FUZZ_CHECK(s.catchup_window.count() >= 0);
    FUZZ_CHECK(good_duration(s.default_alarm, true));
    if (!s.zone.empty()) {
        try {
            date::locate_zone(s.zone);
        } catch (const std::exception&) {
            FUZZ_CHECK(false);
        }
    }
    FUZZ_CHECK(one_of(s.log_level, {"trace", "debug", "info", "warn", "error", "critical", "off"}));
    FUZZ_CHECK(in(s.max_clients_per_user, 1, 1000000));
    FUZZ_CHECK(in(s.max_events_per_user, 1, kMaxInt));
    FUZZ_CHECK(one_of(s.urgency, {"low", "normal", "critical"}));
    FUZZ_CHECK(s.snooze.count() >= 1 && s.snooze.count() <= 86400 * 7);
    FUZZ_CHECK(s.expire.count() >= -1 && s.expire.count() <= 86400000);
}

/// A message from the loader names the source and a line: "fuzz.toml:12: ...".
bool names_source_and_line(std::string_view msg) {
    return msg.size() > kSource.size() + 2 && msg.substr(0, kSource.size()) == kSource &&
           msg[kSource.size()] == ':' && msg[kSource.size() + 1] >= '0' &&
           msg[kSource.size() + 1] <= '9';
}

/// Base settings as a running system-mode daemon has them (not the defaults, so that "the file
/// changed nothing it does not name" is visible).
Settings make_base() {
    Settings s;
    s.system_mode = true;
    s.socket_path = "/run/herald/socket";
    s.db_path = "/var/lib/herald/herald.db";
    s.config_path = "/etc/herald/heraldd.toml";
    s.admin_gid = 977;
    s.max_clients = 7;
    s.zone = "Asia/Almaty";
    s.default_alarm = "15m";
    return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace herald;
    static const Settings base = make_base();
    std::string_view text(reinterpret_cast<const char*>(data), size);
    ConfigResult r;
    try {
        r = parse_config(text, base, kSource);
    } catch (const ConfigError& e) {
        FUZZ_CHECK(names_source_and_line(e.what()));
        return 0;
    }
    const Settings& s = r.settings;
    check_ranges(s);
    // Options the file cannot set stay as the base had them.
    FUZZ_CHECK(s.system_mode == base.system_mode && s.config_path == base.config_path &&
               s.admin_gid == base.admin_gid);
    for (const auto& w : r.warnings)
        FUZZ_CHECK(names_source_and_line(w) && w.find("unknown key") != std::string::npos);

    // Deterministic, and a fixed point: the file applied to its own result changes nothing.
    ConfigResult again = parse_config(text, base, kSource);
    FUZZ_CHECK(fields(again.settings) == fields(s) && again.warnings == r.warnings);
    FUZZ_CHECK(fields(parse_config(text, s, kSource).settings) == fields(s));

    // A reload of this file into a daemon running with `base`: the restart-only options keep the
    // running values (and are named), everything else is taken from the file.
    auto changed = restart_only_changes(base, s);
    Settings running = base;
    auto kept = apply_reload(running, s);
    FUZZ_CHECK(kept == changed);
    for (const auto& k : kept)
        FUZZ_CHECK(k == "server.socket" || k == "storage.database" || k == "notify.desktop");
    FUZZ_CHECK(restart_only_changes(base, running).empty());
    Settings expected = s;
    expected.socket_path = base.socket_path;
    expected.db_path = base.db_path;
    expected.desktop = base.desktop;
    FUZZ_CHECK(fields(running) == fields(expected));
    return 0;
}
