#include "client/window.hpp"

#include <algorithm>
#include <optional>

#include "core/errors.hpp"

namespace herald::client {
namespace {

[[noreturn]] void throw_end_before_start() {
    throw HeraldError(ErrorCode::invalid_time, "--to must be after --from", "--to");
}

/// WHEN as a local date or time when it is one in ISO form without an offset ("2026-11-23").
std::optional<CalTime> iso_local(const std::string& text) {
    try {
        auto iso = parse_iso(text, "when");
        if (iso && !iso->offset) return iso->value;
    } catch (const HeraldError&) {
        // parse_when reports it, or reads it as natural input ("2025-06-06 9am").
    }
    return std::nullopt;
}

}  // namespace

Instant window_start(Cli& cli, const std::string& text, const char* field) {
    return span_of(parse_when(text, cli.when(), field), cli.viewer()).begin;
}

Instant window_end(Cli& cli, const std::string& text, const char* field) {
    CalTime t = parse_when(text, cli.when(), field);
    return t.timed() ? span_of(t, cli.viewer()).begin : span_of(t, cli.viewer()).end;
}

std::pair<Instant, Instant> list_window(Cli& cli, const ListWindow& w) {
    Seconds span = date::days{w.days};
    Instant from = cli.now, to = cli.now + span;
    if (w.past) from = cli.now - span, to = cli.now;
    if (!w.from.empty()) {
        from = window_start(cli, w.from, "--from");
        to = from + span;
    }
    if (!w.to.empty()) {
        to = window_end(cli, w.to, "--to");
        if (w.from.empty() && !w.past) from = std::min(cli.now, to - span);
        if (w.from.empty() && w.past) from = to - span;
    }
    if (to <= from) throw_end_before_start();
    return {from, to};
}

Json list_window_params(Cli& cli, const ListWindow& w) {
    if (!w.from.empty()) {
        auto from = iso_local(w.from);
        auto to = w.to.empty() ? std::nullopt : iso_local(w.to);
        if (from && (w.to.empty() || to)) {
            LocalTime begin = from->local;
            LocalTime end = !to           ? begin + date::days{w.days}
                            : to->timed() ? to->local
                                          : period_end(*to);  // through that day (month, year)
            if (end <= begin) throw_end_before_start();
            auto local = [](LocalTime t) { return format_caltime({Precision::minute, t, {}}); };
            return {{"from", local(begin)}, {"to", local(end)}, {"tz", cli.viewer_name()}};
        }
    }
    auto [from, to] = list_window(cli, w);
    return {{"from", format_instant(from)}, {"to", format_instant(to)}, {"tz", cli.viewer_name()}};
}

}  // namespace herald::client
