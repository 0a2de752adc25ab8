"""Test harness: starts the real heraldd on a temporary socket and drives the real herald.

Binaries come from $HERALDD and $HERALD (set by ctest); everything else lives in a
temporary directory that is removed afterwards.
"""
import fcntl
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import termios
import time
import unittest

HERALDD = os.environ.get("HERALDD", "heraldd")
HERALD = os.environ.get("HERALD", "herald")
SOURCE_DIR = os.environ.get("HERALD_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))


def wait_for(predicate, timeout=10.0, interval=0.02, what="condition"):
    """Polls predicate until it returns a truthy value; fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def run_on_tty(argv, env, cols=0, rows=0, onlcr=True):
    """Runs argv with stdout and stderr on a new pseudo-terminal of cols x rows (0: as openpty
    makes it) and stdin from /dev/null; returns (exit code, the bytes the terminal received).
    onlcr=False keeps "\n" as written instead of the terminal's "\r\n"."""
    master, slave = os.openpty()
    if cols or rows:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    if not onlcr:
        attrs = termios.tcgetattr(slave)
        attrs[1] &= ~termios.ONLCR
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the other side is closed
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return p.wait(timeout=60), out


class RawClient:
    """A raw protocol connection: send lines, read JSON replies."""

    def __init__(self, path, timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""
        self.next_id = 1

    def send_raw(self, data: bytes):
        self.sock.sendall(data)

    def read(self, timeout=None):
        """Reads one JSON message; None on EOF."""
        if timeout is not None:
            self.sock.settimeout(timeout)
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def request(self, method, params=None, id=None):
        if id is None:
            id = self.next_id
            self.next_id += 1
        msg = {"jsonrpc": "2.0", "id": id, "method": method}
        if params is not None:
            msg["params"] = params
        self.send_raw(json.dumps(msg).encode() + b"\n")
        return id

    def call(self, method, params=None):
        """Sends a request and returns the whole reply object (result or error)."""
        id = self.request(method, params)
        while True:
            msg = self.read()
            if msg is None:
                raise ConnectionError("daemon closed the connection")
            if msg.get("id") == id or ("error" in msg and msg.get("id") is None):
                return msg

    def result(self, method, params=None):
        reply = self.call(method, params)
        if "error" in reply:
            raise AssertionError(f"{method} failed: {reply['error']}")
        return reply["result"]

    def agenda_all(self, params):
        """`agenda` followed over every page (next_cursor): the first reply with all occurrences
        and imprecise events (each page lists the imprecise ones entering the part it covers;
        where pages end depends on the daemon's work budget, so on the machine's load)."""
        first = self.result("agenda", params)
        page = first
        while page.get("next_cursor"):
            page = self.result("agenda", {**params, "cursor": page["next_cursor"]})
            first["occurrences"] += page["occurrences"]
            first["imprecise"] += page.get("imprecise", [])
        first.pop("next_cursor", None)
        return first

    def close(self):
        self.sock.close()


class Daemon:
    """One heraldd process with its own socket, database and XDG directories."""

    def __init__(self, root, extra_args=(), env=None):
        self.root = root
        self.socket = os.path.join(root, "run", "herald", "socket")
        self.db = os.path.join(root, "data", "herald.db")
        self.log_path = os.path.join(root, "heraldd.log")
        self.extra_args = list(extra_args)
        self.env = dict(os.environ)
        self.env.update({
            "XDG_RUNTIME_DIR": os.path.join(root, "run"),
            "XDG_DATA_HOME": os.path.join(root, "data-home"),
            "XDG_CONFIG_HOME": os.path.join(root, "config"),
            "HOME": root,
        })
        self.env.pop("NOTIFY_SOCKET", None)
        self.env.pop("LISTEN_FDS", None)
        if env:
            self.env.update(env)
        self.proc = None
        self.clients = []
        self.wrapper = []  # argv prefix heraldd runs under (tests/integration/unit_sandbox.py)

    def start(self, wait=True):
        os.makedirs(os.path.join(self.root, "run"), mode=0o700, exist_ok=True)
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [*self.wrapper, HERALDD, "--socket", self.socket, "--db", self.db, *self.extra_args],
            stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        if wait:
            wait_for(self.serving, what=f"heraldd to serve on {self.socket}")
        return self

    def serving(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"heraldd exited with {self.proc.returncode}:\n{self.log_text()}")
        try:
            c = RawClient(self.socket, timeout=2)
            c.close()
            return True
        except OSError:
            return False

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Stops the daemon and returns its exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("heraldd did not stop within %ss after signal %s" % (timeout, sig))
        self.log.close()
        return self.proc.returncode

    def kill(self):
        return self.stop(signal.SIGKILL)

    def restart(self):
        self.stop()
        return self.start()

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def connect(self, timeout=10.0):
        c = RawClient(self.socket, timeout)
        self.clients.append(c)
        return c

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            return int(next(l for l in f if l.startswith("VmRSS")).split()[1])

    def rss_anon_kib(self):
        """Resident anonymous memory (heap, stacks): what buffering grows, unlike code pages."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            return int(next(l for l in f if l.startswith("RssAnon")).split()[1])

    def cli(self, *args, check=True, input=None, env=None, timeout=60):
        """Runs herald against this daemon; returns the CompletedProcess (text mode)."""
        e = dict(self.env)
        e["HERALD_SOCKET"] = self.socket
        e.setdefault("TZ", "Asia/Bishkek")
        if env:
            e.update(env)
        p = subprocess.run([HERALD, *args], input=input, capture_output=True, text=True, env=e, timeout=timeout)
        if check and p.returncode != 0:
            raise AssertionError(f"herald {' '.join(args)} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
        return p

    def cli_json(self, *args, **kw):
        return json.loads(self.cli("--json", *args, **kw).stdout)


def finish_daemon(case, daemon, root, killed_ok=True):
    """Closes the daemon's clients, stops it, removes `root`; fails `case` on a sanitizer report
    or an exit other than 0 (or a SIGKILL, when the test may have sent one: `killed_ok`)."""
    for c in daemon.clients:
        c.close()
    code = daemon.stop()
    log = daemon.log_text()
    shutil.rmtree(root, ignore_errors=True)
    for marker in ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"):
        case.assertNotIn(marker, log, "sanitizer report in heraldd log")
    if code is not None and code not in ((0, -9) if killed_ok else (0,)):
        case.fail(f"heraldd exited with {code}:\n{log}")


class DaemonTestCase(unittest.TestCase):
    """Each test gets a fresh directory and a running daemon (self.d)."""

    daemon_args = ()

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="herald-it-")
        self.d = Daemon(self.root, self.daemon_args).start()

    def tearDown(self):
        finish_daemon(self, self.d, self.root)
