#pragma once
/// The loop side of CalDAV sync (docs/architecture.md "Sync"): starts runs (on request, on each
/// calendar's interval, a few seconds after a local change), builds each run's job from the
/// database, hands it to the worker thread, and applies the outcome in one transaction.

#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "daemon/settings.hpp"
#include "daemon/store.hpp"
#include "daemon/sync_observer.hpp"
#include "daemon/sync_state.hpp"
#include "daemon/sync_worker.hpp"
#include "daemon/work_budget.hpp"

namespace herald::sync {

/// Runs CalDAV sync for the [[caldav]] calendars of the running settings.
class Engine {
  public:
    /// An engine over `store` whose events belong to `owner`; installs itself as the store's
    /// observer in front of `alarms`. `after_write` runs after each applied outcome (push change
    /// messages, re-arm the reminder timer).
    Engine(asio::io_context& io, Store& store, StoreObserver& alarms, const Settings& settings,
           int64_t owner, std::function<void()> after_write);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    /// Starts a run of each calendar in `names` (every configured one when empty), or queues one
    /// after the run in progress. Returns name → the run number that answers this request
    /// (done when `status` reports that many runs). Throws not_found for an unknown name.
    std::vector<std::pair<std::string, uint64_t>> start(const std::vector<std::string>& names);
    /// Per calendar: runs finished, running, last success and error, pending local changes,
    /// conflicts kept, what the last run moved.
    nlohmann::json status();
    /// The versions conflicts did not keep, of calendar `name` (every one when empty): id,
    /// calendar, uid, title, at (when kept), lost ("local" or "server").
    nlohmann::json conflicts(const std::string& name);
    /// Makes the kept version `id` the current one again (queued for the next push, which starts
    /// now) and forgets it; returns its calendar and the run that pushes it (as start()).
    /// Throws not_found for an unknown id.
    std::pair<std::string, uint64_t> restore(int64_t id);
    /// Applies added, removed and changed [[caldav]] tables after a reload.
    void settings_changed();

  private:
    /// A run's outcome being applied, a slice per loop turn (apply_slice).
    struct Applying {
        Outcome outcome;
        std::string url;  ///< the calendar's url the run was made for
        size_t next_push = 0, next_fetched = 0, next_removed = 0;
        int64_t pushed = 0, pulled = 0, conflicts = 0;
    };
    /// A run's job being built from the outbox, a slice per loop turn (build_slice).
    struct Building {
        Job job;
        int64_t next_seq = 0;  ///< outbox rows up to this one are in the job
        int64_t last_seq = 0;  ///< the last outbox row when the run began
    };
    struct Run {
        uint64_t started = 0;
        uint64_t finished = 0;
        bool running = false;
        bool again = false;  ///< a request arrived during the run: run once more after it
        std::chrono::steady_clock::time_point next_due{};
        nlohmann::json last = nlohmann::json::object();
        std::map<int64_t, std::string> pushed_ics;  ///< seq → the text pushed (a conflict keeps it)
        std::string url;                            ///< the url of the run in progress
        int64_t items_read = 0;  ///< synced resources' etags read for the run (ask_known)
        std::shared_ptr<Applying> applying;  ///< its outcome, while being applied
        std::shared_ptr<Building> building;  ///< its job, while being built
        int64_t slices = 0;                  ///< loop turns its job took to build
    };
    const CalDavCalendar* config(const std::string& name) const;
    /// Starts a run of `name`: its job is built in slices, then handed to the worker.
    void begin(const std::string& name);
    /// Fills what `job` needs besides the outbox; false (the failure posted) when the password
    /// cannot be read.
    bool start_job(const CalDavCalendar& c, Job& job);
    /// Adds outbox rows to the job of `name`'s run until a work budget is spent, then posts the
    /// next slice or submits the job.
    void build_slice(const std::string& name);
    /// Adds the outbox row `o` (its text exported now) to `job`.
    void add_to_job(const std::string& name, const OutboxRow& o, Run& run, Job& job, Instant now);
    /// Takes a run's outcome from the worker and starts applying it.
    void finish(Outcome outcome);
    /// Applies one slice of the outcome of `name`'s run (one transaction, one work budget), then
    /// posts the next slice or ends the run.
    void apply_slice(const std::string& name);
    /// Runs apply_slice(name) once the WAL's checkpoints have caught up, or at `until`.
    void wait_for_wal(const std::string& name, std::chrono::steady_clock::time_point until);
    /// Applies outcome parts until `work` is spent; true when all is applied.
    bool apply_some(Applying& a, Run& run, Instant now, const WorkBudget& work);
    /// Records what became of one pushed change.
    void apply_pushed(Applying& a, Run& run, const Pushed& p, Instant now);
    /// Stores one fetched resource (unless a local change of it is queued).
    void apply_fetched(Applying& a, const Fetched& f, bool log, Instant now);
    /// Removes locally what the server removed at `href`.
    void apply_removed(Applying& a, const std::string& href, Instant now);
    /// Ends the run of `name`: its result, the log line, the next run.
    void end_run(const std::string& name, const Outcome& o, const Applying& a);
    /// Removes `uid` (and its overrides) of calendar `name` locally, as the server did.
    void remove_local(const std::string& name, const std::string& uid, Instant now);
    /// Reads, on the loop, what the worker's run of `name` asks (AskKnown).
    std::future<Known> ask_known(const std::string& name, std::vector<std::string> hrefs, bool all,
                                 bool count);
    /// The local text of `uid` in calendar `name` ("" when it has none).
    std::string local_ics(const std::string& name, const std::string& uid, Instant now);
    void local_change(const std::string& name);
    void schedule();

    asio::io_context& io_;
    Store& store_;
    const Settings& settings_;
    int64_t owner_;
    std::function<void()> after_write_;
    State state_;
    Observer observer_;
    asio::steady_timer timer_;
    std::map<std::string, Run> runs_;
    long stall_seconds_;  ///< each exchange's stall bound (job)
    Worker worker_;       ///< last: its thread stops before the rest goes
};

}  // namespace herald::sync
