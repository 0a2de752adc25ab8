#include "daemon/message_log.hpp"

#include <algorithm>

namespace herald {
namespace {

int64_t secs(Instant t) {
    return t.time_since_epoch().count();
}

}  // namespace

struct MessageLog::Statements {
    explicit Statements(sql::Db& db)
        : append(db,
                 "INSERT INTO messages(topic, method, owner, public, params, created, visible_at) "
                 "VALUES(?,?,?,?,?,?,?)"),
          staged(db, "SELECT seq, visible_at FROM messages WHERE visible_at >= ? ORDER BY seq"),
          after(db,
                "SELECT seq, topic, method, owner, public, params FROM messages WHERE seq > ? "
                "ORDER BY seq LIMIT ?"),
          last_seq(db, "SELECT coalesce(max(seq), 0) FROM messages") {}
    sql::Statement append, staged, after, last_seq;
};

MessageLog::MessageLog(sql::Db& db, Instant now) : db_(db), st_(std::make_unique<Statements>(db)) {
    // Why from the log: a daemon killed between staging and the due instant publishes them at
    // visible_at after the restart (ones already visible are replayed like any other message).
    st_->staged.bind(1, secs(now));
    while (st_->staged.step())
        staged_.emplace(st_->staged.column_int(0), Instant{Seconds{st_->staged.column_int(1)}});
    st_->staged.reset();
}

MessageLog::~MessageLog() = default;

int64_t MessageLog::append(const char* topic, const char* method, int64_t owner, bool is_public,
                           std::string params_json, Instant now,
                           std::optional<Instant> visible_at) {
    st_->append.bind(1, topic)
        .bind(2, method)
        .bind(3, owner)
        .bind(4, static_cast<int64_t>(is_public))
        .bind(5, params_json)
        .bind(6, secs(now));
    if (visible_at)
        st_->append.bind(7, secs(*visible_at));
    else
        st_->append.bind_null(7);
    st_->append.run();
    int64_t seq = db_.last_insert_id();
    if (visible_at) staging_.emplace_back(seq, *visible_at);
    return seq;
}

void MessageLog::commit_staging() {
    for (const auto& [seq, at] : staging_) staged_.emplace(seq, at);
    staging_.clear();
}

int64_t MessageLog::visible_through(int64_t committed, TimePoint now,
                                    std::chrono::nanoseconds lead) {
    std::erase_if(staged_,
                  [&](const auto& kv) { return kv.second <= now || kv.second > now + lead; });
    if (staged_.empty()) return committed;
    return std::min(committed, staged_.begin()->first - 1);
}

std::optional<Instant> MessageLog::next_visible() const {
    std::optional<Instant> out;
    for (const auto& [seq, at] : staged_)
        if (!out || at < *out) out = at;
    return out;
}

std::vector<Message> MessageLog::messages_after(int64_t after, size_t limit) {
    st_->after.bind(1, after).bind(2, static_cast<int64_t>(limit));
    std::vector<Message> out;
    while (st_->after.step()) {
        Message m;
        m.seq = st_->after.column_int(0);
        m.topic = st_->after.column_text(1);
        m.method = st_->after.column_text(2);
        m.owner = st_->after.column_int(3);
        m.is_public = st_->after.column_int(4) != 0;
        m.params_json = st_->after.column_text(5);
        out.push_back(std::move(m));
    }
    st_->after.reset();
    return out;
}

int64_t MessageLog::last_seq() {
    st_->last_seq.step();
    int64_t v = st_->last_seq.column_int(0);
    st_->last_seq.reset();
    return v;
}

}  // namespace herald
