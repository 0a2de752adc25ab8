#include "client/cli.hpp"

#include <unistd.h>

#include <cstdio>

#include "client/pager.hpp"

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

const Style& Cli::style() {
    if (!style_) {
        style_ = decide_style(color_mode_of(color), no_pager, process_env(), STDOUT_FILENO);
        if (json) style_->color = false;
        allow_palette_sgr(style_->color);
    }
    return *style_;
}

void Cli::emit(std::string_view text) {
    client::emit(style(), text, process_env());
}

RenderContext render_context(Cli& cli) {
    RenderContext ctx{cli.style(), cli.now, {}, nullptr};
    // Why only with colour: today marks nothing else, and finding it loads the tz database.
    if (ctx.style.color)
        ctx.today = date::format("%F", date::floor<date::days>(to_local(cli.now, cli.viewer())));
    return ctx;
}

void print_json(const Json& j) {
    std::puts(json_terminal_safe(j.dump(2, ' ', false, Json::error_handler_t::replace)).c_str());
}

}  // namespace herald::client
