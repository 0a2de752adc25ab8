#pragma once
/// Group commit: the writes of every request read in one turn of the event loop share one durable
/// transaction, and each write is acknowledged only after that transaction has committed. When
/// the last batch had several writers, a new batch waits (at most kGroupCommitWait) until as many
/// have joined it, as PostgreSQL's commit_delay/commit_siblings do: clients that just got their
/// replies are about to send again, and one fsync for all of them beats one each.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/steady_timer.hpp>

#include "daemon/reply.hpp"
#include "daemon/settings.hpp"
#include "daemon/sqlite.hpp"

namespace herald {

/// Runs requests inside a lazily opened batch transaction and holds their replies until it commits.
class GroupCommit {
  public:
    /// Turns batching on for `db` (and commits the open batch before any write outside a
    /// request); commits are posted to `executor`; a batch waits at most `wait` for writers.
    /// `commit_delay` (tests only) postpones each commit by a timer while the loop runs on.
    GroupCommit(asio::any_io_executor executor, sql::Db& db,
                std::chrono::microseconds wait = kGroupCommitWait,
                std::chrono::milliseconds commit_delay = std::chrono::milliseconds{0});
    /// Commits any open batch (delivering its replies) and turns batching off.
    ~GroupCommit();
    GroupCommit(const GroupCommit&) = delete;
    GroupCommit& operator=(const GroupCommit&) = delete;

    /// Runs one request in its own savepoint and hands its reply line (when it has one) to `sink`:
    /// at once when no batch is open, else once the batch has committed (or failed). A request
    /// without a reply line and `commit_soon` false (a slice of long work, which commits on its
    /// own schedule with flush()) does not make the batch commit at the end of the turn.
    void run(const std::function<Reply()>& request, ReplySink sink, bool commit_soon = true);
    /// Commits the open batch now and delivers every held reply, in arrival order.
    void flush();
    /// Number of batch commits that failed (their requests were told "not stored").
    uint64_t failures() const { return failures_; }
    /// Number of batches committed.
    uint64_t commits() const { return commits_; }
    /// Number of replies released by committed batches.
    uint64_t committed_requests() const { return committed_requests_; }

  private:
    struct Held {
        ReplySink sink;
        nlohmann::json id;
        std::string reply;
    };

    /// Commits the batch at the end of this loop turn.
    void post_commit();

    asio::any_io_executor executor_;
    sql::Db& db_;
    asio::steady_timer wait_;
    asio::steady_timer delay_;
    std::chrono::milliseconds commit_delay_;
    std::chrono::microseconds max_wait_;
    std::vector<Held> held_;
    size_t writers_ = 1;  ///< requests in the last committed batch: the writers to wait for
    bool commit_posted_ = false;
    bool waiting_ = false;
    uint64_t commits_ = 0;
    uint64_t committed_requests_ = 0;
    uint64_t failures_ = 0;
};

}  // namespace herald
