#pragma once
/// The registry of subscribed sessions: pushes each logged message (daemon/alarm_store.hpp) to the
/// subscribers whose topics and visibility match, and replays missed ones to a reconnecting client.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "daemon/alarm_store.hpp"
#include "daemon/context.hpp"
#include "daemon/settings.hpp"

namespace herald {

class Session;

/// Topics a subscriber asked for.
struct Topics {
    bool reminders = false;
    bool changes = false;
};

/// Fans messages out to subscribers. Each session has its own bounded queue (Session::send), so a
/// subscriber that stops reading is dropped without delaying the others.
class Hub {
public:
    /// Pushes messages logged in `alarms` under `settings` (system mode decides visibility).
    Hub(AlarmStore& alarms, const Settings& settings);
    /// Replays logged messages after `since` (when given) to `session`, then adds it to the live
    /// subscribers: it sees every message after `since` exactly once, in sequence order.
    void subscribe(const std::shared_ptr<Session>& session, Topics topics, std::optional<int64_t> since);
    /// Forgets a session (it closed).
    void remove(Session* session);
    /// Pushes every logged message not pushed yet (call after each committed write).
    void flush();
    /// Number of live subscribers.
    size_t size() const { return subs_.size(); }
    /// Sequence number of the last message pushed.
    int64_t pushed() const { return pushed_; }

private:
    struct Subscription {
        std::weak_ptr<Session> session;
        Topics topics;
        PeerCred peer;
    };
    bool wants(const Subscription& s, const Message& m) const;

    AlarmStore& alarms_;
    const Settings& settings_;
    std::unordered_map<Session*, Subscription> subs_;
    int64_t pushed_ = 0;
};

/// The notification line of a logged message (its params plus `seq`).
std::string encode_message(const Message& m);

}  // namespace herald
