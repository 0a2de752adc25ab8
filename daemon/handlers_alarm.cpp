// alarm.ack, alarm.snooze, alarm.next, alarm.missed: the delivery ledger as seen by clients.
#include "core/alarms.hpp"
#include "core/duration.hpp"
#include "daemon/alarm_store.hpp"
#include "daemon/authz.hpp"
#include "daemon/handlers.hpp"
#include "daemon/params.hpp"
#include "daemon/store.hpp"

namespace herald::handlers {
namespace {

// Why a cap: a reply listing years of missed alarms of a minutely event would be unbounded.
constexpr int64_t kMaxList = 10000;

/// The entries a request names: {id} (a ledger id, as shown by herald watch) or
/// {event_id, occurrence, alarm?} (every alarm of that occurrence when alarm is absent).
std::vector<LedgerEntry> named_entries(Context& ctx, const Json& p) {
    std::vector<LedgerEntry> out;
    if (p.contains("id")) {
        if (p.contains("event_id") || p.contains("occurrence") || p.contains("alarm"))
            bad_param("id", "give either id or event_id with occurrence, not both");
        int64_t id = params::integer(p, "id");
        if (auto e = ctx.alarms.entry(id)) out.push_back(*e);
        if (out.empty() || !can_see(ctx, out.front().owner, out.front().is_public))
            throw HeraldError(ErrorCode::not_found,
                              "no alarm with id " + std::to_string(id) +
                                  "; the ids are shown by herald watch, next and missed",
                              "id");
    } else {
        if (!p.contains("event_id") || !p.contains("occurrence"))
            bad_param("id",
                      "name the alarm by id, or by event_id and occurrence (an RFC 3339 instant)");
        int64_t event_id = params::integer(p, "event_id");
        Instant occurrence = parse_instant(params::string(p, "occurrence"), "occurrence");
        std::optional<size_t> alarm;
        if (auto a = params::opt_integer(p, "alarm")) {
            if (*a < 0) bad_param("alarm", "alarm is an index into the event's alarms, from 0");
            alarm = static_cast<size_t>(*a);
        }
        out = ctx.alarms.entries(event_id, occurrence, alarm);
        std::erase_if(out,
                      [&](const LedgerEntry& e) { return !can_see(ctx, e.owner, e.is_public); });
        if (out.empty())
            throw HeraldError(ErrorCode::not_found,
                              "event " + std::to_string(event_id) +
                                  " has no alarm for the occurrence " + format_instant(occurrence) +
                                  " that has fired or is next due",
                              "occurrence");
    }
    Caller caller = caller_of(ctx);
    for (const auto& e : out)
        if (may_act_on_alarm(caller, e.owner, e.is_public) != Access::allowed)
            throw HeraldError(ErrorCode::permission_denied,
                              "alarm " + std::to_string(e.id) + " belongs to another user's event",
                              "id");
    return out;
}

Json entry_list(const std::vector<LedgerEntry>& entries) {
    Json out = Json::array();
    for (const auto& e : entries) out.push_back(to_json(e));
    return out;
}

size_t list_limit(const Json& p, int64_t fallback) {
    auto limit = params::opt_integer(p, "limit").value_or(fallback);
    if (limit < 1 || limit > kMaxList)
        bad_param("limit", "limit must be between 1 and " + std::to_string(kMaxList));
    return static_cast<size_t>(limit);
}

}  // namespace

Result alarm_ack(Context& ctx, const Json& p) {
    std::vector<LedgerEntry> done;
    for (const auto& e : named_entries(ctx, p)) done.push_back(ctx.alarms.acknowledge(e, ctx.now));
    return {{"alarms", entry_list(done)}};
}

Result alarm_snooze(Context& ctx, const Json& p) {
    if (p.contains("for") == p.contains("until"))
        bad_param(
            "for",
            "give exactly one of for (a duration such as 10m) or until (an RFC 3339 instant)");
    Instant until = p.contains("for")
                        ? ctx.now + parse_human_duration(params::string(p, "for"), "for")
                        : parse_instant(params::string(p, "until"), "until");
    auto done = ctx.alarms.snooze(named_entries(ctx, p), until, ctx.now);
    return {{"alarms", entry_list(done)}, {"until", format_instant(until)}};
}

Result alarm_next(Context& ctx, const Json& p) {
    size_t limit = list_limit(p, 1);
    std::vector<LedgerEntry> entries;
    if (auto id = params::opt_integer(p, "event_id")) {
        auto e = ctx.store.get(*id);
        if (!e || !can_see(ctx, *e)) no_such_event(*id, "event_id");
        if (!e->alarms.empty()) require_fixed_date(*e, "event_id");
        entries = ctx.alarms.pending_of(*id);
        if (entries.size() > limit) entries.resize(limit);
    } else {
        // Filtered in the query, before the limit: others' alarms must not crowd out the
        // caller's.
        entries = ctx.alarms.upcoming(limit, view_scope(caller_of(ctx)));
    }
    Json list = entry_list(entries);
    for (size_t i = 0; i < entries.size(); ++i) {
        list[i]["fires_at"] = format_instant(entries[i].snooze_until.value_or(entries[i].due));
        // The event's status, for herald next to mark a tentative one as list does.
        if (auto e = ctx.store.get(entries[i].event_id)) list[i]["status"] = to_string(e->status);
    }
    return {{"alarms", list}};
}

Result alarm_missed(Context& ctx, const Json& p) {
    std::string since = params::opt_string(p, "since");
    Instant from = since.empty() ? Instant{} : parse_instant(since, "since");
    auto entries = ctx.alarms.missed(from, list_limit(p, kMaxList), view_scope(caller_of(ctx)));
    return {{"alarms", entry_list(entries)}};
}

}  // namespace herald::handlers
