// Unit tests of daemon/checkpointer: the loop's connection never checkpoints by itself, and the
// checkpointer's thread does once the WAL passes its threshold.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "daemon/checkpointer.hpp"
#include "daemon/sqlite.hpp"
#include "daemon/store.hpp"
#include "tests/support.hpp"

using namespace herald;
using herald::test::TempDb;

namespace {

/// Commits `n` transactions of about 16 KiB each (four pages or more of the WAL each).
void write_pages(sql::Db& db, int n) {
    db.exec("CREATE TABLE IF NOT EXISTS filler(x BLOB)");
    for (int k = 0; k < n; ++k) db.exec("INSERT INTO filler VALUES(randomblob(16000))");
}

uintmax_t wal_size(const std::string& path) {
    return std::filesystem::file_size(path + "-wal");
}

}  // namespace

TEST_CASE("the loop's connection leaves checkpoints to the checkpointer", "[checkpointer]") {
    TempDb tmp;
    Store store(tmp.path());
    SECTION("a checkpointer that is never asked: the WAL grows past SQLite's own threshold") {
        // Why this shows the loop does not checkpoint: with SQLite's automatic checkpoint (1000
        // pages) the commit past it would copy the WAL back and the next write restart it.
        Checkpointer never(store.db(), tmp.path(), 1 << 30);
        write_pages(store.db(), 600);  // ~2,400 pages
        CHECK(wal_size(tmp.path()) > 2000u * 4096u);
        CHECK(never.checkpoints() == 0);
    }
    SECTION("past its threshold the thread checkpoints and the WAL starts over") {
        Checkpointer ckpt(store.db(), tmp.path(), 100);
        write_pages(store.db(), 600);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (ckpt.checkpoints() == 0 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        CHECK(ckpt.checkpoints() > 0);
    }
}
