#pragma once
/// The candidate events of one listing request, window after window, read in time order from the
/// store's listing rows (daemon/store.hpp, ListRow): each row is read from SQLite once per request
/// and each event decoded once, from its brief row unless the listing needs whole events.

#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/agenda_json.hpp"
#include "core/event.hpp"
#include "daemon/store.hpp"

namespace herald {

/// A place in a listing's (begin, id) order: the occurrences at or after it.
struct ListPosition {
    Instant begin{};
    int64_t id = 0;
    /// Order by begin, then id.
    friend auto operator<=>(const ListPosition&, const ListPosition&) = default;
};

/// How far the viewer's zone moves a zone-less span near a window: its occurrences begin at
/// most `east` seconds before the span's UTC reading and end at most `west` after it (the
/// greatest eastern and western UTC offsets there). kZoneSlack both ways: any zone.
struct ZoneReach {
    int64_t east = kZoneSlack;
    int64_t west = kZoneSlack;
};

/// The reach of `viewer` around [from, to) (kZoneSlack when its offsets there are not known).
ZoneReach zone_reach(const date::time_zone* viewer, Instant from, Instant to);

/// The one occurrence of an event that does not recur, as its listing row keeps it encoded
/// (ListRow::shown): a listing authorizes, orders and writes it without decoding the event.
struct ShownRow {
    int64_t lo = 0, hi = 0;  ///< its span (zone-less: its local bounds read in UTC)
    bool floating = false;   ///< all-day: the viewer's zone places it
    int64_t id = 0;
    int64_t owner = -1;
    bool is_public = false;
    BriefParts parts;  ///< its brief text less what depends on the viewer
};

/// The instants of `r`'s occurrence for `viewer`: its span, or for a zone-less one its local
/// bounds in the viewer's zone (as event_span reads an all-day event).
Span shown_span(const ShownRow& r, const date::time_zone* viewer);

/// Reads the candidates of successive windows of one request; windows never move backwards.
class WindowReader {
  public:
    /// `whole`: candidates are whole events (the reply writes them, or a text filter reads their
    /// description); otherwise brief ones, as the listing rows hold them. `shown` (not with
    /// `whole`): the rows that keep their occurrence encoded come as ShownRow, not as events.
    WindowReader(Store& store, bool whole, bool shown = false)
        : store_(store), whole_(whole), use_shown_(shown && !whole) {}

    /// One window's candidates.
    struct Candidates {
        std::vector<const Event*> events;
        /// With `shown`: the encoded occurrences among them, each once, in row order (their
        /// events are not in `events`). Pointers valid for the reader's life.
        std::vector<const ShownRow*> shown;
        /// Set when the window was cut short: its events hold every occurrence before `cut` in
        /// (begin, id) order, not necessarily those at or after it.
        std::optional<ListPosition> cut;
    };
    /// Every event that may have an occurrence overlapping [from, to) in any viewer zone (a
    /// superset), each once; the pointers stay valid for the reader's life. `from` must not be
    /// before an earlier call's.
    std::vector<const Event*> window(Instant from, Instant to);
    /// The same for a viewer of `reach`, leaving out the events that cannot have an occurrence at
    /// or after `resume` (given: a later slice of a listing, where occurrences before it are
    /// listed already; its begin not before `from` nor an earlier call's), and cut short after
    /// about `cap` listing rows at or after `resume` (else `from`): a slice's work then follows
    /// what a page can take, not how many events share one day or one instant.
    Candidates window(Instant from, Instant to, const ZoneReach& reach,
                      std::optional<ListPosition> resume, size_t cap);
    /// Listing rows read from the store so far (each once).
    size_t rows_read() const { return rows_read_; }
    /// Events decoded or read so far (each once).
    size_t events_read() const { return events_.size(); }
    /// Encoded occurrences taken so far (each once).
    size_t shown_read() const { return shown_.size(); }

  private:
    /// A listing row kept while later windows may still need it.
    struct Row {
        int64_t lo, hi, id;
        bool floating;
        bool has_shown;  ///< the row keeps its occurrence encoded (ListRow::shown)
        bool single;     ///< the row is the one occurrence of an event that does not recur
        std::string brief;
        std::string shown;  ///< ListRow::shown until shown_of() moves it into shown_
        int64_t shown_at;
        int64_t owner;
        bool is_public;
    };
    /// Reads the rows with lo < lo_end not read yet (none with hi < min_hi: no later window
    /// needs them), `batches` reads of the store at most; true once every such row is read.
    bool read_to(int64_t lo_end, int64_t min_hi, size_t batches = SIZE_MAX);
    /// The event `id` (decoded from `brief` unless whole events are needed, or `brief` is null
    /// or empty); nullptr if it is gone.
    const Event* event_of(int64_t id, const std::string* brief);
    /// The encoded occurrence of row `r`; nullptr when this window has it already.
    const ShownRow* shown_of(Row& r);

    Store& store_;
    bool whole_;
    bool use_shown_;
    std::deque<Row> rows_;  ///< read, in (lo, row) order
    int64_t after_lo_ = std::numeric_limits<int64_t>::min(), after_row_ = -1;  ///< the last read
    int64_t read_to_ = std::numeric_limits<int64_t>::min();  ///< every row with lo below is read
    size_t rows_read_ = 0;
    struct Entry {
        Event event;
        bool found = true;
        uint64_t stamp = 0;  ///< the window() call that last returned it
    };
    std::unordered_map<int64_t, Entry> events_;  ///< node-based: addresses stay valid
    struct ShownEntry {
        ShownRow row;
        uint64_t stamp = 0;  ///< the window() call that last returned it
    };
    std::unordered_map<int64_t, ShownEntry> shown_;  ///< node-based too
    uint64_t stamp_ = 0;
};

}  // namespace herald
