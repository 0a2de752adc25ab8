#pragma once
/// The sync tables (migration 6, docs/architecture.md "Sync"): per calendar its collection, token
/// and last result; per synced uid its href and etag; the durable outbox of local changes; the
/// versions conflicts did not keep. Used on the loop thread only, inside the caller's transaction.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "daemon/sqlite.hpp"

namespace herald::sync {

/// A calendar's row in caldav_calendars.
struct CalendarRow {
    std::string collection;
    std::string token;
    std::optional<int64_t> last_success;  ///< Unix seconds
    std::optional<int64_t> last_attempt;
    std::string last_error;
    std::string last_error_code;
    std::string url;  ///< the configured url the state was built from ("" before schema 9)
};

/// One pending local change.
struct OutboxRow {
    int64_t seq = 0;
    std::string uid;
    bool remove = false;
};

/// Where a synced uid lives on the server.
struct Item {
    std::string href;
    std::string etag;
};

/// A version a conflict did not keep (caldav_conflicts).
struct ConflictRow {
    int64_t id = 0;
    std::string calendar;
    std::string uid;
    std::string kept;  ///< the side that won: "server" or "local"
    std::string lost_ics;
    int64_t at = 0;  ///< Unix seconds
};

/// Prepared statements over the sync tables.
class State {
  public:
    /// Statements on `db` (which must be migrated to schema 6).
    explicit State(sql::Db& db);
    ~State();

    /// Queues a put or delete of `uid` in `calendar`, replacing an earlier queued change (the row
    /// gets a new seq, so a run that pushed the older one leaves it).
    void enqueue(const std::string& calendar, const std::string& uid, bool remove, Instant now);
    /// Up to `limit` queued changes of `calendar` after seq `after` up to `last`, oldest first.
    std::vector<OutboxRow> outbox(const std::string& calendar, int64_t after, int64_t last,
                                  int64_t limit);
    /// The seq of the last queued change of `calendar` (0 when none).
    int64_t last_seq(const std::string& calendar);
    /// True when a change of `uid` is queued in `calendar`.
    bool queued(const std::string& calendar, const std::string& uid);
    /// Drops the outbox row `seq` (when it is still there: a newer change has another seq).
    void done(int64_t seq);
    /// Number of queued changes of `calendar`.
    int64_t pending(const std::string& calendar);

    /// The href and etag of `uid` in `calendar`.
    std::optional<Item> item(const std::string& calendar, const std::string& uid);
    /// href → etag of every synced resource of `calendar`.
    std::map<std::string, std::string> known(const std::string& calendar);
    /// href → etag of the synced resources of `calendar` at `hrefs` (those it holds).
    std::map<std::string, std::string> etags_at(const std::string& calendar,
                                                const std::vector<std::string>& hrefs);
    /// Number of synced resources of `calendar`.
    size_t count(const std::string& calendar);
    /// uid → href of every synced resource of `calendar`.
    std::map<std::string, std::string> uids(const std::string& calendar);
    /// Records where `uid` lives.
    void set_item(const std::string& calendar, const std::string& uid, const Item& item);
    /// Forgets `uid`.
    void drop_item(const std::string& calendar, const std::string& uid);
    /// The uids stored at `href`.
    std::vector<std::string> uids_at(const std::string& calendar, const std::string& href);

    /// The row of calendar `name` (empty values when it never ran).
    CalendarRow calendar(const std::string& name);
    /// Records a successful run.
    void succeeded(const std::string& name, const std::string& collection, const std::string& token,
                   Instant now);
    /// Records a failed run.
    void failed(const std::string& name, const std::string& error, const std::string& code,
                Instant now);

    /// Keeps the version a conflict did not keep.
    void add_conflict(const std::string& calendar, const std::string& uid, const std::string& kept,
                      const std::string& lost_ics, Instant now);
    /// Number of versions kept from conflicts in `calendar`.
    int64_t conflicts(const std::string& calendar);
    /// The kept versions of `calendar` (every calendar's when empty), oldest first.
    std::vector<ConflictRow> conflict_rows(const std::string& calendar);
    /// The kept version `id`.
    std::optional<ConflictRow> conflict(int64_t id);
    /// Forgets the kept version `id`.
    void drop_conflict(int64_t id);

    /// Records that `calendar`'s state is built from `url`.
    void set_url(const std::string& calendar, const std::string& url);
    /// Forgets `calendar`'s collection, sync token and items (its `url` changed): the next run
    /// discovers the new collection and pushes every event of the calendar as new (`owner`'s
    /// events are queued); events are kept.
    void reset(const std::string& calendar, int64_t owner, Instant now);

    /// The uids of `owner`'s overrides of the series `uid` ("<uid>#<recurrence-id>").
    std::vector<std::string> override_uids(int64_t owner, const std::string& uid);

  private:
    struct Statements;
    std::unique_ptr<Statements> st_;
};

/// The uid of the resource an event is part of: a series' master's ("a#20250101" → "a").
std::string resource_uid(const std::string& uid);

}  // namespace herald::sync
