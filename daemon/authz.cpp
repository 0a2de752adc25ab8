#include "daemon/authz.hpp"

#include <grp.h>

#include <algorithm>
#include <vector>

#include <spdlog/spdlog.h>

#include "daemon/store.hpp"

namespace herald {

Caller caller_of(const Settings& settings, const PeerCred& peer) {
    Caller c{settings.system_mode, peer.uid, true};
    if (!settings.system_mode || peer.uid == 0) return c;
    c.admin = settings.admin_gid && (peer.gid == *settings.admin_gid ||
                                     std::find(peer.groups.begin(), peer.groups.end(),
                                               *settings.admin_gid) != peer.groups.end());
    return c;
}

Caller caller_of(const Context& ctx) {
    return caller_of(ctx.settings, ctx.peer);
}

bool sees_all(const Caller& c) {
    return !c.system_mode || c.uid == 0;
}

bool may_see(const Caller& c, int64_t owner, bool is_public) {
    return sees_all(c) || owner == c.uid || is_public;
}

Access may_change(const Caller& c, int64_t owner, bool is_public) {
    if (!may_see(c, owner, is_public)) return Access::hidden;
    // Why admins only for public events: everyone sees (and is reminded of) them.
    if (is_public) return c.admin ? Access::allowed : Access::denied;
    return sees_all(c) || owner == c.uid ? Access::allowed : Access::denied;
}

Access may_act_on_alarm(const Caller& c, int64_t owner, bool is_public) {
    if (!may_see(c, owner, is_public)) return Access::hidden;
    return sees_all(c) || owner == c.uid ? Access::allowed : Access::denied;
}

bool may_publish(const Caller& c) {
    return c.admin;
}

bool has_quota(const Caller& c) {
    return c.system_mode && c.uid != 0;
}

std::optional<int64_t> view_scope(const Caller& c) {
    if (sees_all(c)) return std::nullopt;
    return c.uid;
}

bool can_see(const Context& ctx, int64_t owner, bool is_public) {
    return may_see(caller_of(ctx), owner, is_public);
}

bool can_see(const Context& ctx, const Event& e) {
    return can_see(ctx, e.owner, e.visibility == Visibility::public_);
}

bool is_admin(const Context& ctx) {
    return caller_of(ctx).admin;
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
    bool is_public = e.visibility == Visibility::public_;
    switch (may_change(caller_of(ctx), e.owner, is_public)) {
        case Access::allowed:
            return;
        case Access::hidden:
            no_such_event(e.id);
        case Access::denied:
            if (is_public) deny_public(ctx, "event " + std::to_string(e.id) + " is public", "id");
            throw HeraldError(ErrorCode::permission_denied,
                              "event " + std::to_string(e.id) +
                                  " belongs to another user; only its owner or root may change it",
                              "id");
    }
}

void require_write(const Context& ctx, const Event& next, const Event* existing, int64_t owned) {
    if (existing) require_change(ctx, *existing);
    Caller c = caller_of(ctx);
    if (next.visibility == Visibility::public_ && !may_publish(c))
        deny_public(ctx, "cannot make the event public", "visibility");
    if (existing || !has_quota(c)) return;
    if (owned >= static_cast<int64_t>(ctx.settings.max_events_per_user))
        throw HeraldError(ErrorCode::too_large,
                          "user " + std::to_string(c.uid) + " already owns " +
                              std::to_string(owned) +
                              " events, the limit ([auth] max_events_per_user); remove some first",
                          "event");
}

int64_t owned_count(Context& ctx) {
    return has_quota(caller_of(ctx)) ? ctx.store.count_owned(ctx.peer.uid) : 0;
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
