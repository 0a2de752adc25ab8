#pragma once
/// The registry of subscribed sessions. The message log (daemon/message_log.hpp) is the queue:
/// each subscriber has a cursor (the last seq it was sent) and its session's outbox holds only a
/// window of it, refilled as the client reads. A reconnecting client's replay is the same cursor
/// starting at `since`. A subscriber whose outbox does not drain for the stall timeout is dropped
/// with a log line; no subscriber ever delays another. Only committed messages are ever sent, and
/// none at or after a staged message before its visible_at (MessageLog::visible_through).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "daemon/message_log.hpp"
#include "daemon/context.hpp"
#include "daemon/settings.hpp"

namespace herald {

class Session;

/// The wall clock as a value. Why: the hub and the reminder timer decide by the time (what is
/// visible, what is due); main gives them the system's clock, tests fixed instants.
using WallClock = std::function<TimePoint()>;

/// The system's wall clock.
inline TimePoint system_now() {
    return std::chrono::system_clock::now();
}

/// The system's wall clock to the second, as requests and sync runs stamp what they do.
inline Instant wall_now() {
    return date::floor<Seconds>(system_now());
}

/// Topics a subscriber asked for.
struct Topics {
    bool reminders = false;
    bool changes = false;
};

/// Fans logged messages out to subscribers whose topics and visibility match.
class Hub {
  public:
    /// Pushes messages logged in `log` under `settings` (system mode decides visibility); staged
    /// messages not yet visible at `clock()` (after a restart) wait for their instant.
    Hub(MessageLog& log, const Settings& settings, WallClock clock);
    /// Makes `session` a subscriber whose cursor starts at `since` (default: the last message), so
    /// it is sent every later message exactly once, in sequence order.
    void subscribe(const std::shared_ptr<Session>& session, Topics topics,
                   std::optional<int64_t> since);
    /// Forgets a session (it closed).
    void remove(Session* session);
    /// Takes in every newly committed message and feeds the subscribers (call after each write).
    /// While a transaction is open (a group-commit batch) the log is not re-read: its messages
    /// are not durable yet.
    void flush();
    /// Feeds the subscribers the staged messages visible at `now`, without touching the database
    /// when they are cached (see prefetch): the reminder timer's path at a due instant.
    void publish(TimePoint now);
    /// Reads and encodes the messages after the last pushed one (staged ones, not yet visible)
    /// into the shared chunk, so publishing them at their due instant needs no I/O.
    void prefetch();
    /// Also hands every new message to `listener` (in-process sinks such as the desktop).
    void set_listener(std::function<void(const Message&)> listener) {
        listener_ = std::move(listener);
    }
    /// When the earliest staged message becomes visible (the timer wakes then); nullopt: none.
    std::optional<Instant> next_visible() const { return log_.next_visible(); }
    /// Number of live subscribers.
    size_t size() const { return subs_.size(); }
    /// Sequence number of the last message subscribers may be sent (committed and visible).
    int64_t pushed() const { return pushed_; }

  private:
    struct Subscription {
        std::weak_ptr<Session> session;
        Topics topics;
        PeerCred peer;
        int64_t cursor = 0;
    };
    bool wants(const Subscription& s, const Message& m) const;
    void pump(Session* key);
    void load(int64_t after);
    void advance(TimePoint now);
    std::chrono::nanoseconds max_lead() const;

    MessageLog& log_;
    const Settings& settings_;
    WallClock clock_;
    std::unordered_map<Session*, Subscription> subs_;
    int64_t pushed_ = 0;
    int64_t committed_ = 0;  ///< the last message known to be committed
    std::function<void(const Message&)> listener_;
    // One chunk of the log with its encoded lines, shared by every subscriber at the same cursor
    // (at a fan-out they all are), so a message is read and encoded once.
    int64_t cache_after_ = -1;
    std::vector<Message> cache_;
    std::vector<std::string> lines_;
};

/// The notification line of a logged message (its params plus `seq`).
std::string encode_message(const Message& m);

}  // namespace herald
