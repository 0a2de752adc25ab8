#pragma once
/// Who may see and change which events. Policy: in user mode the socket (0600) admits only the
/// owner, who may do everything. In system mode (clients identified by SO_PEERCRED) a user sees
/// their own events and public ones, and changes only their own private events; public events
/// are added, changed and removed only by root and members of the admin group ([auth]
/// admin_group). Limits per uid keep one user from exhausting the service.

#include "core/errors.hpp"
#include "core/event.hpp"
#include "daemon/context.hpp"

namespace herald {

/// True when the caller may read `e`.
bool can_see(const Context& ctx, const Event& e);

/// True when the caller is root or in the admin group (always true in user mode).
bool is_admin(const Context& ctx);

/// Throws not_found when the caller may not see `e` (hiding its existence), permission_denied when
/// they may see but not change it.
void require_change(const Context& ctx, const Event& e);

/// Throws permission_denied when the caller may not store `e` as it is (a public event by a
/// non-admin), too_large when a new event would exceed the caller's max_events_per_user.
void require_store(Context& ctx, const Event& e, bool is_new);

/// Resolves settings.admin_group to its gid (nullopt when there is no such group).
void resolve_admin_group(Settings& settings);

}  // namespace herald
