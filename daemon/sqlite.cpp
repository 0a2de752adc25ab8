#include "daemon/sqlite.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include "core/errors.hpp"

namespace herald::sql {
namespace {
/// Takes group and other access away from the database file and its -wal and -shm when a
/// previous version (or a copy) left them open; in-memory and temporary databases have no file.
void make_private(const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::string file = path + suffix;
        struct stat st {};
        if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
            ::chmod(file.c_str(), st.st_mode & 0700);
    }
}

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
    std::string msg = "database error while " + std::string(what) + ": " +
                      (db ? sqlite3_errmsg(db) : "out of memory");
    int code = db ? sqlite3_errcode(db) : SQLITE_NOMEM;
    throw HeraldError(
        code == SQLITE_BUSY || code == SQLITE_LOCKED ? ErrorCode::busy : ErrorCode::storage_error,
        msg);
}
}  // namespace

Db::Db(const std::string& path) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    // Why 0600 whatever the umask: the file holds every user's private events (system mode). SQLite
    // gives -wal and -shm the main file's mode, so making the main file private covers them.
    const mode_t old_mask = ::umask(077);
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    ::umask(old_mask);
    if (rc == SQLITE_OK) make_private(path);
    if (rc != SQLITE_OK) {
        std::string msg =
            "cannot open database " + path + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory");
        sqlite3_close(db_);
        db_ = nullptr;
        throw HeraldError(ErrorCode::storage_error, msg);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 5000);
}

Db::~Db() {
    for (auto* st : controls_) sqlite3_finalize(st);
    sqlite3_close_v2(db_);
}

namespace {
constexpr std::array<const char*, 9> kControlSql{
    "BEGIN IMMEDIATE",     "COMMIT",       "ROLLBACK",   "SAVEPOINT request", "RELEASE request",
    "ROLLBACK TO request", "SAVEPOINT tx", "RELEASE tx", "ROLLBACK TO tx"};
}  // namespace

int Db::control(Control c) {
    static_assert(kControlSql.size() == static_cast<size_t>(Control::count_));
    auto i = static_cast<size_t>(c);
    if (controls_[i] == nullptr &&
        sqlite3_prepare_v3(db_, kControlSql[i], -1, SQLITE_PREPARE_PERSISTENT, &controls_[i],
                           nullptr) != SQLITE_OK)
        return sqlite3_errcode(db_);
    int rc = sqlite3_step(controls_[i]);
    sqlite3_reset(controls_[i]);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

void Db::control_or_fail(Control c) {
    if (control(c) != SQLITE_OK) fail(db_, kControlSql[static_cast<size_t>(c)]);
}

void Db::exec(std::string_view sql) {
    std::string s(sql);
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) fail(db_, s);
}

int64_t Db::query_int(std::string_view sql) {
    Statement st(*this, sql);
    return st.step() ? st.column_int(0) : 0;
}

int64_t Db::last_insert_id() const {
    return sqlite3_last_insert_rowid(db_);
}
int Db::changes() const {
    return sqlite3_changes(db_);
}
void Db::set_busy_timeout(std::chrono::milliseconds wait) {
    sqlite3_busy_timeout(db_, static_cast<int>(wait.count()));
}
bool Db::in_transaction() const {
    return sqlite3_get_autocommit(db_) == 0;
}

void Db::set_batching(bool on) {
    if (!on && batch_open_)
        throw HeraldError(ErrorCode::internal_error, "batching turned off with a batch open");
    batching_ = on;
}

void Db::begin_request() {
    in_request_ = true;
    request_open_ = false;
}

void Db::end_request(bool ok) {
    in_request_ = false;
    if (!request_open_) return;
    request_open_ = false;
    // Why by hand: a failing request must leave no trace in the batch the others will commit.
    if (!in_transaction())
        return;  // SQLite already rolled the whole batch back; commit_batch reports it
    if (!ok) control(Control::rollback_to_request);
    if (control(Control::release_request) != SQLITE_OK) fail(db_, "releasing a request");
}

void Db::commit_batch() {
    if (!batch_open_) return;
    batch_open_ = false;
    if (!in_transaction()) {
        if (after_commit_) after_commit_(false);
        last_commit_failure_ = "the batch transaction was rolled back by SQLite";
        throw HeraldError(ErrorCode::storage_error, last_commit_failure_ + "; nothing was stored");
    }
    std::string msg;
    try {
        if (before_commit_) before_commit_();
        if (control(Control::commit) != SQLITE_OK)
            msg = std::string("database error while committing: ") + sqlite3_errmsg(db_);
    } catch (const HeraldError& e) {
        msg = e.what();
    }
    if (!msg.empty()) {
        if (in_transaction()) control(Control::rollback);
        if (after_commit_) after_commit_(false);
        last_commit_failure_ = msg;
        throw HeraldError(ErrorCode::storage_error, msg);
    }
    if (after_commit_) after_commit_(true);
}

bool Db::open_scope() {
    if (batching_ && !in_request_ && batch_open_) {
        // Why commit the batch first: writes outside a request (fired reminders) are pushed right
        // after their own commit, so they must not ride in a batch that is not yet durable.
        if (flusher_) flusher_();
        if (batch_open_)
            throw HeraldError(ErrorCode::internal_error,
                              "a write outside a request found a group-commit batch still open");
    }
    if (batching_ && in_request_) {
        if (!batch_open_) {
            control_or_fail(Control::begin);
            batch_open_ = true;
        } else if (!in_transaction()) {
            throw HeraldError(ErrorCode::storage_error,
                              "the batch transaction was rolled back by SQLite");
        }
        if (in_request_ && !request_open_) {
            control_or_fail(Control::savepoint_request);
            request_open_ = true;
        }
    }
    if (in_transaction()) {
        control_or_fail(Control::savepoint_tx);
        return true;
    }
    control_or_fail(Control::begin);
    return false;
}

Statement::Statement(Db& db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
        fail(db.handle(), "preparing " + std::string(sql));
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int i, int64_t v) {
    if (sqlite3_bind_int64(stmt_, i, v) != SQLITE_OK) fail(db_.handle(), "binding");
    return *this;
}
Statement& Statement::bind(int i, double v) {
    if (sqlite3_bind_double(stmt_, i, v) != SQLITE_OK) fail(db_.handle(), "binding");
    return *this;
}
Statement& Statement::bind(int i, std::string_view v) {
    if (sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) !=
        SQLITE_OK)
        fail(db_.handle(), "binding");
    return *this;
}
Statement& Statement::bind_null(int i) {
    if (sqlite3_bind_null(stmt_, i) != SQLITE_OK) fail(db_.handle(), "binding");
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    std::string what = std::string("running ") + sqlite3_sql(stmt_);
    sqlite3_reset(stmt_);
    fail(db_.handle(), what);
}

void Statement::run() {
    step();
    reset();
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

int64_t Statement::column_int(int i) const {
    return sqlite3_column_int64(stmt_, i);
}
std::string Statement::column_text(int i) const {
    return std::string(column_view(i));
}
std::string_view Statement::column_view(int i) const {
    auto p = sqlite3_column_text(stmt_, i);
    return p ? std::string_view(reinterpret_cast<const char*>(p),
                                static_cast<size_t>(sqlite3_column_bytes(stmt_, i)))
             : std::string_view();
}
bool Statement::column_null(int i) const {
    return sqlite3_column_type(stmt_, i) == SQLITE_NULL;
}

Transaction::Transaction(Db& db) : db_(db) {
    nested_ = db_.open_scope();
}
Transaction::~Transaction() {
    if (done_ || !db_.in_transaction()) return;
    // Savepoints have fixed names: RAII keeps them strictly nested, so the innermost one matches.
    if (nested_) {
        db_.control(Db::Control::rollback_to_tx);
        db_.control(Db::Control::release_tx);
    } else {
        db_.control(Db::Control::rollback);
    }
}
void Transaction::commit() {
    db_.control_or_fail(nested_ ? Db::Control::release_tx : Db::Control::commit);
    done_ = true;
}

CacheBoost::CacheBoost(Db& db, int64_t kib) : db_(db), saved_(db.query_int("PRAGMA cache_size")) {
    db_.exec("PRAGMA cache_size=" + std::to_string(-kib));
}

CacheBoost::~CacheBoost() {
    try {
        db_.exec("PRAGMA cache_size=" + std::to_string(saved_));
    } catch (const std::exception&) {
        // Only the cache's size is left larger; memory_trim still releases its pages.
    }
}

Damage quick_check(const std::string& path) {
    Damage out;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || st.st_size == 0) return out;  // created fresh at start
    try {
        Db db(path);
        // From the header (page 1), readable when other pages are not; a dump does not carry them.
        out.user_version = db.query_int("PRAGMA user_version");
        out.application_id = db.query_int("PRAGMA application_id");
        Statement check(db, "PRAGMA quick_check(5)");
        while (check.step()) {
            std::string row = check.column_text(0);
            if (row == "ok") continue;
            out.problems += (out.problems.empty() ? "" : "; ") + row;
        }
    } catch (const HeraldError& e) {
        out.problems = e.what();  // not even readable as a database (SQLITE_NOTADB, SQLITE_CORRUPT)
    }
    return out;
}

}  // namespace herald::sql
