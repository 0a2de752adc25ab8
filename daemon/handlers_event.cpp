#include <random>

#include "core/agenda.hpp"
#include "core/duration.hpp"
#include "core/event_json.hpp"
#include "core/recurrence.hpp"
#include "daemon/authz.hpp"
#include "daemon/handlers.hpp"
#include "daemon/params.hpp"
#include "daemon/store.hpp"
#include "daemon/work_budget.hpp"

namespace herald::handlers {
namespace {

std::string new_uid() {
    std::random_device rd;
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 4; ++i) {
        auto v = rd();
        for (int k = 0; k < 8; ++k) out += hex[(v >> (4 * k)) & 0xf];
    }
    return out + "@herald";
}

Event visible_event(Context& ctx, int64_t id) {
    auto e = ctx.store.get(id);
    if (!e || !can_see(ctx, *e)) no_such_event(id);
    return *e;
}

Json event_list(Context& ctx, const std::vector<Event>& events) {
    Json out = Json::array();
    for (const auto& e : events)
        if (can_see(ctx, e)) out.push_back(to_json(e));
    return out;
}

}  // namespace

Result event_add(Context& ctx, const Json& p) {
    const Json& ev = params::object(p, "event");
    Event e = event_from_json(ev);
    e.ical_extra.clear();  // read-only: only an import or a pull keeps another client's content
    // [sync] default_calendar takes a new event whose client named no calendar; "" keeps it local.
    if (!ev.contains("calendar")) e.calendar = ctx.settings.default_calendar;
    // The configured default alarm applies only when the client did not mention alarms at all:
    // an explicit [] means "no alarms".
    if (!ctx.settings.default_alarm.empty() && !ev.contains("alarms"))
        e.alarms.push_back(
            {Alarm::Related::start,
             negated(parse_calendar_duration(ctx.settings.default_alarm, "default_alarm")),
             {}});
    if (e.uid.empty()) e.uid = new_uid();
    e.owner = ctx.peer.uid;
    validate(e);
    // Uids are per owner: only the caller's own event with this uid makes this a retry (or a
    // conflict), so the answer never depends on another user's events.
    check_exdates_match(e);  // a client's EXDATE must name an instance (imports may not)
    auto existing = ctx.store.get_owned(e.owner, e.uid);
    require_write(ctx, e, existing ? &*existing : nullptr, existing ? 0 : owned_count(ctx));
    auto result = ctx.store.add(std::move(e), ctx.now);
    // A new event's reply is written around the JSON just stored, not encoded a second time.
    if (result.created) return Result::encoded("{\"created\":true,\"event\":" + result.json + "}");
    return {{"event", to_json(result.event)}, {"created", result.created}};
}

Result event_get(Context& ctx, const Json& p) {
    if (p.contains("id") == p.contains("uid")) bad_param("id", "give exactly one of id or uid");
    if (p.contains("id")) return {{"event", to_json(visible_event(ctx, params::integer(p, "id")))}};
    std::string uid = params::string(p, "uid");
    auto e = ctx.store.get_by_uid(uid, view_scope(caller_of(ctx)));
    if (!e || !can_see(ctx, *e))
        throw HeraldError(ErrorCode::not_found, "no event with uid " + uid, "uid");
    return {{"event", to_json(*e)}};
}

Result event_update(Context& ctx, const Json& p) {
    Event current = visible_event(ctx, params::integer(p, "id"));
    require_change(ctx, current);
    const Json& changes = params::object(p, "changes");
    if (changes.contains("uid") && changes["uid"] != current.uid)
        bad_param("changes.uid", "uid cannot be changed");
    Event next = apply_changes(current, changes);
    validate(next);
    if (changes.contains("exdates")) check_exdates_match(next, current.exdates);
    require_write(ctx, next, &current, 0);
    Event stored = ctx.store.update(std::move(next), params::integer(p, "revision"), ctx.now);
    return {{"event", to_json(stored)}};
}

Result event_remove(Context& ctx, const Json& p) {
    Event current = visible_event(ctx, params::integer(p, "id"));
    require_change(ctx, current);
    ctx.store.remove(current.id, params::opt_integer(p, "revision"), ctx.now);
    return {{"removed", true}, {"id", current.id}};
}

Result event_search(Context& ctx, const Json& p) {
    auto limit = params::opt_integer(p, "limit").value_or(50);
    if (limit < 1 || limit > 10000) bad_param("limit", "limit must be between 1 and 10000");
    // Filtered by the store before the limit: other users' matches must not crowd out the
    // caller's own.
    // Bounded while reading: a reply may take half of max_queue_bytes (Server::deliver).
    // And bounded in work: ranking best-first reads every match, 200 ms for 100,000 of them in a
    // Debug build, so a query matching too many is refused (kSearchCpu) instead of holding the
    // thread; its reply says to add words.
    auto events =
        ctx.store.search(params::string(p, "query"), static_cast<size_t>(limit),
                         view_scope(caller_of(ctx)), ctx.settings.max_queue_bytes / 2, kSearchCpu);
    if (!p.contains("after")) return {{"events", event_list(ctx, events)}};
    // With `after`: each event's next occurrence (herald until), computed here so that a client
    // needs no recurrence engine.
    Instant after = parse_instant(params::string(p, "after"), "after");
    std::string tz = params::opt_string(p, "tz");
    const date::time_zone* viewer = find_zone(tz.empty() ? "UTC" : tz, "tz");
    Json out = Json::array();
    for (const auto& e : events) {
        if (!can_see(ctx, e)) continue;
        Json j = to_json(e);
        auto occ = next_occurrence(e, after, viewer);
        j["next_occurrence"] = occ ? Json{{"occurrence_start", format_instant(occ->begin)},
                                          {"occurrence_end", format_instant(occ->end)},
                                          {"occurrence_local", format_caltime(occ->start)}}
                                   : Json(nullptr);
        out.push_back(std::move(j));
    }
    return {{"events", std::move(out)}};
}

}  // namespace herald::handlers
