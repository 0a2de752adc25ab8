#pragma once
/// Helpers shared by the Catch2 unit tests.

#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

#include <catch2/catch.hpp>

#include "core/errors.hpp"

namespace herald::test {

/// The HeraldError thrown by `f`; fails the test when nothing (or something else) is thrown.
template <class F>
HeraldError error_of(F&& f) {
    try {
        f();
    } catch (const HeraldError& e) {
        return e;
    }
    FAIL("expected a HeraldError");
    throw std::logic_error("unreachable");
}

/// A database path in the temporary directory, removed (with its -wal/-shm files) on both ends.
class TempDb {
  public:
    TempDb() {
        static int counter = 0;
        path_ =
            (std::filesystem::temp_directory_path() / ("herald-test-" + std::to_string(::getpid()) +
                                                       "-" + std::to_string(++counter) + ".db"))
                .string();
        clean();
    }
    ~TempDb() { clean(); }
    TempDb(const TempDb&) = delete;
    TempDb& operator=(const TempDb&) = delete;
    /// The database file's path.
    const std::string& path() const { return path_; }

  private:
    void clean() const {
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            std::filesystem::remove(path_ + suffix, ec);
    }
    std::string path_;
};

}  // namespace herald::test
