#include "daemon/sync_state.hpp"

namespace herald::sync {
namespace {

int64_t seconds(Instant t) {
    return t.time_since_epoch().count();
}

std::optional<int64_t> opt_int(sql::Statement& st, int i) {
    if (st.column_null(i)) return std::nullopt;
    return st.column_int(i);
}

}  // namespace

std::string resource_uid(const std::string& uid) {
    return uid.substr(0, uid.find('#'));
}

struct State::Statements {
    explicit Statements(sql::Db& db)
        : enqueue(
              db,
              "INSERT OR REPLACE INTO caldav_outbox(calendar, uid, op, created) VALUES(?,?,?,?)"),
          outbox(db,
                 "SELECT seq, uid, op FROM caldav_outbox WHERE calendar = ? AND seq > ? AND "
                 "seq <= ? ORDER BY seq LIMIT ?"),
          last_seq(db, "SELECT coalesce(max(seq), 0) FROM caldav_outbox WHERE calendar = ?"),
          queued(db, "SELECT 1 FROM caldav_outbox WHERE calendar = ? AND uid = ?"),
          done(db, "DELETE FROM caldav_outbox WHERE seq = ?"),
          pending(db, "SELECT count(*) FROM caldav_outbox WHERE calendar = ?"),
          item(db, "SELECT href, etag FROM caldav_items WHERE calendar = ? AND uid = ?"),
          items(db, "SELECT uid, href, etag FROM caldav_items WHERE calendar = ?"),
          set_item(
              db, "INSERT OR REPLACE INTO caldav_items(calendar, uid, href, etag) VALUES(?,?,?,?)"),
          drop_item(db, "DELETE FROM caldav_items WHERE calendar = ? AND uid = ?"),
          uids_at(db, "SELECT uid FROM caldav_items WHERE calendar = ? AND href = ?"),
          etag_at(db, "SELECT etag FROM caldav_items WHERE calendar = ? AND href = ? LIMIT 1"),
          count(db, "SELECT count(*) FROM caldav_items WHERE calendar = ?"),
          calendar(db,
                   "SELECT collection, sync_token, last_success, last_attempt, last_error, "
                   "last_error_code, url FROM caldav_calendars WHERE name = ?"),
          set_url(db, "UPDATE caldav_calendars SET url = ?2 WHERE name = ?1"),
          ensure(db, "INSERT OR IGNORE INTO caldav_calendars(name) VALUES(?)"),
          succeeded(db,
                    "UPDATE caldav_calendars SET collection = ?2, sync_token = ?3, last_success = "
                    "?4, last_attempt = ?4, last_error = '', last_error_code = '' WHERE name = ?1"),
          failed(db,
                 "UPDATE caldav_calendars SET last_attempt = ?4, last_error = ?2, "
                 "last_error_code = ?3 WHERE name = ?1"),
          add_conflict(db,
                       "INSERT INTO caldav_conflicts(calendar, uid, kept, lost_ics, at) "
                       "VALUES(?,?,?,?,?)"),
          conflicts(db, "SELECT count(*) FROM caldav_conflicts WHERE calendar = ?"),
          conflict_rows(db,
                        "SELECT id, calendar, uid, kept, lost_ics, at FROM caldav_conflicts "
                        "WHERE ?1 = '' OR calendar = ?1 ORDER BY id"),
          conflict(db,
                   "SELECT id, calendar, uid, kept, lost_ics, at FROM caldav_conflicts "
                   "WHERE id = ?"),
          drop_conflict(db, "DELETE FROM caldav_conflicts WHERE id = ?"),
          reset_calendar(db,
                         "UPDATE caldav_calendars SET collection = '', sync_token = '' "
                         "WHERE name = ?"),
          reset_items(db, "DELETE FROM caldav_items WHERE calendar = ?"),
          // Masters only: an override is part of its master's resource (instr: no '#').
          calendar_uids(db,
                        "SELECT uid FROM events WHERE owner = ?1 AND instr(uid, '#') = 0 AND "
                        "json_extract(data, '$.calendar') = ?2"),
          overrides(db,
                    "SELECT uid FROM events WHERE owner = ?1 AND uid >= ?2 || '#' AND uid < ?2 || "
                    "'$' ORDER BY uid") {}
    sql::Statement enqueue, outbox, last_seq, queued, done, pending, item, items, set_item,
        drop_item, uids_at, etag_at, count, calendar, set_url, ensure, succeeded, failed,
        add_conflict, conflicts, conflict_rows, conflict, drop_conflict, reset_calendar,
        reset_items, calendar_uids, overrides;
};

State::State(sql::Db& db) : st_(std::make_unique<Statements>(db)) {}
State::~State() = default;

void State::enqueue(const std::string& calendar, const std::string& uid, bool remove, Instant now) {
    st_->enqueue.bind(1, calendar).bind(2, uid).bind(3, remove ? "delete" : "put");
    st_->enqueue.bind(4, seconds(now)).run();
}

std::vector<OutboxRow> State::outbox(const std::string& calendar, int64_t after, int64_t last,
                                     int64_t limit) {
    std::vector<OutboxRow> out;
    st_->outbox.bind(1, calendar).bind(2, after).bind(3, last).bind(4, limit);
    while (st_->outbox.step())
        out.push_back({st_->outbox.column_int(0), st_->outbox.column_text(1),
                       st_->outbox.column_view(2) == "delete"});
    st_->outbox.reset();
    return out;
}

int64_t State::last_seq(const std::string& calendar) {
    st_->last_seq.bind(1, calendar).step();
    int64_t n = st_->last_seq.column_int(0);
    st_->last_seq.reset();
    return n;
}

bool State::queued(const std::string& calendar, const std::string& uid) {
    bool found = st_->queued.bind(1, calendar).bind(2, uid).step();
    st_->queued.reset();
    return found;
}

void State::done(int64_t seq) {
    st_->done.bind(1, seq).run();
}

int64_t State::pending(const std::string& calendar) {
    st_->pending.bind(1, calendar).step();
    int64_t n = st_->pending.column_int(0);
    st_->pending.reset();
    return n;
}

std::optional<Item> State::item(const std::string& calendar, const std::string& uid) {
    std::optional<Item> out;
    if (st_->item.bind(1, calendar).bind(2, uid).step())
        out = Item{st_->item.column_text(0), st_->item.column_text(1)};
    st_->item.reset();
    return out;
}

std::map<std::string, std::string> State::known(const std::string& calendar) {
    std::map<std::string, std::string> out;
    st_->items.bind(1, calendar);
    while (st_->items.step()) out[st_->items.column_text(1)] = st_->items.column_text(2);
    st_->items.reset();
    return out;
}

std::map<std::string, std::string> State::etags_at(const std::string& calendar,
                                                   const std::vector<std::string>& hrefs) {
    std::map<std::string, std::string> out;
    for (const auto& href : hrefs) {
        if (st_->etag_at.bind(1, calendar).bind(2, href).step())
            out[href] = st_->etag_at.column_text(0);
        st_->etag_at.reset();
    }
    return out;
}

size_t State::count(const std::string& calendar) {
    st_->count.bind(1, calendar).step();
    auto n = static_cast<size_t>(st_->count.column_int(0));
    st_->count.reset();
    return n;
}

std::map<std::string, std::string> State::uids(const std::string& calendar) {
    std::map<std::string, std::string> out;
    st_->items.bind(1, calendar);
    while (st_->items.step()) out[st_->items.column_text(0)] = st_->items.column_text(1);
    st_->items.reset();
    return out;
}

void State::set_item(const std::string& calendar, const std::string& uid, const Item& item) {
    st_->set_item.bind(1, calendar).bind(2, uid).bind(3, item.href).bind(4, item.etag).run();
}

void State::drop_item(const std::string& calendar, const std::string& uid) {
    st_->drop_item.bind(1, calendar).bind(2, uid).run();
}

std::vector<std::string> State::uids_at(const std::string& calendar, const std::string& href) {
    std::vector<std::string> out;
    st_->uids_at.bind(1, calendar).bind(2, href);
    while (st_->uids_at.step()) out.push_back(st_->uids_at.column_text(0));
    st_->uids_at.reset();
    return out;
}

CalendarRow State::calendar(const std::string& name) {
    CalendarRow row;
    auto& st = st_->calendar;
    if (st.bind(1, name).step())
        row = {st.column_text(0), st.column_text(1), opt_int(st, 2),   opt_int(st, 3),
               st.column_text(4), st.column_text(5), st.column_text(6)};
    st.reset();
    return row;
}

void State::succeeded(const std::string& name, const std::string& collection,
                      const std::string& token, Instant now) {
    st_->ensure.bind(1, name).run();
    st_->succeeded.bind(1, name).bind(2, collection).bind(3, token).bind(4, seconds(now)).run();
}

void State::failed(const std::string& name, const std::string& error, const std::string& code,
                   Instant now) {
    st_->ensure.bind(1, name).run();
    st_->failed.bind(1, name).bind(2, error).bind(3, code).bind(4, seconds(now)).run();
}

void State::set_url(const std::string& calendar, const std::string& url) {
    st_->ensure.bind(1, calendar).run();
    st_->set_url.bind(1, calendar).bind(2, url).run();
}

void State::add_conflict(const std::string& calendar, const std::string& uid,
                         const std::string& kept, const std::string& lost_ics, Instant now) {
    st_->add_conflict.bind(1, calendar).bind(2, uid).bind(3, kept).bind(4, lost_ics);
    st_->add_conflict.bind(5, seconds(now)).run();
}

int64_t State::conflicts(const std::string& calendar) {
    st_->conflicts.bind(1, calendar).step();
    int64_t n = st_->conflicts.column_int(0);
    st_->conflicts.reset();
    return n;
}

namespace {

ConflictRow conflict_of(sql::Statement& st) {
    return {st.column_int(0),  st.column_text(1), st.column_text(2),
            st.column_text(3), st.column_text(4), st.column_int(5)};
}

}  // namespace

std::vector<ConflictRow> State::conflict_rows(const std::string& calendar) {
    std::vector<ConflictRow> out;
    st_->conflict_rows.bind(1, calendar);
    while (st_->conflict_rows.step()) out.push_back(conflict_of(st_->conflict_rows));
    st_->conflict_rows.reset();
    return out;
}

std::optional<ConflictRow> State::conflict(int64_t id) {
    std::optional<ConflictRow> out;
    if (st_->conflict.bind(1, id).step()) out = conflict_of(st_->conflict);
    st_->conflict.reset();
    return out;
}

void State::drop_conflict(int64_t id) {
    st_->drop_conflict.bind(1, id).run();
}

void State::reset(const std::string& calendar, int64_t owner, Instant now) {
    st_->reset_calendar.bind(1, calendar).run();
    st_->reset_items.bind(1, calendar).run();
    std::vector<std::string> uids;
    st_->calendar_uids.bind(1, owner).bind(2, calendar);
    while (st_->calendar_uids.step()) uids.push_back(st_->calendar_uids.column_text(0));
    st_->calendar_uids.reset();
    for (const auto& uid : uids) enqueue(calendar, uid, false, now);
}

std::vector<std::string> State::override_uids(int64_t owner, const std::string& uid) {
    std::vector<std::string> out;
    st_->overrides.bind(1, owner).bind(2, uid);
    while (st_->overrides.step()) out.push_back(st_->overrides.column_text(0));
    st_->overrides.reset();
    return out;
}

}  // namespace herald::sync
