#include "daemon/hub.hpp"

#include <vector>

#include "core/protocol.hpp"
#include "daemon/session.hpp"

namespace herald {
namespace {
// Why chunks: a long replay or a burst of 1,000 alarms is read from SQLite a piece at a time.
constexpr size_t kChunk = 1000;
}  // namespace

std::string encode_message(const Message& m) {
    Json params = m.params;
    params["seq"] = m.seq;
    return encode_notification(m.method, params);
}

Hub::Hub(AlarmStore& alarms, const Settings& settings) : alarms_(alarms), settings_(settings), pushed_(alarms.last_seq()) {}

bool Hub::wants(const Subscription& s, const Message& m) const {
    bool topic = m.topic == "reminders" ? s.topics.reminders : m.topic == "changes" && s.topics.changes;
    if (!topic) return false;
    // Same policy as authz.hpp's can_see: in system mode a user hears of their own and public events.
    return !settings_.system_mode || s.peer.uid == 0 || m.owner == s.peer.uid || m.is_public;
}

void Hub::subscribe(const std::shared_ptr<Session>& session, Topics topics, std::optional<int64_t> since) {
    Subscription sub{session, topics, session->peer()};
    session->set_subscribed(true);
    // Replay (since, pushed_]; anything after pushed_ reaches every subscriber on the next flush.
    for (int64_t from = since.value_or(pushed_); from < pushed_ && !session->closed();) {
        auto chunk = alarms_.messages_after(from, kChunk);
        if (chunk.empty()) break;
        for (const auto& m : chunk) {
            if (m.seq > pushed_) break;
            if (wants(sub, m)) session->send(encode_message(m));
            from = m.seq;
        }
        if (chunk.back().seq > pushed_) break;
    }
    if (!session->closed()) subs_[session.get()] = std::move(sub);
}

void Hub::remove(Session* session) { subs_.erase(session); }

void Hub::flush() {
    for (;;) {
        auto chunk = alarms_.messages_after(pushed_, kChunk);
        if (chunk.empty()) return;
        // A snapshot: a send may close a session (queue overflow), which removes it from subs_.
        std::vector<std::pair<std::shared_ptr<Session>, Subscription>> live;
        for (const auto& [_, sub] : subs_)
            if (auto s = sub.session.lock()) live.emplace_back(std::move(s), sub);
        for (const auto& m : chunk) {
            std::string line = encode_message(m);
            for (const auto& [session, sub] : live)
                if (!session->closed() && wants(sub, m)) session->send(line);
            pushed_ = m.seq;
        }
    }
}

}  // namespace herald
