#include "daemon/server.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/errors.hpp"
#include "core/paths.hpp"
#include "core/protocol.hpp"
#include "daemon/checkpointer.hpp"
#include "daemon/commands.hpp"
#include "daemon/hub.hpp"
#include "daemon/scheduler.hpp"
#include "daemon/session.hpp"
#include "daemon/store.hpp"
#include "daemon/sync_engine.hpp"
#include "daemon/systemd.hpp"

namespace herald {

using asio::local::stream_protocol;

namespace {

PeerCred peer_of(stream_protocol::socket& s) {
    ucred cred{};
    socklen_t len = sizeof cred;
    PeerCred out;
    if (::getsockopt(s.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
        out.pid = cred.pid;
        out.uid = cred.uid;
        out.gid = cred.gid;
    }
    // Supplementary groups as of connect(): admin group membership for authz.
    std::vector<gid_t> groups(64);
    socklen_t glen = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
    int rc = ::getsockopt(s.native_handle(), SOL_SOCKET, SO_PEERGROUPS, groups.data(), &glen);
    if (rc != 0 && errno == ERANGE) {
        groups.resize(glen / sizeof(gid_t));
        rc = ::getsockopt(s.native_handle(), SOL_SOCKET, SO_PEERGROUPS, groups.data(), &glen);
    }
    if (rc == 0)
        for (size_t i = 0; i < glen / sizeof(gid_t); ++i)
            out.groups.push_back(static_cast<int64_t>(groups[i]));
    return out;
}

/// `reply`, or a too_large error in its place when it is longer than `limit`: one reply must fit
/// in what a client may have queued, else the client would be dropped instead of answered.
std::string bounded_reply(std::string reply, size_t limit) {
    if (reply.size() <= limit) return reply;
    constexpr std::string_view head = "{\"id\":";  // encode_encoded_result's envelope
    Json id = nullptr;
    // Why compare() and a view below, not starts_with/substr: GCC 12 at -O2 reports a false
    // -Wmaybe-uninitialized on those inlined into deliver().
    if (reply.compare(0, head.size(), head.data(), head.size()) == 0)
        if (auto end = reply.find(",\"jsonrpc\"", head.size()); end != std::string::npos) {
            auto text = std::string_view(reply).substr(head.size(), end - head.size());
            if (Json j = Json::parse(text.begin(), text.end(), nullptr, false); !j.is_discarded())
                id = std::move(j);
        }
    return encode_error(id, ErrorCode::too_large,
                        "the answer is " + std::to_string(reply.size()) + " bytes, more than the " +
                            std::to_string(limit) +
                            " bytes one reply may take (half of max_queue_bytes); ask for less: a "
                            "narrower window or a smaller limit");
}

/// How often the batch is committed while sliced work (a big import) runs and nothing else
/// commits it. Why 100 ms: a commit costs a disk flush; ten a second keep the work's pace while
/// little of it waits uncommitted.
constexpr std::chrono::milliseconds kSlicedCommitEvery{100};

}  // namespace

Server::Server(asio::io_context& io, Store& store, const Settings& settings, AlarmStore& alarms,
               Hub& hub, Scheduler& scheduler, sync::Engine* sync)
    : io_(io),
      store_(store),
      settings_(settings),
      group_(io.get_executor(), store.db(), kGroupCommitWait, settings.commit_delay),
      trim_(io.get_executor(), [&store] { store.release_memory(); }),
      acceptor_(io),
      alarms_(alarms),
      hub_(hub),
      scheduler_(scheduler),
      sync_(sync) {
    state_.started = wall_now();
    state_.buffered_imports = [this](int64_t uid) {
        size_t mine = 0, all = 0;
        for (const auto& [s, _] : sessions_) {
            size_t n = s->scratch().import_buffer.size();
            all += n;
            if (s->peer().uid == uid) mine += n;
        }
        return std::pair{mine, all};
    };
}

Server::~Server() {
    stop();
}

namespace {

/// Creates the socket's directory when missing (0700 in user mode: only the owner may reach the
/// socket; system mode relies on the unit's RuntimeDirectoryMode and the socket's own mode).
/// Why only a directory we create is chmodded: `--socket /tmp/x.sock` must not close /tmp.
/// Herald's own runtime directory must then be the user's and 0700, or whoever owns it could
/// receive the user's requests.
void prepare_socket_dir(const std::filesystem::path& dir, const Settings& settings) {
    namespace fs = std::filesystem;
    if (!fs::exists(dir)) {
        fs::create_directories(dir);
        if (!settings.system_mode && ::chmod(dir.c_str(), 0700) != 0)
            throw HeraldError(ErrorCode::storage_error,
                              "cannot make " + dir.string() + " private: " + std::strerror(errno));
    }
    if (settings.system_mode || settings.private_runtime_dir.empty() ||
        fs::path(settings.private_runtime_dir).lexically_normal() != dir.lexically_normal())
        return;
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        throw HeraldError(ErrorCode::permission_denied,
                          dir.string() + " is not a directory; remove it and start again");
    if (auto problem = private_dir_problem(dir.string(), ::getuid(), st.st_uid, st.st_mode);
        !problem.empty())
        throw HeraldError(ErrorCode::permission_denied, "refusing to serve: " + problem);
}

}  // namespace

void Server::bind_socket() {
    namespace fs = std::filesystem;
    fs::path path(settings_.socket_path);
    if (path.string().size() >= sizeof(sockaddr_un::sun_path))
        throw HeraldError(ErrorCode::invalid_params, "socket path too long: " + path.string());
    if (path.has_parent_path()) prepare_socket_dir(path.parent_path(), settings_);
    if (struct stat st{}; ::lstat(path.c_str(), &st) == 0) {
        // Why only a socket is replaced: --socket naming a regular file must not destroy it.
        if (!S_ISSOCK(st.st_mode))
            throw HeraldError(ErrorCode::invalid_params,
                              path.string() +
                                  " exists and is not a socket; refusing to replace it "
                                  "(choose another --socket path)");
        stream_protocol::socket probe(io_);
        asio::error_code ec;
        probe.connect(stream_protocol::endpoint(path.string()), ec);
        if (!ec)
            throw HeraldError(ErrorCode::busy,
                              "another heraldd is already serving on " + path.string());
        fs::remove(path);  // a stale socket left by a killed daemon
    }
    mode_t old = ::umask(settings_.system_mode ? 0111 : 0177);
    acceptor_.open(stream_protocol());
    acceptor_.bind(stream_protocol::endpoint(path.string()));
    ::umask(old);
    ::chmod(path.c_str(), settings_.system_mode ? 0666 : 0600);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    bound_path_ = true;
}

void Server::listen() {
    if (auto fd = systemd::activated_socket()) {
        acceptor_.assign(stream_protocol(), *fd);
        spdlog::info("serving on the socket passed by systemd");
    } else {
        bind_socket();
        spdlog::info("serving on {}", settings_.socket_path);
    }
    asio::co_spawn(io_, accept_loop(), asio::detached);
}

void Server::stop() {
    group_.flush();  // requests already run are committed before their sessions go
    trim_.cancel();
    asio::error_code ec;
    acceptor_.close(ec);
    auto sessions = sessions_;
    for (auto& [_, s] : sessions) s->close();
    sessions_.clear();
    if (bound_path_) {
        std::filesystem::remove(settings_.socket_path, ec);
        bound_path_ = false;
    }
}

asio::awaitable<void> Server::accept_loop() {
    for (;;) {
        asio::error_code ec;
        auto socket =
            co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
        if (ec) {
            // EMFILE and friends: log, breathe, keep serving the clients we have.
            spdlog::warn("accept failed: {}", ec.message());
            asio::steady_timer pause(io_, std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::use_awaitable);
            continue;
        }
        spdlog::debug("client connected ({} connected before)", sessions_.size());
        if (sessions_.size() >= settings_.max_clients) {
            std::string line =
                encode_error(nullptr, ErrorCode::busy,
                             "too many clients (limit " + std::to_string(settings_.max_clients) +
                                 "); try again later");
            asio::write(socket, asio::buffer(line), ec);
            socket.close(ec);
            continue;
        }
        PeerCred peer = peer_of(socket);
        if (settings_.system_mode && peer.uid != 0 &&
            connections_of(peer.uid) >= settings_.max_clients_per_user) {
            // Why per uid: one user's runaway script must not use up max_clients for everyone.
            std::string line = encode_error(
                nullptr, ErrorCode::busy,
                "too many connections from uid " + std::to_string(peer.uid) + " (limit " +
                    std::to_string(settings_.max_clients_per_user) + "); try again later");
            asio::write(socket, asio::buffer(line), ec);
            socket.close(ec);
            continue;
        }
        auto session = std::make_shared<Session>(std::move(socket), *this, peer);
        sessions_.emplace(session.get(), session);
        state_.clients = sessions_.size();
        session->start();
    }
}

// The request path, in order (docs/architecture.md, "Request path"): the session's reader hands
// each line to serve(); dispatch() decodes it and runs the handler inside the group commit's
// request scope (store writes join the open batch); the reply leaves through deliver() once the
// batch is durable; then what the request caused is pushed and the reminder timer re-armed. A
// handler that returned unfinished work (Result::later) has it run here in slices, the loop
// serving everyone else between them.
asio::awaitable<void> Server::serve(Session& session, std::string line) {
    auto self = session.shared_from_this();
    scheduler_.run_if_due();  // a reminder due now goes before this request's work
    Dispatched d = run_in_batch(session, [&](Context& ctx) { return dispatch(ctx, line); });
    auto last_commit = std::chrono::steady_clock::now();
    int64_t writes = store_.writes();
    while (d.more) {
        // Why commit on a schedule, not per slice: a commit waits for the disk (several ms), and
        // one per 4 ms slice would make the work several times slower; another client's write
        // still commits the open batch (the slices with it) at the end of its turn.
        const uint64_t failures = group_.failures();
        Earlier earlier = Earlier::pending;
        if (std::chrono::steady_clock::now() - last_commit >= kSlicedCommitEvery) {
            group_.flush();
            last_commit = std::chrono::steady_clock::now();
            earlier = Earlier::committed;
        }
        scheduler_.rearm_if_changed();  // alarms of what the slices stored
        if (store_.writes() != writes && store_.wal_backlogged()) {
            co_await wal_catch_up();
            last_commit = std::chrono::steady_clock::now();
        }
        writes = store_.writes();
        co_await asio::post(io_, asio::use_awaitable);
        if (group_.failures() != failures) earlier = Earlier::lost;
        if (session.closed() || session.peer_hung_up()) {
            // Why stop: nobody is left to read the reply. What the slices stored stays (an
            // import is idempotent by UID: running it again completes it).
            group_.flush();
            spdlog::info("client pid {} left during a sliced request; its work is stopped",
                         session.peer().pid);
            co_return;
        }
        scheduler_.run_if_due();  // and before each slice
        d = run_in_batch(
            session, [&](Context& ctx) { return resume(ctx, std::move(d), earlier); }, false);
    }
}

// Why pause a writer and not the checkpoints: a passive checkpoint never holds the loop, and
// the WAL starts over only once one has copied it all (daemon/checkpointer.hpp).
asio::awaitable<void> Server::wal_catch_up() {
    group_.flush();  // the slices' batch too, so that the checkpoint can copy it
    asio::steady_timer timer(io_);
    const auto give_up = std::chrono::steady_clock::now() + Checkpointer::kCatchUpMax;
    while (store_.wal_backlogged() && std::chrono::steady_clock::now() < give_up) {
        timer.expires_after(Checkpointer::kCatchUpPoll);
        co_await timer.async_wait(asio::use_awaitable);
    }
}

Dispatched Server::run_in_batch(Session& session, const std::function<Dispatched(Context&)>& step,
                                bool commit_soon) {
    state_.commits = group_.commits();
    state_.committed_requests = group_.committed_requests();
    Context ctx{store_,  settings_,      state_,     alarms_, hub_,
                session, session.peer(), wall_now(), sync_,   {}};
    Dispatched d;
    // What the handler leaves for after its reply is known only once it has run.
    auto after = std::make_shared<std::function<void()>>();
    group_.run(
        [&] {
            d = step(ctx);
            *after = std::move(ctx.after_reply);
            return d.reply;
        },
        [this, self = session.shared_from_this(), after](std::string reply) {
            deliver(*self, *after, std::move(reply));
        },
        commit_soon);
    return d;
}

void Server::deliver(Session& session, const std::function<void()>& after, std::string reply) {
    session.send(bounded_reply(std::move(reply), settings_.max_queue_bytes / 2));
    // What a request caused (a subscribe's replay, change messages, a new alarm to arm for) is
    // pushed after its reply, and only once its batch is durable.
    if (after) after();
    if (on_request_) on_request_();
    trim_.note_activity();
    hub_.flush();
    scheduler_.rearm_if_changed();
}

void Server::settings_changed() {
    if (sync_) sync_->settings_changed();
    for (auto& [s, _] : sessions_) s->settings_changed();
}

size_t Server::connections_of(int64_t uid) const {
    size_t n = 0;
    for (const auto& [s, _] : sessions_)
        if (s->peer().uid == uid && !s->closed()) ++n;
    return n;
}

void Server::forget(Session* session) {
    hub_.remove(session);
    sessions_.erase(session);
    state_.clients = sessions_.size();
}

}  // namespace herald
