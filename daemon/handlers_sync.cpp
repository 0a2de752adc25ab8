// calendar.sync and calendar.sync_status (docs/protocol.md "Sync").
#include "core/errors.hpp"
#include "daemon/handlers.hpp"
#include "daemon/sync_engine.hpp"

namespace herald::handlers {
namespace {

sync::Engine& engine(Context& ctx) {
    // Why user mode only: a system daemon's synced events would need an owner per calendar and
    // per-user credentials, which this stage does not model (docs/caldav-status.md).
    if (ctx.sync == nullptr)
        throw HeraldError(ErrorCode::invalid_request,
                          ctx.settings.system_mode
                              ? "CalDAV sync runs in user mode only; run a user heraldd to sync"
                              : "CalDAV sync is not running in this heraldd");
    return *ctx.sync;
}

}  // namespace

Result calendar_sync(Context& ctx, const Json& p) {
    std::vector<std::string> names;
    if (p.contains("calendars")) {
        const Json& list = p.at("calendars");
        if (!list.is_array())
            bad_param("calendars", "calendars must be an array of calendar names");
        for (const auto& n : list) {
            if (!n.is_string())
                bad_param("calendars", "calendars must be an array of calendar names");
            names.push_back(n.get<std::string>());
        }
    }
    Json out = Json::array();
    for (const auto& [name, run] : engine(ctx).start(names))
        out.push_back({{"name", name}, {"run", run}});
    return Json{{"calendars", out}};
}

Result calendar_sync_status(Context& ctx, const Json&) {
    return Json{{"calendars", engine(ctx).status()}};
}

}  // namespace herald::handlers

namespace herald::handlers {

Result calendar_sync_conflicts(Context& ctx, const Json& p) {
    std::string name;
    if (p.contains("calendar")) {
        if (!p.at("calendar").is_string())
            bad_param("calendar", "calendar must be the name of a [[caldav]] calendar");
        name = p.at("calendar").get<std::string>();
    }
    return Json{{"conflicts", engine(ctx).conflicts(name)}};
}

Result calendar_sync_restore(Context& ctx, const Json& p) {
    if (!p.at("id").is_number_integer())
        bad_param("id", "id must be the integer id of a kept version (herald sync --conflicts)");
    const int64_t id = p.at("id").get<int64_t>();
    auto [name, run] = engine(ctx).restore(id);
    return Json{{"id", id}, {"calendars", Json::array({{{"name", name}, {"run", run}}})}};
}

}  // namespace herald::handlers
