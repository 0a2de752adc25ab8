"""No command, option or configuration key can be missing from the docs and completions again
(issue 16, item 6): every herald command and option (from `herald --dump-cli`, the definition
the parser itself uses) is in its section of herald(1); every heraldd flag (`heraldd --help`) in
heraldd(8); every key the configuration parser accepts (daemon/config.cpp's table) in its
section of heraldd.toml(5); and the completions are what scripts/gen_completions.py makes of
those definitions."""
import json
import os
import re
import subprocess
import sys
import unittest

from harness import HERALD, HERALDD, SOURCE_DIR

sys.path.insert(0, os.path.join(SOURCE_DIR, "scripts"))
import gen_completions  # noqa: E402
import test_install  # noqa: E402  (its bash completion driver)

MAN = os.path.join(SOURCE_DIR, "docs", "man")


def read(*parts):
    with open(os.path.join(SOURCE_DIR, *parts), encoding="utf-8") as f:
        return f.read()


def sections(text, level):
    """{heading: body} of the scdoc headings at `level` ("#" or "##")."""
    out = {}
    for m in re.finditer(rf"^{level} (.+)\n((?:(?!^#{{1,{len(level)}}} ).*\n?)*)", text, re.M):
        out[m.group(1).strip()] = m.group(2)
    return out


def definition():
    return json.loads(subprocess.run([HERALD, "--dump-cli"], capture_output=True, text=True,
                                     check=True).stdout)


def long_names(options):
    return [n for o in options for n in o["names"][:1] if n not in ("--help", "--version")]


class DocsAndCompletions(unittest.TestCase):
    def test_every_command_and_option_is_in_herald_1(self):
        text = read("docs", "man", "herald.1.scd")
        top = sections(text, "#")
        commands = sections(top["COMMANDS"], "##")
        cli = definition()
        missing = [f"global {n}" for n in long_names(cli["options"])
                   if f"*{n}*" not in top["GLOBAL OPTIONS"]]
        for c in cli["commands"]:
            body = commands.get(c["name"])
            if body is None:
                missing.append(f"command {c['name']} (a '## {c['name']}' section)")
                continue
            # "options of *add*" documents them once for edit too.
            shared = "".join(commands.get(r, "") for r in re.findall(r"options of \*(\w+)\*", body))
            missing += [f"{c['name']} {n}" for n in long_names(c["options"])
                        if f"*{n}*" not in body + shared]
        self.assertEqual(missing, [], "not documented in docs/man/herald.1.scd")

    def test_every_heraldd_flag_is_in_heraldd_8(self):
        text = read("docs", "man", "heraldd.8.scd")
        options = sections(text, "#")["OPTIONS"]
        flags = long_names(gen_completions.heraldd_options(HERALDD))
        self.assertGreater(len(flags), 10)
        self.assertEqual([f for f in flags if f"*{f}*" not in options], [],
                         "not in heraldd(8)'s OPTIONS")

    def test_every_config_key_is_in_heraldd_toml_5(self):
        source = read("daemon", "config.cpp")
        table = source[source.index("const std::vector<Key>& keys()"):]
        table = table[:table.index("return table;")]
        # {"section", "key", then the setter (a lambda): not a one_of({"low", "normal", ...}) list.
        keys = re.findall(r'\{"([a-z_]+)", "([a-z_]+)",\s*\[\]', table)
        self.assertGreater(len(keys), 15)
        top = sections(read("docs", "man", "heraldd.toml.5.scd"), "#")
        self.assertEqual([f"{s}.{k}" for s, k in keys if f"*{k}*" not in top.get(f"[{s}]", "")], [],
                         "not in its section of heraldd.toml(5)")

    def test_completions_are_generated_from_the_definitions(self):
        for name, text in gen_completions.generate(HERALD, HERALDD).items():
            with self.subTest(file=name):
                self.assertEqual(read("completions", name), text,
                                 f"completions/{name} is stale: run python3 scripts/gen_completions.py "
                                 "build/dev/client/herald build/dev/daemon/heraldd")

    def test_the_completions_know_every_command_and_option(self):
        # Independent of the generator: each name appears in both files.
        bash, zsh = read("completions", "herald.bash"), read("completions", "_herald")
        cli = definition()
        names = [c["name"] for c in cli["commands"]] + long_names(cli["options"])
        names += [n for c in cli["commands"] for n in long_names(c["options"])]
        names += long_names(gen_completions.heraldd_options(HERALDD))
        self.assertEqual([n for n in names if n not in bash], [], "missing from herald.bash")
        self.assertEqual([n for n in names if n not in zsh], [], "missing from _herald")

    def test_the_bash_completion_completes_the_new_commands_and_options(self):
        complete = lambda *words: test_install.Install.complete(self, *words)  # noqa: E731
        self.assertEqual(complete("herald", "sea"), ["search"])
        self.assertEqual(complete("herald", "rm", "3", "--o"), ["--on"])
        self.assertEqual(complete("herald", "edit", "3", "--no-e"), ["--no-except"])
        self.assertEqual(complete("herald", "list", "--format", "i"), ["ics"])
        self.assertEqual(complete("herald", "list", "--js"), ["--json"])  # global, after the command
        self.assertEqual(complete("herald", "list", "--mon"), ["--month"])
        # --month's MONTH may be left out: an option still completes after it.
        self.assertEqual(complete("herald", "list", "--month", "--we"), ["--week"])
        self.assertEqual(complete("heraldd", "--stall"), ["--stall-timeout"])


class HelpNames(unittest.TestCase):
    def test_usage_names_the_program_not_the_path_it_was_run_by(self):
        for argv, usage in (([HERALD, "--help"], "Usage: herald [OPTIONS] SUBCOMMAND"),
                            ([HERALD, "cal", "--help"], "Usage: herald cal [OPTIONS]"),
                            ([HERALDD, "--help"], "Usage: heraldd [OPTIONS]")):
            self.assertTrue(os.path.isabs(argv[0]) or os.sep in argv[0], argv[0])
            p = subprocess.run([os.path.abspath(argv[0]), *argv[1:]], capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("\n" + usage, "\n" + p.stdout, p.stdout[:200])


if __name__ == "__main__":
    unittest.main()
