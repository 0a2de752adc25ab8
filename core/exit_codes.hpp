#pragma once
/// Process exit codes of herald and heraldd, named as in sysexits(3).

namespace herald {

/// sysexits(3) codes: what a script, a shell or systemd can tell apart.
enum class Exit : int {
    ok = 0,
    usage = 64,
    data = 65,
    no_input = 66,
    unavailable = 69,
    software = 70,
    os_err = 71,
    cant_create = 73,
    io_err = 74,
    temp_fail = 75,
    no_perm = 77,
    config = 78,
};

}  // namespace herald
