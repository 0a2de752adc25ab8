#include <algorithm>
#include <cstdio>

#include "core/agenda.hpp"
#include "core/agenda_json.hpp"
#include "core/event_json.hpp"
#include "core/protocol.hpp"
#include "core/undated_window.hpp"
#include "daemon/authz.hpp"
#include "daemon/handlers.hpp"
#include "daemon/params.hpp"
#include "daemon/store.hpp"
#include "daemon/window_reader.hpp"
#include "daemon/work_budget.hpp"

namespace herald::handlers {
namespace {

// Why a cap: a window of centuries over a daily event has millions of occurrences; beyond this
// many a listing is refused with what to narrow, however it is paged.
constexpr int64_t kMaxLimit = kMaxAgendaOccurrences;
// Occurrences one reply carries at most: with the byte budget it keeps each request's work short
// (one thread serves everyone) and each reply well under a client's queue limit.
constexpr size_t kPageOccurrences = kAgendaPageOccurrences;
// Listing rows one slice takes at most (from where the listing stands). Why a quarter of a page:
// the work budget is checked between slices, and a slice of 200 whole events (each read, then
// written twice as JSON) took 60 ms of a loaded Debug build; 50 keep a slice near the budget.
constexpr size_t kSliceRows = kPageOccurrences / 4;

/// Where a page resumes: after the occurrence (begin, id); `seen` were listed before it.
struct Cursor {
    Instant begin{};
    int64_t id = 0;
    size_t seen = 0;
};

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
    q.calendar = params::opt_string(p, "calendar");
    if (std::string status = params::opt_string(p, "status"); !status.empty())
        q.status = parse_status(status);
    auto limit = params::opt_integer(p, "limit").value_or(0);
    auto offset = params::opt_integer(p, "offset").value_or(0);
    if (p.contains("limit") && (limit < 1 || limit > kMaxLimit))
        bad_param("limit", "limit must be between 1 and " + std::to_string(kMaxLimit));
    if (offset < 0 || offset > kMaxLimit)
        bad_param("offset", "offset must be between 0 and " + std::to_string(kMaxLimit));
    q.limit = static_cast<size_t>(limit);
    q.offset = static_cast<size_t>(offset);
    q.include_undated = params::opt_bool(p, "undated", true);
    return q;
}

/// The `cursor` param: "<begin unix seconds>.<event id>.<occurrences listed before>".
std::optional<Cursor> read_cursor(const Json& p) {
    std::string text = params::opt_string(p, "cursor");
    if (text.empty()) return std::nullopt;
    long long begin = 0, id = 0, seen = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%lld.%lld.%lld%c", &begin, &id, &seen, &tail) != 3 || seen < 0 ||
        seen > kMaxLimit)
        bad_param("cursor", "cursor must be a next_cursor from an earlier agenda reply");
    return Cursor{Instant{Seconds{begin}}, id, static_cast<size_t>(seen)};
}

/// One listed occurrence: computed from its event, or kept encoded by its listing row.
struct Listed {
    Occurrence occ;                   ///< begin and end; the event too unless `shown`
    const ShownRow* shown = nullptr;  ///< the encoded occurrence (its event is not decoded)
    /// The event's id.
    int64_t id() const { return shown ? shown->id : occ.event->id; }
};

/// True when an occurrence of `s` overlaps [from, to), as build_agenda decides it for an
/// event's: an instant belongs to the window containing it, a span to every window it touches.
bool overlaps(const Span& s, Instant from, Instant to) {
    if (s.begin == s.end) return from <= s.begin && s.begin < to;
    return s.begin < to && s.end > from;
}

/// True when the rows' encoded occurrences may stand for their events in `q`: a filter reads
/// event fields that they leave out.
bool shown_serves(const AgendaQuery& q) {
    return q.text.empty() && q.category.empty() && q.calendar.empty() && !q.status;
}

std::string format_cursor(const Listed& last, size_t seen) {
    return std::to_string(last.occ.begin.time_since_epoch().count()) + "." +
           std::to_string(last.id()) + "." + std::to_string(seen);
}

[[noreturn]] void over_cap(const AgendaQuery& q) {
    throw HeraldError(ErrorCode::too_large,
                      "the window from " + format_instant(q.from) + " to " + format_instant(q.to) +
                          " holds more than " + std::to_string(kMaxLimit) +
                          " occurrences; narrow it (an earlier --to, fewer --days) or filter it "
                          "(--text, --category, --status)",
                      "to");
}

/// One page of the agenda: the window is expanded in time slices from the cursor on, so the work
/// of a request follows the occurrences it returns, not the length of the window. A page ends at
/// whichever comes first: kPageOccurrences, the byte budget, or the work budget (`work`), which
/// is checked before reading another slice once the page holds an occurrence. Why not within a
/// slice: its events are read whole before any occurrence is taken, so cutting its occurrences
/// short would leave the next page to read it again for a few more; a page takes what the slice
/// it paid for offers (up to the other caps), and every page moves the listing on.
class Pager {
  public:
    /// `whole`: the reply writes whole events (not brief occurrences).
    Pager(Context& ctx, const AgendaQuery& q, std::optional<Cursor> cursor, size_t byte_budget,
          const WorkBudget& work, bool whole)
        : ctx_(ctx),
          q_(q),
          cursor_(cursor),
          budget_(byte_budget),
          work_(work),
          // Why whole events for a text filter: it reads the description and source, which the
          // listing rows leave out. Why encoded rows for a brief listing: most rows then cost
          // copying their bytes, not decoding an event and encoding its occurrence again.
          reader_(ctx.store, whole || !q.text.empty(), !whole && shown_serves(q)) {
        if (cursor_)  // just after the last occurrence listed
            resume_ = cursor_->id < INT64_MAX
                          ? ListPosition{cursor_->begin, cursor_->id + 1}
                          : ListPosition{cursor_->begin + Seconds{1}, INT64_MIN};
    }

    /// Collects the page; `bytes_of` sizes one occurrence as the reply will write it.
    template <class Size>
    void run(Size bytes_of) {
        Instant at = cursor_ ? std::max(q_.from, cursor_->begin) : q_.from;
        Seconds length = date::days{1};
        size_t bytes = 0;
        const size_t before = cursor_ ? cursor_->seen : 0;
        bool first = !cursor_;
        while (at < q_.to && !cut_ && !inexact_) {
            if (!page_.empty() && work_.spent()) {
                cut_ = true;  // the work budget is spent: the next page resumes at the cursor
                break;
            }
            Instant end = q_.to - at <= length ? q_.to : at + length;
            auto [found, cut] = slice(at, end, first);
            first = false;
            for (const auto& occ : found) {
                if (skipped_ < q_.offset) {
                    ++skipped_;
                } else if (q_.limit > 0 && before + page_.size() >= q_.limit) {
                    // Past the client's limit: counted for `total`, not listed, within a budget.
                    if (extra_ == kAgendaCountPastLimit) {
                        inexact_ = true;
                        break;
                    }
                    ++extra_;
                } else if (page_.size() >= kPageOccurrences ||
                           (!page_.empty() && bytes >= budget_)) {
                    cut_ = true;  // the next page resumes at the cursor
                    break;
                } else {
                    bytes += bytes_of(occ);
                    page_.push_back(occ);
                }
            }
            if (listed() > static_cast<size_t>(kMaxLimit)) over_cap(q_);
            // A slice cut short by its rows goes on from its cut, the rest from its end.
            if (cut) {
                at = cut->begin;
                resume_ = *cut;
            } else {
                at = end;
            }
            if (found.size() < kPageOccurrences / 4)
                length *= 2;
            else if (found.size() > kPageOccurrences && length > Seconds{3600})
                length /= 2;
        }
    }

    /// Occurrences listed up to the end of this page (and counted past a `limit`): `total`.
    size_t listed() const {
        return (cursor_ ? cursor_->seen : 0) + skipped_ + page_.size() + extra_;
    }
    const std::vector<Listed>& page() const { return page_; }
    /// False when counting past a `limit` stopped at its budget: `total` is then a lower bound.
    bool total_exact() const { return !inexact_; }
    /// True when occurrences follow this page (on a next page, or past the limit).
    bool more() const { return cut_ || extra_ > 0; }
    /// The cursor of the next page, when this one was cut by the page budget.
    std::optional<std::string> next_cursor() const {
        if (!cut_) return std::nullopt;
        return format_cursor(page_.back(), (cursor_ ? cursor_->seen : 0) + skipped_ + page_.size());
    }
    /// Imprecise events entering the window in the part this page covers (up to the cursor), so
    /// each is listed once over all pages.
    std::vector<const Event*> imprecise() const {
        std::vector<const Event*> out;
        for (const auto& [e, entry] : imprecise_)
            if (!cut_ || entry < page_.back().occ.begin) out.push_back(e);
        return out;
    }

  private:
    /// The dated occurrences beginning in [from, to) in (begin, id) order (in the window's first
    /// slice also those that began before the window and overlap it), from the resume position
    /// on; when the slice's rows were cut short, only those before the cut, which comes with them.
    std::pair<std::vector<Listed>, std::optional<ListPosition>> slice(Instant from, Instant to,
                                                                      bool first) {
        // Why a position: a slice reads only the rows from where the listing stands (the cursor,
        // or the cut of the slice before), and at most about a page of them, however many events
        // share one day or one instant.
        std::optional<ListPosition> resume = resume_;
        if (!first && (!resume || resume->begin < from)) resume = ListPosition{from, INT64_MIN};
        WindowReader::Candidates c =
            reader_.window(from, to, zone_reach(q_.viewer, from, to), resume, kSliceRows);
        std::vector<const Event*>& events = c.events;
        std::erase_if(events, [&](const Event* e) { return !can_see(ctx_, *e); });
        AgendaQuery sq = q_;
        sq.from = from;
        sq.to = to;
        sq.limit = 0;
        sq.offset = 0;
        sq.include_undated = false;
        Agenda a = build_agenda(events, sq);
        // Each imprecise event once: from the part of the window no slice before covered.
        for (const Event* e : a.imprecise)
            if (Instant entry = std::max(span_of(e->start, q_.viewer).begin, q_.from);
                entry >= from && entry >= imprecise_to_)
                imprecise_.push_back({e, entry});
        imprecise_to_ = std::max(imprecise_to_, to);
        auto keep = [&](Instant begin, int64_t id) {
            ListPosition at{begin, id};
            if (!first && begin < from) return false;
            return !((resume && at < *resume) || (c.cut && at >= *c.cut));
        };
        std::vector<Listed> out;
        out.reserve(a.dated.size() + c.shown.size());
        for (const Occurrence& o : a.dated)
            if (keep(o.begin, o.event->id)) out.push_back({o});
        // Why sorted: an all-day row's begin is its row's start moved by the viewer's zone, so
        // rows come in another order than their occurrences.
        for (const ShownRow* r : c.shown) {
            if (!can_see(ctx_, r->owner, r->is_public)) continue;
            Span s = shown_span(*r, q_.viewer);
            if (overlaps(s, from, to) && keep(s.begin, r->id))
                out.push_back({{nullptr, s.begin, s.end, {}}, r});
        }
        if (!c.shown.empty())
            std::sort(out.begin(), out.end(), [](const Listed& x, const Listed& y) {
                return x.occ.begin != y.occ.begin ? x.occ.begin < y.occ.begin : x.id() < y.id();
            });
        return {std::move(out), c.cut};
    }

    Context& ctx_;
    const AgendaQuery& q_;
    std::optional<Cursor> cursor_;
    size_t budget_;
    const WorkBudget& work_;
    size_t skipped_ = 0, extra_ = 0;
    bool cut_ = false;
    bool inexact_ = false;
    std::vector<Listed> page_;
    std::vector<std::pair<const Event*, Instant>> imprecise_;
    Instant imprecise_to_ = Instant::min();  ///< imprecise events entering before are taken
    /// Where the next slice resumes in (begin, id) order: after the client's cursor, or at the
    /// cut of a slice cut short; none before either.
    std::optional<ListPosition> resume_;
    WindowReader reader_;  ///< the slices' events, which occurrences point into
};

Json events_json(const std::vector<const Event*>& events) {
    Json out = Json::array();
    for (const auto* e : events) out.push_back(to_json(*e));
    return out;
}

/// The agenda reply as text, the object nlohmann would write (keys in order), the page's
/// occurrences already encoded (`listed`: each one's text, joined by commas). Why text: encoding a
/// page's occurrences once, while the page is sized, instead of again into a Json tree and its
/// dump.
std::string reply_text(const Pager& pg, const AgendaQuery& q, const std::string& listed,
                       const std::vector<const Event*>& undated_refs) {
    std::string out = "{\"from\":";
    append_json_string(out, format_instant(q.from));
    out += ",\"imprecise\":" + events_json(pg.imprecise()).dump();
    if (auto next = pg.next_cursor()) {
        out += ",\"next_cursor\":";
        append_json_string(out, *next);
    }
    out += ",\"occurrences\":[";
    out.reserve(out.size() + listed.size() + 512);
    out += listed;
    out += "],\"to\":";
    append_json_string(out, format_instant(q.to));
    out += ",\"total\":" + std::to_string(pg.listed()) +
           (pg.total_exact() ? "" : ",\"total_exact\":false") +
           ",\"truncated\":" + (pg.more() ? "true" : "false") + ",\"tz\":";
    append_json_string(out, q.viewer->name());
    out += ",\"undated\":" + events_json(undated_refs).dump() + "}";
    return out;
}

}  // namespace

Result agenda(Context& ctx, const Json& p) {
    AgendaQuery q = read_query(p);
    // Without an explicit `undated`, "to be announced" events go only to windows reaching today.
    if (auto u = p.find("undated"); u == p.end() || u->is_null())
        q.include_undated = undated_belongs(q.to, ctx.now, q.viewer);
    std::optional<Cursor> cursor = read_cursor(p);
    if (cursor && q.offset > 0)
        bad_param("cursor", "cursor continues a listing where a page ended; it takes no offset");
    bool brief = params::opt_bool(p, "brief", false);
    // Why a quarter of the queue limit: a page plus the imprecise and undated events stays well
    // within what one client may have queued (daemon/session.cpp).
    // Why a work budget too: a page of rows that are costly to read (many events in one slice,
    // large ones) would otherwise hold the thread for tens of ms under the byte cap.
    WorkBudget work(ctx.work_clock, kWorkPiece);
    Pager pager(ctx, q, cursor, std::max<size_t>(ctx.settings.max_queue_bytes / 4, 1), work,
                !brief);
    // Each occurrence is encoded once, as the page takes it: its size counts, its text is sent.
    // Why into one string: a string per occurrence was an allocation per listed row.
    std::string listed;
    auto next = [&] {
        if (!listed.empty()) listed += ',';
        return listed.size();
    };
    if (brief)
        pager.run([&](const Listed& l) {
            const size_t at = next();
            if (const ShownRow* r = l.shown) {
                append_brief_parts(listed, r->parts, l.occ.begin, l.occ.end, q.viewer);
            } else {
                append_brief_occurrence(listed, l.occ, q.viewer);
            }
            return listed.size() - at;
        });
    else
        pager.run([&](const Listed& l) {
            const size_t at = next();
            listed += occurrence_json(l.occ).dump();
            return listed.size() - at;
        });

    // Imprecise and undated events come with the first page only.
    std::vector<Event> undated;
    if (q.include_undated && !cursor) {
        undated = ctx.store.undated();
        std::erase_if(undated,
                      [&](const Event& e) { return !can_see(ctx, e) || !matches_filters(e, q); });
    }
    std::vector<const Event*> undated_refs;
    for (const auto& e : undated) undated_refs.push_back(&e);
    return Result::encoded(reply_text(pager, q, listed, undated_refs));
}

}  // namespace herald::handlers
