// AlarmStore::fire_due: turning due schedule rows and expired snoozes into ledger states and
// logged messages, in one transaction; those due within the lead are staged (logged with
// visible_at = due) so the fsync happens before the due instant, not after it.
#include <map>

#include <spdlog/spdlog.h>

#include "core/event_json.hpp"
#include "daemon/alarm_store_sql.hpp"

namespace herald {
namespace {

constexpr int64_t kBatch = 512;
// Why five: more late reminders than this at once would flood a returning user (one digest
// instead).
constexpr size_t kDigestThreshold = 5;

Json reminder_json(const DueAlarm& d, Instant now, bool snoozed) {
    Json j = to_json(d.entry);
    j["state"] = "fired";
    j["fired_at"] = format_instant(now);
    j["location"] = d.location;
    j["start"] = d.start;
    j["tz"] = d.tz;
    j["snoozed"] = snoozed;
    // Why the alarm as set: "2 h before" is what the user wrote; due − occurrence is not
    // (an event at 14:00:30 reminded at 12:00 would say "120.5 min").
    if (!d.set.is_null()) j["set"] = d.set;
    j.erase("seq");
    j.erase("snooze_until");
    return j;
}

Json alarm_set(const Event& e, size_t index) {
    return index < e.alarms.size() ? to_json(e.alarms[index]) : Json();
}

/// The journal line of every reminder fired or missed: without a desktop or a watcher it is the
/// one trace of a reminder (the desktop sink's warning says reminders still go to the journal).
void log_reminder(const LedgerEntry& e, const std::string& what) {
    spdlog::info("reminder #{} {}: \"{}\" (event {}, occurrence {}, due {})", e.id, what, e.title,
                 e.event_id, format_instant(e.occurrence), format_instant(e.due));
}

}  // namespace

std::vector<DueRow> AlarmStore::due_rows(Instant horizon) {
    std::vector<DueRow> rows;
    st_->due_rows.bind(1, secs(horizon)).bind(2, kBatch);
    while (st_->due_rows.step())
        rows.push_back(
            {st_->due_rows.column_int(0), static_cast<size_t>(st_->due_rows.column_int(1)),
             instant(st_->due_rows.column_int(2)), instant(st_->due_rows.column_int(3))});
    st_->due_rows.reset();
    return rows;
}

void AlarmStore::take_due(const DueRow& r, const std::optional<Event>& event, Firing firing,
                          DueBatches& out, FireReport& report) {
    auto key = read_entries(st_->by_key.bind(1, r.event_id)
                                .bind(2, secs(r.occurrence))
                                .bind(3, static_cast<int64_t>(r.alarm)));
    if (key.empty() || key.front().state != AlarmState::pending) return;
    if (firing == Firing::missed) {
        set_state(key.front().id, AlarmState::missed, std::nullopt, 0, std::nullopt);
        log_reminder(key.front(), "missed (older than the catch-up window)");
        ++report.missed;
    } else if (event) {
        (firing == Firing::stage ? out.ahead : out.found)
            .push_back({key.front(), event->location, format_caltime(event->start), event->start.tz,
                        alarm_set(*event, r.alarm)});
    }
}

void AlarmStore::advance(const DueRow& r, const std::optional<Event>& event, Instant now,
                         Seconds window, bool late) {
    // Why skip to the window: a recurring alarm down for months records its first missed
    // occurrence, not every one of them.
    Instant not_before = r.due + Seconds{1};
    if (late) not_before = std::max(not_before, now - window);
    if (event && r.alarm < event->alarms.size())
        if (auto ack = event->alarms[r.alarm].acknowledged)
            not_before = std::max(not_before, *ack + Seconds{1});  // RFC 9074: done through it
    std::optional<AlarmOccurrence> next;
    if (event && event->alarms.size() > r.alarm && event->status != Status::cancelled)
        next = next_alarm_occurrence(*event, r.alarm, not_before, zone());
    put_next(r.event_id, r.alarm, next, event ? &*event : nullptr);
}

void AlarmStore::deliver(const std::vector<DueAlarm>& found, Instant now, Seconds window,
                         bool catching_up, FireReport& report) {
    std::vector<Instant> dues;
    for (const auto& d : found) dues.push_back(d.entry.due);
    // Everything in `found` is within the window; the plan decides digest or one message each.
    CatchUpPlan plan = plan_catch_up(dues, now, window, kDigestThreshold);
    if (!catching_up || !plan.digest) {
        for (const auto& d : found) {
            int64_t seq = append(kTopicReminders, kMethodReminder, d.entry.owner, d.entry.is_public,
                                 reminder_json(d, now, false), now);
            set_state(d.entry.id, AlarmState::fired, std::nullopt, seq, now);
            log_reminder(d.entry, "fired at " + format_instant(now));
        }
        return;
    }
    // One digest per audience: an owner's private alarms, or the public ones.
    std::map<std::pair<int64_t, bool>, std::vector<const DueAlarm*>> groups;
    for (const auto& d : found)
        groups[{d.entry.is_public ? -1 : d.entry.owner, d.entry.is_public}].push_back(&d);
    for (const auto& [audience, items] : groups) {
        Json list = Json::array();
        for (const auto* d : items) list.push_back(reminder_json(*d, now, false));
        int64_t seq = append(kTopicReminders, kMethodDigest, items.front()->entry.owner,
                             audience.second, {{"count", items.size()}, {"reminders", list}}, now);
        for (const auto* d : items) {
            set_state(d->entry.id, AlarmState::fired, std::nullopt, seq, now);
            log_reminder(d->entry, "fired at " + format_instant(now) + " in a digest");
        }
        ++report.digests;
    }
}

void AlarmStore::stage(const std::vector<DueAlarm>& ahead, Instant now) {
    for (const auto& d : ahead) {
        // Why fired_at = due: the message is what a watcher gets at the due instant.
        int64_t seq = append(kTopicReminders, kMethodReminder, d.entry.owner, d.entry.is_public,
                             reminder_json(d, d.entry.due, false), now, d.entry.due);
        set_state(d.entry.id, AlarmState::fired, std::nullopt, seq, d.entry.due);
        log_reminder(d.entry, "fires at " + format_instant(d.entry.due));
    }
}

size_t AlarmStore::fire_schedule(Instant now, Instant horizon, Seconds window, bool catching_up,
                                 FireReport& report) {
    DueBatches due;  // found: due at `now`, fired now; ahead: due in (now, horizon], staged
    for (auto rows = due_rows(horizon); !rows.empty(); rows = due_rows(horizon)) {
        for (const auto& r : rows) {
            Firing firing = firing_of(r.due, now, horizon, window);
            std::optional<Event> event = store_.get(r.event_id);
            take_due(r, event, firing, due, report);
            advance(r, event, now, window, firing == Firing::missed);
        }
    }
    deliver(due.found, now, window, catching_up, report);
    stage(due.ahead, now);
    report.delivered += due.found.size() + due.ahead.size();
    report.staged += due.ahead.size();
    return due.found.size() + due.ahead.size();
}

void AlarmStore::fire_snoozes(Instant now, Instant horizon, FireReport& report) {
    for (const auto& e : read_entries(st_->due_snoozes.bind(1, secs(horizon)))) {
        DueAlarm d{e, {}, {}, {}, {}};
        if (auto event = store_.get(e.event_id)) {
            d.location = event->location;
            d.start = format_caltime(event->start);
            d.tz = event->start.tz;
            d.set = alarm_set(*event, e.alarm_index);
        }
        // A snooze is staged like an alarm; a late one (a snooze instant past) fires now.
        Instant until = e.snooze_until.value_or(now);
        bool stage = until > now;
        Instant fired_at = stage ? until : now;
        int64_t seq = append(kTopicReminders, kMethodReminder, e.owner, e.is_public,
                             reminder_json(d, fired_at, true), now,
                             stage ? std::optional<Instant>(until) : std::nullopt);
        set_state(e.id, AlarmState::fired, std::nullopt, seq, fired_at);
        log_reminder(e, "fires again after a snooze at " + format_instant(fired_at));
        ++report.delivered;
        if (stage) ++report.staged;
    }
}

FireReport AlarmStore::fire_due(Instant now, Instant horizon, Seconds window, bool catching_up) {
    FireReport report;
    log_.begin_staging();
    // Outside a request this is a top-level transaction: sql::Db commits an open group-commit
    // batch first, so this commit is durable by itself and nothing rides on a later batch.
    sql::Transaction tx(db_);
    fire_schedule(now, std::max(now, horizon), window, catching_up, report);
    fire_snoozes(now, std::max(now, horizon), report);
    // Why commit before anything is pushed: a crash after this point re-delivers nothing (the
    // ledger says fired; staged messages are published at visible_at after a restart), and a
    // crash before it delivers on restart (still pending).
    tx.commit();
    log_.commit_staging();
    schedule_changed_ = true;
    return report;
}

}  // namespace herald
