#include "daemon/commands.hpp"

#include <algorithm>
#include <array>

#include <spdlog/spdlog.h>

#include "core/protocol.hpp"
#include "daemon/handlers.hpp"

namespace herald {
namespace {

// Sorted by name: find_command does a binary search (checked by a unit test).
constexpr std::array kCommands{
    Command{"agenda", handlers::agenda, "from,to",
            "tz,text,category,calendar,status,limit,offset,undated,brief,cursor"},
    Command{"alarm.ack", handlers::alarm_ack, "", "id,event_id,occurrence,alarm"},
    Command{"alarm.missed", handlers::alarm_missed, "", "since,limit"},
    Command{"alarm.next", handlers::alarm_next, "", "event_id,limit"},
    Command{"alarm.snooze", handlers::alarm_snooze, "", "id,event_id,occurrence,alarm,for,until"},
    Command{"calendar.export", handlers::calendar_export, "", "from,to,category,offset"},
    Command{"calendar.import", handlers::calendar_import, "", "ics,chunk,final"},
    Command{"calendar.sync", handlers::calendar_sync, "", "calendars"},
    Command{"calendar.sync_conflicts", handlers::calendar_sync_conflicts, "", "calendar"},
    Command{"calendar.sync_restore", handlers::calendar_sync_restore, "id", ""},
    Command{"calendar.sync_status", handlers::calendar_sync_status, "", ""},
    Command{"event.add", handlers::event_add, "event", ""},
    Command{"event.get", handlers::event_get, "", "id,uid"},
    Command{"event.remove", handlers::event_remove, "id", "revision"},
    Command{"event.search", handlers::event_search, "query", "limit,after,tz"},
    Command{"event.update", handlers::event_update, "id,revision,changes", ""},
    Command{"hello", handlers::hello, "", "client,protocol"},
    Command{"status", handlers::status, "", ""},
    Command{"subscribe", handlers::subscribe, "", "topics,since"},
};

bool listed(std::string_view list, std::string_view key) {
    while (!list.empty()) {
        auto comma = list.find(',');
        if (list.substr(0, comma) == key) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

void check_params(const Command& cmd, const Json& params) {
    for (const auto& [key, _] : params.items())
        if (!listed(cmd.required, key) && !listed(cmd.optional, key)) {
            std::string all = std::string(cmd.required) +
                              (cmd.required.empty() || cmd.optional.empty() ? "" : ",") +
                              std::string(cmd.optional);
            bad_param(key, "unknown param '" + key + "' for " + std::string(cmd.name) +
                               "; expected " + (all.empty() ? std::string("no params") : all));
        }
    std::string_view req = cmd.required;
    while (!req.empty()) {
        auto comma = req.find(',');
        std::string key(req.substr(0, comma));
        if (!params.contains(key))
            bad_param(key, "missing param '" + key + "' for " + std::string(cmd.name));
        if (comma == std::string_view::npos) break;
        req.remove_prefix(comma + 1);
    }
}

}  // namespace

std::string Result::encode(const Json& id) const {
    return is_text_ ? encode_encoded_result(id, text_) : encode_result(id, value_);
}

const Command* find_command(std::string_view name) {
    auto it = std::lower_bound(kCommands.begin(), kCommands.end(), name,
                               [](const Command& c, std::string_view n) { return c.name < n; });
    return it != kCommands.end() && it->name == name ? &*it : nullptr;
}

std::vector<std::string> command_names() {
    std::vector<std::string> out;
    for (const auto& c : kCommands) out.emplace_back(c.name);
    return out;
}

namespace {

/// Runs `work` (a handler or a slice of its unfinished work) for request `id`, turning what it
/// returns or throws into `out`.
template <typename Work>
void run_handler(Dispatched& out, std::string_view method, Work&& work) {
    try {
        Result r = work();
        if (r.continuation()) {
            // This step succeeded (its writes are kept); the reply comes with the last one.
            out.more = std::move(r.continuation());
            out.reply.line.clear();
            out.reply.ok = true;
            return;
        }
        out.more = nullptr;
        out.reply.line = r.encode(out.reply.id);
        out.reply.ok = true;
    } catch (const HeraldError& e) {
        out.more = nullptr;
        out.reply.ok = false;
        out.reply.line = encode_error(out.reply.id, e.code(), e.what(), e.field());
    } catch (const std::exception& e) {
        out.more = nullptr;
        out.reply.ok = false;
        spdlog::error("{} failed: {}", method, e.what());
        out.reply.line = encode_error(out.reply.id, ErrorCode::internal_error,
                                      std::string("internal error: ") + e.what());
    }
    if (out.notification) out.reply.line.clear();
}

}  // namespace

Dispatched dispatch(Context& ctx, std::string_view line) {
    auto decoded = decode_request(line);
    if (auto* err = std::get_if<DecodeError>(&decoded))
        return {{encode_error(err->id, err->code, err->message), err->id, false}, nullptr, false};
    auto& req = std::get<Request>(decoded);
    ++ctx.state.requests;
    Dispatched out{{{}, req.id, false}, nullptr, req.notification};
    const Command* cmd = find_command(req.method);
    if (cmd == nullptr) {
        if (!req.notification)
            out.reply.line = encode_error(
                req.id, ErrorCode::method_not_found,
                "unknown method '" + req.method + "'; the hello result lists the methods");
        return out;
    }
    run_handler(out, req.method, [&] {
        check_params(*cmd, req.params);
        return cmd->handler(ctx, req.params);
    });
    return out;
}

Dispatched resume(Context& ctx, Dispatched d, Earlier earlier) {
    Continuation work = std::move(d.more);
    run_handler(d, "a sliced request", [&]() -> Result {
        if (auto done = work(ctx, earlier)) return std::move(*done);
        return Result::later(std::move(work));
    });
    return d;
}

std::string dispatch_line(Context& ctx, std::string_view line) {
    Dispatched d = dispatch(ctx, line);
    while (d.more) d = resume(ctx, std::move(d), Earlier::committed);
    return d.reply.line;
}

}  // namespace herald
