#pragma once
/// Runtime settings of heraldd: paths, limits and mode, from defaults, config and command line.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace herald {

/// How long before its due instant a reminder is fired into the ledger and the message log
/// ("staged"), so the durable commit (an fsync with synchronous=FULL: a few ms, up to ~100 ms on a
/// slow or busy disk) is done when the instant comes and the push needs no I/O. Why 250 ms: well
/// above a slow fsync, yet short enough that what it costs is unnoticeable: a change logged in
/// the window waits for the staged reminder (at most this long), and an ack or edit in it acts as
/// if made just after firing.
inline constexpr std::chrono::milliseconds kFireLead{250};
/// The most the scheduler stretches the lead to when staging passes run slow (it uses twice the
/// recent slowest pass, daemon/scheduler.cpp). Why 2 s: rides out disk stalls of a second on a
/// busy machine, while bounding how long a change can wait behind a staged reminder.
inline constexpr std::chrono::milliseconds kMaxFireLead{2000};
/// Longest a group-commit batch waits for the other writers of the last batch to join it
/// (daemon/group_commit.hpp); a lone writer never waits.
inline constexpr std::chrono::microseconds kGroupCommitWait{1000};
/// Largest page cache an import uses while it runs (daemon/handlers_calendar.cpp), in KiB. Why
/// 256 MiB: enough for the uid index and R*Tree of a million events; the pages are released
/// when the daemon goes quiet.
inline constexpr size_t kImportCacheKiB = 256 * 1024;

/// How long a request waits for another process's lock on the database (sqlite3 with a write
/// open, a backup) before it fails with `busy`. Why short: the wait blocks the one thread, so every
/// other client and the reminders would wait too (5 s at start, for migrations, is fine).
inline constexpr std::chrono::milliseconds kServeBusyTimeout{50};

/// One `[[caldav]]` table of heraldd.toml: a calendar synced with a CalDAV collection.
struct CalDavCalendar {
    std::string name;           ///< the calendar's name in Herald (events' `calendar` field)
    std::string url;            ///< a calendar collection, or a server/principal to discover from
    std::string username;       ///< empty: no authentication
    std::string password_file;  ///< read at each run; refused unless private to the user
    std::chrono::seconds interval{300};  ///< background sync period; 0 = only `herald sync`
    std::string conflict = "server";     ///< what wins when both sides changed an event
    bool create = false;                 ///< MKCALENDAR the collection when it does not exist
    std::string ca_file;                 ///< extra CA bundle for a private CA; empty = system's
    bool operator==(const CalDavCalendar&) const = default;
};

/// Everything the daemon can be configured with (see config/heraldd.toml).
struct Settings {
    bool system_mode = false;
    std::string socket_path;
    /// User mode: the directory Herald owns for its socket by default (core/paths); when the
    /// socket is in it, it must be the user's and 0700 (server.cpp).
    std::string private_runtime_dir;
    std::string db_path;
    std::string config_path;
    std::string log_level = "info";
    size_t max_line = 1024 * 1024;             ///< bytes per request line
    size_t max_clients = 1024;                 ///< concurrent connections
    std::chrono::seconds idle_timeout{300};    ///< for clients that are not subscribed
    size_t max_queue_bytes = 4 * 1024 * 1024;  ///< outgoing bytes queued per client
    // [auth]: system mode only (user mode admits only its owner through the 0600 socket).
    std::string admin_group = "herald-admin";  ///< members (and root) may change public events
    std::optional<int64_t> admin_gid;          ///< admin_group resolved when the config is applied
    size_t max_clients_per_user = 64;          ///< concurrent connections of one uid
    size_t max_events_per_user = 10000;        ///< events one uid may own
    // [notify]
    bool desktop = true;               ///< user mode: freedesktop notifications on the session bus
    std::string urgency = "normal";    ///< default urgency: low, normal, critical
    std::chrono::seconds snooze{600};  ///< how long the Snooze action postpones a reminder
    std::chrono::milliseconds expire{-1};  ///< notification timeout; -1 = server default, 0 = never
    size_t max_import_bytes = 256 * 1024 * 1024;  ///< one calendar.import, all chunks together
    std::chrono::seconds catchup_window{
        24 * 3600};             ///< late alarms younger than this are delivered, older missed
    std::string default_alarm;  ///< alarm for new events without alarms: a duration before start
                                ///< ("15m"); empty = none
    std::chrono::seconds stall_timeout{
        30};           ///< a subscriber whose queue does not drain this long is dropped
    std::string zone;  ///< zone for all-day and floating alarms; empty = $TZ or the system's
    std::vector<CalDavCalendar> caldav;  ///< [[caldav]] tables, in file order
    std::string default_calendar;        ///< [sync] default_calendar: where new events go
    /// Staging lead (kFireLead); tests only may change it, through HERALDD_TEST_FIRE_LEAD_MS.
    std::chrono::milliseconds fire_lead = kFireLead;
    /// Delay of every batch commit; tests only (HERALDD_TEST_COMMIT_DELAY_MS), so the crash test
    /// can kill the daemon between a batch's last request and its COMMIT.
    std::chrono::milliseconds commit_delay{0};
    /// Pause before each WAL checkpoint; tests only (HERALDD_TEST_CHECKPOINT_DELAY_MS), so that
    /// the checkpointer falls behind on any machine and long writers are seen to wait for it.
    std::chrono::milliseconds checkpoint_delay{0};
    /// WAL frames not yet copied that make long writers pause, when not
    /// Checkpointer::kBacklogFrames; tests only (HERALDD_TEST_WAL_BACKLOG_FRAMES).
    std::optional<int> wal_backlog_frames;
};

}  // namespace herald
