"""Files, sockets and flags under real uids (issue 14, items 11-14 and 16): the runtime directory
and the daemon's peer are checked before anything is sent, --socket replaces only a stale socket
and chmods only a directory it created, the database files are 0600 whatever the umask, a damaged
database is refused with a recovery path that works, a full filesystem fails an import clearly and
loses nothing stored, and numeric flags are range-checked.

Needs root for the cross-user cases (useradd, setpriv)."""
import json
import os
import pwd
import shutil
import socket
import sqlite3
import stat
import subprocess
import tempfile
import unittest

from harness import HERALD, HERALDD, Daemon, DaemonTestCase, finish_daemon, wait_for
from system_harness import SETPRIV, ensure_user, remove_user, skip_reason

USERS = ("herald-lim-a", "herald-lim-b")


def run_heraldd(*args, env=None, timeout=20):
    """heraldd run to completion (it is expected to refuse to start)."""
    return subprocess.run([HERALDD, *args], capture_output=True, text=True, timeout=timeout, env=env)


class FlagRanges(unittest.TestCase):
    """Item 16: command-line values get the config file's ranges; exit 64 naming the flag."""

    def test_out_of_range_flags_are_refused(self):
        root = tempfile.mkdtemp(prefix="herald-lim-")
        self.addCleanup(shutil.rmtree, root, True)
        sock, db = os.path.join(root, "s", "socket"), os.path.join(root, "herald.db")
        for flag, value in (("--max-line", "-1"), ("--max-line", "0"), ("--max-clients", "0"),
                            ("--max-queue", "0"), ("--max-import", "-5"), ("--stall-timeout", "0")):
            with self.subTest(flag=flag, value=value):
                p = run_heraldd("--socket", sock, "--db", db, flag, value)
                self.assertEqual(p.returncode, 64, p.stdout + p.stderr)
                self.assertIn(flag, p.stderr)
                self.assertIn("expected an integer between", p.stderr)
                self.assertFalse(os.path.exists(sock), "a refused daemon must not serve")

    def test_text_flags_are_checked_like_their_keys(self):
        root = tempfile.mkdtemp(prefix="herald-lim-")
        self.addCleanup(shutil.rmtree, root, True)
        sock, db = os.path.join(root, "s", "socket"), os.path.join(root, "herald.db")
        for flag, value, expected in (("--catchup", "-5m", "a duration such as"),
                                      ("--default-alarm", "soon", "a duration such as"),
                                      ("--log-level", "loud", "one of trace")):
            with self.subTest(flag=flag, value=value):
                p = run_heraldd("--socket", sock, "--db", db, flag, value)
                self.assertEqual(p.returncode, 64, p.stdout + p.stderr)
                self.assertIn(f"{flag}: expected {expected}", p.stderr)
                self.assertFalse(os.path.exists(sock), "a refused daemon must not serve")

    def test_in_range_flags_are_accepted(self):
        root = tempfile.mkdtemp(prefix="herald-lim-")
        self.addCleanup(shutil.rmtree, root, True)
        d = Daemon(root, ["--max-line", "256", "--max-clients", "1", "--max-queue", "4096"]).start()
        try:
            self.assertEqual(d.connect().result("status")["mode"], "user")
        finally:
            for c in d.clients:
                c.close()
            self.assertEqual(d.stop(), 0)


class SocketPath(unittest.TestCase):
    """Item 12: --socket replaces only a stale socket and chmods only a directory it created."""

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="herald-lim-")
        self.addCleanup(shutil.rmtree, self.root, True)

    def test_a_regular_file_is_not_destroyed(self):
        path = os.path.join(self.root, "precious.txt")
        with open(path, "w") as f:
            f.write("keep me\n")
        p = run_heraldd("--socket", path, "--db", os.path.join(self.root, "herald.db"))
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("not a socket", p.stdout + p.stderr)
        with open(path) as f:
            self.assertEqual(f.read(), "keep me\n")

    def test_a_stale_socket_is_replaced(self):
        path = os.path.join(self.root, "stale.sock")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(path)
        s.close()  # bound, never listening: what a killed daemon leaves
        d = Daemon(self.root)
        d.socket = path
        d.start()
        try:
            self.assertTrue(stat.S_ISSOCK(os.lstat(path).st_mode))
        finally:
            self.assertEqual(d.stop(), 0)

    def test_an_existing_directory_keeps_its_mode(self):
        shared = os.path.join(self.root, "shared")
        os.mkdir(shared)
        os.chmod(shared, 0o1777)  # like /tmp
        path = os.path.join(shared, "x.sock")
        d = Daemon(self.root)
        d.socket = path
        d.start()
        try:
            self.assertEqual(stat.S_IMODE(os.stat(shared).st_mode), 0o1777)
        finally:
            self.assertEqual(d.stop(), 0)

    def test_a_created_directory_is_private(self):
        path = os.path.join(self.root, "new", "x.sock")
        d = Daemon(self.root)
        d.socket = path
        d.start()
        try:
            self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode), 0o700)
        finally:
            self.assertEqual(d.stop(), 0)


@unittest.skipIf(skip_reason() is not None, skip_reason() or "")
class CrossUser(unittest.TestCase):
    """Items 11 and 13 with real users: A is the victim, B the other user."""

    @classmethod
    def setUpClass(cls):
        cls.uid_a, cls.uid_b = (ensure_user(n) for n in USERS)

    @classmethod
    def tearDownClass(cls):
        for n in USERS:
            remove_user(n)

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="herald-lim-")
        os.chmod(self.root, 0o755)
        self.procs = []
        self.addCleanup(shutil.rmtree, self.root, True)
        self.runtime_a = f"/tmp/herald-{self.uid_a}"
        shutil.rmtree(self.runtime_a, ignore_errors=True)
        self.addCleanup(shutil.rmtree, self.runtime_a, True)

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
                p.wait(10)

    def home(self, uid):
        """A HOME of `uid`'s own under the test root (their data and config go there)."""
        h = os.path.join(self.root, f"home-{uid}")
        os.makedirs(h, exist_ok=True)
        os.chown(h, uid, pwd.getpwuid(uid).pw_gid)
        os.chmod(h, 0o700)
        return h

    def env(self, uid):
        """A login-like environment without XDG_RUNTIME_DIR: the /tmp/herald-<uid> fallback."""
        return {"PATH": "/usr/bin:/bin", "HOME": self.home(uid), "TZ": "UTC"}

    def as_uid(self, uid, argv):
        gid = pwd.getpwuid(uid).pw_gid
        return [SETPRIV, f"--reuid={uid}", f"--regid={gid}", "--clear-groups", *argv]

    def start_heraldd(self, uid, *args):
        log = open(os.path.join(self.root, f"heraldd-{uid}-{len(self.procs)}.log"), "w+")
        p = subprocess.Popen(self.as_uid(uid, [HERALDD, *args]), stdout=log, stderr=subprocess.STDOUT,
                             env=self.env(uid))
        self.procs.append(p)
        return p, log

    def herald(self, uid, *args):
        return subprocess.run(self.as_uid(uid, [HERALD, *args]), capture_output=True, text=True,
                              env=self.env(uid), timeout=30)

    def test_runtime_dir_created_by_another_user_is_refused(self):
        # B creates A's fallback runtime directory first, open to all, and listens in it.
        os.mkdir(self.runtime_a)
        os.chown(self.runtime_a, self.uid_b, pwd.getpwuid(self.uid_b).pw_gid)
        os.chmod(self.runtime_a, 0o777)
        caught = os.path.join(self.home(self.uid_b), "caught")
        listener = ("import os, socket, sys\n"
                    "s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o666)\n"
                    "s.listen(); c, _ = s.accept(); c.settimeout(5)\n"
                    "data = b''\n"
                    "try:\n    data = c.recv(65536)\nexcept OSError:\n    pass\n"
                    "open(sys.argv[2], 'wb').write(data)\n")
        impostor = subprocess.Popen(self.as_uid(self.uid_b, ["python3", "-c", listener,
                                                             f"{self.runtime_a}/socket", caught]),
                                    env=self.env(self.uid_b))
        self.procs.append(impostor)
        wait_for(lambda: os.path.exists(f"{self.runtime_a}/socket"), what="B's listener")
        # A's own daemon refuses to serve there, naming the directory and its owner.
        victim, log = self.start_heraldd(self.uid_a)
        self.assertNotEqual(victim.wait(20), 0)
        log.seek(0)
        text = log.read()
        self.assertIn(self.runtime_a, text)
        self.assertIn(f"belongs to uid {self.uid_b}", text)
        # A's client sends nothing to B's daemon: it is refused by its peer uid (exit 77).
        p = self.herald(self.uid_a, "add", "A's secret appointment", "--at", "2030-05-01")
        self.assertEqual(p.returncode, 77, p.stdout + p.stderr)
        self.assertIn(f"uid {self.uid_b}", p.stderr)
        impostor.wait(10)
        with open(caught, "rb") as f:
            self.assertEqual(f.read(), b"", "nothing may reach the other user's listener")

    def test_runtime_dir_open_to_others_is_refused(self):
        os.mkdir(self.runtime_a)
        os.chown(self.runtime_a, self.uid_a, pwd.getpwuid(self.uid_a).pw_gid)
        os.chmod(self.runtime_a, 0o755)
        victim, log = self.start_heraldd(self.uid_a)
        self.assertNotEqual(victim.wait(20), 0)
        log.seek(0)
        self.assertIn("must be 0700", log.read())
        self.assertEqual(stat.S_IMODE(os.stat(self.runtime_a).st_mode), 0o755)

    def test_own_private_runtime_dir_serves(self):
        victim, _ = self.start_heraldd(self.uid_a)
        wait_for(lambda: os.path.exists(f"{self.runtime_a}/socket") or victim.poll() is not None,
                 what="A's daemon to listen")
        self.assertIsNone(victim.poll())
        st = os.stat(self.runtime_a)
        self.assertEqual((st.st_uid, stat.S_IMODE(st.st_mode)), (self.uid_a, 0o700))
        p = self.herald(self.uid_a, "--json", "status")
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_system_database_files_are_private_whatever_the_umask(self):
        state = os.path.join(self.root, "state")
        os.mkdir(state)
        os.chmod(state, 0o755)  # an existing state directory, outside systemd
        db = os.path.join(state, "herald.db")
        run_dir = os.path.join(self.root, "run")
        os.mkdir(run_dir)
        os.chmod(run_dir, 0o755)
        sock = os.path.join(run_dir, "socket")
        old = os.umask(0o022)
        try:
            cfg = os.path.join(self.root, "heraldd.toml")
            open(cfg, "w").close()
            d = subprocess.Popen([HERALDD, "--system", "--socket", sock, "--db", db, "--config", cfg],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        finally:
            os.umask(old)
        self.procs.append(d)
        wait_for(lambda: os.path.exists(sock) or d.poll() is not None, what="the system daemon")
        self.assertIsNone(d.poll())
        p = self.herald(self.uid_a, "--socket", sock, "add", "A's private diagnosis", "--at", "2030-05-01")
        self.assertEqual(p.returncode, 0, p.stderr)
        for suffix in ("", "-wal", "-shm"):
            with self.subTest(file="herald.db" + suffix):
                self.assertEqual(stat.S_IMODE(os.stat(db + suffix).st_mode), 0o600)
        # B cannot read the file directly.
        peek = subprocess.run(self.as_uid(self.uid_b, ["sqlite3", "-readonly", db, "SELECT json FROM events"]),
                              capture_output=True, text=True, env=self.env(self.uid_b))
        self.assertNotIn("diagnosis", peek.stdout)
        self.assertNotEqual(peek.returncode, 0)


class DamagedDatabase(DaemonTestCase):
    """Item 14: quick_check at start refuses a damaged file; the documented recovery works."""

    def test_damaged_database_is_refused_and_recovered(self):
        c = self.d.connect()
        for i in range(400):
            c.result("event.add", {"event": {"title": f"Meeting {i:03}", "start": "2030-05-01T10:00",
                                             "tz": "UTC", "description": "x" * 800}})
        c.close()
        self.d.clients.clear()
        self.assertEqual(self.d.stop(), 0)
        size = os.path.getsize(self.d.db)
        page = 4096
        with open(self.d.db, "r+b") as f:  # garbage over two pages in the middle of the file
            f.seek((size // page // 2) * page)
            f.write(os.urandom(2 * page))
        p = run_heraldd("--socket", self.d.socket, "--db", self.d.db, env=self.d.env)
        self.assertEqual(p.returncode, 65, p.stdout + p.stderr)
        out = p.stdout + p.stderr
        self.assertIn("damaged", out)
        self.assertIn(".dump", out)
        # The recovery path the message gives (heraldd(8), RECOVERY).
        recovered = self.d.db + ".recovered"
        start = out.index("sqlite3 " + self.d.db + " .dump")
        command = out[start:out.index(", then move", start)]
        self.assertIn("PRAGMA user_version=", command)
        subprocess.run(command, shell=True, check=True)
        os.rename(self.d.db, self.d.db + ".damaged")
        os.rename(recovered, self.d.db)
        self.d.start()
        listed = self.d.cli("--json", "list", "--from", "2030-05-01", "--to", "2030-05-02").stdout
        self.assertGreater(listed.count("Meeting"), 300)
        exported = self.d.cli("export").stdout
        kept = exported.count("SUMMARY:Meeting")
        self.assertGreater(kept, 300, "most events survive the recovery")
        self.assertLess(kept, 401)
        # The recovered file is sound and takes writes.
        self.d.cli("add", "After recovery", "--at", "2030-06-01")
        self.assertIn("After recovery", self.d.cli("export").stdout)


@unittest.skipIf(os.geteuid() != 0, "needs root to mount a small tmpfs")
class FullFilesystem(unittest.TestCase):
    """The database's filesystem fills during a big import: the import fails with a clear error
    (not a crash, not "daemon not running"), what was stored before stays readable, the daemon
    keeps serving, and once space is freed a new add works."""

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="herald-full-")
        self.data = os.path.join(self.root, "data")
        os.makedirs(self.data)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", self.data], check=True)
        self.addCleanup(subprocess.run, ["umount", "-l", self.data], capture_output=True)
        # Space to free later: the database cannot be unmounted while heraldd holds it open.
        self.filler = os.path.join(self.data, "filler")
        with open(self.filler, "wb") as f:
            f.write(b"\0" * (1 << 20))
        self.d = Daemon(self.root).start()

    def tearDown(self):
        finish_daemon(self, self.d, self.root, killed_ok=False)

    def test_an_import_that_fills_the_disk_loses_nothing_stored(self):
        for i in range(3):
            self.d.cli("add", f"Kept {i}", "--at", "2030-05-01")
        lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//herald tests//EN"]
        for i in range(20000):  # some 20 MB stored with its indexes: more than the 8 MB mount
            lines += ["BEGIN:VEVENT", f"UID:big{i}@t", "DTSTAMP:20250101T000000Z", "DTSTART:20300601T090000Z",
                      f"SUMMARY:Big {i}", "DESCRIPTION:" + "lorem ipsum " * 80, "END:VEVENT"]
        lines.append("END:VCALENDAR")
        p = self.d.cli("import", "-", input="\r\n".join(lines) + "\r\n", check=False, timeout=300)
        self.assertNotIn(p.returncode, (0, 69), p.stdout + p.stderr)
        self.assertIn("full", (p.stdout + p.stderr).lower(), p.stdout + p.stderr)
        self.assertNotIn("closed the connection", p.stderr)
        # The daemon keeps serving: status, and the events stored before are listed whole.
        self.assertEqual(self.d.proc.poll(), None, self.d.log_text()[-2000:])
        status = self.d.cli_json("status")
        self.assertGreaterEqual(status["events"], 3)
        listed = self.d.cli("list", "--from", "2030-05-01", "--to", "2030-05-02").stdout
        for i in range(3):
            self.assertIn(f"Kept {i}", listed)
        # Space freed: a new add works.
        os.remove(self.filler)
        self.d.cli("add", "After the disk was full", "--at", "2030-05-02")
        self.assertIn("After the disk was full",
                      self.d.cli("list", "--from", "2030-05-01", "--to", "2030-05-03").stdout)
        self.assertEqual(self.d.cli_json("status")["events"], status["events"] + 1)


if __name__ == "__main__":
    unittest.main()
