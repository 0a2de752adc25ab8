#include "core/ical_import.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include "core/errors.hpp"
#include "core/ical_lines.hpp"
#include "core/ical_read.hpp"
#include "core/ical_zones.hpp"

namespace herald {
namespace {

/// The line that marks a VTODO as a Herald event to be announced.
constexpr std::string_view kTbaMark = "X-HERALD-PRECISION:none";

/// "20250110" or "20250110T090000": the recurrence id part of an override's uid.
std::string rid_key(const CalTime& t) {
    auto days = date::floor<date::days>(t.local);
    std::string out = date::format("%Y%m%d", days);
    if (t.timed()) out += date::format("T%H%M%S", date::floor<Seconds>(t.local));
    return out;
}

struct Pending {
    IcalRead read;
    size_t line;
    bool dropped = false;
    bool touched = false;  ///< changed after read_vevent validated it (override uid, EXDATEs)
};

/// Collects problems and warnings up to the listing limit.
class Report {
  public:
    Report(IcalImport& out, size_t limit) : out_(out), limit_(limit) {}
    void error(IcalProblem p) { add(out_.problems, out_.problems_dropped, std::move(p)); }
    void warning(IcalProblem p) { add(out_.warnings, out_.warnings_dropped, std::move(p)); }

  private:
    void add(std::vector<IcalProblem>& to, size_t& dropped, IcalProblem p) {
        if (to.size() >= limit_)
            ++dropped;
        else
            to.push_back(std::move(p));
    }
    IcalImport& out_;
    size_t limit_;
};

/// Of several versions of one event, the newest: highest SEQUENCE, then latest DTSTAMP or
/// LAST-MODIFIED, then the first in the file. The others are dropped with a warning.
void keep_newest(std::vector<Pending>& pending, bool overrides, Report& report) {
    std::map<std::string, size_t> best;
    auto key = [](const Pending& p) {
        return p.read.rid ? p.read.event.uid + "#" + rid_key(*p.read.rid) : p.read.event.uid;
    };
    for (size_t i = 0; i < pending.size(); ++i) {
        Pending& p = pending[i];
        if (p.read.rid.has_value() != overrides) continue;
        auto [it, fresh] = best.emplace(key(p), i);
        if (fresh) continue;
        Pending& old = pending[it->second];
        bool newer =
            std::tie(p.read.sequence, p.read.stamp) > std::tie(old.read.sequence, old.read.stamp);
        Pending& loser = newer ? old : p;
        const Pending& winner = newer ? p : old;
        loser.dropped = true;
        report.warning({loser.line, loser.read.event.uid,
                        "UID: another version of this event (line " + std::to_string(winner.line) +
                            ", SEQUENCE " + std::to_string(winner.read.sequence) +
                            ") is newer; this one (SEQUENCE " +
                            std::to_string(loser.read.sequence) + ") is dropped",
                        "UID"});
        if (newer) it->second = i;
    }
}

/// Overrides become an EXDATE on their master and their own event "<uid>#<recurrence-id>".
void attach_overrides(std::vector<Pending>& pending) {
    std::map<std::string, size_t> masters;
    for (size_t i = 0; i < pending.size(); ++i)
        if (!pending[i].read.rid && !pending[i].dropped) masters[pending[i].read.event.uid] = i;
    for (auto& p : pending) {
        if (!p.read.rid || p.dropped) continue;
        CalTime rid = *p.read.rid;
        if (auto m = masters.find(p.read.event.uid); m != masters.end()) {
            Event& master = pending[m->second].read.event;
            CalTime ex = in_zone_of(rid, master.start);
            if (std::find(master.exdates.begin(), master.exdates.end(), ex) ==
                master.exdates.end()) {
                master.exdates.push_back(ex);
                pending[m->second].touched = true;
            }
            rid = ex;
        }
        p.read.event.uid += "#" + rid_key(rid);
        p.touched = true;
    }
}

/// Two UID-less events with the same DTSTART and SUMMARY get "-2", "-3", ... so both are kept.
void number_derived_uids(std::vector<Pending>& pending) {
    std::map<std::string, int> seen;
    for (auto& p : pending)
        if (p.read.derived_uid && ++seen[p.read.event.uid] > 1)
            p.read.event.uid += "-" + std::to_string(seen[p.read.event.uid]);
}

}  // namespace

IcalImport import_ical(std::string_view text, const IcalImportOptions& options) {
    IcalScan scan = scan_ical(text, options.scan);
    bool any_event = std::any_of(scan.blocks.begin(), scan.blocks.end(),
                                 [](const IcalBlock& b) { return b.kind == "VEVENT"; });
    if (!scan.saw_calendar && !any_event)
        bad_param("ics",
                  "not an iCalendar file: expected BEGIN:VCALENDAR ... END:VCALENDAR (RFC 5545) "
                  "or BEGIN:VEVENT ... END:VEVENT");
    IcalImport out;
    Report report(out, options.scan.max_problems);
    // Why warnings: a file-level problem (a missing END:VCALENDAR) loses no event.
    for (auto& p : scan.problems) report.warning(std::move(p));
    out.warnings_dropped += scan.problems_dropped;
    TzidResolver zones;
    for (const auto& b : scan.blocks) {
        if (b.kind != "VTIMEZONE") continue;
        try {
            if (!b.error.empty()) bad_time("VTIMEZONE", b.error);
            zones.add_vtimezone(b.text);
        } catch (const HeraldError& e) {
            report.warning(
                {b.line, {}, "VTIMEZONE ignored: " + std::string(e.what()), "VTIMEZONE"});
        }
    }
    IcalFile file{zones, {}, options.limits};
    if (!scan.x_wr_timezone.empty()) {
        file.floating_zone = zones.choose(scan.x_wr_timezone, 2010, 2030).zone;
        if (file.floating_zone.empty())
            report.warning({0,
                            {},
                            "X-WR-TIMEZONE ignored: '" + scan.x_wr_timezone +
                                "' is not a zone name; floating times stay floating",
                            "X-WR-TIMEZONE"});
    }
    std::vector<Pending> pending;
    for (const auto& b : scan.blocks) {
        if (b.kind == "VTIMEZONE") continue;
        // Herald writes an undated (TBA) event as a VTODO, which needs no DTSTART (see
        // ical_export.hpp); other VTODOs are tasks, not events.
        const bool tba = b.kind == "VTODO" && b.text.find(kTbaMark) != std::string_view::npos;
        if (b.kind != "VEVENT" && !tba) {
            ++out.skipped;
            if (!b.error.empty())
                report.warning({b.line, find_uid(b.text), b.kind + " skipped: " + b.error, b.kind});
            continue;
        }
        ++out.components;
        if (!b.error.empty()) {
            report.error({b.line, find_uid(b.text), "VEVENT: " + b.error, "VEVENT"});
            continue;
        }
        if (b.outside && scan.saw_calendar)
            report.warning({b.line, find_uid(b.text),
                            "VEVENT outside BEGIN:VCALENDAR ... END:VCALENDAR; read anyway",
                            "VEVENT"});
        std::vector<IcalProblem> warnings;  // of this event; moot when it is lost
        try {
            IcalRead r = read_vevent(unfold_lines(b.text, b.line), file, warnings);
            pending.push_back({std::move(r), b.line});
            for (auto& w : warnings) report.warning(std::move(w));
        } catch (const HeraldError& e) {
            report.error({b.line, find_uid(b.text),
                          (e.field().empty() ? "" : e.field() + ": ") + e.what(), e.field()});
        }
    }
    number_derived_uids(pending);
    keep_newest(pending, false, report);
    keep_newest(pending, true, report);
    attach_overrides(pending);
    for (auto& p : pending) {
        if (p.dropped) continue;
        Event& e = p.read.event;
        // Exceptions are a set: keep them in time order so export → import gives the same list.
        std::sort(e.exdates.begin(), e.exdates.end(),
                  [](const CalTime& a, const CalTime& b) { return a.local < b.local; });
        try {
            if (p.touched) validate(e, options.limits);  // read_vevent validated the others
            out.events.push_back(std::move(e));
            out.lines.push_back(p.line);
        } catch (const HeraldError& err) {
            report.error({p.line, e.uid,
                          (err.field().empty() ? "" : err.field() + ": ") + err.what(),
                          err.field()});
        }
    }
    std::stable_sort(out.warnings.begin(), out.warnings.end(),
                     [](const IcalProblem& a, const IcalProblem& b) { return a.line < b.line; });
    return out;
}

}  // namespace herald
