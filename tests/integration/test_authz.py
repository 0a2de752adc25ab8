"""System mode authorization by SO_PEERCRED with real unprivileged users: private events stay
private, public events are changed only by root and the admin group, and per-uid limits hold.

Needs root (to run clients as other uids with setpriv and create a test user and group)."""
import json
import os
import pwd
import subprocess
import sys
import unittest


from system_harness import SETPRIV, SystemModeCase, skip_reason


@unittest.skipIf(skip_reason() is not None, skip_reason() or "")
class SystemModeAuthz(SystemModeCase):
    USERS = ("herald-az-it",)
    ADMIN_GROUP = "herald-az-itadm"
    CONFIG = "max_events_per_user = 4\nmax_clients_per_user = 2\n"

    def setUp(self):
        super().setUp()
        self.uid_a = self.uids[0]
        self.uid_b = pwd.getpwnam("nobody").pw_uid

    def test_socket_is_reachable_by_everyone(self):
        self.assertEqual(os.stat(self.d.socket).st_mode & 0o777, 0o666)
        hello = json.loads(self.as_user(self.uid_b, "--json", "status", check=0).stdout)
        self.assertEqual(hello["mode"], "system")

    def test_private_events_stay_private(self):
        mine = self.add(self.uid_a, "A's dentist")
        self.assertEqual(mine["owner"], self.uid_a)
        public = self.rootc.result("event.add", {"event": {"title": "Office national day", "start": "2030-06-06",
                                                           "visibility": "public"}})["event"]
        # B sees the public event, not A's private one, in lists and searches.
        b_list = self.listed(self.uid_b)
        self.assertIn("Office national day", b_list)
        self.assertNotIn("dentist", b_list)
        # B cannot read, change or delete A's event: it does not exist for B (exit 66).
        self.as_user(self.uid_b, "show", str(mine["id"]), check=66)
        self.as_user(self.uid_b, "edit", str(mine["id"]), "--title", "hijacked", check=66)
        self.as_user(self.uid_b, "rm", str(mine["id"]), check=66)
        # A still has it, unchanged, and sees the public event too.
        a_list = self.listed(self.uid_a)
        self.assertIn("A's dentist", a_list)
        self.assertIn("Office national day", a_list)
        self.assertEqual(self.rootc.result("event.get", {"id": mine["id"]})["event"]["title"], "A's dentist")
        # B can change their own private event.
        theirs = self.add(self.uid_b, "B's lunch")
        self.as_user(self.uid_b, "edit", str(theirs["id"]), "--title", "B's long lunch", check=0)
        self.assertNotIn("lunch", self.listed(self.uid_a))
        self.assertEqual(public["owner"], 0)

    def test_public_events_need_the_admin_group(self):
        public = self.rootc.result("event.add", {"event": {"title": "EXPO national day", "start": "2030-06-06",
                                                           "visibility": "public"}})["event"]
        denied = self.as_user(self.uid_b, "edit", str(public["id"]), "--title", "mine now", check=77)
        self.assertIn(self.ADMIN_GROUP, denied.stderr)
        self.as_user(self.uid_b, "rm", str(public["id"]), check=77)
        self.as_user(self.uid_a, "add", "Announcement", "--at", "2030-07-01", "--public", check=77)
        self.assertEqual(self.rootc.result("event.get", {"id": public["id"]})["event"]["title"], "EXPO national day")
        # A member of the admin group may add and change public events.
        self.as_user(self.uid_a, "edit", str(public["id"]), "--location", "Osaka", admin=True, check=0)
        added = self.add(self.uid_a, "Announcement", "--public", admin=True)
        self.assertEqual(added["visibility"], "public")
        self.assertEqual(self.rootc.result("event.get", {"id": public["id"]})["event"]["location"], "Osaka")
        # ... and B sees the admin's public event.
        self.assertIn("Announcement", self.listed(self.uid_b))

    def test_limits_per_user(self):
        for i in range(4):
            self.add(self.uid_a, f"A {i}")
        over = self.as_user(self.uid_a, "add", "A 5", "--at", "2030-05-02", check=65)
        self.assertIn("max_events_per_user", over.stderr)
        self.add(self.uid_b, "B still may")  # the quota is per user
        # Connections: a third concurrent connection of one uid is refused with busy.
        script = ("import json,socket,sys\n"
                  "socks=[socket.socket(socket.AF_UNIX) for _ in range(3)]\n"
                  "[s.connect(sys.argv[1]) for s in socks]\n"
                  "socks[2].settimeout(5)\n"
                  "print(socks[2].recv(4096).decode().strip())\n"
                  "socks[0].sendall(b'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"hello\"}\\n')\n"
                  "socks[0].settimeout(5)\n"
                  "print(socks[0].recv(65536).decode().strip())\n")
        gid_b = pwd.getpwuid(self.uid_b).pw_gid
        p = subprocess.run([SETPRIV, f"--reuid={self.uid_b}", f"--regid={gid_b}", "--clear-groups",
                            sys.executable, "-c", script, self.d.socket], capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        refused, served = [json.loads(l) for l in p.stdout.splitlines()]
        self.assertEqual(refused["error"]["data"]["kind"], "busy")
        self.assertIn(f"uid {self.uid_b}", refused["error"]["message"])
        self.assertEqual(served["result"]["you"]["uid"], self.uid_b)


if __name__ == "__main__":
    unittest.main()
