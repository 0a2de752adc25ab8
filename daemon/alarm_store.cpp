#include "daemon/alarm_store_sql.hpp"

#include <algorithm>
#include <ctime>

#include "core/duration.hpp"
#include "core/errors.hpp"
#include "core/event_json.hpp"
#include "core/ical_export.hpp"
#include "core/ical_extra.hpp"

namespace herald {
namespace {

/// A UTC DATE-TIME as iCalendar writes it ("20250101T090000Z").
std::string utc_stamp(Instant t) {
    std::time_t tt = t.time_since_epoch().count();
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

/// Herald's VALARM for `a` with a UID (and, for a snooze, its RELATED-TO), as kept lines.
std::vector<std::string> valarm_block(const Event& e, const Alarm& a, const std::string& uid,
                                      const std::string& snoozes) {
    std::vector<std::string> b{"BEGIN:VALARM", "UID:" + uid};
    if (!snoozes.empty()) b.push_back("RELATED-TO;RELTYPE=SNOOZE:" + snoozes);
    b.push_back("ACTION:DISPLAY");
    b.push_back("DESCRIPTION:" + ical_escape_text(e.title));
    if (a.related == Alarm::Related::absolute)
        b.push_back("TRIGGER;VALUE=DATE-TIME:" + utc_stamp(a.at));
    else
        b.push_back(
            std::string(a.related == Alarm::Related::end ? "TRIGGER;RELATED=END:" : "TRIGGER:") +
            format_duration(a.offset));
    b.push_back("END:VALARM");
    return b;
}

/// The UID of the kept VALARM standing for `a` in `extra`, given one (and a kept block, so the
/// export writes it) when it has none. Why kept in ical_extra: the UID must stay the same at
/// every export, and other clients' VALARMs (with their UIDs) are kept there already.
std::string alarm_uid(const Event& e, const Alarm& a, IcalExtra& extra, Instant now) {
    for (auto& block : extra.components) {
        if (valarm_alarm(block) != a) continue;
        for (const auto& l : block)
            if (line_name(l) == "UID") return std::string(line_value(l));
        std::string uid = e.uid + "-alarm-" + std::to_string(now.time_since_epoch().count());
        block.insert(block.begin() + 1, "UID:" + uid);
        return uid;
    }
    std::string uid = e.uid + "-alarm-" + std::to_string(now.time_since_epoch().count());
    extra.components.push_back(valarm_block(e, a, uid, ""));
    return uid;
}

std::string join_extra(const IcalExtra& extra) {
    std::string out;
    auto add = [&out](const std::string& l) {
        if (!out.empty()) out += '\n';
        out += l;
    };
    for (const auto& l : extra.properties) add(l);
    for (const auto& b : extra.components)
        for (const auto& l : b) add(l);
    return out;
}

}  // namespace

Json to_json(const LedgerEntry& e) {
    Json j{{"id", e.id},
           {"event_id", e.event_id},
           {"title", e.title},
           {"occurrence", format_instant(e.occurrence)},
           {"alarm", e.alarm_index},
           {"due", format_instant(e.due)},
           {"state", to_string(e.state)},
           {"seq", e.seq}};
    if (e.snooze_until) j["snooze_until"] = format_instant(*e.snooze_until);
    if (e.fired_at) j["fired_at"] = format_instant(*e.fired_at);
    return j;
}

AlarmStore::AlarmStore(Store& store, MessageLog& log, std::function<const date::time_zone*()> zone)
    : store_(store),
      log_(log),
      db_(store.db()),
      zone_source_(std::move(zone)),
      st_(std::make_unique<Statements>(store.db())) {}

const date::time_zone* AlarmStore::zone() {
    if (zone_ == nullptr) zone_ = zone_source_();
    return zone_;
}

AlarmStore::~AlarmStore() = default;

void AlarmStore::schedule(const Event& e, Instant not_before, bool fresh) {
    // A new event has no rows to clear, and one without alarms leaves the schedule (and so the
    // timer) as it was.
    if (!fresh) {
        st_->clear_schedule.bind(1, e.id).run();
        st_->clear_pending.bind(1, e.id).run();
        schedule_changed_ = true;
    }
    // Why cancelled events are skipped: a cancelled meeting must not remind anyone.
    if (!alarms_can_fire(e) || e.status == Status::cancelled || e.alarms.empty()) return;
    schedule_changed_ = true;
    for (size_t i = 0; i < e.alarms.size(); ++i) {
        auto next = alarm_to_schedule(e, i, not_before, zone());
        // Occurrences up to the alarm's ACKNOWLEDGED are done (RFC 9074), a late one included.
        if (auto ack = e.alarms[i].acknowledged; next && ack && next->due <= *ack)
            next = next_alarm_occurrence(e, i, *ack + Seconds{1}, zone());
        put_next(e.id, i, next, &e);
    }
    apply_acknowledged(e);
}

void AlarmStore::apply_acknowledged(const Event& e) {
    for (size_t i = 0; i < e.alarms.size(); ++i)
        if (e.alarms[i].acknowledged)
            st_->ack_through.bind(1, e.id)
                .bind(2, static_cast<int64_t>(i))
                .bind(3, secs(*e.alarms[i].acknowledged))
                .run();
}

void AlarmStore::share_acknowledgement(const LedgerEntry& e, Instant now) {
    auto ev = store_.get(e.event_id);
    if (!ev || ev->calendar.empty() || e.alarm_index >= ev->alarms.size()) return;
    // Why not before the due instant: RFC 9074 counts an occurrence as acknowledged when
    // ACKNOWLEDGED is at or after its trigger, and a reminder dismissed ahead of time is done.
    Instant at = std::max(now, e.due);
    auto& ack = ev->alarms[e.alarm_index].acknowledged;
    if (ack && *ack >= at) return;
    ack = at;
    store_.update(*ev, ev->revision, now);
}

void AlarmStore::share_snooze(const LedgerEntry& e, Instant until, Instant now) {
    auto ev = store_.get(e.event_id);
    if (!ev || ev->calendar.empty() || e.alarm_index >= ev->alarms.size()) return;
    // RFC 9074 §5: the snoozed alarm is acknowledged (as an ack is, share_acknowledgement), and a
    // new VALARM fires at `until`, related to it by RELATED-TO;RELTYPE=SNOOZE and its UID.
    Alarm& snoozed = ev->alarms[e.alarm_index];
    const Instant ack = std::max(now, e.due);
    if (!snoozed.acknowledged || *snoozed.acknowledged < ack) snoozed.acknowledged = ack;
    Alarm snooze;
    snooze.related = Alarm::Related::absolute;
    snooze.at = until;
    if (std::find(ev->alarms.begin(), ev->alarms.end(), snooze) == ev->alarms.end()) {
        IcalExtra extra = split_extra(ev->ical_extra);
        const std::string parent = alarm_uid(*ev, snoozed, extra, now);
        extra.components.push_back(
            valarm_block(*ev, snooze, parent + "-snooze-" + utc_stamp(until), parent));
        ev->alarms.push_back(snooze);
        ev->ical_extra = join_extra(extra);
    }
    // The write applies the acknowledgement to this machine's ledger too, which ends the
    // entry's own snooze: here as on every other machine, the snooze alarm fires at `until`.
    store_.update(*ev, ev->revision, now);
}

void AlarmStore::put_next(int64_t event_id, size_t alarm,
                          const std::optional<AlarmOccurrence>& next, const Event* e) {
    auto& put = st_->put_schedule.bind(1, event_id).bind(2, static_cast<int64_t>(alarm));
    if (next)
        put.bind(3, secs(next->occurrence)).bind(4, secs(next->due));
    else
        put.bind_null(3).bind_null(4);
    put.run();
    if (!next || e == nullptr) return;
    st_->put_pending.bind(1, event_id)
        .bind(2, secs(next->occurrence))
        .bind(3, static_cast<int64_t>(alarm))
        .bind(4, secs(next->due))
        .bind(5, e->owner)
        .bind(6, static_cast<int64_t>(e->visibility == Visibility::public_))
        .bind(7, e->title)
        .run();
}

void AlarmStore::unschedule(int64_t event_id) {
    st_->clear_schedule.bind(1, event_id).run();
    st_->clear_pending.bind(1, event_id).run();
    schedule_changed_ = true;
}

void AlarmStore::saved(const std::optional<Event>& before, const Event& after,
                       std::string_view after_json, bool log) {
    schedule(after, after.updated, !before.has_value());
    bool firmed = before && !alarms_can_fire(*before) && alarms_can_fire(after);
    // A firmed date is always told (subscribers wait for it), even within an import.
    if (!log && !firmed) return;
    std::string kind = !before ? "added" : firmed ? "firmed" : "updated";
    // The params written around the stored JSON (keys in dump()'s order): no second to_json.
    std::string params = "{\"event\":";
    params.append(after_json);
    params += ",\"event_id\":" + std::to_string(after.id) + ",\"kind\":\"" + kind + "\"}";
    log_.append(kTopicChanges, kMethodChange, after.owner, after.visibility == Visibility::public_,
                std::move(params), after.updated);
}

void AlarmStore::imported(int64_t owner, size_t added, size_t updated, Instant now) {
    append(kTopicChanges, kMethodChange, owner, false,
           {{"kind", "imported"}, {"added", added}, {"updated", updated}}, now);
}

void AlarmStore::removed(const Event& before, Instant now) {
    unschedule(before.id);
    // Why every row, not only pending ones: a snooze of a removed event must not fire, and
    // nothing keyed to its id may outlive it.
    st_->clear_ledger.bind(1, before.id).run();
    append(
        kTopicChanges, kMethodChange, before.owner, before.visibility == Visibility::public_,
        {{"kind", "removed"}, {"event_id", before.id}, {"event", nullptr}, {"title", before.title}},
        now);
}

bool AlarmStore::take_schedule_changed() {
    return std::exchange(schedule_changed_, false);
}

std::optional<Instant> AlarmStore::next_wake() {
    std::optional<Instant> out;
    for (auto* st : {&st_->min_due, &st_->min_snooze}) {
        if (st->step() && !st->column_null(0)) {
            Instant t = instant(st->column_int(0));
            if (!out || t < *out) out = t;
        }
        st->reset();
    }
    return out;
}

int64_t AlarmStore::append(const char* topic, const char* method, int64_t owner, bool is_public,
                           const Json& params, Instant now, std::optional<Instant> visible_at) {
    return log_.append(topic, method, owner, is_public, params.dump(), now, visible_at);
}

std::vector<LedgerEntry> AlarmStore::read_entries(sql::Statement& st) {
    std::vector<LedgerEntry> out;
    while (st.step()) {
        LedgerEntry e;
        e.id = st.column_int(0);
        e.event_id = st.column_int(1);
        e.occurrence = instant(st.column_int(2));
        e.alarm_index = static_cast<size_t>(st.column_int(3));
        e.due = instant(st.column_int(4));
        e.state = alarm_state_from_string(st.column_text(5)).value_or(AlarmState::pending);
        if (!st.column_null(6)) e.snooze_until = instant(st.column_int(6));
        e.seq = st.column_int(7);
        if (!st.column_null(8)) e.fired_at = instant(st.column_int(8));
        e.owner = st.column_int(9);
        e.is_public = st.column_int(10) != 0;
        e.title = st.column_text(11);
        out.push_back(std::move(e));
    }
    st.reset();
    return out;
}

void AlarmStore::set_state(int64_t id, AlarmState s, std::optional<Instant> snooze_until,
                           int64_t seq, std::optional<Instant> fired_at) {
    auto& st = st_->set_state.bind(1, to_string(s));
    if (snooze_until)
        st.bind(2, secs(*snooze_until));
    else
        st.bind_null(2);
    if (seq > 0)
        st.bind(3, seq);
    else
        st.bind_null(3);
    if (fired_at)
        st.bind(4, secs(*fired_at));
    else
        st.bind_null(4);
    st.bind(5, id).run();
}

std::optional<LedgerEntry> AlarmStore::entry(int64_t id) {
    auto v = read_entries(st_->by_id.bind(1, id));
    if (v.empty()) return std::nullopt;
    return v.front();
}

std::vector<LedgerEntry> AlarmStore::entries(int64_t event_id, Instant occurrence,
                                             std::optional<size_t> alarm) {
    auto all = read_entries(st_->by_occurrence.bind(1, event_id).bind(2, secs(occurrence)));
    if (alarm) std::erase_if(all, [&](const LedgerEntry& e) { return e.alarm_index != *alarm; });
    return all;
}

LedgerEntry AlarmStore::acknowledge(const LedgerEntry& e, Instant now) {
    sql::Transaction tx(db_);
    LedgerEntry out = e;
    out.state = herald::acknowledge(e.state);
    out.snooze_until.reset();
    set_state(out.id, out.state, std::nullopt, out.seq, out.fired_at);
    share_acknowledgement(e, now);
    tx.commit();
    schedule_changed_ = true;
    return out;
}

std::vector<LedgerEntry> AlarmStore::snooze(const std::vector<LedgerEntry>& entries, Instant until,
                                            Instant now) {
    for (const auto& e : entries) check_snooze(e.state, until, now);  // all or nothing
    sql::Transaction tx(db_);
    std::vector<LedgerEntry> out;
    for (const auto& e : entries) {
        LedgerEntry& s = out.emplace_back(e);
        s.state = AlarmState::snoozed;
        s.snooze_until = until;
        set_state(s.id, s.state, until, s.seq, s.fired_at);
        share_snooze(e, until, now);
    }
    tx.commit();
    schedule_changed_ = true;
    return out;
}

namespace {

/// Binds the owner filter `viewer` (nullopt: every row) to parameter `i`.
sql::Statement& bind_viewer(sql::Statement& st, int i, std::optional<int64_t> viewer) {
    return viewer ? st.bind(i, *viewer) : st.bind_null(i);
}

}  // namespace

std::vector<LedgerEntry> AlarmStore::missed(Instant since, size_t limit,
                                            std::optional<int64_t> viewer) {
    st_->missed.bind(1, secs(since)).bind(2, static_cast<int64_t>(limit));
    return read_entries(bind_viewer(st_->missed, 3, viewer));
}

std::vector<LedgerEntry> AlarmStore::upcoming(size_t limit, std::optional<int64_t> viewer) {
    auto n = static_cast<int64_t>(limit);
    auto out = read_entries(bind_viewer(st_->upcoming.bind(1, n), 2, viewer));
    for (auto& e : read_entries(bind_viewer(st_->upcoming_snoozes.bind(1, n), 2, viewer)))
        out.push_back(std::move(e));
    auto when = [](const LedgerEntry& e) { return e.snooze_until.value_or(e.due); };
    std::stable_sort(out.begin(), out.end(),
                     [&](const auto& a, const auto& b) { return when(a) < when(b); });
    if (out.size() > limit) out.resize(limit);
    return out;
}

std::vector<LedgerEntry> AlarmStore::pending_of(int64_t event_id) {
    return read_entries(st_->pending_of.bind(1, event_id));
}

}  // namespace herald
