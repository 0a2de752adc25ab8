// calendar.import and calendar.export (docs/protocol.md).
#include <algorithm>
#include <chrono>
#include <memory>
#include <limits>
#include <optional>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include "core/agenda.hpp"
#include "core/ical_export.hpp"
#include "core/ical_import.hpp"
#include "daemon/alarm_store.hpp"
#include "daemon/authz.hpp"
#include "daemon/handlers.hpp"
#include "daemon/params.hpp"
#include "daemon/session.hpp"
#include "daemon/store.hpp"
#include "daemon/work_budget.hpp"

namespace herald::handlers {
namespace {

// Why 64 KiB parts: a part is copied and JSON-encoded in one piece of the thread, about 5 ms
// for 64 KiB in a Debug build (a 1 MiB part took 50-100 ms); a 15 MB export of 100,000 events
// is then some 240 requests, a fraction of a second of round trips.
constexpr size_t kExportPart = 64 * 1024;

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
    auto [mine, all] = ctx.state.buffered_imports(ctx.peer.uid);
    const size_t per_uid = ctx.settings.max_import_bytes, total = 2 * per_uid;
    if (mine + more <= per_uid && all + more <= total) return;
    ctx.session.scratch().import_buffer.clear();
    ctx.session.scratch().import_buffer.shrink_to_fit();
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
    std::string& buffer = ctx.session.scratch().import_buffer;
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

/// Counts of what an import stored.
struct ImportCounts {
    size_t added = 0, updated = 0, unchanged = 0;
};

/// Shares one page-cache boost among the imports running at once: a big calendar's inserts land
/// all over the uid index and the R*Tree, and with the default 2 MiB cache each one rereads pages
/// it evicted a moment ago (the import stops being linear). Why shared: two boosts would restore
/// each other's sizes in the wrong order.
std::shared_ptr<sql::CacheBoost> import_cache(sql::Db& db, size_t events) {
    static std::weak_ptr<sql::CacheBoost> shared;
    if (auto boost = shared.lock()) return boost;
    auto boost = std::make_shared<sql::CacheBoost>(
        db, static_cast<int64_t>(std::clamp<size_t>(events * 4, 2048, kImportCacheKiB)));
    shared = boost;
    return boost;
}

/// One calendar.import run in slices (Result::later): the text is parsed step by step
/// (IcalImporter), then its events are stored a slice at a time, each slice one savepoint of the
/// group commit's batch, which Server::serve commits every 100 ms or another client's write
/// commits sooner (docs/protocol.md, "calendar.import").
class ImportJob {
  public:
    /// Prepares to import `text`, which must outlive the job.
    explicit ImportJob(std::string_view text) : importer_(text) {}

    /// Runs one slice; the reply once the whole calendar is read and stored.
    std::optional<Result> run_slice(Context& ctx, Earlier earlier) {
        if (earlier == Earlier::lost) stop_lost(ctx.store.db().last_commit_failure());
        if (earlier == Earlier::committed) stored_ = counts_;
        // One slice holds the thread for one piece of work (kWorkPiece), as a listing page does.
        const WorkBudget work(ctx.work_clock, kWorkPiece);
        if (!parsed_) {
            bool done = false;
            while (!done && !work.spent()) done = importer_.step();
            if (!done) return std::nullopt;
            parsed_ = importer_.finish();
            problems_ = std::move(parsed_->problems);
            cache_ = import_cache(ctx.store.db(), parsed_->events.size());
            return std::nullopt;
        }
        store_some(ctx, work);
        if (next_ < parsed_->events.size()) return std::nullopt;
        return finish(ctx);
    }

  private:
    /// Stores events until `work` is spent in one (nested) transaction: a slice is stored whole
    /// or not at all.
    void store_some(Context& ctx, const WorkBudget& work) {
        sql::Transaction tx(ctx.store.db());
        // Each component passes the rule of event.add/event.update (authz.hpp); the quota counts
        // what is stored now, this import's earlier slices and any other import's included.
        int64_t owned = owned_count(ctx);
        auto may_write = [&](const Event& next, const Event* existing) {
            require_write(ctx, next, existing, owned);
            if (!existing) ++owned;
        };
        ImportCounts slice = counts_;
        std::vector<IcalProblem> vetoed;
        size_t i = next_;
        for (; i < parsed_->events.size(); ++i) {
            if ((i - next_) % 8 == 7 && work.spent()) break;
            Event& e = parsed_->events[i];
            e.owner = ctx.peer.uid;
            std::string uid = e.uid;  // for the error line: upsert() takes `e`
            try {
                auto r = ctx.store.upsert(std::move(e), ctx.now, may_write);
                (r == Store::Upsert::added     ? slice.added
                 : r == Store::Upsert::updated ? slice.updated
                                               : slice.unchanged)++;
            } catch (const HeraldError& err) {
                if (err.code() == ErrorCode::storage_error) stop_failed(err);
                vetoed.push_back({parsed_->lines[i], uid, err.what(), err.field()});
            }
        }
        tx.commit();
        counts_ = slice;
        next_ = i;
        for (auto& v : vetoed) problems_.push_back(std::move(v));
    }

    /// The reply, and the one change message of the whole import.
    Result finish(Context& ctx) {
        const IcalImport& parsed = *parsed_;
        if (counts_.added + counts_.updated > 0)
            ctx.alarms.imported(ctx.peer.uid, counts_.added, counts_.updated, ctx.now);
        spdlog::info("calendar.import: {} added, {} updated, {} unchanged, {} errors, {} warnings",
                     counts_.added, counts_.updated, counts_.unchanged,
                     problems_.size() + parsed.problems_dropped,
                     parsed.warnings.size() + parsed.warnings_dropped);
        Json errors = Json::array(), warnings = Json::array();
        for (const auto& pr : problems_) errors.push_back(problem_json(pr));
        for (const auto& w : parsed.warnings) warnings.push_back(problem_json(w));
        return Json{{"added", counts_.added},
                    {"updated", counts_.updated},
                    {"unchanged", counts_.unchanged},
                    {"events", parsed.components},
                    {"skipped", parsed.skipped},
                    {"errors", errors},
                    {"errors_not_listed", parsed.problems_dropped},
                    {"warnings", warnings},
                    {"warnings_not_listed", parsed.warnings_dropped}};
    }

    /// What was stored before a failure, for its error message.
    std::string stored_so_far() const {
        return std::to_string(stored_.added) + " added, " + std::to_string(stored_.updated) +
               " updated, " + std::to_string(stored_.unchanged) + " unchanged";
    }

    /// Ends the import when a slice could not be stored (its transaction rolled back).
    [[noreturn]] void stop_failed(const HeraldError& err) const {
        throw HeraldError(ErrorCode::storage_error,
                          std::string(err.what()) +
                              "; the import stopped: stored before it: at least " +
                              stored_so_far() + "; run the import again to store the rest");
    }

    /// Ends the import when the commit of its previous slice failed (that slice is lost), naming
    /// the commit's reason (such as a full disk: the one thing the user can act on).
    [[noreturn]] void stop_lost(const std::string& reason) const {
        throw HeraldError(ErrorCode::storage_error,
                          "a commit failed (" + (reason.empty() ? "no reason given" : reason) +
                              ") and the import stopped: stored before it: at least " +
                              stored_so_far() + "; run the import again to store the rest");
    }

    IcalImporter importer_;
    std::optional<IcalImport> parsed_;
    std::vector<IcalProblem> problems_;  ///< the parser's errors, then the vetoed components
    std::shared_ptr<sql::CacheBoost> cache_;
    size_t next_ = 0;      ///< the next event to store
    ImportCounts counts_;  ///< stored by the slices run so far
    ImportCounts stored_;  ///< of those, known to be committed (all but the last slice)
};

/// Which events calendar.export writes.
struct ExportFilter {
    Instant from{Seconds{std::numeric_limits<int32_t>::min()}};
    Instant to{date::sys_days{date::year{9999} / 12 / 31}};
    bool windowed = false;
    std::string category;
};

/// One calendar.export run in slices (Result::later), each within one piece of work
/// (kWorkPiece): the caller's events are read a page at a time in id order, then noted and
/// written a part at a time by IcalExporter; the text is then sent in parts as before. Why
/// sliced: a 100,000-event export costs the one thread a second or more. Events written by
/// others meanwhile are in it or not, each event once, as it was when its page was read.
/// A windowed export reads only the window's candidates: every series (through its index: a
/// series is exported when it starts before `to`, see in_range) and then the window's other
/// events from the window index, part of the window at a time, as the agenda does.
class ExportJob {
  public:
    /// Prepares an export of what `filter` selects, stamped with `now`.
    ExportJob(ExportFilter filter, Instant now)
        : filter_(std::move(filter)), now_(now), at_(filter_.from) {}

    /// Runs one slice; the reply (its first part) once the whole text is written.
    std::optional<Result> run_slice(Context& ctx) {
        const WorkBudget work(ctx.work_clock, kWorkPiece);
        while (!read_all_ && !work.spent()) {
            if (!filter_.windowed)
                read_page(ctx);
            else if (!series_read_)
                read_series_page(ctx);
            else
                read_window_part(ctx);
        }
        if (!read_all_) return std::nullopt;
        if (!exporter_) {
            // The window's events came part by part: in id order, as the whole export's.
            if (filter_.windowed)
                std::sort(events_.begin(), events_.end(),
                          [](const Event& a, const Event& b) { return a.id < b.id; });
            exporter_.emplace(events_, now_);
        }
        if (!written_) {
            for (size_t n = 0; exporter_->note_next();)
                if (++n % 16 == 0 && work.spent()) return std::nullopt;
            for (size_t n = 0; exporter_->write_next(text_);)
                if (++n % 16 == 0 && work.spent()) return std::nullopt;
            written_ = true;
            exported_ = events_.size();
        }
        // Why freed in slices too: 100,000 events and the exporter's maps take about 100 ms to
        // free, one piece the loop could not cut.
        for (size_t n = 0; exporter_->release_next() || !events_.empty();) {
            if (!events_.empty()) events_.pop_back();
            if (++n % 64 == 0 && work.spent()) return std::nullopt;
        }
        return reply(ctx);
    }

  private:
    // Why 128: a page is decoded in about a millisecond, so the budget is checked often.
    static constexpr size_t kPage = 128;

    /// Reads the next page of events, keeping those the caller may see that the filter selects.
    void read_page(Context& ctx) {
        std::vector<Event> page = ctx.store.after(last_id_, kPage);
        read_all_ = page.size() < kPage;
        if (!page.empty()) last_id_ = page.back().id;
        for (auto& e : page) keep_if_selected(ctx, std::move(e));
    }

    /// Reads the next page of recurring events (windowed exports).
    void read_series_page(Context& ctx) {
        std::vector<Event> page = ctx.store.series_after(last_id_, kPage);
        series_read_ = page.size() < kPage;
        if (!page.empty()) last_id_ = page.back().id;
        for (auto& e : page) {
            taken_.insert(e.id);
            keep_if_selected(ctx, std::move(e));
        }
    }

    /// Reads the non-recurring candidates of the next part of the window (windowed exports).
    /// Why parts that grow and shrink: one slice reads about as many events in a sparse year as
    /// in a busy day. An event spanning parts comes again and is kept once.
    void read_window_part(Context& ctx) {
        Instant end = filter_.to - at_ <= part_ ? filter_.to : at_ + part_;
        std::vector<Event> found = ctx.store.in_window(at_, end);
        for (auto& e : found) {
            // Series were all read before (one that became a series since is left out).
            if (!e.rrule.empty() || !e.rdates.empty() || !taken_.insert(e.id).second) continue;
            keep_if_selected(ctx, std::move(e));
        }
        at_ = end;
        read_all_ = at_ >= filter_.to;
        if (found.size() < kPage / 2)
            part_ *= 2;
        else if (found.size() > kPage * 4 && part_ > Seconds{3600})
            part_ /= 2;
    }

    /// Keeps `e` when the caller may see it and the filter selects it.
    void keep_if_selected(Context& ctx, Event&& e) {
        if (!can_see(ctx, e)) return;
        if (!filter_.category.empty() && std::find(e.categories.begin(), e.categories.end(),
                                                   filter_.category) == e.categories.end())
            return;
        if (filter_.windowed && !in_range(e, filter_.from, filter_.to)) return;
        events_.push_back(std::move(e));
    }

    /// The first part of the text (all of it up to kExportPart); the rest stays for {offset} calls.
    Result reply(Context& ctx) {
        Json out;
        if (text_.size() <= kExportPart) {
            out = {{"ics", text_}, {"offset", 0}, {"size", text_.size()}, {"more", false}};
        } else {
            std::string& kept = ctx.session.scratch().export_text;
            kept = std::move(text_);
            out = export_part(kept, 0);
        }
        out["events"] = exported_;
        return out;
    }

    ExportFilter filter_;
    Instant now_;
    std::vector<Event> events_;  ///< what is exported, in id order
    int64_t last_id_ = 0;        ///< the last id read (of all events, or of the series)
    bool read_all_ = false;
    bool series_read_ = false;            ///< windowed: every series is read
    std::unordered_set<int64_t> taken_;   ///< windowed: the ids read so far
    Instant at_{};                        ///< windowed: where the next part of the window starts
    Seconds part_{std::chrono::days{1}};  ///< windowed: the length of the next part
    std::optional<IcalExporter> exporter_;
    std::string text_;
    bool written_ = false;  ///< the whole text is written (events_ is being freed)
    size_t exported_ = 0;   ///< events in the text
};

}  // namespace

Result calendar_import(Context& ctx, const Json& p) {
    Json progress;
    auto text = take_text(ctx, p, progress);
    if (!text) return progress;
    // Why leave the text in the connection's buffer: the import budget (check_buffer_budget)
    // keeps counting it while the import runs, and no chunk can arrive meanwhile (the
    // connection's next request waits for this one).
    SessionScratch* scratch = &ctx.session.scratch();
    scratch->import_buffer = std::move(*text);
    auto job = std::make_shared<ImportJob>(scratch->import_buffer);
    return Result::later([job, scratch](Context& c, Earlier earlier) {
        auto release = [scratch] {
            scratch->import_buffer.clear();
            scratch->import_buffer.shrink_to_fit();
        };
        try {
            auto done = job->run_slice(c, earlier);
            if (done) release();
            return done;
        } catch (...) {
            release();  // a failed import leaves no chunk behind: the next one starts afresh
            throw;
        }
    });
}

Result calendar_export(Context& ctx, const Json& p) {
    if (p.contains("offset")) {
        if (ctx.session.scratch().export_text.empty())
            bad_param("offset",
                      "no export in progress on this connection; call calendar.export without "
                      "offset first");
        auto offset = params::integer(p, "offset");
        if (offset < 0) bad_param("offset", "offset must not be negative");
        return export_part(ctx.session.scratch().export_text, static_cast<size_t>(offset));
    }
    ExportFilter filter;
    std::string from_text = params::opt_string(p, "from"), to_text = params::opt_string(p, "to");
    if (!from_text.empty()) filter.from = parse_instant(from_text, "from");
    if (!to_text.empty()) filter.to = parse_instant(to_text, "to");
    if (filter.to <= filter.from) bad_time("to", "to must be after from");
    filter.windowed = !from_text.empty() || !to_text.empty();
    filter.category = params::opt_string(p, "category");
    auto job = std::make_shared<ExportJob>(std::move(filter), ctx.now);
    return Result::later([job](Context& c, Earlier) { return job->run_slice(c); });
}

}  // namespace herald::handlers
