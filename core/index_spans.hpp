#pragma once
/// What the store's window index records for an event: one span covering every instance, or, for
/// a sparse series, each instance inside an indexing horizon plus two coarse spans for what lies
/// outside it. Pure computation: the horizon is a parameter, nothing reads the clock.

#include <vector>

#include "core/event.hpp"

namespace herald {

/// The interval in which sparse series are indexed instance by instance.
struct IndexHorizon {
    Instant begin{};
    Instant end{};
};

/// The spans to index for one event (zone-less times read in UTC, as the store queries them).
struct IndexSpans {
    /// true: `spans` are the instances in the horizon plus coverage outside it (several rows);
    /// false: `spans` holds at most one span covering every instance (empty for undated events).
    bool per_instance = false;
    std::vector<Span> spans;
};

/// Most instances a series may have in the horizon and still be indexed instance by instance.
/// Why 200: monthly series over a 12-year horizon (144) fit; denser ones have an instance in
/// almost every listed window anyway, so expanding them at query time is work the answer needs.
inline constexpr size_t kMaxIndexedInstances = 200;

/// The horizon to use at `now`: whole UTC years from two years back to ten years ahead.
IndexHorizon index_horizon_at(Instant now);

/// True when `h` is still good at `now` (now at least a year past its start and five years before
/// its end); otherwise the store moves it and re-indexes the series indexed against it.
bool horizon_fresh(const IndexHorizon& h, Instant now);

/// The end of the event's last instance (for zone-less events in UTC); the far future (9999) for a
/// recurrence without UNTIL or COUNT. `first` is the event's own span.
Instant recurrence_end(const Event& e, const Span& first);

/// The spans the index holds for `e` with horizon `h`. Every instance of `e` overlaps at least
/// one returned span, so a window query over them yields a superset of the events in the window.
IndexSpans index_spans(const Event& e, const IndexHorizon& h);

}  // namespace herald
