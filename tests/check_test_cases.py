"""Every Catch2 TEST_CASE in tests/ is run by some ctest entry.

catch_discover_tests turns each case into a ctest entry named `<binary>.<case name>`; a name that
CMake mangles (a ';' splits it in two) or a case hidden with a `[.tag]` that no entry runs would
otherwise never run while the suite stays green. Hidden cases must be named by the tag in some
entry's command (tests/daemon/CMakeLists.txt runs `[.desktop-server]` through a script).

Usage: check_test_cases.py SOURCE_DIR BUILD_DIR
"""
import json
import pathlib
import re
import subprocess
import sys

# A name or tag list may be several adjacent literals ("a long " "name"), as clang-format breaks them.
LITERAL = r'"(?:[^"\\]|\\.)*"'
CASE = re.compile(rf'TEST_CASE\(\s*((?:{LITERAL}\s*)+)(?:,\s*((?:{LITERAL}\s*)+))?')


def text_of(literals):
    """The text of adjacent C++ string literals, joined as the compiler joins them."""
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', literals or ""))


def main(source, build):
    shown = json.loads(subprocess.run(["ctest", "--show-only=json-v1"], cwd=build, check=True,
                                      capture_output=True, text=True).stdout)
    names = {t["name"] for t in shown["tests"]}
    commands = " ".join(" ".join(t.get("command", [])) for t in shown["tests"])
    scripts = " ".join(p.read_text() for p in pathlib.Path(source, "tests").rglob("*.sh"))
    missing, seen = [], 0
    for binary in ("core", "daemon", "client"):
        for path in sorted(pathlib.Path(source, "tests", binary).glob("test_*.cpp")):
            for name, tags in CASE.findall(path.read_text()):
                seen += 1
                name, tags = text_of(name).replace('\\"', '"'), text_of(tags)
                hidden = [t for t in re.findall(r"\[([^\]]*)\]", tags or "") if t.startswith(".")]
                if hidden:
                    if not any(f"[{t}]" in commands or f"[{t}]" in scripts for t in hidden):
                        missing.append(f"{path.name}: {name!r} is hidden by {hidden} and no entry runs that tag")
                elif f"{binary}_tests.{name}" not in names:
                    missing.append(f"{path.name}: {name!r} has no ctest entry {binary}_tests.<name>")
    for m in missing:
        print(m)
    print(f"{seen} test cases, {len(missing)} not run by ctest")
    return 1 if missing or seen == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
