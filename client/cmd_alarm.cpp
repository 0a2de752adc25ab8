// herald ack / snooze / next / missed: the alarm ledger from the command line.
#include "client/cmd_alarm.hpp"

#include "client/exit_status.hpp"
#include "client/ids.hpp"
#include "client/render.hpp"
#include "client/table.hpp"

#include <cstdio>

#include "core/duration.hpp"
#include "core/errors.hpp"
#include "core/humane.hpp"

namespace herald::client {

std::string local_time_text(const std::string& instant_text, const date::time_zone* viewer) {
    Instant t = parse_instant(instant_text, "instant");
    return date::format("%a %Y-%m-%d %H:%M", to_local(t, viewer)) + " " + zone_abbrev(t, viewer);
}

Instant when_instant(Cli& cli, const std::string& text, const char* field, bool upcoming) {
    CalTime t = parse_when(text, cli.when({}, upcoming), field);
    if (!t.dated() || t.precision == Precision::year || t.precision == Precision::month)
        bad_time(field, std::string(field) +
                            " must be a day or a time, such as \"2025-06-06 09:00\" or \"+2h\"");
    return span_of(t, cli.viewer()).begin;
}

Json snooze_request(Cli& cli, int64_t id, const std::vector<std::string>& rest) {
    Json params{{"id", id}};
    if (rest.empty()) throw UsageError("expected a duration (10m) or until WHEN", "snooze");
    if (rest[0] == "until") {
        std::string when;
        for (size_t i = 1; i < rest.size(); ++i) when += (i > 1 ? " " : "") + rest[i];
        if (when.empty()) throw UsageError("until needs a WHEN, e.g. until 15:30", "until");
        params["until"] = format_instant(when_instant(cli, when, "until"));
    } else {
        if (rest.size() > 1)
            throw UsageError("expected one duration such as 10m, or until WHEN", "snooze");
        params["for"] = format_duration(Duration(parse_human_duration(rest[0], "snooze")));
    }
    return params;
}

namespace {

/// One alarm row: its id, when it fires, how long before which event, its state and the title
/// (last: the column a narrow terminal cuts).
Row alarm_row(Cli& cli, const RenderContext& ctx, const Json& a, const char* time_key) {
    std::string due = a.value("due", "");
    Instant at = parse_instant(a.value(time_key, due), time_key);
    std::string when = local_time_text(a.value(time_key, due), cli.viewer());
    std::string before = humane_offset(parse_instant(due, "due"),
                                       parse_instant(a.value("occurrence", ""), "occurrence"));
    // Painted as list paints a row, by the day it fires (missed ones are past: dim).
    RowPaint p;
    if (ctx.style.color)
        p = row_paint(ctx, date::format("%F", date::floor<date::days>(to_local(at, cli.viewer()))),
                      at < ctx.now, a.value("status", ""));
    return {{alarm_label(a.value("id", int64_t{0})), p.row},
            {std::move(when), p.date},
            {before + " " + event_label(a.value("event_id", int64_t{0})), p.row},
            {a.value("state", ""), p.row},
            {a.value("title", ""), p.title}};
}

void print_entries(Cli& cli, const Json& result, const char* empty, const char* time_key) {
    if (cli.json) return print_json(result);
    const Json& list = result["alarms"];
    if (list.empty()) {
        std::puts(empty);
        return;
    }
    RenderContext ctx = render_context(cli);
    std::vector<Row> rows;
    for (const auto& a : list) rows.push_back(alarm_row(cli, ctx, a, time_key));
    std::string out;
    render_table(out, rows, cli.style(), 4);
    cli.emit(out);
}

Exit run_snooze(Cli& cli, int64_t id, const std::vector<std::string>& rest) {
    Json params = snooze_request(cli, id, rest);  // reported without a daemon
    Json result = cli.conn().call("alarm.snooze", params);
    if (cli.json)
        print_json(result);
    else
        std::printf("Snoozed alarm %s until %s\n", alarm_label(id).c_str(),
                    local_time_text(result.value("until", ""), cli.viewer()).c_str());
    return Exit::ok;
}

}  // namespace

void register_alarm_commands(CLI::App& app, Cli& cli) {
    auto ack_id = std::make_shared<int64_t>(0);
    auto* ack = app.add_subcommand("ack", "Acknowledge a reminder (it will not fire again)");
    ack->add_option("id", *ack_id, "Alarm id, a12 (shown by herald watch, next and missed)")
        ->required()
        ->transform(alarm_id_input());
    ack->callback([&cli, ack_id] {
        Json result = cli.conn().call("alarm.ack", {{"id", *ack_id}});
        if (cli.json)
            print_json(result);
        else
            std::printf("Acknowledged alarm %s\n", alarm_label(*ack_id).c_str());
    });

    auto snooze_id = std::make_shared<int64_t>(0);
    auto snooze_rest = std::make_shared<std::vector<std::string>>();
    auto* snooze = app.add_subcommand(
        "snooze", "Fire a reminder again later: snooze ID 10m | snooze ID until WHEN");
    snooze->add_option("id", *snooze_id, "Alarm id, a12")->required()->transform(alarm_id_input());
    snooze->add_option("when", *snooze_rest, "A duration (10m, 1h) or: until WHEN")->required();
    snooze->callback([&cli, snooze_id, snooze_rest] {
        cli.exit_code = run_snooze(cli, *snooze_id, *snooze_rest);
    });

    auto next_limit = std::make_shared<int64_t>(1);
    auto next_event = std::make_shared<int64_t>(0);
    auto* next = app.add_subcommand("next", "The next reminder due, and when");
    next->add_option("--limit,-n", *next_limit, "How many upcoming reminders to show")
        ->check(CLI::Range(int64_t{1}, int64_t{10000}));  // as the daemon allows, named here
    auto* event_opt = next->add_option("--event", *next_event, "Only this event's alarms")
                          ->transform(event_id_input());
    next->callback([&cli, next_limit, next_event, event_opt] {
        Json params{{"limit", *next_limit}};
        if (event_opt->count() > 0) params["event_id"] = *next_event;
        print_entries(cli, cli.conn().call("alarm.next", params), "No reminder is due.",
                      "fires_at");
    });

    auto since = std::make_shared<std::string>();
    auto* missed =
        app.add_subcommand("missed", "Reminders that came due beyond the catch-up window");
    auto* since_opt = missed->add_option("--since", *since, "Only those due since WHEN");
    missed->callback([&cli, since, since_opt] {
        Json params = Json::object();
        if (since_opt->count() > 0)
            params["since"] = format_instant(when_instant(cli, *since, "--since", false));
        print_entries(cli, cli.conn().call("alarm.missed", params), "No missed reminders.", "due");
    });
}

}  // namespace herald::client
