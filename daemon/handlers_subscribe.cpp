// subscribe: turns the session into a subscriber of reminders and/or changes.
#include "daemon/alarm_store.hpp"
#include "daemon/handlers.hpp"
#include "daemon/hub.hpp"
#include "daemon/params.hpp"
#include "daemon/session.hpp"

namespace herald::handlers {

Result subscribe(Context& ctx, const Json& p) {
    Topics topics{true, true};
    Json names = Json::array({kTopicReminders, kTopicChanges});
    if (p.contains("topics")) {
        const Json& t = p.at("topics");
        if (!t.is_array() || t.empty())
            bad_param("topics", "topics must be a non-empty array: reminders, changes");
        topics = {};
        for (const auto& name : t) {
            if (name == kTopicReminders)
                topics.reminders = true;
            else if (name == kTopicChanges)
                topics.changes = true;
            else
                bad_param("topics",
                          "unknown topic " + name.dump() + ": expected reminders or changes");
        }
        names = t;
    }
    auto since = params::opt_integer(p, "since");
    if (since && *since < 0)
        bad_param("since", "since is a sequence number (seq of the last message seen), 0 or more");
    // The replay runs once the reply is queued, so the client reads the reply first.
    auto session = ctx.session.shared_from_this();
    Hub* hub = &ctx.hub;
    ctx.after_reply = [hub, session, topics, since] { hub->subscribe(session, topics, since); };
    return {{"topics", names}, {"seq", hub->pushed()}};
}

}  // namespace herald::handlers
