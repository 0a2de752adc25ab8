// Fuzz harness: the protocol line codec, request decoding and the full command dispatch (with group
// commit) against a real Store on a temporary file. Every line must get a well-formed JSON reply.
#include <unistd.h>

#include <asio/io_context.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/protocol.hpp"
#include "daemon/commands.hpp"
#include "daemon/group_commit.hpp"
#include "daemon/store.hpp"
#include "tests/daemon/daemon_fixture.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using namespace herald;

/// One daemon (its Store, ledger, hub, server and a session) for the whole run (opening SQLite per
/// input would dominate), at a fixed "now"; removed at exit.
struct World {
    std::string path = (std::filesystem::temp_directory_path() /
                        ("herald-fuzz-protocol-" + std::to_string(::getpid()) + ".db"))
                           .string();
    test::Daemon daemon{path, Settings{},
                        date::sys_days{date::year{2025} / 3 / 21} + std::chrono::hours{9}};
    Store& store = daemon.store();
    Session& session = *daemon.connect(PeerCred{}).session;
    asio::io_context io;
    GroupCommit group{io.get_executor(), store.db()};
    World() {
        // Why: fsync per write would make fuzzing a hundred times slower; durability is not
        // what this harness checks.
        store.db().exec("PRAGMA synchronous=OFF");
    }
    ~World() {
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
    }
};

World& world() {
    static World w;
    return w;
}

void check_reply(const std::string& reply) {
    if (reply.empty()) return;  // notifications get none
    FUZZ_CHECK(reply.back() == '\n');
    Json j = Json::parse(reply, nullptr, false);
    FUZZ_CHECK(!j.is_discarded() && j.is_object());
    FUZZ_CHECK(j.contains("result") != j.contains("error"));
    FUZZ_CHECK(j.value("jsonrpc", "") == "2.0");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    World& w = world();
    std::string_view input(reinterpret_cast<const char*>(data), size);
    // The first byte picks the caller, so ownership and visibility checks are exercised too.
    PeerCred peer{1, size > 0 && (data[0] & 1) ? 1001 : 1000, 1000};
    w.session.scratch() = {};  // no chunk of an earlier input carries over
    LineDecoder decoder(4096);
    size_t lines = 0;
    auto on_line = [&](std::string_view line) {
        if (++lines > 64) return;  // bound the work per input
        Context ctx = w.daemon.context(w.session, peer, w.daemon.settings());
        // The server's path (Server::serve): dispatch, then any unfinished work slice by slice.
        Dispatched d;
        w.group.run(
            [&] {
                d = dispatch(ctx, line);
                return d.reply;
            },
            check_reply);
        while (d.more)
            w.group.run(
                [&] {
                    d = resume(ctx, std::move(d), Earlier::committed);
                    return d.reply;
                },
                check_reply);
    };
    // Feed in uneven chunks: splitting must not change what the decoder sees.
    size_t pos = 0, step = 1;
    while (pos < input.size()) {
        size_t n = std::min(step, input.size() - pos);
        decoder.feed(input.substr(pos, n), on_line, [] {});
        FUZZ_CHECK(decoder.buffered() <= 4096);
        pos += n;
        step = step * 3 + 1;
    }
    w.group.flush();
    FUZZ_CHECK(!w.store.db().in_transaction());
    if (w.store.count() > 5000)
        w.store.db().exec(
            "DELETE FROM events; DELETE FROM event_spans; DELETE FROM list_rows; "
            "DELETE FROM event_text");
    return 0;
}
