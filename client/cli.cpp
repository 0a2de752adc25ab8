#include "client/cli.hpp"

#include <cstdio>

#include "client/terminal.hpp"
#include "client/viewer.hpp"

namespace herald::client {

Connection& Cli::conn() {
    if (!conn_) conn_ = std::make_unique<Connection>(socket);
    return *conn_;
}

const std::string& Cli::viewer_name() {
    if (!name_looked_up_) viewer_name_ = viewer_zone_name(), name_looked_up_ = true;
    if (viewer_name_.empty()) viewer();  // no cheap answer: ask date/tz
    return viewer_name_;
}

const date::time_zone* Cli::viewer() {
    if (viewer_) return viewer_;
    if (!name_looked_up_) viewer_name_ = viewer_zone_name(), name_looked_up_ = true;
    try {
        viewer_ = viewer_name_.empty() ? date::current_zone() : date::locate_zone(viewer_name_);
    } catch (const std::exception&) {
        viewer_ = date::locate_zone("UTC");
    }
    viewer_name_ = viewer_->name();
    return viewer_;
}

void Cli::set_viewer(const date::time_zone* zone) {
    viewer_ = zone;
    viewer_name_ = zone->name();
    name_looked_up_ = true;
}

void print_json(const Json& j) {
    std::puts(json_terminal_safe(j.dump(2, ' ', false, Json::error_handler_t::replace)).c_str());
}

}  // namespace herald::client
