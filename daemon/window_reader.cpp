#include "daemon/window_reader.hpp"

#include "core/event_stored.hpp"
#include "core/time.hpp"

namespace herald {
namespace {

// Rows one read asks for: a few ms of a listing's work, a few pages of the table.
constexpr size_t kRowBatch = 256;

int64_t secs(Instant t) {
    return t.time_since_epoch().count();
}

/// True when the row is the one occurrence of an event that does not recur (its brief says
/// "rrule":"" and "rdates":[]), not a span covering several. Why the text: decoding the row is
/// the cost a slice avoids; inside a JSON string a quote is escaped, so these bytes can only be
/// the top-level keys that Store writes for every event.
bool single(const std::string& brief) {
    return brief.find("\"rrule\":\"\"") != std::string::npos &&
           brief.find("\"rdates\":[]") != std::string::npos;
}

}  // namespace

Span shown_span(const ShownRow& r, const date::time_zone* viewer) {
    if (!r.floating) return {Instant{Seconds{r.lo}}, Instant{Seconds{r.hi}}};
    // Why the row's bounds: an all-day span's ends are local midnights, resolved one by one.
    return {resolve_local(LocalTime{Seconds{r.lo}}, viewer),
            resolve_local(LocalTime{Seconds{r.hi}}, viewer)};
}

ZoneReach zone_reach(const date::time_zone* viewer, Instant from, Instant to) {
    // Why three days either side: a row that may overlap the window, or follow a cut in it, has
    // its occurrences within a listing row's length (kShortSpan) plus a zone's reach of it.
    const Seconds margin = date::days{3};
    if (viewer == nullptr) return {};
    auto range = zone_offset_range(viewer, from - margin, to + margin);
    if (!range) return {};
    return {std::max<int64_t>(0, range->second.count()),
            std::max<int64_t>(0, -range->first.count())};
}

bool WindowReader::read_to(int64_t lo_end, int64_t min_hi, size_t batches) {
    for (; read_to_ < lo_end && batches > 0; --batches) {
        // Why rows ending before min_hi may be left out: windows never move backwards, so no
        // later window needs them either.
        std::vector<ListRow> batch =
            store_.list_rows(after_lo_, after_row_, lo_end, min_hi, kRowBatch);
        rows_read_ += batch.size();
        // Why `single` here: a row is a candidate of several windows, and looking at its text
        // each time was a tenth of a listing's time.
        for (auto& r : batch) {
            const bool shown = !r.shown.empty();
            rows_.push_back({r.lo, r.hi, r.id(), r.floating, shown, shown || single(r.brief),
                             std::move(r.brief), std::move(r.shown), r.shown_at, r.owner,
                             r.is_public});
        }
        if (!batch.empty()) after_lo_ = batch.back().lo, after_row_ = batch.back().row;
        if (batch.size() < kRowBatch) read_to_ = lo_end;
    }
    return read_to_ >= lo_end;
}

std::vector<const Event*> WindowReader::window(Instant from, Instant to) {
    return window(from, to, ZoneReach{}, std::nullopt, SIZE_MAX).events;
}

WindowReader::Candidates WindowReader::window(Instant from, Instant to, const ZoneReach& reach,
                                              std::optional<ListPosition> resume, size_t cap) {
    const int64_t f = secs(from), t = secs(to);
    // A short span (at most kShortSpan) overlapping the window starts at most kShortSpan before
    // it, plus kZoneSlack for a zone-less one, which the viewer's zone moves. Why kZoneSlack
    // here and not the viewer's reach: what is kept must do for every later window.
    const int64_t lo_min = f - kZoneSlack - kShortSpan, lo_end = t + reach.east;
    if (read_to_ <= lo_min) {  // nothing read reaches this window: skip to its start
        read_to_ = lo_min;
        after_lo_ = lo_min;
        after_row_ = -1;
    }
    while (!rows_.empty() && rows_.front().lo < lo_min) rows_.pop_front();
    const int64_t resume_at = resume ? secs(resume->begin) : std::numeric_limits<int64_t>::min();
    auto candidate = [&](const Row& r) {
        // A zoned span is exact; a zone-less one lies up to the reach either side.
        bool overlaps =
            r.floating ? r.hi + reach.west >= f && r.lo - reach.east < t : r.hi >= f && r.lo < t;
        if (!overlaps || !resume) return overlaps;
        // A row may hold an occurrence at or after the resume position: none begins after its
        // end (moved by the zone for a zone-less one), and one of a single event is the row.
        const int64_t moved = r.floating ? reach.west : 0;
        if (r.hi + moved < resume_at) return false;
        return !r.single || ListPosition{Instant{Seconds{r.lo + moved}}, r.id} >= *resume;
    };
    // Why rows after the cut are left whole: any occurrence of theirs begins at or after their
    // start less the reach east, and at that instant with an id not below theirs.
    auto position = [&](const Row& r) {
        return ListPosition{Instant{Seconds{r.lo - reach.east}}, r.id};
    };
    const ListPosition floor = resume ? *resume : ListPosition{from, INT64_MIN};
    // Where the cut falls: after `cap` rows at or past the floor, where the position moves on.
    std::optional<size_t> cut_at;
    size_t counted = 0;
    cap = std::max<size_t>(cap, 1);  // a cut after no row would not move the listing on
    ListPosition last{};
    bool all_read = read_to(lo_end, f - kZoneSlack, 1);
    for (size_t i = 0; !cut_at;) {
        if (i == rows_.size()) {
            if (all_read) break;
            all_read = read_to(lo_end, f - kZoneSlack, 1);
            continue;
        }
        const Row& r = rows_[i];
        if (r.lo >= lo_end) break;
        if (candidate(r) && position(r) >= floor) {
            if (counted >= cap && position(r) > last) cut_at = i;
            last = position(r);
            ++counted;
        }
        ++i;
    }
    ++stamp_;
    Candidates out;
    auto add = [&](int64_t id, const std::string* brief) {
        if (const Event* e = event_of(id, brief)) out.events.push_back(e);
    };
    const size_t end = cut_at ? *cut_at : rows_.size();
    for (size_t i = 0; i < end; ++i) {
        Row& r = rows_[i];
        if (r.lo >= lo_end) break;
        if (!candidate(r)) continue;
        if (use_shown_ && r.has_shown) {
            if (const ShownRow* s = shown_of(r)) out.shown.push_back(s);
        } else {
            add(r.id, &r.brief);
        }
    }
    if (cut_at) out.cut = position(rows_[*cut_at]);
    // (An event with an encoded row has no long span: its one span is that row.)
    for (int64_t id : store_.long_span_ids(from, to))
        if (!shown_.contains(id)) add(id, nullptr);
    return out;
}

const ShownRow* WindowReader::shown_of(Row& r) {
    auto [it, added] = shown_.try_emplace(r.id);
    ShownEntry& entry = it->second;
    if (added) {
        ShownRow& s = entry.row;
        s.lo = r.lo, s.hi = r.hi, s.floating = r.floating;
        s.id = r.id, s.owner = r.owner, s.is_public = r.is_public;
        s.parts.text = std::move(r.shown);
        s.parts.split = static_cast<size_t>(r.shown_at & 0xffffffff);
        s.parts.split2 = static_cast<size_t>(r.shown_at >> 32);
        s.parts.instants = r.floating;
    }
    if (entry.stamp == stamp_) return nullptr;  // already listed in this window
    entry.stamp = stamp_;
    return &entry.row;
}

const Event* WindowReader::event_of(int64_t id, const std::string* brief) {
    auto [it, added] = events_.try_emplace(id);
    Entry& entry = it->second;
    if (added) {
        // A row with encoded text has no brief: its event is read by id.
        if (whole_ || !brief || brief->empty()) {
            auto e = store_.get(id);
            entry.found = e.has_value();
            if (e) entry.event = std::move(*e);
        } else {
            entry.event = event_from_stored(*brief);
        }
    }
    if (!entry.found || entry.stamp == stamp_) return nullptr;  // gone, or already listed
    entry.stamp = stamp_;
    return &entry.event;
}

}  // namespace herald
