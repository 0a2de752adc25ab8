// herald watch --exec: each reminder runs the command in a child of its own (posix_spawn), its
// exit watched through a pidfd on the Asio loop, so a slow or hung command never holds up the
// next reminder. A reminder is acknowledged only once its command exited 0. The cursor file
// records how far the commands ran to the end, so a watch killed mid-command runs that reminder
// again when it starts next (at least once for the command, exactly once for the ledger's ack).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "client/watch.hpp"
#include "client/watch_loop.hpp"
#include "core/duration.hpp"
#include "core/errors.hpp"

extern char** environ;

namespace herald::client {
namespace {

// Why 5 s: long enough for a command to clean up after SIGTERM, short enough not to pile up.
constexpr auto kKillGrace = std::chrono::seconds(5);

/// The seq up to which every reminder's command has run to its end, kept in a file.
class ExecCursor {
  public:
    explicit ExecCursor(std::string path) : path_(std::move(path)) {}
    /// The saved seq, or -1 when there is none yet (the first run starts from now).
    int64_t load() const {
        std::ifstream in(path_);
        int64_t seq = -1;
        if (!(in >> seq)) return -1;
        return seq;
    }
    /// A message seen (running commands or none).
    void seen(int64_t seq) { last_ = std::max(last_, seq); }
    void begin(int64_t seq) { running_.insert(seq); }
    /// A command of `seq` ended; the cursor moves to just before the oldest still running.
    void end(int64_t seq) {
        if (auto it = running_.find(seq); it != running_.end()) running_.erase(it);
        save();
    }
    void save() const {
        int64_t upto = running_.empty() ? last_ : *running_.begin() - 1;
        if (upto < 0) return;
        std::error_code ec;
        std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
        std::string tmp = path_ + ".tmp";
        {
            std::ofstream out(tmp, std::ios::trunc);
            out << upto << '\n';
            if (!out) {
                std::fprintf(stderr, "herald: cannot write %s\n", tmp.c_str());
                return;
            }
        }
        std::filesystem::rename(tmp, path_, ec);
        if (ec)
            std::fprintf(stderr, "herald: cannot write %s: %s\n", path_.c_str(),
                         ec.message().c_str());
    }

  private:
    std::string path_;
    int64_t last_ = -1;
    std::multiset<int64_t> running_;
};

/// One running command.
struct Child {
    pid_t pid = -1;
    int64_t alarm = 0;
    int64_t seq = 0;
    asio::posix::stream_descriptor pidfd;
    asio::steady_timer timer;
    bool timed_out = false;
    Child(asio::io_context& io) : pidfd(io), timer(io) {}
};

/// How the command ended, for the log line: "exited 0", "exited with status 3", "killed by …".
std::string ending(int status) {
    if (WIFEXITED(status)) {
        int code = WEXITSTATUS(status);
        return code == 0 ? "exited 0" : "exited with status " + std::to_string(code);
    }
    if (WIFSIGNALED(status)) return std::string("was killed by ") + strsignal(WTERMSIG(status));
    return "ended";
}

/// The environment of a command: ours without any HERALD_* we inherited, then the reminder's.
std::vector<std::string> child_env(const std::vector<std::pair<std::string, std::string>>& vars) {
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e)
        if (std::strncmp(*e, "HERALD_", 7) != 0) env.emplace_back(*e);
    for (const auto& [k, v] : vars) env.push_back(k + "=" + v);
    return env;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
    std::vector<char*> out;
    for (auto& s : v) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

/// Spawns `argv` with `env` in a process group of its own (so a timeout reaches a shell's
/// children), stdin from /dev/null and stdout to our stderr (stdout carries watch's lines).
pid_t spawn(std::vector<std::string> argv, std::vector<std::string> env, std::string& error) {
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(
        &attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
    auto args = c_strings(argv);
    auto envp = c_strings(env);
    pid_t pid = -1;
    int rc = posix_spawnp(&pid, args[0], &fa, &attr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        error = "cannot run " + argv[0] + ": " + std::strerror(rc);
        return -1;
    }
    return pid;
}

/// Runs the command for reminders and acknowledges those it ran successfully.
class ExecRunner {
  public:
    ExecRunner(asio::io_context& io, Cli& cli, WatchLoop& loop, const ExecOptions& o,
               ExecCursor& cursor)
        : io_(io),
          cli_(cli),
          loop_(loop),
          cursor_(cursor),
          timeout_(parse_human_duration(o.timeout, "--exec-timeout")) {
        if (timeout_.count() <= 0)
            throw HeraldError(ErrorCode::invalid_params, "expected a positive duration such as 60s",
                              "--exec-timeout");
        argv_ = o.shell ? std::vector<std::string>{"/bin/sh", "-c", o.command}
                        : split_command(o.command);
    }

    /// Starts the command for one reminder (`seq` is its message's).
    void run(const Json& reminder, int64_t seq) {
        int64_t alarm = reminder.value("id", int64_t{0});
        Json p = reminder;
        p["seq"] = seq;
        std::string error;
        pid_t pid = spawn(argv_, child_env(reminder_env(p, cli_.viewer())), error);
        if (pid < 0) {
            std::fprintf(stderr, "herald: reminder a%lld: %s; not acknowledged\n",
                         static_cast<long long>(alarm), error.c_str());
            return;
        }
        int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
        auto child = std::make_shared<Child>(io_);
        child->pid = pid;
        child->alarm = alarm;
        child->seq = seq;
        cursor_.begin(seq);
        if (fd < 0) {  // cannot watch it: wait for it here rather than leave a zombie unreported
            int status = 0;
            ::waitpid(pid, &status, 0);
            finish(child, status);
            return;
        }
        child->pidfd.assign(fd);
        child->pidfd.async_wait(asio::posix::stream_descriptor::wait_read,
                                [this, child](const asio::error_code& ec) {
                                    if (ec) return;
                                    int status = 0;
                                    ::waitpid(child->pid, &status, 0);
                                    child->timer.cancel();
                                    finish(child, status);
                                });
        arm_timeout(child, timeout_, SIGTERM);
    }

  private:
    void arm_timeout(const std::shared_ptr<Child>& child, std::chrono::seconds after, int sig) {
        child->timer.expires_after(after);
        child->timer.async_wait([this, child, sig](const asio::error_code& ec) {
            if (ec) return;
            child->timed_out = true;
            ::kill(-child->pid, sig);
            if (sig == SIGTERM) arm_timeout(child, kKillGrace, SIGKILL);
        });
    }

    void finish(const std::shared_ptr<Child>& child, int status) {
        auto id = static_cast<long long>(child->alarm);
        std::string how = ending(status);
        if (child->timed_out)
            how = "timed out after " + std::to_string(timeout_.count()) + " s and " + how;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || child->timed_out) {
            // Why no retry here: a broken command would fail again at once; the reminder stays
            // fired and unacknowledged, for `herald snooze` (runs it again) or `herald ack`.
            std::fprintf(stderr, "herald: reminder a%lld: the command %s; not acknowledged\n", id,
                         how.c_str());
            cursor_.end(child->seq);
            return;
        }
        loop_.request("alarm.ack", {{"id", child->alarm}},
                      [this, child, id, how](const Json* result, const std::string& error) {
                          if (result == nullptr)
                              std::fprintf(stderr,
                                           "herald: reminder a%lld: the command %s; cannot "
                                           "acknowledge it: %s\n",
                                           id, how.c_str(), error.c_str());
                          else
                              std::fprintf(stderr,
                                           "herald: reminder a%lld: the command %s; acknowledged\n",
                                           id, how.c_str());
                          cursor_.end(child->seq);
                      });
    }

    asio::io_context& io_;
    Cli& cli_;
    WatchLoop& loop_;
    ExecCursor& cursor_;
    std::chrono::seconds timeout_;
    std::vector<std::string> argv_;
};

}  // namespace

Exit run_watch_exec(Cli& cli, const WatchOptions& o) {
    std::string state =
        o.exec.state.empty() ? default_exec_state(cli.socket, o.exec.command) : o.exec.state;
    ExecCursor cursor(state);
    asio::io_context io;
    int64_t since = o.since >= 0 ? o.since : cursor.load();
    WatchLoop loop(io, cli.socket, o.topics, since);
    ExecRunner runner(io, cli, loop, o.exec, cursor);
    loop.on_message([&](const std::string& method, const Json& p) {
        print_message(cli, method, p);
        int64_t seq = p.value("seq", int64_t{0});
        cursor.seen(seq);
        if (method == "reminder") {
            runner.run(p, seq);
        } else if (method == "digest") {
            for (const auto& r : p["reminders"]) runner.run(r, seq);
        }
        cursor.save();
    });
    loop.start();
    cursor.save();
    io.run();
    return Exit::ok;
}

}  // namespace herald::client
