#include "core/paths.hpp"

#include <cstdio>
#include <cstdlib>

namespace herald {

EnvLookup process_env() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        if (v == nullptr || *v == '\0') return std::nullopt;
        return std::string(v);
    };
}

namespace {
/// systemd may pass several directories separated by ':'; the first is ours.
std::optional<std::string> first_dir(const EnvLookup& env, const char* name) {
    auto v = env(name);
    if (!v) return v;
    return v->substr(0, v->find(':'));
}
}  // namespace

Paths default_paths(bool system_mode, const EnvLookup& env, unsigned uid) {
    Paths p;
    auto runtime = first_dir(env, "RUNTIME_DIRECTORY");
    auto state = first_dir(env, "STATE_DIRECTORY");
    auto config = first_dir(env, "CONFIGURATION_DIRECTORY");
    if (system_mode) {
        p.socket = (runtime ? *runtime : std::string("/run/herald")) + "/socket";
        p.database = (state ? *state : std::string("/var/lib/herald")) + "/herald.db";
        p.config = (config ? *config : std::string("/etc/herald")) + "/heraldd.toml";
        return p;
    }
    auto home = env("HOME").value_or("/tmp");
    if (runtime) {
        p.socket = *runtime + "/socket";
    } else {
        auto xdg = env("XDG_RUNTIME_DIR");
        p.private_runtime_dir = xdg ? *xdg + "/herald" : "/tmp/herald-" + std::to_string(uid);
        p.socket = p.private_runtime_dir + "/socket";
    }
    if (state)
        p.database = *state + "/herald.db";
    else
        p.database = env("XDG_DATA_HOME").value_or(home + "/.local/share") + "/herald/herald.db";
    if (config)
        p.config = *config + "/heraldd.toml";
    else
        p.config = env("XDG_CONFIG_HOME").value_or(home + "/.config") + "/herald/heraldd.toml";
    return p;
}

std::string private_dir_problem(const std::string& dir, unsigned uid, unsigned owner,
                                unsigned mode) {
    if (owner != uid)
        return dir + " belongs to uid " + std::to_string(owner) + ", not to uid " +
               std::to_string(uid) + "; remove it (or set XDG_RUNTIME_DIR) and start again";
    if ((mode & 077) != 0) {
        char octal[8];
        std::snprintf(octal, sizeof octal, "%04o", mode & 07777);
        return dir + " has mode " + octal +
               ", so other users can reach or replace the socket in it; "
               "it must be 0700 (chmod 700 " +
               dir + ")";
    }
    return {};
}

bool trusted_peer(unsigned uid, unsigned peer_uid) {
    return peer_uid == uid || peer_uid == 0;
}

}  // namespace herald
