"""System-mode test harness: a real `heraldd --system` and real unprivileged users.

Each test module names its own throw-away accounts (so modules run in parallel under ctest -j
without racing on useradd); they are created in setUpClass and removed in tearDownClass.
Clients run as those uids through setpriv. Needs root.
"""
import grp
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import unittest

from harness import HERALD, Daemon, finish_daemon

SETPRIV = shutil.which("setpriv")


def skip_reason():
    """Why system-mode tests cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root to run clients as other users (setpriv) and to create test users"
    if SETPRIV is None:
        return "setpriv is not installed (Debian package util-linux)"
    if not shutil.which("useradd"):
        return "useradd is not installed (Debian package passwd)"
    return None


def ensure_group(name):
    """The gid of group `name`, created (as a system group) when absent."""
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        subprocess.run(["groupadd", "--system", name], check=True)
        return grp.getgrnam(name).gr_gid


def ensure_user(name):
    """The uid of user `name`, created (no home, no login shell) when absent."""
    try:
        return pwd.getpwnam(name).pw_uid
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                       check=True)
        return pwd.getpwnam(name).pw_uid


def remove_user(name):
    subprocess.run(["userdel", name], capture_output=True)


def remove_group(name):
    subprocess.run(["groupdel", name], capture_output=True)


class SystemModeCase(unittest.TestCase):
    """Starts `heraldd --system` per test with `config` as heraldd.toml; users USERS exist meanwhile.

    Subclasses set USERS (names unique to the module), ADMIN_GROUP and CONFIG (TOML text, the
    admin group line is added)."""

    USERS = ()
    ADMIN_GROUP = "herald-it-adm"
    CONFIG = ""

    @classmethod
    def setUpClass(cls):
        cls.admin_gid = ensure_group(cls.ADMIN_GROUP)
        cls.uids = [ensure_user(n) for n in cls.USERS]

    @classmethod
    def tearDownClass(cls):
        for n in cls.USERS:
            remove_user(n)
        remove_group(cls.ADMIN_GROUP)

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="herald-sys-")
        cfg = os.path.join(self.root, "heraldd.toml")
        with open(cfg, "w") as f:
            f.write(f'[auth]\nadmin_group = "{self.ADMIN_GROUP}"\n' + self.CONFIG)
        self.d = Daemon(self.root, ["--system", "--config", cfg, *self.daemon_args()])
        os.chmod(self.root, 0o755)
        os.makedirs(os.path.join(self.root, "run", "herald"), mode=0o755)
        os.chmod(os.path.join(self.root, "run"), 0o755)
        os.chmod(os.path.join(self.root, "run", "herald"), 0o755)
        self.d.start()
        self.rootc = self.d.connect()

    def daemon_args(self):
        """Extra heraldd arguments for this test case."""
        return []

    def tearDown(self):
        finish_daemon(self, self.d, self.root, killed_ok=False)

    def user_cmd(self, uid, argv, admin=False):
        """argv run as `uid` (with the admin group as a supplementary group when `admin`)."""
        groups = ["--groups", str(self.admin_gid)] if admin else ["--clear-groups"]
        gid = pwd.getpwuid(uid).pw_gid
        return [SETPRIV, f"--reuid={uid}", f"--regid={gid}", *groups, *argv]

    def as_user(self, uid, *args, admin=False, check=None, input=None):
        """Runs herald as `uid` against the test daemon; asserts the exit code when `check` is set."""
        cmd = self.user_cmd(uid, [HERALD, "--socket", self.d.socket, *args], admin=admin)
        env = {"PATH": "/usr/bin:/bin", "TZ": "UTC", "HOME": "/"}
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60, input=input)
        if check is not None:
            self.assertEqual(p.returncode, check, f"{args} as uid {uid}: {p.stdout}{p.stderr}")
        return p

    def add(self, uid, title, *extra, admin=False):
        """Adds an event as `uid` through the CLI; returns the stored event."""
        p = self.as_user(uid, "--json", "add", title, "--at", "2030-05-01", *extra, admin=admin, check=0)
        return json.loads(p.stdout)["event"]

    def listed(self, uid):
        """`herald --json list` of 2030 as `uid`, as text."""
        return self.as_user(uid, "--json", "list", "--from", "2030-01-01", "--to", "2030-12-31", check=0).stdout
