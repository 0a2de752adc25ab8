// herald add / show / edit / rm
#include "client/cmd_event.hpp"

#include "client/cmd_alarm.hpp"
#include "client/exit_status.hpp"
#include "client/ids.hpp"
#include "client/render.hpp"
#include "core/alarms.hpp"
#include "core/duration.hpp"
#include "core/errors.hpp"
#include "core/event_json.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace herald::client {
namespace {

void add_event_options(CLI::App* cmd, EventOptions& o) {
    o.at_opt = cmd->add_option("--at,-a", o.at,
                               "When: 2025-06-06, \"2025-06-06 09:00\", 2023, 2022-11, ...");
    o.end_opt = cmd->add_option("--end", o.end, "End: a date (last day, inclusive) or a date-time");
    o.duration_opt =
        cmd->add_option("--duration", o.duration, "Duration of a timed event: 30m, 1h30m, PT30M");
    o.tz_opt = cmd->add_option("--tz", o.tz, "IANA time zone of the event (default: yours)");
    o.location_opt = cmd->add_option("--location,-l", o.location, "Where");
    o.category_opt = cmd->add_option("--category,-c", o.categories, "Category (repeatable)");
    o.source_opt = cmd->add_option("--source", o.source, "Where this date comes from (citation)");
    o.description_opt = cmd->add_option("--description,-d", o.description, "Longer description");
    o.url_opt = cmd->add_option("--url", o.url, "Link");
    o.calendar_opt = cmd->add_option("--calendar", o.calendar,
                                     "Synced calendar ([[caldav]] name in heraldd.toml)");
    cmd->add_flag("--local", o.local,
                  "Keep the event on this machine only (not in [sync] default_calendar)")
        ->excludes(o.calendar_opt);
    o.status_opt = cmd->add_option("--status", o.status, "confirmed, tentative or cancelled")
                       ->check(CLI::IsMember({"confirmed", "tentative", "cancelled"}));
    cmd->add_flag("--tentative", o.tentative, "Mark as tentative (same as --status tentative)");
    cmd->add_option("--remind", o.remind,
                    "Reminder before start: 1d, 15m, 1h30m (repeatable; replaces the alarms)");
    cmd->add_option("--remind-at", o.remind_at, "Reminder at an absolute WHEN (repeatable)");
    cmd->add_flag("--no-remind", o.no_remind,
                  "No reminders (also skips the daemon's default alarm)");
    cmd->add_flag("--floating", o.floating,
                  "A timed event with no zone: happens at that wall time wherever you are");
    o.repeat_opt = cmd->add_option("--repeat", o.repeat, "Repeat yearly, monthly, weekly or daily")
                       ->check(CLI::IsMember({"yearly", "monthly", "weekly", "daily"}));
    o.rrule_opt = cmd->add_option(
        "--rrule", o.rrule, "RFC 5545 rule, e.g. 'FREQ=MONTHLY;BYDAY=-1FR' (\"\" = no repeat)");
    cmd->add_option("--except", o.excepts,
                    "Skip the occurrence on this date (repeatable; adds an exception)");
    cmd->add_flag("--anniversary", o.anniversary,
                  "Yearly; {n}/{ordinal} in the title count the years since the first date");
}

/// Whether the stored exception `stored` is the one the user named as `given`: the same text,
/// or a day given for a timed exception on that day.
bool names_exception(const std::string& stored, const std::string& given) {
    return stored == given || (given.size() == 10 && stored.rfind(given + "T", 0) == 0);
}

/// The exceptions as event.update should store them: `current`'s (edit; none for add), plus
/// each --except not there yet, less each --no-except, which must name one of them.
Json merged_exdates(Cli& cli, EventOptions& o, const Json* current, const std::string& tz,
                    const char* add_field = "--except") {
    Json dates = Json::array();
    if (current != nullptr && current->contains("exdates") && (*current)["exdates"].is_array())
        dates = (*current)["exdates"];
    for (const auto& text : o.excepts) {
        std::string date = format_caltime(parse_when(text, cli.when(tz), add_field));
        if (std::find(dates.begin(), dates.end(), date) == dates.end()) dates.push_back(date);
    }
    for (const auto& text : o.no_excepts) {
        std::string date = format_caltime(parse_when(text, cli.when(tz), "--no-except"));
        auto it = std::find_if(dates.begin(), dates.end(), [&](const Json& d) {
            return d.is_string() && names_exception(d.get<std::string>(), date);
        });
        if (it == dates.end()) {
            std::string have;
            for (const auto& d : dates) have += (have.empty() ? "" : ", ") + d.get<std::string>();
            throw HeraldError(ErrorCode::invalid_params,
                              "no exception on " + date + " to remove (" +
                                  (have.empty() ? "the event has none" : "it has: " + have) + ")",
                              "--no-except");
        }
        dates.erase(it);
    }
    return dates;
}

/// rrule/exdates from --repeat/--rrule/--anniversary/--except/--no-except, as JSON; `current`
/// is the stored event (edit) or null (add).
void put_recurrence(Cli& cli, EventOptions& o, Json& out, const std::string& tz,
                    const Json* current) {
    int given = (o.repeat_opt->count() > 0) + (o.rrule_opt->count() > 0) + (o.anniversary ? 1 : 0);
    if (given > 1)
        throw UsageError("give only one of --repeat, --rrule and --anniversary", "--rrule");
    if (o.anniversary) out["rrule"] = "FREQ=YEARLY";
    if (o.repeat_opt->count() > 0) {
        std::string freq;
        for (char c : o.repeat)
            freq += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        out["rrule"] = "FREQ=" + freq;
    }
    if (o.rrule_opt->count() > 0) {
        std::string rule = o.rrule;
        if (rule.rfind("RRULE:", 0) == 0) rule.erase(0, 6);
        out["rrule"] = rule;
    }
    // Why merged: --except adds one exception; replacing the list lost the earlier ones.
    if (!o.excepts.empty() || !o.no_excepts.empty())
        out["exdates"] = merged_exdates(cli, o, current, tz);
}

/// The string field `key` of a stored event; "" when absent or null (a TBA event's start is null).
std::string field_text(const Json* event, const char* key) {
    if (event == nullptr) return {};
    auto it = event->find(key);
    return it != event->end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// edit --tz ZONE --keep-instant: the start, and an end in the start's zone, at the same instants
/// with their wall times read in ZONE.
void keep_instant(const Json& current, const std::string& tz, Json& out) {
    const std::string old_tz = field_text(&current, "tz");
    if (old_tz.empty())
        throw UsageError("the event is floating (no zone): it has no instant to keep; give --at",
                         "--keep-instant");
    auto moved = [&](const std::string& text, const char* field) {
        CalTime t = caltime_from_string(text, old_tz, field);
        return format_caltime(caltime_at(resolve_local(t.local, find_zone(old_tz), t.fold), tz));
    };
    out["start"] = moved(field_text(&current, "start"), "start");
    std::string end = field_text(&current, "end");
    if (end.find('T') != std::string::npos && field_text(&current, "end_tz").empty())
        out["end"] = moved(end, "end");
}

/// Checks --keep-instant's company: it needs --tz, and --at or --floating say otherwise.
void check_keep_instant(const EventOptions& o) {
    if (!o.keep_instant) return;
    if (o.tz_opt->count() == 0 || o.at_opt->count() > 0 || o.floating)
        throw UsageError("--keep-instant goes with --tz ZONE alone (not --at or --floating)",
                         "--keep-instant");
}

/// The start/end/zone fields from --at/--end/--tz/--floating, as JSON.
void put_times(Cli& cli, EventOptions& o, Json& out, const Json* current) {
    std::string tz = o.tz;
    if (o.tz_opt->count() > 0) find_zone(tz, "--tz");
    if (o.floating)
        tz.clear();
    else if (tz.empty())
        tz = !field_text(current, "tz").empty() ? field_text(current, "tz")
                                                : std::string(cli.viewer_name());
    std::optional<LocalTime> start_wall;  // a timed start: where an --end time alone follows
    if (field_text(current, "precision") == "minute")
        start_wall = caltime_from_string(field_text(current, "start"), "", "start").local;
    auto resolve = [&](const std::string& text, const char* field) {
        WhenContext ctx = cli.when(tz);
        if (std::string_view(field) == "--end") ctx.after = start_wall;
        CalTime t = parse_when(text, ctx, field);
        if (o.floating) t.tz.clear();
        return t;
    };
    if (o.at_opt->count() > 0) {
        CalTime start = resolve(o.at, "--at");
        out["start"] = format_caltime(start);
        out["tz"] = start.tz;
        start_wall = start.timed() ? std::optional(start.local) : std::nullopt;
    } else if (current && (o.tz_opt->count() > 0 || o.floating)) {
        bool timed = field_text(current, "precision") == "minute";
        out["tz"] = timed ? tz : "";
        if (timed && o.keep_instant) keep_instant(*current, tz, out);
    }
    if (o.end_opt->count() > 0) {
        CalTime end = resolve(o.end, "--end");
        out["end"] = format_caltime(end);
        if (end.tz !=
            (out.contains("tz") ? out["tz"].get<std::string>() : field_text(current, "tz")))
            out["end_tz"] = end.tz;
    }
    if (o.duration_opt->count() > 0)
        out["duration"] =
            format_duration(parse_calendar_duration(o.duration, "--duration"));  // 24h stays PT24H
}

/// The alarms from --remind / --remind-at / --no-remind, when any was given.
void put_alarms(Cli& cli, EventOptions& o, Json& out) {
    if (o.remind.empty() && o.remind_at.empty() && !o.no_remind) return;
    if (o.no_remind && !(o.remind.empty() && o.remind_at.empty()))
        throw UsageError("give --no-remind or --remind, not both", "--no-remind");
    Json alarms = Json::array();
    for (const auto& r : o.remind) {
        // "1d" and "-P1D" both mean a day before the start (at the same wall time: nominal).
        Duration d = parse_calendar_duration(r, "--remind");
        if (!d.negative && !d.zero()) d = negated(d);
        alarms.push_back({{"trigger", format_duration(d)}, {"related", "start"}});
    }
    for (const auto& w : o.remind_at) {
        CalTime t = parse_when(w, cli.when(), "--remind-at");
        if (!t.dated() || t.precision == Precision::year || t.precision == Precision::month)
            throw HeraldError(ErrorCode::invalid_time,
                              "--remind-at needs a day or a time, such as \"2025-06-05 09:00\"",
                              "--remind-at");
        alarms.push_back({{"at", format_instant(span_of(t, cli.viewer()).begin)}});
    }
    out["alarms"] = alarms;
}

void put_texts(EventOptions& o, Json& out) {
    if (o.title_opt == nullptr || o.title_opt->count() > 0) out["title"] = o.title;
    if (o.location_opt->count() > 0) out["location"] = o.location;
    if (o.source_opt->count() > 0) out["source"] = o.source;
    if (o.description_opt->count() > 0) out["description"] = o.description;
    if (o.url_opt->count() > 0) out["url"] = o.url;
    if (o.calendar_opt->count() > 0) out["calendar"] = o.calendar;
    if (o.local) out["calendar"] = "";
    if (o.category_opt->count() > 0) out["categories"] = o.categories;
    if (o.status_opt->count() > 0) out["status"] = o.status;
    if (o.tentative) out["status"] = "tentative";
}

/// "Added event #28: Standup — Tue 2026-12-08 09:30 JST · 01:30 CET": what was stored, with
/// the date and time as resolved, so that a misread date shows at once.
void echo_event(Cli& cli, const char* what, const Json& event) {
    std::printf("%s: %s \u2014 %s\n", what, event.value("title", "").c_str(),
                event_when(event, cli.viewer()).c_str());
}

/// On stderr after add or edit with --remind/--remind-at on an event whose date is not fixed:
/// its reminders wait. True when the date is not fixed (whether or not this was said).
bool say_reminders_wait(Cli& cli, const EventOptions& o, const Json& stored, const Event& e) {
    if (alarms_can_fire(e)) return false;
    // Why only for --remind given here: a daemon's default alarm joins every event, and saying
    // this after each "--at 2027" would be noise.
    if (!e.alarms.empty() && (!o.remind.empty() || !o.remind_at.empty()))
        std::fprintf(stderr,
                     "herald: no reminder fires yet: the date is %s; they fire once herald "
                     "edit %lld --at WHEN gives a day or a time\n",
                     event_when(stored, cli.viewer()).c_str(),
                     static_cast<long long>(stored.value("id", int64_t{0})));
    return true;
}

/// On stderr after add: each reminder already due when the event was added. The daemon fires it
/// at once (or records it missed beyond its catch-up window: core/alarms.hpp alarm_to_schedule,
/// the same rule computed here), so the user is not left wondering why it popped up now; and
/// that --remind waits when the date is not fixed.
void say_late_reminders(Cli& cli, const EventOptions& o, const Json& stored) {
    Event e = event_from_json(stored);
    if (say_reminders_wait(cli, o, stored, e)) return;
    for (size_t i = 0; i < e.alarms.size(); ++i) {
        auto a = alarm_to_schedule(e, i, cli.now, cli.viewer());
        if (!a || a->due >= cli.now) continue;
        std::fprintf(stderr,
                     "herald: the reminder due %s had already passed: it fires at once (beyond "
                     "heraldd's catch-up window, herald missed lists it instead)\n",
                     local_time_text(format_instant(a->due), cli.viewer()).c_str());
    }
}

Exit run_add(Cli& cli, EventOptions& o) {
    Json params = add_request(cli, o);  // a bad command line is reported without a daemon
    Json result = cli.conn().call("event.add", params);
    if (result.value("created", false)) say_late_reminders(cli, o, result["event"]);
    if (cli.json) {
        print_json(result);
        return Exit::ok;
    }
    std::string what = std::string(result.value("created", false) ? "Added" : "Already had") +
                       " event #" + std::to_string(result["event"].value("id", int64_t{0}));
    echo_event(cli, what.c_str(), result["event"]);
    return Exit::ok;
}

/// On stderr, after edit --tz without --at or --keep-instant: the wall time stayed, the instant
/// moved. Why say it: both readings are common, and the silent one surprised users.
void say_wall_time_kept(const EventOptions& o, const Json& before) {
    std::string old_tz = field_text(&before, "tz");
    if (o.tz_opt->count() == 0 || o.at_opt->count() > 0 || o.keep_instant || o.floating ||
        field_text(&before, "precision") != "minute" || old_tz == o.tz)
        return;
    std::string start = field_text(&before, "start");
    std::string wall = start.size() >= 16 ? start.substr(11, 5) : start;
    std::fprintf(stderr,
                 "herald: --tz: kept the wall time %s (now in %s, was in %s); --keep-instant "
                 "keeps the instant instead\n",
                 wall.c_str(), o.tz.c_str(), old_tz.empty() ? "no zone" : old_tz.c_str());
}

Exit run_show(Cli& cli, int64_t id) {
    Json result = cli.conn().call("event.get", {{"id", id}});
    if (cli.json)
        print_json(result["event"]);
    else
        cli.emit(render_event(result["event"], cli.viewer(), render_context(cli)));
    return Exit::ok;
}

Exit run_edit(Cli& cli, EventOptions& o) {
    check_keep_instant(o);
    Json current = cli.conn().call("event.get", {{"id", o.id}})["event"];
    Json result = cli.conn().call("event.update", edit_request(cli, o, current));
    say_wall_time_kept(o, current);
    say_reminders_wait(cli, o, result["event"], event_from_json(result["event"]));
    if (cli.json) {
        print_json(result["event"]);
        return Exit::ok;
    }
    std::string what = "Updated event #" + std::to_string(o.id) + " (revision " +
                       std::to_string(result["event"].value("revision", int64_t{0})) + ")";
    echo_event(cli, what.c_str(), result["event"]);
    return Exit::ok;
}

/// Removes one event, or with --on one occurrence of it; the reply for --json.
Json remove_one(Cli& cli, int64_t id, const std::string& on) {
    if (on.empty()) {
        Json result = cli.conn().call("event.remove", {{"id", id}});
        if (!cli.json) std::printf("Removed event #%lld\n", static_cast<long long>(id));
        return result;
    }
    Json current = cli.conn().call("event.get", {{"id", id}})["event"];
    Json result = cli.conn().call("event.update", rm_on_request(cli, on, current));
    if (!cli.json)
        std::printf("Removed the occurrence on %s of event #%lld: %s\n", on.c_str(),
                    static_cast<long long>(id), current.value("title", "").c_str());
    return result["event"];
}

Exit run_rm(Cli& cli, const RmOptions& o) {
    if (o.ids.size() == 1) {
        Json result = remove_one(cli, o.ids.front(), o.on);
        if (cli.json) print_json(result);
        return Exit::ok;
    }
    // Why each on its own: one id that is gone must not keep the others; the failures are
    // reported one line each, and the exit status is the first failure's (herald(1)).
    Exit status = Exit::ok;
    Json results = Json::array();
    for (int64_t id : o.ids) {
        try {
            results.push_back(remove_one(cli, id, o.on));
        } catch (const HeraldError& e) {
            std::fprintf(stderr, "herald: #%lld: %s\n", static_cast<long long>(id),
                         error_line(e).c_str());
            if (status == Exit::ok) status = exit_for(e);
        }
    }
    if (cli.json) print_json(results);
    return status;
}

}  // namespace

Json add_request(Cli& cli, EventOptions& o) {
    Json ev = Json::object();
    put_texts(o, ev);
    if (o.tba) {
        if (o.at_opt->count() > 0) throw UsageError("give either --at or --tba, not both", "--tba");
        ev["start"] = nullptr;
    } else if (o.at_opt->count() == 0) {
        throw UsageError("--at WHEN is required (or --tba for a date to be announced)", "--at");
    }
    if (!o.tba) put_times(cli, o, ev, nullptr);
    put_recurrence(cli, o, ev, ev.value("tz", ""), nullptr);
    put_alarms(cli, o, ev);
    if (!o.uid.empty()) ev["uid"] = o.uid;
    if (o.is_public) ev["visibility"] = "public";
    return {{"event", ev}};
}

Json edit_request(Cli& cli, EventOptions& o, const Json& current) {
    Json changes = Json::object();
    put_texts(o, changes);
    put_times(cli, o, changes, &current);
    put_recurrence(
        cli, o, changes,
        changes.contains("tz") ? changes["tz"].get<std::string>() : field_text(&current, "tz"),
        &current);
    put_alarms(cli, o, changes);
    if (o.tba) changes["start"] = nullptr, changes["tz"] = "", changes["end"] = nullptr;
    if (changes.empty()) throw UsageError("nothing to change: give at least one option", "edit");
    auto revision = current.find("revision");
    return {{"id", o.id},
            {"revision", revision != current.end() ? *revision : Json()},
            {"changes", changes}};
}

void add_add_options(CLI::App& add, EventOptions& o) {
    add.add_option("title", o.title, "Title")->required();
    add_event_options(&add, o);
    add.add_flag("--tba", o.tba, "The date is to be announced (undated)");
    add.add_option("--uid", o.uid, "Stable unique id (retries with the same uid do not duplicate)");
    add.add_flag("--public", o.is_public, "Visible to every user (system mode)");
}

void add_edit_options(CLI::App& edit, EventOptions& o) {
    edit.add_option("id", o.id, "Event id")->required()->transform(event_id_input());
    o.title_opt = edit.add_option("--title,-t", o.title, "New title");
    add_event_options(&edit, o);
    edit.add_flag("--tba", o.tba, "Make the date to be announced again");
    edit.add_flag("--keep-instant", o.keep_instant,
                  "With --tz: keep the instant (the wall time is read in the new zone)");
    edit.add_option("--no-except", o.no_excepts,
                    "Bring back the occurrence on this date (removes an exception; repeatable)");
}

void add_rm_options(CLI::App& rm, RmOptions& o) {
    rm.add_option("id", o.ids, "Event id (several: each is removed, each failure reported)")
        ->required()
        ->transform(event_id_input());
    rm.add_option("--on", o.on, "Remove only the occurrence on this date (adds an exception)");
}

Json rm_on_request(Cli& cli, const std::string& date, const Json& current) {
    EventOptions o;
    o.excepts = {date};
    Json dates = merged_exdates(cli, o, &current, field_text(&current, "tz"), "--on");
    if (current.contains("exdates") && dates.size() == current["exdates"].size())
        throw HeraldError(ErrorCode::invalid_params,
                          "the occurrence on " + date + " was already removed", "--on");
    auto revision = current.find("revision");
    return {{"id", current.value("id", int64_t{0})},
            {"revision", revision != current.end() ? *revision : Json()},
            {"changes", {{"exdates", dates}}}};
}

void register_event_commands(CLI::App& app, Cli& cli) {
    auto add_opts = std::make_shared<EventOptions>();
    auto* add = app.add_subcommand("add", "Add an event");
    add_add_options(*add, *add_opts);
    add->callback([&cli, add_opts] { cli.exit_code = run_add(cli, *add_opts); });

    auto show_id = std::make_shared<int64_t>(0);
    auto* show = app.add_subcommand("show", "Show one event");
    show->add_option("id", *show_id, "Event id")->required()->transform(event_id_input());
    show->callback([&cli, show_id] { cli.exit_code = run_show(cli, *show_id); });

    auto edit_opts = std::make_shared<EventOptions>();
    auto* edit = app.add_subcommand("edit", "Change an event");
    add_edit_options(*edit, *edit_opts);
    edit->callback([&cli, edit_opts] { cli.exit_code = run_edit(cli, *edit_opts); });

    auto rm_opts = std::make_shared<RmOptions>();
    auto* rm = app.add_subcommand("rm", "Remove events, or one occurrence (--on DATE)");
    add_rm_options(*rm, *rm_opts);
    rm->callback([&cli, rm_opts] { cli.exit_code = run_rm(cli, *rm_opts); });
}

}  // namespace herald::client
