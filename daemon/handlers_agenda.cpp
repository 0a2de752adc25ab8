#include "core/agenda.hpp"
#include "core/anniversary.hpp"
#include "core/event_json.hpp"
#include "daemon/authz.hpp"
#include "daemon/handlers.hpp"
#include "daemon/params.hpp"
#include "daemon/store.hpp"

namespace herald::handlers {
namespace {

// Why a cap: an agenda over centuries of a daily event would build an unbounded reply.
constexpr int64_t kMaxLimit = 100000;

/// What a listing shows of an event (`brief`): the rest (description, alarms, rules, bookkeeping)
/// is left out, which roughly halves the reply of a long agenda.
Json brief_json(const Event& e) {
    return Json{{"id", e.id},
                {"title", e.title},
                {"status", to_string(e.status)},
                {"location", e.location},
                {"start", format_caltime(e.start)},
                {"end", e.end ? Json(format_caltime(*e.end)) : Json(nullptr)},
                {"tz", e.start.tz},
                {"precision", to_string(e.start.precision)},
                {"all_day", e.start.precision == Precision::day},
                {"recurring", !e.rrule.empty() || !e.rdates.empty()}};
}

Json occurrence_json(const Occurrence& occ, bool brief) {
    Json j = brief ? brief_json(*occ.event) : to_json(*occ.event);
    j["occurrence_start"] = format_instant(occ.begin);
    j["occurrence_end"] = format_instant(occ.end);
    j["occurrence_local"] = format_caltime(occ.start);
    // Anniversary titles: {n}/{ordinal} become the years since the first occurrence.
    if (auto expanded = expand_title(occ.event->title, occ.event->start, occ.start); expanded.n) {
        j["title"] = expanded.title;
        j["n"] = *expanded.n;
    }
    return j;
}

}  // namespace

Json agenda(Context& ctx, const Json& p) {
    AgendaQuery q;
    q.from = parse_instant(params::string(p, "from"), "from");
    q.to = parse_instant(params::string(p, "to"), "to");
    if (q.to <= q.from) bad_time("to", "to must be after from");
    std::string tz = params::opt_string(p, "tz");
    q.viewer = find_zone(tz.empty() ? "UTC" : tz, "tz");
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
    bool brief = params::opt_bool(p, "brief", false);

    std::vector<Event> candidates = ctx.store.in_window(q.from, q.to);
    if (q.include_undated)
        for (auto& e : ctx.store.undated()) candidates.push_back(std::move(e));
    std::erase_if(candidates, [&](const Event& e) { return !can_see(ctx, e); });
    Agenda a = build_agenda(candidates, q);

    Json out{{"from", format_instant(q.from)}, {"to", format_instant(q.to)},
             {"tz", q.viewer->name()},         {"total", a.total},
             {"truncated", a.truncated},       {"occurrences", Json::array()},
             {"imprecise", Json::array()},     {"undated", Json::array()}};
    for (const auto& occ : a.dated) out["occurrences"].push_back(occurrence_json(occ, brief));
    for (const auto* e : a.imprecise) out["imprecise"].push_back(to_json(*e));
    for (const auto* e : a.undated) out["undated"].push_back(to_json(*e));
    return out;
}

}  // namespace herald::handlers
