#include <unistd.h>

#include "core/protocol.hpp"
#include "daemon/alarm_store.hpp"
#include "daemon/authz.hpp"
#include "daemon/handlers.hpp"
#include "daemon/params.hpp"
#include "daemon/store.hpp"

namespace herald::handlers {

Result hello(Context& ctx, const Json& p) {
    if (auto proto = params::opt_integer(p, "protocol"); proto && *proto != kProtocolVersion)
        bad_param("protocol", "this heraldd speaks protocol " + std::to_string(kProtocolVersion) +
                                  ", not " + std::to_string(*proto));
    return {{"server", "heraldd"},
            {"version", HERALD_VERSION},
            {"protocol", kProtocolVersion},
            {"mode", ctx.settings.system_mode ? "system" : "user"},
            {"pid", static_cast<int64_t>(::getpid())},
            {"you", {{"uid", ctx.peer.uid}, {"gid", ctx.peer.gid}, {"pid", ctx.peer.pid}}},
            {"methods", command_names()}};
}

Result status(Context& ctx, const Json&) {
    Json out{{"version", HERALD_VERSION},
             {"mode", ctx.settings.system_mode ? "system" : "user"},
             {"uptime_s", (ctx.now - ctx.state.started).count()},
             {"clients", ctx.state.clients},
             {"requests", ctx.state.requests},
             {"commits", ctx.state.commits},
             {"committed_requests", ctx.state.committed_requests},
             {"socket", ctx.settings.socket_path},
             {"schema_version", ctx.store.schema_version()}};
    // Why: in system mode the totals and the database's path are the service's, not a user's
    // business; a user is shown their own figures, admins (root, the admin group) the totals.
    if (is_admin(ctx)) {
        out["events"] = ctx.store.count();
        out["database"] = ctx.settings.db_path;
    } else {
        out["events"] = ctx.store.count_owned(ctx.peer.uid);
    }
    if (ctx.state.desktop) out["desktop"] = ctx.state.desktop();
    // The caller's next reminder (their own and public ones), as alarm.next gives it.
    auto next = ctx.alarms.upcoming(1, view_scope(caller_of(ctx)));
    if (!next.empty()) {
        out["next_reminder"] = to_json(next.front());
        out["next_reminder"]["fires_at"] =
            format_instant(next.front().snooze_until.value_or(next.front().due));
    }
    return out;
}

}  // namespace herald::handlers
