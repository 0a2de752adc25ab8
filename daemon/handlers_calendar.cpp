// calendar.import and calendar.export (docs/protocol.md).
#include <algorithm>
#include <limits>
#include <optional>

#include <spdlog/spdlog.h>

#include "core/agenda.hpp"
#include "core/ical_export.hpp"
#include "core/ical_import.hpp"
#include "daemon/alarm_store.hpp"
#include "daemon/authz.hpp"
#include "daemon/handlers.hpp"
#include "daemon/params.hpp"
#include "daemon/store.hpp"

namespace herald::handlers {
namespace {

// Why 1 MiB parts: each reply stays well under the per-client outgoing queue limit (4 MiB).
constexpr size_t kExportPart = 1024 * 1024;

Json problem_json(const IcalProblem& p) {
    Json j{{"line", p.line}, {"reason", p.reason}};
    if (!p.uid.empty()) j["uid"] = p.uid;
    if (!p.property.empty()) j["property"] = p.property;
    return j;
}

/// Refuses a chunk that would take the import chunks buffered by the caller's uid over all its
/// connections past max_import_bytes, or those of everyone past twice that. Why: the per-
/// connection limit alone let 4 connections hold 4 imports' worth, 64 per uid in system mode.
void check_buffer_budget(Context& ctx, size_t more) {
    if (!ctx.state.buffered_imports) return;
    auto [mine, all] = ctx.state.buffered_imports(ctx.peer.uid);
    const size_t per_uid = ctx.settings.max_import_bytes, total = 2 * per_uid;
    if (mine + more <= per_uid && all + more <= total) return;
    ctx.scratch->import_buffer.clear();
    ctx.scratch->import_buffer.shrink_to_fit();
    throw HeraldError(ErrorCode::too_large,
                      mine + more > per_uid
                          ? "your imports in progress on all connections would buffer more than " +
                                std::to_string(per_uid) +
                                " bytes (heraldd --max-import); finish one before sending another; "
                                "this connection's chunks are discarded"
                          : "imports in progress would buffer more than " + std::to_string(total) +
                                " bytes in all (twice heraldd --max-import); try again later; this "
                                "connection's chunks are discarded",
                      "chunk");
}

/// The whole iCalendar text of this request, or nullopt while chunks are still arriving.
std::optional<std::string> take_text(Context& ctx, const Json& p, Json& progress) {
    if (p.contains("ics") == p.contains("chunk"))
        bad_param("ics", "give either ics (the whole file) or chunk (a part)");
    if (ctx.scratch == nullptr) bad_param("chunk", "chunked import needs a connection");
    std::string& buffer = ctx.scratch->import_buffer;
    if (p.contains("ics")) {
        if (!buffer.empty())
            bad_param(
                "ics",
                "a chunked import is in progress on this connection; finish it with final:true");
        std::string text = params::string(p, "ics");
        if (text.size() > ctx.settings.max_import_bytes)
            throw HeraldError(ErrorCode::too_large,
                              "the calendar is larger than " +
                                  std::to_string(ctx.settings.max_import_bytes) + " bytes",
                              "ics");
        return text;
    }
    const Json& chunk = p.at("chunk");
    if (!chunk.is_string())
        bad_param("chunk", "chunk must be a string (part of the iCalendar text)");
    check_buffer_budget(ctx, chunk.get_ref<const std::string&>().size());
    if (buffer.size() + chunk.get_ref<const std::string&>().size() >
        ctx.settings.max_import_bytes) {
        buffer.clear();
        buffer.shrink_to_fit();
        throw HeraldError(
            ErrorCode::too_large,
            "the calendar is larger than " + std::to_string(ctx.settings.max_import_bytes) +
                " bytes (heraldd --max-import); the chunks received so far are discarded",
            "chunk");
    }
    buffer += chunk.get_ref<const std::string&>();
    if (!params::opt_bool(p, "final", false)) {
        progress = {{"received", buffer.size()}, {"final", false}};
        return std::nullopt;
    }
    std::string text = std::move(buffer);
    buffer.clear();
    return text;
}

bool in_range(const Event& e, Instant from, Instant to) {
    if (!e.start.dated()) return false;
    const auto* utc = date::locate_zone("UTC");
    if (!e.rrule.empty() || !e.rdates.empty()) return span_of(e.start, utc).begin < to;
    if (e.start.precision == Precision::year || e.start.precision == Precision::month) {
        Span s = span_of(e.start, utc);
        return s.begin < to && s.end > from;
    }
    auto s = event_span(e, utc);
    return s && s->begin < to && (s->end > from || (s->begin == s->end && s->begin >= from));
}

Json export_part(std::string& text, size_t offset) {
    if (offset > text.size())
        bad_param("offset", "offset is past the end of the export in progress");
    size_t end = std::min(text.size(), offset + kExportPart);
    if (end < text.size())
        end = text.rfind("\r\n", end) + 2;  // whole lines only: never split UTF-8
    Json out{{"ics", text.substr(offset, end - offset)},
             {"offset", offset},
             {"size", text.size()},
             {"more", end < text.size()}};
    if (end < text.size())
        out["next_offset"] = end;
    else
        text.clear();
    return out;
}

}  // namespace

Result calendar_import(Context& ctx, const Json& p) {
    Json progress;
    auto text = take_text(ctx, p, progress);
    if (!text) return progress;
    IcalImport parsed = import_ical(*text);
    text.reset();
    std::vector<IcalProblem> problems = std::move(parsed.problems);
    size_t added = 0, updated = 0, unchanged = 0;
    {
        // One transaction: a storage failure rolls back everything; per-event vetoes skip that
        // event.
        sql::Transaction tx(ctx.store.db());
        // Why a bigger cache: a big calendar's inserts land all over the uid index and the
        // R*Tree; with the default 2 MiB cache each one rereads pages it evicted a moment ago
        // and the import stops being linear (4 KiB per event, at most kImportCacheKiB).
        sql::CacheBoost cache(
            ctx.store.db(), static_cast<int64_t>(std::clamp<size_t>(parsed.events.size() * 4, 2048,
                                                                    kImportCacheKiB)));
        // Each component passes the rule of event.add/event.update (authz.hpp); the quota counts
        // this import's additions as they happen.
        int64_t owned = owned_count(ctx);
        auto may_write = [&](const Event& next, const Event* existing) {
            require_write(ctx, next, existing, owned);
            if (!existing) ++owned;
        };
        for (size_t i = 0; i < parsed.events.size(); ++i) {
            Event& e = parsed.events[i];
            e.owner = ctx.peer.uid;
            std::string uid = e.uid;  // for the error line: upsert() takes `e`
            try {
                auto r = ctx.store.upsert(std::move(e), ctx.now, may_write);
                (r == Store::Upsert::added     ? added
                 : r == Store::Upsert::updated ? updated
                                               : unchanged)++;
            } catch (const HeraldError& err) {
                if (err.code() == ErrorCode::storage_error) throw;
                problems.push_back({parsed.lines[i], uid, err.what(), err.field()});
            }
        }
        if (ctx.alarms && added + updated > 0)
            ctx.alarms->imported(ctx.peer.uid, added, updated, ctx.now);
        tx.commit();
    }
    spdlog::info("calendar.import: {} added, {} updated, {} unchanged, {} errors, {} warnings",
                 added, updated, unchanged, problems.size() + parsed.problems_dropped,
                 parsed.warnings.size() + parsed.warnings_dropped);
    Json errors = Json::array(), warnings = Json::array();
    for (const auto& pr : problems) errors.push_back(problem_json(pr));
    for (const auto& w : parsed.warnings) warnings.push_back(problem_json(w));
    return {{"added", added},
            {"updated", updated},
            {"unchanged", unchanged},
            {"events", parsed.components},
            {"skipped", parsed.skipped},
            {"errors", errors},
            {"errors_not_listed", parsed.problems_dropped},
            {"warnings", warnings},
            {"warnings_not_listed", parsed.warnings_dropped}};
}

Result calendar_export(Context& ctx, const Json& p) {
    if (p.contains("offset")) {
        if (ctx.scratch == nullptr || ctx.scratch->export_text.empty())
            bad_param("offset",
                      "no export in progress on this connection; call calendar.export without "
                      "offset first");
        auto offset = params::integer(p, "offset");
        if (offset < 0) bad_param("offset", "offset must not be negative");
        return export_part(ctx.scratch->export_text, static_cast<size_t>(offset));
    }
    std::string from_text = params::opt_string(p, "from"), to_text = params::opt_string(p, "to");
    Instant from = from_text.empty() ? Instant{Seconds{std::numeric_limits<int32_t>::min()}}
                                     : parse_instant(from_text, "from");
    Instant to = to_text.empty() ? Instant{date::sys_days{date::year{9999} / 12 / 31}}
                                 : parse_instant(to_text, "to");
    if (to <= from) bad_time("to", "to must be after from");
    bool windowed = !from_text.empty() || !to_text.empty();
    std::string category = params::opt_string(p, "category");
    std::vector<Event> events = windowed ? ctx.store.in_window(from, to) : ctx.store.all();
    std::erase_if(events, [&](const Event& e) {
        if (!can_see(ctx, e)) return true;
        if (!category.empty() &&
            std::find(e.categories.begin(), e.categories.end(), category) == e.categories.end())
            return true;
        return windowed && !in_range(e, from, to);
    });
    std::sort(events.begin(), events.end(),
              [](const Event& a, const Event& b) { return a.id < b.id; });
    std::string text = export_ical(events, ctx.now);
    Json out;
    if (text.size() <= kExportPart || ctx.scratch == nullptr) {
        out = {{"ics", text}, {"offset", 0}, {"size", text.size()}, {"more", false}};
    } else {
        ctx.scratch->export_text = std::move(text);
        out = export_part(ctx.scratch->export_text, 0);
    }
    out["events"] = events.size();
    return out;
}

}  // namespace herald::handlers
