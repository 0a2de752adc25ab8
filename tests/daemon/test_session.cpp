// Unit tests of daemon/session: back-pressure and hang-ups. A client that pipelines requests
// without reading its replies is paused (its next request waits for room in its outbox), not
// dropped; a queue pushed past its bound drops the client; a peer that hangs up is noticed. A real
// Session of a real Server on a socket pair and io_context, the test playing the client.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "core/protocol.hpp"
#include "daemon/hub.hpp"
#include "daemon/server.hpp"
#include "daemon/session.hpp"
#include "tests/daemon/daemon_fixture.hpp"
#include "tests/daemon/peer_reader.hpp"
#include "tests/support.hpp"

using namespace herald;

namespace {

const PeerCred kPeer{1, 1000, 1000, {}};

/// Settings with a small outgoing queue, so a few hundred replies reach its bound.
Settings small_queue() {
    Settings s;
    s.max_queue_bytes = 16 * 1024;
    return s;
}

/// Runs the loop until nothing is left to do now.
void settle(asio::io_context& io) {
    if (io.stopped()) io.restart();
    while (io.poll() > 0) {
    }
}

/// Writes all of `text` to `fd` (blocking).
void write_all(int fd, const std::string& text) {
    for (size_t done = 0; done < text.size();) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        REQUIRE(n > 0);
        done += static_cast<size_t>(n);
    }
}

}  // namespace

TEST_CASE("session: a client that does not read its replies is paused, not dropped", "[session]") {
    test::TempDb db;
    test::Daemon d(db.path(), small_queue());
    test::Connection& c = d.connect(kPeer);
    c.session->start();
    // Far more replies than the client's socket buffer (about 200 KiB) and the queue hold.
    const int n = 1000;
    std::string requests;
    for (int id = 1; id <= n; ++id) requests += encode_request(id, "hello", Json::object());
    write_all(c.peer_fd, requests);
    settle(d.io());
    // Paused: the reader waits for room, so requests stop being served and nothing is dropped.
    const uint64_t served = d.server().state().requests;
    CHECK(served > 0);
    CHECK(served < n);
    CHECK_FALSE(c.session->closed());
    CHECK(c.session->queued_bytes() > d.settings().max_queue_bytes / 2);
    CHECK(c.session->queued_bytes() <= d.settings().max_queue_bytes);
    settle(d.io());
    CHECK(d.server().state().requests == served);  // still waiting, not spinning through them
    // Once the client reads, every reply arrives, in order.
    test::PeerReader reader(d.io(), c.peer_fd);
    int next = 1;
    for (int rounds = 0; next <= n && rounds < 1000; ++rounds)
        for (const auto& reply : reader.read()) {
            REQUIRE(reply["id"] == next);
            CHECK(reply["result"]["server"] == "heraldd");
            ++next;
        }
    CHECK(next == n + 1);
    CHECK_FALSE(c.session->closed());
}

TEST_CASE("session: a queue pushed past its bound drops the client", "[session]") {
    test::TempDb db;
    test::Daemon d(db.path(), small_queue());
    test::Connection& c = d.connect(kPeer);
    c.session->start();
    const std::string line = std::string(4096, 'x') + "\n";
    const size_t bound = d.settings().max_queue_bytes;
    size_t queued_before = 0;
    for (int i = 0; i < 1000 && !c.session->closed(); ++i) {
        settle(d.io());  // the writer fills the client's socket buffer first
        queued_before = c.session->queued_bytes();
        c.session->send(line);
    }
    REQUIRE(c.session->closed());
    CHECK(queued_before + line.size() > bound);  // dropped by the line that crossed the bound
    CHECK(queued_before <= bound);
    // The client sees the end of the stream after what was written.
    settle(d.io());
    char buf[64 * 1024];
    ssize_t n;
    while ((n = ::recv(c.peer_fd, buf, sizeof buf, MSG_DONTWAIT)) > 0) {
    }
    CHECK(n == 0);
}

TEST_CASE("session: a peer that hangs up is noticed", "[session]") {
    test::TempDb db;
    test::Daemon d(db.path());
    test::Connection& c = d.connect(kPeer);
    Session& s = *c.session;
    CHECK_FALSE(s.peer_hung_up());
    // A peer that shut down only its writing side still waits for its reply.
    REQUIRE(::shutdown(c.peer_fd, SHUT_WR) == 0);
    CHECK_FALSE(s.peer_hung_up());
    ::close(c.peer_fd);
    c.peer_fd = -1;
    CHECK(s.peer_hung_up());
    // Started, its reader meets the end: the session closes and leaves the hub.
    d.hub().subscribe(c.session, Topics{true, true}, std::nullopt);
    REQUIRE(d.hub().size() == 1);
    s.start();
    settle(d.io());
    CHECK(s.closed());
    CHECK(d.hub().size() == 0);
}
