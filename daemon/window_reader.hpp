#pragma once
/// The candidate events of one listing request, window after window, read in time order from the
/// store's listing rows (daemon/store.hpp, ListRow): each row is read from SQLite once per request
/// and each event decoded once, from its brief row unless the listing needs whole events.

#include <cstdint>
#include <deque>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/event.hpp"
#include "daemon/store.hpp"

namespace herald {

/// Reads the candidates of successive windows of one request; windows never move backwards.
class WindowReader {
  public:
    /// `whole`: candidates are whole events (the reply writes them, or a text filter reads their
    /// description); otherwise brief ones, as the listing rows hold them.
    WindowReader(Store& store, bool whole) : store_(store), whole_(whole) {}

    /// Every event that may have an occurrence overlapping [from, to) in any viewer zone (a
    /// superset), each once; the pointers stay valid for the reader's life. `from` must not be
    /// before an earlier call's.
    std::vector<const Event*> window(Instant from, Instant to);
    /// Listing rows read from the store so far (each once).
    size_t rows_read() const { return rows_read_; }
    /// Events decoded or read so far (each once).
    size_t events_read() const { return events_.size(); }

  private:
    /// A listing row kept while later windows may still need it.
    struct Row {
        int64_t lo, hi, id;
        bool floating;
        std::string brief;
    };
    /// Reads the rows with lo < lo_end not read yet (none with hi < min_hi: no later window
    /// needs them).
    void read_to(int64_t lo_end, int64_t min_hi);
    /// The event `id` (decoded from `brief` unless whole events are needed, or `brief` is null);
    /// nullptr if it is gone.
    const Event* event_of(int64_t id, const std::string* brief);

    Store& store_;
    bool whole_;
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
    uint64_t stamp_ = 0;
};

}  // namespace herald
