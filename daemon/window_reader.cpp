#include "daemon/window_reader.hpp"

#include "core/event_stored.hpp"

namespace herald {
namespace {

// Rows one read asks for: a few ms of a listing's work, a few pages of the table.
constexpr size_t kRowBatch = 256;

int64_t secs(Instant t) {
    return t.time_since_epoch().count();
}

}  // namespace

void WindowReader::read_to(int64_t lo_end, int64_t min_hi) {
    while (read_to_ < lo_end) {
        // Why rows ending before min_hi may be left out: windows never move backwards, so no
        // later window needs them either.
        std::vector<ListRow> batch =
            store_.list_rows(after_lo_, after_row_, lo_end, min_hi, kRowBatch);
        rows_read_ += batch.size();
        for (auto& r : batch) rows_.push_back({r.lo, r.hi, r.id(), r.floating, std::move(r.brief)});
        if (!batch.empty()) after_lo_ = batch.back().lo, after_row_ = batch.back().row;
        if (batch.size() < kRowBatch) read_to_ = lo_end;
    }
}

std::vector<const Event*> WindowReader::window(Instant from, Instant to) {
    const int64_t f = secs(from), t = secs(to);
    // A short span (at most kShortSpan) overlapping the window starts at most kShortSpan before
    // it, plus kZoneSlack for a zone-less one, which the viewer's zone moves.
    const int64_t lo_min = f - kZoneSlack - kShortSpan, lo_end = t + kZoneSlack;
    if (read_to_ <= lo_min) {  // nothing read reaches this window: skip to its start
        read_to_ = lo_min;
        after_lo_ = lo_min;
        after_row_ = -1;
    }
    read_to(lo_end, f - kZoneSlack);
    while (!rows_.empty() && rows_.front().lo < lo_min) rows_.pop_front();
    ++stamp_;
    std::vector<const Event*> out;
    auto add = [&](int64_t id, const std::string* brief) {
        if (const Event* e = event_of(id, brief)) out.push_back(e);
    };
    for (const auto& r : rows_) {
        if (r.lo >= lo_end) break;
        // A zoned span is exact; a zone-less one may lie up to kZoneSlack either side.
        bool overlaps = r.floating ? r.hi >= f - kZoneSlack : r.hi >= f && r.lo < t;
        if (overlaps) add(r.id, &r.brief);
    }
    for (int64_t id : store_.long_span_ids(from, to)) add(id, nullptr);
    return out;
}

const Event* WindowReader::event_of(int64_t id, const std::string* brief) {
    auto [it, added] = events_.try_emplace(id);
    Entry& entry = it->second;
    if (added) {
        if (whole_ || !brief) {
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
