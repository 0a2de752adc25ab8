#pragma once
/// Window bounds from WHEN arguments, as list/export/cal read them.

#include <string>

#include "client/cli.hpp"

namespace herald::client {

/// The first instant of WHEN (for a date: its first moment in the viewer's zone).
inline Instant window_start(Cli& cli, const std::string& text, const char* field) {
    return span_of(parse_when(text, cli.when(), field), cli.viewer()).begin;
}

/// The end of WHEN: a date-time itself; a date, month or year means "through" it.
inline Instant window_end(Cli& cli, const std::string& text, const char* field) {
    CalTime t = parse_when(text, cli.when(), field);
    return t.timed() ? span_of(t, cli.viewer()).begin : span_of(t, cli.viewer()).end;
}

}  // namespace herald::client
