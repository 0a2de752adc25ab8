#pragma once
/// Process exit codes of heraldd and herald, with the names of sysexits(3).

namespace herald {

/// sysexits(3) codes; a process returns `static_cast<int>(Exit::...)` (see exit_code()).
enum class Exit : int {
    ok = 0,
    usage = 64,        ///< EX_USAGE: bad command line
    data = 65,         ///< EX_DATAERR: bad input data (a damaged database)
    no_input = 66,     ///< EX_NOINPUT: an input file is missing or unreadable
    unavailable = 69,  ///< EX_UNAVAILABLE: a service is unavailable
    software = 70,     ///< EX_SOFTWARE: internal error
    os_err = 71,       ///< EX_OSERR: the operating system refused (socket, files)
    cant_create = 73,  ///< EX_CANTCREAT: an output file cannot be created
    io_err = 74,       ///< EX_IOERR: input/output error
    temp_fail = 75,    ///< EX_TEMPFAIL: try again later (another instance holds the socket)
    protocol = 76,     ///< EX_PROTOCOL: a remote server answered outside its protocol
    no_perm = 77,      ///< EX_NOPERM: permission denied
    config = 78,       ///< EX_CONFIG: invalid configuration
};

/// The integer a process returns for `e`.
constexpr int exit_code(Exit e) {
    return static_cast<int>(e);
}

}  // namespace herald
