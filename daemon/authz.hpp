#pragma once
/// Who may see and change which events. Policy: in user mode the socket (0600) admits only the
/// owner; in system mode a user sees their own and public events and changes their own events;
/// root (and, from the config, an admin group) may change public ones.

#include "core/errors.hpp"
#include "core/event.hpp"
#include "daemon/context.hpp"

namespace herald {

/// True when the caller may read `e`.
inline bool can_see(const Context& ctx, const Event& e) {
    return !ctx.settings.system_mode || ctx.peer.uid == 0 || e.owner == ctx.peer.uid ||
           e.visibility == Visibility::public_;
}

/// Throws not_found when the caller may not see `e` (hiding its existence), permission_denied when
/// they may see but not change it.
inline void require_change(const Context& ctx, const Event& e) {
    if (!can_see(ctx, e)) throw HeraldError(ErrorCode::not_found, "no event with id " + std::to_string(e.id), "id");
    if (ctx.settings.system_mode && ctx.peer.uid != 0 && e.owner != ctx.peer.uid)
        throw HeraldError(ErrorCode::permission_denied,
                          "event " + std::to_string(e.id) + " belongs to another user; only its owner or an admin may change it",
                          "id");
}

}  // namespace herald
