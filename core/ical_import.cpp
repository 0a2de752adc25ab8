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

/// What phase 4 keeps while it walks the components, one pass after another.
struct Resolution {
    std::map<std::string, int> derived;              ///< derived UIDs seen, to number twins
    std::map<std::string, size_t> newest_masters;    ///< key → the newest version so far
    std::map<std::string, size_t> newest_overrides;  ///< key → the newest version so far
    std::map<std::string, size_t> masters;           ///< UID → the surviving master
};

/// Two UID-less events with the same DTSTART and SUMMARY get "-2", "-3", ... so both are kept.
void number_derived_uid(Pending& p, Resolution& r) {
    if (p.read.derived_uid && ++r.derived[p.read.event.uid] > 1)
        p.read.event.uid += "-" + std::to_string(r.derived[p.read.event.uid]);
}

/// Of several versions of one event, the newest: highest SEQUENCE, then latest DTSTAMP or
/// LAST-MODIFIED, then the first in the file. The others are dropped with a warning. Called for
/// each component in file order, masters and overrides in separate passes (`best` of each).
void keep_newest(std::vector<Pending>& pending, size_t i, bool overrides,
                 std::map<std::string, size_t>& best, Report& report) {
    Pending& p = pending[i];
    if (p.read.rid.has_value() != overrides) return;
    std::string key = p.read.rid ? p.read.event.uid + "#" + rid_key(*p.read.rid) : p.read.event.uid;
    auto [it, fresh] = best.emplace(std::move(key), i);
    if (fresh) return;
    Pending& old = pending[it->second];
    bool newer =
        std::tie(p.read.sequence, p.read.stamp) > std::tie(old.read.sequence, old.read.stamp);
    Pending& loser = newer ? old : p;
    const Pending& winner = newer ? p : old;
    loser.dropped = true;
    report.warning({loser.line, loser.read.event.uid,
                    "UID: another version of this event (line " + std::to_string(winner.line) +
                        ", SEQUENCE " + std::to_string(winner.read.sequence) +
                        ") is newer; this one (SEQUENCE " + std::to_string(loser.read.sequence) +
                        ") is dropped",
                    "UID"});
    if (newer) it->second = i;
}

/// Notes a surviving master under its UID, for attach_override.
void note_master(const std::vector<Pending>& pending, size_t i, Resolution& r) {
    if (!pending[i].read.rid && !pending[i].dropped) r.masters[pending[i].read.event.uid] = i;
}

/// An override becomes an EXDATE on its master and its own event "<uid>#<recurrence-id>".
void attach_override(std::vector<Pending>& pending, size_t i, const Resolution& r) {
    Pending& p = pending[i];
    if (!p.read.rid || p.dropped) return;
    CalTime rid = *p.read.rid;
    if (auto m = r.masters.find(p.read.event.uid); m != r.masters.end()) {
        Event& master = pending[m->second].read.event;
        CalTime ex = in_zone_of(rid, master.start);
        if (std::find(master.exdates.begin(), master.exdates.end(), ex) == master.exdates.end()) {
            master.exdates.push_back(ex);
            pending[m->second].touched = true;
        }
        rid = ex;
    }
    p.read.event.uid += "#" + rid_key(rid);
    p.touched = true;
}

/// Phase 3: reads one top-level component into `pending` (a VEVENT, or a VTODO Herald wrote for
/// an event to be announced); other kinds are counted as skipped, a lost event is an error.
void read_component(const IcalBlock& b, bool saw_calendar, IcalFile& file, IcalImport& out,
                    Report& report, std::vector<Pending>& pending) {
    if (b.kind == "VTIMEZONE") return;
    // Herald writes an undated (TBA) event as a VTODO, which needs no DTSTART (see
    // ical_export.hpp); other VTODOs are tasks, not events.
    const bool tba = b.kind == "VTODO" && b.text.find(kTbaMark) != std::string_view::npos;
    if (b.kind != "VEVENT" && !tba) {
        ++out.skipped;
        if (!b.error.empty())
            report.warning({b.line, find_uid(b.text), b.kind + " skipped: " + b.error, b.kind});
        return;
    }
    ++out.components;
    if (!b.error.empty()) {
        report.error({b.line, find_uid(b.text), "VEVENT: " + b.error, "VEVENT"});
        return;
    }
    if (b.outside && saw_calendar)
        report.warning({b.line, find_uid(b.text),
                        "VEVENT outside BEGIN:VCALENDAR ... END:VCALENDAR; read anyway", "VEVENT"});
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

/// Phase 5: keeps the event of a surviving component, exceptions in time order, revalidated
/// where phase 4 changed it.
void keep_valid(Pending& p, const EventLimits& limits, IcalImport& out, Report& report) {
    if (p.dropped) return;
    Event& e = p.read.event;
    // Exceptions are a set: keep them in time order so export → import gives the same list.
    std::sort(e.exdates.begin(), e.exdates.end(),
              [](const CalTime& a, const CalTime& b) { return a.local < b.local; });
    try {
        if (p.touched) validate(e, limits);  // read_vevent validated the others
        out.events.push_back(std::move(e));
        out.lines.push_back(p.line);
    } catch (const HeraldError& err) {
        report.error({p.line, e.uid, (err.field().empty() ? "" : err.field() + ": ") + err.what(),
                      err.field()});
    }
}

/// Phase 1 check: refuses text that is not iCalendar at all.
void require_icalendar(const IcalScan& scan) {
    bool any_event = std::any_of(scan.blocks.begin(), scan.blocks.end(),
                                 [](const IcalBlock& b) { return b.kind == "VEVENT"; });
    if (!scan.saw_calendar && !any_event)
        bad_param("ics",
                  "not an iCalendar file: expected BEGIN:VCALENDAR ... END:VCALENDAR (RFC 5545) "
                  "or BEGIN:VEVENT ... END:VEVENT");
}

/// Phase 2: the file's VTIMEZONEs (a bad one is ignored with a warning).
void read_zones(const IcalScan& scan, TzidResolver& zones, Report& report) {
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
}

/// Phase 2: the zone of the file's floating times (X-WR-TIMEZONE), "" when none or unknown.
std::string floating_zone(const IcalScan& scan, TzidResolver& zones, Report& report) {
    if (scan.x_wr_timezone.empty()) return {};
    std::string zone = zones.choose(scan.x_wr_timezone, 2010, 2030).zone;
    if (zone.empty())
        report.warning({0,
                        {},
                        "X-WR-TIMEZONE ignored: '" + scan.x_wr_timezone +
                            "' is not a zone name; floating times stay floating",
                        "X-WR-TIMEZONE"});
    return zone;
}

}  // namespace

/// The phases after the scan, in order; each but `read` walks the components read.
enum class IcalImporter::Phase {
    scan,              ///< 1-2: split the text into components, then read its zones
    read,              ///< 3: read each component
    number_derived,    ///< 4: number twin derived UIDs
    newest_masters,    ///< 4: of several versions of an event, keep the newest
    newest_overrides,  ///< 4: the same for overrides
    find_masters,      ///< 4: index the surviving masters
    attach_overrides,  ///< 4: fold overrides into their masters
    keep,              ///< 5: keep the valid events
    done,
};

/// What an import in progress holds; at a stable address (IcalFile and Report refer into it).
struct IcalImporter::State {
    State(std::string_view text, const IcalImportOptions& o)
        : options(o),
          scanner(text, o.scan),
          report(out, o.scan.max_problems),
          file{zones, {}, o.limits} {}

    IcalImportOptions options;
    IcalScanner scanner;
    IcalScan scan;
    IcalImport out;
    Report report;
    TzidResolver zones;
    IcalFile file;
    std::vector<Pending> pending;
    Resolution resolution;
    Phase phase = Phase::scan;
    size_t next = 0;  ///< the next block (phase read) or component (later phases)
};

IcalImporter::IcalImporter(std::string_view text, const IcalImportOptions& options)
    : s_(std::make_unique<State>(text, options)) {}
IcalImporter::~IcalImporter() = default;

void IcalImporter::finish_scan() {
    State& s = *s_;
    s.scan = s.scanner.finish();
    require_icalendar(s.scan);
    // Why warnings: a file-level problem (a missing END:VCALENDAR) loses no event.
    for (auto& p : s.scan.problems) s.report.warning(std::move(p));
    s.out.warnings_dropped += s.scan.problems_dropped;
    read_zones(s.scan, s.zones, s.report);
    s.file.floating_zone = floating_zone(s.scan, s.zones, s.report);
    // Why reserve: growing a vector of 100,000 events moves them all at once, a step of its own
    // far longer than a millisecond.
    s.pending.reserve(s.scan.blocks.size());
    s.out.events.reserve(s.scan.blocks.size());
    s.out.lines.reserve(s.scan.blocks.size());
}

void IcalImporter::resolve(size_t i) {
    State& s = *s_;
    switch (s.phase) {
        case Phase::number_derived:
            number_derived_uid(s.pending[i], s.resolution);
            break;
        case Phase::newest_masters:
            keep_newest(s.pending, i, false, s.resolution.newest_masters, s.report);
            break;
        case Phase::newest_overrides:
            keep_newest(s.pending, i, true, s.resolution.newest_overrides, s.report);
            break;
        case Phase::find_masters:
            note_master(s.pending, i, s.resolution);
            break;
        case Phase::attach_overrides:
            attach_override(s.pending, i, s.resolution);
            break;
        case Phase::keep:
            keep_valid(s.pending[i], s.options.limits, s.out, s.report);
            break;
        default:
            break;
    }
}

bool IcalImporter::step() {
    // Why these sizes: each step stays well under a millisecond in a debug build (about 1.5
    // lines scanned per microsecond, a tenth of a millisecond per component read, a few
    // microseconds per component in the later passes).
    constexpr size_t kLinesPerStep = 256, kComponentsPerStep = 4, kPassItemsPerStep = 128;
    State& s = *s_;
    if (s.phase == Phase::scan) {
        if (s.scanner.scan_some(kLinesPerStep)) {
            finish_scan();
            s.phase = Phase::read;
        }
    } else if (s.phase == Phase::read) {
        for (size_t n = 0; n < kComponentsPerStep && s.next < s.scan.blocks.size(); ++n)
            read_component(s.scan.blocks[s.next++], s.scan.saw_calendar, s.file, s.out, s.report,
                           s.pending);
        if (s.next >= s.scan.blocks.size()) {
            s.phase = Phase::number_derived;
            s.next = 0;
        }
    } else if (s.phase != Phase::done) {
        for (size_t n = 0; n < kPassItemsPerStep && s.next < s.pending.size(); ++n)
            resolve(s.next++);
        if (s.next >= s.pending.size()) {
            s.phase = static_cast<Phase>(static_cast<int>(s.phase) + 1);
            s.next = 0;
        }
    }
    return s.phase == Phase::done;
}

IcalImport IcalImporter::finish() {
    State& s = *s_;
    std::stable_sort(s.out.warnings.begin(), s.out.warnings.end(),
                     [](const IcalProblem& a, const IcalProblem& b) { return a.line < b.line; });
    return std::move(s.out);
}

IcalImport import_ical(std::string_view text, const IcalImportOptions& options) {
    IcalImporter importer(text, options);
    while (!importer.step()) {
    }
    return importer.finish();
}

}  // namespace herald
