#!/usr/bin/env python3
"""Mutation check: plants each bug listed in tests/mutations.txt, one at a time, and runs the tests
that should catch it. A mutation is caught when those tests fail; it survives when they pass.

Runs in a throw-away git worktree of HEAD (your working tree is never touched) with an
incremental `dev` build of its own, so it takes about a minute per mutation after the first
build. Not part of CI (docs/testing.md): run it on demand, and add a mutation with every bug fixed.

  python3 scripts/mutate.py                 # every mutation
  python3 scripts/mutate.py -k ledger       # those whose name contains "ledger"
  python3 scripts/mutate.py --list          # names only
  python3 scripts/mutate.py --keep DIR      # reuse DIR as the worktree (faster re-runs)
  python3 scripts/mutate.py --logs DIR      # ctest's output per mutation in DIR/<name>.log

With ccache on PATH the worktree's build uses it, so the first build mostly hits the cache.

Format of tests/mutations.txt, one block per mutation, blocks separated by blank lines:
  ## name                     what the planted bug is, in a few words after the name
  file: path/in/repo
  find: exact text           (must occur exactly once in the file; ⏎ for a line break)
  replace: text              (the bug)
  tests: A|B|...             (the tests that must catch it: each alternative is a ctest -R
                             regex, or integration.<module>.<Class>.<method>: that one method of
                             the module's ctest entry, run with the entry's command and environment)

A mutation is caught when any of its tests fails. Name the test written against the bug, not a
whole module that fails by accident: the table then says which test guards what.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

NEWLINE = "⏎"  # ⏎ stands for a line break in find/replace (a backslash-n is C++ text)
ROOT = pathlib.Path(__file__).resolve().parent.parent


def parse(path):
    """The mutations in `path` as dicts with name, about, file, find, replace, tests."""
    out = []
    for block in re.split(r"\n\s*\n", path.read_text()):
        lines = [l for l in block.strip().splitlines() if l.strip() and not l.startswith("#  ")]
        if not lines or not lines[0].startswith("## "):
            continue
        head = lines[0][3:].strip().split(None, 1)
        m = {"name": head[0], "about": head[1] if len(head) > 1 else ""}
        for l in lines[1:]:
            key, _, value = l.partition(":")
            m[key.strip()] = value[1:] if value.startswith(" ") else value
        for key in ("file", "find", "replace", "tests"):
            if key not in m:
                sys.exit(f"{path}: mutation {m['name']} has no '{key}:' line")
        m["find"] = m["find"].replace(NEWLINE, "\n")
        m["replace"] = m["replace"].replace(NEWLINE, "\n")
        out.append(m)
    return out


def run(cmd, cwd, timeout=3600):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)


UNITTEST = re.compile(r"^(integration\.test_\w+)\.(\w+\.\w+)$")


def missing_methods(m):
    """The integration.<module>.<Class>.<method> alternatives of `m` its module does not define."""
    out = []
    for alt in m["tests"].split("|"):
        if not (u := UNITTEST.match(alt)):
            continue
        source = ROOT / "tests" / "integration" / (u.group(1).split(".", 1)[1] + ".py")
        cls, method = u.group(2).split(".")
        text = source.read_text() if source.exists() else ""
        if not re.search(rf"^class {cls}\b", text, re.M) or not re.search(rf"^    def {method}\(", text, re.M):
            out.append(alt)
    return out


def ctest_entries(tree):
    """ctest's entries of the tree's dev build by name: command, environment, directory, timeout."""
    shown = json.loads(run(["ctest", "--preset", "dev", "--show-only=json-v1"], tree).stdout)
    out = {}
    for t in shown["tests"]:
        props = {p["name"]: p["value"] for p in t.get("properties", [])}
        out[t["name"]] = {"command": t["command"], "env": props.get("ENVIRONMENT", []),
                          "cwd": props.get("WORKING_DIRECTORY"), "timeout": props.get("TIMEOUT", 300)}
    return out


def unittest_entry(alt, entries):
    """(ctest entry, Class.method) for a unittest method of a `tests:` line, else None. The entry
    is the file's (integration.test_x) or, for a file split by class, the class's."""
    m = UNITTEST.match(alt)
    if not m:
        return None
    name, test_id = m.groups()
    for entry in (name, f"{name}.{test_id.split('.')[0]}"):
        if entry in entries:
            return entry, test_id
    return None


def run_tests(tree, spec, entries):
    """Runs the tests of a `tests:` line; (failed names, no test matched, output)."""
    failed, outputs, regexes, methods = [], [], [], []
    for alt in spec.split("|"):
        (methods if unittest_entry(alt, entries) else regexes).append(alt)
    for alt in methods:
        entry_name, test_id = unittest_entry(alt, entries)
        entry = entries[entry_name]
        module = UNITTEST.match(alt).group(1).split(".", 1)[1]
        target = entry_name.split(".", 1)[1]  # test_x, or test_x.Class for a SPLIT file
        cmd = [f"{module}.{test_id}" if a == target else a for a in entry["command"]]
        env = dict(os.environ, **dict(v.split("=", 1) for v in entry["env"]))
        try:
            p = subprocess.run(cmd, cwd=entry["cwd"], env=env, capture_output=True, text=True,
                               timeout=float(entry["timeout"]))
            code, text = p.returncode, p.stdout + p.stderr
        except subprocess.TimeoutExpired:
            code, text = -1, f"timeout after {entry['timeout']} s"
        outputs.append(f"== {alt}: exit {code}\n{text}")
        if "_FailedTest" in text:  # unittest could not load the named method: no test ran
            return [], True, "\n".join(outputs)
        if code != 0:
            failed.append(alt)
    none = False
    if regexes:
        p = run(["ctest", "--preset", "dev", "-j", "2", "-R", "|".join(regexes)], tree)
        outputs.append(p.stdout + p.stderr)
        none = "No tests were found" in p.stdout + p.stderr
        if p.returncode != 0 and not none:
            failed += re.findall(r"\d+ - (.+?) \((?:Failed|Timeout|SEGFAULT|Subprocess aborted)", p.stdout)
            failed += [] if failed else ["ctest"]
    return failed, none and not methods, "\n".join(outputs)


def targets_of(spec):
    """The build targets the tests of a `tests:` line run (all of them when unsure)."""
    out = set()
    for alt in spec.split("|"):
        if alt.startswith(("core_tests", "daemon_tests")):
            out.add(alt.split(".", 1)[0])
        elif alt.startswith("integration."):
            out |= {"heraldd", "herald"}
        elif alt.startswith("rrule_differential"):
            out.add("rrule_expand")
        else:
            return []
    return sorted(out)


def build(tree, targets=()):
    # Why only the targets the tests need: relinking every binary per mutation was most of a run.
    # What is left stale is rebuilt from the restored sources by a later build (ninja sees them).
    target_args = ["--target", *targets] if targets else []
    p = run(["cmake", "--build", "--preset", "dev", "-j", str(os.cpu_count() or 2), *target_args], tree)
    return p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-k", default="", help="only mutations whose name matches this regex (a part of it will do)")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--check", action="store_true",
                    help="only check that every find text occurs exactly once and every named test method exists (no build)")
    ap.add_argument("--keep", help="worktree directory to create or reuse")
    ap.add_argument("--logs", help="directory for each mutation's ctest output (which test failed, why)")
    args = ap.parse_args()
    mutations = [m for m in parse(ROOT / "tests" / "mutations.txt") if re.search(args.k, m["name"])]
    if args.list:
        for m in mutations:
            print(f"{m['name']:40} {m['file']:36} {m['tests']}")
        return 0
    if args.check:
        stale = [m["name"] for m in mutations if (ROOT / m["file"]).read_text().count(m["find"]) != 1]
        for name in stale:
            print(f"stale: {name}")
        for m in mutations:
            for alt in missing_methods(m):
                print(f"no such test: {m['name']}: {alt}")
                stale.append(m["name"])
        print(f"{len(mutations)} mutations, {len(stale)} stale")
        return 1 if stale else 0
    tree = pathlib.Path(args.keep) if args.keep else pathlib.Path(tempfile.mkdtemp(prefix="herald-mutate-")) / "tree"
    if not (tree / ".git").exists():
        run(["git", "worktree", "add", "--detach", str(tree), "HEAD"], ROOT).check_returncode()
    else:
        run(["git", "checkout", "--detach", "--force", run(["git", "rev-parse", "HEAD"], ROOT).stdout.strip()], tree)
    launcher = [f"-DCMAKE_{lang}_COMPILER_LAUNCHER=ccache" for lang in ("C", "CXX")] if shutil.which("ccache") else []
    run(["cmake", "--preset", "dev", *launcher], tree).check_returncode()
    logs = pathlib.Path(args.logs) if args.logs else None
    if logs:
        logs.mkdir(parents=True, exist_ok=True)
    ok, log = build(tree)
    if not ok:
        sys.exit("the unmutated tree does not build:\n" + log)
    entries = ctest_entries(tree)
    rows, caught = [], 0
    for m in mutations:
        path = tree / m["file"]
        text = path.read_text()
        n = text.count(m["find"])
        start = time.monotonic()
        if n != 1:
            verdict = f"STALE (find text occurs {n} times)"
        else:
            path.write_text(text.replace(m["find"], m["replace"]))
            try:
                ok, log = build(tree, targets_of(m["tests"]))
                if not ok:
                    verdict = "BUILD FAILS (fix the mutation)"
                else:
                    failed, none, output = run_tests(tree, m["tests"], entries)
                    if logs:
                        (logs / f"{m['name']}.log").write_text(output)
                    if none:
                        verdict = "NO TESTS MATCH"
                    elif failed:
                        verdict = "caught by " + ", ".join(failed[:3])
                        caught += 1
                    else:
                        verdict = "SURVIVED"
            finally:
                path.write_text(text)
        rows.append((m["name"], verdict, time.monotonic() - start))
        print(f"{m['name']:40} {verdict}  ({rows[-1][2]:.0f} s)", flush=True)
    build(tree)  # leave the kept tree built unmutated
    if not args.keep:
        run(["git", "worktree", "remove", "--force", str(tree)], ROOT)
        shutil.rmtree(tree.parent, ignore_errors=True)
    total = len(rows)
    print(f"\n| mutation | caught by | time |\n| --- | --- | --- |")
    for name, verdict, secs in rows:
        print(f"| {name} | {verdict} | {secs:.0f} s |")
    print(f"\nscore: {caught}/{total} caught ({100.0 * caught / max(total, 1):.1f}%)")
    return 0 if caught == total else 1


if __name__ == "__main__":
    sys.exit(main())
