#include "client/pager.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "client/terminal.hpp"

namespace herald::client {
namespace {

/// Runs `command` with `text` on its stdin; false when it could not start (its shell exited
/// 127 and nothing was read). Why fork and /bin/sh: $PAGER is a command line ("less -S"), as
/// git and man read it.
bool run_pager(const std::string& command, std::string_view text) {
    // Before fork: the child only execs. LESS as git sets it: quit when it fits, keep colour,
    // leave the screen alone; the user's own LESS wins.
    ::setenv("LESS", "FRX", 0);
    ::setenv("LV", "-c", 0);
    std::string safe = terminal_safe(text, nullptr, false, palette_sgr_allowed());
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    std::fflush(stdout);
    pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return false;
    }
    if (pid == 0) {
        ::dup2(fds[0], STDIN_FILENO);
        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(fds[0]);
    // Why ignored: a user who quits the pager early closes the pipe; the write then fails with
    // EPIPE, which only means "seen enough", instead of killing herald with SIGPIPE.
    // A pager quit early read less than all of it: a failed write is no failure here.
    auto old_pipe = std::signal(SIGPIPE, SIG_IGN);
    write_all(fds[1], safe);  // the pager shows it on the terminal: filtered as stdout is
    ::close(fds[1]);
    // ^C belongs to the pager while it runs (less uses it to stop a search).
    auto old_int = std::signal(SIGINT, SIG_IGN);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    std::signal(SIGINT, old_int);
    std::signal(SIGPIPE, old_pipe);
    return !WIFEXITED(status) || WEXITSTATUS(status) != 127;
}

}  // namespace

std::string pager_command(const EnvLookup& env) {
    std::string command = env("HERALD_PAGER").value_or(env("PAGER").value_or("less"));
    return command == "cat" ? "" : command;
}

void emit(const Style& style, std::string_view text, const EnvLookup& env) {
    if (style.page) {
        auto lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
        std::string command = pager_command(env);
        // Why rows - 1: the shell's prompt takes the last line once herald exits. A terminal
        // that does not say its height gets no pager: nothing says the output is long.
        bool long_output = style.rows > 0 && lines > style.rows - 1;
        if (!command.empty() && long_output) {
            if (run_pager(command, text)) return;
            std::fprintf(stderr, "herald: the pager '%s' did not start; writing directly\n",
                         command.c_str());
        }
    }
    std::fwrite(text.data(), 1, text.size(), stdout);
}

}  // namespace herald::client
