#include "daemon/limits.hpp"

#include <sys/resource.h>

namespace herald {

uint64_t raise_fd_limit() {
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
    if (lim.rlim_cur < lim.rlim_max) {
        rlimit raised = lim;
        raised.rlim_cur = lim.rlim_max;
        // Why ignore failure: the old limit still works, only with fewer clients.
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
    }
    return static_cast<uint64_t>(lim.rlim_cur);
}

}  // namespace herald
