#pragma once
/// The viewer's time zone: its name cheaply, the zone itself only when a command needs it.

#include <string>

namespace herald::client {

/// The name of the viewer's zone without loading the tz database: $TZ when it names a zone file
/// under /usr/share/zoneinfo (else a warning on stderr), else the zone /etc/localtime links to,
/// else /etc/timezone's; empty when none of them says. Why not date::current_zone(): it first
/// loads the whole database (a stat of each of ~1,800 files, milliseconds on every command), and
/// `herald list` needs only the name, which the daemon resolves.
std::string viewer_zone_name();

}  // namespace herald::client
