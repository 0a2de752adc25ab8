#include "daemon/session.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <optional>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "daemon/server.hpp"

namespace herald {

using asio::use_awaitable;

namespace {
// Asio writes at most 64 buffers per sendmsg; more would only loop inside async_write.
constexpr size_t kMaxGather = 64;
// How long one session's pipelined requests run before it yields the thread to the others. Why
// 5 ms: far below the latency anyone notices, yet long enough that pipelined writes still share
// a group commit (dozens of adds per slice).
constexpr std::chrono::milliseconds kReaderSlice{5};
}  // namespace

Session::Session(asio::local::stream_protocol::socket socket, Server& server, PeerCred peer)
    : socket_(std::move(socket)),
      signal_(socket_.get_executor()),
      idle_timer_(socket_.get_executor()),
      room_(socket_.get_executor()),
      server_(server),
      peer_(peer),
      decoder_(server.settings().max_line),
      last_activity_(std::chrono::steady_clock::now()) {
    signal_.expires_at(std::chrono::steady_clock::time_point::max());
}

void Session::start() {
    auto self = shared_from_this();
    asio::co_spawn(
        socket_.get_executor(), [self] { return self->reader(); }, asio::detached);
    asio::co_spawn(
        socket_.get_executor(), [self] { return self->writer(); }, asio::detached);
    asio::co_spawn(
        socket_.get_executor(), [self] { return self->idle_watch(); }, asio::detached);
}

void Session::send(std::string line) {
    if (closed_ || line.empty()) return;
    if (outbox_.empty()) last_progress_ = std::chrono::steady_clock::now();
    outbox_bytes_ += line.size();
    outbox_.push_back(std::move(line));
    if (outbox_bytes_ > server_.settings().max_queue_bytes) {
        // Why drop: a client that stops reading must never make the daemon buffer without bound.
        close("its outgoing queue exceeded " + std::to_string(server_.settings().max_queue_bytes) +
              " bytes");
        return;
    }
    write_through();
    signal_.cancel_one();
}

void Session::write_through() {
    // Why write here rather than leave it to the writer: the writer's wake-up joins the end of
    // the loop's queue, behind a piece of every busy client's work, so a reminder published on
    // time would still reach its watcher a round of them late.
    if (writing_ || outbox_.empty()) return;
    std::array<iovec, kMaxGather> iov{};
    size_t count = 0;
    for (auto& line : outbox_) {
        if (count == kMaxGather) break;
        iov[count++] = {line.data(), line.size()};
    }
    msghdr msg{};
    msg.msg_iov = iov.data();
    msg.msg_iovlen = count;
    ssize_t sent = ::sendmsg(socket_.native_handle(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent <= 0) return;  // full (EAGAIN) or failed: the writer meets it in its turn
    consume(static_cast<size_t>(sent));
    drained_through_ = true;
}

void Session::consume(size_t n) {
    outbox_bytes_ -= n;
    while (n > 0) {
        std::string& front = outbox_.front();
        if (n < front.size()) {
            front.erase(0, n);  // the rest of a line written in part
            break;
        }
        n -= front.size();
        outbox_.pop_front();
    }
    last_progress_ = std::chrono::steady_clock::now();
    room_.cancel();
}

void Session::close(std::string_view why) {
    if (closed_) return;
    closed_ = true;
    if (!why.empty()) spdlog::info("closing client pid {} uid {}: {}", peer_.pid, peer_.uid, why);
    asio::error_code ec;
    socket_.shutdown(asio::socket_base::shutdown_both, ec);
    socket_.close(ec);
    signal_.cancel();
    idle_timer_.cancel();
    room_.cancel();
    drain_hook_ = nullptr;
    server_.forget(this);
}

asio::awaitable<void> Session::reader() {
    auto self = shared_from_this();
    std::array<char, 64 * 1024> buf;
    // Complete lines of one read, not yet handled (at most a read's worth plus one line); an
    // empty optional stands for an over-long line, reported in its place.
    std::deque<std::optional<std::string>> lines;
    try {
        while (!closed_) {
            size_t n = co_await socket_.async_read_some(asio::buffer(buf), use_awaitable);
            last_activity_ = std::chrono::steady_clock::now();
            decoder_.feed(
                std::string_view(buf.data(), n),
                [&](std::string_view line) { lines.emplace_back(std::string(line)); },
                [&] { lines.emplace_back(std::nullopt); });
            auto slice_start = std::chrono::steady_clock::now();
            while (!lines.empty() && !closed_) {
                co_await wait_for_room();
                if (closed_) break;
                auto line = std::move(lines.front());
                lines.pop_front();
                if (line)
                    co_await server_.serve(*this, std::move(*line));
                else
                    send(encode_error(nullptr, ErrorCode::too_large,
                                      "request line longer than " +
                                          std::to_string(server_.settings().max_line) +
                                          " bytes was discarded; send one JSON object per line, "
                                          "under the limit"));
                // Why yield: a client pipelining many requests must not hold the one thread; other
                // sessions, the reminder timer and the group commit run between its slices.
                if (std::chrono::steady_clock::now() - slice_start >= kReaderSlice) {
                    co_await asio::post(socket_.get_executor(), use_awaitable);
                    slice_start = std::chrono::steady_clock::now();
                }
            }
        }
    } catch (const std::system_error&) {
        // EOF or reset: the client went away. Nothing half-written: each request (each slice of
        // a sliced import) commits whole.
    }
    close();
}

bool Session::peer_hung_up() {
    if (closed_) return true;
    // POLLHUP only: a peer that shut down just its writing side still waits for the reply.
    pollfd p{socket_.native_handle(), 0, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR)) != 0;
}

asio::awaitable<void> Session::wait_for_room() {
    // Why wait rather than drop: a client reading its replies slower than it pipelines requests
    // is throttled (its next request waits), so nothing is built that cannot be sent, and a client
    // that is gone stops costing work once its socket fails.
    while (!closed_ && outbox_bytes_ > server_.settings().max_queue_bytes / 2) {
        room_.expires_at(std::chrono::steady_clock::time_point::max());
        asio::error_code ec;
        co_await room_.async_wait(asio::redirect_error(use_awaitable, ec));
    }
}

asio::awaitable<void> Session::writer() {
    auto self = shared_from_this();
    try {
        while (!closed_) {
            if (outbox_.empty()) {
                if (std::exchange(drained_through_, false) && drain_hook_) {
                    drain_hook_();  // write_through emptied the queue: subscribers refill it
                    continue;
                }
                asio::error_code ec;
                co_await signal_.async_wait(asio::redirect_error(use_awaitable, ec));
                continue;
            }
            // What is queued goes in one write (up to kMaxGather lines): a burst of reminders
            // due in the same second leaves in one sendmsg, so the last line is not later than
            // the first by a loop turn per line. The deque keeps the lines in place meanwhile
            // (push_back does not move its elements).
            std::vector<asio::const_buffer> lines;
            for (const auto& line : outbox_) {
                if (lines.size() == kMaxGather) break;
                lines.push_back(asio::buffer(line));
            }
            writing_ = true;
            size_t written = co_await asio::async_write(socket_, lines, use_awaitable);
            writing_ = false;
            consume(written);
            if (drain_hook_ && outbox_bytes_ <= server_.settings().max_queue_bytes / 4)
                drain_hook_();
        }
    } catch (const std::system_error&) {
    }
    close();
}

std::chrono::steady_clock::duration Session::stalled_for() const {
    if (outbox_.empty()) return {};
    return std::chrono::steady_clock::now() - last_progress_;
}

asio::awaitable<void> Session::idle_watch() {
    auto self = shared_from_this();
    while (!closed_) {
        // Read each round: a reload (SIGHUP) may change the timeout for connected clients too.
        const auto timeout = server_.settings().idle_timeout;
        // Why no timer at all for subscribers (and with no timeout): an idle daemon must sleep in
        // epoll until something happens, not wake every few minutes to re-arm a deadline that
        // cannot expire. A reload or set_subscribed() cancels the wait to re-evaluate.
        if (timeout.count() <= 0 || subscribed_)
            idle_timer_.expires_at(std::chrono::steady_clock::time_point::max());
        else
            idle_timer_.expires_at(last_activity_ + timeout);
        asio::error_code ec;
        co_await idle_timer_.async_wait(asio::redirect_error(use_awaitable, ec));
        if (closed_ || ec || subscribed_ || timeout.count() <= 0) continue;
        auto now = std::chrono::steady_clock::now();
        // A client still being written to counts as active: its deadline moves, once.
        if (!outbox_.empty())
            last_activity_ = now;
        else if (now >= last_activity_ + timeout)
            close("idle for " + std::to_string(timeout.count()) + " s");
    }
}

}  // namespace herald
