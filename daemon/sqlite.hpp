#pragma once
/// Thin RAII over the SQLite C API: a connection, prepared statements and transactions.

#include <cstdint>
#include <array>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace herald::sql {

/// An open database connection; throws HeraldError(storage_error) on failure.
class Db {
  public:
    /// Opens (creating if needed) the database file at `path`.
    explicit Db(const std::string& path);
    ~Db();
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    /// Runs one or more statements without results.
    void exec(std::string_view sql);
    /// Runs a query returning a single integer (e.g. a PRAGMA).
    int64_t query_int(std::string_view sql);
    /// The raw handle, for the statement class.
    sqlite3* handle() const { return db_; }
    /// Id of the last inserted row.
    int64_t last_insert_id() const;
    /// Rows changed by the last statement.
    int changes() const;
    /// How long a statement waits for another process's lock before failing with `busy`.
    void set_busy_timeout(std::chrono::milliseconds wait);
    /// True while a transaction is open on this connection.
    bool in_transaction() const;

    // Group commit (daemon/group_commit.hpp). While batching is on, the first Transaction of a
    // request opens one batch transaction (BEGIN IMMEDIATE) that stays open until commit_batch();
    // inside a request (begin_request .. end_request) the request's writes sit in their own
    // savepoint. A Transaction outside any request (the reminder timer, a desktop action) first
    // has the open batch committed through the flusher, then runs as an ordinary top-level
    // transaction: its commit is durable by itself, and it never joins a batch.
    /// Turns batching on or off; off is only allowed while no batch is open.
    void set_batching(bool on);
    /// Commits the open batch and releases its held replies (GroupCommit::flush); called before
    /// a Transaction outside any request.
    void set_batch_flusher(std::function<void()> flusher) { flusher_ = std::move(flusher); }
    /// Runs `before` inside the batch just before its COMMIT (outside every request: its writes
    /// join the batch, with no Transaction of their own) and `after(ok)` once the COMMIT succeeded
    /// or failed; a throwing `before` rolls the batch back.
    void set_commit_hooks(std::function<void()> before, std::function<void(bool)> after) {
        before_commit_ = std::move(before);
        after_commit_ = std::move(after);
    }
    /// True while group commit is on (set_batching).
    bool batching() const { return batching_; }
    /// True while a batch transaction is open (some request wrote, or tried to, since the last
    /// commit).
    bool batch_open() const { return batch_open_; }
    /// Marks the start of one request; its savepoint opens lazily with its first Transaction.
    void begin_request();
    /// Ends the request: releases its savepoint when `ok`, else rolls its writes back.
    void end_request(bool ok);
    /// Commits the batch; every released request is durable when this returns. Throws on failure,
    /// after which the batch is rolled back and closed.
    void commit_batch();
    /// Why the last failed batch commit failed (empty before any): a sliced request whose earlier
    /// slices were lost with it names the reason (a full disk) instead of only the loss.
    const std::string& last_commit_failure() const { return last_commit_failure_; }
    /// Opens the savepoint (or top-level transaction) of a Transaction; true when nested.
    bool open_scope();

  private:
    friend class Transaction;
    /// The transaction-control statements, prepared once: a batch of adds runs several per
    /// request, and parsing them each time (sqlite3_exec) was a tenth of an add's CPU.
    enum class Control {
        begin,
        commit,
        rollback,
        savepoint_request,
        release_request,
        rollback_to_request,
        savepoint_tx,
        release_tx,
        rollback_to_tx,
        count_
    };
    /// Runs one control statement; returns SQLite's result code.
    int control(Control c);
    /// control() that throws storage_error on failure.
    void control_or_fail(Control c);

    sqlite3* db_ = nullptr;
    std::array<sqlite3_stmt*, static_cast<size_t>(Control::count_)> controls_{};
    bool batching_ = false;
    bool batch_open_ = false;
    bool in_request_ = false;
    bool request_open_ = false;
    std::function<void()> flusher_;
    std::function<void()> before_commit_;
    std::function<void(bool)> after_commit_;
    std::string last_commit_failure_;
};

/// A statement prepared once and reused: bind, step, read columns, reset.
class Statement {
  public:
    /// Prepares `sql` on `db`.
    Statement(Db& db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    /// Binds a value to the 1-based parameter `i`.
    Statement& bind(int i, int64_t v);
    Statement& bind(int i, double v);
    Statement& bind(int i, std::string_view v);
    Statement& bind_null(int i);
    /// Steps; true while a row is available, false when done. Throws on error.
    bool step();
    /// Steps a statement that returns no rows, then resets it.
    void run();
    /// Resets the statement and clears its bindings for reuse.
    void reset();
    /// Column readers for the current row (0-based).
    int64_t column_int(int i) const;
    std::string column_text(int i) const;
    /// The text of column i without a copy, valid until the next step or reset.
    std::string_view column_view(int i) const;
    bool column_null(int i) const;

  private:
    Db& db_;
    sqlite3_stmt* stmt_ = nullptr;
};

/// BEGIN IMMEDIATE on construction, ROLLBACK on destruction unless commit() was called. When a
/// transaction (such as a group-commit batch) is already open it nests as a SAVEPOINT instead.
class Transaction {
  public:
    explicit Transaction(Db& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    /// Commits; a top-level transaction is durable when this returns (synchronous=FULL), a nested
    /// one is released into the enclosing transaction and durable when that commits.
    void commit();

  private:
    Db& db_;
    bool nested_ = false;
    bool done_ = false;
};

/// Raises the page cache to `kib` KiB while it lives (PRAGMA cache_size), then restores it.
class CacheBoost {
  public:
    CacheBoost(Db& db, int64_t kib);
    ~CacheBoost();
    CacheBoost(const CacheBoost&) = delete;
    CacheBoost& operator=(const CacheBoost&) = delete;

  private:
    Db& db_;
    int64_t saved_;
};

/// What `quick_check` found in a database file.
struct Damage {
    std::string problems;        ///< the first few problems; empty when the file is sound
    int64_t user_version = 0;    ///< from the header, for the recovered copy
    int64_t application_id = 0;  ///< from the header, for the recovered copy
};

/// Runs SQLite's `PRAGMA quick_check` on the database file at `path` (no problems when it does
/// not exist yet). Why at start: a damaged file accepts writes that make it worse (and an export
/// then fails entirely), so heraldd refuses it and says how to recover (heraldd(8), RECOVERY).
Damage quick_check(const std::string& path);

}  // namespace herald::sql
