"""Group commit: concurrent writes share one durable commit, each acknowledged only once durable."""
import json
import threading
import unittest

from harness import DaemonTestCase

CLIENTS = 8
ADDS_PER_CLIENT = 60


def event(uid, title=None):
    return {"uid": uid, "title": title or f"event {uid}", "start": "2025-06-06T10:00", "tz": "Asia/Almaty"}


class GroupCommit(DaemonTestCase):
    def adder(self, n, acked, errors):
        try:
            c = self.d.connect()
            for i in range(ADDS_PER_CLIENT):
                uid = f"c{n}-{i}@group.test"
                reply = c.call("event.add", {"event": event(uid)})
                if "result" in reply:
                    acked.append(uid)
                else:
                    errors.append(reply["error"])
        except Exception as e:  # reported by the main thread
            errors.append(repr(e))

    def test_concurrent_acknowledged_adds_survive_sigkill(self):
        acked, errors = [], []
        threads = [threading.Thread(target=self.adder, args=(n, acked, errors)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(acked), CLIENTS * ADDS_PER_CLIENT)
        self.d.kill()
        self.d.start()
        c = self.d.connect()
        missing = [uid for uid in acked if "error" in c.call("event.get", {"uid": uid})]
        self.assertEqual(missing, [], "acknowledged events lost after SIGKILL")
        self.assertEqual(c.result("status")["events"], CLIENTS * ADDS_PER_CLIENT)

    def test_pipelined_requests_share_one_commit(self):
        c = self.d.connect()
        lines = [json.dumps({"jsonrpc": "2.0", "id": i, "method": "event.add",
                             "params": {"event": event(f"p{i}@group.test")}}) for i in range(50)]
        c.send_raw(("\n".join(lines) + "\n").encode())
        replies = [c.read() for _ in range(50)]
        self.assertEqual([r["id"] for r in replies], list(range(50)))
        self.assertTrue(all("result" in r for r in replies), replies)
        status = c.result("status")
        self.assertEqual(status["committed_requests"], 50)
        # 50 requests in one 64 KiB read: far fewer commits than requests. The reader yields the
        # thread after every 5 ms of pipelined work (bounded work, docs/architecture.md), so a slow
        # build (ASan) on a busy machine splits the 50 into more batches (CI once saw 11); 50
        # separate commits is the bug, so the bound is half of that, not a timing figure.
        self.assertLessEqual(status["commits"], 25)

    def test_failing_request_does_not_roll_back_its_batch(self):
        c = self.d.connect()
        first = c.result("event.add", {"event": event("base@group.test")})["event"]
        batch = [
            ("event.add", {"event": event("a@group.test")}),
            ("event.add", {"event": {"title": "a\u0001b", "start": "2025-01-01"}}),    # validation: title
            ("event.update", {"id": first["id"], "revision": 99, "changes": {"title": "x"}}),  # conflict
            ("event.add", {"event": event("b@group.test")}),
            ("event.add", {"event": event("base@group.test", "other content")}),       # uid conflict
            ("event.remove", {"id": 999999}),                                          # not found
            ("event.update", {"id": first["id"], "revision": 1, "changes": {"title": "renamed"}}),
        ]
        payload = "".join(json.dumps({"jsonrpc": "2.0", "id": i, "method": m, "params": p}) + "\n"
                          for i, (m, p) in enumerate(batch))
        c.send_raw(payload.encode())
        replies = {r["id"]: r for r in (c.read() for _ in batch)}
        ok = {i for i, r in replies.items() if "result" in r}
        self.assertEqual(ok, {0, 3, 6}, replies)
        self.assertEqual(replies[1]["error"]["data"]["field"], "title")
        self.assertEqual(replies[2]["error"]["data"]["kind"], "revision_conflict")
        self.assertEqual(replies[4]["error"]["data"]["kind"], "revision_conflict")
        self.assertEqual(replies[5]["error"]["data"]["kind"], "not_found")
        self.d.kill()
        self.d.start()
        c = self.d.connect()
        for uid in ("a@group.test", "b@group.test"):
            self.assertIn("result", c.call("event.get", {"uid": uid}), uid)
        stored = c.result("event.get", {"uid": "base@group.test"})["event"]
        self.assertEqual((stored["title"], stored["revision"]), ("renamed", 2))
        self.assertEqual(c.result("status")["events"], 3)


if __name__ == "__main__":
    unittest.main()
