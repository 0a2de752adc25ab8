#include "daemon/group_commit.hpp"

#include <asio/post.hpp>
#include <spdlog/spdlog.h>

#include "core/protocol.hpp"

namespace herald {

GroupCommit::GroupCommit(asio::any_io_executor executor, sql::Db& db,
                         std::chrono::microseconds wait, std::chrono::milliseconds commit_delay)
    : executor_(std::move(executor)),
      db_(db),
      wait_(executor_),
      delay_(executor_),
      commit_delay_(commit_delay),
      max_wait_(wait) {
    db_.set_batching(true);
    db_.set_batch_flusher([this] { flush(); });
}

GroupCommit::~GroupCommit() {
    flush();
    db_.set_batch_flusher({});
    db_.set_batching(false);
}

void GroupCommit::run(const std::function<Reply()>& request, ReplySink sink, bool commit_soon) {
    db_.begin_request();
    Reply r = request();
    try {
        db_.end_request(r.ok);
    } catch (const HeraldError& e) {
        if (!r.line.empty()) r.line = encode_error(r.id, ErrorCode::storage_error, e.what());
    }
    // Why hold replies of reads too: once a batch is open a read may see its uncommitted writes,
    // and no client may learn of a write before it is durable.
    if (!db_.batch_open()) {
        if (!r.line.empty()) sink(std::move(r.line));
        return;
    }
    if (!r.line.empty())
        held_.push_back({std::move(sink), std::move(r.id), std::move(r.line)});
    else if (!commit_soon)
        return;
    if (waiting_ && held_.size() >= writers_) {
        // Everyone the last batch had is in: commit at the end of this turn instead.
        waiting_ = false;
        wait_.cancel();
        post_commit();
    } else if (!commit_posted_ && !waiting_) {
        if (writers_ > 1 && held_.size() < writers_) {
            waiting_ = true;
            wait_.expires_after(max_wait_);
            wait_.async_wait([this](const asio::error_code& ec) {
                if (ec || !waiting_) return;
                waiting_ = false;
                flush();
            });
        } else {
            post_commit();
        }
    }
}

void GroupCommit::post_commit() {
    commit_posted_ = true;
    if (commit_delay_.count() > 0) {
        // Test-only: the loop goes on serving (and writing any reply not held) until the commit.
        delay_.expires_after(commit_delay_);
        delay_.async_wait([this](const asio::error_code& ec) {
            if (!ec && commit_posted_) flush();
        });
        return;
    }
    // Why post: every request already read in this loop turn runs before the commit and joins
    // the batch, so one fsync covers all of them.
    asio::post(executor_, [this] {
        if (commit_posted_) flush();
    });
}

void GroupCommit::flush() {
    commit_posted_ = false;
    if (waiting_) {
        waiting_ = false;
        wait_.cancel();
    }
    std::vector<Held> held;
    held.swap(held_);
    // Reads count too: a client that only reads in a batch still shares its commit.
    if (!held.empty()) writers_ = held.size();
    try {
        db_.commit_batch();
        ++commits_;
        committed_requests_ += held.size();
    } catch (const HeraldError& e) {
        // Nothing of this batch is stored: every request in it is told so, none is acknowledged.
        ++failures_;
        spdlog::error("group commit of {} requests failed: {}", held.size(), e.what());
        for (auto& h : held)
            h.reply = encode_error(h.id, ErrorCode::storage_error,
                                   std::string("not stored, the commit failed: ") + e.what());
    }
    for (auto& h : held) h.sink(std::move(h.reply));
}

}  // namespace herald
