// Unit tests of daemon/checkpointer: the loop's connection never checkpoints by itself, and the
// checkpointer's thread does once the WAL passes its threshold.
#include <catch2/catch.hpp>

#include <algorithm>
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

TEST_CASE("a writer that pauses while the checkpointer is behind keeps the WAL bounded",
          "[checkpointer]") {
    // A passive checkpoint never holds a writer back, so a writer that never pauses outruns it:
    // the WAL starts over only when a write begins with every frame copied (100,000 imported
    // events left a WAL of 1.4 GB). Sliced writers pause while backlogged() (server.cpp).
    TempDb tmp;
    Store store(tmp.path());
    constexpr int kBacklog = 400;
    Checkpointer ckpt(store.db(), tmp.path(), 100, kBacklog);
    uintmax_t largest = 0;
    for (int k = 0; k < 2000; ++k) {
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        while (ckpt.backlogged() && std::chrono::steady_clock::now() < give_up)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        write_pages(store.db(), 1);
        largest = std::max(largest, wal_size(tmp.path()));
    }
    // 2,000 writes of four pages or more: about 8,000 frames (33 MB) without the pauses. With
    // them, the backlog and a write (each frame a 4 KiB page and its 24-byte header).
    CHECK(largest <= (kBacklog + 8) * 4120u + 32u);
}
