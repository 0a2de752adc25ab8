#pragma once
/// The event store: SQLite in WAL mode with synchronous=FULL, schema migrations, an R*Tree index of
/// event spans for window queries and an FTS5 index for text search.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/event.hpp"
#include "core/index_spans.hpp"
#include "daemon/sqlite.hpp"

namespace herald {

/// Told of every event write inside its transaction, so tables that depend on events (alarm
/// schedules, the change feed) change atomically with them.
class StoreObserver {
  public:
    virtual ~StoreObserver() = default;
    /// An event was added (`before` empty) or updated; `after_json` is the JSON stored for it.
    /// `log` is false for the events of an import, which logs one summary change instead.
    virtual void saved(const std::optional<Event>& before, const Event& after,
                       std::string_view after_json, bool log) = 0;
    /// An event was removed at `now`.
    virtual void removed(const Event& before, Instant now) = 0;
};

/// Why 26 h: zone-less events (all-day, floating) are indexed as if in UTC; a viewer may be up to
/// 14 h ahead or 12 h behind, so window queries widen by more than either.
inline constexpr int64_t kZoneSlack = 26 * 3600;
/// Spans at most this long (timed events, all-day days, the instances of sparse series: nearly
/// every row) are listing rows (list_rows), a B-tree clustered by start, instead of R*Tree rows.
/// Why: an R*Tree insert cost several times a B-tree insert and was the largest part of an
/// import; a window query finds a short span by its start alone, within kShortSpan before it.
inline constexpr int64_t kShortSpan = 2 * 86400;

/// One listing row (table list_rows): a span of at most kShortSpan of an event, in (lo, row)
/// order, with the event's brief JSON (every field but description, url, source, alarms,
/// ical_extra, uid, revision, created and updated), which event_from_stored decodes; empty when
/// the row has `shown` text instead (a listing that needs the event reads it by id).
struct ListRow {
    int64_t lo = 0;         ///< span start, seconds (zone-less spans read in UTC)
    int64_t row = 0;        ///< event id * 1024 + k
    int64_t hi = 0;         ///< span end, seconds
    bool floating = false;  ///< zone-less: the viewer's zone moves it by up to kZoneSlack
    std::string brief;      ///< empty with `shown`
    /// The event's brief occurrence without what depends on the viewer (core/agenda_json.hpp,
    /// BriefParts: its instants when `floating`, else its viewer_* fields); empty unless the row
    /// is the one occurrence of an event that does not recur, zoned and timed (its span [lo, hi]
    /// is then exactly the occurrence's) or all-day without a duration (the viewer's zone reads
    /// lo and hi as its bounds).
    std::string shown;
    /// Where in `shown` the viewer's parts go: BriefParts::split + (BriefParts::split2 << 32).
    int64_t shown_at = 0;
    int64_t owner = -1;      ///< the event's owner (set with `shown`)
    bool is_public = false;  ///< the event is public (set with `shown`)
    /// The event's id.
    int64_t id() const;
};

/// Durable storage of events. A write is one sql::Transaction: committed before it returns when
/// used on its own, or a savepoint of the group commit's batch while serving (daemon/group_commit).
class Store {
  public:
    /// Opens or creates the database at `path` and migrates it to the current schema.
    explicit Store(const std::string& path);
    ~Store();

    /// Result of an idempotent add.
    struct AddResult {
        Event event;
        bool created = false;  ///< false when an event with the same uid already existed
        std::string json;      ///< the stored JSON of a created event (empty for a retry)
    };
    /// Stores a new event (id, revision, created and updated are assigned). When `uid` exists
    /// with the same content this is a retry and returns the stored event; with different
    /// content it throws revision_conflict.
    AddResult add(Event e, Instant now);
    /// The event with this id, if any.
    std::optional<Event> get(int64_t id);
    /// An event with this uid: of `viewer`'s own and the public ones (their own first) when a
    /// viewer is given, else of all (uids are unique per owner); the lowest id of several.
    std::optional<Event> get_by_uid(const std::string& uid,
                                    std::optional<int64_t> viewer = std::nullopt);
    /// The event of `owner` with this uid, if any.
    std::optional<Event> get_owned(int64_t owner, const std::string& uid);
    /// Replaces an event when its stored revision equals `expected_revision`; throws not_found or
    /// revision_conflict otherwise. Returns the stored result with the new revision.
    Event update(Event e, int64_t expected_revision, Instant now);
    /// Deletes an event at `now` (checking the revision when given); throws not_found /
    /// revision_conflict.
    void remove(int64_t id, std::optional<int64_t> expected_revision, Instant now);
    /// Every dated event whose span may overlap [from, to) in any viewer zone (a superset).
    std::vector<Event> in_window(Instant from, Instant to);
    /// Up to `limit` listing rows after (after_lo, after_row) with lo < lo_end, in (lo, row)
    /// order, leaving out those with hi < min_hi: a listing reads its window in order, resuming
    /// where it stopped. The last row returned is where to resume, unless fewer than `limit`
    /// came (then every row up to lo_end was seen).
    std::vector<ListRow> list_rows(int64_t after_lo, int64_t after_row, int64_t lo_end,
                                   int64_t min_hi, size_t limit);
    /// Ids of the events with a span longer than kShortSpan (multi-day events, dense series, the
    /// coarse rows of a sparse series) that may overlap [from, to) in any viewer zone.
    std::vector<int64_t> long_span_ids(Instant from, Instant to);
    /// Moves the horizon of per-instance indexing to suit `now` when it is missing or stale, and
    /// re-indexes the series; returns how many were re-indexed (0 when the horizon was fresh).
    /// Called at start; until then (and for a daemon running for years) queries stay correct, only
    /// sparse series outside the horizon are expanded at query time.
    size_t refresh_index(Instant now);
    /// What upsert() did.
    enum class Upsert { added, updated, unchanged };
    /// Called before upsert() writes: the event to store and the one it replaces (null: none).
    using MayWrite = std::function<void(const Event& next, const Event* existing)>;
    /// Within the caller's transaction (no commit of its own): inserts an event with a uid new
    /// to its owner, replaces the owner's one whose content differs (keeping id, owner and
    /// created; revision + 1), or leaves an identical one alone. `may_write` vetoes a write
    /// (throw from it). With `log` each write logs its change message (an import logs one summary
    /// instead; a sync pull logs each).
    Upsert upsert(Event e, Instant now, const MayWrite& may_write, bool log = false);
    /// Every event, in id order.
    std::vector<Event> all();
    /// At most `limit` events with ids above `id`, in id order (a page of all()).
    std::vector<Event> after(int64_t id, size_t limit);
    /// At most `limit` recurring events (a rule or extra dates) with ids above `id`, in id
    /// order, read through their own index (not a scan of every event).
    std::vector<Event> series_after(int64_t id, size_t limit);
    /// Every undated event.
    std::vector<Event> undated();
    /// Full-text search (words are ANDed); best matches first, at most `limit` of those `viewer`
    /// may see (own or public; every event when nullopt): filtered before the limit. Throws
    /// too_large as soon as the rows read pass `max_bytes` of stored text, before reading more,
    /// or once ranking and reading have taken `max_cpu` of the thread's CPU time.
    std::vector<Event> search(const std::string& query, size_t limit,
                              std::optional<int64_t> viewer = std::nullopt,
                              size_t max_bytes = SIZE_MAX,
                              std::chrono::nanoseconds max_cpu = std::chrono::nanoseconds::max() /
                                                                 2);
    /// Number of stored events.
    int64_t count();
    /// Number of events owned by `uid` (per-user quota).
    int64_t count_owned(int64_t uid);
    /// Frees the page cache's unused memory (SQLite re-reads pages as needed): called when the
    /// daemon goes quiet, so an idle daemon does not keep a full cache after a big import.
    void release_memory();
    /// The schema version in use.
    int64_t schema_version();
    /// The underlying connection (for modules that own their own tables).
    sql::Db& db() { return db_; }
    /// Installs the observer told of each write (nullptr: none).
    void set_observer(StoreObserver* observer) { observer_ = observer; }
    /// True when long writers (imports, sync pulls) should pause between slices so that the WAL's
    /// checkpoints catch up (daemon/checkpointer.hpp); false while nothing is installed.
    bool wal_backlogged() const { return wal_backlogged_ && wal_backlogged_(); }
    /// Installs what wal_backlogged() asks.
    void set_wal_backlog(std::function<bool()> backlogged) {
        wal_backlogged_ = std::move(backlogged);
    }
    /// Rows this connection has inserted, updated or deleted so far (whether committed or not).
    int64_t writes() const;

  private:
    void migrate();
    /// Writes the listing rows of zoned events that do not recur anew when the zone data is not
    /// the one their `shown` text was made with (after migration 11: always once).
    void refresh_shown();
    /// The stored revision of event `id`; throws not_found when there is none and
    /// revision_conflict when `expected` is given and differs.
    int64_t revision_at(int64_t id, std::optional<int64_t> expected);
    /// Inserts `e` and returns the JSON stored; `defer_text`: its text row may wait (an add under
    /// group commit), else it is written now (an import's slice writes many at once anyway).
    std::string insert_new(Event& e, Instant now, bool defer_text);
    /// Writes `e` over its row at `current_revision` (revision + 1, updated = now) and re-indexes
    /// it; returns the JSON stored.
    std::string rewrite(Event& e, int64_t current_revision, Instant now);
    /// Indexes `e` (window spans, text); `fresh` when nothing is indexed under its id yet.
    void index(const Event& e, bool fresh, bool defer_text = false);
    void index_window(const Event& e, bool fresh);
    void unindex(int64_t id);
    void unindex_window(int64_t id);
    /// One event's row of the text index.
    struct TextRow {
        std::string title, description, location, source, categories;
        std::string scope;     ///< text_scope(): who may find it (store.cpp)
        bool written = false;  ///< in event_text within the open, uncommitted batch
    };
    /// The text-index row of `e`.
    static TextRow text_row(const Event& e);
    /// Runs `st` (text_insert or text_insert_existing) for one row.
    static void write_text(sql::Statement& st, int64_t id, const TextRow& row);
    /// Writes the pending text rows not yet written, into the open transaction.
    void flush_text();
    /// After a batch's COMMIT: forgets the rows written (ok) or marks them unwritten again.
    void text_committed(bool ok);
    /// At start: indexes the text of events added after event_text's highest rowid (deferred
    /// rows a stop or crash left unwritten).
    void index_missing_text();
    std::optional<Event> read_one(sql::Statement& st);
    std::vector<Event> read_all(sql::Statement& st);

    sql::Db db_;
    size_t last_read_count_ = 0;            ///< events the last read_all returned
    std::function<bool()> wal_backlogged_;  ///< set_wal_backlog's; empty: never backlogged
    /// The events the last in_window returned, by id, while valid (see in_window).
    std::unordered_map<int64_t, Event> window_memo_;
    /// What says the database changed: this connection's total changes, the file's data version.
    using MemoKey = std::pair<int64_t, unsigned>;
    /// The key now; window_memo_ is valid while it equals memo_changes_.
    MemoKey memo_key();
    /// memo_key() when window_memo_ was filled; {-1, 0}: the memo is empty or stale.
    MemoKey memo_changes_{-1, 0};
    struct Statements;
    std::unique_ptr<Statements> st_;
    StoreObserver* observer_ = nullptr;
    IndexHorizon horizon_{};  ///< empty until refresh_index(): every event gets one span
    /// Text rows of added events, written at the COMMIT of a batch once there are kTextBatch of
    /// them, before any search and at start (group commit only; ids only grow).
    std::map<int64_t, TextRow> text_pending_;
    size_t text_unwritten_ = 0;  ///< entries of text_pending_ not yet written
};

/// Throws not_found "no event with id N" naming `field`: the one answer for an event that does
/// not exist and for one the caller may not see (what they may not see does not exist for them).
[[noreturn]] void no_such_event(int64_t id, std::string_view field = "id");

/// Current schema version (PRAGMA user_version) = number of migrations in store.cpp.
inline constexpr int64_t kSchemaVersion = 11;
/// The migration taking a database from user_version `from` to `from` + 1 (tests build databases
/// of released versions with it); `from` is below kSchemaVersion.
const char* schema_migration(int64_t from);
/// PRAGMA application_id of Herald databases ("HRLD").
inline constexpr int64_t kApplicationId = 0x48524C44;

}  // namespace herald
