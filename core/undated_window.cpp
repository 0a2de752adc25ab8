#include "core/undated_window.hpp"

namespace herald {

bool undated_belongs(Instant window_to, Instant now, const date::time_zone* viewer) {
    // Why today rather than now: a "to be announced" event is still ahead of a user who looks at
    // today, including a window ending now (`herald list --past`), but not of one who looks
    // only at the past (a 1992 window).
    LocalTime today = date::floor<date::days>(to_local(now, viewer));
    return window_to > resolve_local(today, viewer);
}

}  // namespace herald
