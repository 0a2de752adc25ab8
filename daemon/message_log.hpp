#pragma once
/// The log of pushed messages (table `messages`): every notification with its sequence number
/// (AUTOINCREMENT: strictly increasing, never reused), written in the same transaction as the
/// state it reports, so a reconnecting subscriber can be replayed exactly what it missed. The
/// ledger (daemon/alarm_store.hpp) writes reminders and changes into it; the Hub reads it. A
/// staged reminder (logged ahead of its due instant, see AlarmStore::fire_due) has `visible_at`:
/// no subscriber is sent it, or any later message, before that instant.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/time.hpp"
#include "daemon/sqlite.hpp"

namespace herald {

using Json = nlohmann::json;

/// Topics and methods of logged messages (the protocol's names, stored as text).
inline constexpr const char* kTopicReminders = "reminders";
inline constexpr const char* kTopicChanges = "changes";
inline constexpr const char* kMethodReminder = "reminder";
inline constexpr const char* kMethodDigest = "digest";
inline constexpr const char* kMethodChange = "change";

/// A wall-clock instant with the clock's full precision (Instant has whole seconds).
using TimePoint = std::chrono::system_clock::time_point;

/// One pushed notification as logged.
struct Message {
    int64_t seq = 0;
    std::string topic;   ///< kTopicReminders or kTopicChanges
    std::string method;  ///< kMethodReminder, kMethodDigest or kMethodChange
    int64_t owner = -1;
    bool is_public = false;
    std::string params_json;  ///< the params object as stored (JSON text), without seq
    /// The params as a document (the desktop sink reads reminders with it).
    Json params() const { return Json::parse(params_json); }
};

/// Owns the messages table; every method runs on the daemon's one thread.
class MessageLog {
  public:
    /// Uses `db`; staged messages not yet visible at `now` (after a restart) are held back.
    MessageLog(sql::Db& db, Instant now);
    ~MessageLog();

    /// Logs a message at `now` in the caller's transaction; `params_json` is a JSON object.
    /// With `visible_at` it is staged: held back until that instant once the pass commits
    /// (see begin_staging). Returns its seq.
    int64_t append(const char* topic, const char* method, int64_t owner, bool is_public,
                   std::string params_json, Instant now, std::optional<Instant> visible_at = {});
    /// Starts a firing pass: forgets what an earlier, rolled-back pass staged.
    void begin_staging() { staging_.clear(); }
    /// The pass committed: its staged messages are held back until their instants. Why only now:
    /// a rolled-back seq may be reused.
    void commit_staging();
    /// The last seq subscribers may be sent at `now`: `committed` (the last committed message), or
    /// the one before the first staged message not yet visible (seq order is delivery order).
    /// Forgets staged messages that became visible and, when the wall clock was set back, ones
    /// more than `lead` ahead of `now` (released rather than holding the log back).
    int64_t visible_through(int64_t committed, TimePoint now, std::chrono::nanoseconds lead);
    /// When the earliest staged message not yet visible becomes visible; nullopt when none.
    std::optional<Instant> next_visible() const;
    /// True while a transaction (such as a group-commit batch) is open: the log may hold
    /// uncommitted messages.
    bool in_transaction() const { return db_.in_transaction(); }
    /// Logged messages with seq > `after`, oldest first, at most `limit`.
    std::vector<Message> messages_after(int64_t after, size_t limit);
    /// The last sequence number used (0 when none).
    int64_t last_seq();

  private:
    sql::Db& db_;
    // Staged messages of committed firing passes not yet visible: seq -> visible_at. Filled only
    // after the commit and on start from the partial index.
    std::map<int64_t, Instant> staged_;
    std::vector<std::pair<int64_t, Instant>> staging_;  ///< of the pass in progress
    struct Statements;
    std::unique_ptr<Statements> st_;
};

}  // namespace herald
