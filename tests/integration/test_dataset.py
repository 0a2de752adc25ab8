"""The Central Asia + Japan dataset against the facts kept in the repository, and as a user reads it.

data/facts.csv holds, per event, what the articles support (date and precision as Herald reads
them, place, status, source articles, inferred parts, and a quote from an article);
data/sources.csv the citation of each article. The dataset is read twice: by the real daemon
(imported through the real CLI) and by python3-icalendar as an independent parser.
"""
import csv
import os
import re
import unittest

import icalendar

from harness import SOURCE_DIR, DaemonTestCase

DATA = os.path.join(SOURCE_DIR, "data")
DATASET = os.path.join(DATA, "central-asia-japan.ics")
# The articles sit in ../shared/seeds beside the checkout (CI lays shared/ there too).
SEEDS_DIR = os.environ.get("HERALD_SEEDS_DIR", os.path.join(SOURCE_DIR, "..", "shared", "seeds"))
# What must never reach a user: a seed file name or an "article NNN" reference.
INTERNAL = re.compile(r"\b\d{3}_[0-9a-f]{16}(\.txt)?\b|\barticles? \d{3}\b", re.IGNORECASE)


def read_csv(name):
    with open(os.path.join(DATA, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


FACTS = {row["uid"]: row for row in read_csv("facts.csv")}
SOURCES = {row["seed"]: row for row in read_csv("sources.csv")}


def words(text):
    return " ".join(text.split())


class DatasetFacts(DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.d.cli("import", DATASET)
        # A window reaching today, so the undated events are listed too.
        listed = self.d.cli_json("list", "--from", "1992-01-01", "--to", "2100-01-01")
        self.events = {}
        for e in listed:
            self.events.setdefault(e["uid"], e)

    def test_every_event_matches_the_facts_table(self):
        self.assertEqual(sorted(self.events), sorted(FACTS))
        for uid, fact in FACTS.items():
            with self.subTest(uid=uid):
                e = self.events[uid]
                self.assertEqual(e["precision"], fact["precision"])
                self.assertEqual(e.get("start") or "", fact["start"] if fact["precision"] != "none" else "")
                self.assertEqual(e.get("end") or "", fact["end"])
                self.assertEqual(e.get("tz") or "", fact["tz"])
                self.assertEqual(e.get("duration") or "", fact["duration"])
                self.assertEqual(e.get("location") or "", fact["location"])
                self.assertEqual(e["status"], fact["status"])
                citations = [SOURCES[s]["citation"] for s in fact["seeds"].split()]
                self.assertEqual(e["source"], " ; ".join(citations))
                if fact["inferred"]:
                    self.assertIn("Inferred:", e["description"])
                else:
                    self.assertNotIn("Inferred:", e["description"])
                if fact["precision"] == "none":
                    self.assertEqual(e["section"], "undated")
                    self.assertIn("Date to be announced", e["description"])

    def test_inferences_are_machine_readable_in_the_file(self):
        with open(DATASET, encoding="utf-8") as f:
            cal = icalendar.Calendar.from_ical(f.read())
        seen = set()
        # Undated (TBA) events are VTODOs (a VEVENT needs a DTSTART; docs/protocol.md).
        for ve in cal.walk("VEVENT") + cal.walk("VTODO"):
            uid = str(ve["UID"])
            seen.add(uid)
            with self.subTest(uid=uid):
                inferred = str(ve.get("X-HERALD-INFERRED", ""))
                self.assertEqual(sorted(filter(None, inferred.split(","))), sorted(FACTS[uid]["inferred"].split()))
                self.assertEqual(str(ve["X-HERALD-PRECISION"]), FACTS[uid]["precision"])
        self.assertEqual(seen, set(FACTS))

    def test_nothing_a_user_reads_names_a_seed_file_or_an_article_number(self):
        outputs = {"list": self.d.cli("list", "--from", "2022-01-01", "--to", "2025-12-31").stdout,
                   "export": self.d.cli("export").stdout}
        for e in self.events.values():
            outputs[f"show {e['id']}"] = self.d.cli("show", str(e["id"])).stdout
        self.assertGreater(len(outputs), len(FACTS))
        for what, text in outputs.items():
            with self.subTest(output=what):
                self.assertTrue(text.strip())
                self.assertIsNone(INTERNAL.search(text), INTERNAL.search(text))
        self.assertIn("Videoconference", outputs["list"])  # the 8th meeting: one place, not two

    def test_founding_occurrence_and_anniversaries(self):
        founding = self.d.cli("list", "--from", "1992-01-01", "--to", "1993-12-31").stdout
        self.assertIn("Kyrgyzstan–Japan diplomatic relations established", founding)
        self.assertIn("1st anniversary of Kyrgyzstan–Japan diplomatic relations", founding)
        self.assertNotIn("0th anniversary", founding)
        thirtieth = self.d.cli("list", "--from", "2022-01-01", "--to", "2022-01-31").stdout
        self.assertIn("30th anniversary of Kyrgyzstan–Japan diplomatic relations", thirtieth)

    def test_to_be_announced_only_where_a_user_looks_ahead(self):
        summit = "First Central Asia + Japan Summit of Heads of State"
        past = self.d.cli("list", "--from", "1992-01-01", "--to", "1992-12-31").stdout
        self.assertNotIn("To be announced", past)
        self.assertNotIn(summit, past)
        listed = self.d.cli_json("list", "--from", "1992-01-01", "--to", "1992-12-31")
        self.assertTrue(listed)
        self.assertEqual([e["uid"] for e in listed if e["section"] == "undated"], [])
        for args in (("--past", "--days", "30"), ("--days", "30"), ("--from", "2022-01-01", "--to", "2100-01-01")):
            with self.subTest(window=args):
                out = self.d.cli("list", *args).stdout
                self.assertIn("To be announced", out)
                self.assertIn(summit, out)
        # Asked for explicitly, the undated events are listed whatever the window.
        self.assertIn(summit, self.d.cli("list", "--tba", "--from", "1992-01-01", "--to", "1992-12-31").stdout)


class DatasetEvidence(unittest.TestCase):
    def test_every_fact_is_quoted_from_its_articles(self):
        if not os.path.isdir(SEEDS_DIR):
            self.skipTest(f"the source articles are not at {SEEDS_DIR} (set HERALD_SEEDS_DIR)")
        texts = {}
        for seed, row in SOURCES.items():
            with open(os.path.join(SEEDS_DIR, row["file"]), encoding="utf-8") as f:
                texts[seed] = words(f.read())
        for uid, fact in FACTS.items():
            with self.subTest(uid=uid):
                quote = words(fact["evidence"])
                self.assertTrue(quote)
                self.assertTrue(any(quote in texts[s] for s in fact["seeds"].split()), quote)


if __name__ == "__main__":
    unittest.main()
