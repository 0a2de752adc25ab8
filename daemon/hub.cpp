#include "daemon/hub.hpp"

#include <spdlog/spdlog.h>

#include "core/protocol.hpp"
#include "daemon/authz.hpp"
#include "daemon/session.hpp"

namespace herald {
namespace {
// Why chunks: a long replay or a burst of alarms is read from SQLite a piece at a time.
constexpr size_t kChunk = 1000;
}  // namespace

std::string encode_message(const Message& m) {
    // Spliced rather than re-encoded: the stored params are one JSON object already (a change
    // message holds a whole event), and parsing it back to add "seq" was most of the hub's work
    // after each committed add.
    std::string_view params = m.params_json;
    if (params.size() < 2 || params.front() != '{' || params.back() != '}') {
        Json p = m.params();  // not what append() writes; throws if it is not JSON at all
        p["seq"] = m.seq;
        return encode_notification(m.method, p);
    }
    std::string out = "{\"jsonrpc\":\"2.0\",\"method\":";
    append_json_string(out, m.method);
    out += ",\"params\":";
    out.append(params.substr(0, params.size() - 1));
    if (params.size() > 2) out += ',';
    out += "\"seq\":" + std::to_string(m.seq) + "}}\n";
    return out;
}

std::chrono::nanoseconds Hub::max_lead() const {
    // Staging never looks further ahead than this (the scheduler's lead is at most it).
    return std::max<std::chrono::nanoseconds>(settings_.fire_lead, kMaxFireLead);
}

Hub::Hub(MessageLog& log, const Settings& settings, WallClock clock)
    : log_(log), settings_(settings), clock_(std::move(clock)), committed_(log.last_seq()) {
    // Staged messages not yet visible (after a restart) are not pushed: they come at visible_at.
    pushed_ = log_.visible_through(committed_, clock_(), max_lead());
}

bool Hub::wants(const Subscription& s, const Message& m) const {
    bool topic = m.topic == kTopicReminders ? s.topics.reminders
                                            : m.topic == kTopicChanges && s.topics.changes;
    if (!topic) return false;
    // The rule of authz.hpp: a user hears of what they may see (their own and public events).
    return may_see(caller_of(settings_, s.peer), m.owner, m.is_public);
}

void Hub::subscribe(const std::shared_ptr<Session>& session, Topics topics,
                    std::optional<int64_t> since) {
    Session* key = session.get();
    subs_[key] =
        Subscription{session, topics, session->peer(), std::min(since.value_or(pushed_), pushed_)};
    session->set_subscribed(true);
    session->set_drain_hook([this, key] { pump(key); });
    pump(key);
}

void Hub::remove(Session* session) {
    subs_.erase(session);
}

void Hub::load(int64_t after) {
    // Why not an empty chunk: it would hide messages committed since it was read.
    if (after == cache_after_ && !cache_.empty()) return;
    cache_ = log_.messages_after(after, kChunk);
    // Why only committed ones: an uncommitted message's seq is reused if its batch rolls back.
    std::erase_if(cache_, [this](const Message& m) { return m.seq > committed_; });
    lines_.clear();
    for (const auto& m : cache_) lines_.push_back(encode_message(m));
    cache_after_ = after;
}

void Hub::pump(Session* key) {
    auto it = subs_.find(key);
    if (it == subs_.end()) return;
    Subscription& sub = it->second;
    auto session = sub.session.lock();
    if (!session || session->closed()) return;
    const size_t high_water = settings_.max_queue_bytes / 2;
    while (sub.cursor < pushed_) {
        if (session->queued_bytes() >= high_water) {
            if (session->stalled_for() >= settings_.stall_timeout) {
                session->close("subscriber stopped reading (" +
                               std::to_string(pushed_ - sub.cursor) +
                               " messages behind, nothing drained for " +
                               std::to_string(settings_.stall_timeout.count()) + " s)");
            }
            return;
        }
        load(sub.cursor);
        if (cache_.empty()) return;
        for (size_t i = 0; i < cache_.size() && cache_[i].seq <= pushed_; ++i) {
            if (wants(sub, cache_[i])) session->send(lines_[i]);
            if (session->closed()) return;  // `sub` is gone with it
            sub.cursor = cache_[i].seq;
            if (session->queued_bytes() >= high_water) break;
        }
    }
}

void Hub::flush() {
    if (!log_.in_transaction()) committed_ = log_.last_seq();
    advance(clock_());
}

void Hub::publish(TimePoint now) {
    advance(now);
}

void Hub::prefetch() {
    if (pushed_ < committed_) load(pushed_);
}

void Hub::advance(TimePoint now) {
    int64_t last = log_.visible_through(committed_, now, max_lead());
    if (last <= pushed_) {
        // Nothing new, but a stalled subscriber is still checked on each pass.
        std::vector<Session*> keys;
        for (const auto& [key, sub] : subs_)
            if (sub.cursor < pushed_) keys.push_back(key);
        for (auto* key : keys) pump(key);
        return;
    }
    if (listener_)
        for (int64_t after = pushed_; after < last;) {
            load(after);
            int64_t before = after;
            for (const auto& m : cache_) {
                if (m.seq > last) break;
                listener_(m);
                after = m.seq;
            }
            if (after == before) break;
        }
    pushed_ = last;
    std::vector<Session*> keys;
    keys.reserve(subs_.size());
    for (const auto& [key, _] : subs_) keys.push_back(key);
    for (auto* key : keys)
        pump(key);  // pump may close (and so remove) a session: keys, not iterators
}

}  // namespace herald
