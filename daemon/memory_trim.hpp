#pragma once
/// Gives freed heap memory back to the kernel once the daemon goes quiet. A big request (an
/// import of 100,000 events, an agenda over thousands of recurring events) frees tens of MiB that
/// glibc keeps: scattered among live chunks, above its trim threshold (which grows with the
/// largest block freed). malloc_trim(0) returns those pages; it runs once after a second without
/// requests, so a busy daemon pays nothing per request and an idle one is not woken.

#include <chrono>
#include <functional>

#include <asio.hpp>

namespace herald {

/// A one-shot timer that trims the heap after `quiet` without requests.
class MemoryTrim {
  public:
    /// Trims on `executor` after `quiet` without note_activity(), first calling `release` (which
    /// frees caches, such as SQLite's page cache, so their pages can be trimmed too).
    explicit MemoryTrim(asio::any_io_executor executor, std::function<void()> release = {},
                        std::chrono::steady_clock::duration quiet = std::chrono::seconds(1));
    /// A request ran: trim once the daemon has been quiet for a while.
    void note_activity();
    /// Stops the timer (shutdown).
    void cancel() { timer_.cancel(); }

  private:
    void wait();

    asio::steady_timer timer_;
    std::function<void()> release_;
    std::chrono::steady_clock::duration quiet_;
    std::chrono::steady_clock::time_point last_{};
    bool armed_ = false;
};

/// Returns free heap pages to the kernel now (glibc malloc_trim); a no-op elsewhere.
void release_free_memory();

}  // namespace herald
