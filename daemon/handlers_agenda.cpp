#include "core/agenda.hpp"
#include "core/agenda_json.hpp"
#include "core/event_json.hpp"
#include "core/protocol.hpp"
#include "core/undated_window.hpp"
#include "daemon/authz.hpp"
#include "daemon/handlers.hpp"
#include "daemon/params.hpp"
#include "daemon/store.hpp"

namespace herald::handlers {
namespace {

// Why a cap: an agenda over centuries of a daily event would build an unbounded reply.
constexpr int64_t kMaxLimit = 100000;

/// A window bound: an RFC 3339 instant, or a local date or date-time read in the viewer's zone
/// (its first moment), so a client can ask for "30 days from 23 November" without a zone database.
Instant read_bound(const Json& p, const char* key, const date::time_zone* viewer) {
    std::string text = params::string(p, key);
    if (auto iso = parse_iso(text, key); iso && !iso->offset)
        return span_of({iso->value.precision, iso->value.local, {}}, viewer).begin;
    return parse_instant(text, key);
}

AgendaQuery read_query(const Json& p) {
    AgendaQuery q;
    std::string tz = params::opt_string(p, "tz");
    q.viewer = find_zone(tz.empty() ? "UTC" : tz, "tz");
    q.from = read_bound(p, "from", q.viewer);
    q.to = read_bound(p, "to", q.viewer);
    if (q.to <= q.from) bad_time("to", "to must be after from");
    q.text = params::opt_string(p, "text");
    q.category = params::opt_string(p, "category");
    if (std::string status = params::opt_string(p, "status"); !status.empty()) {
        if (status == "confirmed")
            q.status = Status::confirmed;
        else if (status == "tentative")
            q.status = Status::tentative;
        else if (status == "cancelled")
            q.status = Status::cancelled;
        else
            bad_param("status", "status must be confirmed, tentative or cancelled");
    }
    auto limit = params::opt_integer(p, "limit").value_or(kMaxLimit);
    auto offset = params::opt_integer(p, "offset").value_or(0);
    if (limit < 1 || limit > kMaxLimit)
        bad_param("limit", "limit must be between 1 and " + std::to_string(kMaxLimit));
    if (offset < 0) bad_param("offset", "offset must not be negative");
    q.limit = static_cast<size_t>(limit);
    q.offset = static_cast<size_t>(offset);
    q.include_undated = params::opt_bool(p, "undated", true);
    return q;
}

Json events_json(const std::vector<const Event*>& events) {
    Json out = Json::array();
    for (const auto* e : events) out.push_back(to_json(*e));
    return out;
}

/// The brief agenda as text: the same object as the whole one, occurrences written directly.
std::string brief_text(const Agenda& a, const AgendaQuery& q) {
    std::string out = "{\"from\":";
    append_json_string(out, format_instant(q.from));
    out += ",\"imprecise\":" + events_json(a.imprecise).dump() + ",\"occurrences\":[";
    out.reserve(out.size() + a.dated.size() * 512);
    for (const auto& occ : a.dated) {
        append_brief_occurrence(out, occ, q.viewer);
        out += ',';
    }
    if (out.back() == ',') out.pop_back();
    out += "],\"to\":";
    append_json_string(out, format_instant(q.to));
    out += ",\"total\":" + std::to_string(a.total) +
           ",\"truncated\":" + (a.truncated ? "true" : "false") + ",\"tz\":";
    append_json_string(out, q.viewer->name());
    out += ",\"undated\":" + events_json(a.undated).dump() + "}";
    return out;
}

}  // namespace

Result agenda(Context& ctx, const Json& p) {
    AgendaQuery q = read_query(p);
    // Without an explicit `undated`, "to be announced" events go only to windows reaching today.
    if (auto u = p.find("undated"); u == p.end() || u->is_null())
        q.include_undated = undated_belongs(q.to, ctx.now, q.viewer);
    bool brief = params::opt_bool(p, "brief", false);

    std::vector<Event> candidates = ctx.store.in_window(q.from, q.to);
    if (q.include_undated)
        for (auto& e : ctx.store.undated()) candidates.push_back(std::move(e));
    std::erase_if(candidates, [&](const Event& e) { return !can_see(ctx, e); });
    Agenda a = build_agenda(candidates, q);
    if (brief) return Result::encoded(brief_text(a, q));

    Json out{{"from", format_instant(q.from)},
             {"to", format_instant(q.to)},
             {"tz", q.viewer->name()},
             {"total", a.total},
             {"truncated", a.truncated},
             {"occurrences", Json::array()},
             {"imprecise", events_json(a.imprecise)},
             {"undated", events_json(a.undated)}};
    for (const auto& occ : a.dated) out["occurrences"].push_back(occurrence_json(occ));
    return out;
}

}  // namespace herald::handlers
