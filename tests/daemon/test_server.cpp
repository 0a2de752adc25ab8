// Unit tests of the request path (daemon/server, session, group_commit): the real Server and Store
// on a temporary socket, clients on real Unix sockets from another thread.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>

#include <asio.hpp>

#include "core/protocol.hpp"
#include "daemon/server.hpp"
#include "daemon/store.hpp"
#include "tests/daemon/daemon_fixture.hpp"
#include "tests/support.hpp"

using namespace herald;
using asio::local::stream_protocol;

namespace {

/// A blocking client: one request line out, one reply line in.
class Client {
  public:
    Client(asio::io_context& io, const std::string& path) : socket_(io) {
        socket_.connect(stream_protocol::endpoint(path));
    }
    void send(const Json& request) { asio::write(socket_, asio::buffer(request.dump() + "\n")); }
    Json read() {
        size_t n = asio::read_until(socket_, buf_, '\n');
        std::string line(asio::buffers_begin(buf_.data()),
                         asio::buffers_begin(buf_.data()) + static_cast<std::ptrdiff_t>(n));
        buf_.consume(n);
        return Json::parse(line);
    }

  private:
    stream_protocol::socket socket_;
    asio::streambuf buf_;
};

/// `n` plain events as one iCalendar text.
std::string calendar(int n) {
    std::string text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n";
    for (int i = 0; i < n; ++i)
        text += "BEGIN:VEVENT\r\nUID:s" + std::to_string(i) +
                "@test\r\nDTSTART:20310101T090000Z\r\nSUMMARY:Event " + std::to_string(i) +
                "\r\nEND:VEVENT\r\n";
    return text + "END:VCALENDAR\r\n";
}

}  // namespace

TEST_CASE("server: a long import runs in slices and replies keep their order", "[server]") {
    auto dir = std::filesystem::temp_directory_path() /
               ("herald-server-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    Settings settings;
    settings.socket_path = (dir / "socket").string();
    test::TempDb tmp;
    test::Daemon daemon(tmp.path(), settings);
    asio::io_context& io = daemon.io();
    Server& server = daemon.server();
    server.listen();
    std::thread loop([&io] {
        auto guard = asio::make_work_guard(io);
        io.run();
    });
    asio::io_context client_io;
    {
        Client importer(client_io, settings.socket_path), other(client_io, settings.socket_path);
        const int n = 3000;
        importer.send({{"jsonrpc", "2.0"},
                       {"id", 1},
                       {"method", "calendar.import"},
                       {"params", {{"ics", calendar(n)}}}});
        importer.send({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "status"}});
        // Another connection asks while the import runs: it is answered between slices, so
        // it sees a calendar partly stored (an import in one piece shows none or all of it).
        bool saw_part = false;
        for (int id = 10; !saw_part; ++id) {
            other.send({{"jsonrpc", "2.0"}, {"id", id}, {"method", "status"}});
            Json answer = other.read();
            REQUIRE(answer["id"] == id);
            int events = answer["result"]["events"].get<int>();
            saw_part = events > 0 && events < n;
            if (events == n) break;
        }
        CHECK(saw_part);
        Json first = importer.read(), second = importer.read();
        CHECK(first["id"] == 1);
        CHECK(first["result"]["added"] == n);
        CHECK(second["id"] == 2);
        CHECK(second["result"]["events"] == n);
    }
    asio::post(io, [&] {
        server.stop();
        io.stop();
    });
    loop.join();
    std::filesystem::remove_all(dir);
}
