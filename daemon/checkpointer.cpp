#include "daemon/checkpointer.hpp"

#include <algorithm>

#include <sqlite3.h>
#include <spdlog/spdlog.h>

#include "core/errors.hpp"

namespace herald {

Checkpointer::Checkpointer(sql::Db& loop, const std::string& path, int threshold_pages,
                           int backlog_frames, std::chrono::milliseconds delay)
    // Why not below the threshold: a WAL between the two would never wake the thread, and the
    // writers waiting for it would wait their whole bound.
    : loop_(loop),
      threshold_(threshold_pages),
      backlog_(std::max(backlog_frames, threshold_pages)),
      delay_(delay) {
    // Why no mutex on this connection: only the checkpointer's thread uses it.
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &own_, flags, nullptr) != SQLITE_OK) {
        std::string msg = "cannot open database " + path +
                          " for checkpoints: " + (own_ ? sqlite3_errmsg(own_) : "out of memory");
        sqlite3_close(own_);
        throw HeraldError(ErrorCode::storage_error, msg);
    }
    // Why FULL here too: a checkpoint syncs the WAL before it copies and the database after, as
    // the loop's connection would have.
    sqlite3_exec(own_, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr);
    // Why the pragma first: it installs SQLite's own hook (none, at 0), which the next replaces.
    loop_.exec("PRAGMA wal_autocheckpoint=0");
    sqlite3_wal_hook(loop_.handle(), &Checkpointer::on_commit, this);
    thread_ = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
    sqlite3_close_v2(own_);
    sqlite3_wal_autocheckpoint(loop_.handle(), kDefaultThreshold);
}

uint64_t Checkpointer::checkpoints() const {
    std::lock_guard lock(mutex_);
    return done_;
}

bool Checkpointer::backlogged() const {
    const int frames = frames_.load();
    // Caught up when a checkpoint copied every frame the WAL held after the last commit: the
    // loop's next write then starts the WAL over (a commit since would have raised frames_).
    return frames > backlog_ && copied_all_.load() != frames;
}

int Checkpointer::on_commit(void* self, sqlite3*, const char*, int frames) {
    auto* me = static_cast<Checkpointer*>(self);
    me->frames_.store(frames);
    if (frames < me->threshold_) return SQLITE_OK;
    {
        std::lock_guard lock(me->mutex_);
        me->wanted_ = true;
    }
    me->wake_.notify_one();
    return SQLITE_OK;
}

void Checkpointer::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return wanted_ || stop_; });
        if (stop_) return;
        wanted_ = false;
        lock.unlock();
        if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
        int log = 0, copied = 0;
        // Why PASSIVE: it takes no lock a writer or reader waits on and copies only frames no
        // reader still needs; what it leaves, the next one copies.
        int rc = sqlite3_wal_checkpoint_v2(own_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            spdlog::warn("WAL checkpoint failed: {}", sqlite3_errmsg(own_));
        if (rc == SQLITE_OK && copied == log) copied_all_.store(log);
        // Why: the pages this connection read stay cached otherwise, for nothing (idle memory).
        sqlite3_db_release_memory(own_);
        lock.lock();
        if (rc == SQLITE_OK) ++done_;
    }
}

}  // namespace herald
