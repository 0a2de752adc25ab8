#include "client/watch_loop.hpp"

#include <cstdio>

namespace herald::client {
namespace {

// Why 0.5 s: a restarted daemon is back within a second; a quicker retry would only burn CPU.
constexpr auto kRetry = std::chrono::milliseconds(500);

}  // namespace

WatchLoop::WatchLoop(asio::io_context& io, std::string socket, std::vector<std::string> topics,
                     int64_t since)
    : io_(io),
      socket_(std::move(socket)),
      topics_(std::move(topics)),
      last_(since),
      fd_(io),
      retry_(io) {}

WatchLoop::~WatchLoop() {
    *alive_ = false;
    if (fd_.is_open()) (void)fd_.release();  // the Connection owns the fd
}

void WatchLoop::start() {
    connect();
}

void WatchLoop::connect() {
    try {
        conn_ = std::make_unique<Connection>(socket_);
        Json params{{"topics", topics_}};
        if (last_ >= 0) params["since"] = last_;
        Json result = conn_->call("subscribe", params);
        if (last_ < 0) last_ = result.value("seq", int64_t{0});
        if (told_) std::fprintf(stderr, "herald: reconnected to heraldd\n");
        told_ = false;
        fd_.assign(conn_->fd());
        // The subscribe reply may have come with messages behind it, already buffered.
        drain();
    } catch (const Unavailable& e) {
        disconnect(e.what());
    }
}

void WatchLoop::disconnect(const std::string& why) {
    if (fd_.is_open()) {
        asio::error_code ec;
        fd_.cancel(ec);
        (void)fd_.release();
    }
    conn_.reset();
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto& [id, done] : pending) done(nullptr, "the connection to heraldd was lost");
    if (!told_) std::fprintf(stderr, "herald: %s; retrying every 0.5 s\n", why.c_str());
    told_ = true;
    retry_.expires_after(kRetry);
    std::weak_ptr<bool> alive = alive_;
    retry_.async_wait([this, alive](const asio::error_code& ec) {
        if (!ec && !alive.expired()) connect();
    });
}

void WatchLoop::wait_readable() {
    std::weak_ptr<bool> alive = alive_;
    fd_.async_wait(asio::posix::stream_descriptor::wait_read,
                   [this, alive](const asio::error_code& ec) {
                       if (!ec && !alive.expired()) drain();
                   });
}

void WatchLoop::drain() {
    try {
        while (conn_) {
            auto msg = conn_->read_message(0);
            if (!msg) break;
            dispatch(*msg);
        }
    } catch (const Unavailable& e) {
        disconnect(e.what());
        return;
    }
    if (conn_) wait_readable();
}

void WatchLoop::dispatch(const Json& msg) {
    if (msg.contains("id")) {  // a reply to request()
        auto node = pending_.extract(msg["id"].is_number_integer() ? msg["id"].get<int64_t>() : -1);
        if (node.empty()) return;
        if (msg.contains("error"))
            node.mapped()(nullptr, msg["error"].value("message", "error"));
        else
            node.mapped()(&msg["result"], "");
        return;
    }
    if (!msg.contains("params")) return;
    int64_t seq = msg["params"].value("seq", int64_t{0});
    if (seq <= last_) return;  // never handle a message twice
    last_ = seq;
    if (on_message_) on_message_(msg.value("method", ""), msg["params"]);
}

void WatchLoop::request(const std::string& method, const Json& params, ReplyHandler done) {
    if (!conn_) {
        done(nullptr, "heraldd is not connected");
        return;
    }
    int64_t id = 0;
    try {
        id = conn_->send(method, params);
    } catch (const Unavailable& e) {
        done(nullptr, e.what());
        disconnect(e.what());
        return;
    }
    pending_[id] = std::move(done);
}

}  // namespace herald::client
