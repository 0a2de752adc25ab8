#include "daemon/sync_worker.hpp"

#include <asio/post.hpp>

namespace herald::sync {

Worker::Worker(asio::io_context& io, Done done)
    : io_(io), done_(std::move(done)), thread_([this] { loop(); }) {}

Worker::~Worker() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void Worker::submit(Job job) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(job));
    }
    wake_.notify_one();
}

void Worker::loop() {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        auto outcome = std::make_shared<Outcome>(run(std::move(job), &stopping_));
        asio::post(io_, [this, outcome] { done_(std::move(*outcome)); });
    }
}

}  // namespace herald::sync
