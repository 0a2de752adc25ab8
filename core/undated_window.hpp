#pragma once
/// Which listings show the undated ("to be announced") events: the rule behind `agenda`'s
/// default for `undated`.

#include "core/time.hpp"

namespace herald {

/// True when a window ending at `window_to` reaches the viewer's today or later (ends after the
/// start of today in `viewer` at `now`), so the undated events belong in its listing.
bool undated_belongs(Instant window_to, Instant now, const date::time_zone* viewer);

}  // namespace herald
