#include "daemon/memory_trim.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace herald {

MemoryTrim::MemoryTrim(asio::any_io_executor executor, std::function<void()> release,
                       std::chrono::steady_clock::duration quiet)
    : timer_(std::move(executor)), release_(std::move(release)), quiet_(quiet) {}

void MemoryTrim::note_activity() {
    last_ = std::chrono::steady_clock::now();
    // Why not re-arm per request: that would be a timerfd_settime per request; instead the timer
    // runs out and, if requests came meanwhile, waits again for the rest of the quiet period.
    if (armed_) return;
    armed_ = true;
    timer_.expires_at(last_ + quiet_);
    wait();
}

void MemoryTrim::wait() {
    timer_.async_wait([this](const asio::error_code& ec) {
        if (ec) {
            armed_ = false;
            return;
        }
        if (std::chrono::steady_clock::now() < last_ + quiet_) {
            timer_.expires_at(last_ + quiet_);
            wait();
            return;
        }
        armed_ = false;
        if (release_) release_();
        release_free_memory();
    });
}

void release_free_memory() {
#if defined(__GLIBC__)
    ::malloc_trim(0);
#endif
}

}  // namespace herald
