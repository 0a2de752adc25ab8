#include "daemon/sqlite.hpp"

#include <sqlite3.h>

#include "core/errors.hpp"

namespace herald::sql {
namespace {
[[noreturn]] void fail(sqlite3* db, std::string_view what) {
    std::string msg = "database error while " + std::string(what) + ": " +
                      (db ? sqlite3_errmsg(db) : "out of memory");
    int code = db ? sqlite3_errcode(db) : SQLITE_NOMEM;
    throw HeraldError(code == SQLITE_BUSY || code == SQLITE_LOCKED ? ErrorCode::busy : ErrorCode::storage_error, msg);
}
}  // namespace

Db::Db(const std::string& path) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
        std::string msg = "cannot open database " + path + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory");
        sqlite3_close(db_);
        db_ = nullptr;
        throw HeraldError(ErrorCode::storage_error, msg);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 5000);
}

Db::~Db() { sqlite3_close_v2(db_); }

void Db::exec(std::string_view sql) {
    std::string s(sql);
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) fail(db_, s);
}

int64_t Db::query_int(std::string_view sql) {
    Statement st(*this, sql);
    return st.step() ? st.column_int(0) : 0;
}

int64_t Db::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
int Db::changes() const { return sqlite3_changes(db_); }

Statement::Statement(Db& db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                           nullptr) != SQLITE_OK)
        fail(db.handle(), "preparing " + std::string(sql));
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int i, int64_t v) {
    if (sqlite3_bind_int64(stmt_, i, v) != SQLITE_OK) fail(db_.handle(), "binding");
    return *this;
}
Statement& Statement::bind(int i, double v) {
    if (sqlite3_bind_double(stmt_, i, v) != SQLITE_OK) fail(db_.handle(), "binding");
    return *this;
}
Statement& Statement::bind(int i, std::string_view v) {
    if (sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) != SQLITE_OK)
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

int64_t Statement::column_int(int i) const { return sqlite3_column_int64(stmt_, i); }
std::string Statement::column_text(int i) const {
    auto p = sqlite3_column_text(stmt_, i);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, i)))
             : std::string();
}
bool Statement::column_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }

Transaction::Transaction(Db& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
Transaction::~Transaction() {
    if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}
void Transaction::commit() {
    db_.exec("COMMIT");
    done_ = true;
}

}  // namespace herald::sql
