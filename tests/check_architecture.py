#!/usr/bin/env python3
"""Fails when docs/architecture.md does not name a source module of core/, desktop/, caldav/, daemon/ or client/
names one that no longer exists: the page is the map of the tree, file for file (issue 17).

A module is a file stem (`store` for store.hpp + store.cpp); the page must mention it in
backticks, alone or in a list such as `alarm_store`, `alarm_fire` (a `handlers_*` pattern covers
every handlers_ file)."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent.parent)
page = (root / "docs" / "architecture.md").read_text()
quoted = set(re.findall(r"`([A-Za-z_][A-Za-z0-9_.*]*)`", page))
missing = []
for d in ("core", "desktop", "caldav", "daemon", "client"):
    stems = {p.name.split(".")[0] for p in (root / d).iterdir()
             if p.suffix in (".cpp", ".hpp", ".inc")}
    for stem in sorted(stems):
        names = {stem, f"{d}/{stem}", f"{stem}.cpp", f"{stem}.hpp", f"{stem}.inc", f"{d}/{stem}.cpp"}
        if names & quoted or any(q.endswith("*") and stem.startswith(q[:-1]) for q in quoted):
            continue
        missing.append(f"{d}/{stem}")
if missing:
    print("docs/architecture.md does not name these modules:", ", ".join(missing))
    sys.exit(1)
print("every module of core/, desktop/, caldav/, daemon/ and client/ is on the architecture page")
