// One sync run on the worker thread: push the outbox, then pull (docs/architecture.md "Sync").
#include <chrono>
#include <set>

#include "core/ical_import.hpp"
#include "core/ical_lines.hpp"
#include "daemon/sync_job.hpp"

namespace herald::sync {
namespace {

using caldav::path_of;

/// The version stamp of an iCalendar text for policy newest: its first LAST-MODIFIED, else its
/// first DTSTAMP, as written ("20250101T120000Z": UTC stamps compare as text); "" when none.
std::string version_stamp(const std::string& ics) {
    std::string dtstamp;
    for (const auto& l : unfold_lines(ics, 1)) {
        std::string name = line_name(l.text);
        if (name == "LAST-MODIFIED") return std::string(line_value(l.text));
        if (name == "DTSTAMP" && dtstamp.empty()) dtstamp = line_value(l.text);
    }
    return dtstamp;
}

/// A write refused with 412 under policy local or newest: reads the server's version and, when
/// the local one wins, writes again with If-Match on the etag just read (a third change in
/// between answers 412 again and stays a conflict the server wins).
void overrule(caldav::CalDavClient& dav, const Job& job, const std::string& collection,
              const OutboxItem& item, const std::string& url, Pushed& p) {
    std::vector<caldav::DavResource> now = dav.fetch(collection, {path_of(url)});
    const bool gone = now.empty() || now.front().status == 404;
    const std::string server_ics = gone ? "" : now.front().calendar_data;
    // Why the server wins a tie and a deletion under newest: the version the other clients
    // already see; a deletion carries no stamp to compare.
    if (job.calendar.conflict == "newest" &&
        (item.remove || version_stamp(item.ics) <= version_stamp(server_ics)))
        return;
    const std::string etag = gone ? "" : now.front().etag;
    caldav::WriteResult w = item.remove
                                ? (gone ? caldav::WriteResult{caldav::WriteResult::Kind::ok, "", ""}
                                        : dav.remove(url, etag))
                                : dav.put(url, item.ics, etag);
    if (w.kind == caldav::WriteResult::Kind::conflict) return;
    p.kind = caldav::WriteResult::Kind::ok;
    p.etag = w.etag;
    p.replaced_ics = server_ics;
}

void push(caldav::CalDavClient& dav, const Job& job, Outcome& out) {
    for (const auto& item : job.outbox) {
        Pushed p{item.seq, item.uid, item.remove, caldav::WriteResult::Kind::ok, item.href, "", ""};
        std::string url = item.href.empty() ? caldav::resource_url(out.collection, item.uid)
                                            : caldav::absolute_url(out.collection, item.href);
        if (item.remove) {
            // Never on the server (added and removed between runs): nothing to delete.
            if (!item.href.empty()) p.kind = dav.remove(url, item.etag).kind;
        } else {
            caldav::WriteResult w = dav.put(url, item.ics, item.etag);
            p.kind = w.kind;
            p.href = path_of(url);
            p.etag = w.etag;
        }
        if (p.kind == caldav::WriteResult::Kind::conflict && job.calendar.conflict != "server")
            overrule(dav, job, out.collection, item, url, p);
        out.pushed.push_back(std::move(p));
    }
}

Fetched read_resource(caldav::DavResource&& r) {
    Fetched f{path_of(r.href), r.etag, {}, {}};
    try {
        IcalImport imp = import_ical(r.calendar_data);
        f.events = std::move(imp.events);
        for (const auto& p : imp.problems) f.problems.push_back(p.reason);
        for (const auto& w : imp.warnings) f.problems.push_back(w.reason);
    } catch (const std::exception& e) {
        f.problems.push_back(e.what());
    }
    return f;
}

/// The loop's answer to `ask` (a wait of at most a loop turn); throws when `cancel` is set first.
Known ask_loop(const Job& job, std::vector<std::string> hrefs, bool all, bool count,
               const std::atomic<bool>* cancel) {
    std::future<Known> answer = job.known(std::move(hrefs), all, count);
    while (answer.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready)
        if (cancel != nullptr && cancel->load())
            throw caldav::CalDavError(caldav::Failure::unavailable, "heraldd is stopping");
    return answer.get();
}

void pull(caldav::CalDavClient& dav, const Job& job, Outcome& out,
          const std::atomic<bool>* cancel) {
    caldav::Changes ch = dav.changes(out.collection, job.token);
    out.token = ch.token;
    std::vector<std::string> asked;
    if (!ch.listed)
        for (const auto& r : ch.changed) asked.push_back(path_of(r.href));
    // Why the count only for many changes: it decides whether fetch reads the whole collection.
    const bool count = !ch.listed && ch.changed.size() > 100;
    Known held = (ch.listed || !asked.empty() || count)
                     ? ask_loop(job, std::move(asked), ch.listed, count, cancel)
                     : Known{};
    std::map<std::string, std::string>& known = held.etags;
    // What this run wrote is known at the etag the server gave back, so it is not fetched again.
    for (const auto& p : out.pushed) {
        if (p.kind != caldav::WriteResult::Kind::ok) continue;
        if (p.remove)
            known.erase(p.href);
        else if (!p.etag.empty())
            known[p.href] = p.etag;
    }
    const size_t held_count = ch.listed ? known.size() : held.count;
    std::vector<std::string> wanted;
    for (auto& r : ch.changed) {
        std::string href = path_of(r.href);
        auto k = known.find(href);
        if (k == known.end() || k->second != r.etag || r.etag.empty()) wanted.push_back(r.href);
        // Why here and not on the loop: the loop's items as of this run (only this calendar's
        // runs, one at a time, change them), so what a full listing lacks is found off the
        // loop, and applying the outcome stays O(changes) per slice.
        if (ch.listed && k != known.end()) known.erase(k);
    }
    for (auto& h : ch.removed) out.removed.push_back(path_of(h));
    if (ch.listed)  // every known href the listing lacks is gone from the server
        for (const auto& [href, etag] : known) out.removed.push_back(href);
    const size_t size = ch.listed ? ch.changed.size() : held_count + wanted.size();
    for (auto& r : dav.fetch(out.collection, wanted, size))
        out.fetched.push_back(read_resource(std::move(r)));
}

}  // namespace

Outcome run(Job job, const std::atomic<bool>* cancel) {
    Outcome out;
    out.name = job.calendar.name;
    try {
        caldav::HttpClient http(
            {job.calendar.username, job.password, job.calendar.ca_file, job.stall_seconds, cancel});
        caldav::CalDavClient dav(http);
        out.collection =
            job.collection.empty()
                ? dav.find_collection(job.calendar.url, job.calendar.name, job.calendar.create)
                : job.collection;
        push(dav, job, out);
        pull(dav, job, out, cancel);
        out.ok = true;
    } catch (const caldav::CalDavError& e) {
        out.failure = e.kind();
        out.message = e.what();
    } catch (const std::exception& e) {
        out.failure = caldav::Failure::protocol;
        out.message = e.what();
    }
    return out;
}

}  // namespace herald::sync
