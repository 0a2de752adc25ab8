#pragma once
/// The sync worker: one thread that runs sync jobs (HTTP through libcurl, XML, iCalendar
/// reading) off the loop, and posts each outcome back to the loop's io_context. It never
/// touches SQLite. Why a thread and not curl-multi on the loop: docs/architecture.md "Sync".

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include <asio/io_context.hpp>

#include "daemon/sync_job.hpp"

namespace herald::sync {

/// Runs jobs one at a time on its own thread; outcomes arrive on `io`'s thread.
class Worker {
  public:
    /// Called on the loop thread with each finished job's outcome.
    using Done = std::function<void(Outcome)>;
    /// Starts the thread; `done` is posted to `io` for each outcome.
    Worker(asio::io_context& io, Done done);
    /// Stops taking jobs, waits for the one running (bounded by its HTTP timeouts), joins.
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    /// Queues `job` (called on the loop thread).
    void submit(Job job);

  private:
    void loop();

    asio::io_context& io_;
    Done done_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> queue_;
    std::atomic<bool> stopping_{false};  ///< also read by libcurl's progress callback
    std::thread thread_;
};

}  // namespace herald::sync
