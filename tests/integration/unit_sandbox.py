"""The network sandboxing of a systemd unit, applied to a process without a service manager
(the test machines run none): PrivateNetwork=yes as a new network namespace with only its
loopback up (util-linux unshare, as systemd sets it up), RestrictAddressFamilies= as a seccomp
filter answering socket() of any other family with EAFNOSUPPORT (python3-seccomp, the rule
systemd installs). Other properties of the unit are not applied.

As a script: unit_sandbox.py [--families AF_UNIX,AF_INET] -- PROGRAM ARGS... loads the filter,
brings the loopback up when it may (in a fresh namespace it is down) and execs PROGRAM."""
import errno
import os
import shutil
import socket
import subprocess
import sys

try:
    import seccomp
except ImportError:  # pragma: no cover
    seccomp = None

UNSHARE = shutil.which("unshare")
AF_MAX = 46  # linux/socket.h; families at or above it are refused too, as systemd does


def service_properties(path):
    """The [Service] section of unit file `path`: key → list of values (in order)."""
    out, section = {}, None
    with open(path) as f:
        for raw in f:
            line = raw.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("["):
                section = line
                continue
            if section == "[Service]" and "=" in line:
                key, value = line.split("=", 1)
                out.setdefault(key.strip(), []).append(value.strip())
    return out


def wrapper(properties):
    """The argv prefix that runs a program under `properties`' network sandboxing."""
    prefix = []
    if properties.get("PrivateNetwork", ["no"])[-1] in ("yes", "true", "1", "on"):
        prefix = [UNSHARE, "--net", "--"]
    prefix += [sys.executable, os.path.abspath(__file__)]
    families = properties.get("RestrictAddressFamilies")
    if families:
        # The last assignment wins; an empty one resets (systemd.exec(5)).
        allowed = families[-1].split()
        if allowed and not allowed[0].startswith("~"):
            prefix += ["--families", ",".join(allowed)]
    return prefix + ["--"]


def load_family_filter(names):
    allowed = {getattr(socket, n) for n in names}
    f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for family in range(AF_MAX):
        if family not in allowed:
            f.add_rule(seccomp.ERRNO(errno.EAFNOSUPPORT), "socket", seccomp.Arg(0, seccomp.EQ, family))
    f.add_rule(seccomp.ERRNO(errno.EAFNOSUPPORT), "socket", seccomp.Arg(0, seccomp.GE, AF_MAX))
    f.load()


def main(argv):
    families = None
    if argv[:1] == ["--families"]:
        families, argv = argv[1].split(","), argv[2:]
    assert argv[:1] == ["--"], argv
    argv = argv[1:]
    # A fresh network namespace has its loopback down; systemd brings it up. In the host's
    # namespace this is a no-op (already up) or refused (not root): harmless either way.
    subprocess.run(["ip", "link", "set", "lo", "up"], stderr=subprocess.DEVNULL)
    if families is not None:
        load_family_filter(families)
    os.execv(argv[0], argv)


if __name__ == "__main__":
    main(sys.argv[1:])
