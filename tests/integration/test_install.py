"""cmake --install puts binaries, units, the example config, man pages and completions in place;
the pre-rendered man pages match their scdoc sources; the bash completion completes."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from harness import SOURCE_DIR

BUILD = os.environ.get("HERALD_BUILD_DIR")
CMAKE = os.environ.get("CMAKE_COMMAND", "cmake")
MAN = os.path.join(SOURCE_DIR, "docs", "man")


class Install(unittest.TestCase):
    @unittest.skipIf(BUILD is None, "HERALD_BUILD_DIR is not set (run through ctest)")
    def test_install_tree(self):
        prefix = tempfile.mkdtemp(prefix="herald-install-")
        try:
            p = subprocess.run([CMAKE, "--install", BUILD, "--prefix", prefix], capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            expected = [
                "bin/heraldd", "bin/herald",
                "lib/systemd/system/heraldd.service", "lib/systemd/system/heraldd.socket",
                "lib/systemd/user/heraldd.service", "lib/systemd/user/heraldd.socket",
                "lib/systemd/user/herald-notify.service", "lib/sysusers.d/herald.conf",
                "share/doc/herald/examples/heraldd.toml",
                "share/man/man1/herald.1", "share/man/man8/heraldd.8", "share/man/man5/heraldd.toml.5",
                "share/bash-completion/completions/herald", "share/bash-completion/completions/heraldd",
                "share/zsh/vendor-completions/_herald",
            ]
            missing = [f for f in expected if not os.path.isfile(os.path.join(prefix, f))]
            self.assertEqual(missing, [])
            # Units name the binaries where the configured prefix puts them.
            with open(os.path.join(BUILD, "CMakeCache.txt")) as f:
                configured = next(l.split("=", 1)[1].strip() for l in f if l.startswith("CMAKE_INSTALL_PREFIX:"))
            with open(os.path.join(prefix, "lib/systemd/system/heraldd.service")) as f:
                self.assertIn(f"ExecStart={configured}/bin/heraldd --system\n", f.read())
            with open(os.path.join(prefix, "lib/systemd/user/herald-notify.service")) as f:
                self.assertIn(f"ExecStart={configured}/bin/herald ", f.read())
            with open(os.path.join(prefix, "share/man/man8/heraldd.8")) as f:
                self.assertIn(".TH \"heraldd\" \"8\"", f.read())
        finally:
            shutil.rmtree(prefix, ignore_errors=True)

    @unittest.skipIf(shutil.which("scdoc") is None, "scdoc is not installed: cannot check the pre-rendered pages")
    def test_prerendered_man_pages_are_current(self):
        for page in ("herald.1", "heraldd.8", "heraldd.toml.5"):
            with open(os.path.join(MAN, page + ".scd"), "rb") as src:
                rendered = subprocess.run(["scdoc"], stdin=src, capture_output=True, check=True).stdout
            with open(os.path.join(MAN, page), "rb") as f:
                committed = f.read()
            # scdoc dates the .TH line with the day it ran: compare everything else.
            undated = lambda text: re.sub(rb'^(\.TH "[^"]*" "[^"]*" )"\d{4}-\d{2}-\d{2}"', rb"\1DATE", text, flags=re.M)
            self.assertEqual(undated(committed), undated(rendered),
                             f"docs/man/{page} is stale: run scdoc < {page}.scd > {page}")

    def complete(self, *words):
        script = (
            "_init_completion() { cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]};"
            " words=(\"${COMP_WORDS[@]}\"); cword=$COMP_CWORD; }\n"
            "_filedir() { :; }\n"
            f"source {os.path.join(SOURCE_DIR, 'completions', 'herald.bash')}\n"
            f"COMP_WORDS=({' '.join(repr(w) for w in words)}); COMP_CWORD={len(words) - 1}\n"
            f"_{words[0]}; printf '%s\\n' \"${{COMPREPLY[@]}}\"\n")
        p = subprocess.run(["bash", "-c", script], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout.split()

    def test_bash_completion(self):
        self.assertEqual(self.complete("herald", "li"), ["list"])
        self.assertIn("--public", self.complete("herald", "add", "x", "--p"))
        self.assertEqual(self.complete("herald", "add", "--status", "t"), ["tentative"])
        self.assertEqual(self.complete("heraldd", "--log-level", "de"), ["debug"])
        self.assertIn("--system", self.complete("heraldd", "--s"))

    @unittest.skipIf(shutil.which("zsh") is None, "zsh is not installed: cannot syntax-check _herald")
    def test_zsh_completion_parses(self):
        p = subprocess.run(["zsh", "-n", os.path.join(SOURCE_DIR, "completions", "_herald")], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)


if __name__ == "__main__":
    unittest.main()
