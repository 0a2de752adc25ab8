#include "daemon/authz.hpp"

#include <grp.h>

#include <algorithm>
#include <vector>

#include <spdlog/spdlog.h>

#include "daemon/store.hpp"

namespace herald {

bool can_see(const Context& ctx, const Event& e) {
    return !ctx.settings.system_mode || ctx.peer.uid == 0 || e.owner == ctx.peer.uid ||
           e.visibility == Visibility::public_;
}

bool is_admin(const Context& ctx) {
    if (!ctx.settings.system_mode || ctx.peer.uid == 0) return true;
    if (!ctx.settings.admin_gid) return false;
    int64_t gid = *ctx.settings.admin_gid;
    return ctx.peer.gid == gid ||
           std::find(ctx.peer.groups.begin(), ctx.peer.groups.end(), gid) != ctx.peer.groups.end();
}

namespace {

[[noreturn]] void deny_public(const Context& ctx, const std::string& what, const char* field) {
    throw HeraldError(ErrorCode::permission_denied,
                      what + ": public events may be changed only by root or members of group '" +
                          ctx.settings.admin_group + "'",
                      field);
}

}  // namespace

void require_change(const Context& ctx, const Event& e) {
    if (!can_see(ctx, e))
        throw HeraldError(ErrorCode::not_found, "no event with id " + std::to_string(e.id), "id");
    if (e.visibility == Visibility::public_) {
        if (!is_admin(ctx)) deny_public(ctx, "event " + std::to_string(e.id) + " is public", "id");
        return;
    }
    if (ctx.settings.system_mode && ctx.peer.uid != 0 && e.owner != ctx.peer.uid)
        throw HeraldError(ErrorCode::permission_denied,
                          "event " + std::to_string(e.id) +
                              " belongs to another user; only its owner or root may change it",
                          "id");
}

void require_store(Context& ctx, const Event& e, bool is_new) {
    if (e.visibility == Visibility::public_ && !is_admin(ctx))
        deny_public(ctx, "cannot make the event public", "visibility");
    if (!is_new || !ctx.settings.system_mode || ctx.peer.uid == 0) return;
    auto owned = ctx.store.count_owned(ctx.peer.uid);
    if (owned >= static_cast<int64_t>(ctx.settings.max_events_per_user))
        throw HeraldError(ErrorCode::too_large,
                          "user " + std::to_string(ctx.peer.uid) + " already owns " +
                              std::to_string(owned) +
                              " events, the limit ([auth] max_events_per_user); remove some first",
                          "event");
}

void resolve_admin_group(Settings& settings) {
    settings.admin_gid.reset();
    if (settings.admin_group.empty()) return;
    std::vector<char> buf(16384);
    group g{};
    group* found = nullptr;
    if (::getgrnam_r(settings.admin_group.c_str(), &g, buf.data(), buf.size(), &found) == 0 &&
        found != nullptr) {
        settings.admin_gid = static_cast<int64_t>(found->gr_gid);
    } else if (settings.system_mode) {
        spdlog::info("admin group '{}' does not exist: only root may change public events",
                     settings.admin_group);
    }
}

}  // namespace herald
