#include "client/window.hpp"

#include <algorithm>
#include <optional>

#include "client/exit_status.hpp"
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

date::year_month named_month(Cli& cli, const std::string& text, const char* field) {
    date::year_month_day day{date::floor<date::days>(to_local(cli.now, cli.viewer()))};
    if (text.empty()) return day.year() / day.month();
    auto refuse = [&] {
        bad_time(field,
                 "expected a month such as 2026-12, Dec 2026 or December, got \"" + text + "\"");
    };
    CalTime t;
    try {
        // Why not upcoming: "cal March" in December is this year's March, as cal(1) shows it.
        t = parse_when(text, cli.when({}, false), field);
    } catch (const HeraldError&) {
        refuse();  // a date's forms and examples would mislead here
    }
    if (t.precision != Precision::month) refuse();
    date::year_month_day ymd{date::floor<date::days>(t.local)};
    return ymd.year() / ymd.month();
}

ListWindow calendar_window(Cli& cli, const ListWindow& w, bool days_given) {
    int named = (w.today ? 1 : 0) + (w.week ? 1 : 0) + (w.month ? 1 : 0);
    if (named == 0) return w;
    if (named > 1 || !w.from.empty() || !w.to.empty() || days_given || w.past)
        throw UsageError(
            "give one of --today, --week and --month, without --from, --to, --days "
            "or --past",
            w.today  ? "--today"
            : w.week ? "--week"
                     : "--month");
    auto today = date::floor<date::days>(to_local(cli.now, cli.viewer()));
    date::local_days first = today, last = today;
    if (w.week) {
        first = today - (date::weekday{today} - date::Monday);  // weeks start on Monday (ISO)
        last = first + date::days{6};
    } else if (w.month) {
        date::year_month ym = named_month(cli, w.month_text, "--month");
        first = date::local_days{ym / 1};
        last = date::local_days{ym / date::last};
    }
    ListWindow out = w;
    out.from = date::format("%F", first);
    out.to = date::format("%F", last);  // a date: through that day
    return out;
}

Instant window_start(Cli& cli, const std::string& text, const char* field) {
    return span_of(parse_when(text, cli.when({}, false), field), cli.viewer()).begin;
}

Instant window_end(Cli& cli, const std::string& text, const char* field) {
    CalTime t = parse_when(text, cli.when({}, false), field);
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
