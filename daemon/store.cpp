#include "daemon/store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <unordered_map>

#include "core/agenda_json.hpp"
#include "core/errors.hpp"
#include "core/event_json.hpp"
#include "core/event_stored.hpp"
#include "core/index_spans.hpp"

namespace herald {
namespace {

// instance_spans rows of event `id` have ids id * kRowsPerEvent + k (k < kRowsPerEvent), so the
// rows of one event are found by rowid lookups (an R*Tree has no other index).
constexpr int64_t kRowsPerEvent = 1024;
static_assert(kMaxIndexedInstances + 2 < kRowsPerEvent, "instance rows must fit an event's block");
// Added events' text rows wait until this many are pending (or a search, or the next start).
// Why: FTS5 writes a new segment, about 7 of the 12 WAL pages of a lone add, each time its rows
// reach the file; 64 adds share one. The text index is derived: an event row acknowledged
// without its text row loses nothing (index_missing_text restores it at start).
constexpr size_t kTextBatch = 64;
// The size a WAL file is cut back to when it starts over (PRAGMA journal_size_limit): 4 MiB, the
// WAL of one automatic checkpoint's worth of pages.
constexpr int64_t kWalSizeLimit = 4 << 20;

// Schema migrations: entry i takes the database from user_version i to i + 1, in one
// transaction. Append new steps at the end; never edit a released one.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    owner INTEGER NOT NULL,
    visibility TEXT NOT NULL,
    precision TEXT NOT NULL,
    revision INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX events_precision ON events(precision);
CREATE VIRTUAL TABLE event_spans USING rtree(id, lo, hi);
CREATE VIRTUAL TABLE event_text USING fts5(title, description, location, source, categories,
                                          tokenize = 'unicode61 remove_diacritics 2');
)sql",
    // Alarm schedules and the delivery ledger (daemon/alarm_store.hpp), pushed messages
    // (daemon/message_log.hpp).
    R"sql(
CREATE TABLE alarm_schedule (
    event_id INTEGER NOT NULL,
    alarm_index INTEGER NOT NULL,
    occurrence INTEGER,
    due INTEGER,
    PRIMARY KEY (event_id, alarm_index)
);
CREATE INDEX alarm_schedule_due ON alarm_schedule(due);
CREATE TABLE alarm_ledger (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL,
    occurrence INTEGER NOT NULL,
    alarm_index INTEGER NOT NULL,
    due INTEGER NOT NULL,
    state TEXT NOT NULL,
    snooze_until INTEGER,
    seq INTEGER,
    fired_at INTEGER,
    owner INTEGER NOT NULL,
    public INTEGER NOT NULL,
    title TEXT NOT NULL,
    UNIQUE (event_id, occurrence, alarm_index)
);
CREATE INDEX alarm_ledger_snoozed ON alarm_ledger(snooze_until) WHERE state = 'snoozed';
CREATE INDEX alarm_ledger_missed ON alarm_ledger(due) WHERE state = 'missed';
CREATE TABLE messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    method TEXT NOT NULL,
    owner INTEGER NOT NULL,
    public INTEGER NOT NULL,
    params TEXT NOT NULL,
    created INTEGER NOT NULL
);
)sql",
    // Sparse series (yearly, monthly) indexed instance by instance inside a horizon around now, so
    // a window query finds only the series with an instance in it (core/index_spans.hpp). Existing
    // rows in event_spans stay valid (a superset) until refresh_index() re-indexes the series.
    R"sql(
CREATE VIRTUAL TABLE instance_spans USING rtree(id, lo, hi);
CREATE TABLE index_horizon (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    lo INTEGER NOT NULL,
    hi INTEGER NOT NULL
);
)sql",
    // Pre-staged firing: the instant a staged message becomes visible (NULL: at once), with a
    // partial index so a restart finds the staged ones not yet visible (daemon/message_log.hpp).
    R"sql(
ALTER TABLE messages ADD COLUMN visible_at INTEGER;
CREATE INDEX messages_staged ON messages(visible_at) WHERE visible_at IS NOT NULL;
)sql",
    // Ids never reused (AUTOINCREMENT: sqlite_sequence keeps the highest id ever given, seeded
    // with every id the ledger or the log still names) and uids per owner (UNIQUE(uid, owner): a
    // user's uid never collides with, so never reveals, another user's event). The ledger rows of
    // events removed before this version are retired with them.
    R"sql(
CREATE TABLE events_v5 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL,
    owner INTEGER NOT NULL,
    visibility TEXT NOT NULL,
    precision TEXT NOT NULL,
    revision INTEGER NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (uid, owner)
);
INSERT INTO events_v5(id, uid, owner, visibility, precision, revision, data)
    SELECT id, uid, owner, visibility, precision, revision, data FROM events;
DROP TABLE events;
ALTER TABLE events_v5 RENAME TO events;
CREATE INDEX events_precision ON events(precision);
INSERT INTO sqlite_sequence(name, seq)
    SELECT 'events', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'events');
UPDATE sqlite_sequence SET seq = max(seq,
    (SELECT coalesce(max(event_id), 0) FROM alarm_ledger),
    (SELECT coalesce(max(event_id), 0) FROM alarm_schedule),
    (SELECT coalesce(max(json_extract(params, '$.event_id')), 0) FROM messages))
    WHERE name = 'events';
DELETE FROM alarm_ledger WHERE event_id NOT IN (SELECT id FROM events);
DELETE FROM alarm_schedule WHERE event_id NOT IN (SELECT id FROM events);
)sql",
    // CalDAV sync state (docs/architecture.md "Sync", daemon/sync_state.hpp): per calendar its
    // collection and sync token, per synced uid its href and etag, the durable outbox of local
    // changes (one row per calendar and uid: the latest operation) and the versions a conflict
    // did not keep.
    R"sql(
CREATE TABLE caldav_calendars (
    name TEXT PRIMARY KEY,
    collection TEXT NOT NULL DEFAULT '',
    sync_token TEXT NOT NULL DEFAULT '',
    last_success INTEGER,
    last_attempt INTEGER,
    last_error TEXT NOT NULL DEFAULT '',
    last_error_code TEXT NOT NULL DEFAULT ''
);
CREATE TABLE caldav_items (
    calendar TEXT NOT NULL,
    uid TEXT NOT NULL,
    href TEXT NOT NULL,
    etag TEXT NOT NULL,
    PRIMARY KEY (calendar, uid)
);
CREATE INDEX caldav_items_href ON caldav_items(calendar, href);
CREATE TABLE caldav_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    calendar TEXT NOT NULL,
    uid TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('put', 'delete')),
    created INTEGER NOT NULL,
    UNIQUE (calendar, uid)
);
CREATE TABLE caldav_conflicts (
    id INTEGER PRIMARY KEY,
    calendar TEXT NOT NULL,
    uid TEXT NOT NULL,
    kept TEXT NOT NULL,
    lost_ics TEXT NOT NULL,
    at INTEGER NOT NULL
);
)sql",
    // Short spans in a B-tree by start (kShortSpan): rows are numbered id * kRowsPerEvent + k like
    // instance_spans. Rows already in the R*Trees stay there (still a superset) until their event
    // is re-indexed.
    R"sql(
CREATE TABLE short_spans (
    row INTEGER PRIMARY KEY,
    lo INTEGER NOT NULL,
    hi INTEGER NOT NULL
);
CREATE INDEX short_spans_lo ON short_spans(lo, hi);
)sql",
    // Listing rows clustered by time (docs/architecture.md, "Storage"): short_spans becomes a
    // WITHOUT ROWID table keyed by (lo, row) whose rows also hold the event's brief JSON (what a
    // listing shows, filters and expands), so a window reads consecutive pages and decodes small
    // rows instead of each event's row scattered by id. `floating`: the span is zone-less (read
    // in UTC; the viewer's zone moves it by up to kZoneSlack).
    R"sql(
CREATE TABLE list_rows (
    lo INTEGER NOT NULL,
    row INTEGER NOT NULL,
    hi INTEGER NOT NULL,
    floating INTEGER NOT NULL,
    brief TEXT NOT NULL,
    PRIMARY KEY (lo, row)
) WITHOUT ROWID;
CREATE INDEX list_rows_row ON list_rows(row);
INSERT INTO list_rows(lo, row, hi, floating, brief)
    SELECT s.lo, s.row, s.hi, coalesce(json_extract(e.data, '$.tz'), '') = '',
           json_remove(e.data, '$.uid', '$.description', '$.url', '$.source', '$.revision',
                       '$.created', '$.updated', '$.precision', '$.all_day', '$.alarms',
                       '$.ical_extra')
    FROM short_spans s JOIN events e ON e.id = s.row / 1024;
DROP TABLE short_spans;
)sql",
    // The url each calendar's sync state was built from (daemon/sync_engine.cpp
    // settings_changed): a url changed in heraldd.toml while heraldd was stopped is another
    // collection too. '' (a database of schema 8): adopted as configured at the next start.
    R"sql(
ALTER TABLE caldav_calendars ADD COLUMN url TEXT NOT NULL DEFAULT '';
)sql",
    // The text index gains a scope column (text_scope(): the owner's token, plus "public" for a
    // public event), so a search's MATCH intersects with what its caller may see before ranking:
    // its work and answer no longer depend on other users' private events. Ranking gives the
    // column weight 0. The rows are rebuilt from events (categories joined by spaces, as
    // Store::text_row does). And the recurring events get a partial index (its WHERE is the
    // `series` statement's), so a windowed export reads them without a scan of every event.
    R"sql(
DROP TABLE event_text;
CREATE VIRTUAL TABLE event_text USING fts5(title, description, location, source, categories,
                                          scope, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO event_text(event_text, rank) VALUES('rank', 'bm25(1, 1, 1, 1, 1, 0)');
INSERT INTO event_text(rowid, title, description, location, source, categories, scope)
    SELECT id, coalesce(json_extract(data, '$.title'), ''),
           coalesce(json_extract(data, '$.description'), ''),
           coalesce(json_extract(data, '$.location'), ''),
           coalesce(json_extract(data, '$.source'), ''),
           coalesce((SELECT group_concat(value, ' ') FROM json_each(data, '$.categories')), ''),
           'u' || owner || CASE visibility WHEN 'public' THEN ' public' ELSE '' END
    FROM events ORDER BY id;
CREATE INDEX events_series ON events(id)
    WHERE (coalesce(json_extract(data, '$.rrule'), '') <> ''
           OR coalesce(json_array_length(data, '$.rdates'), 0) > 0);
)sql",
    // Listing rows of events that do not recur, zoned or all-day, keep their brief occurrence
    // encoded (docs/architecture.md, "Listing is per row"): `shown` is its text without what
    // depends on the viewer (ListRow::shown), which belongs at `shown_at`; `owner` and `public`
    // authorize it without decoding `brief`. '' for every other row. A zoned text depends on the
    // zone data it was made with: `version` of listing_zones is that data's, and the store
    // writes every such row anew at start when it differs ('' here: this start fills them).
    R"sql(
ALTER TABLE list_rows ADD COLUMN shown TEXT NOT NULL DEFAULT '';
ALTER TABLE list_rows ADD COLUMN shown_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE list_rows ADD COLUMN owner INTEGER NOT NULL DEFAULT -1;
ALTER TABLE list_rows ADD COLUMN public INTEGER NOT NULL DEFAULT 0;
CREATE TABLE listing_zones (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version TEXT NOT NULL
);
INSERT INTO listing_zones(id, version) VALUES(1, '');
)sql",
};
static_assert(std::size(kMigrations) == kSchemaVersion, "kSchemaVersion must count the migrations");

// Recurring events (a rule or extra dates): the WHERE of the partial index events_series
// (migration 9), word for word, so that SQLite uses the index for the queries that repeat it.
constexpr const char* kSeriesWhere =
    "(coalesce(json_extract(data, '$.rrule'), '') <> '' OR coalesce(json_array_length(data, "
    "'$.rdates'), 0) > 0)";

std::string content_key(const Event& e) {
    Json j = to_json(e);
    for (const char* k : {"id", "revision", "owner", "created", "updated"}) j.erase(k);
    return j.dump();
}

// What a listing row keeps of an event: all but the fields a listing neither shows, filters on
// nor expands (the same keys migration 8 removes with json_remove).
std::string brief_json(const Event& e) {
    Json j = to_json(e);
    for (const char* k : {"uid", "description", "url", "source", "revision", "created", "updated",
                          "precision", "all_day", "alarms", "ical_extra"})
        j.erase(k);
    return j.dump();
}

// The scope column of an event's text row: "u<owner>", and "public" when everyone may see it
// (migration 9 writes the same in SQL). search() matches the viewer's two tokens against it.
std::string text_scope(int64_t owner, Visibility visibility) {
    return "u" + std::to_string(owner) + (visibility == Visibility::public_ ? " public" : "");
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
    return out;
}

}  // namespace

struct Store::Statements {
    explicit Statements(sql::Db& db)
        : insert(db,
                 "INSERT INTO events(id, uid, owner, visibility, precision, revision, data) "
                 "VALUES(?,?,?,?,?,?,?)"),
          next_id(
              db,
              "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0) + 1"),
          update(db,
                 "UPDATE events SET owner=?, visibility=?, precision=?, revision=?, data=? WHERE "
                 "id=? AND revision=?"),
          remove(db, "DELETE FROM events WHERE id = ?"),
          by_id(db, "SELECT data FROM events WHERE id = ?"),
          by_uid(db,
                 "SELECT data FROM events WHERE uid = ?1 AND (?2 IS NULL OR owner = ?2 OR "
                 "visibility = 'public') ORDER BY owner IS NOT ?2, id LIMIT 1"),
          by_owner_uid(db, "SELECT data FROM events WHERE uid = ? AND owner = ?"),
          revision(db, "SELECT revision FROM events WHERE id = ?"),
          window(db, "SELECT id FROM event_spans WHERE hi >= ?1 AND lo < ?2 UNION SELECT id / " +
                         std::to_string(kRowsPerEvent) +
                         " FROM instance_spans WHERE hi >= ?1 AND lo < ?2 UNION SELECT row / " +
                         std::to_string(kRowsPerEvent) + " FROM list_rows WHERE lo >= ?1 - " +
                         std::to_string(kShortSpan) + " AND lo < ?2 AND hi >= ?1"),
          long_window(db,
                      "SELECT id FROM event_spans WHERE hi >= ?1 AND lo < ?2 UNION SELECT id / " +
                          std::to_string(kRowsPerEvent) +
                          " FROM instance_spans WHERE hi >= ?1 AND lo < ?2"),
          list_page(db,
                    "SELECT lo, row, hi, floating, brief, shown, shown_at, owner, public FROM "
                    "list_rows WHERE (lo, row) > (?1, ?2) AND lo < ?3 AND hi >= ?5 ORDER BY lo, "
                    "row LIMIT ?4"),
          undated(db, "SELECT data FROM events WHERE precision = 'none' ORDER BY id"),
          all(db, "SELECT data FROM events ORDER BY id"),
          count(db, "SELECT count(*) FROM events"),
          count_owned(db, "SELECT count(*) FROM events WHERE owner = ?"),
          span_insert(db, "INSERT OR REPLACE INTO event_spans(id, lo, hi) VALUES(?,?,?)"),
          span_delete(db, "DELETE FROM event_spans WHERE id = ?"),
          instance_insert(db, "INSERT INTO instance_spans(id, lo, hi) VALUES(?,?,?)"),
          instance_delete(db, "DELETE FROM instance_spans WHERE id = ?"),
          short_insert(
              db,
              "INSERT INTO list_rows(lo, row, hi, floating, brief, shown, shown_at, owner, "
              "public) VALUES(?,?,?,?,?,?,?,?,?)"),
          short_delete(db, "DELETE FROM list_rows WHERE row >= ?1 * " +
                               std::to_string(kRowsPerEvent) + " AND row < (?1 + 1) * " +
                               std::to_string(kRowsPerEvent)),
          recurring(db, "SELECT data FROM events WHERE " + std::string(kSeriesWhere)),
          series(db, "SELECT data FROM events WHERE " + std::string(kSeriesWhere) +
                         " AND id > ?1 ORDER BY id LIMIT ?2"),
          text_insert(
              db,
              "INSERT INTO event_text(rowid, title, description, location, source, categories, "
              "scope) VALUES(?,?,?,?,?,?,?)"),
          text_insert_existing(
              db,
              "INSERT OR REPLACE INTO event_text(rowid, title, description, location, source, "
              "categories, scope) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE EXISTS (SELECT 1 FROM "
              "events WHERE id = ?1)"),
          text_delete(db, "DELETE FROM event_text WHERE rowid = ?"),
          text_missing(db,
                       "SELECT data FROM events WHERE id > coalesce((SELECT rowid FROM event_text "
                       "ORDER BY rowid DESC LIMIT 1), 0) ORDER BY id"),
          search(db,
                 "SELECT e.data FROM event_text t JOIN events e ON e.id = t.rowid WHERE event_text "
                 "MATCH ?1 AND (?2 IS NULL OR e.owner = ?2 OR e.visibility = 'public') "
                 "ORDER BY rank LIMIT ?3") {}
    sql::Statement insert, next_id, update, remove, by_id, by_uid, by_owner_uid, revision, window,
        long_window, list_page, undated, all, count, count_owned, span_insert, span_delete,
        instance_insert, instance_delete, short_insert, short_delete, recurring, series,
        text_insert, text_insert_existing, text_delete, text_missing, search;
};

Store::Store(const std::string& path) : db_(path) {
    // Why first: another application's database must be refused before anything (such as the
    // switch to WAL, which persists in the file) changes it.
    int64_t app = db_.query_int("PRAGMA application_id");
    if (app != 0 && app != kApplicationId)
        throw HeraldError(ErrorCode::storage_error,
                          "the database file belongs to another application (application_id " +
                              std::to_string(app) + ")");
    db_.exec("PRAGMA journal_mode=WAL");
    // Why FULL: an acknowledged write must survive a power loss, not only a process crash.
    db_.exec("PRAGMA synchronous=FULL");
    db_.exec("PRAGMA foreign_keys=ON");
    // Why in memory: statement journals and sorter spills would otherwise be files created and
    // unlinked in /var/tmp during ordinary writes.
    db_.exec("PRAGMA temp_store=MEMORY");
    // Why a limit: a WAL grown during a big import keeps its size on disk when it starts over;
    // with the limit its next commit truncates it (the checkpointer bounds it at about 40 MiB).
    db_.exec("PRAGMA journal_size_limit=" + std::to_string(kWalSizeLimit));
    migrate();
    st_ = std::make_unique<Statements>(db_);
    refresh_shown();
    index_missing_text();
    db_.set_commit_hooks(
        [this] {
            if (text_unwritten_ >= kTextBatch) flush_text();
        },
        [this](bool ok) { text_committed(ok); });
}

Store::~Store() = default;

const char* schema_migration(int64_t from) {
    return kMigrations[from];
}

void Store::migrate() {
    int64_t version = db_.query_int("PRAGMA user_version");
    if (version > kSchemaVersion)
        throw HeraldError(ErrorCode::storage_error,
                          "the database has schema version " + std::to_string(version) +
                              ", newer than this heraldd understands (" +
                              std::to_string(kSchemaVersion) + "); upgrade heraldd");
    for (; version < kSchemaVersion; ++version) {
        sql::Transaction tx(db_);
        db_.exec(kMigrations[version]);
        db_.exec("PRAGMA application_id=" + std::to_string(kApplicationId));
        db_.exec("PRAGMA user_version=" + std::to_string(version + 1));
        tx.commit();
    }
}

std::optional<Event> Store::read_one(sql::Statement& st) {
    std::optional<Event> out;
    if (st.step()) out = event_from_stored(st.column_view(0));
    return out;
}

std::vector<Event> Store::read_all(sql::Statement& st) {
    std::vector<Event> out;
    // The last result's size as a guess: repeated listings are alike, and growing a vector of
    // a thousand events by doubling moves each several times.
    out.reserve(std::min<size_t>(last_read_count_, 4096));
    while (auto e = read_one(st)) out.push_back(std::move(*e));
    st.reset();
    last_read_count_ = out.size();
    return out;
}

void Store::index_window(const Event& e, bool fresh) {
    if (!fresh) unindex_window(e.id);
    IndexSpans spans = index_spans(e, horizon_);
    // R*Tree stores 32-bit floats, rounded outwards, so the index stays a superset.
    auto secs = [](Instant t) { return static_cast<double>(t.time_since_epoch().count()); };
    // Short and long rows are numbered apart, each from the block's start without gaps.
    int64_t short_row = e.id * kRowsPerEvent, long_row = short_row;
    std::string brief;  // written once, for the first short span
    const bool floating = e.start.tz.empty();
    for (const auto& s : spans.spans) {
        int64_t lo = s.begin.time_since_epoch().count(), hi = s.end.time_since_epoch().count();
        if (hi - lo <= kShortSpan) {
            // Why only an event's one span: it is then the event's one occurrence. Why no brief
            // with the text: both made the rows a third larger and an import a quarter slower;
            // the listings that need the event (filters) read it by id instead.
            std::optional<BriefParts> shown;
            if (!spans.per_instance && spans.spans.size() == 1)
                shown = brief_parts({&e, s.begin, s.end, e.start});
            if (!shown && brief.empty()) brief = brief_json(e);
            st_->short_insert.bind(1, lo)
                .bind(2, short_row++)
                .bind(3, hi)
                .bind(4, int64_t{floating})
                .bind(5, shown ? std::string_view("") : std::string_view(brief))
                .bind(6, shown ? std::string_view(shown->text) : std::string_view(""))
                .bind(7, shown ? static_cast<int64_t>(shown->split + (shown->split2 << 32))
                               : int64_t{0})
                .bind(8, e.owner)
                .bind(9, int64_t{e.visibility == Visibility::public_})
                .run();
        } else if (spans.per_instance) {
            st_->instance_insert.bind(1, long_row++)
                .bind(2, secs(s.begin))
                .bind(3, secs(s.end))
                .run();
        } else {
            st_->span_insert.bind(1, e.id).bind(2, secs(s.begin)).bind(3, secs(s.end)).run();
        }
    }
}

void Store::unindex_window(int64_t id) {
    st_->span_delete.bind(1, id).run();
    st_->short_delete.bind(1, id).run();
    // An event's instance rows are numbered from its block's start without gaps.
    for (int64_t row = id * kRowsPerEvent; row < (id + 1) * kRowsPerEvent; ++row) {
        st_->instance_delete.bind(1, row).run();
        if (db_.changes() == 0) break;
    }
}

Store::TextRow Store::text_row(const Event& e) {
    return {e.title,  e.description,      e.location,
            e.source, join(e.categories), text_scope(e.owner, e.visibility),
            false};
}

void Store::write_text(sql::Statement& st, int64_t id, const TextRow& row) {
    st.bind(1, id)
        .bind(2, row.title)
        .bind(3, row.description)
        .bind(4, row.location)
        .bind(5, row.source)
        .bind(6, row.categories)
        .bind(7, row.scope)
        .run();
}

void Store::index(const Event& e, bool fresh, bool defer_text) {
    // A fresh id has nothing indexed under it yet (remove() unindexes), so there is nothing to
    // delete first: three statements fewer per add.
    index_window(e, fresh);
    if (fresh && defer_text && db_.batching()) {
        // An id given again after its add rolled back may have been written already.
        auto [it, added] = text_pending_.try_emplace(e.id);
        if (!added && it->second.written) st_->text_delete.bind(1, e.id).run();
        if (added || it->second.written) ++text_unwritten_;
        it->second = text_row(e);
        return;
    }
    if (!fresh) {
        // Why everything pending first: index_missing_text finds unwritten rows as the ids above
        // event_text's highest rowid, so no row may be written before a lower pending one.
        flush_text();
        st_->text_delete.bind(1, e.id).run();
    }
    write_text(st_->text_insert, e.id, text_row(e));
}

void Store::flush_text() {
    if (text_unwritten_ == 0) return;
    for (auto& [id, row] : text_pending_) {
        if (row.written) continue;
        // Why only when the event exists: its add may have been rolled back since. Why OR
        // REPLACE: a row marked unwritten after a failure may be there still.
        write_text(st_->text_insert_existing, id, row);
        row.written = true;
    }
    text_unwritten_ = 0;
}

void Store::text_committed(bool ok) {
    if (ok) {
        std::erase_if(text_pending_, [](const auto& kv) { return kv.second.written; });
        return;
    }
    for (auto& [id, row] : text_pending_) row.written = false;
    text_unwritten_ = text_pending_.size();
}

void Store::index_missing_text() {
    std::vector<Event> missing = read_all(st_->text_missing);
    if (missing.empty()) return;
    sql::Transaction tx(db_);
    for (const auto& e : missing) write_text(st_->text_insert, e.id, text_row(e));
    tx.commit();
}

size_t Store::refresh_index(Instant now) {
    int64_t lo = 0, hi = 0;
    bool stored = db_.query_int("SELECT count(*) FROM index_horizon") > 0;
    if (stored) {
        lo = db_.query_int("SELECT lo FROM index_horizon");
        hi = db_.query_int("SELECT hi FROM index_horizon");
        horizon_ = {Instant{Seconds{lo}}, Instant{Seconds{hi}}};
        if (horizon_fresh(horizon_, now)) return 0;
    }
    // Why every series and not only those with instance rows: a series may change from dense to
    // sparse (or back) when the horizon moves, and a database from schema 2 has none yet.
    sql::Transaction tx(db_);
    horizon_ = index_horizon_at(now);
    db_.exec("INSERT OR REPLACE INTO index_horizon(id, lo, hi) VALUES(1, " +
             std::to_string(horizon_.begin.time_since_epoch().count()) + ", " +
             std::to_string(horizon_.end.time_since_epoch().count()) + ")");
    std::vector<Event> series = read_all(st_->recurring);
    for (const auto& e : series) index_window(e, false);
    tx.commit();
    return series.size();
}

void Store::refresh_shown() {
    // Why the zone data's version: a row's text holds instants, offsets and abbreviations read
    // from it, which a tzdata upgrade may change; the slow path would compute them anew.
    const std::string version = date::get_tzdb().version;
    sql::Statement current(db_, "SELECT version FROM listing_zones WHERE id = 1");
    bool same = current.step() && current.column_view(0) == version;
    current.reset();
    if (same) return;
    sql::Transaction tx(db_);
    // Every dated event that does not recur, its rows written anew (the spans of zoned ones
    // too: the same zone data moves them), a batch of ids at a time.
    sql::Statement batch(db_,
                         "SELECT data FROM events WHERE id > ?1 AND precision IN ('minute', "
                         "'day') AND NOT " +
                             std::string(kSeriesWhere) + " ORDER BY id LIMIT 512");
    for (int64_t after = 0;;) {
        batch.bind(1, after);
        std::vector<Event> events = read_all(batch);
        if (events.empty()) break;
        for (const auto& e : events) index_window(e, false);
        after = events.back().id;
    }
    sql::Statement done(db_, "UPDATE listing_zones SET version = ?1 WHERE id = 1");
    done.bind(1, version).run();
    tx.commit();
}

void Store::unindex(int64_t id) {
    unindex_window(id);
    flush_text();  // as in index(): no row is removed while a lower one is unwritten
    st_->text_delete.bind(1, id).run();
}

Store::AddResult Store::add(Event e, Instant now) {
    if (auto existing = get_owned(e.owner, e.uid)) {
        if (content_key(*existing) != content_key(e))
            throw HeraldError(ErrorCode::revision_conflict,
                              "an event with uid " + e.uid + " already exists (id " +
                                  std::to_string(existing->id) +
                                  ") with different content; use event.update to change it",
                              "uid");
        return {std::move(*existing), false, {}};
    }
    sql::Transaction tx(db_);
    std::string json = insert_new(e, now, true);
    if (observer_) observer_->saved(std::nullopt, e, json, true);
    tx.commit();
    return {std::move(e), true, std::move(json)};
}

std::string Store::insert_new(Event& e, Instant now, bool defer_text) {
    e.revision = 1;
    e.created = e.updated = now;
    // The JSON holds the id, so the id is taken first and the row written once: the next after
    // the highest ever given (AUTOINCREMENT's sqlite_sequence, which this insert then advances;
    // one writer: nothing races it). Why never reused: alarms, snoozes and clients name events
    // by id, and a reused id would hand them another (maybe another user's) event.
    st_->next_id.step();
    e.id = st_->next_id.column_int(0);
    st_->next_id.reset();
    std::string json;
    st_->insert.bind(1, e.id)
        .bind(2, e.uid)
        .bind(3, e.owner)
        .bind(4, to_string(e.visibility))
        .bind(5, to_string(e.start.precision))
        .bind(6, e.revision)
        .bind(7, json = to_json(e).dump())
        .run();
    index(e, true, defer_text);
    return json;
}

std::optional<Event> Store::get(int64_t id) {
    st_->by_id.bind(1, id);
    auto e = read_one(st_->by_id);
    st_->by_id.reset();
    return e;
}

std::optional<Event> Store::get_by_uid(const std::string& uid, std::optional<int64_t> viewer) {
    st_->by_uid.bind(1, uid);
    if (viewer)
        st_->by_uid.bind(2, *viewer);
    else
        st_->by_uid.bind_null(2);
    auto e = read_one(st_->by_uid);
    st_->by_uid.reset();
    return e;
}

std::optional<Event> Store::get_owned(int64_t owner, const std::string& uid) {
    st_->by_owner_uid.bind(1, uid).bind(2, owner);
    auto e = read_one(st_->by_owner_uid);
    st_->by_owner_uid.reset();
    return e;
}

void no_such_event(int64_t id, std::string_view field) {
    throw HeraldError(ErrorCode::not_found, "no event with id " + std::to_string(id),
                      std::string(field));
}

int64_t Store::revision_at(int64_t id, std::optional<int64_t> expected) {
    st_->revision.bind(1, id);
    bool found = st_->revision.step();
    int64_t current = found ? st_->revision.column_int(0) : 0;
    st_->revision.reset();
    if (!found) no_such_event(id);
    if (expected && *expected != current)
        throw HeraldError(ErrorCode::revision_conflict,
                          "event " + std::to_string(id) + " is at revision " +
                              std::to_string(current) + ", not " + std::to_string(*expected) +
                              "; fetch it again and retry",
                          "revision");
    return current;
}

Event Store::update(Event e, int64_t expected_revision, Instant now) {
    sql::Transaction tx(db_);
    int64_t current = revision_at(e.id, expected_revision);
    std::optional<Event> before = observer_ ? get(e.id) : std::nullopt;
    std::string json = rewrite(e, current, now);
    if (observer_) observer_->saved(before, e, json, true);
    tx.commit();
    return e;
}

std::string Store::rewrite(Event& e, int64_t current_revision, Instant now) {
    e.revision = current_revision + 1;
    e.updated = now;
    std::string json = to_json(e).dump();
    st_->update.bind(1, e.owner)
        .bind(2, to_string(e.visibility))
        .bind(3, to_string(e.start.precision))
        .bind(4, e.revision)
        .bind(5, json)
        .bind(6, e.id)
        .bind(7, current_revision)
        .run();
    index(e, false);
    return json;
}

void Store::remove(int64_t id, std::optional<int64_t> expected_revision, Instant now) {
    sql::Transaction tx(db_);
    revision_at(id, expected_revision);
    if (observer_)
        if (auto before = get(id)) observer_->removed(*before, now);
    st_->remove.bind(1, id).run();
    unindex(id);
    tx.commit();
}

std::vector<Event> Store::in_window(Instant from, Instant to) {
    st_->window.bind(1, static_cast<double>(from.time_since_epoch().count() - kZoneSlack))
        .bind(2, static_cast<double>(to.time_since_epoch().count() + kZoneSlack));
    // Why a memo of the previous call's events: a listing asks for its window slice by slice and
    // page by page, each widened by the zone slack, so most events of one call come again in the
    // next; each would otherwise be read and decoded two to three times. Why only outside a
    // transaction and until the database's next change: then the memo holds committed content
    // only, and any write (or a write later rolled back) makes it stale, so it is dropped.
    const bool memo = !db_.in_transaction();
    std::unordered_map<int64_t, Event> before;
    before.swap(window_memo_);
    std::vector<Event> out;
    out.reserve(before.size());
    MemoKey changes{-1, 0};
    // Why the rows are read while the id query is still stepping: all in its one read
    // transaction, not one (with its file locks) per event.
    while (st_->window.step()) {
        if (changes.first < 0) {
            changes = memo_key();  // as of this read transaction
            if (!memo || changes != memo_changes_) before.clear();
        }
        int64_t id = st_->window.column_int(0);
        if (auto it = before.find(id); it != before.end()) {
            out.push_back(it->second);
            if (memo) window_memo_.emplace(id, std::move(it->second));
        } else if (auto e = get(id)) {
            out.push_back(std::move(*e));
            if (memo) window_memo_.emplace(id, out.back());
        }
    }
    st_->window.reset();
    memo_changes_ = memo ? changes : MemoKey{-1, 0};
    // The union's ids come sorted from its temporary index; in id order whatever the plan.
    auto by_id = [](const Event& a, const Event& b) { return a.id < b.id; };
    if (!std::is_sorted(out.begin(), out.end(), by_id)) std::sort(out.begin(), out.end(), by_id);
    return out;
}

int64_t ListRow::id() const {
    return row / kRowsPerEvent;
}

std::vector<ListRow> Store::list_rows(int64_t after_lo, int64_t after_row, int64_t lo_end,
                                      int64_t min_hi, size_t limit) {
    auto& st = st_->list_page;
    st.bind(1, after_lo)
        .bind(2, after_row)
        .bind(3, lo_end)
        .bind(4, static_cast<int64_t>(limit))
        .bind(5, min_hi);
    std::vector<ListRow> out;
    out.reserve(limit);
    while (st.step())
        out.push_back({st.column_int(0), st.column_int(1), st.column_int(2), st.column_int(3) != 0,
                       std::string(st.column_view(4)), std::string(st.column_view(5)),
                       st.column_int(6), st.column_int(7), st.column_int(8) != 0});
    st.reset();
    return out;
}

std::vector<int64_t> Store::long_span_ids(Instant from, Instant to) {
    auto& st = st_->long_window;
    st.bind(1, static_cast<double>(from.time_since_epoch().count() - kZoneSlack))
        .bind(2, static_cast<double>(to.time_since_epoch().count() + kZoneSlack));
    std::vector<int64_t> out;
    while (st.step()) out.push_back(st.column_int(0));
    st.reset();
    return out;
}

Store::MemoKey Store::memo_key() {
    // Why both: total changes count this connection's writes, rolled back or not; the data
    // version, the commits of other connections to the file (as of the last read).
    unsigned version = 0;
    sqlite3_file_control(db_.handle(), "main", SQLITE_FCNTL_DATA_VERSION, &version);
    return {sqlite3_total_changes64(db_.handle()), version};
}

std::vector<Event> Store::undated() {
    return read_all(st_->undated);
}

std::vector<Event> Store::all() {
    return read_all(st_->all);
}

std::vector<Event> Store::after(int64_t id, size_t limit) {
    // Prepared per call: a page of an export is hundreds of rows, the prepare a few microseconds.
    sql::Statement st(db_, "SELECT data FROM events WHERE id > ?1 ORDER BY id LIMIT ?2");
    st.bind(1, id).bind(2, static_cast<int64_t>(limit));
    return read_all(st);
}

std::vector<Event> Store::series_after(int64_t id, size_t limit) {
    st_->series.bind(1, id).bind(2, static_cast<int64_t>(limit));
    return read_all(st_->series);
}

Store::Upsert Store::upsert(Event e, Instant now, const MayWrite& may_write, bool log) {
    // Why raw JSON first: comparing stored and new content needs no Event round trip, and an
    // unchanged re-import is the common case of a big calendar.
    st_->by_owner_uid.bind(1, e.uid).bind(2, e.owner);
    std::optional<std::string> stored;
    if (st_->by_owner_uid.step()) stored = st_->by_owner_uid.column_text(0);
    st_->by_owner_uid.reset();
    if (stored) {
        Json j = Json::parse(*stored);
        for (const char* k : {"id", "revision", "owner", "created", "updated"}) j.erase(k);
        if (j.dump() == content_key(e)) return Upsert::unchanged;
    }
    auto existing = stored ? std::optional<Event>(event_from_stored(*stored)) : std::nullopt;
    // Imports schedule each event's alarms but log one summary change, not one per event
    // (handlers_calendar.cpp): a calendar of 100,000 events would otherwise add as many
    // messages, each holding its event.
    may_write(e, existing ? &*existing : nullptr);
    if (!existing) {
        std::string json = insert_new(e, now, false);
        if (observer_) observer_->saved(std::nullopt, e, json, log);
        return Upsert::added;
    }
    e.id = existing->id;
    e.owner = existing->owner;
    e.created = existing->created;
    std::string json = rewrite(e, existing->revision, now);
    if (observer_) observer_->saved(existing, e, json, log);
    return Upsert::updated;
}

namespace {

/// Interrupts the statements of `db` once this thread has spent `limit` of CPU time on them,
/// while it lives (checked every thousand SQLite VM steps). Why the thread's CPU time and not the
/// wall clock: a query preempted on a busy machine is not refused for the time it waited.
class CpuBudget {
  public:
    CpuBudget(sql::Db& db, std::chrono::nanoseconds limit) : db_(db), deadline_(now() + limit) {
        sqlite3_progress_handler(db_.handle(), 1000, &CpuBudget::tick, this);
    }
    ~CpuBudget() { sqlite3_progress_handler(db_.handle(), 0, nullptr, nullptr); }
    CpuBudget(const CpuBudget&) = delete;
    CpuBudget& operator=(const CpuBudget&) = delete;
    /// True once the budget ran out (the statement was interrupted).
    bool spent() const { return spent_; }

  private:
    static std::chrono::nanoseconds now() {
        timespec ts{};
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return std::chrono::seconds{ts.tv_sec} + std::chrono::nanoseconds{ts.tv_nsec};
    }
    static int tick(void* self) {
        auto* b = static_cast<CpuBudget*>(self);
        b->spent_ = now() >= b->deadline_;
        return b->spent_ ? 1 : 0;
    }
    sql::Db& db_;
    std::chrono::nanoseconds deadline_;
    bool spent_ = false;
};

}  // namespace

std::vector<Event> Store::search(const std::string& query, size_t limit,
                                 std::optional<int64_t> viewer, size_t max_bytes,
                                 std::chrono::nanoseconds max_cpu) {
    // Each word becomes a quoted FTS5 string so user text is never parsed as FTS5 syntax, and a
    // prefix ("kyrg"* finds Kyrgyzstan). Why every word a prefix, not only the last: people type
    // the start of the words they remember, in any order ("hon kyrg"), and a whole word is still
    // its own prefix.
    std::string fts;
    std::string word;
    auto flush = [&] {
        if (word.empty()) return;
        std::string quoted = "\"";
        for (char c : word) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
        fts += (fts.empty() ? "" : " ") + quoted + "\"*";
        word.clear();
    };
    for (size_t i = 0; i < query.size(); ++i) {
        // Why refused: a NUL ends the FTS5 query inside SQLite, and no stored text holds controls.
        if (auto u = static_cast<unsigned char>(query[i]); (u < 0x20 && u != '\t') || u == 0x7f) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "U+%04X", u);
            bad_param("query", "query must not contain control characters (" + std::string(hex) +
                                   " at byte " + std::to_string(i) + "); expected words");
        }
        char c = query[i];
        if (c == ' ' || c == '\t')
            flush();
        else
            word += c;
    }
    flush();
    if (fts.empty()) bad_param("query", "query is empty; expected one or more words");
    // The words match the text columns only (a word such as "public" never matches the scope).
    // Why the scope inside the MATCH and not only in the WHERE: FTS5 then intersects the words'
    // doclists with the viewer's own and the public rows before ranking, so neither the work
    // (the CPU budget below) nor the answer depends on other users' private events; a filter
    // after the MATCH would rank every user's matches first.
    fts = "{title description location source categories} : (" + fts + ")";
    if (viewer) fts += " AND scope : (\"u" + std::to_string(*viewer) + "\" OR \"public\")";
    if (text_unwritten_ > 0) {
        // A search sees every event added before it: the pending text rows are written first.
        sql::Transaction tx(db_);
        flush_text();
        tx.commit();
        if (!db_.batch_open()) text_committed(true);  // committed on its own, not by a batch
    }
    st_->search.bind(1, fts).bind(3, static_cast<int64_t>(limit));
    if (viewer)
        st_->search.bind(2, *viewer);
    else
        st_->search.bind_null(2);
    CpuBudget cpu(db_, max_cpu);
    try {
        // Why counted while reading: limit=10000 over large descriptions built hundreds of MB
        // before the reply's size was checked; the stored text is the reply's size, near enough.
        std::vector<Event> out;
        size_t bytes = 0;
        while (st_->search.step()) {
            std::string_view data = st_->search.column_view(0);
            bytes += data.size();
            if (bytes > max_bytes) {
                st_->search.reset();
                throw HeraldError(ErrorCode::too_large,
                                  "the " + std::to_string(out.size() + 1) +
                                      " best matches hold more than " + std::to_string(max_bytes) +
                                      " bytes, more than one reply may take; ask for less: a "
                                      "smaller limit or more query words",
                                  "limit");
            }
            out.push_back(event_from_stored(data));
        }
        st_->search.reset();
        return out;
    } catch (...) {
        // The request's rollback takes the rows just written with it: they are written again.
        text_committed(false);
        if (!cpu.spent()) throw;
        st_->search.reset();
        throw HeraldError(
            ErrorCode::too_large,
            "the query matches more events than one request may rank, best first, "
            "within " +
                std::to_string(
                    std::chrono::duration_cast<std::chrono::milliseconds>(max_cpu).count()) +
                " ms of work; add words to narrow it",
            "query");
    }
}

int64_t Store::count() {
    st_->count.step();
    int64_t n = st_->count.column_int(0);
    st_->count.reset();
    return n;
}

int64_t Store::count_owned(int64_t uid) {
    st_->count_owned.bind(1, uid);
    st_->count_owned.step();
    int64_t n = st_->count_owned.column_int(0);
    st_->count_owned.reset();
    return n;
}

int64_t Store::writes() const {
    return sqlite3_total_changes64(db_.handle());
}

void Store::release_memory() {
    window_memo_ = {};
    memo_changes_ = {-1, 0};
    sqlite3_db_release_memory(db_.handle());
}

int64_t Store::schema_version() {
    return db_.query_int("PRAGMA user_version");
}

}  // namespace herald
