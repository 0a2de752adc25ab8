#pragma once
/// Window bounds from WHEN arguments, as list/export/cal read them.

#include <string>
#include <utility>

#include "client/cli.hpp"

namespace herald::client {

/// The first instant of WHEN (for a date: its first moment in the viewer's zone).
Instant window_start(Cli& cli, const std::string& text, const char* field);

/// The end of WHEN: a date-time itself; a date, month or year means "through" it.
Instant window_end(Cli& cli, const std::string& text, const char* field);

/// What places list's window: --from, --to, --days and --past.
struct ListWindow {
    std::string from, to;  ///< WHEN texts, empty when not given
    int days = 30;         ///< the window's length when one end is open
    bool past = false;     ///< the window ends now instead of starting now
    bool today = false, week = false, month = false;  ///< --today, --week, --month
    std::string month_text{};  ///< --month's MONTH (Dec 2026, 2026-12); empty: this month
};

/// The month `text` names (2026-12, Dec 2026, December; herald(1) DATES), or the viewer's current
/// month when `text` is empty; throws HeraldError(invalid_time) naming `field` for anything else.
date::year_month named_month(Cli& cli, const std::string& text, const char* field);

/// The window --today, --week (Monday to Sunday) or --month (the calendar month) names, in the
/// viewer's zone, as --from/--to dates; `w` unchanged when none is given. Throws UsageError when
/// one is combined with another or with --from, --to, --days or --past.
ListWindow calendar_window(Cli& cli, const ListWindow& w, bool days_given);

/// list's [from, to) window as instants, as `herald list --help` describes.
std::pair<Instant, Instant> list_window(Cli& cli, const ListWindow& w);

/// list's window as agenda params (from, to, tz). When both ends are local dates or times
/// (`--from 2026-11-23` with --days or a --to date), they go as local times that the daemon reads
/// in the viewer's zone, so the most common listing needs no zone database here.
Json list_window_params(Cli& cli, const ListWindow& w);

}  // namespace herald::client
