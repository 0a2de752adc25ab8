"""Every README example marked runnable runs as written on a fresh checkout (issue 16, item 12).

A fenced block right after the line `<!-- runnable -->` is run line by line, in order, by bash
in a temporary directory holding a copy of the checkout's data/, against a fresh heraldd (lines
starting with `heraldd` are the daemon, which this test starts itself; every other line must be
a `herald` command). The blocks' own `herald import data/…` loads the shipped dataset, and the
ids they name are those of the events they add. A line that exits non-zero fails the test."""
import os
import re
import shutil
import subprocess
import unittest

from harness import HERALD, DaemonTestCase, SOURCE_DIR

MARK = "<!-- runnable -->"


def runnable_lines(text):
    """[(line number, command)] of the runnable blocks, continuation lines joined."""
    out, lines = [], text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() != MARK:
            continue
        if not lines[i + 1].startswith("```"):
            raise AssertionError(f"README.md:{i + 1}: {MARK} must be followed by a fenced block")
        j, pending, start = i + 2, "", None
        while not lines[j].startswith("```"):
            start = start or j + 1
            pending += lines[j]
            if pending.endswith("\\"):
                pending = pending[:-1]
            else:
                out.append((start, pending))
                pending, start = "", None
            j += 1
    return out


class ReadmeExamples(DaemonTestCase):
    def test_every_runnable_example_runs(self):
        with open(os.path.join(SOURCE_DIR, "README.md"), encoding="utf-8") as f:
            examples = runnable_lines(f.read())
        self.assertGreater(len(examples), 20)
        work = os.path.join(self.root, "checkout")
        shutil.copytree(os.path.join(SOURCE_DIR, "data"), os.path.join(work, "data"))
        bindir = os.path.join(self.root, "bin")
        os.makedirs(bindir)
        os.symlink(HERALD, os.path.join(bindir, "herald"))
        env = dict(self.d.env, HERALD_SOCKET=self.d.socket, TZ="Asia/Bishkek", PATH=bindir + ":/usr/bin:/bin")
        ran = 0
        for number, command in examples:
            if re.match(r"\s*heraldd\b", command):
                continue
            with self.subTest(line=number, command=command):
                self.assertRegex(command, r"^herald ", f"README.md:{number}: not a herald command")
                p = subprocess.run(["bash", "-c", f"set -eo pipefail; {command}"], cwd=work, env=env,
                                   capture_output=True, text=True, timeout=60)
                self.assertEqual(p.returncode, 0, f"README.md:{number}: {command}\n{p.stdout}\n{p.stderr}")
                ran += 1
        self.assertGreater(ran, 20)


if __name__ == "__main__":
    unittest.main()
