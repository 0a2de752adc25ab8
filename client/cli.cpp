#include "client/cli.hpp"

#include <cstdio>

namespace herald::client {

Connection& Cli::conn() {
    if (!conn_) conn_ = std::make_unique<Connection>(socket);
    return *conn_;
}

void print_json(const Json& j) {
    std::puts(j.dump(2, ' ', false, Json::error_handler_t::replace).c_str());
}

}  // namespace herald::client
