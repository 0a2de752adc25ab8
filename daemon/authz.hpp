#pragma once
/// Who may see and change which events: the one place this is decided. Every path (add, update,
/// remove, import, get, search, agenda, export, alarms, hub fan-out, status) asks here, and the
/// store's filtered queries take their scope from view_scope().
///
/// Policy: in user mode the socket (0600) admits only the owner, who may do everything. In system
/// mode (clients identified by SO_PEERCRED) a user sees their own events and public ones, and
/// changes only their own private events; public events are added, changed and removed only by
/// root and members of the admin group ([auth] admin_group). What a caller may not see does not
/// exist for them (not_found, never a hint that it exists); what they may see but not change is
/// permission_denied. Limits per uid keep one user from exhausting the service.

#include <cstdint>
#include <optional>

#include "core/errors.hpp"
#include "core/event.hpp"
#include "daemon/context.hpp"

namespace herald {

/// The caller as the rule needs it.
struct Caller {
    bool system_mode = false;
    int64_t uid = -1;
    bool admin = false;  ///< root or a member of the admin group (always true in user mode)
};

/// What the rule answers for one action on an existing event or alarm.
enum class Access {
    allowed,
    hidden,  ///< the caller may not see it: answer not_found
    denied,  ///< the caller sees it but may not do this: answer permission_denied
};

/// The caller of a request (the admin group resolved in `settings`).
Caller caller_of(const Settings& settings, const PeerCred& peer);
/// The caller of this request.
Caller caller_of(const Context& ctx);

/// True when the caller sees everything (user mode, root).
bool sees_all(const Caller& c);
/// True when the caller may read something owned by `owner` (public or not).
bool may_see(const Caller& c, int64_t owner, bool is_public);
/// May the caller change or remove an existing event (or act on its alarms)?
Access may_change(const Caller& c, int64_t owner, bool is_public);
/// May the caller acknowledge or snooze an alarm of an event owned by `owner`? Only its owner
/// (and root): the ledger row is shared, so one user's ack would silence everyone's reminder.
Access may_act_on_alarm(const Caller& c, int64_t owner, bool is_public);
/// May the caller store an event as public (add one, make one public)?
bool may_publish(const Caller& c);
/// True when `max_events_per_user` applies to the caller (system mode, not root).
bool has_quota(const Caller& c);
/// The owner filter of store queries: nullopt when the caller sees everything, else their uid
/// (rows they own or that are public).
std::optional<int64_t> view_scope(const Caller& c);

/// True when the caller may read something owned by `owner` (an event, a ledger entry, a
/// message): may_see for the caller of this request.
bool can_see(const Context& ctx, int64_t owner, bool is_public);
/// True when the caller may read `e`.
bool can_see(const Context& ctx, const Event& e);

/// True when the caller is root or in the admin group (always true in user mode).
bool is_admin(const Context& ctx);

/// Throws not_found when the caller may not see `e` (hiding its existence), permission_denied when
/// they may see but not change it.
void require_change(const Context& ctx, const Event& e);

/// The rule of every write (event.add, event.update, each component of calendar.import): `next`
/// is what would be stored, `existing` the event it replaces (null for a new one) and `owned` the
/// number of events the caller owns (see owned_count). Throws not_found / permission_denied when
/// `existing` may not be changed, permission_denied when `next` is public and the caller is no
/// admin, too_large when a new event would exceed max_events_per_user.
void require_write(const Context& ctx, const Event& next, const Event* existing, int64_t owned);

/// How many events the caller owns when a quota applies to them (0 otherwise: not counted).
int64_t owned_count(Context& ctx);

/// Resolves settings.admin_group to its gid (nullopt when there is no such group).
void resolve_admin_group(Settings& settings);

}  // namespace herald
