#pragma once
/// WAL checkpoints off the loop thread. SQLite's automatic checkpoint runs inside the COMMIT that
/// pushes the WAL past its threshold, on the connection that commits: the loop's. During a big
/// import that is dozens of checkpoints of 10-45 ms each (copying pages and an fsync of the
/// database file), every one of them a stall for every client and every reminder. So the loop's
/// connection checkpoints never (wal_autocheckpoint=0); its WAL hook only tells a thread with its
/// own connection that the WAL has grown, and that thread runs a PASSIVE checkpoint, which copies
/// what no reader still needs and waits for no lock. The two connections share nothing but the
/// file: SQLite's own file locks order them, and no mutex is ever taken around the loop's one.
///
/// A passive checkpoint does not hold writers back, so a writer that never pauses (a big import,
/// a first sync) outruns it: the WAL restarts from its start only when a write begins with every
/// frame copied, and 100,000 imported events left a WAL of 1.4 GB beside a 128 MB database, every
/// page read then looked up through its index. So the WAL has a bound: past kBacklogFrames not yet
/// copied, backlogged() tells long writers to pause (server.cpp, sync_engine.cpp) until a
/// checkpoint has copied the whole WAL, and the loop's next write restarts it.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "daemon/sqlite.hpp"

namespace herald {

/// Runs the passive checkpoints of one database on a thread of its own.
class Checkpointer {
  public:
    /// Opens a second connection to `path` (the file `loop`, the loop's connection, has open in
    /// WAL mode), turns `loop`'s automatic checkpoint off and installs its WAL hook, which asks
    /// for a checkpoint once the WAL holds `threshold_pages` frames or more.
    /// `delay`: a pause before each checkpoint, for tests only (a checkpointer that falls
    /// behind whatever the machine; HERALDD_TEST_CHECKPOINT_DELAY_MS, docs/testing.md).
    Checkpointer(sql::Db& loop, const std::string& path, int threshold_pages = kDefaultThreshold,
                 int backlog_frames = kBacklogFrames,
                 std::chrono::milliseconds delay = std::chrono::milliseconds{0});
    /// Stops the thread and closes its connection, then gives `loop` its automatic checkpoint
    /// back (the last connection to close checkpoints the whole WAL).
    ~Checkpointer();
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

    /// Checkpoints run so far (each one a sqlite3_wal_checkpoint_v2 call that succeeded).
    uint64_t checkpoints() const;

    /// True when the WAL holds more than `backlog_frames` frames and no checkpoint has copied
    /// them all yet: long writers then pause. Read on the loop thread.
    bool backlogged() const;

    /// SQLite's own default (wal_autocheckpoint=1000 pages, about 4 MiB with 4 KiB pages).
    static constexpr int kDefaultThreshold = 1000;
    /// Why ten checkpoints' worth (about 40 MiB): long writers pause only when the thread has
    /// fallen well behind, not at every checkpoint it runs.
    static constexpr int kBacklogFrames = 10 * kDefaultThreshold;
    /// A long writer paused for the checkpoints looks again this often (the loop's timer)...
    static constexpr std::chrono::milliseconds kCatchUpPoll{5};
    /// ...and goes on after this long whatever the WAL: a reader pinning the WAL (a sqlite3
    /// shell left open) slows a writer and never stops it.
    static constexpr std::chrono::milliseconds kCatchUpMax{2000};

  private:
    static int on_commit(void* self, struct sqlite3* db, const char* name, int frames);
    void run();

    sql::Db& loop_;
    struct sqlite3* own_ = nullptr;  ///< used by the thread only
    int threshold_;
    int backlog_;
    std::chrono::milliseconds delay_;
    std::atomic<int> frames_{0};  ///< the WAL's frames after the loop's last commit
    /// The WAL's frames when the last checkpoint that copied all of them began (-1: none did).
    std::atomic<int> copied_all_{-1};
    mutable std::mutex mutex_;  ///< guards the fields below, never a connection
    std::condition_variable wake_;
    bool wanted_ = false;
    bool stop_ = false;
    uint64_t done_ = 0;
    std::thread thread_;
};

}  // namespace herald
