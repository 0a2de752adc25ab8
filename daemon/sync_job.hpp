#pragma once
/// The messages between the loop and the sync worker (docs/architecture.md "Sync"): a job holds
/// everything one run needs, so the worker never reads the database; an outcome holds everything
/// it learnt, so the loop applies it in one transaction. Plain values, moved across threads.

#include <atomic>
#include <functional>
#include <future>
#include <map>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "caldav/client.hpp"
#include "daemon/settings.hpp"

namespace herald::sync {

/// One pending local change, as the loop read it from caldav_outbox.
struct OutboxItem {
    int64_t seq = 0;  ///< the outbox row; the loop deletes it only if still this one
    std::string uid;  ///< the resource's uid (the master's for a series)
    bool remove = false;
    std::string href;  ///< known href (empty: a new resource)
    std::string etag;  ///< known etag, sent as If-Match (empty: If-None-Match *)
    std::string ics;   ///< the resource's text (empty for a removal)
};

/// What the loop holds of a calendar's synced resources, read for the worker.
struct Known {
    std::map<std::string, std::string> etags;  ///< href → etag
    size_t count = 0;                          ///< resources held (when asked for)
};

/// Asks the loop for the etags it holds at `hrefs` (of every synced resource when `all`), and
/// with `count` how many it holds. Why asked, not carried in the job: with sync-collection only
/// the changed hrefs are looked up, so an incremental run reads O(changes) rows, not the whole
/// calendar; only a full listing (an initial sync, a server without sync-collection, a token it
/// no longer knows) needs every one.
using AskKnown =
    std::function<std::future<Known>(std::vector<std::string> hrefs, bool all, bool count)>;

/// One run of one calendar.
struct Job {
    CalDavCalendar calendar;
    std::string password;
    std::string collection;                      ///< known collection URL (empty: discover)
    std::string token;                           ///< last sync token (empty: initial)
    AskKnown known;                              ///< what the loop holds, asked during the pull
    long stall_seconds = caldav::kStallSeconds;  ///< abandon an exchange silent this long
    std::vector<OutboxItem> outbox;
};

/// What became of one pushed change.
struct Pushed {
    int64_t seq = 0;
    std::string uid;
    bool remove = false;
    caldav::WriteResult::Kind kind = caldav::WriteResult::Kind::ok;
    std::string href;
    std::string etag;
    /// With policy local or newest, when the local version won a conflict: the server's text it
    /// replaced (the loop keeps it in caldav_conflicts).
    std::string replaced_ics;
};

/// One resource fetched from the server, read by the iCalendar import.
struct Fetched {
    std::string href;
    std::string etag;
    std::vector<Event> events;          ///< its VEVENTs (a master and its overrides)
    std::vector<std::string> problems;  ///< what the import lost or dropped, for the log
};

/// The outcome of a run.
struct Outcome {
    std::string name;
    bool ok = false;
    caldav::Failure failure = caldav::Failure::protocol;  ///< when not ok
    std::string message;                                  ///< when not ok
    std::string collection;
    std::string token;
    std::vector<Pushed> pushed;
    std::vector<Fetched> fetched;
    /// hrefs gone from the server: reported by sync-collection, or known and not in a full listing
    std::vector<std::string> removed;
};

/// Runs `job` against the server (blocking: HTTP, XML, iCalendar reading); `cancel` (when set
/// and true) abandons it. Never throws: a failure is in the outcome, with the pushes done before.
Outcome run(Job job, const std::atomic<bool>* cancel = nullptr);

}  // namespace herald::sync
